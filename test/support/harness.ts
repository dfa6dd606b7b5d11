/**
 * The shared harness of the stop-path integration and reliability suites: a real emulator on 127.0.0.1 with a
 * fleet and seeded faults, a configuration parsed from YAML, client pools pointed at the emulator, a captured
 * pino logger, and run deps on a virtual clock shared with the emulator (backoff and rate-limit waits cost no
 * real time; the emulator's quota and transitions follow the same clock). Tests assert counts and states only.
 */
import { basename } from 'node:path';
import type { Dispatcher } from 'undici';
import { expect, onTestFinished } from 'vitest';
import { parseConfig } from '../../lib/config/index.js';
import type { Config } from '../../lib/config/types.js';
import {
  type EmulatorHandle,
  type FaultSettings,
  type Fleet,
  startEmulator,
} from '../../lib/emulator/index.js';
import {
  type ClientPool,
  createClientPool,
  type RunDeps,
  type RunOptions,
  type RunResult,
  runOnce,
} from '../../lib/run/index.js';
import { type VirtualClock, virtualClock } from './clock.js';
import { type CapturedLog, captureLog } from './logs.js';

export * from './assertions.js';
export * from './clock.js';
export * from './fleet.js';
export * from './logs.js';

/** The tick every test runs: 22:00 UTC, when the default `nightly` schedule fires. */
export const AT = new Date('2026-03-09T22:00:00Z');

/** Options of {@link testConfig}. */
export interface TestConfigOptions {
  /** @default ['cn-beijing'] */
  regions?: string[];
  /** Backoff stays small so that the virtual clock stays near real time (the emulator checks X-Date). */
  retry?: { baseMs: number; capMs: number; maxAttempts: number };
  /** Client-side requests per second per region. @default 1000 */
  qps?: number;
  /** `rateLimit.burst`. @default the shipped default */
  burst?: number;
  /** YAML of the `schedules:` mapping's body, indented by two spaces. @default nightly at 22:00 UTC */
  schedules?: string;
  /** More top-level YAML. @default '' */
  extra?: string;
}

/** The default retry settings of the suites: tiny waits, and a budget that outlasts every fault mix used. */
export const TEST_RETRY = { baseMs: 1, capMs: 20, maxAttempts: 30 } as const;

/**
 * A configuration file's text for the suites.
 *
 * @example
 * parseConfig(testConfig({ regions: ['cn-beijing', 'cn-shanghai'] }), 'test.yaml');
 */
export function testConfig(options: TestConfigOptions = {}): string {
  const retry = options.retry ?? TEST_RETRY;
  return [
    'version: 1',
    `regions: [${(options.regions ?? ['cn-beijing']).join(', ')}]`,
    'timezone: UTC',
    `rateLimit: { qps: ${options.qps ?? 1000}${options.burst === undefined ? '' : `, burst: ${options.burst}`} }`,
    'guard: { maxInstancesPerRun: 100000 }',
    `retry: { baseMs: ${retry.baseMs}, capMs: ${retry.capMs}, maxAttempts: ${retry.maxAttempts} }`,
    options.extra ?? '',
    'schedules:',
    options.schedules ?? '  nightly: { stop: "0 22 * * *" }',
    '',
  ].join('\n');
}

/** Options of {@link startHarness}. */
export interface HarnessOptions {
  fleet: Fleet;
  /** @default {} */
  faults?: FaultSettings;
  /** The configuration's YAML. @default testConfig() over the fleet's regions */
  config?: string;
  /** Per-request deadline of the clients. @default 5000 */
  timeoutMs?: number;
  /** Seed of the run's jitter. @default 1 */
  seed?: number;
  /**
   * Where the virtual clock starts. A run that may spend many virtual minutes starts it that far in the past,
   * so that it never runs more than 15 minutes ahead of the real signing clock. @default Date.now()
   */
  clockStartMs?: number;
}

/** Options of {@link Harness.openPool}. */
export interface PoolOptions {
  /** @default the harness's timeoutMs */
  timeoutMs?: number;
  /** @default a keep-alive Agent owned by the pool */
  dispatcher?: Dispatcher;
}

/** What a test runs against. */
export interface Harness {
  emulator: EmulatorHandle;
  config: Config;
  clock: VirtualClock;
  log: CapturedLog;
  /** Every error a run threw, for secret scans. */
  errors: unknown[];
  /**
   * A new client pool pointed at the emulator; closed by {@link Harness.close} if the test does not. A
   * `dispatcher` given here stays the test's to close (or destroy under a run).
   */
  openPool(options?: PoolOptions): ClientPool;
  /** Run deps over `pool`, with the log bound to `runId` when given. */
  deps(pool: ClientPool, runId?: string): RunDeps;
  /**
   * One `runOnce` at {@link AT} (unless `at` is given) over a new pool that is closed afterwards, or over
   * `pool`. The log lines of the run carry `runId` when given.
   */
  run(options?: Partial<RunOptions> & { runId?: string; pool?: ClientPool }): Promise<RunResult>;
  close(): Promise<void>;
}

/** The kept log's name: the running test file's, so a finding of the secret scan points at it. */
function logName(): string {
  const path = expect.getState().testPath ?? 'stop-path';
  return basename(path).replace(/\.test\.ts$/, '');
}

function regionsOf(fleet: Fleet): string[] {
  return [...new Set(fleet.instances.map((i) => i.Region))].sort();
}

/** A pool whose `close` may be called more than once (a test may close it mid-run, the harness again). */
function closeOnce(pool: ClientPool): ClientPool {
  let closing: Promise<void> | undefined;
  return {
    clientFor: (region) => pool.clientFor(region),
    close: () => {
      closing ??= pool.close();
      return closing;
    },
  };
}

/** What {@link hookStops} calls around the n-th StopInstances call (1-based, over every region). */
export interface StopHooks {
  /** Just before the call: change the emulator's faults for it, say. */
  before?(n: number): void;
  /** Just after the request was handed to the client (already sent): close the pool under it, say. */
  after?(n: number): void;
}

/**
 * `pool`, with `hooks` called around every StopInstances call: where a test changes the emulator's faults or
 * closes the pool in the middle of a run.
 *
 * @example
 * const pool = hookStops(h.openPool(), { after: (n) => n === 3 && void pool.close() });
 */
export function hookStops(pool: ClientPool, hooks: StopHooks): ClientPool {
  let count = 0;
  return {
    clientFor(region) {
      const client = pool.clientFor(region);
      return {
        ...client,
        stopInstances(params) {
          count += 1;
          const n = count;
          hooks.before?.(n);
          const sent = client.stopInstances(params);
          hooks.after?.(n);
          return sent;
        },
      };
    },
    close: () => pool.close(),
  };
}

/**
 * Starts an emulator over `fleet` and returns the harness around it; it closes itself when the test ends.
 *
 * @example
 * const h = await startHarness({ fleet: runningFleet(300), faults: { seed: 3, flowLimitPerInstance: 0.3 } });
 * const { plan } = await h.run();
 * expectOneOutcomePerItem(plan, h.log.lines);
 */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const harness = await openHarness(options);
  onTestFinished(() => harness.close());
  return harness;
}

async function openHarness(options: HarnessOptions): Promise<Harness> {
  const clock = virtualClock({
    seed: options.seed ?? 1,
    ...(options.clockStartMs !== undefined && { startMs: options.clockStartMs }),
  });
  const emulator = await startEmulator({
    fleet: options.fleet,
    faults: options.faults ?? {},
    now: clock.nowMs,
  });
  const config = parseConfig(
    options.config ?? testConfig({ regions: regionsOf(options.fleet) }),
    'test.yaml',
  );
  const log = captureLog(logName());
  const pools: ClientPool[] = [];
  const errors: unknown[] = [];
  const openPool = (poolOptions: PoolOptions = {}) => {
    const pool = closeOnce(
      createClientPool(config, {
        env: {},
        credentials: emulator.credentials,
        endpoint: new URL(emulator.url),
        timeoutMs: poolOptions.timeoutMs ?? options.timeoutMs ?? 5000,
        ...(poolOptions.dispatcher && { dispatcher: poolOptions.dispatcher }),
      }),
    );
    pools.push(pool);
    return pool;
  };
  const deps = (pool: ClientPool, runId?: string): RunDeps => ({
    clientFor: pool.clientFor,
    nowMs: clock.nowMs,
    sleep: clock.sleep,
    random: clock.random,
    logger: runId === undefined ? log.logger : log.logger.child({ runId }),
  });
  return {
    emulator,
    config,
    clock,
    log,
    errors,
    openPool,
    deps,
    async run(runOptions = {}) {
      const { runId, pool: given, ...rest } = runOptions;
      const pool = given ?? openPool();
      try {
        return await runOnce(config, { at: AT, ...rest }, deps(pool, runId));
      } catch (error) {
        errors.push(error);
        throw error;
      } finally {
        if (!given) await pool.close();
      }
    },
    async close() {
      await Promise.all(pools.map((p) => p.close()));
      await emulator.close();
    },
  };
}
