import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lib/config/index.js';
import { ConfigError } from '../../../lib/errors.js';

const BASE = `version: 1
regions: [cn-beijing]
timezone: Asia/Shanghai
schedules:
  nightly: { stop: "0 22 * * *" }
`;

function issues(text: string): string[] {
  try {
    parseConfig(text, 'c.yaml');
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.issues.map((i) => `${i.line}:${i.column}: ${i.message}`);
  }
}

describe('the inline: section', () => {
  it('is absent unless written', () => {
    expect(parseConfig(BASE, 'c.yaml').inline).toBeUndefined();
  });

  it('fills every default (the zone from the configuration)', () => {
    expect(parseConfig(`${BASE}inline: {}\n`, 'c.yaml').inline).toEqual({
      tagKey: 'maid_offhours',
      timezone: 'Asia/Shanghai',
      off: 19,
      on: 7,
      days: 'm-f',
      skipDates: [],
      optOut: false,
      select: { tags: {} },
    });
  });

  it('reads every setting', () => {
    const config = parseConfig(
      `${BASE}inline:
  tagKey: Schedule
  timezone: America/New_York
  off: 22
  on: null
  days: f-m
  skipDates: [2026-12-25]
  stoppedMode: KeepCharging
  forceStop: true
  optOut: true
  select: { projects: [dev] }
`,
      'c.yaml',
    );
    expect(config.inline).toEqual({
      tagKey: 'Schedule',
      timezone: 'America/New_York',
      off: 22,
      on: null,
      days: 'f-m',
      skipDates: ['2026-12-25'],
      stoppedMode: 'KeepCharging',
      forceStop: true,
      optOut: true,
      select: { tags: {}, projects: ['dev'] },
    });
  });

  it('looks its calendar up in calendars:', () => {
    const config = parseConfig(
      `${BASE}calendars:\n  cn-office: { base: cn, holidays: [2026-12-31] }\ninline: { calendar: cn-office }\n`,
      'c.yaml',
    );
    expect(config.inline?.calendar).toEqual({
      name: 'cn-office',
      base: 'cn',
      holidays: ['2026-12-31'],
      workdays: [],
    });
  });

  it.each<[string, string]>([
    ['inline: { off: 24 }', '6:16: expected an hour 0 to 23, got number 24'],
    ['inline: { on: "7" }', "6:15: expected an hour 0 to 23, got string '7'"],
    ['inline: { off: 7 }', '6:9: inline on (7) must differ from off (7)'],
    ['inline: { days: mon-fri }', "6:17: invalid days 'mon-fri': 'mon-fri' is not a day"],
    ['inline: { timezone: pt }', "6:21: unknown time zone 'pt'"],
    ['inline: { optOut: true }', '6:19: inline optOut: true needs select.projects or select.zones'],
    [
      'inline: { optOut: true, select: { tags: { a: b } } }',
      '6:19: inline optOut: true needs select.projects',
    ],
    ['inline: { tagKey: lights-out }', "6:19: inline tagKey must differ from the schedule tag 'lights-out'"],
    [
      'inline: { calendar: cn-office }',
      "6:21: unknown calendar 'cn-office' (no calendars are defined: add it under the top-level calendars:)",
    ],
    [
      'calendars: { cn-office: { base: cn } }\ninline: { calendar: cn-ofice }',
      "7:21: unknown calendar 'cn-ofice' (did you mean 'cn-office'?)",
    ],
    ['inline: { timezone: CST }', "6:21: 'CST' is an abbreviation, not a time zone"],
    ['inline: { offhours: 19 }', "6:11: unknown key 'offhours'"],
    ['inline: yes', "6:9: expected a mapping, got string 'yes'"],
  ])('%s → %s', (section, expected) => {
    const found = issues(`${BASE}${section}\n`);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(expected);
  });
});
