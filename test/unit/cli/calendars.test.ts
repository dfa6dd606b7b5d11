import { describe, expect, it } from 'vitest';
import { main } from '../../../lib/cli/main.js';
import { fakeCliIo } from '../../support/cli-io.js';

const FIXTURE = 'test/fixtures/schedule/calendars.yaml';

const fakeIo = fakeCliIo;

const lines = (text: string) =>
  text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

async function next(from: string, days: number, ...flags: string[]) {
  const { io, stdout, stderr } = fakeIo({ isTTY: !flags.includes('--json') });
  const code = await main(['next', '-c', FIXTURE, '--from', from, '--days', String(days), ...flags], io);
  return { code, stdout: stdout(), stderr: stderr() };
}

const WARNING_2099 =
  "warning: calendar cn-office: base cn has no data for 2099 in the chinese-days package; its fires in 2099 fall back to Monday to Friday plus the calendar's own holidays and workdays (update chinese-days once the State Council publishes 2099's holidays)\n";

describe('next with a calendar', () => {
  it('reads the governed cron in plain language and says why each removed fire is removed', async () => {
    const { code, stdout, stderr } = await next('2026-09-30T12:00:00Z', 2);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout.split('\n').slice(2, 7)).toEqual([
      'office-hours',
      '  stop: 30 8 * * * (at 08:30 on working days (cn-office calendar, base cn))',
      '  time zone: Asia/Shanghai',
      '  Thu 2026-10-01 08:30 +08:00   2026-10-01 00:30 UTC   skipped: holiday on calendar cn-office (National Day)',
      '  Fri 2026-10-02 08:30 +08:00   2026-10-02 00:30 UTC   skipped: holiday on calendar cn-office (National Day)',
    ]);
  });

  it.each([
    ['2026-10-10', true, 'make-up-workday', 'make-up working day on calendar cn-office (National Day)', null],
    ['2026-10-01', false, 'holiday', 'holiday on calendar cn-office (National Day)', 'calendar'],
    ['2026-10-11', false, 'weekend', 'Sunday, not a working day on calendar cn-office', 'calendar'],
    ['2026-10-09', true, 'weekday', null, null],
  ])('--json on %s: fires %s (%s)', async (date, fires, day, note, skippedBy) => {
    const fireTime = `${date}T00:30:00.000Z`;
    const plain = lines((await next(`${date}T00:00:00Z`, 1, '--json')).stdout);
    expect(plain.some((f) => f.schedule === 'office-hours' && f.fireTime === fireTime)).toBe(fires);
    const all = lines((await next(`${date}T00:00:00Z`, 1, '--json', '--skipped')).stdout);
    expect(all.find((f) => f.schedule === 'office-hours' && f.fireTime === fireTime)).toEqual({
      schedule: 'office-hours',
      fireTime,
      action: 'stop',
      local: `${date}T08:30:00+08:00`,
      timezone: 'Asia/Shanghai',
      cron: '30 8 * * *',
      when: 'at 08:30 on working days (cn-office calendar, base cn)',
      calendar: 'cn-office',
      day,
      note,
      skipped: !fires,
      skippedBy,
      warning: null,
    });
  });

  it('warns with the year a base has no data for, and falls back to Monday to Friday plus the own lists', async () => {
    // 2099-09-30 Wednesday ... 2099-10-04 Sunday; 10-01 is the team's holiday, 10-03 (Saturday) its workday.
    const { stdout, stderr } = await next('2099-09-29T16:00:00Z', 5, '--json', '--skipped');
    expect(stderr).toBe(WARNING_2099);
    const office = lines(stdout).filter((f) => f.schedule === 'office-hours');
    expect(office.map((f) => [String(f.local).slice(0, 10), f.skipped, f.day])).toEqual([
      ['2099-09-30', false, 'weekday'],
      ['2099-10-01', true, 'team-holiday'],
      ['2099-10-02', false, 'weekday'],
      ['2099-10-03', false, 'team-workday'],
      ['2099-10-04', true, 'weekend'],
    ]);
    expect(office.every((f) => f.warning === WARNING_2099.slice('warning: '.length, -1))).toBe(true);
    expect(lines(stdout).find((f) => f.schedule === 'nightly')).toEqual({
      schedule: 'nightly',
      fireTime: '2099-09-30T14:00:00.000Z',
      action: 'stop',
      local: '2099-09-30T22:00:00+08:00',
      timezone: 'Asia/Shanghai',
      cron: '0 22 * * *',
      when: 'at 22:00 every day',
      calendar: null,
      day: null,
      note: null,
      skipped: false,
      skippedBy: null,
      warning: null,
    });
  });
});

describe('validate with a calendar', () => {
  it.each([
    // 2025 and the 366 days after it are covered by chinese-days
    ['2025-03-06T12:00:00Z', ''],
    ['2099-03-01T00:00:00Z', WARNING_2099 + WARNING_2099.replaceAll('2099', '2100')],
  ])('at %s warns %j and still exits 0', async (now, warning) => {
    const { io, stdout, stderr } = fakeIo({ now });
    expect(await main(['validate', '-c', FIXTURE], io)).toBe(0);
    expect(stdout()).toContain('valid, 2 schedules');
    expect(stderr()).toBe(warning);
  });
});
