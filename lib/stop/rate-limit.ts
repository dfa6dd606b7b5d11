/**
 * A client-side request rate per region and action that reads the quota from the answers: it starts at the
 * configured `qps` and slows down only when a real share of the recent answers was throttled, not on one
 * 429. Volcengine publishes no ECS request quota, so the limiter learns it instead of trusting a constant.
 *
 * Slots follow a token bucket, the shape of the emulator's quota (docs/volcengine-api.md, "Request quota"):
 * `burst` requests (by default a little less than the quota's one second) may go at once, then one every `1000 / rate` ms; a caller waits only when the bucket is
 * empty. Each `acquire()` reserves its slot synchronously (the generic cell rate algorithm: a theoretical
 * arrival time, `burst - 1` intervals of tolerance), so concurrent callers get distinct slots and a fake
 * clock gives exact times.
 *
 * The rule, over the last `windowSize` answers:
 * - a throttled share of at least `throttleShare` (with at least `minSamples` answers since the last change)
 *   halves the rate, down to `floorQps`, and empties the bucket. The default share is one half: a rate above the quota only costs requests the
 *   server refuses at once (the ones that get through still go at the quota), so the limiter slows down when
 *   most of its requests are wasted, and a few random 429s among many answers never slow a region;
 * - a halving is judged on the answers after it (half of `minSamples` of them): above the quota, half the rate gets about as many requests
 *   through per second as before (the server refused the rest); when it gets clearly fewer through (under
 *   three quarters), the refusals were not about the rate (they come at any rate, say a fixed share of
 *   random 429s), so the halving is undone, with the halvings in a row before it (at a high share, so few
 *   answers can pass a random halving as one that helped), and the limiter stops halving until the share
 *   falls below `throttleShare` again: random refusals cannot pin a region at its floor;
 * - each unthrottled answer while the share is below `throttleShare` adds `recoverQpsPerSuccess`, back up to
 *   `qps` (from half the rate in five answers at the default step): recovery is prompt;
 * - a Retry-After the server sends holds every slot back that long (then one request per interval, no burst),
 *   without changing the rate.
 * The limiter never probes above the configured `qps`: it is the user's statement of the quota, and going
 * above it would spend the quota of anything else the account runs.
 */
import { UsageError } from '../errors.js';

/** Options of {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** Target and highest rate, requests per second. */
  qps: number;
  /**
   * Requests that may go at once before the rate paces them (the bucket's size); at least 1.
   * @default nine tenths of a second of requests, rounded down (see {@link defaultBurst})
   */
  burst?: number;
  /** Lowest rate throttling can push it to (never above `qps`). @default 0.5 */
  floorQps?: number;
  /** Rate added after each unthrottled answer until `qps` is reached again. @default qps / 10 */
  recoverQpsPerSuccess?: number;
  /** How many recent answers the throttled share is read over. @default 20 */
  windowSize?: number;
  /** The throttled share of the window that slows the rate. @default 0.5 */
  throttleShare?: number;
  /** Answers needed since the last change of rate before the next one. @default windowSize */
  minSamples?: number;
}

/**
 * The burst a limiter takes when none is configured: the quota's bucket holds one second of requests, and
 * the client leaves a tenth of a second of it unspent. Its slots are timed when requests leave, the server's
 * bucket when they arrive, and arrivals do not keep their spacing (a new connection's first request is
 * slower than the next ones): with the whole bucket spent, the first request that arrives a little early is
 * refused. The reserve absorbs 100 ms of such jitter, at the cost of a tenth of a second at the start of a run
 * that needs more than the burst at once.
 */
export function defaultBurst(qps: number): number {
  return Math.max(1, Math.floor(qps * 0.9));
}

/** The clock the limiter waits on. */
export interface RateLimiterDeps {
  nowMs(): number;
  sleep(ms: number): Promise<void>;
}

/** What a limiter counted: the `regionStats` figures of one lane. */
export interface LimiterStats {
  /** Answers recorded (throttled or not). */
  requests: number;
  /** Answers that said the request rate was too high. */
  throttled: number;
  /** Time callers spent waiting for their slot, summed over callers, in ms. */
  limiterWaitMs: number;
}

/** New, zeroed limiter counters. */
export function newLimiterStats(): LimiterStats {
  return { requests: 0, throttled: 0, limiterWaitMs: 0 };
}

/**
 * An adaptive request-rate limiter for one region and action.
 *
 * @example
 * const limiter = new RateLimiter({ qps: 10 }, { nowMs: Date.now, sleep });
 * await limiter.acquire();
 * try { await call(); limiter.onSuccess(); } catch (e) { if (isThrottle(e)) limiter.onThrottle(); throw e; }
 */
export class RateLimiter {
  readonly maxQps: number;
  readonly burst: number;
  readonly floorQps: number;
  readonly recoverQpsPerSuccess: number;
  readonly windowSize: number;
  readonly throttleShare: number;
  readonly minSamples: number;
  /** Counters, for `run.summary`'s `regionStats`. */
  readonly stats: LimiterStats;
  #qps: number;
  /** The theoretical arrival time: where the next request would go if no burst were allowed. */
  #tatMs = Number.NEGATIVE_INFINITY;
  /** The last `windowSize` answers, true when throttled (a ring). */
  readonly #window: boolean[] = [];
  #windowNext = 0;
  #windowThrottled = 0;
  /** Answers (and throttled ones) since the last change of rate. */
  #since = { answers: 0, throttled: 0 };
  /** The last halving: the rate before it and the requests per second that got through then, until judged. */
  #lastHalving: { fromQps: number; goodput: number } | undefined;
  /** True after a halving that did not help, until the share falls below `throttleShare`. */
  #insensitive = false;
  /** The rate before the first of the halvings in a row not yet borne out by a low share, if any. */
  #cutFromQps: number | undefined;
  readonly #deps: RateLimiterDeps;

  constructor(options: RateLimiterOptions, deps: RateLimiterDeps, stats: LimiterStats = newLimiterStats()) {
    if (!Number.isFinite(options.qps) || options.qps <= 0) {
      throw new UsageError(`rateLimit.qps must be a positive number, got ${options.qps}`);
    }
    this.maxQps = options.qps;
    this.burst = Math.max(1, Math.floor(options.burst ?? defaultBurst(options.qps)));
    this.floorQps = Math.min(options.floorQps ?? 0.5, options.qps);
    this.recoverQpsPerSuccess = options.recoverQpsPerSuccess ?? options.qps / 10;
    this.windowSize = Math.max(1, options.windowSize ?? 20);
    this.throttleShare = options.throttleShare ?? 0.5;
    this.minSamples = Math.max(1, options.minSamples ?? this.windowSize);
    this.stats = stats;
    this.#qps = options.qps;
    this.#deps = deps;
  }

  /** The current rate, requests per second. */
  get currentQps(): number {
    return this.#qps;
  }

  /** Milliseconds between two requests at the current rate. */
  get intervalMs(): number {
    return 1000 / this.#qps;
  }

  /** When the next free slot is (on the limiter's clock); in the past when one is free now. */
  get nextSlotAtMs(): number {
    return this.#tatMs - this.#toleranceMs;
  }

  /** Slots free right now (the tokens in the bucket), at most `burst`. */
  freeSlots(nowMs: number = this.#deps.nowMs()): number {
    return Math.max(0, Math.min(this.burst, Math.floor((nowMs - this.nextSlotAtMs) / this.intervalMs) + 1));
  }

  /** How far ahead of the rate a request may go: `burst - 1` intervals. */
  get #toleranceMs(): number {
    return (this.burst - 1) * this.intervalMs;
  }

  /** The throttled share of the recent answers (0 before any). */
  get throttledShare(): number {
    return this.#window.length === 0 ? 0 : this.#windowThrottled / this.#window.length;
  }

  /** Waits for this caller's slot. Slots are handed out in call order. */
  async acquire(): Promise<void> {
    const nowMs = this.#deps.nowMs();
    const slotMs = Math.max(nowMs, this.nextSlotAtMs);
    this.#tatMs = Math.max(this.#tatMs, slotMs) + this.intervalMs;
    if (slotMs > nowMs) {
      this.stats.limiterWaitMs += slotMs - nowMs;
      await this.#deps.sleep(slotMs - nowMs);
    }
  }

  /**
   * The API throttled us. Halves the rate when a real share of the recent answers was throttled (see the
   * module's rule); holds the next slot back by `retryAfterMs` when the server asked for that.
   */
  onThrottle(retryAfterMs?: number): void {
    this.#record(true);
    const nowMs = this.#deps.nowMs();
    if (retryAfterMs !== undefined && retryAfterMs > 0) this.#holdUntil(nowMs + retryAfterMs);
    const last = this.#lastHalving;
    // A halving is judged on half a window of answers after it: at the slower rate, a whole window of them
    // would take twice as long to gather as the one that called for it.
    const needed = last === undefined ? this.minSamples : Math.ceil(this.minSamples / 2);
    if (this.#since.answers < needed || this.throttledShare < this.throttleShare) return;
    if (this.#insensitive) return;
    if (
      last !== undefined &&
      this.#goodput(this.#since.throttled / this.#since.answers) < 0.75 * last.goodput
    ) {
      // Halving cost answers: above the quota, half the rate gets as many requests through as before; here
      // it got (nearly) half as many, so the refusals are not about the rate. Undo it, stop halving.
      // The halvings before it were judged on as few answers, at the same share: undo them all.
      this.#setRate(this.#cutFromQps ?? last.fromQps);
      this.#cutFromQps = undefined;
      this.#lastHalving = undefined;
      this.#insensitive = true;
      this.#since = { answers: 0, throttled: 0 };
      return;
    }
    this.#lastHalving = { fromQps: this.#qps, goodput: this.#goodput(this.throttledShare) };
    this.#cutFromQps ??= this.#qps;
    // Half the rate, one step at a time: a deeper cut would take longer to judge (its answers come slower),
    // and far above the quota the refusals come back at once, so the steps are quick where they are many.
    this.#setRate(Math.max(this.floorQps, this.#qps / 2));
    this.#since = { answers: 0, throttled: 0 };
    this.#holdUntil(nowMs + this.intervalMs);
  }

  /** The server asked for a pause (a Retry-After on an answer that was not throttled): no slot for `ms`. */
  holdFor(ms: number): void {
    if (ms > 0) this.#holdUntil(this.#deps.nowMs() + ms);
  }

  /** No slot before `atMs`, and none of the burst right after it: the bucket is empty then. */
  #holdUntil(atMs: number): void {
    this.#tatMs = Math.max(this.#tatMs, atMs + this.#toleranceMs);
  }

  /** A request went through without throttling: recover a step towards `qps` while the share is low. */
  onSuccess(): void {
    this.#record(false);
    if (this.throttledShare >= this.throttleShare) return;
    this.#insensitive = false;
    if (this.#since.answers >= this.minSamples) {
      // A window of answers since the last halving with the share low: the cuts were about the rate.
      this.#lastHalving = undefined;
      this.#cutFromQps = undefined;
    }
    this.#setRate(Math.min(this.maxQps, this.#qps + this.recoverQpsPerSuccess));
  }

  /**
   * Changes the rate, keeping the next free slot where it was. The bucket is kept as a theoretical arrival
   * time `burst - 1` intervals ahead of that slot, and the interval is the rate's: left as it was, a faster
   * rate would move the slot later (by the shrinking tolerance), which held a region back for seconds when a
   * cut made at a low rate was undone.
   */
  #setRate(qps: number): void {
    const nextSlotAtMs = this.nextSlotAtMs;
    this.#qps = qps;
    this.#tatMs = nextSlotAtMs + this.#toleranceMs;
  }

  /** Requests per second that get through at the current rate, when `share` of them are throttled. */
  #goodput(share: number): number {
    return this.#qps * (1 - share);
  }

  #record(throttled: boolean): void {
    this.stats.requests += 1;
    if (throttled) this.stats.throttled += 1;
    this.#since.answers += 1;
    if (throttled) this.#since.throttled += 1;
    if (this.#window.length < this.windowSize) {
      this.#window.push(throttled);
    } else {
      if (this.#window[this.#windowNext]) this.#windowThrottled -= 1;
      this.#window[this.#windowNext] = throttled;
      this.#windowNext = (this.#windowNext + 1) % this.windowSize;
    }
    if (throttled) this.#windowThrottled += 1;
  }
}
