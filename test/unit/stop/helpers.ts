/**
 * Shared builders for the executor's tests: plans, a captured logger, API errors, and a world in which the
 * executor runs against the emulator (in-process, on a virtual clock).
 */
import type { DestinationStream } from 'pino';
import type { FaultSettings } from '../../../lib/emulator/index.js';
import { VolcApiError } from '../../../lib/errors.js';
import { createLogger } from '../../../lib/logger.js';
import type { Plan, PlanItem } from '../../../lib/plan/types.js';
import { type ExecuteOptions, type ExecuteResult, executePlan } from '../../../lib/stop/execute.js';
import { RETRYABLE_API_CODES, RETRYABLE_HTTP_STATUSES } from '../../../lib/volc/index.js';
import { type VirtualClock, virtualClock } from '../../support/clock.js';
import { EmulatedEcs } from '../../support/emulated-ecs.js';

export const FIRE_TIME = '2026-01-05T18:00:00.000Z';

/** A `stop` plan item. */
export function stopItem(instanceId: string, fields: Partial<PlanItem> = {}): PlanItem {
  return {
    instanceId,
    instanceName: `name-${instanceId}`,
    region: 'cn-beijing',
    schedule: 'office-hours',
    fireTime: FIRE_TIME,
    action: 'stop',
    decision: 'stop',
    reason: 'auto: PostPaid ecs.g3i.large',
    stoppedMode: 'StopCharging',
    modeSource: 'defaults',
    forceStop: false,
    fallbackToKeepCharging: true,
    status: 'RUNNING',
    instanceChargeType: 'PostPaid',
    instanceTypeId: 'ecs.g3i.large',
    ...fields,
  };
}

/** A `start` plan item: an instance stopped with StopCharging, to be started. */
export function startItem(instanceId: string, fields: Partial<PlanItem> = {}): PlanItem {
  const { modeSource: _s, forceStop: _f, fallbackToKeepCharging: _b, ...rest } = stopItem(instanceId);
  return {
    ...rest,
    action: 'start',
    decision: 'start',
    reason: 'stopped with StopCharging',
    stoppedMode: 'StopCharging',
    status: 'STOPPED',
    ...fields,
  };
}

/** A `skip` plan item. */
export function skipItem(instanceId: string, reason: string, fields: Partial<PlanItem> = {}): PlanItem {
  const {
    stoppedMode: _m,
    modeSource: _s,
    forceStop: _f,
    fallbackToKeepCharging: _b,
    ...rest
  } = stopItem(instanceId);
  return { ...rest, decision: 'skip', reason, ...fields };
}

/** A plan over `items`, with the guard computed from `maxInstancesPerRun`. */
export function makePlan(items: PlanItem[], maxInstancesPerRun = 10_000): Plan {
  const stops = items.filter((i) => i.decision === 'stop').length;
  const starts = items.filter((i) => i.decision === 'start').length;
  const keys = items.filter((i) => i.fireTime).map((i) => `${i.schedule}\n${i.fireTime}\n${i.action}`);
  const fires = [...new Set(keys)].map((k) => {
    const [schedule, fireTime, action] = k.split('\n') as [string, string, 'stop' | 'start'];
    return { schedule, fireTime, action };
  });
  return {
    fires,
    items,
    guard: { maxInstancesPerRun, stops, starts, exceeded: stops + starts > maxInstancesPerRun },
  };
}

/** IDs `i-<prefix>0000` … for `count` instances. */
export function ids(count: number, prefix = 'x'): string[] {
  return Array.from({ length: count }, (_, i) => `i-${prefix}${String(i).padStart(4, '0')}`);
}

/** A pino logger whose lines land, parsed, in `lines`. */
export function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination: DestinationStream = {
    write(chunk: string) {
      for (const line of chunk.split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    },
  };
  return { lines, logger: createLogger({ destination, level: 'debug' }) };
}

/** Default options: a deadline an hour away on the fake clock. */
export function defaultOptions(clock: VirtualClock, overrides: Partial<ExecuteOptions> = {}): ExecuteOptions {
  return {
    deadlineAtMs: clock.nowMs() + 3_600_000,
    retry: { baseMs: 200, capMs: 20_000, maxAttempts: 8 },
    rateLimit: { qps: 10 },
    verify: { enabled: false, timeoutMs: 120_000, intervalMs: 5_000 },
    ...overrides,
  };
}

/**
 * A VolcApiError as the client builds it from an answer with this code and status; `retryable` follows the
 * client's rules (lib/volc/response.ts; status 0 is a connection that gave no answer) unless given.
 */
export function apiError(
  code: string,
  httpStatus: number,
  options: { retryable?: boolean; requestId?: string; action?: string; region?: string } = {},
): VolcApiError {
  return new VolcApiError({
    code,
    message: `${code} (built by the test)`,
    httpStatus,
    requestId: options.requestId,
    action: options.action ?? 'StopInstances',
    region: options.region ?? 'cn-beijing',
    retryable:
      options.retryable ??
      (RETRYABLE_API_CODES.has(code) || RETRYABLE_HTTP_STATUSES.has(httpStatus) || httpStatus === 0),
  });
}

/**
 * A world: a virtual clock, the emulator in-process on that clock (`ecs`), captured logs, and `run`, which runs
 * the executor against it.
 * @param options.faults the emulator's fault settings (`latencyMs`, `transitionMs`...; a script is added with
 *   `ecs.script`)
 */
export function world(options: { faults?: FaultSettings; random?: () => number } = {}) {
  const clock = virtualClock({ startMs: Date.UTC(2026, 0, 5, 18, 0, 0) });
  const ecs = new EmulatedEcs(clock, options.faults);
  const { lines, logger } = capturedLogger();
  const deps = {
    clientFor: (region: string) => ecs.clientFor(region),
    nowMs: clock.nowMs,
    sleep: clock.sleep,
    random: options.random ?? (() => 0.5),
    logger,
  };
  const run = (plan: Plan, overrides: Partial<ExecuteOptions> = {}): Promise<ExecuteResult> =>
    executePlan(plan, deps, defaultOptions(clock, overrides));
  return { clock, ecs, lines, logger, deps, run };
}

/** The parsed `instance.outcome` lines. */
export function outcomeLines(lines: Record<string, unknown>[]): Record<string, unknown>[] {
  return lines.filter((l) => l.event === 'instance.outcome');
}
