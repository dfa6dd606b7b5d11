import { Writable } from 'node:stream';
import type { TaskContext, TaskOptions } from 'node-cron';
import { describe, expect, it } from 'vitest';
import {
  type CronScheduleFn,
  createCronTicker,
  MISSED_EXECUTION_TOLERANCE_MS,
} from '../../../lib/daemon/index.js';
import { createLogger } from '../../../lib/logger.js';

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

describe('createCronTicker', () => {
  it('hands node-cron the cron in UTC and calls back with the scheduled slot', () => {
    const spy = spySchedule();
    const ticks: string[] = [];
    const job = createCronTicker({ schedule: spy.schedule }).start('*/5 * * * *', (at) =>
      ticks.push(at.toISOString()),
    );
    expect(spy.calls).toHaveLength(1);
    expect(spy.calls[0]!.expression).toBe('*/5 * * * *');
    expect(spy.calls[0]!.options).toMatchObject({
      timezone: 'UTC',
      missedExecutionTolerance: MISSED_EXECUTION_TOLERANCE_MS,
    });
    // node-cron's context: `date` is the slot, `triggeredAt` the moment the callback runs.
    spy.calls[0]!.task(context('2026-03-09T14:00:00Z', '2026-03-09T14:00:00.734Z'));
    expect(ticks).toEqual(['2026-03-09T14:00:00.000Z']);
    job.stop();
    expect(spy.destroyed()).toBe(1);
  });

  it("routes node-cron's messages and missed ticks to the JSON logger", () => {
    const spy = spySchedule();
    const { lines, logger } = captureLines();
    createCronTicker({ schedule: spy.schedule, logger }).start('*/5 * * * *', () => {});
    spy.calls[0]!.options.logger?.warn('task still running');
    spy.listeners.get('execution:missed')?.(context('2026-03-09T10:05:00Z', '2026-03-09T10:06:00Z'));
    expect(lines).toEqual([
      expect.objectContaining({ level: 'warn', event: 'cron.warn', msg: 'task still running' }),
      expect.objectContaining({
        level: 'warn',
        event: 'cron.missed',
        cron: '*/5 * * * *',
        scheduledAt: '2026-03-09T10:05:00.000Z',
      }),
    ]);
  });
});
