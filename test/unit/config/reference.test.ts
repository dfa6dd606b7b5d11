import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../../../lib/config/index.js';

const FILE = 'schedules/lights-out.yaml';

describe('the shipped reference configuration', () => {
  it('validates and resolves to the documented configuration', async () => {
    const config = await loadConfig(FILE);
    const withoutLocations = {
      ...config,
      schedules: config.schedules.map(
        ({ location: _location, startLocation: _start, ...schedule }) => schedule,
      ),
    };
    expect(withoutLocations).toEqual<Config>({
      file: FILE,
      version: 1,
      regions: ['cn-beijing', 'cn-shanghai'],
      allowUnknownRegions: false,
      endpoint: 'https://open.volcengineapi.com',
      tagKey: 'lights-out',
      timezone: 'Asia/Shanghai',
      tickMs: 300_000,
      rateLimit: { qps: 10 },
      defaults: {
        stoppedMode: 'auto',
        fallback: 'KeepCharging',
        forceStop: false,
        stopChargingIneligible: ['ecs.i*', 'ecs.d*', 'ecs.ebm*', 'ecs.hpc*'],
      },
      guard: { maxInstancesPerRun: 1000 },
      retry: { baseMs: 200, capMs: 2_000, maxAttempts: 8 },
      listing: { maxInstancesPerRegion: 200_000 },
      verify: { enabled: false, timeoutMs: 120_000, intervalMs: 5_000 },
      calendars: [{ name: 'cn-office', base: 'cn', holidays: ['2026-12-31'], workdays: [] }],
      schedules: [
        {
          name: 'office-hours',
          description: 'Weekday development machines',
          // Issue 12: a morning start on the cn-office calendar's working days; the stop keeps its days.
          start: ['30 8 * * *'],
          stop: ['0 22 * * 1-5'],
          calendar: { start: { name: 'cn-office', base: 'cn', holidays: ['2026-12-31'], workdays: [] } },
          timezone: 'Asia/Shanghai',
          stoppedMode: 'StopCharging',
          forceStop: false,
          skipDates: ['2026-10-01', '2027-01-01'],
          select: { tags: { env: 'dev' }, projects: ['default'], zones: ['cn-beijing-a'] },
        },
        {
          name: 'nightly',
          description: 'Every machine that should never run overnight',
          stop: ['30 23 * * *'],
          timezone: 'Asia/Shanghai',
          stoppedMode: 'auto',
          skipDates: [],
          select: { tags: {} },
        },
        {
          name: 'weekend',
          description: 'Machines that only run on weekdays, stopped for the weekend',
          stop: ['0 20 * * 5'],
          timezone: 'Asia/Shanghai',
          stoppedMode: 'KeepCharging',
          skipDates: [],
          select: { tags: {} },
        },
      ],
    });
  });

  it('locates each schedule at its name in the file', async () => {
    const lines = readFileSync(FILE, 'utf8').split('\n');
    for (const schedule of (await loadConfig(FILE)).schedules) {
      const { line, column } = schedule.location!;
      expect(lines[line - 1]!.slice(column - 1)).toBe(`${schedule.name}:`);
    }
  });

  it('holds no credential-looking values', () => {
    expect(readFileSync(FILE, 'utf8')).not.toMatch(/AKLT|secretKey:|accessKey:/);
  });
});
