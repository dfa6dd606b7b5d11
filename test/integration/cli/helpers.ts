/** In-process CLI runs against a real emulator: a fake io that records output, config files in a temp dir. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { CliIo } from '../../../lib/cli/io.js';
import { main } from '../../../lib/cli/main.js';
import { type EmulatorHandle, type Fleet, startEmulator } from '../../../lib/emulator/index.js';
import { emulatorEnv } from '../../support/emulator-env.js';

export { emulatorEnv };

/** What one `main([...])` call printed and returned. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `lights-out ...argv` in-process with a recording io, and checks that no output holds the secret key. */
export async function cli(
  argv: string[],
  options: { env: NodeJS.ProcessEnv; now: Date; isTTY?: boolean },
): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: { write: (chunk: string) => out.push(chunk) },
    stderr: { write: (chunk: string) => err.push(chunk) },
    env: options.env,
    isTTY: options.isTTY ?? false,
    signal: new AbortController().signal,
    now: () => options.now,
  };
  const code = await main(argv, io);
  // Whatever the command did, the secret key it was given never comes out.
  const secret = options.env.VOLC_SECRETKEY;
  if (secret) expect(out.join('') + err.join('')).not.toContain(secret);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/** Parses JSON lines, failing on any line that is not JSON. */
export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** A temp dir for config files, and an emulator started per test. */
export function cliFixture() {
  let dir = '';
  let emulator: EmulatorHandle | undefined;
  let written = 0;
  return {
    async setUp() {
      dir = await mkdtemp(join(tmpdir(), 'lights-out-cli-'));
    },
    async tearDown() {
      await emulator?.close();
      emulator = undefined;
      await rm(dir, { recursive: true, force: true });
    },
    async start(fleet: Fleet): Promise<EmulatorHandle> {
      await emulator?.close();
      emulator = await startEmulator({ fleet, faults: { transitionMs: 0 } });
      return emulator;
    },
    /** Writes a configuration file and returns its path. */
    async config(text: string): Promise<string> {
      const file = join(dir, `config-${++written}.yaml`);
      await writeFile(file, text);
      return file;
    },
  };
}
