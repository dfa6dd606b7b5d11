/**
 * Wall-clock arithmetic in IANA time zones with the built-in Intl data, no library: just enough to find where a
 * local day ends. Pure: the result depends only on the arguments (formatters are cached, which changes nothing).
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (found === undefined) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, found);
  }
  return found;
}

/** Milliseconds since the epoch of a UTC calendar time; unlike `Date.UTC`, years 0 to 99 stay themselves. */
export function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

/** The local wall-clock time of an instant in `timeZone`, read as if it were UTC. */
function wallClockMs(instantMs: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(instantMs)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return utcMs(parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!, parts.second!);
}

/** The zone's offset from UTC at an instant, in milliseconds (positive east of Greenwich). */
export function offsetMs(instantMs: number, timeZone: string): number {
  const wholeSecondMs = Math.floor(instantMs / 1000) * 1000;
  return wallClockMs(wholeSecondMs, timeZone) - wholeSecondMs;
}

/**
 * The first instant of the local calendar day `year-month-day` in `timeZone`.
 *
 * Midnight can be skipped (a daylight-saving jump at 00:00, as in America/Santiago) or happen twice. Both
 * offsets around the guess are tried, and the earliest candidate that already shows the wanted day wins: for a
 * skipped midnight that is the jump itself (local 01:00), for a repeated one its first occurrence.
 */
export function startOfLocalDayMs(year: number, month: number, day: number, timeZone: string): number {
  const wallMs = utcMs(year, month, day);
  const first = wallMs - offsetMs(wallMs, timeZone);
  const second = wallMs - offsetMs(first, timeZone);
  const candidates = [first, second].sort((a, b) => a - b);
  return candidates.find((candidate) => wallClockMs(candidate, timeZone) >= wallMs) ?? candidates[1]!;
}
