/**
 * `npx lights-out emulator` runs the emulator as a grandchild of npx (npm exec → sh → node). Killing the process
 * that was started, the way a supervisor or a test harness does, must end the emulator too, not leave it
 * listening with no parent.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** True while something answers HTTP at `url`. */
function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(`${url}/_emulator/faults`, { timeout: 1_000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

/** Starts `command args` and resolves with the emulator's URL from its first stdout line. */
function startVia(command: string, args: string[]): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'], env: process.env });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve({ child, url: (JSON.parse(line) as { url: string }).url });
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      reject(new Error(`${command} exited with ${code} before the emulator listened`)),
    );
  });
}

/** Polls until nothing answers at `url`, at most `limitMs`; resolves with whether it went away. */
async function goneWithin(url: string, limitMs: number): Promise<boolean> {
  const endMs = Date.now() + limitMs;
  while (Date.now() < endMs) {
    if (!(await answers(url))) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

let started: ChildProcess | undefined;
afterEach(() => {
  started?.kill('SIGKILL');
  started = undefined;
});

describe('the emulator started through npx', () => {
  // SIGTERM, what `kill` and supervisors send. (After a SIGKILL of npx its `sh` may live on as the
  // emulator's parent; the emulator then ends when that shell does.)
  it.each([['SIGTERM']] as const)(
    'ends when the npx process that started it is killed with %s',
    async (signal) => {
      const { child, url } = await startVia('npx', ['--no-install', 'lights-out', 'emulator', '--port', '0']);
      started = child;
      expect(await answers(url)).toBe(true);
      child.kill(signal);
      // Bounded: the emulator polls its parent every 500 ms; 15 s is generous on a loaded machine.
      expect(await goneWithin(url, 15_000)).toBe(true);
    },
    30_000,
  );
});
