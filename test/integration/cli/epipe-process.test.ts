/**
 * `lights-out run | head` and friends: a real child process whose stdout reader goes away. The child must
 * neither die with a stack trace nor stop acting: it finishes its work and exits with its usual status.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type EmulatorHandle, generateFleet, startEmulator } from '../../../lib/emulator/index.js';
import { cli, emulatorEnv } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Runs `bin/lights-out.js args` and closes its stdout after the first chunk (or at once with `atOnce`).
 * Resolves with the exit code and everything written on stderr.
 */
function runClosingStdout(
  args: string[],
  env: NodeJS.ProcessEnv,
  atOnce = false,
): Promise<{ code: number | null; stderr: string; chunks: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/lights-out.js', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let chunks = 0;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    if (atOnce) child.stdout.destroy();
    else
      child.stdout.on('data', () => {
        chunks += 1;
        child.stdout.destroy();
      });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr, chunks }));
  });
}

let dir = '';
let emulator: EmulatorHandle | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a closed stdout (EPIPE)', () => {
  it.each([
    [
      'next, closed after the first chunk',
      // A year of fires is some 300 KB of JSON, several times a pipe's 64 KB buffer.
      ['next', '-c', 'schedules/lights-out.yaml', '--days', '366', '--json'],
      false,
    ],
    [
      'next, closed before it writes',
      ['next', '-c', 'schedules/lights-out.yaml', '--days', '30', '--json'],
      true,
    ],
    ['demo, closed after the first chunk', ['demo', '--json'], false],
    ['demo, closed before it writes', ['demo', '--json'], true],
  ])(
    '%s: exits 0 without a stack trace',
    async (_, args, atOnce) => {
      const { code, stderr } = await runClosingStdout(args as string[], {}, atOnce as boolean);
      expect(stderr).not.toMatch(/EPIPE|Error| {4}at /);
      expect(code).toBe(0);
    },
    60_000,
  );

  it('run keeps stopping every instance after its reader has gone, and exits 0', async () => {
    // Enough instances that the outcome lines overflow a pipe's buffer long before the run ends: over 1000
    // outcome lines of some 300 bytes each, several times a pipe's 64 KB buffer.
    const fleet = () =>
      generateFleet({ count: 1500, seed: 7, regions: ['cn-beijing'], schedules: ['nightly'] });
    emulator = await startEmulator({ fleet: fleet() });
    dir = await mkdtemp(join(tmpdir(), 'lights-out-epipe-'));
    const config = join(dir, 'config.yaml');
    await writeFile(
      config,
      [
        'version: 1',
        'regions: [cn-beijing]',
        'guard: { maxInstancesPerRun: 5000 }',
        'rateLimit: { qps: 1000 }',
        'schedules:',
        '  nightly: { stop: "0 22 * * *" }',
        '',
      ].join('\n'),
    );
    // What the same run stops when nobody closes its output (in-process, on an identical fleet).
    const reference = await startEmulator({ fleet: fleet() });
    const quiet = await cli(['run', '-c', config, '--json', '--schedule', 'nightly'], {
      env: emulatorEnv(reference),
      now: new Date(),
    });
    expect(quiet.code).toBe(0);
    const stoppedIn = (e: EmulatorHandle) =>
      e
        .instances()
        .filter((i) => i.stopAccepted > 0)
        .map((i) => i.InstanceId)
        .sort();
    const expected = stoppedIn(reference);
    await reference.close();
    expect(expected.length).toBeGreaterThan(1000);
    const { code, stderr, chunks } = await runClosingStdout(
      ['run', '-c', config, '--json', '--schedule', 'nightly'],
      emulatorEnv(emulator),
    );
    expect(chunks).toBe(1);
    expect(stderr).not.toMatch(/EPIPE|Error| {4}at /);
    expect(code).toBe(0);
    expect(stoppedIn(emulator)).toEqual(expected);
  }, 120_000);
});
