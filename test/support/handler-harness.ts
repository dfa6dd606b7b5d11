/**
 * A handler wired as functions/stop.ts wires it, against a real emulator: credentials and the endpoint come
 * from an environment, the logger writes to a captured stream, the clock is fake (its sleep advances it), and
 * randomness is fixed. Call {@link closeHandlerHarnesses} after each test: it closes every harness's client
 * pools and emulator.
 */
import { Writable } from 'node:stream';
import type { Config } from '../../lib/config/index.js';
import {
  type EmulatorHandle,
  type EmulatorOptions,
  type Fleet,
  startEmulator,
} from '../../lib/emulator/index.js';
import { createLogger } from '../../lib/logger.js';
import {
  type ClientPool,
  createClientPool,
  createStopHandler,
  type StopHandler,
} from '../../lib/run/index.js';
import { emulatorEnv } from './emulator-env.js';

export interface HandlerHarness {
  emulator: EmulatorHandle;
  handler: StopHandler;
  /** Every log line, parsed. */
  lines: Record<string, unknown>[];
  /** How many writes the logger's destination received. */
  writes: () => number;
  clock: { ms: number };
  /** How many times the handler built its clients. */
  poolsBuilt: () => number;
  /** Closes the harness's client pools and emulator (again: nothing). */
  close: () => Promise<void>;
}

export interface HandlerHarnessOptions {
  fleet: Fleet;
  config: () => Promise<Config>;
  /** The fake clock, which the handler's sleep advances. */
  clock: { ms: number };
  /** The emulator's options besides the fleet. @default { faults: { transitionMs: 0 } } */
  emulator?: Omit<EmulatorOptions, 'fleet'>;
  /** The handler's environment. @default the emulator's endpoint and credentials */
  env?: (emulator: EmulatorHandle) => NodeJS.ProcessEnv;
  deadlineMarginMs?: number;
}

const open = new Set<HandlerHarness>();

export async function startHandlerHarness(options: HandlerHarnessOptions): Promise<HandlerHarness> {
  const { clock } = options;
  const emulator = await startEmulator({
    fleet: options.fleet,
    faults: { transitionMs: 0 },
    ...options.emulator,
  });
  const lines: Record<string, unknown>[] = [];
  let writes = 0;
  const destination = new Writable({
    write(chunk, _encoding, done) {
      writes += 1;
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const env = options.env?.(emulator) ?? emulatorEnv(emulator);
  const pools: ClientPool[] = [];
  let built = 0;
  const handler = createStopHandler({
    config: options.config,
    clients: (c) => {
      built += 1;
      const pool = createClientPool(c, { env });
      pools.push(pool);
      return pool;
    },
    logger: createLogger({ destination: destination as never, secrets: [env.VOLC_SECRETKEY] }),
    nowMs: () => clock.ms,
    sleep: async (ms) => {
      clock.ms += ms;
    },
    random: () => 0.5,
    ...(options.deadlineMarginMs === undefined ? {} : { deadlineMarginMs: options.deadlineMarginMs }),
  });
  let closed: Promise<void> | undefined;
  const harness: HandlerHarness = {
    emulator,
    handler,
    lines,
    writes: () => writes,
    clock,
    poolsBuilt: () => built,
    close: () => {
      open.delete(harness);
      closed ??= Promise.all(pools.splice(0).map((p) => p.close())).then(() => emulator.close());
      return closed;
    },
  };
  open.add(harness);
  return harness;
}

/** Closes every harness still open (for afterEach). */
export async function closeHandlerHarnesses(): Promise<void> {
  await Promise.all([...open].map((h) => h.close()));
}
