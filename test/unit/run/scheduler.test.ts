import { Writable } from 'node:stream';
import { getTasks, type TaskContext, type TaskOptions } from 'node-cron';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../lib/logger.js';
import {
  type CronScheduleFn,
  createCronScheduler,
  MISSED_EXECUTION_TOLERANCE_MS,
} from '../../../lib/run/index.js';

/** A stand-in for node-cron's `schedule` that records its calls and the task's listeners. */
function spySchedule() {
  const calls: { expression: string; task: (context: TaskContext) => void; options: TaskOptions }[] = [];
  const listeners = new Map<string, (context: TaskContext) => void>();
  let destroyed = 0;
  const schedule: CronScheduleFn = (expression, task, options) => {
    calls.push({ expression, task, options });
    return {
      destroy: () => {
        destroyed += 1;
      },
      on: (event, listener) => void listeners.set(event, listener as (context: TaskContext) => void),
    };
  };
  return { schedule, calls, listeners, destroyed: () => destroyed };
}

function captureLines() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'debug', destination: destination as never }) };
}

const context = (date: string, triggeredAt: string) =>
  ({ date: new Date(date), dateLocalIso: '', triggeredAt: new Date(triggeredAt) }) as TaskContext;

describe('createCronScheduler: node-cron jobs', () => {
  it('hands node-cron the expression and the time zone, and calls back with the scheduled slot', () => {
    const spy = spySchedule();
    const ticks: string[] = [];
    const job = createCronScheduler({ schedule: spy.schedule }).register(
      '0 22 * * 1-5',
      'Asia/Shanghai',
      (at) => ticks.push(at.toISOString()),
    );
    expect(spy.calls).toHaveLength(1);
    expect(spy.calls[0]!.expression).toBe('0 22 * * 1-5');
    expect(spy.calls[0]!.options).toMatchObject({
      timezone: 'Asia/Shanghai',
      missedExecutionTolerance: MISSED_EXECUTION_TOLERANCE_MS,
    });
    // node-cron's context: `date` is the slot, `triggeredAt` the moment the callback runs.
    spy.calls[0]!.task(context('2026-03-09T14:00:00Z', '2026-03-09T14:00:00.734Z'));
    expect(ticks).toEqual(['2026-03-09T14:00:00.000Z']);
    job.stop();
    expect(spy.destroyed()).toBe(1);
  });

  it("routes node-cron's messages and missed slots to the JSON logger", () => {
    const spy = spySchedule();
    const { lines, logger } = captureLines();
    createCronScheduler({ schedule: spy.schedule, logger }).register('*/5 * * * *', 'UTC', () => {});
    const options = spy.calls[0]!.options;
    options.logger?.warn('task still running');
    spy.listeners.get('execution:missed')?.(context('2026-03-09T10:05:00Z', '2026-03-09T10:06:00Z'));
    expect(lines).toEqual([
      expect.objectContaining({ level: 'warn', event: 'cron.warn', msg: 'task still running' }),
      expect.objectContaining({
        level: 'warn',
        event: 'cron.missed',
        cron: '*/5 * * * *',
        timezone: 'UTC',
        scheduledAt: '2026-03-09T10:05:00.000Z',
      }),
    ]);
  });

  it('creates a real node-cron task in the time zone, without waiting, and removes it on stop', () => {
    const before = new Set(getTasks().keys());
    const job = createCronScheduler().register('0 22 * * *', 'Asia/Shanghai', () => {});
    const created = [...getTasks().entries()].filter(([id]) => !before.has(id)).map(([, task]) => task);
    expect(created).toHaveLength(1);
    const task = created[0]!;
    expect(task.getPattern()).toBe('0 22 * * *');
    expect(task.match(new Date('2026-03-09T14:00:00Z'))).toBe(true); // 22:00 in Shanghai
    expect(task.match(new Date('2026-03-09T22:00:00Z'))).toBe(false);
    const next = task.getNextRun()!;
    expect([next.getUTCHours(), next.getUTCMinutes()]).toEqual([14, 0]);
    job.stop();
    expect(getTasks().has(task.id)).toBe(false);
  });
});

describe('createCronScheduler: alarms', () => {
  function fakeTimers(startMs: number) {
    const clock = { nowMs: startMs };
    const timers: { callback: () => void; delayMs: number; cleared: boolean }[] = [];
    return {
      clock,
      timers,
      deps: {
        nowMs: () => clock.nowMs,
        setTimer: (callback: () => void, delayMs: number) => {
          const timer = { callback, delayMs, cleared: false };
          timers.push(timer);
          return {
            clear: () => {
              timer.cleared = true;
            },
          };
        },
      },
    };
  }

  it('waits in steps no longer than setTimeout allows and calls back with the instant asked for', () => {
    const t = fakeTimers(Date.parse('2026-03-01T00:00:00Z'));
    const rung: string[] = [];
    const instant = new Date('2026-03-31T00:00:00Z'); // 30 days: beyond setTimeout's 24.8
    createCronScheduler(t.deps).at(instant, (at) => rung.push(at.toISOString()));
    expect(t.timers.map((x) => x.delayMs)).toEqual([2 ** 31 - 1]);
    t.clock.nowMs += 2 ** 31 - 1;
    t.timers[0]!.callback();
    expect(rung).toEqual([]);
    expect(t.timers[1]!.delayMs).toBe(instant.getTime() - t.clock.nowMs);
    t.clock.nowMs = instant.getTime();
    t.timers[1]!.callback();
    expect(rung).toEqual(['2026-03-31T00:00:00.000Z']);
  });

  it('calls back through the timer even when the instant has passed, and not at all once stopped', () => {
    const t = fakeTimers(Date.parse('2026-03-01T00:00:00Z'));
    const rung: string[] = [];
    const scheduler = createCronScheduler(t.deps);
    scheduler.at(new Date('2026-02-28T23:59:00Z'), (at) => rung.push(at.toISOString()));
    expect(rung).toEqual([]);
    expect(t.timers[0]!.delayMs).toBe(0);
    t.timers[0]!.callback();
    expect(rung).toEqual(['2026-02-28T23:59:00.000Z']);
    const job = scheduler.at(new Date('2026-03-01T01:00:00Z'), () => rung.push('late'));
    job.stop();
    expect(t.timers[1]!.cleared).toBe(true);
  });
});
