/** The plan as a table for people (the `plan` command). Pure string formatting. */
import { summarizePlan } from './summary.js';
import { Decision, type Plan, type PlanItem } from './types.js';

/** Longest cell, in code points; longer values (a 300-character tag, say) are cut with `…`. */
export const MAX_CELL_LENGTH = 48;
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
  const rows = [HEADER, ...plan.items.map(itemRow)];
  const widths = HEADER.map((_, column) => Math.max(...rows.map((row) => length(row[column]!))));
  const lines = rows.map((row) =>
    row
      .map((text, column) => text + ' '.repeat(widths[column]! - length(text)))
      .join('  ')
      .trimEnd(),
  );
  return `${[...lines, '', summaryLine(plan), guardLine(plan)].join('\n')}\n`;
}

function itemRow(item: PlanItem): string[] {
  const stop = item.decision === Decision.Stop;
  const reason = item.detail === undefined ? item.reason : `${item.reason} (${item.detail})`;
  const mode = stop && item.stoppedMode !== undefined ? `${item.stoppedMode} (${item.modeSource})` : '-';
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

function summaryLine(plan: Plan): string {
  const summary = summarizePlan(plan);
  const reasons = Object.entries(summary.skipReasons).map(([reason, count]) => `${cell(reason)} ${count}`);
  const skips = reasons.length === 0 ? '' : ` (${reasons.join(', ')})`;
  return `${summary.stops} to stop, ${summary.skips} skipped${skips}`;
}

function guardLine(plan: Plan): string {
  const { stops, maxInstancesPerRun, exceeded } = plan.guard;
  if (!exceeded) return `guard: ${stops} of at most ${maxInstancesPerRun} stops per run`;
  return `guard: ${stops} stops exceed maxInstancesPerRun ${maxInstancesPerRun}; the run will be refused unless forced`;
}

/** A printable, bounded cell: control and bidi characters escaped, then cut to `maxLength` code points. */
function cell(value: string, maxLength = MAX_CELL_LENGTH): string {
  const escaped = value.replace(
    /[\p{Cc}\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]/gu,
    (char) => `\\u{${char.codePointAt(0)!.toString(16)}}`,
  );
  const points = [...escaped];
  return points.length <= maxLength ? escaped : `${points.slice(0, maxLength - 1).join('')}…`;
}

function length(text: string): number {
  return [...text].length;
}
