import { describe, expect, it } from 'vitest';
import { DEFAULT_DEMO_FLEET } from '../../../lib/cli/demo.js';
import type { CliIo } from '../../../lib/cli/io.js';
import { main } from '../../../lib/cli/main.js';
import { loadConfig } from '../../../lib/config/index.js';
import { DEFAULT_CREDENTIALS, loadFleet } from '../../../lib/emulator/index.js';
import { skippingClock } from '../../support/clock.js';

/**
 * Real-looking credentials and an endpoint that cannot resolve: if the demo read any of them, its requests
 * would fail (or be signed with this secret) and the run would not succeed.
 */
const HOSTILE_ENV: NodeJS.ProcessEnv = {
  VOLC_ACCESSKEY: 'AKLTZmFrZS1idXQtcmVhbC1sb29raW5nLWtleQ',
  VOLC_SECRETKEY: 'TmV2ZXItc2VudC1ub3ItcHJpbnRlZC1ieS10aGUtZGVtbw==',
  VOLC_SESSION_TOKEN: 'STSeyJub3QiOiJ1c2VkIn0',
  VOLC_ENDPOINT: 'https://example.invalid',
  LIGHTS_OUT_CONFIG: 'no/such/config.yaml',
};

/** A Friday morning in Shanghai: every schedule's next fire is within a week. */
const NOW = new Date('2026-03-06T01:00:00Z');

async function demo(args: string[] = []) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: { write: (chunk: string) => out.push(chunk) },
    stderr: { write: (chunk: string) => err.push(chunk) },
    env: { ...HOSTILE_ENV },
    isTTY: false,
    signal: new AbortController().signal,
    now: () => NOW,
    // The demo's rate-limit and retry waits move this clock (its emulator's too) instead of passing in real time.
    clock: skippingClock(),
  };
  const code = await main(['demo', ...args], io);
  const stdout = out.join('');
  const stderr = err.join('');
  for (const value of [HOSTILE_ENV.VOLC_SECRETKEY!, HOSTILE_ENV.VOLC_SESSION_TOKEN!]) {
    expect(stdout + stderr).not.toContain(value);
  }
  return { code, stdout, stderr };
}

/** The table rows of `instanceId` (an instance with an unknown schedule has one per run). */
function rows(stdout: string, instanceId: string): string[][] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith(`${instanceId} `))
    .map((line) => line.split(/ {2,}/));
}

describe('lights-out demo', () => {
  it('fires each schedule once against the emulator, ignoring VOLC_* and LIGHTS_OUT_CONFIG, and prints every decision', async () => {
    const { code, stdout, stderr } = await demo();
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('http://127.0.0.1:');
    expect(stdout).not.toContain('example.invalid');
    for (const heading of [
      '== office-hours',
      '== nightly',
      '== weekend',
      '== inline schedules',
      '== All 5 runs',
    ]) {
      expect(stdout).toContain(heading);
    }
    expect(stdout).toContain('fires   Fri 2026-03-06 22:00 +08:00 Asia/Shanghai (2026-03-06 14:00 UTC)');
    expect(stdout).toContain('stop    0 22 * * 1-5: at 22:00 on Monday through Friday');
    // office-hours runs twice (issue 12): its stop, then the next morning's start.
    expect(stdout.match(/^INSTANCE +NAME +REGION +SCHEDULE +OUTCOME +MODE/gm)).toHaveLength(5);
    expect(stdout).toContain('== office-hours: Weekday development machines (start)');
    expect(stdout).toContain('fires   Mon 2026-03-09 08:30 +08:00 Asia/Shanghai (2026-03-09 00:30 UTC)');
    expect(stdout).toContain('start   30 8 * * *: at 08:30 on working days (cn-office calendar, base cn)');

    // [instance, name, region, schedule, outcome, mode, reason]
    const expected: Array<[string, string, string, string]> = [
      ['i-demo0001', 'stopped', 'StopCharging', 'StopCharging requested'],
      ['i-demo0004', 'stopped', 'KeepCharging', 'StopCharging on PrePaid resolves to KeepCharging'],
      ['i-demo0017', 'stopped', 'KeepCharging', 'auto: PrePaid keeps charging'],
      ['i-demo0019', 'stopped', 'KeepCharging', 'auto: ecs.d2.2xlarge is not eligible for StopCharging'],
      ['i-demo0022', 'stopped', 'KeepCharging', 'auto: ecs.ebmg2.32xlarge is not eligible for StopCharging'],
      ['i-demo0013', 'stopped', 'StopCharging', 'auto: PostPaid ecs.c3i.2xlarge'],
      [
        'i-demo0005',
        'stopped',
        'KeepCharging',
        'fallback:KeepCharging (InvalidStoppedMode.InstanceTypeMismatch)',
      ],
      [
        'i-demo0023',
        'stopped',
        'KeepCharging',
        'fallback:KeepCharging (InvalidStoppedMode.InstanceTypeMismatch)',
      ],
      ['i-demo0006', 'stopped', 'KeepCharging', 'KeepCharging requested'],
      ['i-demo0029', 'stopped', 'StopCharging', 'StopCharging requested'],
      ['i-demo0026', 'stopped', 'KeepCharging', 'KeepCharging requested'],
      ['i-demo0015', 'stopped', 'StopCharging', 'auto: PostPaid ecs.c3i.2xlarge'],
      ['i-demo0007', 'skipped', '-', 'filter-mismatch'],
      ['i-demo0008', 'skipped', '-', 'filter-mismatch'],
      ['i-demo0009', 'skipped', '-', 'not-running:STOPPED'],
      ['i-demo0016', 'skipped', '-', 'not-running:STOPPED'],
      ['i-demo0010', 'skipped', '-', 'snoozed'],
      ['i-demo0024', 'skipped', '-', 'snoozed'],
      ['i-demo0011', 'skipped', '-', 'invalid-override-tag'],
      ['i-demo0025', 'skipped', '-', 'invalid-override-tag'],
      [
        'i-demo0012',
        'skipped',
        'StopCharging',
        'OperationDenied.ResourceCreatedByOtherService: managed-by-other-service',
      ],
    ];
    for (const [id, outcome, mode, reason] of expected) {
      const found = rows(stdout, id);
      // An office-hours instance has a second row, from the start.
      expect(found.length, id).toBe(id <= 'i-demo0012' ? 2 : 1);
      expect(found[0]!.slice(4, 7), id).toEqual([outcome, mode, reason]);
    }
    // The start: every STOPPED instance of the schedule starts (StopCharging ones after capacity refusals,
    // retried), the RUNNING ones and the parked one are left alone.
    const atStart = (id: string) => rows(stdout, id).at(-1)!.slice(4, 7);
    for (const id of ['i-demo0001', 'i-demo0002', 'i-demo0003', 'i-demo0009', 'i-demo0035']) {
      expect(atStart(id), id).toEqual(['started', 'StopCharging', 'stopped with StopCharging']);
    }
    for (const id of ['i-demo0004', 'i-demo0005', 'i-demo0006']) {
      expect(atStart(id), id).toEqual(['started', 'KeepCharging', 'stopped with KeepCharging']);
    }
    for (const id of ['i-demo0010', 'i-demo0011', 'i-demo0012']) {
      expect(atStart(id), id).toEqual(['skipped', '-', 'not-stopped:RUNNING']);
    }
    expect(rows(stdout, 'i-demo0036').map((row) => row.slice(4, 7))).toEqual([
      ['skipped', '-', 'not-running:STOPPED'],
      ['skipped', '-', 'snoozed'],
    ]);
    expect(stdout).toMatch(/ {2}capacity {3}\d+ refusals/);
    expect(stdout).toMatch(
      /accepted 8 instance starts; no instance was started twice; \d+ starts? (was|were) refused for lack of capacity/,
    );
    // A tag that names no schedule is reported by every run and never stopped.
    for (const id of ['i-demo0031', 'i-demo0032']) {
      // The reason stays unknown-schedule; a close schedule name follows it as a hint.
      expect(
        rows(stdout, id).map((row) => [
          ...row.slice(4, 6),
          row[6]!.replace(/ \(did you mean '[^']+'\?\)$/, ''),
        ]),
      ).toEqual(Array.from({ length: 4 }, () => ['skipped', '-', 'unknown-schedule']));
    }
    // Inline-tagged instances, in their own tick (the configuration has no inline: section, so the demo assumes
    // the documented defaults and says so): the valid values stop, `tz=cst` is refused, `off` opts out.
    expect(stdout).toContain(
      'the configuration has no inline: section, so real runs leave these instances alone',
    );
    expect(rows(stdout, 'i-demo0039').map((row) => row.slice(4, 6))).toEqual([['stopped', 'StopCharging']]);
    expect(rows(stdout, 'i-demo0040').map((row) => row.slice(4, 6))).toEqual([['stopped', 'StopCharging']]);
    expect(rows(stdout, 'i-demo0042').map((row) => row.slice(4, 7))).toEqual([
      ['skipped', '-', 'invalid-inline-schedule'],
    ]);
    expect(rows(stdout, 'i-demo0041')).toEqual([]);
    // Untagged instances are never listed.
    expect(rows(stdout, 'i-demo0033')).toEqual([]);
    expect(rows(stdout, 'i-demo0034')).toEqual([]);

    // Each of the 32 tagged instances once, though the two of no schedule are reported by all 3 runs.
    expect(stdout).toContain(
      'outcomes   stopped 22, already-stopped 0, skipped 13, gone 0, failed 0, dry-run 0, started 8, already-running 0 (each instance once per action)',
    );
    expect(stdout).toContain('emulator   accepted 22 instance stops; no instance was stopped twice');
    expect(stdout).toMatch(/retries \d+, fallbacks 2/);
    expect(stdout).toContain('What the outcomes mean');
    expect(stdout).toContain('unknown-schedule          the tag names no configured schedule');
  });

  it('with --json prints only log lines: one outcome per listed instance per run and five summaries', async () => {
    const { code, stdout } = await demo(['--json']);
    expect(code).toBe(0);
    const lines = stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const summaries = lines.filter((line) => line.event === 'run.summary');
    expect(summaries.map((s) => (s.fires as { schedule: string; action: string }[])[0])).toEqual([
      expect.objectContaining({ schedule: 'office-hours', action: 'stop' }),
      expect.objectContaining({ schedule: 'office-hours', action: 'start' }),
      expect.objectContaining({ schedule: 'nightly', action: 'stop' }),
      expect.objectContaining({ schedule: 'weekend', action: 'stop' }),
      expect.objectContaining({ schedule: 'inline:off=(m-f,21);tz=asia/shanghai', action: 'stop' }),
    ]);
    expect(summaries.map((s) => (s.outcomes as Record<string, number>).failed)).toEqual([0, 0, 0, 0, 0]);
    expect((summaries[1]!.capacityRefusals as number) > 0).toBe(true);
    const outcomes = lines.filter((line) => line.event === 'instance.outcome');
    // The inline run: two valid values stopped, the refused `cst` one skipped, the opted-out one not listed.
    expect(outcomes).toHaveLength(16 + 16 + 15 + 7 + 3);
    const started = outcomes.filter((o) => o.outcome === 'started').map((o) => o.instanceId);
    expect(started).toHaveLength(8);
    expect(new Set(started).size).toBe(started.length);
    const stopped = outcomes.filter((o) => o.outcome === 'stopped').map((o) => o.instanceId);
    expect(new Set(stopped).size).toBe(stopped.length);
  });

  it('reads another configuration and fleet when given, and refuses an unknown flag', async () => {
    const bad = await demo(['--fleet', 'no/such/fleet.yaml']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('no/such/fleet.yaml');
    const usage = await demo(['--region', 'cn-beijing']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Usage: lights-out demo');
  });
});

describe('schedules/demo-fleet.yaml', () => {
  it('is a valid fleet in the regions of the reference configuration, signed with the built-in demo key pair', async () => {
    const fleet = await loadFleet(DEFAULT_DEMO_FLEET);
    const config = await loadConfig('schedules/lights-out.yaml');
    expect(fleet.credentials).toEqual([DEFAULT_CREDENTIALS]);
    expect(fleet.instances.length).toBeGreaterThanOrEqual(30);
    expect(fleet.instances.length).toBeLessThanOrEqual(40);
    for (const instance of fleet.instances) {
      expect(instance.InstanceId).toMatch(/^i-demo\d{4}$/);
      expect(config.regions).toContain(instance.Region);
    }
  });
});
