/** Counts of a plan, for the CLI table's footer and the run summary. */
import { StoppedMode } from '../volc/index.js';
import { Decision, type Plan, SkipReason } from './types.js';

/** How many items a plan has per decision, reason and mode. */
export interface PlanSummary {
  /** Every item of the plan. */
  items: number;
  /** Items with decision `stop`. */
  stops: number;
  /** Items with decision `start`. */
  starts: number;
  /** Items with decision `skip`. */
  skips: number;
  /** Skip items per reason (`not-running:<STATUS>`, `not-stopped:<STATUS>` per status), keys in code-unit order. */
  skipReasons: Record<string, number>;
  /** Instances whose tag names no configured schedule (also counted in `skipReasons`). */
  unknownSchedule: number;
  /** Stop items per resolved mode (both keys always present). */
  stoppedModes: Record<StoppedMode, number>;
  /** The guard's verdict: more stops and starts than `maxInstancesPerRun`. */
  guardExceeded: boolean;
}

/**
 * Counts a plan's items per decision, skip reason and stop mode.
 *
 * @example
 * summarizePlan(plan).skipReasons; // { 'not-running:STOPPED': 2, 'unknown-schedule': 1 }
 */
export function summarizePlan(plan: Plan): PlanSummary {
  const reasons = new Map<string, number>();
  const stoppedModes: Record<StoppedMode, number> = {
    [StoppedMode.StopCharging]: 0,
    [StoppedMode.KeepCharging]: 0,
  };
  let stops = 0;
  let starts = 0;
  for (const item of plan.items) {
    if (item.decision === Decision.Stop) {
      stops++;
      if (item.stoppedMode !== undefined) stoppedModes[item.stoppedMode]++;
    } else if (item.decision === Decision.Start) {
      starts++;
    } else {
      reasons.set(item.reason, (reasons.get(item.reason) ?? 0) + 1);
    }
  }
  const skipReasons = Object.fromEntries([...reasons].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    items: plan.items.length,
    stops,
    starts,
    skips: plan.items.length - stops - starts,
    skipReasons,
    unknownSchedule: reasons.get(SkipReason.UnknownSchedule) ?? 0,
    stoppedModes,
    guardExceeded: plan.guard.exceeded,
  };
}
