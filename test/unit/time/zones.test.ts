import { describe, expect, it } from 'vitest';
import { checkTimeZone, isValidTimeZone, timeZoneMessage } from '../../../lib/time/index.js';

describe('checkTimeZone: IANA names only', () => {
  it.each([
    'Asia/Shanghai',
    'America/New_York',
    'UTC',
    'Etc/UTC',
    'Etc/GMT+5',
    'Etc/GMT-8',
    'America/Indiana/Indianapolis',
    'America/Port-au-Prince',
    // Current IANA names that this runtime's ICU spells the old way, and those old spellings: both stay valid.
    'Asia/Kolkata',
    'Asia/Calcutta',
    'Europe/Kyiv',
    'Europe/Kiev',
    'Asia/Ho_Chi_Minh',
    'Asia/Saigon',
  ])('accepts %s', (zone) => {
    expect(checkTimeZone(zone)).toEqual({ ok: true });
    expect(isValidTimeZone(zone)).toBe(true);
  });

  it.each([
    ['CST', 'abbreviation', ['Asia/Shanghai', 'America/Chicago']],
    ['EST', 'abbreviation', ['America/New_York']],
    ['PST', 'abbreviation', ['America/Los_Angeles']],
    ['IST', 'abbreviation', ['Asia/Kolkata', 'Europe/Dublin', 'Asia/Jerusalem']],
    ['JST', 'abbreviation', ['Asia/Tokyo']],
    ['GMT', 'abbreviation', ['UTC', 'Europe/London']],
    ['EST5EDT', 'abbreviation', ['America/New_York']],
    ['XYZT', 'abbreviation', []],
    ['PRC', 'legacy-alias', ['Asia/Shanghai']],
    ['ROC', 'legacy-alias', ['Asia/Taipei']],
    ['ROK', 'legacy-alias', ['Asia/Seoul']],
    ['Japan', 'legacy-alias', ['Asia/Tokyo']],
    ['Singapore', 'legacy-alias', ['Asia/Singapore']],
    ['Hongkong', 'legacy-alias', ['Asia/Hong_Kong']],
    ['GB', 'legacy-alias', ['Europe/London']],
    ['NZ', 'legacy-alias', ['Pacific/Auckland']],
    ['US/Eastern', 'legacy-alias', ['America/New_York']],
    ['US/Pacific', 'legacy-alias', ['America/Los_Angeles']],
    ['Canada/Eastern', 'legacy-alias', ['America/Toronto']],
    ['Zulu', 'legacy-alias', ['UTC']],
  ])('refuses %s as an %s, naming %j', (zone, kind, suggestions) => {
    const check = checkTimeZone(zone);
    expect(check).toEqual({ ok: false, problem: kind, suggestions });
    expect(isValidTimeZone(zone)).toBe(false);
  });

  it.each([
    ['Asia/Beijing', 'Asia/Shanghai'],
    ['Asia/Mumbai', 'Asia/Kolkata'],
    ['America/NewYork', 'America/New_York'],
    ['Europe/Kyev', 'Europe/Kyiv'],
  ])('suggests %s → %s', (zone, meant) => {
    expect(checkTimeZone(zone)).toMatchObject({ ok: false, suggestions: [meant] });
  });

  it.each(['+08:00', 'UTC+8', 'Mars/Olympus', '', 'asia/shanghai'])('refuses %j', (zone) => {
    expect(isValidTimeZone(zone)).toBe(false);
  });

  it('says what CST probably meant in one sentence', () => {
    const check = checkTimeZone('CST');
    if (check.ok) throw new Error('CST passed');
    expect(timeZoneMessage(check, "'CST'")).toBe(
      "'CST' is an abbreviation, not a time zone (did you mean 'Asia/Shanghai' or 'America/Chicago'?)",
    );
  });
});
