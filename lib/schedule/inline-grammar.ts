/**
 * The inline schedule grammar: Cloud Custodian's offhours/onhours tag values (`off=(M-F,19);on=(M-F,7);tz=pt`),
 * read the way Custodian reads them, with the few deliberate differences the README lists. Pure: a value and
 * the configured defaults in, a meaning (or the reason there is none) out. Nothing here throws on a bad value:
 * a tag is user input on one machine, and it must never fail a run.
 *
 * How Custodian reads a value, step by step (and so this parser):
 * 1. lower-case it, decode the `uNN` escapes that stand for characters a tag may not hold, strip surrounding
 *    quotes, split it at `;` and drop the empty segments: the result is the normalised value;
 * 2. `off` alone opts the instance out;
 * 3. when no segment is `off=...` or `on=...`, only the keys are checked (`tz` is the only other key) and the
 *    defaults apply, in the `tz=` zone when one is given: so an empty value, `on`, or plain words mean defaults;
 * 4. otherwise every segment must be `off=`, `on=` or `tz=` with a valid value; a side left out gets its default.
 */
import { resolveInlineZone } from './inline-zones.js';

/** One `(days,hour)`: the local hour (0-23) on the listed weekdays (cron numbering, 0 = Sunday). */
export interface InlineSpec {
  /** Weekdays in the order written, cron numbering (0 = Sunday ... 6 = Saturday). */
  days: readonly number[];
  hour: number;
  /** The days as written, normalised (`m-f`, `u`). */
  daysText: string;
  /**
   * True when the value names no days at all, so these are the configured `days` default: a calendar then
   * decides the days instead.
   */
  defaultDays?: boolean;
}

/** What a value leaves to the configuration. */
export interface InlineDefaults {
  /** IANA zone used when the value names none. */
  timezone: string;
  /** Default stop hour. */
  off: number;
  /** Default start hour; null: no default starts. */
  on: number | null;
  /** Default days, as written in the configuration (`m-f`). */
  days: string;
}

/** A value that schedules its instance. */
export interface InlineSchedule {
  kind: 'schedule';
  normalised: string;
  /** Stop fires. */
  off: readonly InlineSpec[];
  /** Start fires (empty when the value has no `on=` and default starts are off). */
  on: readonly InlineSpec[];
  /** Resolved IANA zone. */
  timezone: string;
  /** Which parts came from the configuration's defaults rather than the value. */
  fromDefaults: { off: boolean; on: boolean; timezone: boolean };
}

/** What an inline tag value means. */
export type InlineValue =
  | InlineSchedule
  | { kind: 'opt-out'; normalised: string }
  | { kind: 'invalid'; normalised: string; reason: string };

const DAY_NUMBERS: Readonly<Record<string, number>> = { u: 0, m: 1, t: 2, w: 3, h: 4, f: 5, s: 6 };
/** The order Custodian walks a range in: Monday first, so `f-m` wraps through the weekend. */
const WEEK_FROM_MONDAY = ['m', 't', 'w', 'h', 'f', 's', 'u'] as const;
const KEYS = new Set(['off', 'on', 'tz']);

/**
 * The escapes Custodian's users write for characters a cloud tag may not hold: `u` and the character's two
 * hex digits. Only these are decoded: a general `u[0-9a-f]{2}` would corrupt zone names (`europe/budapest`).
 */
const ESCAPES: Readonly<Record<string, string>> = {
  u28: '(',
  u29: ')',
  u5b: '[',
  u5d: ']',
  u3d: '=',
  u3b: ';',
  u2c: ',',
};
const ESCAPE_PATTERN = /u(?:28|29|5b|5d|3d|3b|2c)/g;

/**
 * Lower-cases, decodes escapes, strips surrounding quotes and drops empty `;` segments: the form `plan`
 * shows and the planner caches on.
 *
 * @example
 * normaliseInlineValue(`"OFF=u28M-F,19u29;;TZ=PT"`); // 'off=(m-f,19);tz=pt'
 */
export function normaliseInlineValue(raw: string): string {
  const decoded = raw.toLowerCase().replace(ESCAPE_PATTERN, (code) => ESCAPES[code] ?? code);
  const unquoted = decoded.replace(/^'+|'+$/g, '').replace(/^"+|"+$/g, '');
  return unquoted
    .split(';')
    .filter((segment) => segment !== '')
    .join(';');
}

/**
 * Reads one tag value against the configured defaults.
 *
 * @example
 * parseInlineValue('off=(M-F,19);tz=et', { timezone: 'UTC', off: 19, on: 7, days: 'm-f' });
 * // { kind: 'schedule', off: [{ days: [1,2,3,4,5], hour: 19, daysText: 'm-f' }], on: [...7 m-f], timezone: 'America/New_York', ... }
 */
export function parseInlineValue(raw: string, defaults: InlineDefaults): InlineValue {
  const normalised = normaliseInlineValue(raw);
  const invalid = (reason: string): InlineValue => ({ kind: 'invalid', normalised, reason });
  if (normalised === 'off') return { kind: 'opt-out', normalised };

  // Custodian first reads every `key=value` word (split at spaces and `;`) to decide which path a value takes.
  const words = loosePairs(normalised);
  const unknown = [...words.keys()].find((key) => !KEYS.has(key));
  if (unknown !== undefined) return invalid(`unknown key '${unknown}' (expected off=, on= or tz=)`);

  let off: InlineSpec[] | undefined;
  let on: InlineSpec[] | undefined;
  let tz = words.get('tz');
  if (words.has('off') || words.has('on')) {
    const seen = new Set<string>();
    for (const segment of normalised.split(';')) {
      const parts = segment.split('=');
      if (parts.length !== 2) return invalid(`'${segment}' is not key=value`);
      const [key, value] = parts as [string, string];
      if (!KEYS.has(key)) return invalid(`unknown key '${key}' (expected off=, on= or tz=)`);
      if (seen.has(key)) return invalid(`${key}= is given twice`);
      seen.add(key);
      if (key === 'tz') {
        tz = value;
        continue;
      }
      const specs = parseSpecs(value);
      if (typeof specs === 'string') return invalid(`${key}=${value}: ${specs}`);
      if (key === 'off') off = specs;
      else on = specs;
    }
  }

  const zone =
    tz === undefined || tz === '' ? { ok: true as const, zone: defaults.timezone } : resolveInlineZone(tz);
  if (!zone.ok) return invalid(zone.reason);
  const defaultDays = parseDays(defaults.days);
  // A value that names no days at all leaves them to the configuration, and so to its calendar, if any
  // (`defaultDays`). Once a value names days on one side, the side it leaves out keeps the `days` default as
  // written: a start on a make-up Saturday with no stop to match would leave the machine running all weekend.
  const namesDays = off !== undefined || on !== undefined;
  const fallback = (hour: number): InlineSpec[] =>
    typeof defaultDays === 'string'
      ? []
      : [{ days: defaultDays, hour, daysText: defaults.days, ...(!namesDays && { defaultDays: true }) }];
  const schedule: InlineSchedule = {
    kind: 'schedule',
    normalised,
    off: off ?? fallback(defaults.off),
    on: on ?? (defaults.on === null ? [] : fallback(defaults.on)),
    timezone: zone.zone,
    fromDefaults: { off: off === undefined, on: on === undefined, timezone: tz === undefined || tz === '' },
  };
  const clash = sameHour(schedule.off, schedule.on);
  return clash === undefined ? schedule : invalid(clash);
}

/** Custodian's first look at a value: the `key=value` words, split at spaces and `;` (later ones win). */
function loosePairs(value: string): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const word of value.split(/[ ;]/)) {
    const parts = word.split('=');
    if (parts.length === 2) pairs.set(parts[0] as string, parts[1] as string);
  }
  return pairs;
}

/**
 * `(days,hour)` or a list of them. Like Custodian, brackets and parentheses are delimiters only: they are
 * removed and the specs split at `,(`, so `[(m-f,19)]` and `(m-f,19),(s,10)` read as written.
 */
function parseSpecs(lexeme: string): InlineSpec[] | string {
  const specs: InlineSpec[] = [];
  for (const part of lexeme.replace(/[[\]]/g, '').split(',(')) {
    const tokens = part.replace(/[()]/g, '').split(',');
    if (tokens.length !== 2) return `'${part}' is not (days,hour)`;
    const [daysText, hourText] = tokens as [string, string];
    if (!/^[0-9]+$/.test(hourText)) return `hour '${hourText}' is not a number`;
    const hour = Number(hourText);
    if (hour > 23) return `hour ${hour} is not 0 to 23`;
    const days = parseDays(daysText);
    if (typeof days === 'string') return days;
    specs.push({ days, hour, daysText });
  }
  return specs;
}

/**
 * One day letter (`m t w h f s u`) or a range `a-b`, which wraps past Sunday when `a` comes after `b`
 * (`f-m` is Friday, Saturday, Sunday, Monday). Returns cron weekdays, or why the text is not days.
 *
 * @example
 * parseDays('f-m'); // [5, 6, 0, 1]
 */
export function parseDays(text: string): number[] | string {
  const single = Object.hasOwn(DAY_NUMBERS, text) ? DAY_NUMBERS[text] : undefined;
  if (single !== undefined) return [single];
  const range = /^([mtwhfsu])-([mtwhfsu])$/.exec(text);
  if (range === null) return `'${text}' is not a day (m t w h f s u) or a range of days such as m-f`;
  const from = WEEK_FROM_MONDAY.indexOf(range[1] as (typeof WEEK_FROM_MONDAY)[number]);
  const to = WEEK_FROM_MONDAY.indexOf(range[2] as (typeof WEEK_FROM_MONDAY)[number]);
  const days: number[] = [];
  for (let i = from; ; i = (i + 1) % 7) {
    days.push(DAY_NUMBERS[WEEK_FROM_MONDAY[i] as string] as number);
    if (i === to) return days;
  }
}

/** A stop and a start at the same local hour of the same day contradict each other: say where. */
function sameHour(off: readonly InlineSpec[], on: readonly InlineSpec[]): string | undefined {
  for (const stop of off) {
    for (const start of on) {
      const day = stop.days.find((d) => start.days.includes(d));
      if (stop.hour === start.hour && day !== undefined) {
        return `off=(${stop.daysText},${stop.hour}) and on=(${start.daysText},${start.hour}) both fire at ${stop.hour}:00 on the same day`;
      }
    }
  }
  return undefined;
}
