/**
 * ClientTokens for StopInstances: the API's idempotency key. A token is a pure function of what the request
 * asks, so a retry of the same request (and a second invocation of the same tick) carries the same token and
 * cannot stop anything twice, while a request that asks anything different gets a different token, so the
 * server never sees one token with two parameter sets (IdempotentParameterMismatch).
 *
 * A re-batch (round > 0) also names the run that sends it. It exists because an earlier answer said "not
 * done" (throttled, locked); were its token the same in every invocation of the tick, an invocation after a
 * run that gave up (or was cut by its deadline) would be answered with that run's stored "not done" for every
 * round it had already tried, and could never get further. Round 0 stays shared (that is what makes a
 * repeated delivery harmless), so a re-run's first call may still get an earlier run's answer: one attempt,
 * after which its re-batches are its own. Two invocations racing on the same instances send different
 * re-batches, which is still safe: the second finds the instance no longer RUNNING.
 */
import { createHash } from 'node:crypto';
import type { StoppedMode } from '../volc/index.js';

/** Every token starts with this: `lo` for lights-out, `1` for the version of the canonical form. */
export const CLIENT_TOKEN_PREFIX = 'lo1-';
/** The API's limit on ClientToken length. */
export const CLIENT_TOKEN_MAX_LENGTH = 64;

/** What a token is derived from. */
export interface ClientTokenInput {
  schedule: string;
  /** ISO 8601 fire time. */
  fireTime: string | null;
  /** The API action, e.g. `StopInstances`. */
  action: string;
  stoppedMode?: StoppedMode | undefined;
  forceStop?: boolean | undefined;
  /** In any order: they are sorted before hashing. */
  instanceIds: readonly string[];
  /**
   * Which re-batch round sent the request (0 for the first). A round's instances were answered with an
   * error, so sending them again must be a NEW request: with the first round's token the server would
   * replay its first answer. Round 0 leaves the field out of the canonical form. @default 0
   */
  round?: number;
  /** The run sending a re-batch (round > 0); ignored in round 0. @default none */
  runId?: string | undefined;
}

/**
 * `lo1-` + hex SHA-256 of a canonical form of the input, 64 ASCII characters in all.
 *
 * @example
 * clientToken({ schedule: 'office-hours', fireTime: '2026-01-05T18:00:00.000Z', action: 'StopInstances',
 *   stoppedMode: 'StopCharging', forceStop: false, instanceIds: ['i-b', 'i-a'] }); // 'lo1-3f…' (64 chars)
 */
export function clientToken(input: ClientTokenInput): string {
  const ids = [...input.instanceIds].sort();
  // JSON of an array is unambiguous: no separator inside a field can make two inputs collide.
  const fields: unknown[] = [
    input.schedule,
    input.fireTime ?? '',
    input.action,
    input.stoppedMode ?? '',
    input.forceStop ?? false,
    ids,
  ];
  if (input.round !== undefined && input.round > 0) {
    fields.push(
      input.runId === undefined ? { round: input.round } : { round: input.round, runId: input.runId },
    );
  }
  const digest = createHash('sha256').update(JSON.stringify(fields)).digest('hex');
  return (CLIENT_TOKEN_PREFIX + digest).slice(0, CLIENT_TOKEN_MAX_LENGTH);
}
