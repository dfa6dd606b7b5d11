/** Small builders for planner tests: every field has a plain default, each test overrides what it is about. */
import type { Config, ScheduleConfig } from '../../../lib/config/types.js';
import type { Fire } from '../../../lib/schedule/types.js';
import type { Instance, Tag } from '../../../lib/volc/types.js';

export const TAG_KEY = 'lights-out';

/** A schedule named `office-hours` in UTC, with no mode or force of its own. */
export function schedule(overrides: Partial<ScheduleConfig> = {}): ScheduleConfig {
  return {
    name: 'office-hours',
    stop: ['0 20 * * 1-5'],
    timezone: 'UTC',
    skipDates: [],
    select: { tags: {} },
    ...overrides,
  };
}

/** A config with the documented defaults and one schedule, `office-hours`. */
export function config(
  overrides: Partial<Omit<Config, 'defaults' | 'guard'>> & {
    defaults?: Partial<Config['defaults']>;
    guard?: Partial<Config['guard']>;
  } = {},
): Config {
  const { defaults, guard, ...rest } = overrides;
  return {
    file: 'test.yaml',
    version: 1,
    regions: ['cn-beijing'],
    allowUnknownRegions: false,
    tagKey: TAG_KEY,
    timezone: 'UTC',
    tickMs: 300_000,
    rateLimit: { qps: 10 },
    retry: { baseMs: 200, capMs: 20_000, maxAttempts: 8 },
    listing: { maxInstancesPerRegion: 200_000 },
    verify: { enabled: false, timeoutMs: 120_000, intervalMs: 5000 },
    calendars: [],
    schedules: [schedule()],
    ...rest,
    defaults: {
      stoppedMode: 'auto',
      fallback: 'KeepCharging',
      forceStop: false,
      stopChargingIneligible: ['ecs.i*', 'ecs.d*', 'ecs.ebm*', 'ecs.hpc*'],
      ...defaults,
    },
    guard: { maxInstancesPerRun: 1000, ...guard },
  };
}

/**
 * A RUNNING PostPaid `ecs.g3i.large` tagged for `office-hours`. `tags` are added to the schedule tag;
 * pass `Tags` to replace every tag instead.
 */
export function instance(overrides: Partial<Instance> & { tags?: Record<string, string> } = {}): Instance {
  const { tags, ...rest } = overrides;
  const extra: Tag[] = Object.entries(tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
  return {
    InstanceId: 'i-0001',
    InstanceName: 'web-1',
    Status: 'RUNNING',
    InstanceChargeType: 'PostPaid',
    InstanceTypeId: 'ecs.g3i.large',
    ZoneId: 'cn-beijing-a',
    ProjectName: 'default',
    Tags: [{ Key: TAG_KEY, Value: 'office-hours' }, ...extra],
    ...rest,
  };
}

/** A fire of `schedule` at an ISO instant (a stop unless `action` says otherwise). */
export function fire(scheduleName: string, iso: string, action: Fire['action'] = 'stop'): Fire {
  return { schedule: scheduleName, fireTime: new Date(iso), action };
}
