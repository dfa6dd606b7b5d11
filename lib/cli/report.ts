/**
 * The human-readable pieces of `plan` and `run`: which fires a run covers, the note when none is due, the
 * table of per-instance outcomes and the summary block. Pure string formatting.
 */
import type { Config } from '../config/index.js';
import type { Plan } from '../plan/index.js';
import {
  Action,
  calendarFor,
  calendarGaps,
  calendarGapText,
  describeCron,
  describeDay,
  type Fire,
  nextFires,
  scheduleFireDetails,
  tickWindow,
} from '../schedule/index.js';
import type { InstanceOutcome, RunSummary } from '../stop/index.js';
import { formatTable, printable } from '../table.js';

/** Longest REASON / ERROR cell: the API's messages are long, but a line should stay readable. */
const MAX_REASON_LENGTH = 120;
const OUTCOME_HEADER = [
  'INSTANCE',
  'NAME',
  'REGION',
  'SCHEDULE',
  'OUTCOME',
  'MODE',
  'REASON / ERROR',
  'ATTEMPTS',
];

/** `2026-03-09T14:00:00Z`: whole-second instants read better without `.000`. */
function iso(instant: Date | string): string {
  return new Date(instant).toISOString().replace(/\.000Z$/, 'Z');
}

/**
 * The one line said when no schedule is due in the tick window of `at`: the window in UTC and the next fire
 * of every schedule after it.
 *
 * @example
 * noFiresNote(config, new Date('2026-03-09T13:52:00Z'));
 * // 'no schedule fires in the tick window (2026-03-09T13:45:00Z, 2026-03-09T13:50:00Z] UTC; next fires: ...'
 */
export function noFiresNote(config: Config, at: Date): string {
  const window = tickWindow(at, config.tickMs);
  const next = config.schedules.map((schedule) => {
    const [fire] = nextFires(schedule, window.end, 1);
    return `${schedule.name} ${fire === undefined ? 'never' : iso(fire.fireTime)}`;
  });
  const removed = config.schedules.flatMap((schedule) =>
    scheduleFireDetails(schedule, window.start, window.end)
      .filter((fire) => fire.skipped)
      .map((fire) => {
        const why =
          fire.skippedBy === 'calendar' && fire.day
            ? describeDay(fire.localDate, fire.day)
            : `skip date ${fire.localDate}`;
        const named = fire.action === Action.Start ? ' (start)' : '';
        return `${schedule.name} does not fire at ${iso(fire.fireTime)}${named}: ${why}\n`;
      }),
  );
  return `no schedule fires in the tick window (${iso(window.start)}, ${iso(window.end)}] UTC; next fires: ${next.join(', ')}\n${removed.join('')}`;
}

/**
 * For each fire of a schedule a calendar governs, its cron in plain language and what the calendar says of
 * the day: `  office-hours: at 08:30 on working days (cn-office calendar, base cn); make-up working day ...`.
 * Each fire is read with the calendar of its own action (a fire without one is a stop).
 */
export function calendarLines(
  config: Pick<Config, 'schedules'>,
  fires: readonly { schedule: string; fireTime: Date | string; action?: Action }[],
): string {
  return fires
    .map((fire) => {
      const action = fire.action ?? Action.Stop;
      const schedule = config.schedules.find((s) => s.name === fire.schedule);
      const calendar = calendarFor(schedule?.calendar, action);
      if (schedule === undefined || calendar === undefined) return '';
      const at = new Date(fire.fireTime);
      const detail = scheduleFireDetails(schedule, new Date(at.getTime() - 1), at).find(
        (d) => d.action === action,
      );
      const crons = action === Action.Start ? (schedule.start ?? []) : schedule.stop;
      const reading = describeCron(detail?.cron ?? crons[0] ?? '', calendar);
      const day = detail?.day && describeDay(detail.localDate, detail.day);
      const named = action === Action.Start ? ' (start)' : '';
      return `  ${schedule.name}${named}: ${reading}${day ? `; ${detail?.localDate} is ${articled(day)}` : ''}\n`;
    })
    .join('');
}

/** "holiday on ..." → "a holiday on ..."; a weekday name or "the team's ..." reads as is. */
function articled(words: string): string {
  return /^(holiday|make-up)/.test(words) ? `a ${words}` : words;
}

/**
 * The warnings of a plan or run: one per governing calendar and year its base has no data for, among the
 * fires (or, with none due, the tick window of `at`).
 */
export function calendarWarnings(config: Config, fires: readonly Fire[], at: Date): string {
  const window = tickWindow(at, config.tickMs);
  const times = fires.map((fire) => fire.fireTime.getTime());
  const schedules =
    fires.length === 0
      ? config.schedules
      : config.schedules.filter((s) => fires.some((f) => f.schedule === s.name));
  const from = times.length === 0 ? window.start : new Date(Math.min(...times));
  const until = times.length === 0 ? window.end : new Date(Math.max(...times));
  return calendarGaps(schedules, from, until)
    .map((gap) => `warning: ${calendarGapText(gap)}\n`)
    .join('');
}

/**
 * One line per fire of the plan. With `asIf`, the fire was asked for with `--schedule` rather than found due.
 *
 * @example
 * fireLines(plan, false); // 'nightly fires at 2026-03-09T15:30:00Z\n'
 */
export function fireLines(plan: Pick<Plan, 'fires'>, asIf: boolean): string {
  // A stop is what every schedule did before starts existed: only a start says so.
  const action = (fire: Plan['fires'][number]) => (fire.action === Action.Start ? ' (start)' : '');
  return plan.fires
    .map(
      (fire) =>
        `${fire.schedule} ${asIf ? 'as if it fired' : 'fires'} at ${iso(fire.fireTime)}${action(fire)}\n`,
    )
    .join('');
}

/** The verdict a plan gives a real run when it exceeds the guard, or '' when it does not. */
export function guardRefusalLine(plan: Pick<Plan, 'guard'>): string {
  const { maxInstancesPerRun, exceeded } = plan.guard;
  if (!exceeded) return '';
  return `a run would be refused: ${guardCount(plan)} exceed maxInstancesPerRun ${maxInstancesPerRun} (use --force)\n`;
}

/** `12 stops`, or `12 stops and 3 starts` when the plan starts anything: what the guard counted. */
function guardCount(plan: Pick<Plan, 'guard'>): string {
  const { stops, starts } = plan.guard;
  return starts > 0 ? `${stops} stops and ${starts} starts` : `${stops} stops`;
}

/**
 * The per-instance outcomes as a table: instance, name, region, schedule, outcome, mode, reason or error,
 * attempts.
 *
 * @example
 * process.stdout.write(formatOutcomeTable(result.outcomes));
 */
export function formatOutcomeTable(outcomes: readonly InstanceOutcome[]): string {
  const rows = outcomes.map((o) => [
    printable(o.instanceId),
    printable(o.instanceName),
    printable(o.region),
    printable(o.schedule),
    o.outcome,
    o.stoppedMode === null ? '-' : printable(o.stoppedMode),
    printable(
      o.errorCode !== null
        ? `${o.errorCode}: ${o.reason}`
        : o.hint !== undefined
          ? `${o.reason} (${o.hint})`
          : o.reason,
      MAX_REASON_LENGTH,
    ),
    String(o.attempts),
  ]);
  return formatTable(OUTCOME_HEADER, rows);
}

/** `stopped`, `started` or `stopped or started`, after the run's fires. */
function dryRunVerb(summary: Pick<RunSummary, 'fires'>): string {
  const starts = summary.fires.some((f) => f.action === Action.Start);
  const stops = summary.fires.some((f) => f.action !== Action.Start);
  return starts ? (stops ? 'stopped or started' : 'started') : 'stopped';
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/**
 * The run's summary for people: counts per outcome, API calls, retries, fallbacks, duration, then what needs
 * attention (a refused run, unknown schedules, unverified stops).
 *
 * @example
 * process.stdout.write(formatRunSummary(result.summary, result.plan, config));
 */
export function formatRunSummary(
  summary: RunSummary,
  plan: Pick<Plan, 'guard'>,
  config: Pick<Config, 'tagKey' | 'schedules'>,
): string {
  const counts = Object.entries(summary.outcomes).map(([outcome, n]) => `${outcome} ${n}`);
  const calls = Object.entries(summary.apiCalls).map(([action, n]) => `${action} ${n}`);
  const lines = [
    summary.dryRun ? `Summary (dry run: nothing was ${dryRunVerb(summary)})` : 'Summary',
    `  outcomes   ${counts.join(', ')}`,
    `  API calls  ${calls.length === 0 ? 'none' : calls.join(', ')}`,
    `  retries    ${summary.retries}`,
    `  fallbacks  ${summary.fallbacks}`,
    ...(summary.capacityRefusals > 0 ? [`  capacity   ${summary.capacityRefusals} refusals`] : []),
    `  duration   ${seconds(summary.durationMs)}`,
  ];
  if (summary.guardRefused) {
    const { starts, maxInstancesPerRun } = plan.guard;
    const what = starts > 0 ? 'nothing was stopped or started' : 'nothing was stopped';
    lines.push(
      `  REFUSED    ${guardCount(plan)} exceed guard.maxInstancesPerRun ${maxInstancesPerRun}; ${what} (use --force)`,
    );
  }
  if (summary.unknownSchedule > 0) {
    const known = config.schedules.map((s) => s.name).join(', ');
    const n = summary.unknownSchedule;
    lines.push(
      `  unknown schedule  ${n} instance${n === 1 ? '' : 's'} whose '${printable(config.tagKey)}' tag names no ` +
        `configured schedule: fix the tag to one of ${known}`,
    );
  }
  if (summary.notVerified !== undefined && summary.notVerified.length > 0) {
    lines.push(`  not verified  ${summary.notVerified.map((id) => printable(id)).join(', ')}`);
  }
  return `${lines.join('\n')}\n`;
}
