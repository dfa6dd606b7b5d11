/**
 * A virtual clock shared by a run and the emulator: `sleep(ms)` does not wait for real time, it registers a
 * timer and time jumps to the earliest timer on the next `setImmediate` turn. Concurrent sleepers overlap as
 * they would in real time, backoff and rate-limiter waits cost nothing, and the emulator's rate quota (which
 * reads the same clock) refills exactly as much as the client waited. Real I/O still happens in real time, so
 * the clock only ever moves forward by the waits the code asked for.
 */
import { mulberry32 } from '../../lib/emulator/index.js';

/** The clock, sleep and randomness a run takes as deps. */
export interface VirtualClock {
  nowMs(): number;
  sleep(ms: number): Promise<void>;
  /** Seeded, in [0, 1): backoff jitter. */
  random(): number;
  /** Milliseconds of virtual time passed since the clock was made. */
  elapsedMs(): number;
  /** Every sleep requested, in order. */
  readonly sleeps: readonly number[];
}

/** Options of {@link virtualClock}. */
export interface VirtualClockOptions {
  /**
   * Where time starts. The emulator checks the signing time (real) against this clock, so it must stay near
   * real time: the emulator refuses a skew above 15 minutes. @default Date.now()
   */
  startMs?: number;
  /** Seed of `random`. @default 1 */
  seed?: number;
}

interface Timer {
  atMs: number;
  seq: number;
  resolve: () => void;
}

/**
 * Makes a virtual clock.
 *
 * @example
 * const clock = virtualClock({ seed: 7 });
 * await clock.sleep(20_000); // returns at once; clock.elapsedMs() is now 20000
 */
export function virtualClock(options: VirtualClockOptions = {}): VirtualClock {
  const startMs = options.startMs ?? Date.now();
  const random = mulberry32(options.seed ?? 1);
  let now = startMs;
  let seq = 0;
  let pumping = false;
  const timers: Timer[] = [];
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
    random,
    elapsedMs: () => now - startMs,
    sleeps,
    sleep(ms) {
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

/** Real time whose waits are skipped: see {@link skippingClock}. */
export interface SkippingClock {
  nowMs(): number;
  /** Returns at once, moving the clock `ms` ahead of real time. */
  sleep(ms: number): Promise<void>;
  /** Seeded, in [0, 1). */
  random(): number;
}

/**
 * Real time, moved ahead by every wait asked of `sleep` instead of waiting it out: for a command given it as
 * `io.clock` (a deploy waiting for its release, the demo's runs and emulator) where something else, a child
 * process say, also talks to the emulator in real time, so that the frozen {@link virtualClock} would never
 * let its instances change state.
 *
 * @example
 * const clock = skippingClock();
 * const emulator = await startEmulator({ fleet, now: clock.nowMs });
 * await main(['deploy'], { ...io, now: () => new Date(clock.nowMs()), clock });
 */
export function skippingClock(seed = 1): SkippingClock {
  let aheadMs = 0;
  return {
    random: mulberry32(seed),
    nowMs: () => Date.now() + aheadMs,
    sleep: async (ms) => {
      aheadMs += Math.max(0, ms);
    },
  };
}
