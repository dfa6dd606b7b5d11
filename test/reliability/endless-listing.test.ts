/**
 * A server that never stops paging (the `endlessListing` fault: every page 100 new instances, TotalCount
 * 300, a new NextToken forever). Before, lights-out kept paging for minutes while its memory grew. Now the
 * listing stops at the first page that takes the instances past the TotalCount the pages announced, the
 * run fails with a clear error, and, measured in a child process running the real command, its peak memory
 * stays far under 200 MB. The first page's count (300) is within the guard, so listing overlaps stopping:
 * the 300 instances listed before the fourth page are planned and get their outcome lines (their tag names no
 * schedule: `unknown-schedule`, so nothing is stopped), none after.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startEmulator } from '../../lib/emulator/index.js';
import { emulatorEnv } from '../support/emulator-env.js';
import { expectNoSecret, linesOf, runningFleet, startHarness } from '../support/harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MESSAGE =
  /DescribeInstances in cn-beijing: InvalidResponse: the pages hold 400 instances, more than the TotalCount of 300 they announced; listing stopped after 4 page\(s\)/;

describe('an endless token stream', () => {
  it('fails the listing after the fourth page, and the run with it, having planned only what was listed before', async () => {
    const h = await startHarness({ fleet: runningFleet(50), faults: { endlessListing: true } });
    const error = await h.run().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'VolcApiError', code: 'InvalidResponse', retryable: false });
    expect((error as Error).message).toMatch(MESSAGE);
    const calls = h.emulator.calls();
    // The region check first, then the four pages of the listing; nothing to stop on the first three.
    expect(calls.map((c) => c.action)).toEqual(['DescribeRegions', ...Array(4).fill('DescribeInstances')]);
    const [summary, ...more] = linesOf(h.log.lines, 'run.summary');
    expect(more).toEqual([]);
    expect(summary).toMatchObject({
      level: 'error',
      errorCode: 'InvalidResponse',
      overlapped: true,
      apiCalls: { DescribeInstances: 4 },
    });
    const outcomes = linesOf(h.log.lines, 'instance.outcome');
    expect(outcomes).toHaveLength(300);
    expect(outcomes.every((l) => l.outcome === 'skipped' && l.reason === 'unknown-schedule')).toBe(true);
    expectNoSecret(h.emulator.credentials.secretKey, h.log.raw, h.errors);
  });

  it('ends `lights-out run` with exit 1, the error on stderr, and a peak RSS under 200 MB', async () => {
    const emulator = await startEmulator({ fleet: runningFleet(50), faults: { endlessListing: true } });
    const dir = mkdtempSync(join(tmpdir(), 'lights-out-endless-'));
    onTestFinished(async () => {
      await emulator.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const configFile = join(dir, 'lights-out.yaml');
    // The shipped rate limit and retry settings: only the emulator is hostile.
    writeFileSync(
      configFile,
      'version: 1\nregions: [cn-beijing]\nschedules:\n  nightly: { stop: "0 22 * * *" }\n',
    );
    const rssFile = join(dir, 'rss');
    const child = spawn(
      process.execPath,
      [
        '--import',
        join(ROOT, 'test/support/report-rss.mjs'),
        'bin/lights-out.js',
        'run',
        '-c',
        configFile,
        '--at',
        '2026-03-09T22:00:00Z',
        '--json',
      ],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH, ...emulatorEnv(emulator), LIGHTS_OUT_TEST_RSS_FILE: rssFile },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(stderr).toMatch(MESSAGE);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
    const summary = stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.event === 'run.summary');
    expect(summary).toMatchObject({ errorCode: 'InvalidResponse', apiCalls: { DescribeInstances: 4 } });
    expect(emulator.calls().filter((c) => c.action === 'StopInstances')).toEqual([]);
    const peakRssMiB = Number(readFileSync(rssFile, 'utf8')) / 1024;
    console.info(`endless listing: lights-out run peaked at ${peakRssMiB.toFixed(1)} MiB RSS`);
    expect(peakRssMiB).toBeGreaterThan(0);
    expect(peakRssMiB).toBeLessThan(200);
  }, 30_000);
});
