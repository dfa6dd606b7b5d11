import { describe, expect, it } from 'vitest';
import {
  formatOffset,
  instantToLocalMs,
  localMsToWall,
  rawOffsetMs,
  resolveLocalMs,
  wallTime,
  wallToLocalMs,
  zoneOffsetMs,
} from '../../../lib/schedule/timezone.js';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

describe('wallTime', () => {
  it.each([
    ['2026-03-09T14:00:00Z', 'Asia/Shanghai', '2026-03-09 22:00', 1],
    ['2026-03-09T14:00:00Z', 'UTC', '2026-03-09 14:00', 1],
    ['2026-01-15T12:00:00Z', 'America/New_York', '2026-01-15 07:00', 4],
    ['2026-07-15T12:00:00Z', 'America/New_York', '2026-07-15 08:00', 3],
    ['2026-01-15T12:00:00Z', 'Europe/London', '2026-01-15 12:00', 4],
    ['2026-07-15T12:00:00Z', 'Europe/London', '2026-07-15 13:00', 3],
    ['2026-01-15T12:00:00Z', 'Australia/Sydney', '2026-01-15 23:00', 4],
    ['2026-07-15T12:00:00Z', 'Australia/Sydney', '2026-07-15 22:00', 3],
    ['2026-07-15T12:00:00Z', 'Asia/Kolkata', '2026-07-15 17:30', 3],
    ['2026-07-15T12:00:00Z', 'Asia/Kathmandu', '2026-07-15 17:45', 3],
    ['2026-12-31T20:00:00Z', 'Pacific/Kiritimati', '2027-01-01 10:00', 5],
    ['2026-01-01T03:00:00Z', 'Pacific/Pago_Pago', '2025-12-31 16:00', 3],
    // The instants either side of New York's spring-forward and fall-back.
    ['2026-03-08T06:59:00Z', 'America/New_York', '2026-03-08 01:59', 0],
    ['2026-03-08T07:00:00Z', 'America/New_York', '2026-03-08 03:00', 0],
    ['2026-11-01T05:30:00Z', 'America/New_York', '2026-11-01 01:30', 0],
    ['2026-11-01T06:30:00Z', 'America/New_York', '2026-11-01 01:30', 0],
  ])('%s in %s is %s (weekday %i)', (instant, zone, local, weekday) => {
    const wall = wallTime(new Date(instant), zone);
    const pad = (n: number) => String(n).padStart(2, '0');
    expect(`${wall.year}-${pad(wall.month)}-${pad(wall.day)} ${pad(wall.hour)}:${pad(wall.minute)}`).toBe(
      local,
    );
    expect(wall.weekday).toBe(weekday);
  });

  it('throws a RangeError for an unknown zone', () => {
    expect(() => wallTime(new Date(0), 'Mars/Olympus_Mons')).toThrow(RangeError);
  });
});

describe('zoneOffsetMs', () => {
  it.each([
    ['2026-03-08T06:59:59Z', 'America/New_York', -5],
    ['2026-03-08T07:00:00Z', 'America/New_York', -4],
    ['2026-11-01T05:59:59Z', 'America/New_York', -4],
    ['2026-11-01T06:00:00Z', 'America/New_York', -5],
    ['2026-03-29T00:59:59Z', 'Europe/London', 0],
    ['2026-03-29T01:00:00Z', 'Europe/London', 1],
    ['2026-10-25T00:59:59Z', 'Europe/London', 1],
    ['2026-10-25T01:00:00Z', 'Europe/London', 0],
    ['2026-04-04T15:59:59Z', 'Australia/Sydney', 11],
    ['2026-04-04T16:00:00Z', 'Australia/Sydney', 10],
    ['2026-10-03T15:59:59Z', 'Australia/Sydney', 10],
    ['2026-10-03T16:00:00Z', 'Australia/Sydney', 11],
    ['2026-07-01T00:00:00Z', 'Asia/Shanghai', 8],
    ['2026-07-01T00:00:00Z', 'Australia/Lord_Howe', 10.5],
    ['2026-01-01T00:00:00Z', 'Australia/Lord_Howe', 11],
    ['2026-07-01T00:00:00Z', 'Pacific/Chatham', 12.75],
  ])('%s in %s is UTC plus %s hours', (instant, zone, hours) => {
    expect(zoneOffsetMs(Date.parse(instant), zone)).toBe(hours * HOUR_MS);
  });

  // The cache remembers whole days and hours; check it against the formatter around every 2026 change,
  // including Lord Howe's half-hour change and Chatham's +12:45/+13:45.
  it.each([
    ['America/New_York', ['2026-03-08', '2026-11-01']],
    ['Europe/London', ['2026-03-29', '2026-10-25']],
    ['Australia/Sydney', ['2026-04-04', '2026-10-03']],
    ['Australia/Lord_Howe', ['2026-04-04', '2026-10-03']],
    ['Pacific/Chatham', ['2026-04-04', '2026-09-26']],
    ['Asia/Shanghai', ['2026-03-08']],
  ])('%s: cached offsets equal the formatter minute by minute around %j', (zone, days) => {
    // (Mismatches are collected and asserted once: an expect() per minute cost more than the check.)
    const wrong: string[] = [];
    for (const day of days) {
      const start = Date.parse(`${day}T00:00:00Z`) - 12 * HOUR_MS;
      for (let t = start; t < start + 48 * HOUR_MS; t += MINUTE_MS) {
        const wall = wallTime(new Date(t), zone);
        const expected = wallToLocalMs(wall) - t;
        const offset = zoneOffsetMs(t, zone);
        const local = instantToLocalMs(t, zone);
        if (offset !== expected || local !== t + expected) {
          wrong.push(
            `${new Date(t).toISOString()}: offset ${offset}, local ${local}, expected offset ${expected}`,
          );
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});

/** The offset an independent Intl path gives: the wall-clock fields formatToParts prints, minus the instant. */
const fieldFormats = new Map<string, Intl.DateTimeFormat>();
function offsetFromFields(instantMs: number, timeZone: string): number {
  const format =
    fieldFormats.get(timeZone) ??
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  fieldFormats.set(timeZone, format);
  const parts = format.formatToParts(instantMs);
  const field = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const local = new Date(
    Date.UTC(2000, field('month') - 1, field('day'), field('hour'), field('minute'), field('second')),
  );
  local.setUTCFullYear(field('year'));
  return local.getTime() - Math.floor(instantMs / 1000) * 1000;
}

describe('rawOffsetMs (the offset Intl prints as GMT±hh:mm[:ss])', () => {
  it.each([
    ['1970-01-01T00:00:00Z', 'Africa/Monrovia', -(44 * MINUTE_MS + 30_000)],
    ['1900-01-01T00:00:00Z', 'Asia/Shanghai', 8 * HOUR_MS + 5 * MINUTE_MS + 43_000],
    ['2026-07-01T00:00:00Z', 'America/St_Johns', -2.5 * HOUR_MS],
    ['2026-01-01T00:00:00Z', 'UTC', 0],
    ['2026-01-01T00:00:00Z', 'Europe/London', 0],
    ['2026-01-01T00:00:00Z', 'Pacific/Kiritimati', 14 * HOUR_MS],
  ])('%s in %s is %s ms', (instant, zone, offsetMs) => {
    expect(rawOffsetMs(Date.parse(instant), zone)).toBe(offsetMs);
  });

  it.each([
    'America/New_York',
    'Europe/London',
    'Australia/Lord_Howe',
    'Pacific/Chatham',
    'Africa/Casablanca',
  ])(
    '%s: agrees with the wall-clock fields Intl formats, every 2 days, 7 hours and 17 minutes from 1995 to 2040',
    (zone) => {
      const stepMs = 55 * HOUR_MS + 17 * MINUTE_MS;
      for (let t = Date.parse('1995-01-01T00:00:00Z'); t < Date.parse('2040-01-01T00:00:00Z'); t += stepMs) {
        expect(rawOffsetMs(t, zone), `${zone} ${new Date(t).toISOString()}`).toBe(offsetFromFields(t, zone));
      }
    },
  );
});

describe('resolveLocalMs', () => {
  it.each([
    // An ordinary time: one instant.
    ['America/New_York', '2026-03-07T02:30', '2026-03-07T07:30:00.000Z', false],
    // Spring forward: 02:00-02:59 do not exist; they resolve to the end of the gap, 03:00 EDT.
    ['America/New_York', '2026-03-08T02:00', '2026-03-08T07:00:00.000Z', true],
    ['America/New_York', '2026-03-08T02:30', '2026-03-08T07:00:00.000Z', true],
    ['America/New_York', '2026-03-08T02:59', '2026-03-08T07:00:00.000Z', true],
    ['America/New_York', '2026-03-08T03:00', '2026-03-08T07:00:00.000Z', false],
    // Fall back: 01:00-01:59 happen twice; the first (EDT) is chosen.
    ['America/New_York', '2026-11-01T01:00', '2026-11-01T05:00:00.000Z', false],
    ['America/New_York', '2026-11-01T01:30', '2026-11-01T05:30:00.000Z', false],
    ['America/New_York', '2026-11-01T02:00', '2026-11-01T07:00:00.000Z', false],
    ['Europe/London', '2026-03-29T01:30', '2026-03-29T01:00:00.000Z', true],
    ['Europe/London', '2026-10-25T01:30', '2026-10-25T00:30:00.000Z', false],
    ['Australia/Sydney', '2026-04-05T02:30', '2026-04-04T15:30:00.000Z', false],
    ['Australia/Sydney', '2026-10-04T02:30', '2026-10-03T16:00:00.000Z', true],
    ['Australia/Lord_Howe', '2026-10-04T02:15', '2026-10-03T15:30:00.000Z', true],
    ['Asia/Shanghai', '2026-03-08T02:30', '2026-03-07T18:30:00.000Z', false],
    // Samoa skipped 30 December 2011 entirely: every time of that day resolves to 31 December 00:00.
    ['Pacific/Apia', '2011-12-30T12:00', '2011-12-30T10:00:00.000Z', true],
  ])('%s %s is %s (in gap: %s)', (zone, local, instant, inGap) => {
    const [date = '', time = ''] = local.split('T');
    const [year = 0, month = 0, day = 0] = date.split('-').map(Number);
    const [hour = 0, minute = 0] = time.split(':').map(Number);
    const resolved = resolveLocalMs(wallToLocalMs({ year, month, day, hour, minute }), zone);
    expect(new Date(resolved.instantMs).toISOString()).toBe(instant);
    expect(resolved.inGap).toBe(inGap);
  });
});

describe('local epoch encoding', () => {
  it('round-trips wall fields, weekday included', () => {
    const wall = { year: 2026, month: 2, day: 28, hour: 23, minute: 59 };
    expect(localMsToWall(wallToLocalMs(wall))).toEqual({ ...wall, weekday: 6 });
  });
});

describe('formatOffset', () => {
  it.each([
    [0, '+00:00'],
    [8 * HOUR_MS, '+08:00'],
    [-4 * HOUR_MS, '-04:00'],
    [5.75 * HOUR_MS, '+05:45'],
    [-9.5 * HOUR_MS, '-09:30'],
    [14 * HOUR_MS, '+14:00'],
  ])('%i ms is %s', (offsetMs, text) => {
    expect(formatOffset(offsetMs)).toBe(text);
  });
});
