/**
 * Inline (tag) schedules end to end: `plan` and `run` against the emulator, for instances tagged in Cloud
 * Custodian's offhours grammar, next to an instance of a named schedule.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Fleet, FleetInstance } from '../../../lib/emulator/index.js';
import { inst } from '../emulator/helpers.js';
import { cli, cliFixture, emulatorEnv, jsonLines } from './helpers.js';

const CONFIG = `
version: 1
regions: [cn-beijing]
timezone: Asia/Shanghai
schedules:
  nightly: { stop: "0 23 * * *" }
inline:
  tagKey: maid_offhours
`;

// Monday 2026-03-09: New York is on summer time (UTC-4), so 19:00 there is 23:00Z.
const MONDAY_19_ET = new Date('2026-03-09T23:00:00Z');
const MONDAY_1905_ET = new Date('2026-03-09T23:05:00Z');
const SATURDAY_19_ET = new Date('2026-03-14T23:00:00Z');

function vm(id: string, tags: Record<string, string>): FleetInstance {
  return inst(id, { Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) });
}

function fleet(): Fleet {
  return {
    credentials: [{ accessKeyId: 'AKLTinline0000000000', secretKey: 'inline-secret-not-a-real-key-00' }],
    instances: [
      vm('i-et', { maid_offhours: 'off=(m-f,19);tz=et' }),
      vm('i-escaped', { maid_offhours: 'OFFu3du28M-F,19u29u3bTZu3dET' }),
      vm('i-pt', { maid_offhours: 'off=(m-f,19);tz=pt' }),
      vm('i-invalid', { maid_offhours: 'off=(m-f,19);tz=cst' }),
      vm('i-optout', { maid_offhours: 'off' }),
      vm('i-both', { maid_offhours: 'off=(m-f,19);tz=et', 'lights-out': 'nightly' }),
      vm('i-other-case', { MAID_OFFHOURS: 'off=(m-f,19);tz=et' }),
      vm('i-untagged', {}),
    ],
  };
}

const fixture = cliFixture();
beforeEach(() => fixture.setUp());
afterEach(() => fixture.tearDown());

describe('inline schedules through plan and run', () => {
  it('plan --json --at 19:00 ET on a weekday stops off=(m-f,19);tz=et, and says why for the rest', async () => {
    const emulator = await fixture.start(fleet());
    const file = await fixture.config(CONFIG);
    const env = emulatorEnv(emulator);
    const { code, stdout, stderr } = await cli(
      ['plan', '-c', file, '--at', MONDAY_19_ET.toISOString(), '--json'],
      {
        env,
        now: MONDAY_19_ET,
      },
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const items = jsonLines(stdout).map((i) => [
      i.instanceId,
      i.schedule,
      i.decision,
      i.reason === 'auto: PostPaid ecs.g3i.large' ? 'auto' : i.reason,
    ]);
    expect(items).toEqual([
      ['i-invalid', 'inline:off=(m-f,19);tz=cst', 'skip', 'invalid-inline-schedule'],
      ['i-escaped', 'inline:off=(m-f,19);tz=et', 'stop', 'auto'],
      ['i-et', 'inline:off=(m-f,19);tz=et', 'stop', 'auto'],
      ['i-both', 'nightly', 'skip', 'inline-and-schedule-tag'],
    ]);
    const fireTimes = new Set(jsonLines(stdout).map((i) => i.fireTime));
    expect(fireTimes).toEqual(new Set(['2026-03-09T23:00:00.000Z', null]));
    // No named schedule fires at 23:00Z, so the one listing is the inline one, filtered server-side on the
    // exact key (the MAID_OFFHOURS instance is not in it).
    const listings = emulator.calls().filter((c) => c.action === 'DescribeInstances');
    expect(listings.map((c) => c.params['TagFilters.1.Key'])).toEqual(['maid_offhours']);
  });

  it('at 19:05, with the 19:00 tick already run, stops nothing a second time; on Saturday, nothing', async () => {
    const emulator = await fixture.start(fleet());
    const file = await fixture.config(CONFIG);
    const env = emulatorEnv(emulator);
    const run = await cli(['run', '-c', file, '--at', MONDAY_19_ET.toISOString(), '--json'], {
      env,
      now: MONDAY_19_ET,
    });
    expect(run.code).toBe(0);
    const stops = emulator.calls().filter((c) => c.action === 'StopInstances');
    expect(
      stops
        .flatMap((c) =>
          Object.entries(c.params)
            .filter(([k]) => k.startsWith('InstanceIds.'))
            .map(([, v]) => v),
        )
        .sort(),
    ).toEqual(['i-escaped', 'i-et']);
    expect(emulator.instance('i-et')?.Status).toBe('STOPPED');
    expect(emulator.instance('i-pt')?.Status).toBe('RUNNING');

    for (const at of [MONDAY_1905_ET, SATURDAY_19_ET]) {
      const plan = await cli(['plan', '-c', file, '--at', at.toISOString(), '--json'], { env, now: at });
      expect(plan.code).toBe(0);
      expect(jsonLines(plan.stdout).filter((i) => i.decision === 'stop')).toEqual([]);
    }
    // 19:05 lies in no window an inline fire can fall in: nothing was even listed for it.
    const before = emulator.calls().length;
    await cli(['plan', '-c', file, '--at', MONDAY_1905_ET.toISOString(), '--json'], {
      env,
      now: MONDAY_1905_ET,
    });
    expect(emulator.calls().length).toBe(before);
  });

  it('a re-run of the 19:00 tick, a little later, sends the same ClientToken as the first run', async () => {
    const file = await fixture.config(CONFIG);
    const tokensOf = async (at: Date) => {
      const emulator = await fixture.start(fleet());
      const { code } = await cli(['run', '-c', file, '--at', at.toISOString(), '--json'], {
        env: emulatorEnv(emulator),
        now: at,
      });
      expect(code).toBe(0);
      return emulator
        .calls()
        .filter((c) => c.action === 'StopInstances')
        .map((c) => c.clientToken);
    };
    const first = await tokensOf(MONDAY_19_ET);
    expect(first).toHaveLength(1);
    expect(await tokensOf(new Date(MONDAY_19_ET.getTime() + 90_000))).toEqual(first);
  });

  it('with optOut, lists the scope by project and stops its untagged instances on the defaults', async () => {
    const emulator = await fixture.start({
      credentials: fleet().credentials,
      instances: [
        inst('i-ml-untagged', { ProjectName: 'ml' }),
        inst('i-ml-optout', { ProjectName: 'ml', Tags: [{ Key: 'maid_offhours', Value: 'off' }] }),
        inst('i-ml-late', { ProjectName: 'ml', Tags: [{ Key: 'maid_offhours', Value: 'off=(m-f,22)' }] }),
        inst('i-default-untagged', { ProjectName: 'default' }),
      ],
    });
    const file = await fixture.config(`${CONFIG}  optOut: true\n  select: { projects: [ml] }\n`);
    // Monday 19:00 in Beijing (the configuration's zone, so the default off-hour's).
    const at = new Date('2026-03-09T11:00:00Z');
    const { code, stdout } = await cli(['plan', '-c', file, '--at', at.toISOString(), '--json'], {
      env: emulatorEnv(emulator),
      now: at,
    });
    expect(code).toBe(0);
    expect(jsonLines(stdout).map((i) => [i.instanceId, i.schedule, i.decision])).toEqual([
      ['i-ml-untagged', 'inline:(default)', 'stop'],
    ]);
    const listings = emulator.calls().filter((c) => c.action === 'DescribeInstances');
    expect(listings.map((c) => [c.params.ProjectName, c.params['TagFilters.1.Key']])).toEqual([
      ['ml', undefined],
    ]);
  });

  it('run at 07:00 PT on a weekday starts the STOPPED instance tagged off=(m-f,19);on=(m-f,7);tz=pt', async () => {
    const value = 'off=(m-f,19);on=(m-f,7);tz=pt';
    const emulator = await fixture.start({
      credentials: fleet().credentials,
      instances: [
        inst('i-parked', { Status: 'STOPPED', Tags: [{ Key: 'maid_offhours', Value: value }] }),
        inst('i-awake', { Tags: [{ Key: 'maid_offhours', Value: value }] }),
        inst('i-et', { Status: 'STOPPED', Tags: [{ Key: 'maid_offhours', Value: 'off=(m-f,19);tz=et' }] }),
      ],
    });
    const file = await fixture.config(CONFIG);
    const env = emulatorEnv(emulator);
    // Monday 2026-03-09 07:00 in Los Angeles (summer time since the 8th, UTC-7).
    const at = new Date('2026-03-09T14:00:00Z');
    const plan = await cli(['plan', '-c', file, '--at', at.toISOString(), '--json'], { env, now: at });
    expect(plan.code).toBe(0);
    const schedule = `inline:${value}`;
    expect(
      jsonLines(plan.stdout).map((i) => [i.instanceId, i.schedule, i.action, i.decision, i.reason]),
    ).toEqual([
      ['i-awake', schedule, 'start', 'skip', 'not-stopped:RUNNING'],
      ['i-parked', schedule, 'start', 'start', 'stopped with KeepCharging'],
    ]);
    const run = await cli(['run', '-c', file, '--at', at.toISOString(), '--json'], { env, now: at });
    expect(run.code).toBe(0);
    const summary = jsonLines(run.stdout).find((l) => l.msg !== undefined && l.fires !== undefined);
    expect(summary?.fires).toEqual([{ schedule, fireTime: at.toISOString(), action: 'start' }]);
    const starts = emulator.calls().filter((c) => c.action === 'StartInstances');
    expect(starts.map((c) => c.params['InstanceIds.1'])).toEqual(['i-parked']);
    expect(emulator.calls().filter((c) => c.action === 'StopInstances')).toEqual([]);
    expect(emulator.instance('i-parked')?.Status).not.toBe('STOPPED');
    expect(emulator.instance('i-et')?.Status).toBe('STOPPED'); // its value has the default on-hour 7 (UTC+8)
  });
});
