import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lib/config/index.js';
import { startDaemon } from '../../../lib/daemon/index.js';
import { UsageError, VolcApiError } from '../../../lib/errors.js';
import { createLogger } from '../../../lib/logger.js';
import { deferred, fakeTicker, harness, settle } from './harness.js';

const TWO_SCHEDULES = `
version: 1
regions: [cn-beijing]
timezone: Asia/Shanghai
schedules:
  office-hours: { stop: ["0 22 * * 1-5", "30 23 * * 6"] }
  berlin: { stop: "0 19 * * *", timezone: Europe/Berlin, skipDates: ["2026-03-10"] }
`;

describe('startDaemon: one wake-up source', () => {
  it('starts one node-cron task on the tick in UTC and logs daemon.started with next fires and runs', async () => {
    const h = harness(`${TWO_SCHEDULES}tick: 15m\n`, '2026-03-09T00:02:00Z'); // a Monday
    expect(h.fake.jobs.map((j) => j.cron)).toEqual(['*/15 * * * *']);
    expect(h.events('daemon.started')).toMatchObject([
      {
        level: 'info',
        config: 'daemon.yaml',
        regions: ['cn-beijing'],
        tick: { ms: 900_000, cron: '*/15 * * * *', timezone: 'UTC' },
        schedules: [
          {
            name: 'office-hours',
            stop: ['0 22 * * 1-5', '30 23 * * 6'],
            timezone: 'Asia/Shanghai',
            nextFire: '2026-03-09T14:00:00.000Z',
            nextRun: '2026-03-09T14:00:00.000Z',
          },
          {
            name: 'berlin',
            timezone: 'Europe/Berlin',
            skipDates: ['2026-03-10'],
            nextFire: '2026-03-09T18:00:00.000Z',
          },
        ],
      },
    ]);
    await h.daemon.stop();
    expect(h.fake.jobs[0]!.stopped).toBe(true);
  });

  it('names the first tick at or after a fire that is off the tick grid', async () => {
    const yaml = 'version: 1\nregions: [cn-beijing]\ntick: 10m\nschedules:\n  odd: { stop: "7 22 * * *" }\n';
    const h = harness(yaml, '2026-03-09T00:00:00Z');
    expect(h.events('daemon.started')[0]).toMatchObject({
      schedules: [{ nextFire: '2026-03-09T22:07:00.000Z', nextRun: '2026-03-09T22:10:00.000Z' }],
    });
    await h.daemon.stop();
  });

  it('refuses a tick no timer can express before starting anything', () => {
    // The config refuses a 7-minute tick itself; a Config built by hand must be refused by the daemon too.
    const config = { ...parseConfig(TWO_SCHEDULES, 'daemon.yaml'), tickMs: 7 * 60_000 };
    const fake = fakeTicker();
    const deps = { ticker: fake.ticker, logger: createLogger({ level: 'silent' }), nowMs: () => 0 } as never;
    expect(() => startDaemon(config, deps)).toThrow(UsageError);
    expect(fake.jobs).toEqual([]);
  });
});

describe('startDaemon: each tick runs what the handler runs', () => {
  it('runs the tick window when it holds fires, with one schedule.fired line per fire', async () => {
    const h = harness(TWO_SCHEDULES, '2026-03-09T13:00:00Z');
    h.fake.tick('2026-03-09T13:55:00Z'); // (13:50, 13:55]: nothing fires
    await settle();
    expect(h.runs).toEqual([]);
    expect(h.events('tick.idle')).toMatchObject([{ level: 'debug', tick: '2026-03-09T13:55:00.000Z' }]);
    h.fake.tick('2026-03-09T14:00:00.004Z'); // node-cron's slot, a little late: put back on the grid
    await settle();
    expect(h.runs).toEqual([{ since: '2026-03-09T13:55:00.000Z', at: '2026-03-09T14:00:00.000Z' }]);
    expect(h.events('schedule.fired')).toMatchObject([
      { schedule: 'office-hours', fireTime: '2026-03-09T14:00:00.000Z', tick: '2026-03-09T14:00:00.000Z' },
    ]);
    await h.daemon.stop();
  });

  it('starts its first window on the grid before the start, as the cloud timer would', async () => {
    const h = harness(TWO_SCHEDULES, '2026-03-09T13:58:30Z');
    h.fake.tick('2026-03-09T14:00:00Z');
    await settle();
    expect(h.runs).toEqual([{ since: '2026-03-09T13:55:00.000Z', at: '2026-03-09T14:00:00.000Z' }]);
    await h.daemon.stop();
  });

  it('ignores a tick it has already seen', async () => {
    const h = harness(TWO_SCHEDULES, '2026-03-09T13:00:00Z');
    h.fake.tick('2026-03-09T14:00:00Z');
    await settle();
    h.fake.tick('2026-03-09T14:00:00Z');
    h.fake.tick('2026-03-09T13:55:00Z');
    await settle();
    expect(h.runs).toHaveLength(1);
    await h.daemon.stop();
  });
});

describe('startDaemon: inline (tag) schedules', () => {
  it('runs a window that can hold an inline fire, and idles through one that cannot', async () => {
    // Inline fires fall on a UTC quarter hour: (14:00, 14:05] cannot hold one, (14:10, 14:15] can.
    const h = harness(`${TWO_SCHEDULES}inline: {}\n`, '2026-03-09T14:00:00Z');
    h.fake.tick('2026-03-09T14:05:00Z');
    await settle();
    expect(h.runs).toEqual([]);
    h.fake.tick('2026-03-09T14:15:00Z');
    await settle();
    // The catch-up window from the last completed one holds 14:15, which runOnce plans for inline values.
    expect(h.runs).toEqual([{ since: '2026-03-09T14:05:00.000Z', at: '2026-03-09T14:15:00.000Z' }]);
    await h.daemon.stop();
  });
});

describe('startDaemon: no overlap, nothing lost', () => {
  it('defers the ticks that come during a run and catches their fires up once, in one run', async () => {
    const yaml = `${TWO_SCHEDULES.replace('"0 19 * * *"', '["0 19 * * *", "5 19 * * *", "10 19 * * *"]')}`;
    const held = deferred();
    const h = harness(yaml, '2026-03-09T17:00:00Z', async (run) => {
      if (run.at.toISOString() === '2026-03-09T18:00:00.000Z') await held.promise;
    });
    h.fake.tick('2026-03-09T18:00:00Z');
    h.fake.tick('2026-03-09T18:05:00Z');
    h.fake.tick('2026-03-09T18:10:00Z');
    await settle();
    // No tick came since the start at 17:00 (the fake delivers only these): the first run covers them all.
    expect(h.runs).toEqual([{ since: '2026-03-09T17:00:00.000Z', at: '2026-03-09T18:00:00.000Z' }]);
    expect(h.events('tick.deferred')).toMatchObject([
      { level: 'warn', tick: '2026-03-09T18:05:00.000Z', runningTick: '2026-03-09T18:00:00.000Z' },
      { level: 'warn', tick: '2026-03-09T18:10:00.000Z', runningTick: '2026-03-09T18:00:00.000Z' },
    ]);
    held.resolve();
    await settle();
    expect(h.runs).toEqual([
      { since: '2026-03-09T17:00:00.000Z', at: '2026-03-09T18:00:00.000Z' },
      { since: '2026-03-09T18:00:00.000Z', at: '2026-03-09T18:10:00.000Z' },
    ]);
    expect(h.events('schedule.fired').map((l) => [l.fireTime, l.tick])).toEqual([
      ['2026-03-09T18:00:00.000Z', '2026-03-09T18:00:00.000Z'],
      ['2026-03-09T18:05:00.000Z', '2026-03-09T18:10:00.000Z'],
      ['2026-03-09T18:10:00.000Z', '2026-03-09T18:10:00.000Z'],
    ]);
    await h.daemon.stop();
  });

  it('logs a failed run with its code and goes on from where it ended', async () => {
    const h = harness(TWO_SCHEDULES, '2026-03-09T13:00:00Z', async (run) => {
      if (run.at.toISOString() === '2026-03-09T14:00:00.000Z') {
        throw new VolcApiError({
          code: 'ServiceUnavailable',
          message: 'try later',
          httpStatus: 503,
          action: 'DescribeInstances',
          region: 'cn-beijing',
          retryable: true,
        });
      }
    });
    h.fake.tick('2026-03-09T14:00:00Z');
    await settle();
    expect(h.events('tick.run-failed')).toMatchObject([
      { level: 'error', tick: '2026-03-09T14:00:00.000Z', errorCode: 'ServiceUnavailable' },
    ]);
    h.fake.tick('2026-03-09T18:00:00Z');
    await settle();
    expect(h.runs.at(-1)).toEqual({ since: '2026-03-09T14:00:00.000Z', at: '2026-03-09T18:00:00.000Z' });
    await h.daemon.stop();
  });
});

describe('startDaemon: stop', () => {
  it('stops the ticks, waits for the run in flight, starts nothing deferred, and closes once', async () => {
    const held = deferred();
    const h = harness(TWO_SCHEDULES, '2026-03-09T13:00:00Z', () => held.promise);
    h.fake.tick('2026-03-09T14:00:00Z');
    h.fake.tick('2026-03-09T18:00:00Z'); // deferred
    const stopped = h.daemon.stop();
    expect(h.daemon.stop()).toBe(stopped);
    expect(h.fake.jobs[0]!.stopped).toBe(true);
    h.fake.tick('2026-03-09T18:05:00Z'); // a callback already queued: ignored
    await settle();
    expect(h.events('daemon.stopping')).toMatchObject([
      { inFlight: [{ tick: '2026-03-09T14:00:00.000Z', since: '2026-03-09T13:00:00.000Z' }] },
    ]);
    expect(h.events('daemon.stopped')).toEqual([]);
    held.resolve();
    await stopped;
    expect(h.runs).toHaveLength(1);
    expect(h.closed()).toBe(1);
    expect(h.lines.at(-1)).toMatchObject({ event: 'daemon.stopped' });
  });
});

describe('startDaemon: start fires (issue 12)', () => {
  const STARTS = `
version: 1
regions: [cn-beijing]
timezone: Asia/Shanghai
schedules:
  office-hours: { start: "30 8 * * 1-5", stop: "0 22 * * 1-5" }
`;

  it('lists the start crons and runs the tick that holds a start fire, naming its action', async () => {
    const h = harness(STARTS, '2026-03-09T00:00:00Z'); // Monday 08:00 in Shanghai
    expect(h.events('daemon.started')).toMatchObject([
      {
        schedules: [
          {
            name: 'office-hours',
            start: ['30 8 * * 1-5'],
            stop: ['0 22 * * 1-5'],
            nextFire: '2026-03-09T00:30:00.000Z',
          },
        ],
      },
    ]);
    h.fake.tick('2026-03-09T00:30:00Z');
    await settle();
    expect(h.runs.map((run) => run.at)).toEqual(['2026-03-09T00:30:00.000Z']);
    expect(h.events('schedule.fired')).toMatchObject([
      { schedule: 'office-hours', fireTime: '2026-03-09T00:30:00.000Z', action: 'start' },
    ]);
    await h.daemon.stop();
  });
});
