/**
 * `lights-out next`: when each schedule fires (starts and stops) in the coming days, in its local time and in
 * UTC, with a plain-English reading of its crons. Reads only the configuration; touches no cloud.
 */

import type { Config } from '../config/index.js';
import {
  CONFIG_ENV,
  DEFAULT_CONFIG_PATH,
  inlineDefaultsOf,
  loadConfig,
  resolveConfigPath,
} from '../config/index.js';
import { UsageError } from '../errors.js';
import {
  Action,
  calendarFor,
  calendarGaps,
  calendarGapText,
  DayKind,
  describeCron,
  describeDay,
  type FireDetail,
  formatOffset,
  inlineRules,
  parseInlineValue,
  type ScheduleRules,
  type SkippedBy,
  scheduleFireDetails,
  wallTime,
  zoneOffsetMs,
} from '../schedule/index.js';
import { printable } from '../table.js';
import { type Command, ExitCode, parseCommandArgs } from './io.js';
import { parseWhen, resolveWhen } from './when.js';

const DAY_MS = 86_400_000;
/** The period shown when `--days` is not given. */
const DEFAULT_DAYS = 7;
/** Ten years: enough for any planning, small enough that a typo cannot list millions of fires. */
const MAX_DAYS = 3660;
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The fires of one schedule in the period, skipped ones included. */
interface Listing {
  schedule: ScheduleRules;
  fires: FireDetail[];
}

/**
 * One line of `next --json`: a fire that will happen (with `--skipped`, also one that a skip date or a
 * calendar removes).
 */
export interface NextFireJson {
  schedule: string;
  /** UTC, ISO 8601. */
  fireTime: string;
  /** `stop` or `start`: which of the schedule's crons fired. */
  action: string;
  /** The schedule's local time with its offset, ISO 8601 (`2026-03-09T22:00:00+08:00`). */
  local: string;
  timezone: string;
  /** The expression that fired. */
  cron: string;
  /** The cron in plain English: `at 08:30 on working days (cn-office calendar, base cn)`. */
  when: string;
  /** The calendar that governs the cron; null when none does. */
  calendar: string | null;
  /** The calendar's kind of day (`weekday`, `make-up-workday`, `holiday`, ...); null without a calendar. */
  day: DayKind | null;
  /** The day in words when it is worth a word (`make-up working day on calendar cn-office (National Day)`). */
  note: string | null;
  /** True for a fire that does not happen (listed only with `--skipped`). */
  skipped: boolean;
  /** What removes a skipped fire: `skip-date` or `calendar`; null when it happens. */
  skippedBy: SkippedBy | null;
  /** Set when the calendar's base has no data for the fire's year (it fell back to Monday to Friday). */
  warning: string | null;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Reads `--days`: a whole number from 1 to {@link MAX_DAYS}. */
export function parseDays(text: string): number {
  const days = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(days >= 1 && days <= MAX_DAYS)) {
    throw new UsageError(`--days must be a whole number from 1 to ${MAX_DAYS}; got '${text}'`);
  }
  return days;
}

/** `2026-03-09T22:00:00+08:00`: the fire's wall-clock time in its zone, with the offset then in force. */
function localIso(instant: Date, timeZone: string): string {
  const wall = wallTime(instant, timeZone);
  const date = `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}`;
  return `${date}T${pad(wall.hour)}:${pad(wall.minute)}:00${formatOffset(zoneOffsetMs(instant.getTime(), timeZone))}`;
}

/** `2026-03-09 14:00 UTC`. */
function utcText(instant: Date): string {
  return `${instant.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * What a calendar says about a fire's day when it is worth saying: why a fire is removed, or why it happens on
 * a day a reader would not expect (a make-up Saturday, the team's own working day, a year without data).
 */
function dayNote(fire: FireDetail): string | undefined {
  const { day } = fire;
  if (day === undefined) return undefined;
  const plain =
    day.kind === DayKind.Weekday || (day.kind === DayKind.Weekend && day.uncoveredYear === undefined);
  if (plain && !fire.skipped) return undefined;
  const words = describeDay(fire.localDate, day);
  return day.uncoveredYear === undefined
    ? words
    : `${words} (no ${day.uncoveredYear} data: Monday to Friday)`;
}

/**
 * One fire. A schedule that starts as well as stops names the action of each fire, so its starts and stops
 * read side by side in time order; a stop-only schedule's lines stay as they were.
 */
function fireLine(fire: FireDetail, timeZone: string, showAction: boolean): string {
  const weekday = WEEKDAYS[wallTime(fire.fireTime, timeZone).weekday] ?? '';
  const local = localIso(fire.fireTime, timeZone);
  const action = showAction ? `   ${fire.action.padEnd(5)}` : '';
  const text = `  ${weekday} ${local.slice(0, 10)} ${local.slice(11, 16)} ${local.slice(19)}   ${utcText(fire.fireTime)}${action}`;
  const notes: string[] = [];
  if (fire.shifted) {
    const nominal = `${pad(fire.nominal.hour)}:${pad(fire.nominal.minute)}`;
    notes.push(`${nominal} does not exist (clocks go forward): fires when the gap ends`);
  }
  const day = dayNote(fire);
  if (fire.skippedBy === 'skip-date') notes.push(`skipped: skip date ${fire.localDate}`);
  else if (fire.skipped) notes.push(`skipped: ${day}`);
  if (day !== undefined && !fire.skipped) notes.push(day);
  return notes.length ? `${text}   ${notes.join('; ')}` : text;
}

/**
 * The warnings of a listing: one per calendar and year its base has no data for, in the period.
 *
 * @example
 * nextWarnings(config.schedules, from, until); // 'warning: calendar cn-office: base cn has no data for 2027 ...\n'
 */
export function nextWarnings(schedules: readonly ScheduleRules[], from: Date, until: Date): string {
  return calendarGaps(schedules, from, until)
    .map((gap) => `warning: ${calendarGapText(gap)}\n`)
    .join('');
}

/** The readable listing: per schedule, its crons and their reading, its zone, then its fires. */
export function formatNextText(listings: readonly Listing[], from: Date, until: Date, days: number): string {
  const lines = [
    `Fires from ${utcText(from)} through ${utcText(until)} (${days} day${days === 1 ? '' : 's'})`,
  ];
  for (const { schedule, fires } of listings) {
    lines.push('', printable(schedule.name, 200)); // an inline value from --tag is user input
    const starts = schedule.start ?? [];
    for (const [action, crons] of [
      [Action.Start, starts],
      [Action.Stop, schedule.stop],
    ] as const) {
      const calendar = calendarFor(schedule.calendar, action);
      for (const expression of crons) {
        lines.push(`  ${action}: ${expression} (${describeCron(expression, calendar)})`);
      }
    }
    lines.push(`  time zone: ${schedule.timezone}`);
    if (fires.length === 0) lines.push('  no fires in this period');
    for (const fire of fires) lines.push(fireLine(fire, schedule.timezone, starts.length > 0));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * JSON lines, one per fire that will happen (and, with `skipped`, one per fire that is removed), in time
 * order across schedules.
 */
export function formatNextJson(listings: readonly Listing[], skipped = false): string {
  const fires = listings
    .flatMap(({ schedule, fires }) =>
      fires.filter((fire) => skipped || !fire.skipped).map((fire) => ({ schedule, fire })),
    )
    .sort((a, b) => a.fire.fireTime.getTime() - b.fire.fireTime.getTime());
  return fires
    .map(({ schedule, fire }) => {
      const { day } = fire;
      const calendar = calendarFor(schedule.calendar, fire.action);
      const line: NextFireJson = {
        schedule: schedule.name,
        fireTime: fire.fireTime.toISOString(),
        action: fire.action,
        local: localIso(fire.fireTime, schedule.timezone),
        timezone: schedule.timezone,
        cron: fire.cron,
        when: describeCron(fire.cron, calendar),
        calendar: day?.calendar ?? null,
        day: day?.kind ?? null,
        note: fire.skippedBy === 'skip-date' ? `skip date ${fire.localDate}` : (dayNote(fire) ?? null),
        skipped: fire.skipped,
        skippedBy: fire.skippedBy ?? null,
        warning:
          day?.uncoveredYear === undefined || calendar === undefined
            ? null
            : calendarGapText({ calendar: calendar.name, base: calendar.base, year: day.uncoveredYear }),
      };
      return `${JSON.stringify(line)}\n`;
    })
    .join('');
}

/**
 * The listings of inline values: each `--tag` value, and the defaults when the configuration has `inline:`.
 * Each value is listed like a schedule with `stop:` (its `off=`) and `start:` (its `on=`).
 *
 * @throws UsageError for a value that is invalid or opts out (it has no fires to list).
 */
function inlineListings(config: Config, tags: readonly string[], from: Date, until: Date): Listing[] {
  const defaults = inlineDefaultsOf(config);
  const skipDates = config.inline?.skipDates ?? [];
  const values = [...(config.inline ? [''] : []), ...tags];
  const seen = new Set<string>();
  const listings: Listing[] = [];
  for (const raw of values) {
    const value = parseInlineValue(raw, defaults);
    if (value.kind === 'invalid')
      throw new UsageError(`--tag ${JSON.stringify(raw)} is invalid: ${value.reason}`);
    if (value.kind === 'opt-out')
      throw new UsageError(`--tag ${JSON.stringify(raw)} opts out: it has no fires`);
    if (seen.has(value.normalised)) continue;
    seen.add(value.normalised);
    const schedule = inlineRules(value, skipDates, config.inline?.calendar);
    listings.push({ schedule, fires: scheduleFireDetails(schedule, from, until) });
  }
  return listings;
}

/** The `next` command. */
export const nextCommand: Command = {
  name: 'next',
  summary: 'Show when each schedule fires in the coming days, in local time and UTC',
  usage: [
    "Usage: lights-out next [-c FILE] [--from ISO] [--days N] [--json] [--skipped] [--tag 'VALUE']...",
    '',
    "Lists each schedule's fires in the period (FROM, FROM + N days]: its cron expressions in plain",
    'English, its time zone, and every fire in local time (with the UTC offset) and in UTC; a schedule',
    'with start: shows its starts and stops side by side, each named. Fires that a',
    'skip date suppresses are shown as skipped; a time that daylight saving skips fires when the clock',
    'resumes, and a time the clock shows twice fires at its first occurrence.',
    '',
    'Options:',
    `  -c, --config FILE  the configuration file (default: $${CONFIG_ENV}, then ${DEFAULT_CONFIG_PATH})`,
    '  --from ISO         start of the period (default: now): a date and time with Z or an offset, such',
    '                     as 2026-03-06T22:00:00+08:00, or a date alone (2026-03-06): the start of that',
    "                     day in the configuration's timezone",
    `  --days N           length of the period in days, 1 to ${MAX_DAYS} (default: ${DEFAULT_DAYS})`,
    "  --tag 'VALUE'      also list the fires of an inline schedule tag value (repeatable), named",
    '                     inline:<normalised value>; with an inline: section, inline:(default) is listed',
    '                     too (what an untagged optOut instance or an empty value follows)',
    '  --json             one JSON object per fire: {schedule, fireTime, action, local, timezone, cron,',
    '                     when, calendar, day, note, skipped, skippedBy, warning}; also the output when',
    '                     stdout is not a terminal',
    '  --skipped          with --json, also list the fires a skip date or a calendar removes',
    '',
    'Exit codes: 0 listed, 2 bad usage or an invalid configuration.',
  ].join('\n'),
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      config: { type: 'string', short: 'c' },
      from: { type: 'string' },
      days: { type: 'string' },
      json: { type: 'boolean' },
      tag: { type: 'string', multiple: true },
      skipped: { type: 'boolean' },
    });
    const fromFlag = values.from === undefined ? undefined : parseWhen('--from', values.from);
    const days = values.days === undefined ? DEFAULT_DAYS : parseDays(values.days);
    const config = await loadConfig(resolveConfigPath(values.config, io.env));
    const from = fromFlag === undefined ? io.now() : resolveWhen(fromFlag, config.timezone);
    const until = new Date(from.getTime() + days * DAY_MS);
    const listings: Listing[] = [
      ...config.schedules.map((schedule) => ({
        schedule,
        fires: scheduleFireDetails(schedule, from, until),
      })),
      ...inlineListings(config, values.tag ?? [], from, until),
    ];
    const json = values.json === true || !io.isTTY;
    io.stderr.write(
      nextWarnings(
        listings.map((listing) => listing.schedule),
        from,
        until,
      ),
    );
    io.stdout.write(
      json ? formatNextJson(listings, values.skipped === true) : formatNextText(listings, from, until, days),
    );
    return ExitCode.Ok;
  },
};
