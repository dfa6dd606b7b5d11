import { describe, expect, it } from 'vitest';
import type { CalendarConfig, ScheduleConfig } from '../../../lib/config/types.js';
import {
  calendarGaps,
  dayVerdict,
  describeCron,
  isWorkingDay,
  nextFires,
  scheduleFireDetails,
  scheduleFires,
  weekdayOf,
} from '../../../lib/schedule/index.js';

/** A year chinese-days has no data for (it covers 2004 onward, one year at a time as notices appear). */
const NO_DATA_YEAR = 2099;

const calendar = (overrides: Partial<CalendarConfig> = {}): CalendarConfig => ({
  name: 'cn-office',
  base: 'cn',
  holidays: [],
  workdays: [],
  ...overrides,
});

const CN_OFFICE = calendar();
const WEEKDAYS = calendar({ name: 'plain', base: 'weekdays' });
/** The team's own lists: a day off on a make-up Saturday and a working National Day, both winning. */
const TEAM = calendar({
  name: 'team',
  holidays: ['2026-10-10', '2099-10-01'],
  workdays: ['2026-10-02', '2099-10-03'],
});

const CALENDARS = { 'cn-office': CN_OFFICE, plain: WEEKDAYS, team: TEAM };

function governed(cal: CalendarConfig, stop = '30 8 * * *', skipDates: string[] = []): ScheduleConfig {
  return {
    name: 'office-hours',
    stop: [stop],
    timezone: 'Asia/Shanghai',
    skipDates,
    select: { tags: {} },
    calendar: { stop: cal },
  };
}

/** 08:30 in Asia/Shanghai on a local date, as the UTC instant. */
const at0830 = (date: string) => new Date(`${date}T00:30:00.000Z`);

/** The local dates in `[first, last]` on which the schedule fires. */
function fireDates(schedule: ScheduleConfig, first: string, last: string): string[] {
  const from = new Date(`${first}T00:00:00+08:00`);
  const until = new Date(new Date(`${last}T00:00:00+08:00`).getTime() + 86_400_000);
  return scheduleFires(schedule, from, until).map((fire) =>
    new Date(fire.fireTime.getTime() + 8 * 3_600_000).toISOString().slice(0, 10),
  );
}

describe('dayVerdict: the working days of a calendar', () => {
  it.each([
    // base cn, a year with data (2026)
    ['cn-office', '2026-10-10', true, 'make-up-workday', 'National Day'], // Saturday, make-up day
    ['cn-office', '2026-10-01', false, 'holiday', 'National Day'], // Thursday, National Day
    ['cn-office', '2026-10-11', false, 'weekend', undefined], // an ordinary Sunday
    ['cn-office', '2026-10-09', true, 'weekday', undefined], // an ordinary Friday
    ['cn-office', '2026-09-20', true, 'make-up-workday', 'National Day'], // Sunday, make-up day
    ['cn-office', '2026-02-17', false, 'holiday', 'Spring Festival'], // Tuesday of Spring Festival
    // base weekdays knows no holidays
    ['plain', '2026-10-01', true, 'weekday', undefined],
    ['plain', '2026-10-10', false, 'weekend', undefined],
    // the team's lists win over the base, in both directions
    ['team', '2026-10-10', false, 'team-holiday', undefined],
    ['team', '2026-10-02', true, 'team-workday', undefined],
    // a year without data: Monday to Friday, plus the team's lists
    ['cn-office', '2099-10-01', true, 'weekday', undefined], // Thursday
    ['cn-office', '2099-10-03', false, 'weekend', undefined], // Saturday
    ['team', '2099-10-01', false, 'team-holiday', undefined],
    ['team', '2099-10-03', true, 'team-workday', undefined],
  ] as const)('%s %s: working %s (%s)', (name, date, working, kind, holiday) => {
    const cal = CALENDARS[name];
    const verdict = dayVerdict(cal, date);
    expect(verdict).toMatchObject({ calendar: cal.name, working, kind });
    expect(verdict.holiday).toBe(holiday);
    expect(isWorkingDay(cal, date)).toBe(working);
  });

  it('names the year a cn base has no data for, and only then', () => {
    expect(dayVerdict(CN_OFFICE, `${NO_DATA_YEAR}-10-05`).uncoveredYear).toBe(NO_DATA_YEAR);
    expect(dayVerdict(CN_OFFICE, '2026-10-05').uncoveredYear).toBeUndefined();
    expect(dayVerdict(WEEKDAYS, `${NO_DATA_YEAR}-10-05`).uncoveredYear).toBeUndefined();
  });

  it.each([
    ['2026-10-10', 6],
    ['2026-10-11', 0],
    ['2026-10-01', 4],
    ['2099-10-03', 6],
    ['1970-01-01', 4],
  ])('weekdayOf(%s) is %i, whatever the machine zone', (date, weekday) => {
    expect(weekdayOf(date)).toBe(weekday);
  });
});

describe('a governed cron fires only on working days', () => {
  it.each([
    ['2026-10-10', true], // a Saturday make-up working day
    ['2026-10-01', false], // National Day, a Thursday
    ['2026-10-11', false], // an ordinary Sunday
    ['2026-10-09', true],
  ])('30 8 * * * on cn-office, %s: fires %s', (date, fires) => {
    const schedule = governed(CN_OFFICE);
    const fired = scheduleFires(schedule, new Date(at0830(date).getTime() - 60_000), at0830(date));
    expect(fired.map((f) => f.fireTime.toISOString())).toEqual(fires ? [at0830(date).toISOString()] : []);
  });

  it('fires through the National Day week exactly on its working days', () => {
    expect(fireDates(governed(CN_OFFICE), '2026-09-28', '2026-10-12')).toEqual([
      '2026-09-28',
      '2026-09-29',
      '2026-09-30',
      '2026-10-08',
      '2026-10-09',
      '2026-10-10',
      '2026-10-12',
    ]);
  });

  it('keeps removed fires in the details, saying why', () => {
    const details = scheduleFireDetails(
      governed(CN_OFFICE, '30 8 * * *', ['2026-10-09']),
      new Date('2026-10-08T16:00:00Z'),
      new Date('2026-10-11T16:00:00Z'),
    );
    expect(details.map((d) => [d.localDate, d.skipped, d.skippedBy, d.day?.kind])).toEqual([
      ['2026-10-09', true, 'skip-date', 'weekday'],
      ['2026-10-10', false, undefined, 'make-up-workday'],
      ['2026-10-11', true, 'calendar', 'weekend'],
    ]);
  });

  it('falls back to Monday to Friday plus the team lists in a year without data', () => {
    expect(fireDates(governed(TEAM), '2099-09-28', '2099-10-04')).toEqual([
      '2099-09-28',
      '2099-09-29',
      '2099-09-30',
      // 2099-10-01 (Thursday) is the team's holiday; 2099-10-03 (Saturday) the team's working day
      '2099-10-02',
      '2099-10-03',
    ]);
  });

  it('nextFires skips what the calendar removes', () => {
    const next = nextFires(governed(CN_OFFICE), new Date('2026-09-30T12:00:00Z'), 2);
    expect(next.map((f) => f.fireTime.toISOString())).toEqual([
      '2026-10-08T00:30:00.000Z',
      '2026-10-09T00:30:00.000Z',
    ]);
  });

  it.each([
    ['2026-10-10', true],
    ['2026-10-01', false],
    ['2026-10-11', false],
  ])(
    'a start cron on calendar { start: cn-office } fires on %s: %s, while the stop keeps its own days',
    (date, fires) => {
      const schedule: ScheduleConfig = {
        ...governed(CN_OFFICE, '0 22 * * *'),
        start: ['30 8 * * *'],
        calendar: { start: CN_OFFICE },
      };
      const localDay = new Date(`${date}T00:00:00+08:00`);
      const fired = scheduleFires(schedule, localDay, new Date(localDay.getTime() + 86_400_000));
      expect(fired.map((f) => [f.action, f.fireTime.toISOString()])).toEqual([
        ...(fires ? [['start', at0830(date).toISOString()]] : []),
        ['stop', `${date}T14:00:00.000Z`],
      ]);
    },
  );

  it('leaves a schedule without a calendar alone', () => {
    const { calendar: _none, ...plain } = governed(CN_OFFICE);
    expect(fireDates(plain, '2026-10-01', '2026-10-03')).toEqual(['2026-10-01', '2026-10-02', '2026-10-03']);
  });
});

describe('calendarGaps: years a base has no data for', () => {
  it.each([
    ['2026-11-30T00:00:00Z', '2026-12-30T00:00:00Z', []],
    ['2026-11-30T00:00:00Z', '2027-11-30T00:00:00Z', [2027]],
    // 2026-12-31T16:30Z is already 2027-01-01 in Asia/Shanghai
    ['2026-12-31T16:30:00Z', '2026-12-31T17:00:00Z', [2027]],
    ['2098-12-01T00:00:00Z', '2100-02-01T00:00:00Z', [2098, 2099, 2100]],
  ])('from %s until %s: %j', (from, until, years) => {
    const gaps = calendarGaps([governed(CN_OFFICE)], new Date(from), new Date(until));
    expect(gaps).toEqual(years.map((year) => ({ calendar: 'cn-office', base: 'cn', year })));
  });

  it('has none for base weekdays or a schedule without a calendar', () => {
    const { calendar: _none, ...plain } = governed(CN_OFFICE);
    const from = new Date('2099-01-01T00:00:00Z');
    expect(calendarGaps([governed(WEEKDAYS), plain], from, from)).toEqual([]);
  });
});

describe('describeCron with a calendar', () => {
  it.each([
    ['30 8 * * *', 'at 08:30 on working days (cn-office calendar, base cn)'],
    ['0 20 * 1-6 *', 'at 20:00 on working days in January through June (cn-office calendar, base cn)'],
    [
      '*/30 9-17 * * *',
      'every 30 minutes from 09:00 through 17:30 on working days (cn-office calendar, base cn)',
    ],
  ])('%s reads %s', (expression, reading) => {
    expect(describeCron(expression, CN_OFFICE)).toBe(reading);
  });
});
