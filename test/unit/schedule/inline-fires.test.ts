import { describe, expect, it } from 'vitest';
import {
  type InlineDefaults,
  type InlineSchedule,
  inlineCrons,
  inlineFires,
  inlineWindowCanFire,
  parseInlineValue,
} from '../../../lib/schedule/index.js';

const DEFAULTS: InlineDefaults = { timezone: 'UTC', off: 19, on: 7, days: 'm-f' };

function schedule(raw: string, defaults = DEFAULTS): InlineSchedule {
  const value = parseInlineValue(raw, defaults);
  if (value.kind !== 'schedule') throw new Error(`not a schedule: ${raw}`);
  return value;
}

function fires(raw: string, start: string, end: string, skipDates: string[] = []) {
  return inlineFires(schedule(raw), skipDates, new Date(start), new Date(end)).map((fire) => ({
    at: fire.fireTime.toISOString(),
    action: fire.action,
  }));
}

describe('inlineCrons', () => {
  it('turns each (days,hour) into one cron on the hour', () => {
    expect(inlineCrons(schedule('off=[(f-m,20),(w,3)]').off)).toEqual(['0 20 * * 0,1,5,6', '0 3 * * 3']);
  });
});

describe('inlineFires', () => {
  it.each<[string, string, string, { at: string; action: string }[]]>([
    // Monday 2026-03-09, New York on summer time (UTC-4): 19:00 local is 23:00Z.
    [
      'off=(m-f,19);tz=et',
      '2026-03-09T22:55:00Z',
      '2026-03-09T23:00:00Z',
      [{ at: '2026-03-09T23:00:00.000Z', action: 'stop' }],
    ],
    ['off=(m-f,19);tz=et', '2026-03-09T23:00:00Z', '2026-03-09T23:05:00Z', []],
    // Saturday: nothing.
    ['off=(m-f,19);tz=et', '2026-03-14T22:55:00Z', '2026-03-14T23:00:00Z', []],
    // The default on-hour (07:00 local) is a start fire.
    [
      'off=(m-f,19);tz=et',
      '2026-03-10T10:55:00Z',
      '2026-03-10T11:00:00Z',
      [{ at: '2026-03-10T11:00:00.000Z', action: 'start' }],
    ],
    // A whole day holds the start and the stop, in time order.
    [
      'off=(m-f,19);on=(m-f,8);tz=asia/shanghai',
      '2026-03-09T00:00:00Z',
      '2026-03-10T00:00:00Z',
      [
        { at: '2026-03-09T11:00:00.000Z', action: 'stop' },
        { at: '2026-03-10T00:00:00.000Z', action: 'start' },
      ],
    ],
    // Spring forward in New York (2026-03-08): 02:00 does not exist; the fire comes when the gap ends (03:00 EDT).
    [
      'off=(u,2);tz=et',
      '2026-03-08T00:00:00Z',
      '2026-03-09T00:00:00Z',
      [{ at: '2026-03-08T07:00:00.000Z', action: 'stop' }],
    ],
    // Fall back (2026-11-01): 01:00 happens twice; it fires once, at the first.
    [
      'off=(u,1);tz=et',
      '2026-11-01T00:00:00Z',
      '2026-11-02T00:00:00Z',
      [{ at: '2026-11-01T05:00:00.000Z', action: 'stop' }],
    ],
    // A wrapping range stops on Saturday night too.
    [
      'off=(f-m,22);tz=utc',
      '2026-03-14T21:00:00Z',
      '2026-03-14T22:00:00Z',
      [{ at: '2026-03-14T22:00:00.000Z', action: 'stop' }],
    ],
  ])('%j in (%s, %s]', (raw, start, end, expected) => {
    expect(fires(raw, start, end)).toEqual(expected);
  });

  it('skips the fires of a skip date (the local date of the fire)', () => {
    // 19:00 in New York on 2026-03-09 is already 2026-03-10 in UTC: the local date counts.
    expect(
      fires('off=(m-f,19);tz=et', '2026-03-09T22:55:00Z', '2026-03-09T23:00:00Z', ['2026-03-09']),
    ).toEqual([]);
    expect(
      fires('off=(m-f,19);tz=et', '2026-03-09T22:55:00Z', '2026-03-09T23:00:00Z', ['2026-03-10']),
    ).toHaveLength(1);
  });

  it('gives every fire exactly once when windows tile a week', () => {
    const start = Date.parse('2026-10-29T00:00:00Z');
    const all: string[] = [];
    for (let t = start; t < start + 7 * 86_400_000; t += 300_000) {
      const found = fires(
        'off=[(m-f,19),(u,1)];on=(m-f,7);tz=et',
        new Date(t).toISOString(),
        new Date(t + 300_000).toISOString(),
      );
      all.push(...found.map((f) => `${f.action}@${f.at}`));
    }
    expect(new Set(all).size).toBe(all.length);
    // Thursday to Wednesday: 5 weekdays of stops and starts, one Sunday 01:00 stop.
    expect(all.filter((f) => f.startsWith('stop'))).toHaveLength(6);
    expect(all.filter((f) => f.startsWith('start'))).toHaveLength(5);
  });
});

describe('inlineWindowCanFire', () => {
  it.each<[string, string, boolean]>([
    ['2026-03-09T22:55:00Z', '2026-03-09T23:00:00Z', true],
    ['2026-03-09T23:00:00Z', '2026-03-09T23:05:00Z', false],
    ['2026-03-09T23:10:00Z', '2026-03-09T23:15:00Z', true],
    ['2026-03-09T23:25:00Z', '2026-03-09T23:30:00Z', true],
    ['2026-03-09T23:40:00Z', '2026-03-09T23:45:00Z', true],
    ['2026-03-09T23:45:00Z', '2026-03-09T23:46:00Z', false],
    ['2026-03-09T00:00:00Z', '2026-03-10T00:00:00Z', true],
  ])('(%s, %s] → %s', (start, end, expected) => {
    expect(inlineWindowCanFire(new Date(start), new Date(end))).toBe(expected);
  });

  it('holds every fire of a zone with a quarter-hour offset (Asia/Kathmandu, UTC+5:45)', () => {
    const value = schedule('off=(m-u,19);tz=asia/kathmandu', { ...DEFAULTS, on: null });
    const [fire] = inlineFires(value, [], new Date('2026-03-09T00:00:00Z'), new Date('2026-03-10T00:00:00Z'));
    expect(fire?.fireTime.toISOString()).toBe('2026-03-09T13:15:00.000Z');
    expect(inlineWindowCanFire(new Date('2026-03-09T13:10:00Z'), new Date('2026-03-09T13:15:00Z'))).toBe(
      true,
    );
  });
});

describe('inlineFires with a calendar', () => {
  // 2026: National Day holidays 10-01 to 10-07, a make-up working Saturday on 10-10 (cn base).
  const CN_OFFICE = { name: 'cn-office', base: 'cn' as const, holidays: [], workdays: [] };
  const SHANGHAI: InlineDefaults = { ...DEFAULTS, timezone: 'Asia/Shanghai' };
  const stopDays = (raw: string, calendar?: typeof CN_OFFICE) =>
    inlineFires(
      schedule(raw, SHANGHAI),
      [],
      new Date('2026-09-30T16:00:00Z'), // 2026-10-01 00:00 in Shanghai
      new Date('2026-10-11T16:00:00Z'), // 2026-10-12 00:00
      calendar,
    )
      .filter((fire) => fire.action === 'stop')
      .map((fire) => new Date(fire.fireTime.getTime() + 8 * 3_600_000).toISOString().slice(0, 10));

  it.each<[string, string, typeof CN_OFFICE | undefined, string[]]>([
    // Without a calendar the days are the value's (or the default m-f).
    [
      'defaults, no calendar',
      '',
      undefined,
      ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07', '2026-10-08', '2026-10-09'],
    ],
    // A value that names no days: the calendar replaces the default days (the make-up Saturday stops too).
    ['defaults, calendar', '', CN_OFFICE, ['2026-10-08', '2026-10-09', '2026-10-10']],
    ['tz only, calendar', 'tz=asia/shanghai', CN_OFFICE, ['2026-10-08', '2026-10-09', '2026-10-10']],
    // Named days: the calendar narrows them to its working days (intersection).
    ['m-f named, calendar', 'off=(m-f,19)', CN_OFFICE, ['2026-10-08', '2026-10-09']],
    ['saturday named, calendar', 'off=(s,19)', CN_OFFICE, ['2026-10-10']],
    ['every day named, calendar', 'off=(m-u,19)', CN_OFFICE, ['2026-10-08', '2026-10-09', '2026-10-10']],
  ])('%s', (_, raw, calendar, expected) => {
    expect(stopDays(raw, calendar)).toEqual(expected);
  });

  it('keeps the default days of the side a value leaves out once it names days on the other', () => {
    // off=(m-f,19) with the default on-hour: no start on the make-up Saturday, which has no stop to match.
    const starts = inlineFires(
      schedule('off=(m-f,19)', SHANGHAI),
      [],
      new Date('2026-09-30T16:00:00Z'),
      new Date('2026-10-11T16:00:00Z'),
      CN_OFFICE,
    ).filter((fire) => fire.action === 'start');
    expect(starts.map((fire) => fire.fireTime.toISOString())).toEqual([
      '2026-10-07T23:00:00.000Z', // 10-08 07:00 in Shanghai
      '2026-10-08T23:00:00.000Z',
    ]);
  });
});
