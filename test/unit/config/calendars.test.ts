import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lib/config/index.js';
import { issuesOf, yaml } from './issues.js';

const FILE = 'c.yaml';
/** Lines 1-2. */
const HEAD = ['version: 1', 'regions: [cn-beijing]'];
/** Lines 3-4: a valid calendar. */
const CN_OFFICE = ['calendars:', '  cn-office: { base: cn, holidays: [2026-12-31], workdays: [2026-10-11] }'];

describe('calendars: valid files', () => {
  it('reads the calendars and resolves the one-line form onto the stop', () => {
    const config = parseConfig(
      yaml(
        ...HEAD,
        ...CN_OFFICE,
        '  plain: { base: weekdays }',
        'schedules:',
        '  office:',
        '    stop: "0 20 * * *"',
        '    calendar: cn-office',
      ),
      FILE,
    );
    const cnOffice = { name: 'cn-office', base: 'cn', holidays: ['2026-12-31'], workdays: ['2026-10-11'] };
    expect(config.calendars).toEqual([
      cnOffice,
      { name: 'plain', base: 'weekdays', holidays: [], workdays: [] },
    ]);
    expect(config.schedules[0]?.calendar).toEqual({ stop: cnOffice });
  });

  it.each([
    ['calendar: { stop: plain }', { stop: 'plain' }],
    ['calendar: plain', { stop: 'plain' }],
  ])('reads %s', (line, expected) => {
    const config = parseConfig(
      yaml(
        ...HEAD,
        'calendars: { plain: { base: weekdays } }',
        'schedules:',
        `  office: { stop: "0 20 * * *", ${line} }`,
      ),
      FILE,
    );
    const names = Object.fromEntries(
      Object.entries(config.schedules[0]?.calendar ?? {}).map(([action, cal]) => [action, cal.name]),
    );
    expect(names).toEqual(expected);
  });

  it('leaves a schedule without calendar: ungoverned', () => {
    const config = parseConfig(
      yaml(...HEAD, ...CN_OFFICE, 'schedules:', '  office: { stop: "0 20 * * 1-5" }'),
      FILE,
    );
    expect(config.schedules[0]?.calendar).toBeUndefined();
  });
});

describe('calendars: one located issue per problem', () => {
  it.each([
    [
      'an unknown base',
      [...HEAD, 'calendars:', '  cn-office: { base: china }', 'schedules:', '  n: { stop: "0 1 * * *" }'],
      ["4:22: expected one of cn, weekdays, got string 'china'"],
    ],
    [
      'a calendar without a base',
      [...HEAD, 'calendars:', '  cn-office: { holidays: [] }', 'schedules:', '  n: { stop: "0 1 * * *" }'],
      ["4:3: missing required key 'base'"],
    ],
    [
      'an impossible holiday',
      [
        ...HEAD,
        'calendars:',
        '  cn-office: { base: cn, holidays: [2026-02-30] }',
        'schedules:',
        '  n: { stop: "0 1 * * *" }',
      ],
      ["4:37: invalid date '2026-02-30': 2026-02 has 28 days"],
    ],
    [
      'a workday that is not a date',
      [
        ...HEAD,
        'calendars:',
        '  cn-office: { base: cn, workdays: [next-saturday] }',
        'schedules:',
        '  n: { stop: "0 1 * * *" }',
      ],
      ["4:37: expected a date YYYY-MM-DD, got string 'next-saturday'"],
    ],
    [
      'a date in both lists',
      [
        ...HEAD,
        'calendars:',
        '  cn-office: { base: cn, holidays: [2026-10-10], workdays: [2026-10-09, 2026-10-10] }',
        'schedules:',
        '  n: { stop: "0 1 * * *" }',
      ],
      ["4:73: '2026-10-10' is listed both in holidays and in workdays: keep it in one of them"],
    ],
    [
      'a misspelt calendar key',
      [
        ...HEAD,
        'calendars:',
        '  cn-office: { base: cn, holiday: [2026-10-10] }',
        'schedules:',
        '  n: { stop: "0 1 * * *" }',
      ],
      ["4:26: unknown key 'holiday' (did you mean 'holidays'?)"],
    ],
    [
      'a bad calendar name',
      [...HEAD, 'calendars:', '  CN_Office: { base: cn }', 'schedules:', '  n: { stop: "0 1 * * *" }'],
      [
        "4:3: invalid calendar name 'CN_Office' (lowercase letters, digits and '-', starting with a letter or digit)",
      ],
    ],
    [
      'an unknown calendar name, with a suggestion',
      [...HEAD, ...CN_OFFICE, 'schedules:', '  n: { stop: "0 1 * * *", calendar: cn-ofice }'],
      ["6:37: unknown calendar 'cn-ofice' (did you mean 'cn-office'?)"],
    ],
    [
      'a calendar name when none is defined',
      [...HEAD, 'schedules:', '  n: { stop: "0 1 * * *", calendar: cn-office }'],
      [
        "4:37: unknown calendar 'cn-office' (no calendars are defined: add it under the top-level calendars:)",
      ],
    ],
    [
      'an unknown calendar in the per-action form',
      [...HEAD, ...CN_OFFICE, 'schedules:', '  n: { stop: "0 1 * * *", calendar: { stop: weekdays } }'],
      ["6:45: unknown calendar 'weekdays' (defined: cn-office)"],
    ],
    [
      'a misspelt action',
      [...HEAD, ...CN_OFFICE, 'schedules:', '  n: { stop: "0 1 * * *", calendar: { stp: cn-office } }'],
      ["6:39: unknown key 'stp' (did you mean 'stop'?)"],
    ],
    [
      'a start calendar without a start cron',
      [...HEAD, ...CN_OFFICE, 'schedules:', '  n: { stop: "0 1 * * *", calendar: { start: cn-office } }'],
      ["6:46: calendar.start names 'cn-office', but the schedule has no start cron to govern"],
    ],
    [
      'an empty per-action mapping',
      [...HEAD, ...CN_OFFICE, 'schedules:', '  n: { stop: "0 1 * * *", calendar: {} }'],
      ['6:37: calendar must name a calendar for start, stop or both'],
    ],
    [
      'a list for calendar',
      [...HEAD, ...CN_OFFICE, 'schedules:', '  n: { stop: "0 1 * * *", calendar: [cn-office] }'],
      ['6:37: expected a calendar name or a mapping such as { start: cn-office }'],
    ],
    [
      'a governed cron with a day of the week',
      [...HEAD, ...CN_OFFICE, 'schedules:', '  n: { stop: "0 20 * * 1-5", calendar: cn-office }'],
      [
        "6:14: stop cron '0 20 * * 1-5' is governed by calendar 'cn-office': its day-of-month and day-of-week must be '*' (the calendar decides the days)",
      ],
    ],
    [
      'a governed cron list with a day of the month',
      [
        ...HEAD,
        ...CN_OFFICE,
        'schedules:',
        '  n: { stop: ["0 20 * * *", "0 9 1 * *"], calendar: { stop: cn-office } }',
      ],
      [
        "6:29: stop cron '0 9 1 * *' is governed by calendar 'cn-office': its day-of-month and day-of-week must be '*' (the calendar decides the days)",
      ],
    ],
  ])('reports %s', (_name, lines, expected) => {
    expect(issuesOf(yaml(...lines))).toEqual(expected.map((issue) => `${FILE}:${issue}`));
  });

  it('reports an unknown name once however many actions it governs, and nothing for a valid file', () => {
    const issues = issuesOf(yaml(...HEAD, 'schedules:', '  n: { stop: "0 1 * * *", calendar: nope }'));
    expect(issues).toHaveLength(1);
  });
});
