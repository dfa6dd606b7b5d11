/**
 * The bad-configuration corpus, end to end: every file of test/fixtures/config/invalid, plus generated ones (a
 * file over 1 MiB, a long file with problems far down, a missing file, a directory), is refused with exactly its
 * `FILE:LINE:COLUMN: message` issues by loadConfig, by `lights-out run` and `plan`, and by the stop handler,
 * and none of them sends a single API call to the emulator they are pointed at.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main.js';
import { loadConfig, MAX_CONFIG_BYTES } from '../../lib/config/index.js';
import { type EmulatorHandle, generateFleet, startEmulator } from '../../lib/emulator/index.js';
import { ConfigError, formatConfigIssue } from '../../lib/errors.js';
import { createLogger } from '../../lib/logger.js';
import { createClientPool, createStopHandler, loadOnce } from '../../lib/run/index.js';
import { emulatorEnv } from '../support/emulator-env.js';
import { captureIo, captureLog } from '../support/test-log.js';

const INVALID = 'test/fixtures/config/invalid';
const LOG = 'reliability-bad-config';
/** Monday 2026-03-09 23:30 in Asia/Shanghai. */
const AT = new Date('2026-03-09T15:30:00Z');
/** Schedules in the generated long file; each takes two lines. */
const LONG_SCHEDULES = 2000;
const LONG_BAD_CRON = 1234;

/** A bad file and the issues it must give, as full lines; a line ending in `...` is matched as a prefix. */
interface BadFile {
  name: string;
  file: string;
  expected: string[];
}

/** The `# expect: LINE:COLUMN: message` comments of a fixture (see its README), as full issue lines. */
async function fixtureCase(name: string): Promise<BadFile> {
  const file = join(INVALID, name);
  const expected = (await readFile(file, 'utf8'))
    .split('\n')
    .filter((line) => line.startsWith('# expect: '))
    .map((line) => `${file}:${line.slice('# expect: '.length)}`);
  return { name, file, expected };
}

const VALID = 'version: 1\nregions: [cn-beijing]\nschedules:\n  nightly:\n    stop: "30 23 * * *"\n';

/** Files made at test time: too big to commit, or not files at all. */
async function generatedCases(dir: string): Promise<BadFile[]> {
  const huge = join(dir, 'huge.yaml');
  const hugeBytes = MAX_CONFIG_BYTES + 4096;
  await writeFile(huge, `${VALID}#${'x'.repeat(hugeBytes - VALID.length - 2)}\n`);

  // A long file whose problems sit thousands of lines down: a bad cron, and a name used again at the end.
  const long = join(dir, 'long.yaml');
  const lines = ['version: 1', 'regions: [cn-beijing]', 'timezone: Asia/Shanghai', 'schedules:'];
  for (let i = 0; i < LONG_SCHEDULES; i++) {
    lines.push(`  s${i}:`, `    stop: "${i === LONG_BAD_CRON ? '0 25 * * *' : `${i % 60} ${i % 24} * * *`}"`);
  }
  lines.push('  s0:', '    stop: "0 1 * * *"');
  await writeFile(long, `${lines.join('\n')}\n`);
  const badCronLine = 6 + 2 * LONG_BAD_CRON;
  const duplicateLine = 5 + 2 * LONG_SCHEDULES;

  const folder = join(dir, 'a-folder.yaml');
  await mkdir(folder);
  const missing = join(dir, 'missing.yaml');
  return [
    {
      name: 'huge.yaml (generated, over 1 MiB)',
      file: huge,
      expected: [
        `${huge}:1:1: the file is ${hugeBytes} bytes; configuration files are limited to ${MAX_CONFIG_BYTES} bytes (1 MiB)`,
      ],
    },
    {
      name: `long.yaml (generated, ${lines.length} lines)`,
      file: long,
      expected: [
        `${long}:${badCronLine}:11: invalid cron expression '0 25 * * *': ...`,
        `${long}:${duplicateLine}:3: duplicate schedule name 's0' (first defined at line 5)`,
      ],
    },
    {
      name: 'a directory',
      file: folder,
      expected: [`${folder}:1:1: cannot read the configuration: not a regular file`],
    },
    {
      name: 'a missing file',
      file: missing,
      expected: [`${missing}:1:1: cannot read the configuration: file not found`],
    },
  ];
}

function expectIssues(actual: readonly string[], expected: readonly string[]): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((line, index) => {
    if (line.endsWith('...')) expect(actual[index]!.startsWith(line.slice(0, -3))).toBe(true);
    else expect(actual[index]).toBe(line);
  });
}

// The cases are known before the tests are collected, so that each file gets its own tests.
const dir = await mkdtemp(join(tmpdir(), 'lights-out-bad-config-'));
const fixtureNames = (await readdir(INVALID)).filter((name) => name.endsWith('.yaml')).sort();
const cases: BadFile[] = [
  ...(await Promise.all(fixtureNames.map(fixtureCase))),
  ...(await generatedCases(dir)),
];

let emulator: EmulatorHandle;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  emulator = await startEmulator({
    fleet: generateFleet({ count: 40, seed: 3, regions: ['cn-beijing', 'cn-shanghai'] }),
    faults: { transitionMs: 0 },
  });
  env = emulatorEnv(emulator);
});

afterAll(async () => {
  await emulator?.close();
  await rm(dir, { recursive: true, force: true });
});

/** The API calls made while `body` runs. */
async function callsDuring(body: () => Promise<void>) {
  const before = emulator.calls().length;
  await body();
  return emulator.calls().slice(before);
}

describe('the bad configuration corpus', () => {
  it('holds every kind of mistake the issue names', () => {
    const names = cases.map((c) => c.name);
    for (const kind of [
      'syntax-error.yaml',
      'bad-indentation.yaml',
      'unclosed-quote.yaml',
      'tab-indentation.yaml',
      'duplicate-keys.yaml',
      'bad-types.yaml',
      'wrong-shapes.yaml',
      'unknown-keys.yaml',
      'bad-cron.yaml',
      'bad-timezones.yaml',
      'duplicate-schedule.yaml',
      'credentials.yaml',
    ]) {
      expect(names).toContain(kind);
    }
    expect(names.some((name) => name.startsWith('huge.yaml'))).toBe(true);
    for (const c of cases) expect(c.expected.length, c.name).toBeGreaterThan(0);
  });

  it('reaches the emulator from a valid configuration, so the zero-call checks below mean something', async () => {
    const valid = join(dir, 'valid.yaml');
    await writeFile(valid, VALID);
    const io = captureIo(LOG, env, AT);
    const calls = await callsDuring(async () => {
      expect(await main(['run', '-c', valid, '--json', '--dry-run', '--schedule', 'nightly'], io)).toBe(0);
    });
    expect(calls.map((c) => c.action)).toContain('DescribeInstances');
    // A dry run reads only: the region check and the listing.
    expect(calls.filter((c) => c.action !== 'DescribeInstances' && c.action !== 'DescribeRegions')).toEqual(
      [],
    );
  });
});

describe.each(cases)('$name', (bad) => {
  it('loadConfig throws a ConfigError with exactly the expected FILE:LINE:COLUMN issues', async () => {
    const error = await loadConfig(bad.file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const { issues } = error as ConfigError;
    for (const issue of issues) {
      expect(issue.file).toBe(bad.file);
      expect(issue.line).toBeGreaterThanOrEqual(1);
      expect(issue.column).toBeGreaterThanOrEqual(1);
    }
    const lines = issues.map(formatConfigIssue);
    for (const line of lines) expect(line).not.toMatch(/[\n\r]/);
    expectIssues(lines, bad.expected);
  });

  it.each([
    ['run', '--json'],
    ['plan', '--json'],
  ])('lights-out %s exits 2 with the issues on stderr and sends no API call', async (command, flag) => {
    const io = captureIo(LOG, env, AT);
    let code = -1;
    const calls = await callsDuring(async () => {
      code = await main([command, '-c', bad.file, flag], io);
    });
    expect(code).toBe(2);
    expect(calls).toEqual([]);
    expect(io.out()).toBe('');
    expect(io.err().endsWith('\n')).toBe(true);
    expectIssues(io.err().slice(0, -1).split('\n'), bad.expected);
  });

  it('fails a handler invocation before any API call', async () => {
    const log = captureLog(LOG);
    let clientsBuilt = 0;
    const handler = createStopHandler({
      config: loadOnce(() => loadConfig(bad.file)),
      clients: (config) => {
        clientsBuilt += 1;
        return createClientPool(config, { env });
      },
      logger: createLogger({ destination: log.destination as never }),
      nowMs: () => AT.getTime(),
      sleep: async () => {},
      random: () => 0.5,
    });
    let error: unknown;
    const calls = await callsDuring(async () => {
      const event = { 'detail-type': 'Scheduled Event', source: 'aws.events', time: AT.toISOString() };
      error = await handler(event as never).catch((e: unknown) => e);
    });
    expect(error).toBeInstanceOf(ConfigError);
    expectIssues((error as ConfigError).issues.map(formatConfigIssue), bad.expected);
    expect(calls).toEqual([]);
    expect(clientsBuilt).toBe(0);
    const failed = log.lines.filter((line) => line.event === 'invocation.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.errorCode).toBe('ConfigInvalid');
  });
});

describe('after the whole corpus', () => {
  it('the emulator stopped nothing', () => {
    for (const instance of emulator.instances()) expect(instance.stopAccepted).toBe(0);
  });
});
