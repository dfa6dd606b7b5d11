/**
 * The text of `lights-out demo` around the shared outcome tables: the introduction, one heading per schedule
 * and the closing summary with what each outcome and reason means. Pure string formatting.
 */
import type { Config, ScheduleConfig } from '../config/index.js';
import {
  Action,
  calendarFor,
  describeCron,
  type Fire,
  formatOffset,
  wallTime,
  zoneOffsetMs,
} from '../schedule/index.js';
import { type InstanceOutcome, Outcome, type RunSummary } from '../stop/index.js';
import { printable } from '../table.js';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** One line per outcome: what it means for the instance. */
export const OUTCOME_MEANINGS: Readonly<Record<Outcome, string>> = {
  [Outcome.Stopped]: 'StopInstances accepted the stop, with the MODE shown',
  [Outcome.AlreadyStopped]: 'the API said the instance could not be stopped, and a look-up found it stopped',
  [Outcome.Started]: 'StartInstances accepted the start; MODE is the mode it had been stopped in',
  [Outcome.AlreadyRunning]:
    'the API said the instance could not be started, and a look-up found it running or starting',
  [Outcome.Skipped]: 'left as it was on purpose (running at a stop, stopped at a start); REASON says why',
  [Outcome.Gone]: 'the instance no longer exists',
  [Outcome.Failed]:
    'not stopped (or started): an error, the deadline or the guard; the exit code is then 1 (3 for the guard)',
  [Outcome.DryRun]: 'a dry run would have stopped (or started) it; nothing was sent',
};

/** What the reasons of left-running (and fallen-back) instances mean, keyed by their first word. */
export const REASON_MEANINGS: Readonly<Record<string, string>> = {
  'filter-mismatch': "the instance carries the tag, but not what the schedule's select filter asks for",
  'not-running': 'the instance was not RUNNING (already STOPPED, say): nothing to do, no call made',
  'not-stopped':
    'at a start: the instance was not STOPPED (already RUNNING, say): nothing to do, no call made',
  snoozed: 'the <tagKey>:skip-until tag holds a date or instant still in the future',
  'invalid-override-tag':
    'a <tagKey>:skip-until or <tagKey>:stopped-mode tag holds a value lights-out cannot read',
  'unknown-schedule': 'the tag names no configured schedule (a typo?); every run reports it, none stops it',
  'managed-by-other-service': 'the API says another service (a Kubernetes node pool, say) owns the instance',
  'fallback:KeepCharging':
    'the API refused StopCharging, so the instance was stopped with KeepCharging instead',
};

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * A fire time in the schedule's zone and in UTC.
 *
 * @example
 * fireTimeText(new Date('2026-03-09T14:00:00Z'), 'Asia/Shanghai');
 * // 'Mon 2026-03-09 22:00 +08:00 Asia/Shanghai (2026-03-09 14:00 UTC)'
 */
export function fireTimeText(instant: Date, timeZone: string): string {
  const wall = wallTime(instant, timeZone);
  const offset = formatOffset(zoneOffsetMs(instant.getTime(), timeZone));
  const local = `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)} ${pad(wall.hour)}:${pad(wall.minute)}`;
  const utc = instant.toISOString().slice(0, 16).replace('T', ' ');
  return `${WEEKDAYS[wall.weekday] ?? ''} ${local} ${offset} ${timeZone} (${utc} UTC)`;
}

/** The lines that introduce the demo: what is served, from where, and that no account is used. */
export function introText(
  config: Config,
  fleet: { file: string; instances: number; regions: readonly string[] },
  url: string,
): string {
  return [
    `lights-out demo: ${fleet.instances} instances in ${fleet.regions.join(', ')} from ${fleet.file},`,
    `served by the local ECS emulator at ${url}.`,
    `Each schedule of ${config.file} fires once, at its next fire time (one that also starts: its stop,`,
    'then the next start). Starts of StopCharging-stopped instances are refused for lack of capacity at a',
    'seeded share, as a zone short of stock would, and retried in later batches. Every call goes to the emulator,',
    'signed with its demo key pair; VOLC_* variables are ignored, so no real account is touched.',
    '',
  ].join('\n');
}

/** The heading of one schedule's run: its name, fire time, cron readings, mode and filter. */
export function scheduleHeading(schedule: ScheduleConfig, config: Config, fire: Fire): string {
  const title =
    schedule.description === undefined ? schedule.name : `${schedule.name}: ${schedule.description}`;
  const mode =
    schedule.stoppedMode === undefined
      ? `${config.defaults.stoppedMode} (defaults)`
      : `${schedule.stoppedMode} (schedule)`;
  const starts = fire.action === Action.Start;
  const lines = [
    `== ${printable(title, 120)}${(schedule.start ?? []).length > 0 ? ` (${fire.action})` : ''}`,
    `   fires   ${fireTimeText(fire.fireTime, schedule.timezone)}`,
    ...(starts ? (schedule.start ?? []) : schedule.stop).map(
      (cron) =>
        `   ${fire.action.padEnd(7)} ${cron}: ${describeCron(cron, calendarFor(schedule.calendar, fire.action))}`,
    ),
    ...(starts ? [] : [`   mode    ${mode}`]),
  ];
  const filter = selectText(schedule);
  if (filter !== '') lines.push(`   select  ${filter}`);
  return `${lines.join('\n')}\n\n`;
}

function selectText(schedule: ScheduleConfig): string {
  const { tags, projects, zones } = schedule.select;
  const parts = Object.entries(tags).map(([key, value]) => `tag ${key}=${value}`);
  if (projects !== undefined) parts.push(`project in [${projects.join(', ')}]`);
  if (zones !== undefined) parts.push(`zone in [${zones.join(', ')}]`);
  return printable(parts.join(', '), 200);
}

/** One demo run: the schedule it fired and what came of it. */
export interface DemoRun {
  schedule: string;
  outcomes: readonly InstanceOutcome[];
  summary: RunSummary;
}

/**
 * The closing summary: outcome counts and API calls over every run, the stops the emulator accepted, and what
 * each outcome and each reason that appeared means.
 */
export function closingText(
  runs: readonly DemoRun[],
  emulator: { stopsAccepted: number; stoppedTwice: number; startsAccepted?: number; startedTwice?: number },
  tagKey: string,
): string {
  const counts = Object.fromEntries(Object.values(Outcome).map((o) => [o, 0])) as Record<Outcome, number>;
  for (const outcome of finalOutcomes(runs)) counts[outcome] += 1;
  const calls: Record<string, number> = {};
  let retries = 0;
  let fallbacks = 0;
  let capacityRefusals = 0;
  for (const { summary } of runs) {
    capacityRefusals += summary.capacityRefusals;
    for (const [action, n] of Object.entries(summary.apiCalls)) calls[action] = (calls[action] ?? 0) + n;
    retries += summary.retries;
    fallbacks += summary.fallbacks;
  }
  const width = Math.max(...Object.keys(OUTCOME_MEANINGS).map((o) => o.length));
  const reasons = reasonsSeen(runs);
  const reasonWidth = Math.max(0, ...reasons.map((r) => r.length));
  const lines = [
    `== All ${runs.length} runs`,
    `   outcomes   ${Object.entries(counts)
      .map(([o, n]) => `${o} ${n}`)
      .join(', ')} (each instance once per action)`,
    `   API calls  ${Object.entries(calls)
      .map(([a, n]) => `${a} ${n}`)
      .join(', ')}; retries ${retries}, fallbacks ${fallbacks}`,
    `   emulator   accepted ${emulator.stopsAccepted} instance stop${emulator.stopsAccepted === 1 ? '' : 's'}; ` +
      (emulator.stoppedTwice === 0
        ? 'no instance was stopped twice'
        : `${emulator.stoppedTwice} instances were stopped more than once`),
    ...startLines(emulator.startsAccepted ?? 0, emulator.startedTwice ?? 0, capacityRefusals),
    '',
    'What the outcomes mean',
    ...Object.entries(OUTCOME_MEANINGS).map(([o, text]) => `   ${o.padEnd(width)}  ${text}`),
  ];
  if (reasons.length > 0) {
    lines.push('', 'What the reasons above mean');
    for (const reason of reasons) {
      const text = REASON_MEANINGS[reason]!.replaceAll('<tagKey>', tagKey);
      lines.push(`   ${reason.padEnd(reasonWidth)}  ${text}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * One outcome per instance and action over all runs. An instance whose tag names no schedule is reported by
 * every run; counting it in each would make the totals larger than the fleet. An instance stopped at night and
 * started in the morning counts once for each action; a skip counts only for an instance no run acted on.
 */
function finalOutcomes(runs: readonly DemoRun[]): Outcome[] {
  const acted = new Map<string, Outcome>();
  const actedIds = new Set<string>();
  const skipped = new Set<string>();
  for (const run of runs) {
    for (const line of run.outcomes) {
      if (line.outcome === Outcome.Skipped) {
        skipped.add(line.instanceId);
        continue;
      }
      const key = `${line.instanceId} ${line.action}`;
      if (!acted.has(key)) acted.set(key, line.outcome);
      actedIds.add(line.instanceId);
    }
  }
  const skips = [...skipped].filter((id) => !actedIds.has(id)).map(() => Outcome.Skipped);
  return [...acted.values(), ...skips];
}

/** What the emulator says about starts, when there were any, and the capacity refusals met on the way. */
function startLines(accepted: number, twice: number, refusals: number): string[] {
  if (accepted === 0 && refusals === 0) return [];
  const once =
    twice === 0 ? 'no instance was started twice' : `${twice} instances were started more than once`;
  const refused =
    refusals === 0
      ? ''
      : `; ${refusals} start${refusals === 1 ? ' was' : 's were'} refused for lack of capacity (Insufficient.InstanceCapacity) and retried`;
  return [`              accepted ${accepted} instance start${accepted === 1 ? '' : 's'}; ${once}${refused}`];
}

/** The explained reasons that occur in the runs, in the order of {@link REASON_MEANINGS}. */
function reasonsSeen(runs: readonly DemoRun[]): string[] {
  const seen = new Set(runs.flatMap((run) => run.outcomes.map((o) => o.reason.split(/[ :(]/, 1)[0] ?? '')));
  const fellBack = runs.some((run) => run.outcomes.some((o) => o.reason.startsWith('fallback:KeepCharging')));
  return Object.keys(REASON_MEANINGS).filter((reason) =>
    reason === 'fallback:KeepCharging' ? fellBack : seen.has(reason),
  );
}
