/**
 * Wall-clock time in IANA time zones, with nothing but Intl.DateTimeFormat.
 *
 * Internally a wall-clock time is a "local epoch" number: the milliseconds it would be since the epoch if the
 * zone were UTC. Local epoch minus the zone's UTC offset is the instant; the Date UTC getters decode it into
 * fields cheaply, which keeps a year of minutes affordable.
 */

/** A local wall-clock time, to the minute. */
export interface WallTime {
  year: number;
  /** 1-12. */
  month: number;
  /** 1-31. */
  day: number;
  /** 0-23. */
  hour: number;
  /** 0-59. */
  minute: number;
  /** 0-6, Sunday = 0. */
  weekday: number;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Beyond this many cached spans per zone the cache starts afresh (a bound, not a tuning knob). */
const MAX_CACHED_SPANS = 100_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
/** Per zone: the UTC offset of UTC days and hours, NaN for one that contains a change. */
const spanOffsets = new Map<string, Map<number, number>>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (format === undefined) {
    // Building a formatter costs far more than using one, so each zone gets one for the process's life.
    // It formats the offset alone (`1/1/2026, GMT+08:00`): format() is several times cheaper than
    // formatToParts(), which builds an object per field, and the offset is all the rest is derived from.
    format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    formatters.set(timeZone, format);
  }
  return format;
}

/** `GMT+08:00`, `GMT-00:44:30` (seconds when the offset has them), or `GMT` alone for zero. */
const GMT_OFFSET = /GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * The local wall-clock time of an instant in a time zone.
 *
 * @throws RangeError for an unknown time zone.
 * @example
 * wallTime(new Date('2026-03-09T14:00:00Z'), 'Asia/Shanghai'); // { year: 2026, month: 3, day: 9, hour: 22, minute: 0, weekday: 1 }
 */
export function wallTime(instant: Date, timeZone: string): WallTime {
  return localMsToWall(exactLocalMs(instant.getTime(), timeZone));
}

/**
 * The zone's UTC offset at an instant, in milliseconds (east of Greenwich is positive).
 *
 * Offsets are cached per UTC day, and per UTC hour on a day with a change: a span whose first and last
 * seconds share an offset is taken to have none inside (zones change their offset at most once a day). The
 * hour of a change is computed each time.
 */
export function zoneOffsetMs(instantMs: number, timeZone: string): number {
  let zone = spanOffsets.get(timeZone);
  if (zone === undefined) {
    zone = new Map();
    spanOffsets.set(timeZone, zone);
  }
  const day = Math.floor(instantMs / DAY_MS);
  const dayOffset = spanOffset(zone, day * DAY_MS, DAY_MS, timeZone);
  if (dayOffset !== undefined) return dayOffset;
  const hour = Math.floor(instantMs / HOUR_MS);
  return spanOffset(zone, hour * HOUR_MS, HOUR_MS, timeZone) ?? rawOffsetMs(instantMs, timeZone);
}

/** The offset throughout `[startMs, startMs + lengthMs)`, or undefined when it changes inside. */
function spanOffset(zone: Map<number, number>, startMs: number, lengthMs: number, timeZone: string) {
  // Day spans are keyed by their start, hour spans by their start plus one: the keys never collide.
  const key = lengthMs === DAY_MS ? startMs : startMs + 1;
  const cached = zone.get(key);
  if (cached !== undefined) return Number.isNaN(cached) ? undefined : cached;
  const first = rawOffsetMs(startMs, timeZone);
  const last = rawOffsetMs(startMs + lengthMs - 1000, timeZone);
  if (zone.size >= MAX_CACHED_SPANS) zone.clear();
  zone.set(key, first === last ? first : Number.NaN);
  return first === last ? first : undefined;
}

/** The local epoch milliseconds of an instant in a zone. */
export function instantToLocalMs(instantMs: number, timeZone: string): number {
  return instantMs + zoneOffsetMs(instantMs, timeZone);
}

/** Decodes local epoch milliseconds into wall-clock fields. */
export function localMsToWall(localMs: number): WallTime {
  const date = new Date(localMs);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    weekday: date.getUTCDay(),
  };
}

/** Encodes wall-clock fields (the weekday is not needed) as local epoch milliseconds. */
export function wallToLocalMs(wall: Omit<WallTime, 'weekday'>): number {
  const date = new Date(Date.UTC(2000, wall.month - 1, wall.day, wall.hour, wall.minute));
  date.setUTCFullYear(wall.year);
  return date.getTime();
}

/** Where a local wall-clock time happens. */
export interface ResolvedLocal {
  /** The first instant showing that wall-clock time or, when the clock skipped it, the instant the gap ends. */
  instantMs: number;
  /** True when the clock skipped the time (spring forward). */
  inGap: boolean;
}

/**
 * The instant of a local wall-clock time: its first occurrence when the clock shows it twice (fall back),
 * the end of the gap when the clock skips it (spring forward).
 *
 * The candidate offsets are those a day before and a day after (Temporal's method): a wall time maps to an
 * instant with one of them, or to none when it lies in a gap.
 */
export function resolveLocalMs(localMs: number, timeZone: string): ResolvedLocal {
  const before = zoneOffsetMs(localMs - DAY_MS, timeZone);
  const after = zoneOffsetMs(localMs + DAY_MS, timeZone);
  // The larger offset gives the earlier instant, so it is tried first.
  for (const offset of before >= after ? [before, after] : [after, before]) {
    if (zoneOffsetMs(localMs - offset, timeZone) === offset)
      return { instantMs: localMs - offset, inGap: false };
  }
  return {
    instantMs: gapEnd(localMs, Math.max(before, after), Math.min(before, after), timeZone),
    inGap: true,
  };
}

/**
 * The first instant whose wall-clock time is past `localMs`, found by bisection (to the second) between the
 * instant `localMs` would be with the larger offset (still before the gap) and with the smaller (after it).
 */
function gapEnd(localMs: number, larger: number, smaller: number, timeZone: string): number {
  let lo = localMs - larger;
  let hi = localMs - smaller;
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (instantToLocalMs(mid, timeZone) > localMs) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * Formats a UTC offset as `+08:00`, `-04:00`, `+05:45`.
 *
 * @example
 * formatOffset(-4 * 3_600_000); // '-04:00'
 */
export function formatOffset(offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const minutes = Math.round(Math.abs(offsetMs) / MINUTE_MS);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${sign}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/**
 * The offset straight from the formatter, at second precision: one formatter call and no cache. For instants
 * sampled once each (overlap.ts), where {@link zoneOffsetMs} would spend two calls caching a day nobody asks
 * about again.
 */
export function rawOffsetMs(instantMs: number, timeZone: string): number {
  const text = formatter(timeZone).format(instantMs);
  const match = GMT_OFFSET.exec(text);
  if (match === null) throw new Error(`unexpected offset format from Intl for ${timeZone}: ${text}`);
  const [, sign, hours = '0', minutes = '0', seconds = '0'] = match;
  const ms = ((Number(hours) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000;
  return sign === '-' ? -ms : ms;
}

function exactLocalMs(instantMs: number, timeZone: string): number {
  return instantMs + rawOffsetMs(instantMs, timeZone);
}

/**
 * The first instant of the local calendar day `year-month-day` in `timeZone`: midnight's first occurrence, or
 * the end of the gap when the clock skips midnight (as America/Santiago's daylight-saving jump does).
 *
 * @example
 * startOfLocalDayMs(2026, 3, 9, 'Asia/Shanghai'); // Date.parse('2026-03-08T16:00:00Z')
 */
export function startOfLocalDayMs(year: number, month: number, day: number, timeZone: string): number {
  return resolveLocalMs(wallToLocalMs({ year, month, day, hour: 0, minute: 0 }), timeZone).instantMs;
}
