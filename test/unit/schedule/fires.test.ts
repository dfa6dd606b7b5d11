import { describe, expect, it } from 'vitest';
import type { Config, ScheduleConfig } from '../../../lib/config/types.js';
import { UsageError } from '../../../lib/errors.js';
import {
  dueFires,
  nextFires,
  scheduleFireDetails,
  scheduleFires,
  tickWindow,
} from '../../../lib/schedule/fires.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

function schedule(
  stop: string | string[],
  timezone: string,
  skipDates: string[] = [],
  name = 's',
): ScheduleConfig {
  return { name, stop: typeof stop === 'string' ? [stop] : stop, timezone, skipDates, select: { tags: {} } };
}

/** Only the fields dueFires reads; the rest of Config does not matter here. */
function config(schedules: ScheduleConfig[]): Config {
  return { schedules, tickMs: 300_000 } as Config;
}

const iso = (fires: ReadonlyArray<{ fireTime: Date }>) => fires.map((fire) => fire.fireTime.toISOString());

/** The fires of a schedule during one local calendar day, given its UTC bounds. */
function firesOn(stop: string | string[], zone: string, dayStartUtc: string, hours = 24): string[] {
  const start = new Date(dayStartUtc);
  return iso(scheduleFires(schedule(stop, zone), start, new Date(start.getTime() + hours * HOUR_MS)));
}

describe('daylight saving', () => {
  it.each([
    // America/New_York springs forward on 2026-03-08 at 02:00 EST (07:00Z) to 03:00 EDT.
    ['30 2 * * *', 'America/New_York', '2026-03-07T05:00:00Z', ['2026-03-07T07:30:00.000Z']],
    ['30 2 * * *', 'America/New_York', '2026-03-08T05:00:00Z', ['2026-03-08T07:00:00.000Z']],
    ['30 2 * * *', 'America/New_York', '2026-03-09T04:00:00Z', ['2026-03-09T06:30:00.000Z']],
    ['*/15 2 * * *', 'America/New_York', '2026-03-08T05:00:00Z', ['2026-03-08T07:00:00.000Z']],
    ['0 3 * * *', 'America/New_York', '2026-03-08T05:00:00Z', ['2026-03-08T07:00:00.000Z']],
    [
      '*/30 2-3 * * *',
      'America/New_York',
      '2026-03-08T05:00:00Z',
      ['2026-03-08T07:00:00.000Z', '2026-03-08T07:30:00.000Z'],
    ],
    // It falls back on 2026-11-01 at 02:00 EDT (06:00Z) to 01:00 EST: 01:00-01:59 happen twice.
    ['30 1 * * *', 'America/New_York', '2026-11-01T04:00:00Z', ['2026-11-01T05:30:00.000Z']],
    [
      '*/30 1 * * *',
      'America/New_York',
      '2026-11-01T04:00:00Z',
      ['2026-11-01T05:00:00.000Z', '2026-11-01T05:30:00.000Z'],
    ],
    ['0 2 * * *', 'America/New_York', '2026-11-01T04:00:00Z', ['2026-11-01T07:00:00.000Z']],
    ['30 1 * * *', 'America/New_York', '2026-11-02T05:00:00Z', ['2026-11-02T06:30:00.000Z']],
    // Europe/London: 01:00 GMT -> 02:00 BST on 2026-03-29, 02:00 BST -> 01:00 GMT on 2026-10-25.
    ['30 1 * * *', 'Europe/London', '2026-03-29T00:00:00Z', ['2026-03-29T01:00:00.000Z']],
    ['30 2 * * *', 'Europe/London', '2026-03-29T00:00:00Z', ['2026-03-29T01:30:00.000Z']],
    ['30 1 * * *', 'Europe/London', '2026-10-24T23:00:00Z', ['2026-10-25T00:30:00.000Z']],
    // Australia/Sydney: 03:00 AEDT -> 02:00 AEST on 2026-04-05, 02:00 AEST -> 03:00 AEDT on 2026-10-04.
    ['30 2 * * *', 'Australia/Sydney', '2026-04-04T13:00:00Z', ['2026-04-04T15:30:00.000Z']],
    ['30 2 * * *', 'Australia/Sydney', '2026-10-03T14:00:00Z', ['2026-10-03T16:00:00.000Z']],
    ['0 3 * * *', 'Australia/Sydney', '2026-10-03T14:00:00Z', ['2026-10-03T16:00:00.000Z']],
    // Asia/Shanghai has no daylight saving: the same UTC time every day.
    ['30 2 * * *', 'Asia/Shanghai', '2026-03-07T16:00:00Z', ['2026-03-07T18:30:00.000Z']],
    ['30 2 * * *', 'Asia/Shanghai', '2026-10-30T16:00:00Z', ['2026-10-30T18:30:00.000Z']],
  ])('%s in %s on the local day from %s fires at %j', (stop, zone, dayStart, expected) => {
    expect(firesOn(stop, zone, dayStart)).toEqual(expected);
  });

  it('a 02:30 daily schedule in New York fires once on the spring-forward day, at 03:00 EDT', () => {
    const fires = scheduleFireDetails(
      schedule('30 2 * * *', 'America/New_York'),
      new Date('2026-03-08T05:00:00Z'),
      new Date('2026-03-09T04:00:00Z'),
    );
    expect(fires).toHaveLength(1);
    expect(fires[0]).toMatchObject({ shifted: true, localDate: '2026-03-08', skipped: false });
    expect(fires[0]?.nominal).toMatchObject({ hour: 2, minute: 30 });
  });

  it('two expressions landing on the end of the same gap fire once, reported as the one the clock showed', () => {
    const fires = scheduleFireDetails(
      schedule(['30 2 * * *', '0 3 * * *'], 'America/New_York'),
      new Date('2026-03-08T05:00:00Z'),
      new Date('2026-03-09T04:00:00Z'),
    );
    expect(iso(fires)).toEqual(['2026-03-08T07:00:00.000Z']);
    expect(fires[0]).toMatchObject({ cron: '0 3 * * *', shifted: false });
  });
});

describe('skip dates', () => {
  it.each([
    // 22:00 in Shanghai is 14:00Z the same day.
    ['0 22 * * *', 'Asia/Shanghai', ['2026-03-10'], ['2026-03-09T14:00:00.000Z', '2026-03-11T14:00:00.000Z']],
    // 06:00 in Shanghai is 22:00Z the day before: the LOCAL date is what a skip date names.
    ['0 6 * * *', 'Asia/Shanghai', ['2026-03-10'], ['2026-03-10T22:00:00.000Z', '2026-03-11T22:00:00.000Z']],
    ['0 6 * * *', 'Asia/Shanghai', ['2026-03-11'], ['2026-03-09T22:00:00.000Z', '2026-03-11T22:00:00.000Z']],
    ['0 22 * * *', 'Asia/Shanghai', ['2026-03-09', '2026-03-10', '2026-03-11'], []],
    [
      '0 22 * * *',
      'Asia/Shanghai',
      ['2027-03-10'],
      ['2026-03-09T14:00:00.000Z', '2026-03-10T14:00:00.000Z', '2026-03-11T14:00:00.000Z'],
    ],
  ])('%s in %s skipping %j', (stop, zone, skipDates, expected) => {
    const fires = scheduleFires(
      schedule(stop, zone, skipDates),
      new Date('2026-03-08T23:00:00Z'),
      new Date('2026-03-11T22:00:00Z'),
    );
    expect(iso(fires)).toEqual(expected);
  });

  it('lists a suppressed fire as skipped in the details', () => {
    const fires = scheduleFireDetails(
      schedule('0 22 * * *', 'Asia/Shanghai', ['2026-03-10']),
      new Date('2026-03-09T16:00:00Z'),
      new Date('2026-03-10T16:00:00Z'),
    );
    expect(fires).toEqual([
      expect.objectContaining({
        fireTime: new Date('2026-03-10T14:00:00Z'),
        skipped: true,
        localDate: '2026-03-10',
      }),
    ]);
  });

  it('compares the nominal date even when the clock skipped the whole day (Samoa, 30 December 2011)', () => {
    const window = [new Date('2011-12-29T00:00:00Z'), new Date('2011-12-30T12:00:00Z')] as const;
    const noon = schedule('0 12 * * *', 'Pacific/Apia', ['2011-12-30']);
    expect(iso(scheduleFires(noon, ...window))).toEqual(['2011-12-29T22:00:00.000Z']);
    const unskipped = schedule('0 12 * * *', 'Pacific/Apia');
    expect(iso(scheduleFires(unskipped, ...window))).toEqual([
      '2011-12-29T22:00:00.000Z',
      '2011-12-30T10:00:00.000Z',
    ]);
  });

  it('fires an instant a skipped and an unskipped nominal time share', () => {
    // 30 Dec 2011 12:00 (skipped) and 31 Dec 00:00 (not) both land on 31 Dec 00:00 in Samoa.
    const both = schedule(['0 12 30 12 *', '0 0 31 12 *'], 'Pacific/Apia', ['2011-12-30']);
    const fires = scheduleFireDetails(
      both,
      new Date('2011-12-30T00:00:00Z'),
      new Date('2011-12-31T00:00:00Z'),
    );
    expect(fires).toEqual([
      expect.objectContaining({ fireTime: new Date('2011-12-30T10:00:00Z'), skipped: false }),
    ]);
  });
});

describe('windows', () => {
  const nightly = schedule('30 23 * * *', 'UTC');

  it.each([
    ['2026-03-09T23:30:00Z', '2026-03-09T23:35:00Z', []],
    ['2026-03-09T23:25:00Z', '2026-03-09T23:30:00Z', ['2026-03-09T23:30:00.000Z']],
    ['2026-03-09T23:29:59.999Z', '2026-03-09T23:30:00Z', ['2026-03-09T23:30:00.000Z']],
    ['2026-03-09T23:30:00.001Z', '2026-03-09T23:31:00Z', []],
    ['2026-03-09T23:30:00Z', '2026-03-09T23:30:00Z', []],
    ['2026-03-10T00:00:00Z', '2026-03-09T00:00:00Z', []],
  ])('(%s, %s] holds %j', (start, end, expected) => {
    expect(iso(scheduleFires(nightly, new Date(start), new Date(end)))).toEqual(expected);
  });

  it('dueFires sorts by fire time, then schedule name, across schedules and zones', () => {
    const fires = dueFires(
      config([
        schedule('0 22 * * *', 'Asia/Shanghai', [], 'zeta'),
        schedule('0 14 * * *', 'UTC', [], 'alpha'),
        schedule('0 15 * * *', 'Europe/London', [], 'beta'),
        schedule('0 9 * * *', 'America/New_York', [], 'gamma'),
      ]),
      new Date('2026-03-09T00:00:00Z'),
      new Date('2026-03-10T00:00:00Z'),
    );
    expect(fires.map((fire) => `${fire.fireTime.toISOString()} ${fire.schedule}`)).toEqual([
      '2026-03-09T13:00:00.000Z gamma',
      '2026-03-09T14:00:00.000Z alpha',
      '2026-03-09T14:00:00.000Z zeta',
      '2026-03-09T15:00:00.000Z beta',
    ]);
  });

  it('a window of a year holds every fire once', () => {
    const fires = scheduleFires(
      schedule('0 22 * * 1-5', 'Asia/Shanghai'),
      new Date('2026-01-01T00:00:00Z'),
      new Date('2027-01-01T00:00:00Z'),
    );
    expect(fires).toHaveLength(261); // the weekdays of 2026
    expect(new Set(iso(fires)).size).toBe(261);
  });

  it('refuses an invalid Date with a UsageError', () => {
    expect(() => scheduleFires(nightly, new Date('nope'), new Date())).toThrow(UsageError);
    expect(() => dueFires(config([nightly]), new Date(), new Date(Number.NaN))).toThrow(
      /windowEnd must be a valid Date/,
    );
  });
});

describe('tickWindow', () => {
  const tick = 5 * MINUTE_MS;

  it.each([
    ['2026-03-09T14:00:00.000Z', tick, '2026-03-09T13:55:00.000Z', '2026-03-09T14:00:00.000Z'],
    ['2026-03-09T14:00:00.001Z', tick, '2026-03-09T13:55:00.000Z', '2026-03-09T14:00:00.000Z'],
    ['2026-03-09T14:00:07.250Z', tick, '2026-03-09T13:55:00.000Z', '2026-03-09T14:00:00.000Z'],
    ['2026-03-09T14:04:59.999Z', tick, '2026-03-09T13:55:00.000Z', '2026-03-09T14:00:00.000Z'],
    ['2026-03-09T14:05:00.000Z', tick, '2026-03-09T14:00:00.000Z', '2026-03-09T14:05:00.000Z'],
    ['2026-03-09T14:29:30.000Z', HOUR_MS, '2026-03-09T13:00:00.000Z', '2026-03-09T14:00:00.000Z'],
    ['2026-03-09T14:00:30.000Z', MINUTE_MS, '2026-03-09T13:59:00.000Z', '2026-03-09T14:00:00.000Z'],
    ['1970-01-01T00:07:00.000Z', tick, '1970-01-01T00:00:00.000Z', '1970-01-01T00:05:00.000Z'],
  ])('a tick at %s with a tick of %i ms covers (%s, %s]', (at, tickMs, start, end) => {
    const window = tickWindow(new Date(at), tickMs);
    expect(window.start.toISOString()).toBe(start);
    expect(window.end.toISOString()).toBe(end);
  });

  it.each([
    ['no offset', 0, 0],
    ['a 2.5-minute offset', 150_000, 0],
    ['an offset and up to 2 minutes of jitter', 30_000, 120_000],
    ['jitter of almost a whole tick', 0, 299_999],
  ])('consecutive ticks with %s tile time without gap or overlap', (_name, offsetMs, jitterMs) => {
    let seed = 7;
    const random = () => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    const origin = Date.parse('2026-03-08T00:00:00Z');
    let previousEnd: number | undefined;
    for (let k = 0; k < 500; k++) {
      const at = origin + k * tick + Math.min(offsetMs + Math.floor(random() * (jitterMs + 1)), tick - 1);
      const window = tickWindow(new Date(at), tick);
      expect(window.end.getTime() - window.start.getTime()).toBe(tick);
      if (previousEnd !== undefined) expect(window.start.getTime()).toBe(previousEnd);
      previousEnd = window.end.getTime();
    }
  });

  it.each([[0], [-300_000], [1.5], [Number.NaN]])('refuses a tick of %s ms', (tickMs) => {
    expect(() => tickWindow(new Date(), tickMs)).toThrow(UsageError);
  });
});

describe('nextFires', () => {
  const weekdays = schedule('0 22 * * 1-5', 'Asia/Shanghai', ['2026-03-10']);

  it('returns the next N fires strictly after `from`, skip dates applied', () => {
    expect(iso(nextFires(weekdays, new Date('2026-03-09T14:00:00Z'), 3))).toEqual([
      '2026-03-11T14:00:00.000Z',
      '2026-03-12T14:00:00.000Z',
      '2026-03-13T14:00:00.000Z',
    ]);
  });

  it('returns every fire up to and including a Date', () => {
    expect(
      iso(nextFires(weekdays, new Date('2026-03-09T00:00:00Z'), new Date('2026-03-11T14:00:00Z'))),
    ).toEqual(['2026-03-09T14:00:00.000Z', '2026-03-11T14:00:00.000Z']);
  });

  it('looks years ahead for a rare expression (29 February that is a Monday)', () => {
    const from = new Date('2026-01-01T00:00:00Z');
    let year = 2026;
    while (
      !(
        new Date(Date.UTC(year, 1, 29)).getUTCDate() === 29 &&
        new Date(Date.UTC(year, 1, 29)).getUTCDay() === 1
      )
    ) {
      year++;
    }
    const fires = nextFires(schedule('0 0 29 2 MON', 'UTC'), from, 1);
    expect(iso(fires)).toEqual([`${year}-02-29T00:00:00.000Z`]);
  });

  it('returns fewer than asked when the expression never fires within 50 years', () => {
    expect(nextFires(schedule('0 0 L-30 2 *', 'UTC'), new Date('2026-01-01T00:00:00Z'), 1)).toEqual([]);
  });

  it('refuses a count that is not a whole number', () => {
    expect(() => nextFires(weekdays, new Date(), -1)).toThrow(UsageError);
    expect(() => nextFires(weekdays, new Date(), 2.5)).toThrow(UsageError);
  });

  it('is consistent with a long window (every fire of 2026, in one go or one at a time)', () => {
    const zone = schedule(['30 1 * * *', '30 2 * * SUN'], 'America/New_York');
    const start = new Date('2026-01-01T00:00:00Z');
    const all = iso(scheduleFires(zone, start, new Date(start.getTime() + 365 * DAY_MS)));
    const stepped: string[] = [];
    let from = start;
    for (const _ of all) {
      const [next] = nextFires(zone, from, 1);
      if (!next) break;
      stepped.push(next.fireTime.toISOString());
      from = next.fireTime;
    }
    expect(stepped).toEqual(all);
  });
});
