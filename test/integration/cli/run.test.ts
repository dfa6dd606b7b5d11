import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CREDENTIALS, type Fleet, generateFleet } from '../../../lib/emulator/index.js';
import { cli, cliFixture, emulatorEnv, jsonLines } from './helpers.js';

const REGIONS = ['cn-beijing', 'cn-shanghai'];
/** Monday 2026-03-09 22:02 in Asia/Shanghai: office-hours and nightly are due. */
const AT = new Date('2026-03-09T14:02:00Z');

function config(options: { maxInstancesPerRun?: number; fallback?: string } = {}): string {
  return `
version: 1
regions: [${REGIONS.join(', ')}]
timezone: Asia/Shanghai
defaults: { fallback: ${options.fallback ?? 'KeepCharging'} }
guard: { maxInstancesPerRun: ${options.maxInstancesPerRun ?? 1000} }
schedules:
  office-hours: { stop: "0 22 * * 1-5" }
  nightly: { stop: "0 22 * * *", stoppedMode: StopCharging }
  weekend: { stop: "0 20 * * 5" }
`;
}

const generated = (): Fleet => generateFleet({ count: 120, seed: 5, regions: REGIONS });

/** Two instances of `nightly`: one the API lets stop, one whose type refuses the StopCharging asked for. */
function fleetWithRefusal(): Fleet {
  const base = {
    Status: 'RUNNING',
    InstanceChargeType: 'PostPaid',
    ProjectName: 'default',
    Region: 'cn-beijing',
  };
  const tags = [{ Key: 'lights-out', Value: 'nightly' }];
  return {
    credentials: [{ ...DEFAULT_CREDENTIALS }],
    instances: [
      {
        ...base,
        InstanceId: 'i-ok',
        InstanceName: 'web-1',
        InstanceTypeId: 'ecs.g3i.large',
        ZoneId: 'cn-beijing-a',
        Tags: tags,
      },
      {
        ...base,
        InstanceId: 'i-local-disk',
        InstanceName: 'db-1',
        InstanceTypeId: 'ecs.i3.large',
        ZoneId: 'cn-beijing-a',
        Tags: tags,
      },
    ],
  };
}

const fixture = cliFixture();
beforeEach(() => fixture.setUp());
afterEach(() => fixture.tearDown());

const stopCalls = (calls: { action: string }[]) => calls.filter((c) => c.action === 'StopInstances');

describe('lights-out run', () => {
  it('writes JSON lines when stdout is not a terminal: one instance.outcome per plan item and one run.summary', async () => {
    const emulator = await fixture.start(generated());
    const file = await fixture.config(config());
    const env = emulatorEnv(emulator);
    const plan = jsonLines((await cli(['plan', '-c', file, '--json'], { env, now: AT })).stdout);
    const { code, stdout, stderr } = await cli(['run', '-c', file], { env, now: AT });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = jsonLines(stdout);
    const outcomes = lines.filter((l) => l.event === 'instance.outcome');
    const summaries = lines.filter((l) => l.event === 'run.summary');
    expect(outcomes).toHaveLength(plan.length);
    expect(outcomes.map((o) => o.instanceId).sort()).toEqual(plan.map((p) => p.instanceId).sort());
    expect(summaries).toHaveLength(1);
    const stops = plan.filter((p) => p.decision === 'stop');
    expect(stops.length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.outcome === 'stopped')).toHaveLength(stops.length);
    for (const outcome of outcomes.filter((o) => o.outcome === 'stopped')) {
      const live = emulator.instance(outcome.instanceId as string)!;
      expect(live.Status).toBe('STOPPED');
      expect(live.stopAccepted).toBe(1);
    }
    const summary = summaries[0] as { outcomes: Record<string, number>; guardRefused: boolean };
    expect(summary.outcomes.stopped).toBe(stops.length);
    expect(summary.outcomes.skipped).toBe(plan.length - stops.length);
    expect(summary.guardRefused).toBe(false);
  });

  it('writes JSON lines on a terminal too when --json is given', async () => {
    const emulator = await fixture.start(generated());
    const file = await fixture.config(config());
    const { code, stdout } = await cli(['run', '-c', file, '--json'], {
      env: emulatorEnv(emulator),
      now: AT,
      isTTY: true,
    });
    expect(code).toBe(0);
    expect(jsonLines(stdout).filter((l) => l.event === 'run.summary')).toHaveLength(1);
  });

  it('shows a table and a summary on a terminal, and no JSON lines', async () => {
    const emulator = await fixture.start(generated());
    const file = await fixture.config(config());
    const env = emulatorEnv(emulator);
    const plan = jsonLines((await cli(['plan', '-c', file, '--json'], { env, now: AT })).stdout);
    const { code, stdout, stderr } = await cli(['run', '-c', file], { env, now: AT, isTTY: true });
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const lines = stdout.split('\n');
    expect(lines.filter((l) => l.startsWith('{'))).toEqual([]);
    expect(lines).toContain('nightly fires at 2026-03-09T14:00:00Z');
    expect(stdout).toMatch(/\nINSTANCE +NAME +REGION +SCHEDULE +OUTCOME +MODE +REASON \/ ERROR +ATTEMPTS\n/);
    for (const item of plan) {
      const row = lines.find((l) => l.startsWith(`${item.instanceId as string} `));
      expect(row).toMatch(
        item.decision === 'stop' ? / stopped +(StopCharging|KeepCharging) / : / skipped +- /,
      );
    }
    const stops = plan.filter((p) => p.decision === 'stop').length;
    expect(stdout).toContain(
      `\n  outcomes   stopped ${stops}, already-stopped 0, skipped ${plan.length - stops}, `,
    );
    expect(stdout).toMatch(/\n {2}API calls {2}DescribeInstances 2, StopInstances \d+/);
    expect(stdout).toMatch(/\n {2}duration {3}\d+\.\d+ s\n/);
    const unknown = plan.filter((p) => p.reason === 'unknown-schedule').length;
    expect(unknown).toBeGreaterThan(0);
    expect(stdout).toContain(
      `unknown schedule  ${unknown} instances whose 'lights-out' tag names no configured schedule`,
    );
  });

  it('with --dry-run, sends no StopInstances and reports every stop as dry-run', async () => {
    const emulator = await fixture.start(generated());
    const before = emulator.instances().map((i) => [i.InstanceId, i.Status]);
    const file = await fixture.config(config({ maxInstancesPerRun: 1 }));
    const env = emulatorEnv(emulator);
    const plan = jsonLines((await cli(['plan', '-c', file, '--json'], { env, now: AT })).stdout);
    const { code, stdout } = await cli(['run', '-c', file, '--dry-run'], { env, now: AT });
    // The guard does not apply to a dry run: nothing is sent.
    expect(code).toBe(0);
    const outcomes = jsonLines(stdout).filter((l) => l.event === 'instance.outcome');
    expect(outcomes.filter((o) => o.outcome === 'dry-run')).toHaveLength(
      plan.filter((p) => p.decision === 'stop').length,
    );
    expect(stopCalls(emulator.calls())).toEqual([]);
    expect(emulator.instances().map((i) => [i.InstanceId, i.Status])).toEqual(before);
  });

  it('exits 3 and stops nothing when the guard refuses; --force stops and exits 0', async () => {
    const emulator = await fixture.start(generated());
    const file = await fixture.config(config({ maxInstancesPerRun: 2 }));
    const env = emulatorEnv(emulator);
    const refused = await cli(['run', '-c', file], { env, now: AT });
    expect(refused.code).toBe(3);
    const lines = jsonLines(refused.stdout);
    expect(lines.find((l) => l.event === 'run.summary')).toMatchObject({ guardRefused: true });
    const failed = lines.filter((l) => l.outcome === 'failed');
    expect(failed.length).toBeGreaterThan(2);
    for (const line of failed) expect(line.errorCode).toBe('GuardRefused');
    expect(stopCalls(emulator.calls())).toEqual([]);

    const human = await cli(['run', '-c', file], { env, now: AT, isTTY: true });
    expect(human.code).toBe(3);
    expect(human.stdout).toContain(
      `REFUSED    ${failed.length} stops exceed guard.maxInstancesPerRun 2; nothing was stopped (use --force)`,
    );
    // On a terminal each refused instance is named once (its table row), not again in a warning line.
    for (const line of failed) {
      const id = line.instanceId as string;
      expect((human.stdout + human.stderr).split(id).length - 1, id).toBe(1);
    }
    expect(stopCalls(emulator.calls())).toEqual([]);

    const forced = await cli(['run', '-c', file, '--force'], { env, now: AT });
    expect(forced.code).toBe(0);
    const stopped = jsonLines(forced.stdout).filter((l) => l.outcome === 'stopped');
    expect(stopped).toHaveLength(failed.length);
    for (const line of stopped) expect(emulator.instance(line.instanceId as string)!.Status).toBe('STOPPED');
  });

  it('exits 1 when an instance fails, and still stops the others', async () => {
    const emulator = await fixture.start(fleetWithRefusal());
    const file = await fixture.config(config({ fallback: 'none' }));
    const env = emulatorEnv(emulator);
    const { code, stdout } = await cli(['run', '-c', file], { env, now: AT });
    expect(code).toBe(1);
    const outcomes = jsonLines(stdout).filter((l) => l.event === 'instance.outcome');
    expect(outcomes.map((o) => [o.instanceId, o.outcome, o.errorCode])).toEqual([
      ['i-local-disk', 'failed', 'InvalidStoppedMode.InstanceTypeMismatch'],
      ['i-ok', 'stopped', null],
    ]);
    expect(emulator.instance('i-local-disk')!.Status).toBe('RUNNING');
    expect(emulator.instance('i-ok')!.Status).toBe('STOPPED');
  });

  it('on a terminal, shows the failure in the table and its warning as JSON on stderr', async () => {
    const emulator = await fixture.start(fleetWithRefusal());
    const file = await fixture.config(config({ fallback: 'none' }));
    const { code, stdout, stderr } = await cli(['run', '-c', file], {
      env: emulatorEnv(emulator),
      now: AT,
      isTTY: true,
    });
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /\ni-local-disk +db-1 +cn-beijing +nightly +failed +StopCharging +InvalidStoppedMode\.InstanceTypeMismatch: /,
    );
    const warnings = jsonLines(stderr);
    expect(warnings.map((w) => [w.level, w.event, w.instanceId ?? null])).toEqual([
      ['warn', 'instance.outcome', 'i-local-disk'],
      ['warn', 'run.summary', null],
    ]);
  });

  it('masks the secret key even where the cloud echoes it back (a tag holding it)', async () => {
    const fleet = fleetWithRefusal();
    fleet.instances[0]!.Tags = [{ Key: 'lights-out', Value: DEFAULT_CREDENTIALS.secretKey }];
    const emulator = await fixture.start(fleet);
    const file = await fixture.config(config());
    const env = emulatorEnv(emulator);
    // cli() fails the test if the secret key appears in any output.
    const plan = await cli(['plan', '-c', file], { env, now: AT, isTTY: true });
    const json = await cli(['run', '-c', file, '--dry-run'], { env, now: AT });
    const human = await cli(['run', '-c', file, '--dry-run'], { env, now: AT, isTTY: true });
    for (const result of [plan, json, human]) {
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('[Redacted]');
    }
  });
});
