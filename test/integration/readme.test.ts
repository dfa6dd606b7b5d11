/**
 * Every command the README shows is run here (or is one of the npm scripts CI and other tests run), so the README
 * cannot drift from what the tool accepts. `lights-out` commands run in-process against an emulator holding the
 * demo fleet; the long-running ones (emulator, daemon) are stopped once they have said they are up.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main.js';
import { type EmulatorHandle, loadFleet, startEmulator } from '../../lib/emulator/index.js';
import { skippingClock } from '../support/clock.js';
import { emulatorEnv } from '../support/emulator-env.js';
import { captureIo } from '../support/test-log.js';

const ROOT = new URL('../../', import.meta.url);
const NOW = new Date('2026-03-09T10:00:00Z');
/** Scripts whose README commands are exercised elsewhere: by .ci/run itself, or by named tests. */
const SCRIPTS_RUN_ELSEWHERE: Record<string, string> = {
  ci: '.ci/run',
  test: '.ci/run',
  typecheck: '.ci/run',
  lint: '.ci/run',
  start: 'test/integration/cli/demo-process.test.ts (node bin/lights-out.js demo)',
  package: 'test/integration/package/serverless.test.ts',
  bench: 'run by hand; its pure parts by test/unit/bench',
  build: 'test/support/global-setup.ts',
  schema: 'test/unit/config/json-schema.test.ts (generates what it writes and compares the shipped file)',
};
/** Commands that need what no test has: an AWS account. */
const NEEDS_CLOUD = [/^npx osls deploy\b/];

/** The commands of the README's `sh` blocks, comments and line continuations removed. */
async function readmeCommands(): Promise<string[]> {
  const text = await readFile(new URL('README.md', ROOT), 'utf8');
  const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks
    .flatMap((block) => block.replace(/\\\n/g, ' ').split('\n'))
    .map((line) => line.replace(/\s#.*$/, '').trim())
    .filter((line) => line !== '');
}

/** Splits `A=1 B=2 npx lights-out cmd --x y` into its environment and arguments (no quoting is used). */
function parseCommand(line: string): { env: Record<string, string>; words: string[] } {
  const words = line.split(/\s+/);
  const env: Record<string, string> = {};
  while (words[0] !== undefined && /^[A-Z_]+=/.test(words[0])) {
    const [name, value] = words.shift()!.split(/=(.*)/s) as [string, string];
    env[name] = value;
  }
  return { env, words };
}

let emulator: EmulatorHandle;
let commands: string[];
/** The emulator's clock, which a deploy's release polls move instead of waiting a real second each. */
const clock = skippingClock();
/** The function's own key pair for the README's `deploy` commands (the emulator knows it as a second pair). */
const FUNCTION_KEY = { accessKeyId: 'AKLTreadmefunction0000', secretKey: 'readme-function-secret-not-real' };

beforeAll(async () => {
  commands = await readmeCommands();
  const fleet = await loadFleet('schedules/demo-fleet.yaml');
  emulator = await startEmulator({
    fleet: { ...fleet, credentials: [...fleet.credentials, FUNCTION_KEY] },
    faults: { transitionMs: 0 },
    now: clock.nowMs,
  });
});
afterAll(async () => emulator?.close());

async function runLightsOut(args: string[], extraEnv: Record<string, string>) {
  const env = {
    ...emulatorEnv(emulator),
    LIGHTS_OUT_FUNCTION_ACCESSKEY: FUNCTION_KEY.accessKeyId,
    LIGHTS_OUT_FUNCTION_SECRETKEY: FUNCTION_KEY.secretKey,
    ...Object.fromEntries(Object.entries(extraEnv).filter(([, v]) => v !== '...')),
  };
  // The emulator prints its own (fake) key pair by contract: that output is not kept for the secret scan.
  const io = captureIo(args[0] === 'emulator' ? '' : 'readme', env, NOW);
  const controller = new AbortController();
  const longRunning = args[0] === 'emulator' || args[0] === 'daemon';
  // The README's fixed emulator port may be taken on a test machine; the command is otherwise the same.
  const portAt = args.indexOf('--port');
  if (portAt >= 0) args[portAt + 1] = '0';
  const write = io.stdout.write.bind(io.stdout);
  io.stdout.write = (chunk: string) => {
    const result = write(chunk);
    if (longRunning) controller.abort();
    return result;
  };
  const code = await main(args, { ...io, signal: controller.signal, clock });
  return { code, out: io.out(), err: io.err() };
}

describe('the commands in README.md', () => {
  it('shows lights-out commands, and each one runs', async () => {
    const lightsOut = commands.filter(
      (c) => parseCommand(c).words.slice(0, 2).join(' ') === 'npx lights-out',
    );
    expect(lightsOut.length).toBeGreaterThanOrEqual(8);
    expect(lightsOut.filter((c) => c.includes('npx lights-out deploy'))).toHaveLength(3);
    for (const command of lightsOut) {
      const { env, words } = parseCommand(command);
      const result = await runLightsOut(words.slice(2), env);
      expect({ command, code: result.code, err: result.err }).toMatchObject({ command, code: 0 });
      if (words[3] === undefined && words[2] === 'deploy')
        expect(emulator.faas.functions.size, command).toBe(1);
      if (words[3] === '--remove') expect(emulator.faas.functions.size, command).toBe(0);
      if (words[2] !== 'emulator') expect(result.out, command).not.toContain(emulator.credentials.secretKey);
      expect(result.out + result.err, command).not.toContain(FUNCTION_KEY.secretKey);
    }
  });

  it('shows only npm scripts that exist and are run by CI or a test', async () => {
    const pkg = JSON.parse(await readFile(new URL('package.json', ROOT), 'utf8'));
    const npm = commands.filter((c) => c.startsWith('npm '));
    expect(npm).toContain('npm ci');
    expect(npm).toContain('npm test');
    for (const command of npm) {
      const [, verb, script] = command.split(/\s+/);
      const name = verb === 'run' ? script! : verb!;
      if (name !== 'ci') expect(pkg.scripts, command).toHaveProperty(name);
      expect(SCRIPTS_RUN_ELSEWHERE, command).toHaveProperty(name);
    }
  });

  it('shows no other command, except deployment, which needs a cloud account', () => {
    const other = commands.filter(
      (c) => !c.startsWith('npm ') && !parseCommand(c).words.join(' ').startsWith('npx lights-out'),
    );
    for (const command of other)
      expect(
        NEEDS_CLOUD.some((re) => re.test(command)),
        command,
      ).toBe(true);
  });
});
