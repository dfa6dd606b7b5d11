/**
 * Bad tag values on a real (emulated) fleet: overlong, unicode look-alikes, bidi and zero-width characters and
 * injection-like strings, in the schedule tag and in the override tags. Each such instance gets exactly one
 * outcome, `skipped` (unknown-schedule or invalid-override-tag), is never stopped, and cannot break a line of the
 * human output: every table keeps one line per instance, free of raw control and bidi characters.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main.js';
import { type EmulatorHandle, type FleetInstance, startEmulator } from '../../lib/emulator/index.js';
import { emulatorEnv } from '../support/emulator-env.js';
import { captureIo } from '../support/test-log.js';

const LOG = 'reliability-bad-tags';
const REGION = 'cn-beijing';
/** Monday 2026-03-09 22:02 in Asia/Shanghai: the tick window (13:55Z, 14:00Z] holds office-hours' 22:00. */
const AT = new Date('2026-03-09T14:02:00Z');
const CONFIG = `
version: 1
regions: [${REGION}]
timezone: Asia/Shanghai
schedules:
  office-hours: { stop: "0 22 * * 1-5" }
  nightly: { stop: "30 23 * * *" }
`;

/** Values no tag should be able to turn into an action, or into a second line of output. */
const HOSTILE = [
  'x'.repeat(255),
  `office-hours${'x'.repeat(243)}`,
  'x'.repeat(10_000),
  '办公时间',
  '🌙💤',
  'office\u202Ehours',
  'office-hours\u202E',
  'office\u061Chours',
  '\u2066office-hours\u2069',
  'office\u200Dhours',
  'office-hours\u200B',
  'ｏffice-hours',
  'оffice-hours', // a Cyrillic о
  'OFFICE-HOURS',
  ' office-hours',
  'office-hours; rm -rf /',
  '$(reboot)',
  '`reboot`',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  'office-hours\n',
  'office-hours\r\nfake-instance  office-hours  stop',
  'office-hours\u2028forged line',
  '\u001b[2J\u001b[31mred',
  'bell\u0007',
  'nul\u0000byte',
  '../../etc/passwd',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  '{{7*7}}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal text is the point (a Log4Shell-style value).
  '${jndi:ldap://127.0.0.1/x}',
  '%s%n%x',
  'null',
  '',
];
/** Near misses of the override tags' own values. */
const NEAR_MODES = ['stopcharging', 'StopCharging ', 'Stop\u200BCharging', 'KeepCharging\n', 'ＳtopCharging'];
const NEAR_DATES = ['2026-13-01', '2026-03-10\n', '2026-03-10; rm -rf /', 'tomorrow', '２０２６-03-10'];

interface Case {
  id: string;
  tags: { Key: string; Value: string }[];
  reason: string;
}

const cases: Case[] = [
  ...HOSTILE.map((value, i) => ({
    id: `i-schedule${String(i).padStart(3, '0')}`,
    tags: [{ Key: 'lights-out', Value: value }],
    reason: 'unknown-schedule',
  })),
  ...[...HOSTILE, ...NEAR_MODES].map((value, i) => ({
    id: `i-mode${String(i).padStart(3, '0')}`,
    tags: [
      { Key: 'lights-out', Value: 'office-hours' },
      { Key: 'lights-out:stopped-mode', Value: value },
    ],
    reason: 'invalid-override-tag',
  })),
  ...[...HOSTILE, ...NEAR_DATES].map((value, i) => ({
    id: `i-snooze${String(i).padStart(3, '0')}`,
    tags: [
      { Key: 'lights-out', Value: 'office-hours' },
      { Key: 'lights-out:skip-until', Value: value },
    ],
    reason: 'invalid-override-tag',
  })),
];
/** Well-tagged instances: they are stopped, which shows the run really stops what it should. */
const CONTROLS = ['i-control0', 'i-control1', 'i-control2'];

function instance(id: string, tags: Case['tags']): FleetInstance {
  return {
    InstanceId: id,
    InstanceName: id.replace(/^i-/, 'vm-'),
    Status: 'RUNNING',
    InstanceChargeType: 'PostPaid',
    InstanceTypeId: 'ecs.g3i.large',
    ZoneId: `${REGION}-a`,
    ProjectName: 'default',
    Tags: tags,
    Region: REGION,
  };
}

let dir: string;
let file: string;
let emulator: EmulatorHandle;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lights-out-bad-tags-'));
  file = join(dir, 'lights-out.yaml');
  await writeFile(file, CONFIG);
  emulator = await startEmulator({
    fleet: {
      credentials: [{ accessKeyId: 'AKLTbadtags', secretKey: 'YmFkLXRhZ3MtZW11bGF0b3Ita2V5' }],
      instances: [
        ...cases.map((c) => instance(c.id, c.tags)),
        ...CONTROLS.map((id) => instance(id, [{ Key: 'lights-out', Value: 'office-hours' }])),
      ],
    },
    faults: { transitionMs: 0 },
  });
  env = emulatorEnv(emulator);
});

afterAll(async () => {
  await emulator?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Raw control characters, bidi controls and Unicode line separators: none may reach a line for people. */
const UNPRINTABLE = /[\p{Cc}\p{Bidi_Control}\u2028\u2029]/u;

/** Every instance ID is on exactly one line, which starts with it, and no line holds an unprintable character. */
function expectOneLinePerInstance(text: string, ids: readonly string[]): void {
  const lines = text.split('\n');
  for (const line of lines) expect(line).not.toMatch(UNPRINTABLE);
  for (const id of ids) {
    const holding = lines.filter((line) => line.includes(id));
    expect(holding, id).toHaveLength(1);
    expect(holding[0]!.startsWith(`${id} `), id).toBe(true);
  }
}

async function cli(argv: string[], isTTY: boolean) {
  const io = { ...captureIo(LOG, env, AT), isTTY };
  const code = await main([...argv, '-c', file, '--at', AT.toISOString()], io);
  return { code, stdout: io.out(), stderr: io.err() };
}

describe('hostile tag values', () => {
  it('are read back from the emulator exactly as they were tagged', () => {
    for (const c of cases) expect(emulator.instance(c.id)!.Tags).toEqual(c.tags);
  });

  it('plan --json: one item each, skipped for the right reason, with the tag value kept exactly', async () => {
    const { code, stdout } = await cli(['plan', '--json'], false);
    expect(code).toBe(0);
    const items = stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const c of cases) {
      const mine = items.filter((item) => item.instanceId === c.id);
      expect(mine, c.id).toHaveLength(1);
      expect(mine[0], c.id).toMatchObject({ decision: 'skip', reason: c.reason, stoppedMode: null });
      expect(mine[0]!.schedule).toBe(c.tags[0]!.Value);
    }
    expect(items.filter((item) => item.decision === 'stop').map((item) => item.instanceId)).toEqual(CONTROLS);
  });

  it('plan for people: one table line per instance, nothing raw', async () => {
    const { code, stdout } = await cli(['plan'], true);
    expect(code).toBe(0);
    expectOneLinePerInstance(stdout, [...cases.map((c) => c.id), ...CONTROLS]);
    const rows = stdout.split('\n').filter((line) => line.startsWith('i-'));
    expect(rows).toHaveLength(cases.length + CONTROLS.length);
  });

  it('run --json: exactly one skipped outcome each, and only the controls stopped', async () => {
    const { code, stdout } = await cli(['run', '--json'], false);
    expect(code).toBe(0);
    const lines = stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const outcomes = lines.filter((line) => line.event === 'instance.outcome');
    for (const c of cases) {
      const mine = outcomes.filter((o) => o.instanceId === c.id);
      expect(mine, c.id).toHaveLength(1);
      expect(mine[0], c.id).toMatchObject({ outcome: 'skipped', reason: c.reason, attempts: 0 });
    }
    expect(outcomes.filter((o) => o.outcome === 'stopped').map((o) => o.instanceId)).toEqual(CONTROLS);
    expect(outcomes).toHaveLength(cases.length + CONTROLS.length);
    const summaries = lines.filter((line) => line.event === 'run.summary');
    expect(summaries).toHaveLength(1);
    expect(summaries[0]!.unknownSchedule).toBe(HOSTILE.length);
  });

  it('the emulator stopped the controls and nothing else', () => {
    for (const c of cases) {
      expect(emulator.instance(c.id), c.id).toMatchObject({ Status: 'RUNNING', stopAccepted: 0 });
    }
    for (const id of CONTROLS) expect(emulator.instance(id)!.stopAccepted).toBe(1);
    const stopped = emulator
      .calls()
      .filter((call) => call.action === 'StopInstances')
      .flatMap((call) => (call.results ?? []).map((r) => r.instanceId));
    expect(stopped.sort()).toEqual(CONTROLS);
  });

  it('run for people (again, nothing left to stop): one table line per instance, nothing raw', async () => {
    const { code, stdout, stderr } = await cli(['run'], true);
    expect(code).toBe(0);
    expectOneLinePerInstance(stdout, [...cases.map((c) => c.id), ...CONTROLS]);
    for (const line of stderr.split('\n').filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();
    for (const c of cases) expect(emulator.instance(c.id)!.stopAccepted).toBe(0);
  });
});
