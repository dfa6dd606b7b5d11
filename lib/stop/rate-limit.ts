/**
 * A client-side request rate per region that adapts to throttling (additive increase, multiplicative
 * decrease, as TCP does): it starts at the configured `qps`, halves when the API answers FlowLimitExceeded
 * (down to a floor) and creeps back towards `qps` by a small step after each success. Volcengine publishes no
 * ECS request quota, so the limiter learns it instead of trusting a constant.
 *
 * Requests are spaced, not bursted: each `acquire()` reserves the next free slot, `1000 / rate` ms after the
 * previous one, synchronously, so concurrent callers get distinct slots and a fake clock gives exact times.
 */
import { UsageError } from '../errors.js';

/** Options of {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** Target and highest rate, requests per second. */
  qps: number;
  /** Lowest rate throttling can push it to (never above `qps`). @default 0.5 */
  floorQps?: number;
  /** Rate added after each success until `qps` is reached again. @default qps / 10 */
  recoverQpsPerSuccess?: number;
}

/** The clock the limiter waits on. */
export interface RateLimiterDeps {
  nowMs(): number;
  sleep(ms: number): Promise<void>;
}

/**
 * An adaptive request-rate limiter for one region.
 *
 * @example
 * const limiter = new RateLimiter({ qps: 10 }, { nowMs: Date.now, sleep });
 * await limiter.acquire();
 * try { await call(); limiter.onSuccess(); } catch (e) { if (isThrottle(e)) limiter.onThrottle(); throw e; }
 */
export class RateLimiter {
  readonly maxQps: number;
  readonly floorQps: number;
  readonly recoverQpsPerSuccess: number;
  #qps: number;
  #nextSlotMs = Number.NEGATIVE_INFINITY;
  #lastDecreaseMs = Number.NEGATIVE_INFINITY;
  readonly #deps: RateLimiterDeps;

  constructor(options: RateLimiterOptions, deps: RateLimiterDeps) {
    if (!Number.isFinite(options.qps) || options.qps <= 0) {
      throw new UsageError(`rateLimit.qps must be a positive number, got ${options.qps}`);
    }
    this.maxQps = options.qps;
    this.floorQps = Math.min(options.floorQps ?? 0.5, options.qps);
    this.recoverQpsPerSuccess = options.recoverQpsPerSuccess ?? options.qps / 10;
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

  /** Waits for this caller's slot. Slots are handed out in call order. */
  async acquire(): Promise<void> {
    const nowMs = this.#deps.nowMs();
    const slotMs = Math.max(nowMs, this.#nextSlotMs);
    this.#nextSlotMs = slotMs + this.intervalMs;
    if (slotMs > nowMs) await this.#deps.sleep(slotMs - nowMs);
  }

  /**
   * The API throttled us: halve the rate and push the next free slot one (new) interval away.
   * Requests that were in flight together are usually throttled together; only the first of them within one
   * interval halves the rate, so a burst of four 429s halves once, not four times.
   */
  onThrottle(): void {
    const nowMs = this.#deps.nowMs();
    if (nowMs - this.#lastDecreaseMs < this.intervalMs) return;
    this.#qps = Math.max(this.floorQps, this.#qps / 2);
    this.#lastDecreaseMs = nowMs;
    this.#nextSlotMs = Math.max(this.#nextSlotMs, nowMs + this.intervalMs);
  }

  /** A request went through without throttling: recover a step towards `qps`. */
  onSuccess(): void {
    this.#qps = Math.min(this.maxQps, this.#qps + this.recoverQpsPerSuccess);
  }
}
