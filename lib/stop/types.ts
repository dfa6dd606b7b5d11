/** Outcomes of a run: one per plan item, and one summary per run. These are the log line shapes too. */
import type { Action } from '../schedule/index.js';

export const Outcome = {
  Stopped: 'stopped',
  AlreadyStopped: 'already-stopped',
  Skipped: 'skipped',
  Gone: 'gone',
  Failed: 'failed',
  DryRun: 'dry-run',
  /** StartInstances accepted the instance. */
  Started: 'started',
  /** StartInstances refused it as InvalidInstanceStatus, and a look-up found it RUNNING or STARTING. */
  AlreadyRunning: 'already-running',
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/** The `instance.outcome` log line: exactly one per plan item. */
export interface InstanceOutcome {
  event: 'instance.outcome';
  schedule: string;
  fireTime: string | null;
  /** The plan item's action: what the fire asked for. */
  action: Action;
  region: string;
  instanceId: string;
  instanceName: string;
  outcome: Outcome;
  /** Why: the plan's skip reason, `fallback:KeepCharging`, the API error message, ... */
  reason: string;
  /** For `unknown-schedule`: the schedule the tag probably meant. Present only then. */
  hint?: string;
  /** The mode the instance was (or would have been) stopped with; for a start, the mode it was stopped in. */
  stoppedMode: string | null;
  forceStop: boolean | null;
  /** The API's error code, or `DeadlineExceeded`, `GuardRefused`; null when none. */
  errorCode: string | null;
  /** StopInstances (or, for a start, StartInstances) calls that carried this instance. */
  attempts: number;
  /** RequestId of the last call about this instance. */
  requestId: string | null;
}

/** What one schedule's stops saved in a run (see lib/run/savings.ts). */
export interface ScheduleSavings {
  /** Instances the run stopped for this schedule. */
  instances: number;
  instanceHours: number;
  /** Only with a `prices` table. */
  amount?: number;
  /** When the instances are counted back on: the schedule's next start, or the same time the next day. */
  until: string;
  /** `next-start` when the schedule has a start after the fire; `same-time-next-day` otherwise. */
  basis: 'next-start' | 'same-time-next-day';
}

/** The `savings` field of `run.summary`: hours (and, with prices, money) not spent running what was stopped. */
export interface RunSavings {
  instanceHours: number;
  /** Only with a `prices` table: StopCharging hours at the compute price, KeepCharging hours at zero. */
  amount?: number;
  currency?: string;
  /** Stopped StopCharging instances whose type and family have no price (their hours count, no amount). */
  unpriced?: number;
  /** Per schedule that stopped something, by name. */
  bySchedule: Record<string, ScheduleSavings>;
}

/** The `run.summary` log line: one per run. */
export interface RunSummary {
  event: 'run.summary';
  fires: { schedule: string; fireTime: string; action: Action }[];
  regions: string[];
  dryRun: boolean;
  /** Number of instances per outcome (every outcome key present). */
  outcomes: Record<Outcome, number>;
  /** Instances whose tag names no configured schedule. */
  unknownSchedule: number;
  /** HTTP requests per API action, retries included. */
  apiCalls: Record<string, number>;
  /** Requests sent again after a retryable failure, plus per-instance re-batches. */
  retries: number;
  /** Instances retried with KeepCharging after StopCharging was refused. */
  fallbacks: number;
  /**
   * StartInstances refusals for lack of capacity (`Insufficient.InstanceCapacity`), one per instance per
   * answer: 3 means three refusals, whether of one instance three times or of three instances once.
   */
  capacityRefusals: number;
  /** True when the guard refused the run. */
  guardRefused: boolean;
  /**
   * Per region: the time requests waited for the region's client-side rate limiter, the answers that said
   * the rate was too high (HTTP 429 / FlowLimitExceeded on the request, not per instance), and the
   * requests answered, in all and per lane (`listing`, `stop`). See README, "Reading regionStats".
   */
  regionStats: Record<string, RegionStats>;
  /** Instances still not STOPPED when verification gave up (only when verification is on). */
  notVerified?: string[];
  /** Set by runOnce once the outcomes are known. */
  savings?: RunSavings;
  /** Set by runOnce: true when stopping started while the listing was still read (README, "Listing overlaps stopping"). */
  overlapped?: boolean;
  durationMs: number;
}

/** Figures of one request lane of a region. */
export interface LaneFigures {
  /** Time requests waited for a slot of the limiter, summed over requests, in ms. */
  limiterWaitMs: number;
  /** Answers that said the request rate was too high. */
  throttled: number;
  /** Requests answered (throttled or not). */
  requests: number;
}

/** `run.summary`'s `regionStats` entry of one region: its lanes' figures summed, and each lane's. */
export interface RegionStats extends LaneFigures {
  lanes: Record<string, LaneFigures>;
}
