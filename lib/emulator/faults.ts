/**
 * The emulator's behaviour settings: timing, request-rate quota and injected faults. Shares are probabilities
 * in 0..1 drawn from a PRNG seeded by `seed`, so a run with the same settings and the same requests fails the
 * same way. Settable at start, from a file (`--faults`), and at run time (`PUT /_emulator/faults`).
 */
import { STOP_CHARGING_INELIGIBLE_TYPES } from '../volc/index.js';
import { checkScript, type ScriptedFault } from './script.js';
import { Issues, isRecord, objectSource, parseSource, readSource, type SourceDoc } from './source.js';

/** Added latency: a fixed number of milliseconds, or uniform in [min, max]. */
export type LatencyMs = number | { min: number; max: number };

/** Every setting is optional; the defaults are a fault-free, instant emulator. */
export interface FaultSettings {
  /** Seed of the fault PRNG; setting the faults re-seeds it. @default 1 */
  seed?: number;
  /** Requests per second per (access key, region, action), burst = qps; a map sets it per action. 0 = unlimited. @default 0 */
  qps?: number | Record<string, number>;
  /** Share of instances in Stop/Start answered with a per-instance FlowLimitExceeded. @default 0 */
  flowLimitPerInstance?: number;
  /**
   * Share of API requests answered 429 FlowLimitExceeded before anything is done: throttling at a seeded
   * share, where the `qps` quota throttles by timing. @default 0
   */
  flowLimitPerRequest?: number;
  /** Share of API requests answered 500 InternalError before anything is done. @default 0 */
  internalError?: number;
  /** Share of API requests answered 503 ServiceUnavailableTemp before anything is done. @default 0 */
  unavailable?: number;
  /** Share of API requests that ARE carried out, then answered 500 or with a dropped connection. @default 0 */
  lostResponse?: number;
  /** Share of API requests whose connection is dropped before anything is done. @default 0 */
  dropConnection?: number;
  /** Share of API requests answered by an HTML 502 (a proxy's page) before anything is done. @default 0 */
  nonJson?: number;
  /** Share of API requests that are carried out and answered 200 with JSON cut in the middle. @default 0 */
  truncatedJson?: number;
  /** Latency added to every API request. @default 0 */
  latencyMs?: LatencyMs;
  /**
   * Seconds every HTTP 429 answer (the quota's or an injected one) asks the client to wait, in a
   * `Retry-After` header; none is sent when unset, which is what Volcengine's documentation describes
   * (docs/volcengine-api.md, "Request quota"). @default unset
   */
  retryAfterSeconds?: number;
  /** How long a Stop/Start with a ClientToken stays "in process" (same-token requests get 412). @default 0 */
  processingMs?: number;
  /** The first request of every new ClientToken is answered 412 IdempotentProcessing without acting. @default false */
  idempotentProcessingFirstAttempt?: boolean;
  /**
   * Share of starts of StopCharging-stopped instances answered Insufficient.InstanceCapacity, drawn per
   * instance per attempt (a retry can succeed); KeepCharging-stopped instances and stops are never refused.
   * @default 0
   */
  insufficientCapacity?: number;
  /** How long STOPPING and STARTING last. @default 0 */
  transitionMs?: number;
  /**
   * A DescribeInstances that never ends, as a broken or hostile server would answer: every page is full
   * (MaxResults instances never listed before, RUNNING), announces `TotalCount: 300`, and hands out a new
   * NextToken, forever. @default false
   */
  endlessListing?: boolean;
  /** Share of Stop/Start answers that leave out one OperationDetail (which the call log names as `omitted`). @default 0 */
  omitOperationDetail?: number;
  /** Share of Stop/Start answers with an OperationDetail for an instance that was not asked for. @default 0 */
  extraOperationDetail?: number;
  /** Share of Stop/Start answers whose OperationDetails come in another order. @default 0 */
  shuffleOperationDetails?: number;
  /**
   * Instance-type patterns (`*` matches anything) that StopCharging refuses with InstanceTypeMismatch.
   * @default ['ecs.i*', 'ecs.d*', 'ecs.ebm*', 'ecs.hpc*']
   */
  stopChargingIneligible?: string[];
  /**
   * The most instances a DescribeInstances page holds, whatever MaxResults asks: a server may answer short
   * pages, and a client must follow NextToken all the same. 0 = as many as MaxResults. @default 0
   */
  maxPageSize?: number;
  /** Scripted faults: what the next matching requests get, in order (see script.ts). @default [] */
  script?: ScriptedFault[];
}

/** The StopCharging-ineligible families: local disks, bare metal, HPC (docs/volcengine-api.md, "StopCharging"). */
export const DEFAULT_STOP_CHARGING_INELIGIBLE: readonly string[] = STOP_CHARGING_INELIGIBLE_TYPES;

const SHARES = [
  'flowLimitPerInstance',
  'flowLimitPerRequest',
  'internalError',
  'unavailable',
  'lostResponse',
  'dropConnection',
  'nonJson',
  'truncatedJson',
  'insufficientCapacity',
  'omitOperationDetail',
  'extraOperationDetail',
  'shuffleOperationDetails',
] as const;
const DURATIONS = ['processingMs', 'transitionMs'] as const;
const WHOLE_NUMBERS = ['maxPageSize'] as const;
const KNOWN: ReadonlySet<string> = new Set([
  ...SHARES,
  ...DURATIONS,
  ...WHOLE_NUMBERS,
  'script',
  'seed',
  'qps',
  'latencyMs',
  'retryAfterSeconds',
  'idempotentProcessingFirstAttempt',
  'endlessListing',
  'stopChargingIneligible',
]);

/** Parses and checks fault settings (YAML or JSON). @throws ConfigError */
export function parseFaults(text: string, file = '<faults>'): FaultSettings {
  return checkFaults(parseSource(text, file));
}

/** Reads and checks a fault-settings file. @throws ConfigError */
export async function loadFaults(path: string): Promise<FaultSettings> {
  return checkFaults(await readSource(path));
}

/** Checks fault settings built in code. @throws ConfigError */
export function validateFaults(value: unknown, file = '<faults>'): FaultSettings {
  return checkFaults(objectSource(value, file));
}

const isCount = (value: unknown) => typeof value === 'number' && Number.isFinite(value) && value >= 0;

function checkFaults(doc: SourceDoc): FaultSettings {
  const issues = new Issues(doc);
  const value = doc.value ?? {};
  if (!isRecord(value)) {
    issues.add([], 'fault settings must be a mapping');
    issues.throwIfAny();
  }
  const settings = value as Record<string, unknown>;
  for (const key of Object.keys(settings)) if (!KNOWN.has(key)) issues.add([key], 'unknown setting');
  for (const key of SHARES) {
    const share = settings[key];
    if (share !== undefined && !(isCount(share) && (share as number) <= 1))
      issues.add([key], 'must be a share between 0 and 1');
  }
  for (const key of DURATIONS) {
    if (settings[key] !== undefined && !isCount(settings[key]))
      issues.add([key], 'must be a number of milliseconds, 0 or more');
  }
  for (const key of WHOLE_NUMBERS) {
    const count = settings[key];
    if (count !== undefined && !(Number.isInteger(count) && (count as number) >= 0))
      issues.add([key], 'must be a whole number, 0 or more');
  }
  checkScript(settings.script, issues);
  if (settings.seed !== undefined && !Number.isInteger(settings.seed))
    issues.add(['seed'], 'must be a whole number');
  checkQps(settings.qps, issues);
  const retryAfter = settings.retryAfterSeconds;
  if (retryAfter !== undefined && !(Number.isSafeInteger(retryAfter) && (retryAfter as number) >= 0))
    issues.add(['retryAfterSeconds'], 'must be a whole number of seconds, 0 or more');
  checkLatency(settings.latencyMs, issues);
  for (const key of ['idempotentProcessingFirstAttempt', 'endlessListing'] as const) {
    if (settings[key] !== undefined && typeof settings[key] !== 'boolean')
      issues.add([key], 'must be true or false');
  }
  const families = settings.stopChargingIneligible;
  if (
    families !== undefined &&
    !(Array.isArray(families) && families.every((f) => typeof f === 'string' && f !== ''))
  ) {
    issues.add(['stopChargingIneligible'], 'must be a list of instance-type patterns such as ecs.i*');
  }
  issues.throwIfAny();
  return { ...settings } as FaultSettings;
}

function checkQps(qps: unknown, issues: Issues): void {
  if (qps === undefined || isCount(qps)) return;
  if (!isRecord(qps)) {
    issues.add(['qps'], 'must be requests per second, or a map of action to requests per second');
    return;
  }
  for (const [action, rate] of Object.entries(qps)) {
    if (!isCount(rate)) issues.add(['qps', action], 'must be requests per second, 0 or more');
  }
}

function checkLatency(latency: unknown, issues: Issues): void {
  if (latency === undefined || isCount(latency)) return;
  if (
    isRecord(latency) &&
    isCount(latency.min) &&
    isCount(latency.max) &&
    (latency.min as number) <= (latency.max as number)
  ) {
    return;
  }
  issues.add(['latencyMs'], 'must be milliseconds, or {min, max} with 0 <= min <= max');
}
