/**
 * Token buckets per key, for the emulator's request-rate quota (per access key, region and action).
 * Time comes from the injected clock, so a test can exhaust and refill a bucket without waiting.
 */

interface Bucket {
  tokens: number;
  atMs: number;
}

/**
 * Token buckets with burst = rate (at least one): a key may send `qps` requests at once, then `qps` per second.
 * A quota under 1 request/s still lets one request through every `1 / qps` seconds.
 */
export class RateLimiter {
  readonly #now: () => number;
  readonly #buckets = new Map<string, Bucket>();

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Takes one token from the bucket of `key`; false when the bucket is empty. A `qps` of 0 is unlimited. */
  take(key: string, qps: number): boolean {
    if (!(qps > 0)) return true;
    const nowMs = this.#now();
    const burst = Math.max(1, qps);
    const bucket = this.#buckets.get(key) ?? { tokens: burst, atMs: nowMs };
    const elapsedMs = Math.max(0, nowMs - bucket.atMs);
    bucket.tokens = Math.min(burst, bucket.tokens + (elapsedMs / 1000) * qps);
    bucket.atMs = nowMs;
    this.#buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Forgets every bucket (on reset). */
  clear(): void {
    this.#buckets.clear();
  }
}
