/**
 * `lights-out next`: when each schedule fires in the coming days, in its local time and in UTC, with a
 * plain-English reading of its cron. Reads only the configuration; touches no cloud.
 */
import {
  CONFIG_ENV,
  DEFAULT_CONFIG_PATH,
  inlineDefaultsOf,
  loadConfig,
  resolveConfigPath,
} from '../config/index.js';
import type { Config, ScheduleConfig } from '../config/types.js';
import { UsageError } from '../errors.js';
import {
  type Action,
  daysInMonth,
  describeCron,
  type FireDetail,
  formatOffset,
  inlineSide,
  parseInlineValue,
  scheduleFireDetails,
  wallTime,
  zoneOffsetMs,
} from '../schedule/index.js';
import { printable } from '../table.js';
import { type Command, ExitCode, parseCommandArgs } from './io.js';

const DAY_MS = 86_400_000;
/** The period shown when `--days` is not given. */
const DEFAULT_DAYS = 7;
/** Ten years: enough for any planning, small enough that a typo cannot list millions of fires. */
const MAX_DAYS = 3660;
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The fires of one schedule in the period, skipped ones included. */
interface Listing {
  schedule: ScheduleConfig;
  fires: FireDetail[];
  /** What the fires do: named schedules stop; an inline schedule's `on=` side starts. @default 'stop' */
  action?: Action;
}

/** One line of `next --json`: a fire that will happen (skipped ones are left out). */
export interface NextFireJson {
  schedule: string;
  /** UTC, ISO 8601. */
  fireTime: string;
  /** The schedule's local time with its offset, ISO 8601 (`2026-03-09T22:00:00+08:00`). */
  local: string;
  timezone: string;
  /** `stop`, or `start` for the `on=` side of an inline schedule. */
  action: Action;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * Reads `--from`: an ISO 8601 date (midnight UTC) or date and time with `Z` or an offset. A time without
 * an offset is refused: it would mean the local time of whichever machine runs the command.
 *
 * @throws UsageError for anything else, including dates that do not exist (2026-02-30).
 */
export function parseFrom(text: string): Date {
  const match =
    /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?(Z|([+-])(\d{2}):(\d{2})))?$/.exec(
      text,
    );
  const bad = () =>
    new UsageError(
      `--from must be an ISO 8601 date or a date and time with Z or an offset, such as 2026-03-06 or 2026-03-06T22:00:00+08:00; got '${text}'`,
    );
  if (!match) throw bad();
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const offsetMinutes = match[9]
    ? (match[9] === '-' ? -1 : 1) * (Number(match[10]) * 60 + Number(match[11]))
    : 0;
  const valid =
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    Math.abs(offsetMinutes) < 24 * 60;
  if (!valid) throw bad();
  const milliseconds = Number((match[7] ?? '0').padEnd(3, '0'));
  const utc = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, milliseconds));
  utc.setUTCFullYear(year);
  return new Date(utc.getTime() - offsetMinutes * 60_000);
}

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

function fireLine(fire: FireDetail, timeZone: string): string {
  const weekday = WEEKDAYS[wallTime(fire.fireTime, timeZone).weekday] ?? '';
  const local = localIso(fire.fireTime, timeZone);
  const text = `  ${weekday} ${local.slice(0, 10)} ${local.slice(11, 16)} ${local.slice(19)}   ${utcText(fire.fireTime)}`;
  const notes: string[] = [];
  if (fire.shifted) {
    const nominal = `${pad(fire.nominal.hour)}:${pad(fire.nominal.minute)}`;
    notes.push(`${nominal} does not exist (clocks go forward): fires when the gap ends`);
  }
  if (fire.skipped) notes.push(`skipped: skip date ${fire.localDate}`);
  return notes.length ? `${text}   ${notes.join('; ')}` : text;
}

/** The readable listing: per schedule, its crons and their reading, its zone, then its fires. */
export function formatNextText(listings: readonly Listing[], from: Date, until: Date, days: number): string {
  const lines = [
    `Fires from ${utcText(from)} through ${utcText(until)} (${days} day${days === 1 ? '' : 's'})`,
  ];
  for (const { schedule, fires, action = 'stop' } of listings) {
    lines.push(
      '',
      action === 'stop' ? printable(schedule.name, 200) : `${printable(schedule.name, 200)} (${action})`,
    );
    for (const expression of schedule.stop)
      lines.push(`  ${action}: ${expression} (${describeCron(expression)})`);
    lines.push(`  time zone: ${schedule.timezone}`);
    if (fires.length === 0) lines.push('  no fires in this period');
    for (const fire of fires) lines.push(fireLine(fire, schedule.timezone));
  }
  return `${lines.join('\n')}\n`;
}

/** JSON lines, one per fire that will happen, in time order across schedules. */
export function formatNextJson(listings: readonly Listing[]): string {
  const fires = listings
    .flatMap(({ schedule, fires, action = 'stop' }) =>
      fires.filter((fire) => !fire.skipped).map((fire) => ({ schedule, fire, action })),
    )
    .sort((a, b) => a.fire.fireTime.getTime() - b.fire.fireTime.getTime());
  return fires
    .map(({ schedule, fire, action }) => {
      const line: NextFireJson = {
        schedule: schedule.name,
        fireTime: fire.fireTime.toISOString(),
        local: localIso(fire.fireTime, schedule.timezone),
        timezone: schedule.timezone,
        action,
      };
      return `${JSON.stringify(line)}\n`;
    })
    .join('');
}

/**
 * The listings of inline values: each `--tag` value, and the defaults when the configuration has `inline:`.
 * Each value gives its stop side and, when it starts its instance, its start side.
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
    for (const action of ['stop', 'start'] as const) {
      const schedule = inlineSide(value, action, skipDates);
      if (schedule.stop.length > 0)
        listings.push({ schedule, fires: scheduleFireDetails(schedule, from, until), action });
    }
  }
  return listings;
}

/** The `next` command. */
export const nextCommand: Command = {
  name: 'next',
  summary: 'Show when each schedule fires in the coming days, in local time and UTC',
  usage: [
    "Usage: lights-out next [-c FILE] [--from ISO] [--days N] [--json] [--tag 'VALUE']...",
    '',
    "Lists each schedule's fires in the period (FROM, FROM + N days]: its cron expressions in plain",
    'English, its time zone, and every fire in local time (with the UTC offset) and in UTC. Fires that a',
    'skip date suppresses are shown as skipped; a time that daylight saving skips fires when the clock',
    'resumes, and a time the clock shows twice fires at its first occurrence.',
    '',
    'Options:',
    `  -c, --config FILE  the configuration file (default: $${CONFIG_ENV}, then ${DEFAULT_CONFIG_PATH})`,
    '  --from ISO         start of the period: 2026-03-06 (midnight UTC) or a date and time with Z or an',
    '                     offset, such as 2026-03-06T22:00:00+08:00 (default: now)',
    `  --days N           length of the period in days, 1 to ${MAX_DAYS} (default: ${DEFAULT_DAYS})`,
    "  --tag 'VALUE'      also list the fires of an inline schedule tag value (repeatable), named",
    '                     inline:<normalised value>; with an inline: section, inline:(default) is listed',
    '                     too (what an untagged optOut instance or an empty value follows)',
    '  --json             one JSON object per fire: {schedule, fireTime, local, timezone, action}; also the',
    '                     output when stdout is not a terminal',
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
    });
    const from = values.from === undefined ? io.now() : parseFrom(values.from);
    const days = values.days === undefined ? DEFAULT_DAYS : parseDays(values.days);
    const config = await loadConfig(resolveConfigPath(values.config, io.env));
    const until = new Date(from.getTime() + days * DAY_MS);
    const listings: Listing[] = [
      ...config.schedules.map((schedule) => ({
        schedule,
        fires: scheduleFireDetails(schedule, from, until),
      })),
      ...inlineListings(config, values.tag ?? [], from, until),
    ];
    const json = values.json === true || !io.isTTY;
    io.stdout.write(json ? formatNextJson(listings) : formatNextText(listings, from, until, days));
    return ExitCode.Ok;
  },
};
