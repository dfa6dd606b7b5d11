/**
 * A fake clock for the executor's tests: `sleep(ms)` registers a timer, and time jumps to the earliest timer
 * once every task has run as far as it can (a `setImmediate` turn lets all pending promise callbacks run
 * first). Concurrent sleepers therefore overlap as they would in real time, and a test of minutes of backoff
 * runs in milliseconds.
 */
import { virtualClock } from '../../support/clock.js';

export interface FakeClock {
  nowMs(): number;
  sleep(ms: number): Promise<void>;
  /** Every sleep requested, in order. */
  readonly sleeps: number[];
}

/** A clock starting at `startMs`: the suite's virtual clock, recording every sleep asked for. */
export function fakeClock(startMs = Date.UTC(2026, 0, 5, 18, 0, 0)): FakeClock {
  const clock = virtualClock({ startMs });
  const sleeps: number[] = [];
  return {
    nowMs: clock.nowMs,
    sleeps,
    sleep(ms: number) {
      sleeps.push(ms);
      return clock.sleep(ms);
    },
  };
}

/** A deterministic `random()`: cycles through `values` (each in [0, 1)). */
export function sequenceRandom(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length] ?? 0;
}
