/**
 * `lights-out deploy` end to end against the emulator's veFaaS side: the first deploy creates the function and
 * its timer and releases; the second changes nothing; a new tick updates the timer; --dry-run makes no call;
 * --remove deletes; and no output, in any mode or error, holds a secret key.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../lib/cli/io.js';
import { main } from '../../../lib/cli/main.js';
import { type EmulatorHandle, generateFleet, startEmulator } from '../../../lib/emulator/index.js';
import { skippingClock } from '../../support/clock.js';

const DEPLOYER = { accessKeyId: 'AKLTdeployer000000000', secretKey: 'deployer-secret-0000-not-real' };
const FUNCTION = { accessKeyId: 'AKLTfunction000000000', secretKey: 'function-secret-0000-not-real' };
const SECRETS = [DEPLOYER.secretKey, FUNCTION.secretKey];

let emulator: EmulatorHandle;
let dir: string;
/** The deploys' release polls move this clock, the emulator's, instead of waiting a real second each. */
const clock = skippingClock();
/** Everything any deploy in this file wrote, for the secret check at the end. */
const written: string[] = [];

beforeAll(async () => {
  emulator = await startEmulator({
    fleet: {
      ...generateFleet({ count: 40, seed: 5, regions: ['cn-beijing', 'cn-shanghai'] }),
      credentials: [DEPLOYER, FUNCTION],
    },
    releaseMs: 30,
    now: clock.nowMs,
  });
  dir = await mkdtemp(join(tmpdir(), 'lights-out-deploy-'));
});

afterAll(async () => {
  await emulator?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    VOLC_ENDPOINT: emulator.url,
    VOLC_ACCESSKEY: DEPLOYER.accessKeyId,
    VOLC_SECRETKEY: DEPLOYER.secretKey,
    LIGHTS_OUT_FUNCTION_ACCESSKEY: FUNCTION.accessKeyId,
    LIGHTS_OUT_FUNCTION_SECRETKEY: FUNCTION.secretKey,
    ...extra,
  };
}

/** Runs `lights-out deploy ...args` in-process and returns its exit code, output and JSON lines. */
async function deploy(args: string[], options: { env?: NodeJS.ProcessEnv; tty?: boolean } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: { write: (chunk: string) => out.push(chunk) },
    stderr: { write: (chunk: string) => err.push(chunk) },
    env: options.env ?? env(),
    isTTY: options.tty ?? false,
    signal: new AbortController().signal,
    now: () => new Date(clock.nowMs()),
    clock,
  };
  const code = await main(['deploy', ...args], io);
  const stdout = out.join('');
  const stderr = err.join('');
  written.push(stdout, stderr);
  const lines = options.tty
    ? []
    : stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { code, stdout, stderr, lines };
}

function states(lines: Record<string, unknown>[]): string[] {
  return lines
    .filter((l) => l.event === 'deploy.step' && l.state !== 'running')
    .map((l) => `${l.step}:${l.state}`);
}

function callsSince(start: number): string[] {
  return emulator
    .calls()
    .slice(start)
    .map((c) => c.action);
}

async function configWithTick(tick: string): Promise<string> {
  const text = await readFile('schedules/lights-out.yaml', 'utf8');
  const file = join(dir, `lights-out-${tick}.yaml`);
  await writeFile(file, text.replace('\ntick: 5m\n', `\ntick: ${tick}\n`));
  return file;
}

describe('lights-out deploy against the emulator', () => {
  it('creates the function and a timer on */5 for tick 5m, releases, and reports each step', async () => {
    const start = emulator.calls().length;
    const { code, lines, stderr } = await deploy(['-c', 'schedules/lights-out.yaml']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(states(lines)).toEqual([
      'package:built',
      'function:created',
      'timer:created',
      'release:released',
      'deploy:done',
    ]);
    const [fn] = [...emulator.faas.functions.values()];
    expect(fn).toMatchObject({
      Name: 'lights-out',
      Runtime: 'node20/v1',
      MemoryMB: 512,
      RequestTimeout: 900,
    });
    expect(lines.at(-1)).toMatchObject({
      event: 'deploy.step',
      step: 'deploy',
      state: 'done',
      functionId: fn!.Id,
    });
    const [timer] = [...emulator.faas.timers.values()];
    expect(timer).toMatchObject({ FunctionId: fn!.Id, Type: 'timer', Crontab: '*/5 * * * *', Enabled: true });
    // The function runs on its own key; the deployer's key is nowhere in it.
    expect(Object.fromEntries(fn!.Envs.map((e) => [e.Key, e.Value]))).toEqual({
      VOLC_ACCESSKEY: FUNCTION.accessKeyId,
      VOLC_SECRETKEY: FUNCTION.secretKey,
      LIGHTS_OUT_CONFIG: 'config/lights-out.yaml',
    });
    expect(JSON.stringify(fn!.Envs)).not.toContain(DEPLOYER.accessKeyId);
    expect(callsSince(start)).toEqual(
      expect.arrayContaining(['ListFunctions', 'CreateFunction', 'ListTriggers', 'CreateTimer', 'Release']),
    );
    expect(
      emulator
        .calls()
        .slice(start)
        .every((c) => c.accessKeyId === DEPLOYER.accessKeyId),
    ).toBe(true);
  });

  it('changes nothing when run again with nothing changed', async () => {
    const start = emulator.calls().length;
    const { code, lines } = await deploy(['-c', 'schedules/lights-out.yaml']);
    expect(code).toBe(0);
    expect(states(lines)).toEqual([
      'package:built',
      'function:unchanged',
      'timer:unchanged',
      'release:skipped',
      'deploy:done',
    ]);
    const actions = callsSince(start);
    expect(actions).toEqual(['ListFunctions', 'GetFunction', 'ListTriggers', 'GetReleaseStatus']);
    expect(emulator.faas.functions.size).toBe(1);
    expect(emulator.faas.timers.size).toBe(1);
  });

  it('updates the function and the timer when the tick changes: * * * * * for 1m', async () => {
    const file = await configWithTick('1m');
    const { code, lines } = await deploy(['-c', file]);
    expect(code).toBe(0);
    expect(states(lines)).toEqual([
      'package:built',
      'function:updated',
      'timer:updated',
      'release:released',
      'deploy:done',
    ]);
    expect([...emulator.faas.timers.values()].map((t) => t.Crontab)).toEqual(['* * * * *']);
    expect(emulator.faas.functions.size).toBe(1);
  });

  it('makes no call with --dry-run, and prints the calls and the zip contents without a secret', async () => {
    const start = emulator.calls().length;
    const { code, lines, stdout } = await deploy(['-c', 'schedules/lights-out.yaml', '--dry-run']);
    expect(code).toBe(0);
    expect(emulator.calls().length).toBe(start);
    const calls = lines.filter((l) => l.event === 'deploy.call');
    expect(calls.map((c) => c.action)).toEqual(
      expect.arrayContaining(['ListFunctions', 'CreateFunction', 'UpdateFunction', 'CreateTimer', 'Release']),
    );
    const create = calls.find((c) => c.action === 'CreateFunction')!.body as Record<string, unknown>;
    expect(create).toMatchObject({ Name: 'lights-out', Runtime: 'node20/v1', SourceType: 'zip' });
    expect(create.Source).toMatch(/^<zip, \d+ bytes, sha256 [0-9a-f]{64}>$/);
    expect(create.Envs).toContainEqual({ Key: 'VOLC_SECRETKEY', Value: '[Redacted]' });
    expect(calls.find((c) => c.action === 'CreateTimer')!.body).toMatchObject({ Crontab: '*/5 * * * *' });
    const zip = lines.find((l) => l.event === 'deploy.zip') as { files: { name: string }[] };
    // Every chunk the build split off the handler goes with it (the unpack-and-run test below proves it is enough).
    const chunks = (await readdir('dist/stop-lib')).filter((name) => name.endsWith('.js'));
    expect(chunks.length).toBeGreaterThan(0);
    expect(zip.files.map((f) => f.name)).toEqual([
      'config/lights-out.yaml',
      'dist/package.json',
      ...chunks.sort().map((name) => `dist/stop-lib/${name}`),
      'dist/stop.js',
      'index.js',
    ]);
    for (const secret of SECRETS) expect(stdout).not.toContain(secret);

    const tty = await deploy(['-c', 'schedules/lights-out.yaml', '--dry-run'], { tty: true });
    expect(tty.code).toBe(0);
    expect(tty.stdout).toContain('Dry run: nothing is sent.');
    expect(tty.stdout).toMatch(/index\.js\s+\d/);
    expect(emulator.calls().length).toBe(start);
  });

  it('shows progress on a terminal, one line per step with its state', async () => {
    const { code, stdout } = await deploy(['-c', 'schedules/lights-out.yaml'], { tty: true });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ {2}function +updated /m);
    expect(stdout).toMatch(/^ {2}timer +updated +\*\/5 \* \* \* \*/m);
    expect(stdout).toMatch(/^Deployed lights-out in cn-beijing: function ID [0-9a-f]+$/m);
  });

  it("runs the deployed zip's handler, unpacked in a fresh process, on the timer's CloudEvent against ECS", async () => {
    const [fn] = [...emulator.faas.functions.values()];
    const [timer] = [...emulator.faas.timers.values()];
    const unpacked = join(dir, 'unpacked');
    for (const [name, bytes] of Object.entries(unzipSync(fn!.code))) {
      await mkdir(dirname(join(unpacked, name)), { recursive: true });
      await writeFile(join(unpacked, name), bytes);
    }
    // The CloudEvent veFaaS delivers for this timer at 15:30 UTC (23:30 in Asia/Shanghai: nightly fires).
    const event = {
      id: 'evt-1',
      source: `/faas/event/timer/${timer!.Id}`,
      specversion: '1.0',
      type: 'faas.timer.event',
      time: '2026-03-09T15:30:00Z',
      datacontenttype: 'application/octet-stream',
      data: timer!.Payload,
    };
    // As the node20/v1 runtime does: require index.js from the code's root and call exports.handler.
    const script = `require('./index.js').handler(${JSON.stringify(event)}, { requestId: 'vefaas-req-1' }).then(
      (summary) => process.stdout.write(JSON.stringify({ summary }) + '\\n'),
      (error) => process.stdout.write(JSON.stringify({ error: error.message }) + '\\n'));`;
    const functionEnv = Object.fromEntries(fn!.Envs.map((e) => [e.Key, e.Value]));
    const before = emulator.calls().length;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
      cwd: unpacked,
      env: { PATH: process.env.PATH, ...functionEnv, VOLC_ENDPOINT: emulator.url },
      timeout: 60_000,
    });
    const lines = stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const result = lines.find((l) => 'summary' in l || 'error' in l) as {
      summary: { fires: unknown[]; outcomes: Record<string, number> };
    };
    expect(result.summary.fires).toEqual([
      { schedule: 'nightly', fireTime: '2026-03-09T15:30:00.000Z', action: 'stop' },
    ]);
    expect(result.summary.outcomes.stopped).toBeGreaterThan(0);
    expect(lines.find((l) => l.event === 'invocation.start')).toMatchObject({
      source: 'vefaas-timer',
      requestId: 'vefaas-req-1',
    });
    expect(lines.some((l) => l.event === 'timer.off-grid')).toBe(false);
    const ecs = emulator.calls().slice(before);
    expect(ecs.some((c) => c.action === 'StopInstances')).toBe(true);
    expect(ecs.every((c) => c.accessKeyId === FUNCTION.accessKeyId)).toBe(true);
  });

  it('refuses without the function key, or with the deployer key as the function key (exit 2, no call)', async () => {
    const start = emulator.calls().length;
    const missing = await deploy(['-c', 'schedules/lights-out.yaml'], {
      env: env({ LIGHTS_OUT_FUNCTION_SECRETKEY: '' }),
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('LIGHTS_OUT_FUNCTION_SECRETKEY');
    const same = await deploy(['-c', 'schedules/lights-out.yaml'], {
      env: env({
        LIGHTS_OUT_FUNCTION_ACCESSKEY: DEPLOYER.accessKeyId,
        LIGHTS_OUT_FUNCTION_SECRETKEY: DEPLOYER.secretKey,
      }),
    });
    expect(same.code).toBe(2);
    expect(same.stderr).toContain("the deployer's own key");
    const sameDry = await deploy(['-c', 'schedules/lights-out.yaml', '--dry-run'], {
      env: env({ LIGHTS_OUT_FUNCTION_SECRETKEY: DEPLOYER.secretKey }),
    });
    expect(sameDry.code).toBe(2);
    const noDeployer = await deploy(['-c', 'schedules/lights-out.yaml'], {
      env: env({ VOLC_SECRETKEY: '' }),
    });
    expect(noDeployer.code).toBe(2);
    expect(noDeployer.stderr).toContain('VOLC_SECRETKEY');
    expect(emulator.calls().length).toBe(start);
  });

  it('exits 1 when the platform refuses, naming the call and never the key', async () => {
    const wrong = await deploy(['-c', 'schedules/lights-out.yaml'], {
      env: env({ VOLC_SECRETKEY: 'a-wrong-secret-for-the-deployer' }),
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('ListFunctions in cn-beijing: SignatureDoesNotMatch');
    expect(wrong.lines.at(-1)).toMatchObject({
      event: 'deploy.step',
      state: 'failed',
      errorCode: 'SignatureDoesNotMatch',
    });
    expect(wrong.stdout + wrong.stderr).not.toContain('a-wrong-secret-for-the-deployer');
  });

  it('exits 2 for usage and configuration errors', async () => {
    expect((await deploy(['--region', 'cn-bejing'])).code).toBe(2);
    expect((await deploy(['--remove', '--dry-run'])).code).toBe(2);
    expect((await deploy(['--memory', '12'])).code).toBe(2);
    const bad = await deploy(['-c', 'test/fixtures/config/invalid/bad-cron.yaml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad-cron\.yaml:\d+:\d+: /);
  });

  it('removes the timer and the function with --remove, and finds nothing the second time', async () => {
    const first = await deploy(['--remove']);
    expect(first.code).toBe(0);
    expect(states(first.lines)).toEqual(['timer:deleted', 'function:deleted', 'deploy:done']);
    expect(emulator.faas.functions.size).toBe(0);
    expect(emulator.faas.timers.size).toBe(0);
    const again = await deploy(['--remove']);
    expect(again.code).toBe(0);
    expect(states(again.lines)).toEqual(['function:absent']);
  });

  it('never wrote a secret key, in any mode or error', () => {
    const all = written.join('\n');
    expect(all.length).toBeGreaterThan(0);
    for (const secret of [...SECRETS, 'a-wrong-secret-for-the-deployer']) expect(all).not.toContain(secret);
  });
});
