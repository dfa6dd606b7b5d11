import { describe, expect, it } from 'vitest';
import { main } from '../../../lib/cli/main.js';
import { parseDays } from '../../../lib/cli/next.js';
import { parseWhen, resolveWhen } from '../../../lib/cli/when.js';
import { UsageError } from '../../../lib/errors.js';
import { type FakeCliIoOptions, fakeCliIo } from '../../support/cli-io.js';

const FIXTURE = 'test/fixtures/schedule/next.yaml';

const fakeIo = (options: FakeCliIoOptions = {}) => fakeCliIo({ isTTY: true, ...options });

interface JsonFire {
  schedule: string;
  fireTime: string;
  action: string;
  local: string;
  timezone: string;
}

const jsonLines = (text: string): JsonFire[] =>
  text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as JsonFire);

describe('lights-out next', () => {
  it('lists each schedule with its readings, zone and fires, DST moves and skip dates marked', async () => {
    const { io, stdout, stderr } = fakeIo();
    const code = await main(['next', '-c', FIXTURE, '--from', '2026-03-06T12:00:00Z', '--days', '4'], io);
    expect(stderr()).toBe('');
    expect(code).toBe(0);
    expect(stdout()).toBe(
      [
        'Fires from 2026-03-06 12:00 UTC through 2026-03-10 12:00 UTC (4 days)',
        '',
        'late-night',
        '  stop: 30 1 * * * (at 01:30 every day)',
        '  time zone: America/New_York',
        '  Sat 2026-03-07 01:30 -05:00   2026-03-07 06:30 UTC',
        '  Sun 2026-03-08 01:30 -05:00   2026-03-08 06:30 UTC',
        '  Mon 2026-03-09 01:30 -04:00   2026-03-09 05:30 UTC',
        '  Tue 2026-03-10 01:30 -04:00   2026-03-10 05:30 UTC',
        '',
        'small-hours',
        '  stop: 30 2 * * * (at 02:30 every day)',
        '  time zone: America/New_York',
        '  Sat 2026-03-07 02:30 -05:00   2026-03-07 07:30 UTC',
        '  Sun 2026-03-08 03:00 -04:00   2026-03-08 07:00 UTC   02:30 does not exist (clocks go forward): fires when the gap ends',
        '  Mon 2026-03-09 02:30 -04:00   2026-03-09 06:30 UTC',
        '  Tue 2026-03-10 02:30 -04:00   2026-03-10 06:30 UTC',
        '',
        'weeknights',
        '  stop: 0 22 * * 1-5 (at 22:00 on Monday through Friday)',
        '  stop: 30 23 * * 5 (at 23:30 on Friday)',
        '  time zone: Asia/Shanghai',
        '  Fri 2026-03-06 22:00 +08:00   2026-03-06 14:00 UTC',
        '  Fri 2026-03-06 23:30 +08:00   2026-03-06 15:30 UTC',
        '  Mon 2026-03-09 22:00 +08:00   2026-03-09 14:00 UTC   skipped: skip date 2026-03-09',
        '',
      ].join('\n'),
    );
  });

  it('writes one JSON object per fire with --json, in time order, skipped fires left out', async () => {
    // The contract's fields; the calendar fields every line also carries are tested in calendars.test.ts.
    const { io, stdout } = fakeIo();
    const args = ['next', '-c', FIXTURE, '--from', '2026-03-08T00:00:00Z', '--days', '2', '--json'];
    expect(await main(args, io)).toBe(0);
    expect(jsonLines(stdout())).toEqual([
      expect.objectContaining({
        schedule: 'late-night',
        fireTime: '2026-03-08T06:30:00.000Z',
        action: 'stop',
        local: '2026-03-08T01:30:00-05:00',
        timezone: 'America/New_York',
      }),
      expect.objectContaining({
        schedule: 'small-hours',
        fireTime: '2026-03-08T07:00:00.000Z',
        action: 'stop',
        local: '2026-03-08T03:00:00-04:00',
        timezone: 'America/New_York',
      }),
      expect.objectContaining({
        schedule: 'late-night',
        fireTime: '2026-03-09T05:30:00.000Z',
        action: 'stop',
        local: '2026-03-09T01:30:00-04:00',
        timezone: 'America/New_York',
      }),
      expect.objectContaining({
        schedule: 'small-hours',
        fireTime: '2026-03-09T06:30:00.000Z',
        action: 'stop',
        local: '2026-03-09T02:30:00-04:00',
        timezone: 'America/New_York',
      }),
    ]);
  });

  it('fires a time the clock shows twice once, at its first occurrence (fall back)', async () => {
    const { io, stdout } = fakeIo();
    const args = ['next', '-c', FIXTURE, '--from', '2026-10-31T12:00:00Z', '--days', '2', '--json'];
    expect(await main(args, io)).toBe(0);
    expect(jsonLines(stdout()).map((fire) => `${fire.schedule} ${fire.local}`)).toEqual([
      'late-night 2026-11-01T01:30:00-04:00',
      'small-hours 2026-11-01T02:30:00-05:00',
      'late-night 2026-11-02T01:30:00-05:00',
      'small-hours 2026-11-02T02:30:00-05:00',
    ]);
  });

  it('writes JSON lines when stdout is not a terminal', async () => {
    const { io, stdout } = fakeIo({ isTTY: false });
    expect(await main(['next', '-c', FIXTURE, '--from', '2026-03-06T12:00:00Z', '--days', '1'], io)).toBe(0);
    expect(jsonLines(stdout()).map((fire) => fire.schedule)).toEqual([
      'weeknights',
      'weeknights',
      'late-night',
      'small-hours',
    ]);
  });

  it('starts from the injected clock, for 7 days, and reads LIGHTS_OUT_CONFIG', async () => {
    const { io, stdout } = fakeIo({
      env: { LIGHTS_OUT_CONFIG: FIXTURE },
      now: '2026-03-06T12:00:00Z',
      isTTY: false,
    });
    expect(await main(['next'], io)).toBe(0);
    const fires = jsonLines(stdout());
    expect(fires.filter((fire) => fire.schedule === 'late-night')).toHaveLength(7);
    expect(fires.every((fire) => fire.fireTime > '2026-03-06T12:00:00.000Z')).toBe(true);
    expect(fires.every((fire) => fire.fireTime <= '2026-03-13T12:00:00.000Z')).toBe(true);
  });

  it('shows the fires of the reference configuration', async () => {
    const { io, stdout } = fakeIo();
    const args = ['next', '-c', 'schedules/lights-out.yaml', '--from', '2026-03-02T00:00:00+08:00', '--json'];
    expect(await main(args, io)).toBe(0);
    const fires = jsonLines(stdout());
    const local = (name: string) => fires.filter((fire) => fire.schedule === name).map((fire) => fire.local);
    // Monday 2 March to Sunday 8 March 2026, Shanghai time.
    // office-hours gained a morning start (issue 12); its stop kept its days.
    const days = ['02', '03', '04', '05', '06'];
    expect(local('office-hours')).toEqual(
      days.flatMap((day) => [`2026-03-${day}T08:30:00+08:00`, `2026-03-${day}T22:00:00+08:00`]),
    );
    const actions = fires.filter((fire) => fire.schedule === 'office-hours').map((fire) => fire.action);
    expect(actions).toEqual(days.flatMap(() => ['start', 'stop']));
    expect(fires.filter((fire) => fire.schedule !== 'office-hours').every((f) => f.action === 'stop')).toBe(
      true,
    );
    expect(local('nightly')).toHaveLength(7);
    expect(local('nightly').every((time) => time.endsWith('T23:30:00+08:00'))).toBe(true);
    expect(local('weekend')).toEqual(['2026-03-06T20:00:00+08:00']);
  });

  it('shows the readings of the reference configuration to a person', async () => {
    const { io, stdout } = fakeIo();
    const args = [
      'next',
      '-c',
      'schedules/lights-out.yaml',
      '--from',
      '2026-09-28T00:00:00+08:00',
      '--days',
      '7',
    ];
    expect(await main(args, io)).toBe(0);
    expect(stdout()).toContain('  stop: 0 22 * * 1-5 (at 22:00 on Monday through Friday)');
    expect(stdout()).toContain('  stop: 30 23 * * * (at 23:30 every day)');
    expect(stdout()).toContain('  stop: 0 20 * * 5 (at 20:00 on Friday)');
    expect(stdout()).toContain('  Fri 2026-10-02 20:00 +08:00   2026-10-02 12:00 UTC');
  });

  it.each([
    [['--days', '0'], "--days must be a whole number from 1 to 3660; got '0'"],
    [['--days=-1'], "--days must be a whole number from 1 to 3660; got '-1'"],
    [['--days', '1.5'], "--days must be a whole number from 1 to 3660; got '1.5'"],
    [['--days', 'week'], "--days must be a whole number from 1 to 3660; got 'week'"],
    [['--days', '3661'], "--days must be a whole number from 1 to 3660; got '3661'"],
    [['--from', 'tomorrow'], "got 'tomorrow'"],
    [['--from', '2026-03-06T12:00'], "got '2026-03-06T12:00'"],
    [['--from', '2026-02-30'], "got '2026-02-30'"],
    [['--from'], "Option '--from <value>' argument missing"],
    [['--hours', '3'], "Unknown option '--hours'"],
  ])('refuses %j with a usage error (exit 2)', async (args, message) => {
    const { io, stdout, stderr } = fakeIo();
    expect(await main(['next', '-c', FIXTURE, ...args], io)).toBe(2);
    expect(stdout()).toBe('');
    expect(stderr()).toContain(message);
    expect(stderr()).toContain('Usage: lights-out next');
  });

  it('reports a missing configuration file at FILE:1:1 and exits 2', async () => {
    const { io, stderr } = fakeIo();
    expect(await main(['next', '-c', 'test/fixtures/schedule/missing.yaml'], io)).toBe(2);
    expect(stderr()).toMatch(/^test\/fixtures\/schedule\/missing\.yaml:1:1: /);
  });

  it('prints its usage with --help', async () => {
    const { io, stdout } = fakeIo();
    expect(await main(['next', '--help'], io)).toBe(0);
    expect(stdout()).toMatch(/^Usage: lights-out next \[-c FILE\] \[--from ISO\] \[--days N\] \[--json\]/);
  });
});

describe('parseWhen and resolveWhen (--from, --at)', () => {
  const parseFrom = (text: string, zone = 'UTC') => resolveWhen(parseWhen('--from', text), zone);
  it.each([
    ['2026-03-06', '2026-03-06T00:00:00.000Z'],
    ['2026-03-06T22:00Z', '2026-03-06T22:00:00.000Z'],
    ['2026-03-06T22:00:00Z', '2026-03-06T22:00:00.000Z'],
    ['2026-03-06T22:00:00.250Z', '2026-03-06T22:00:00.250Z'],
    ['2026-03-06T22:00:00+08:00', '2026-03-06T14:00:00.000Z'],
    ['2026-03-06T22:00:00-05:30', '2026-03-07T03:30:00.000Z'],
    ['2028-02-29T00:00:00Z', '2028-02-29T00:00:00.000Z'],
  ])('%s is %s', (text, instant) => {
    expect(parseFrom(text).toISOString()).toBe(instant);
  });

  it.each([
    '2026-02-29',
    '2026-13-01',
    '2026-03-06T24:00Z',
    '2026-03-06T12:60Z',
    '2026-03-06 12:00Z',
    '06/03/2026',
    '',
  ])('refuses %j', (text) => {
    expect(() => parseFrom(text)).toThrow(UsageError);
  });

  it.each([
    ['2026-03-09', 'Asia/Shanghai', '2026-03-08T16:00:00.000Z'],
    ['2026-03-09', 'America/New_York', '2026-03-09T04:00:00.000Z'],
    ['2026-03-09T22:00:00+08:00', 'America/New_York', '2026-03-09T14:00:00.000Z'],
  ])('reads %s in the configuration zone %s as %s', (text, zone, instant) => {
    expect(parseFrom(text, zone).toISOString()).toBe(instant);
  });

  it('refuses a time without a zone, naming the flag and the rule', () => {
    expect(() => parseWhen('--at', '2026-03-09T22:00:00')).toThrow(
      /--at must be an ISO 8601 date-time with Z or an offset .*or a date alone/,
    );
  });
});

describe('parseDays', () => {
  it.each([
    ['1', 1],
    ['7', 7],
    ['366', 366],
  ])('%s is %i', (text, days) => {
    expect(parseDays(text)).toBe(days);
  });
});
