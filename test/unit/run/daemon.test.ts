import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lib/config/index.js';
import { LightsOutError } from '../../../lib/errors.js';
import { createLogger } from '../../../lib/logger.js';
import { DEFAULT_RUN_DEADLINE_MS, type Scheduler, startDaemon } from '../../../lib/run/index.js';
import { deferred, harness, settle } from './daemon-harness.js';

const TWO_SCHEDULES = `
version: 1
regions: [cn-beijing]
timezone: Asia/Shanghai
schedules:
  office-hours: { stop: ["0 22 * * 1-5", "30 23 * * 6"] }
  berlin: { stop: "0 19 * * *", timezone: Europe/Berlin, skipDates: ["2026-03-10"] }
`;

describe('startDaemon: registration', () => {
  it('registers every cron of every schedule in the schedule time zone and logs daemon.started', async () => {
    const h = harness(TWO_SCHEDULES, '2026-03-09T00:00:00Z'); // a Monday
    expect(h.fake.crons.map(({ expression, timeZone }) => ({ expression, timeZone }))).toEqual([
      { expression: '0 22 * * 1-5', timeZone: 'Asia/Shanghai' },
      { expression: '30 23 * * 6', timeZone: 'Asia/Shanghai' },
      { expression: '0 19 * * *', timeZone: 'Europe/Berlin' },
    ]);
    expect(h.fake.pendingAlarms()).toHaveLength(0); // no daylight-saving change near the next fires
    const [started] = h.events('daemon.started');
    expect(started).toMatchObject({
      level: 'info',
      config: 'daemon.yaml',
      regions: ['cn-beijing'],
      schedules: [
        {
          name: 'office-hours',
          stop: ['0 22 * * 1-5', '30 23 * * 6'],
          timezone: 'Asia/Shanghai',
          nextFire: '2026-03-09T14:00:00.000Z',
        },
        {
          name: 'berlin',
          stop: ['0 19 * * *'],
          timezone: 'Europe/Berlin',
          skipDates: ['2026-03-10'],
          nextFire: '2026-03-09T18:00:00.000Z',
        },
      ],
    });
    await h.daemon.stop();
  });

  it('stops what it registered and throws when the scheduler refuses an expression', () => {
    const config = parseConfig(TWO_SCHEDULES, 'daemon.yaml');
    const stopped: string[] = [];
    const scheduler: Scheduler = {
      register(expression) {
        if (expression === '0 19 * * *') throw new Error('refused');
        return { stop: () => void stopped.push(expression) };
      },
      at: () => ({ stop: () => {} }),
    };
    const deps = { scheduler, logger: createLogger({ level: 'silent' }), nowMs: () => 0 } as never;
    expect(() => startDaemon(config, deps)).toThrow('refused');
    expect(stopped).toEqual(['0 22 * * 1-5', '30 23 * * 6']);
  });
});

describe('startDaemon: fires', () => {
  it('runs the schedule with the scheduled fire time, whenever the callback actually runs', async () => {
    const h = harness(TWO_SCHEDULES, '2026-03-09T00:00:00Z');
    h.clock.nowMs = Date.parse('2026-03-09T14:00:03Z'); // the callback runs three seconds late
    h.fake.tick(0, '2026-03-09T14:00:00Z');
    await settle();
    expect(h.runs).toEqual([
      {
        schedule: 'office-hours',
        fireTime: '2026-03-09T14:00:00.000Z',
        deadlineAtMs: h.clock.nowMs + DEFAULT_RUN_DEADLINE_MS,
      },
    ]);
    expect(h.events('schedule.fired')).toMatchObject([
      { schedule: 'office-hours', fireTime: '2026-03-09T14:00:00.000Z' },
    ]);
    await h.daemon.stop();
  });

  it('does not run on a skip date, and logs schedule.skipped with reason skip-date', async () => {
    const h = harness(TWO_SCHEDULES, '2026-03-09T00:00:00Z');
    h.fake.tick(2, '2026-03-10T18:00:00Z'); // 19:00 in Berlin on 2026-03-10
    h.fake.tick(2, '2026-03-11T18:00:00Z');
    await settle();
    expect(h.events('schedule.skipped')).toEqual([
      expect.objectContaining({
        level: 'info',
        schedule: 'berlin',
        fireTime: '2026-03-10T18:00:00.000Z',
        reason: 'skip-date',
        localDate: '2026-03-10',
      }),
    ]);
    expect(h.runs.map((r) => r.fireTime)).toEqual(['2026-03-11T18:00:00.000Z']);
    await h.daemon.stop();
  });

  it('runs once when two crons of a schedule fire in the same minute', async () => {
    const yaml = `
version: 1
regions: [cn-beijing]
schedules:
  nightly: { stop: ["0 22 * * *", "0 22 * * 1-5", "0 22 9 3 *"] }
`;
    const h = harness(yaml, '2026-03-09T00:00:00Z');
    for (const index of [0, 1, 2]) h.fake.tick(index, '2026-03-09T22:00:00Z');
    await settle();
    expect(h.runs.map((r) => r.fireTime)).toEqual(['2026-03-09T22:00:00.000Z']);
    expect(h.events('schedule.tick-ignored')).toHaveLength(2);
    await h.daemon.stop();
  });

  it('ignores a wake-up at an instant the schedule does not fire at, and fires before the start', async () => {
    const h = harness(TWO_SCHEDULES, '2026-03-09T14:00:00Z');
    h.fake.tick(0, '2026-03-09T14:00:00Z'); // the start instant itself: not after the start
    h.fake.tick(0, '2026-03-09T14:07:00Z');
    await settle();
    expect(h.runs).toEqual([]);
    expect(h.events('schedule.tick-ignored')).toHaveLength(2);
    await h.daemon.stop();
  });

  it("ends a run's deadline at the schedule's next fire when that comes first", async () => {
    const yaml = 'version: 1\nregions: [cn-beijing]\nschedules:\n  often: { stop: "*/5 * * * *" }\n';
    const h = harness(yaml, '2026-03-09T09:58:00Z');
    h.clock.nowMs = Date.parse('2026-03-09T10:00:02Z');
    h.fake.tick(0, '2026-03-09T10:00:00Z');
    await settle();
    expect(h.runs.map((r) => new Date(r.deadlineAtMs).toISOString())).toEqual(['2026-03-09T10:05:00.000Z']);
    await h.daemon.stop();
  });
});

const OFTEN =
  'version: 1\nregions: [cn-beijing]\nschedules:\n  often: { stop: "*/5 * * * *" }\n  daily: { stop: "0 10 * * *" }\n';

describe('startDaemon: runs in flight', () => {
  it('never overlaps two runs of one schedule, while other schedules still run', async () => {
    const first = deferred();
    const h = harness(OFTEN, '2026-03-09T09:58:00Z', (fire) =>
      fire.fireTime.toISOString() === '2026-03-09T10:00:00.000Z' ? first.promise : Promise.resolve(),
    );
    h.fake.tick(0, '2026-03-09T10:00:00Z');
    h.fake.tick(1, '2026-03-09T10:00:00Z'); // another schedule, same minute: runs alongside
    h.fake.tick(0, '2026-03-09T10:05:00Z'); // the 10:00 run is still going
    await settle();
    expect(h.runs.map((r) => `${r.schedule} ${r.fireTime}`)).toEqual([
      'often 2026-03-09T10:00:00.000Z',
      'daily 2026-03-09T10:00:00.000Z',
    ]);
    expect(h.events('schedule.overlap-skipped')).toEqual([
      expect.objectContaining({
        level: 'warn',
        schedule: 'often',
        fireTime: '2026-03-09T10:05:00.000Z',
        runningFireTime: '2026-03-09T10:00:00.000Z',
      }),
    ]);
    first.resolve();
    await settle();
    h.fake.tick(0, '2026-03-09T10:10:00Z');
    await settle();
    expect(h.runs.filter((r) => r.schedule === 'often').map((r) => r.fireTime)).toEqual([
      '2026-03-09T10:00:00.000Z',
      '2026-03-09T10:10:00.000Z',
    ]);
    await h.daemon.stop();
  });

  it('logs a run that throws and keeps going', async () => {
    let calls = 0;
    const h = harness(OFTEN, '2026-03-09T09:58:00Z', async () => {
      calls += 1;
      if (calls === 1)
        throw new LightsOutError('FlowLimitExceeded', 'DescribeInstances in cn-beijing: throttled');
    });
    h.fake.tick(0, '2026-03-09T10:00:00Z');
    await settle();
    h.fake.tick(0, '2026-03-09T10:05:00Z');
    await settle();
    expect(h.runs).toHaveLength(2);
    expect(h.events('schedule.run-failed')).toEqual([
      expect.objectContaining({
        level: 'error',
        schedule: 'often',
        fireTime: '2026-03-09T10:00:00.000Z',
        errorCode: 'FlowLimitExceeded',
      }),
    ]);
    await h.daemon.stop();
  });

  it('on stop, starts nothing new, waits for the run in flight, then closes and logs daemon.stopped', async () => {
    const run = deferred();
    const h = harness(OFTEN, '2026-03-09T09:58:00Z', () => run.promise);
    h.fake.tick(0, '2026-03-09T10:00:00Z');
    let stopped = false;
    const stopping = h.daemon.stop().then(() => {
      stopped = true;
    });
    expect(h.daemon.stop()).toBe(h.daemon.stop());
    expect(h.fake.crons.every((job) => job.stopped)).toBe(true);
    h.fake.tick(1, '2026-03-09T10:00:00Z'); // a callback already queued by node-cron: ignored
    await settle();
    expect(stopped).toBe(false);
    expect(h.closed()).toBe(0);
    expect(h.events('daemon.stopping')).toEqual([
      expect.objectContaining({ inFlight: [{ schedule: 'often', fireTime: '2026-03-09T10:00:00.000Z' }] }),
    ]);
    run.resolve();
    await stopping;
    expect(h.closed()).toBe(1);
    expect(h.runs).toHaveLength(1);
    expect(h.lines.at(-1)).toMatchObject({ event: 'daemon.stopped', level: 'info' });
  });

  it('stops at once when nothing is in flight', async () => {
    const h = harness(OFTEN, '2026-03-09T09:58:00Z');
    await h.daemon.stop();
    expect(h.events('daemon.stopping')).toMatchObject([{ inFlight: [] }]);
    expect(h.events('daemon.stopped')).toHaveLength(1);
    expect(h.closed()).toBe(1);
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

  it('registers the start crons beside the stop crons and runs a start fire with its action', async () => {
    const h = harness(STARTS, '2026-03-09T00:00:00Z'); // Monday 08:00 in Shanghai
    expect(h.fake.crons.map(({ expression }) => expression)).toEqual(['0 22 * * 1-5', '30 8 * * 1-5']);
    h.clock.nowMs = Date.parse('2026-03-09T00:30:01Z');
    h.fake.tick(1, '2026-03-09T00:30:00Z');
    await settle();
    expect(h.runs.map((run) => [run.schedule, run.fireTime])).toEqual([
      ['office-hours', '2026-03-09T00:30:00.000Z'],
    ]);
    expect(h.events('schedule.fired')).toMatchObject([{ schedule: 'office-hours', action: 'start' }]);
    await h.daemon.stop();
  });
});
