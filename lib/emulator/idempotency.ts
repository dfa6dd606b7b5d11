/**
 * ClientToken memory. A token remembers the parameters and the result of the request that first used it:
 * the same token with the same parameters gets that result again without acting twice (or 412 while the first
 * request is still in process), and with other parameters gets IdempotentParameterMismatch.
 */
import { ApiRejection } from './params.js';

/** A committed result, replayed to retries. */
export interface StoredResult {
  result: unknown;
  /** Per-instance outcomes, for the call log of replays. */
  results: Array<{ instanceId: string; errorCode?: string }>;
}

interface Entry {
  fingerprint: string;
  /** True until the first request's answer is on its way. */
  processing: boolean;
  stored?: StoredResult;
}

/**
 * The fingerprint of a request's parameters: everything but the ClientToken, ordered by name (a name appears
 * once: a parameter given twice is refused before this).
 */
export function fingerprintOf(params: ReadonlyMap<string, string>): string {
  const pairs = [...params].filter(([key]) => key !== 'ClientToken');
  return JSON.stringify(pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Tokens per (access key, region), as each region's endpoint keeps its own. */
export class IdempotencyStore {
  readonly #entries = new Map<string, Entry>();
  readonly #firstAttempts = new Set<string>();

  /**
   * Looks a token up before acting.
   * @returns the stored result to replay, or undefined when the request must be carried out
   * @throws ApiRejection IdempotentParameterMismatch or IdempotentProcessing
   */
  lookup(key: string, fingerprint: string, refuseFirstAttempt: boolean): StoredResult | undefined {
    const entry = this.#entries.get(key);
    if (entry && entry.fingerprint !== fingerprint) throw new ApiRejection('IdempotentParameterMismatch');
    if (entry?.processing) throw new ApiRejection('IdempotentProcessing');
    if (entry) return entry.stored;
    if (refuseFirstAttempt && !this.#firstAttempts.has(key)) {
      this.#firstAttempts.add(key);
      throw new ApiRejection('IdempotentProcessing');
    }
    return undefined;
  }

  /** Claims a token for a request about to act; it answers 412 to others until {@link release}. */
  claim(key: string, fingerprint: string): void {
    this.#entries.set(key, { fingerprint, processing: true });
  }

  /** Stores the committed result of a claimed token. */
  store(key: string, stored: StoredResult): void {
    const entry = this.#entries.get(key);
    if (entry) entry.stored = stored;
  }

  /** Ends the processing window of a claimed token; a token whose request failed is forgotten. */
  release(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    if (entry.stored) entry.processing = false;
    else this.#entries.delete(key);
  }

  /** Forgets every token (on reset). */
  clear(): void {
    this.#entries.clear();
    this.#firstAttempts.clear();
  }
}

/** The store key of a token. */
export function tokenKey(accessKeyId: string, region: string, token: string): string {
  return `${accessKeyId}\n${region}\n${token}`;
}
