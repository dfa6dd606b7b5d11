/**
 * `lights-out daemon` in-process against the emulator. Time is never waited for: one test uses the real
 * node-cron ticker and only starts and stops; the others hand the command a ticker whose ticks the test fires.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getTasks } from 'node-cron';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDaemonCommand } from '../../../lib/cli/daemon.js';
import type { CliIo } from '../../../lib/cli/io.js';
import { main } from '../../../lib/cli/main.js';
import type { OnTick, Ticker } from '../../../lib/daemon/index.js';
import { type EmulatorHandle, generateFleet, startEmulator } from '../../../lib/emulator/index.js';
import { ConfigError } from '../../../lib/errors.js';
import { emulatorEnv } from '../../support/emulator-env.js';
import { inst } from '../emulator/helpers.js';

type Line = Record<string, unknown>;

const CONFIG = `
version: 1
regions: [cn-beijing]
timezone: Asia/Shanghai
schedules:
  office-hours: { stop: ["0 22 * * 1-5", "0 23 * * 6"] }
  nightly: { stop: "30 23 * * *" }
  weekend: { stop: "0 20 * * 5", timezone: Europe/Berlin }
`;

/** An io whose stdout is parsed as JSON lines (a line that is not JSON fails the test). */
function daemonIo(env: NodeJS.ProcessEnv, now: Date) {
  const controller = new AbortController();
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: { write: (chunk: string) => out.push(chunk) },
    stderr: { write: (chunk: string) => err.push(chunk) },
    env,
    isTTY: true, // the daemon logs JSON lines even on a terminal
    signal: controller.signal,
    now: () => now,
  };
  const lines = (): Line[] =>
    out
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Line);
  const events = (event: string) => lines().filter((l) => l.event === event);
  return { io, abort: () => controller.abort(), out, err, lines, events };
}

function fakeTicker() {
  const crons: { cron: string; onTick: OnTick }[] = [];
  const ticker: Ticker = {
    start(cron, onTick) {
      crons.push({ cron, onTick });
      return { stop: () => {} };
    },
  };
  return { ticker, crons };
}

let dir: string;
let emulator: EmulatorHandle;
let env: NodeJS.ProcessEnv;
let configFile: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lights-out-daemon-'));
  configFile = join(dir, 'lights-out.yaml');
  await writeFile(configFile, CONFIG);
  emulator = await startEmulator({
    fleet: generateFleet({ count: 80, seed: 11, regions: ['cn-beijing'] }),
    faults: { transitionMs: 0 },
  });
  env = emulatorEnv(emulator);
});

afterEach(async () => {
  await emulator.close();
  await rm(dir, { recursive: true, force: true });
});

describe('lights-out daemon', () => {
  it('starts with node-cron, logs daemon.started, and exits 0 on the signal with no task left behind', async () => {
    const tasksBefore = getTasks().size;
    const d = daemonIo(env, new Date('2026-03-09T00:00:00Z'));
    const exit = main(['daemon', '-c', configFile], d.io);
    await expect.poll(() => d.events('daemon.started').length).toBe(1);
    expect(getTasks().size).toBe(tasksBefore + 1); // one node-cron task, on the tick
    expect(d.events('daemon.started')[0]).toMatchObject({
      level: 'info',
      config: configFile,
      tick: { ms: 300_000, cron: '*/5 * * * *', timezone: 'UTC' },
      schedules: [
        {
          name: 'office-hours',
          stop: ['0 22 * * 1-5', '0 23 * * 6'],
          timezone: 'Asia/Shanghai',
          nextFire: '2026-03-09T14:00:00.000Z',
        },
        { name: 'nightly', stop: ['30 23 * * *'], timezone: 'Asia/Shanghai' },
        {
          name: 'weekend',
          stop: ['0 20 * * 5'],
          timezone: 'Europe/Berlin',
          nextFire: '2026-03-13T19:00:00.000Z',
        },
      ],
    });
    d.abort();
    expect(await exit).toBe(0);
    expect(d.lines().map((l) => l.event)).toEqual(['daemon.started', 'daemon.stopping', 'daemon.stopped']);
    expect(getTasks().size).toBe(tasksBefore);
    expect(d.err).toEqual([]);
    expect(d.out.join('')).not.toContain(emulator.credentials.secretKey);
  });

  it('runs the fires of each tick, with their scheduled fire times, as the handler does', async () => {
    const fake = fakeTicker();
    const d = daemonIo(env, new Date('2026-03-09T15:00:00Z'));
    const exit = createDaemonCommand({ ticker: fake.ticker }).run(['-c', configFile], d.io);
    await expect.poll(() => d.events('daemon.started').length).toBe(1);
    expect(fake.crons.map((c) => c.cron)).toEqual(['*/5 * * * *']);
    fake.crons[0]!.onTick(new Date('2026-03-09T15:30:00Z')); // 23:30 in Shanghai
    await expect.poll(() => d.events('run.summary').length).toBe(1);
    const [summary] = d.events('run.summary');
    expect(summary).toMatchObject({ fires: [{ schedule: 'nightly', fireTime: '2026-03-09T15:30:00.000Z' }] });
    const outcomes = d.events('instance.outcome');
    expect(outcomes.length).toBeGreaterThan(0);
    const counted = Object.values(summary!.outcomes as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(outcomes).toHaveLength(counted);
    const live = new Map(emulator.instances().map((i) => [i.InstanceId, i]));
    const stopped = outcomes.filter((o) => o.outcome === 'stopped');
    expect(stopped.length).toBeGreaterThan(0);
    for (const outcome of stopped) {
      expect(outcome).toMatchObject({ schedule: 'nightly', fireTime: '2026-03-09T15:30:00.000Z' });
      expect(live.get(outcome.instanceId as string)?.Status).toBe('STOPPED');
    }
    d.abort();
    expect(await exit).toBe(0);
    expect(d.lines().at(-1)).toMatchObject({ event: 'daemon.stopped' });
    expect(d.out.join('')).not.toContain(emulator.credentials.secretKey);
  });

  it('on the signal, waits for the run in flight before it exits', async () => {
    const fake = fakeTicker();
    const d = daemonIo(env, new Date('2026-03-09T15:00:00Z'));
    const exit = createDaemonCommand({ ticker: fake.ticker }).run(['-c', configFile], d.io);
    await expect.poll(() => d.events('daemon.started').length).toBe(1);
    fake.crons[0]!.onTick(new Date('2026-03-09T15:30:00Z'));
    d.abort(); // before the run could have listed anything
    expect(await exit).toBe(0);
    const events = d.lines().map((l) => l.event);
    expect(d.events('daemon.stopping')).toMatchObject([
      { inFlight: [{ tick: '2026-03-09T15:30:00.000Z', since: '2026-03-09T15:00:00.000Z' }] },
    ]);
    expect(events.indexOf('run.summary')).toBeGreaterThan(events.indexOf('daemon.stopping'));
    expect(events.at(-1)).toBe('daemon.stopped');
  });

  it('exits 2 with file:line:column for an invalid configuration, registering nothing', async () => {
    await writeFile(
      configFile,
      'version: 1\nregions: [cn-beijing]\nschedules:\n  nightly: { stop: "61 * * * *" }\n',
    );
    const fake = fakeTicker();
    const d = daemonIo(env, new Date('2026-03-09T15:00:00Z'));
    // The command throws the ConfigError before touching the scheduler; main prints it and exits 2.
    await expect(createDaemonCommand({ ticker: fake.ticker }).run(['-c', configFile], d.io)).rejects.toThrow(
      ConfigError,
    );
    expect(fake.crons).toEqual([]);
    expect(d.out).toEqual([]);
    const viaMain = daemonIo(env, new Date('2026-03-09T15:00:00Z'));
    expect(await main(['daemon', '-c', configFile], viaMain.io)).toBe(2);
    expect(viaMain.err.join('')).toMatch(new RegExp(`^${configFile.replace(/[.\\]/g, '\\$&')}:4:\\d+: `));
  });

  it('exits 2 naming the variables when credentials are missing, registering nothing', async () => {
    const fake = fakeTicker();
    const d = daemonIo({ VOLC_ENDPOINT: emulator.url }, new Date('2026-03-09T15:00:00Z'));
    expect(await createDaemonCommand({ ticker: fake.ticker }).run(['-c', configFile], d.io)).toBe(2);
    expect(fake.crons).toEqual([]);
    expect(d.out).toEqual([]);
    expect(d.err.join('')).toContain('VOLC_ACCESSKEY');
  });
});

describe('lights-out daemon with inline schedules', () => {
  it('stops an instance whose inline tag fires in the tick, as the cloud timer would', async () => {
    const inline = await startEmulator({
      fleet: {
        credentials: [{ accessKeyId: 'AKLTdaemoninline0000', secretKey: 'daemon-inline-secret-not-real-00' }],
        instances: [
          inst('i-et', { Tags: [{ Key: 'maid_offhours', Value: 'off=(m-f,19);tz=et' }] }),
          inst('i-pt', { Tags: [{ Key: 'maid_offhours', Value: 'off=(m-f,19);tz=pt' }] }),
        ],
      },
      faults: { transitionMs: 0 },
    });
    try {
      await writeFile(configFile, `${CONFIG}inline: { tagKey: maid_offhours }\n`);
      const fake = fakeTicker();
      // Monday 2026-03-09, 18:50 in New York (UTC-4): no named schedule fires at 23:00Z.
      const d = daemonIo(emulatorEnv(inline), new Date('2026-03-09T22:50:00Z'));
      const exit = createDaemonCommand({ ticker: fake.ticker }).run(['-c', configFile], d.io);
      await expect.poll(() => d.events('daemon.started').length).toBe(1);
      expect(d.events('daemon.inline-not-run')).toEqual([]);
      fake.crons[0]!.onTick(new Date('2026-03-09T22:55:00Z')); // (22:50, 22:55]: no inline fire can fall here
      fake.crons[0]!.onTick(new Date('2026-03-09T23:00:00Z')); // 19:00 in New York
      await expect.poll(() => d.events('run.summary').length).toBe(1);
      expect(d.events('run.summary')[0]).toMatchObject({
        fires: [{ schedule: 'inline:off=(m-f,19);tz=et', fireTime: '2026-03-09T23:00:00.000Z' }],
      });
      expect(d.events('instance.outcome')).toMatchObject([
        { instanceId: 'i-et', outcome: 'stopped', schedule: 'inline:off=(m-f,19);tz=et' },
      ]);
      const status = new Map(inline.instances().map((i) => [i.InstanceId, i.Status]));
      expect(status.get('i-et')).toBe('STOPPED');
      expect(status.get('i-pt')).toBe('RUNNING');
      d.abort();
      expect(await exit).toBe(0);
    } finally {
      await inline.close();
    }
  });
});
