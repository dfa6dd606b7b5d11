/**
 * lib/plan: which tagged instance gets which action and why. Pure functions of (config, fires, instances, now);
 * the listing (DescribeInstances with {@link selectionFilters}) and the stopping happen elsewhere.
 */
export { buildPlan, type PlanInput, Planner } from './build.js';
export { isStopChargingEligible, matchesPattern } from './eligibility.js';
export { formatPlanTable, MAX_CELL_LENGTH, MAX_REASON_LENGTH } from './format.js';
export { type InvalidOverride, type ModeResolution, type ResolvedMode, resolveStoppedMode } from './mode.js';
export {
  inlineSelectionFilters,
  SKIP_UNTIL_TAG_SUFFIX,
  STOPPED_MODE_TAG_SUFFIX,
  selectionFilters,
  selectMismatch,
  tagValue,
} from './select.js';
export { parseSkipUntil, type SkipUntil } from './snooze.js';
export { type PlanSummary, summarizePlan } from './summary.js';
export { Decision, ModeSource, type Plan, type PlanItem, SkipReason } from './types.js';
