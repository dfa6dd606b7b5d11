/**
 * The daemon over a fake ticker (ticks fired by hand), a settable clock, a recorded runTick and a parsed log:
 * no test waits for time.
 */
import { Writable } from 'node:stream';
import { parseConfig } from '../../../lib/config/index.js';
import {
  type DaemonDeps,
  type OnTick,
  startDaemon,
  type Ticker,
  type TickRun,
} from '../../../lib/daemon/index.js';
import { createLogger } from '../../../lib/logger.js';

export type Line = Record<string, unknown>;

/** Records the one task the daemon starts; a test fires its ticks by hand. */
export function fakeTicker() {
  const jobs: { cron: string; onTick: OnTick; stopped: boolean }[] = [];
  const ticker: Ticker = {
    start(cron, onTick) {
      const job = { cron, onTick, stopped: false };
      jobs.push(job);
      return {
        stop: () => {
          job.stopped = true;
        },
      };
    },
  };
  return {
    ticker,
    jobs,
    /** node-cron's wake-up for the slot `at` (the callback may still come once the job was stopped). */
    tick: (at: string | Date) => jobs[0]!.onTick(new Date(at)),
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

/** A daemon over a fake ticker, a settable clock, a recorded runTick and a parsed log. */
export function harness(yaml: string, startIso: string, runTick?: (run: TickRun) => Promise<unknown>) {
  const config = parseConfig(yaml, 'daemon.yaml');
  const fake = fakeTicker();
  const lines: Line[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const clock = { nowMs: new Date(startIso).getTime() };
  const runs: { since: string; at: string }[] = [];
  let closed = 0;
  const deps: DaemonDeps = {
    ticker: fake.ticker,
    logger: createLogger({ level: 'debug', destination: destination as never }),
    nowMs: () => clock.nowMs,
    sleep: async () => {},
    random: () => 0.5,
    clientFor: () => {
      throw new Error('no client in unit tests');
    },
    runTick: async (run) => {
      runs.push({ since: run.since.toISOString(), at: run.at.toISOString() });
      await runTick?.(run);
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
