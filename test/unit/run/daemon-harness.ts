/**
 * The daemon over a fake scheduler (registrations and alarms fired by hand), a settable clock, a recorded
 * runSchedule and a parsed log: no test waits for time.
 */
import { Writable } from 'node:stream';
import { expect } from 'vitest';
import { parseConfig } from '../../../lib/config/index.js';
import { createLogger } from '../../../lib/logger.js';
import { type DaemonDeps, type OnTick, type Scheduler, startDaemon } from '../../../lib/run/index.js';
import type { Fire } from '../../../lib/schedule/types.js';

export type Line = Record<string, unknown>;

interface FakeJob {
  onTick: OnTick;
  stopped: boolean;
}

/** Records registrations and alarms; a test fires them by hand, so no test waits for time. */
export function fakeScheduler() {
  const crons: (FakeJob & { expression: string; timeZone: string })[] = [];
  const alarms: (FakeJob & { instant: Date })[] = [];
  const scheduler: Scheduler = {
    register(expression, timeZone, onTick) {
      const job = { expression, timeZone, onTick, stopped: false };
      crons.push(job);
      return {
        stop: () => {
          job.stopped = true;
        },
      };
    },
    at(instant, onTick) {
      const job = { instant, onTick, stopped: false };
      alarms.push(job);
      return {
        stop: () => {
          job.stopped = true;
        },
      };
    },
  };
  return {
    scheduler,
    crons,
    /** node-cron's wake-up of the cron registered `index`-th, for the slot `at`. */
    tick(index: number, at: string) {
      const job = crons[index]!;
      if (!job.stopped) job.onTick(new Date(at));
    },
    pendingAlarms: () => alarms.filter((a) => !a.stopped),
    ringAlarm() {
      const [alarm, ...others] = alarms.filter((a) => !a.stopped);
      expect(others).toHaveLength(0);
      alarm!.onTick(alarm!.instant);
    },
  };
}

export function deferred() {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A daemon over a fake scheduler, a settable clock, a recorded runSchedule and a parsed log. */
export function harness(yaml: string, startIso: string, runSchedule?: (fire: Fire) => Promise<unknown>) {
  const config = parseConfig(yaml, 'daemon.yaml');
  const fake = fakeScheduler();
  const lines: Line[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const clock = { nowMs: new Date(startIso).getTime() };
  const runs: { schedule: string; fireTime: string; deadlineAtMs: number }[] = [];
  let closed = 0;
  const deps: DaemonDeps = {
    scheduler: fake.scheduler,
    logger: createLogger({ level: 'debug', destination: destination as never }),
    nowMs: () => clock.nowMs,
    sleep: async () => {},
    random: () => 0.5,
    clientFor: () => {
      throw new Error('no client in unit tests');
    },
    runSchedule: async (fire, { deadlineAtMs }) => {
      runs.push({ schedule: fire.schedule, fireTime: fire.fireTime.toISOString(), deadlineAtMs });
      await runSchedule?.(fire);
    },
    close: async () => {
      closed += 1;
    },
  };
  const daemon = startDaemon(config, deps);
  const events = (event: string) => lines.filter((l) => l.event === event);
  return { config, fake, clock, runs, daemon, lines, events, closed: () => closed };
}

/** Lets the daemon's background promises settle. */
export const settle = () => new Promise((resolve) => setImmediate(resolve));
