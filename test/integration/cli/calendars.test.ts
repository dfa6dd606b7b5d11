/**
 * A calendar-governed schedule against the emulator: `plan --json --at T` plans a fire exactly when `next`
 * lists one at T, on the days the calendar makes working days and on no other.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateFleet } from '../../../lib/emulator/index.js';
import { cli, cliFixture, emulatorEnv, jsonLines } from './helpers.js';

const CONFIG = `
version: 1
regions: [cn-beijing]
timezone: Asia/Shanghai
calendars:
  cn-office: { base: cn }
schedules:
  office-hours:
    stop: "30 8 * * *"
    calendar: cn-office
`;

/** The same calendar on a start cron (issue 12's done-when), the stop every working day at 22:00. */
const START_CONFIG = CONFIG.replace(
  '    stop: "30 8 * * *"\n',
  '    start: "30 8 * * *"\n    stop: "0 22 * * *"\n',
);

const fixture = cliFixture();
beforeEach(() => fixture.setUp());
afterEach(() => fixture.tearDown());

describe.each([
  { action: 'stop', config: CONFIG, status: 'RUNNING', named: '' },
  { action: 'start', config: START_CONFIG, status: 'STOPPED', named: ' (start)' },
])('plan and next agree on a calendar governing a $action cron', ({ action, config, status, named }) => {
  it.each([
    ['2026-10-10', true, 'make-up working day on calendar cn-office (National Day)'], // Saturday
    ['2026-10-01', false, 'holiday on calendar cn-office (National Day)'], // Thursday
    ['2026-10-11', false, 'Sunday, not a working day on calendar cn-office'], // Sunday
  ])('08:30 on %s: fires %s', async (date, fires, why) => {
    const fleet = generateFleet({ count: 12, seed: 3, regions: ['cn-beijing'] });
    for (const instance of fleet.instances) {
      instance.Tags = [{ Key: 'lights-out', Value: 'office-hours' }];
      instance.Status = status;
    }
    const emulator = await fixture.start(fleet);
    const file = await fixture.config(config);
    const env = emulatorEnv(emulator);
    const fireTime = `${date}T00:30:00.000Z`;
    // The tick after 08:30 local: its window (00:25Z, 00:30Z] holds the fire if there is one.
    const at = `${date}T00:32:00Z`;

    const next = await cli(
      ['next', '-c', file, '--from', `${date}T00:00:00Z`, '--days', '1', '--json', '--skipped'],
      {
        env,
        now: new Date(at),
      },
    );
    const listed = jsonLines(next.stdout).find((f) => f.fireTime === fireTime);
    expect(listed?.action).toBe(action);
    expect(listed?.skipped).toBe(!fires);
    expect(listed?.note).toBe(why);

    const plan = await cli(['plan', '-c', file, '--at', at, '--json'], { env, now: new Date(at) });
    expect(plan.code).toBe(0);
    const items = jsonLines(plan.stdout);
    if (fires) {
      expect(items).toHaveLength(12);
      expect(new Set(items.map((i) => `${i.fireTime} ${i.decision}`))).toEqual(
        new Set([`${fireTime} ${action}`]),
      );
      expect(plan.stderr).toBe('');
    } else {
      expect(items).toEqual([]);
      expect(plan.stderr).toContain(
        `office-hours does not fire at ${fireTime.replace('.000Z', 'Z')}${named}: ${why}`,
      );
    }

    const text = await cli(['plan', '-c', file, '--at', at, '--table'], { env, now: new Date(at) });
    if (fires) {
      expect(text.stdout).toContain(
        `  office-hours${named}: at 08:30 on working days (cn-office calendar, base cn); ${date} is a ${why}\n`,
      );
    }
  });
});

describe('a calendar in a year without data', () => {
  it('warns with the year when the plan falls in a year without data, and still plans Monday to Friday', async () => {
    const fleet = generateFleet({ count: 3, seed: 5, regions: ['cn-beijing'] });
    for (const instance of fleet.instances) instance.Tags = [{ Key: 'lights-out', Value: 'office-hours' }];
    const emulator = await fixture.start(fleet);
    const file = await fixture.config(CONFIG);
    // 2099-10-01 is a Thursday; chinese-days has no 2099 data, so it is an ordinary working day.
    const at = '2099-10-01T00:32:00Z';
    const plan = await cli(['plan', '-c', file, '--at', at, '--json'], {
      env: emulatorEnv(emulator),
      now: new Date(at),
    });
    expect(plan.code).toBe(0);
    expect(plan.stderr).toMatch(/^warning: calendar cn-office: base cn has no data for 2099 /);
    expect(jsonLines(plan.stdout).map((i) => i.fireTime)).toContain('2099-10-01T00:30:00.000Z');
  });
});
