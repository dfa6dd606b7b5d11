/** The plan as a table for people (the `plan` command). Pure string formatting. */

import { Action } from '../schedule/index.js';
import { printable as cell, formatTable } from '../table.js';
import { summarizePlan } from './summary.js';
import { Decision, type Plan, type PlanItem } from './types.js';

export { MAX_CELL_LENGTH } from '../table.js';
/** Longest REASON cell, which carries the detail too (the malformed tag and its value, say). */
export const MAX_REASON_LENGTH = 120;

const HEADER = ['INSTANCE', 'NAME', 'REGION', 'SCHEDULE', 'FIRE TIME', 'DECISION', 'REASON', 'MODE', 'FORCE'];

/**
 * Formats a plan as an aligned text table, one line per item, followed by a summary line and the guard's
 * verdict. Tag values and names come from the cloud and may hold anything, so control and bidirectional
 * formatting characters are shown escaped: a tag cannot forge a table line or recolour the terminal.
 *
 * @example
 * process.stdout.write(formatPlanTable(plan));
 */
export function formatPlanTable(plan: Plan): string {
  const table = formatTable(HEADER, plan.items.map(itemRow));
  return `${table}\n${summaryLine(plan)}\n${guardLine(plan)}\n`;
}

function itemRow(item: PlanItem): string[] {
  const stop = item.decision === Decision.Stop;
  const more = item.detail ?? item.hint;
  const reason = more === undefined ? item.reason : `${item.reason} (${more})`;
  // For a start, the mode it was stopped in: StopCharging ones may meet a lack of capacity.
  const start = item.decision === Decision.Start;
  const mode =
    stop && item.stoppedMode !== undefined
      ? `${item.stoppedMode} (${item.modeSource})`
      : start && item.stoppedMode !== undefined
        ? `${item.stoppedMode} (stopped)`
        : '-';
  const force = stop ? (item.forceStop ? 'yes' : 'no') : '-';
  return [
    cell(item.instanceId),
    cell(item.instanceName),
    cell(item.region),
    cell(item.schedule),
    item.fireTime ?? '-',
    item.decision,
    cell(reason, MAX_REASON_LENGTH),
    mode,
    force,
  ];
}

/** True when the plan covers a start fire: its lines then count starts too. */
function hasStarts(plan: Plan): boolean {
  return plan.guard.starts > 0 || plan.fires.some((fire) => fire.action === Action.Start);
}

function summaryLine(plan: Plan): string {
  const summary = summarizePlan(plan);
  const reasons = Object.entries(summary.skipReasons).map(([reason, count]) => `${cell(reason)} ${count}`);
  const skips = reasons.length === 0 ? '' : ` (${reasons.join(', ')})`;
  const starts = hasStarts(plan) ? `, ${summary.starts} to start` : '';
  return `${summary.stops} to stop${starts}, ${summary.skips} skipped${skips}`;
}

function guardLine(plan: Plan): string {
  const { stops, starts, maxInstancesPerRun, exceeded } = plan.guard;
  const counted = hasStarts(plan) ? `${stops} stops and ${starts} starts` : `${stops} stops`;
  if (!exceeded) {
    return hasStarts(plan)
      ? `guard: ${counted}, ${stops + starts} of at most ${maxInstancesPerRun} per run`
      : `guard: ${stops} of at most ${maxInstancesPerRun} stops per run`;
  }
  return `guard: ${counted} exceed maxInstancesPerRun ${maxInstancesPerRun}; the run will be refused unless forced`;
}
