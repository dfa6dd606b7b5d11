/**
 * A fake clock for the executor's tests: `sleep(ms)` registers a timer, and time jumps to the earliest timer
 * once every task has run as far as it can (a `setImmediate` turn lets all pending promise callbacks run
 * first). Concurrent sleepers therefore overlap as they would in real time, and a test of minutes of backoff
 * runs in milliseconds.
 */
export interface FakeClock {
  nowMs(): number;
  sleep(ms: number): Promise<void>;
  /** Every sleep requested, in order. */
  readonly sleeps: number[];
}

/** A clock starting at `startMs`. */
export function fakeClock(startMs = Date.UTC(2026, 0, 5, 18, 0, 0)): FakeClock {
  let now = startMs;
  let seq = 0;
  let pumping = false;
  const timers: { atMs: number; seq: number; resolve: () => void }[] = [];
  const sleeps: number[] = [];
  const pump = () => {
    pumping = false;
    timers.sort((a, b) => a.atMs - b.atMs || a.seq - b.seq);
    const timer = timers.shift();
    if (timer === undefined) return;
    now = Math.max(now, timer.atMs);
    timer.resolve();
    schedule();
  };
  const schedule = () => {
    if (pumping || timers.length === 0) return;
    pumping = true;
    setImmediate(pump);
  };
  return {
    nowMs: () => now,
    sleeps,
    sleep(ms: number) {
      sleeps.push(ms);
      return new Promise<void>((resolve) => {
        timers.push({ atMs: now + Math.max(0, ms), seq: seq++, resolve });
        schedule();
      });
    },
  };
}

/** A deterministic `random()`: cycles through `values` (each in [0, 1)). */
export function sequenceRandom(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length] ?? 0;
}
