/**
 * The plan: for every instance that carries the schedule tag, what lights-out will do and why.
 * Pure data; produced by lib/plan from (instances, config, fires, now), consumed by lib/stop and the CLI.
 */
import type { Action } from '../schedule/index.js';
import type { StoppedMode } from '../volc/index.js';

export const Decision = { Stop: 'stop', Start: 'start', Skip: 'skip' } as const;
export type Decision = (typeof Decision)[keyof typeof Decision];

/**
 * Why an instance is skipped. At a stop fire, `not-running:<STATUS>` carries the status, e.g.
 * `not-running:STOPPED`; at a start fire, `not-stopped:<STATUS>` does, e.g. `not-stopped:RUNNING`.
 */
export const SkipReason = {
  FilterMismatch: 'filter-mismatch',
  Snoozed: 'snoozed',
  InvalidOverrideTag: 'invalid-override-tag',
  UnknownSchedule: 'unknown-schedule',
  /** The instance carries both the schedule tag and the inline tag: never guessed which one rules. */
  InlineAndScheduleTag: 'inline-and-schedule-tag',
  /** The inline tag's value cannot be read; `detail` says why. Nothing is stopped. */
  InvalidInlineSchedule: 'invalid-inline-schedule',
} as const;
export type SkipReason =
  | (typeof SkipReason)[keyof typeof SkipReason]
  | `not-running:${string}`
  | `not-stopped:${string}`;

/** Where a resolved stop mode came from, so `plan` can explain it. */
export const ModeSource = {
  /** The `<tagKey>:stopped-mode` tag of the instance. */
  Tag: 'tag',
  /** The schedule's `stoppedMode`. */
  Schedule: 'schedule',
  /** `defaults.stoppedMode`. */
  Defaults: 'defaults',
} as const;
export type ModeSource = (typeof ModeSource)[keyof typeof ModeSource];

/** One instance's line in the plan. */
export interface PlanItem {
  instanceId: string;
  instanceName: string;
  region: string;
  /** The schedule tag's value (which may name no configured schedule). */
  schedule: string;
  /** ISO 8601 UTC fire time; null for `unknown-schedule` items, which belong to no fire. */
  fireTime: string | null;
  /**
   * What the fire asks for. An `unknown-schedule` item, which belongs to no fire, carries the action of the
   * run's fires (`stop` when the run has both).
   */
  action: Action;
  decision: Decision;
  /**
   * For `skip`, a {@link SkipReason}. For `stop`, a short explanation of the mode,
   * e.g. `auto: PostPaid ecs.g3i.large` or `StopCharging on PrePaid resolves to KeepCharging`. For `start`,
   * the mode it was stopped in, e.g. `stopped with StopCharging`.
   */
  reason: string;
  /**
   * More about the reason, for people: which filter did not match, which override tag is malformed,
   * until when a snooze holds. Absent when the reason says it all.
   */
  detail?: string;
  /**
   * For `unknown-schedule`: the configured schedule the tag probably meant (`did you mean 'nightly'?`).
   * Absent when none is close.
   */
  hint?: string;
  /** For `stop`, the resolved mode; for `start`, the mode the instance was stopped in (when it says). */
  stoppedMode?: StoppedMode;
  modeSource?: ModeSource;
  /** Set for `stop`. */
  forceStop?: boolean;
  /**
   * True when the API may refuse StopCharging and the executor may retry the instance with KeepCharging
   * (policy `auto`, or `fallback: KeepCharging`).
   */
  fallbackToKeepCharging?: boolean;
  /** The instance as listed, for reports. */
  status: string;
  instanceChargeType: string;
  instanceTypeId: string;
}

/** The plan of one run over every region. */
export interface Plan {
  /** The fires this plan covers. */
  fires: { schedule: string; fireTime: string; action: Action }[];
  items: PlanItem[];
  guard: {
    maxInstancesPerRun: number;
    /** Number of `stop` items. */
    stops: number;
    /** Number of `start` items. */
    starts: number;
    /** True when `stops + starts` exceeds the limit: the guard counts both actions together. */
    exceeded: boolean;
  };
}
