import { describe, expect, it } from 'vitest';
import { parseSkipUntil } from '../../../lib/plan/snooze.js';
import { startOfLocalDayMs } from '../../../lib/schedule/timezone.js';

const at = (iso: string) => new Date(iso);

describe('parseSkipUntil with a date: through the end of that local day', () => {
  it.each([
    // value, time zone, end of the day (UTC)
    ['2026-03-09', 'UTC', '2026-03-10T00:00:00.000Z'],
    ['2026-03-09', 'Asia/Shanghai', '2026-03-09T16:00:00.000Z'],
    ['2026-03-09', 'America/Los_Angeles', '2026-03-10T07:00:00.000Z'],
    ['2026-03-07', 'America/New_York', '2026-03-08T05:00:00.000Z'],
    ['2026-03-08', 'America/New_York', '2026-03-09T04:00:00.000Z'],
    ['2026-12-31', 'Asia/Shanghai', '2026-12-31T16:00:00.000Z'],
    ['2028-02-29', 'UTC', '2028-03-01T00:00:00.000Z'],
    ['2026-02-28', 'UTC', '2026-03-01T00:00:00.000Z'],
    // Santiago skips 00:00 on 2026-09-06: the next day starts at local 01:00.
    ['2026-09-05', 'America/Santiago', '2026-09-06T04:00:00.000Z'],
  ])('%s in %s ends at %s', (value, zone, end) => {
    const before = new Date(Date.parse(end) - 1);
    expect(parseSkipUntil(value, zone, before)).toEqual({
      valid: true,
      kind: 'date',
      until: new Date(end),
      snoozed: true,
    });
    expect(parseSkipUntil(value, zone, new Date(end))).toMatchObject({ valid: true, snoozed: false });
  });

  it.each([
    // One tag, one instant, two zones: Shanghai's 9 March ends eight hours before UTC's.
    ['2026-03-09T15:59:59.999Z', 'Asia/Shanghai', true],
    ['2026-03-09T16:00:00.000Z', 'Asia/Shanghai', false],
    ['2026-03-09T16:00:00.000Z', 'UTC', true],
    ['2026-03-09T23:59:59.999Z', 'UTC', true],
    ['2026-03-10T00:00:00.000Z', 'UTC', false],
    ['2026-03-08T00:00:00.000Z', 'Asia/Shanghai', true],
  ])('2026-03-09 at %s in %s → snoozed %s', (now, zone, snoozed) => {
    expect(parseSkipUntil('2026-03-09', zone, at(now))).toMatchObject({ valid: true, snoozed });
  });
});

describe('parseSkipUntil with a date-time: until that instant', () => {
  it.each([
    ['2026-03-09T18:00:00Z', '2026-03-09T18:00:00.000Z'],
    ['2026-03-09T18:00Z', '2026-03-09T18:00:00.000Z'],
    ['2026-03-09T18:00:00.250Z', '2026-03-09T18:00:00.250Z'],
    ['2026-03-10T02:00:00+08:00', '2026-03-09T18:00:00.000Z'],
    ['2026-03-09T13:00:00-05:00', '2026-03-09T18:00:00.000Z'],
    ['2026-03-09T23:30:00+05:30', '2026-03-09T18:00:00.000Z'],
    ['2026-03-09T18:00:00-00:00', '2026-03-09T18:00:00.000Z'],
    ['2026-03-09T00:30:00+08:00', '2026-03-08T16:30:00.000Z'],
  ])('%s means %s', (value, instant) => {
    const until = new Date(instant);
    expect(parseSkipUntil(value, 'Asia/Shanghai', new Date(until.getTime() - 1))).toEqual({
      valid: true,
      kind: 'date-time',
      until,
      snoozed: true,
    });
    expect(parseSkipUntil(value, 'Asia/Shanghai', until)).toMatchObject({ snoozed: false });
  });

  it('does not depend on the schedule time zone', () => {
    const now = at('2026-03-09T17:59:59Z');
    expect(parseSkipUntil('2026-03-09T18:00:00Z', 'UTC', now)).toEqual(
      parseSkipUntil('2026-03-09T18:00:00Z', 'Pacific/Kiritimati', now),
    );
  });

  it('rounds a sub-millisecond fraction up, so the instant itself is still snoozed just before it', () => {
    const result = parseSkipUntil('2026-03-09T18:00:00.0005Z', 'UTC', at('2026-03-09T18:00:00.000Z'));
    expect(result).toMatchObject({ valid: true, snoozed: true });
  });

  it('treats a past value as valid and not snoozed', () => {
    expect(parseSkipUntil('2020-01-01', 'UTC', at('2026-03-09T00:00:00Z'))).toMatchObject({
      valid: true,
      snoozed: false,
    });
  });
});

describe('parseSkipUntil rejects what is not a strict ISO date or date-time', () => {
  it.each([
    '',
    'tomorrow',
    'never',
    '2026-13-01',
    '2026-00-10',
    '2026-02-29',
    '2026-04-31',
    '2026-03-00',
    '2026-3-9',
    '20260309',
    ' 2026-03-09',
    '2026-03-09 ',
    '2026/03/09',
    '09-03-2026',
    '2026-03-09T18:00:00',
    '2026-03-09 18:00:00Z',
    '2026-03-09t18:00:00z',
    '2026-03-09T24:00:00Z',
    '2026-03-09T18:60:00Z',
    '2026-03-09T18:00:60Z',
    '2026-03-09T18:00:00+08',
    '2026-03-09T18:00:00+0800',
    '2026-03-09T18:00:00+24:00',
    '2026-03-09T18:00:00+08:60',
    '2026-02-30T18:00:00Z',
    '2026-03-09T18Z',
    '2026-03-09T18:00:00.Z',
    '2026-03-09T18:00:00.1234567890Z',
    '１２３４-03-09',
  ])('%j', (value) => {
    expect(parseSkipUntil(value, 'UTC', at('2026-01-01T00:00:00Z'))).toEqual({ valid: false });
  });
});

describe('startOfLocalDayMs', () => {
  it.each([
    [2026, 3, 8, 'America/Havana', '2026-03-08T05:00:00.000Z'],
    [2026, 11, 1, 'America/Havana', '2026-11-01T04:00:00.000Z'],
    [2026, 4, 5, 'America/Santiago', '2026-04-05T04:00:00.000Z'],
    [2026, 9, 6, 'America/Santiago', '2026-09-06T04:00:00.000Z'],
    [2026, 1, 1, 'Pacific/Kiritimati', '2025-12-31T10:00:00.000Z'],
    [50, 1, 1, 'UTC', '0050-01-01T00:00:00.000Z'],
  ])('%i-%i-%i in %s starts at %s', (year, month, day, zone, iso) => {
    expect(new Date(startOfLocalDayMs(year, month, day, zone)).toISOString()).toBe(iso);
  });
});
