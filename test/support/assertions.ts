/**
 * The stop path's invariants, as assertions over the emulator's state and call log and over parsed log lines:
 * one outcome per plan item, nothing accepted twice, no ClientToken reused with other parameters, and the
 * secret key nowhere in what the run wrote or threw.
 */
import { expect } from 'vitest';
import type { EmulatorHandle } from '../../lib/emulator/index.js';
import type { Plan } from '../../lib/plan/types.js';
import { type LogLine, linesOf } from './logs.js';

/**
 * Exactly one `instance.outcome` line per plan item (same instance, same outcome as the run returned), and
 * exactly one `run.summary` line.
 *
 * @param runId the run's binding, when several runs share a log
 */
export function expectOneOutcomePerItem(
  plan: Plan,
  lines: readonly LogLine[],
  runId?: string,
): Map<string, LogLine> {
  const outcomes = linesOf(lines, 'instance.outcome', runId);
  const byId = new Map<string, LogLine>();
  for (const line of outcomes) {
    const id = String(line.instanceId);
    expect(byId.has(id), `a second instance.outcome line for ${id}`).toBe(false);
    byId.set(id, line);
  }
  expect([...byId.keys()].sort()).toEqual(plan.items.map((i) => i.instanceId).sort());
  expect(linesOf(lines, 'run.summary', runId)).toHaveLength(1);
  return byId;
}

/** No instance was accepted by StopInstances more than once since the emulator's last reset. */
export function expectNothingStoppedTwice(emulator: EmulatorHandle): void {
  const twice = emulator.instances().filter((i) => i.stopAccepted > 1);
  expect(twice.map((i) => `${i.InstanceId} x${i.stopAccepted}`)).toEqual([]);
  // The same from the call log: a stop is accepted by a call that acted (not a replay) without an error for
  // the instance, whether or not its answer reached the client (a lost response acted too).
  const accepted = new Map<string, number>();
  for (const call of emulator.calls()) {
    if (call.action !== 'StopInstances' || call.replayed || !call.results) continue;
    for (const r of call.results) {
      if (r.errorCode === undefined) accepted.set(r.instanceId, (accepted.get(r.instanceId) ?? 0) + 1);
    }
  }
  expect([...accepted].filter(([, n]) => n > 1)).toEqual([]);
}

/** No request was refused with IdempotentParameterMismatch (a ClientToken sent with other parameters). */
export function expectNoParameterMismatch(emulator: EmulatorHandle): void {
  const mismatches = emulator.calls().filter((c) => c.errorCode === 'IdempotentParameterMismatch');
  expect(mismatches.map((c) => c.clientToken)).toEqual([]);
}

/** Every instance of `ids` (all instances when absent) is STOPPED and was accepted exactly once. */
export function expectAllStoppedOnce(emulator: EmulatorHandle, ids?: readonly string[]): void {
  const wanted = ids ? new Set(ids) : undefined;
  const instances = emulator.instances().filter((i) => !wanted || wanted.has(i.InstanceId));
  if (wanted) expect(instances).toHaveLength(wanted.size);
  const wrong = instances
    .filter((i) => i.Status !== 'STOPPED' || i.stopAccepted !== 1)
    .map((i) => `${i.InstanceId} ${i.Status} x${i.stopAccepted}`);
  expect(wrong).toEqual([]);
}

/** Every outcome line says `outcome`. */
export function expectEveryOutcome(outcomes: ReadonlyMap<string, LogLine>, outcome: string): void {
  const other = [...outcomes.values()]
    .filter((l) => l.outcome !== outcome)
    .map((l) => `${l.instanceId} ${l.outcome} ${l.errorCode}: ${l.reason}`);
  expect(other).toEqual([]);
}

/** Text of an error for secret scans: name, message, stack and code, down its `cause` chain. */
export function errorText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 10; depth++) {
    if (current instanceof Error) {
      parts.push(
        current.name,
        current.message,
        current.stack ?? '',
        String((current as { code?: unknown }).code),
      );
      current = current.cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join('\n');
}

/** `secret` appears in no log line and in no error (message, stack or cause). */
export function expectNoSecret(
  secret: string,
  raw: readonly string[],
  errors: readonly unknown[] = [],
): void {
  expect(secret.length).toBeGreaterThan(8);
  const leaking = raw.filter((line) => line.includes(secret));
  expect(leaking).toEqual([]);
  for (const error of errors) expect(errorText(error)).not.toContain(secret);
}
