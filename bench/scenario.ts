/**
 * One measured run against the emulator, in a process of its own (see {@link runScenarioChild}), so that its
 * peak memory is its own and no earlier run's garbage slows it down. Two approaches: lights-out's core
 * (`runOnce`, exactly what the handler calls) and the per-instance baseline (see baseline.ts).
 */
import { pino } from 'pino';
import { parseConfig } from '../lib/config/index.js';
import { mulberry32 } from '../lib/emulator/index.js';
import { createLogger } from '../lib/logger.js';
import { createClientPool, runOnce } from '../lib/run/index.js';
import { Action } from '../lib/schedule/index.js';
import type { Credentials } from '../lib/volc/index.js';
import { stopOneByOne } from './baseline.js';
import { BENCH_SCHEDULE, BENCH_TAG_KEY } from './fleet.js';

/** How a fleet is stopped. */
export const Approach = {
  LightsOut: 'lights-out',
  PerInstance: 'per-instance',
} as const;
export type Approach = (typeof Approach)[keyof typeof Approach];

/** What one measured run needs. */
export interface ScenarioSpec {
  approach: Approach;
  /** What lights-out does to the fleet. @default 'stop' */
  action?: Action;
  url: string;
  credentials: Credentials;
  regions: string[];
  /** The emulator's quota, which lights-out's `rateLimit.qps` matches. */
  qps: number;
  /** Nothing new is sent after this long; what is left fails with DeadlineExceeded. */
  timeLimitMs: number;
  /** Seed of the backoff jitter. */
  seed: number;
  /** Stop calls in flight per region, per-instance baseline only. */
  inFlight: number;
  /** Overrides the pipeline's batch fill time (ms), to measure what it is worth. @default the shipped one */
  batchFillMs?: number;
}

/** What one measured run did, as the client saw it. */
export interface ScenarioResult {
  wallMs: number;
  /** Requests per action the client sent, retries included. */
  apiCalls: Record<string, number>;
  retries: number;
  stopped: number;
  /** Start runs. @default 0 */
  started?: number;
  failed: number;
  /** Failed because the time limit came first. */
  deadlineFailures: number;
  /** Resident set size before the run and at its peak (process.resourceUsage().maxRSS), in bytes. */
  rssBeforeBytes: number;
  peakRssBytes: number;
  /**
   * CPU time (user + system) the client's process spent on the run, in ms: the steadier figure on a shared
   * machine, and the one that says whether the client could be the bottleneck. Absent in older results.
   */
  cpuMs?: number;
}

/**
 * The lights-out configuration of a benchmark run: one schedule, the guard out of the way, `rateLimit.qps` at the
 * emulator's quota, and the shipped defaults for everything else (retry included): what users get.
 */
export function benchConfigYaml(spec: Pick<ScenarioSpec, 'regions' | 'qps'>): string {
  return [
    'version: 1',
    `regions: [${spec.regions.join(', ')}]`,
    `tagKey: ${BENCH_TAG_KEY}`,
    'timezone: UTC',
    `rateLimit: { qps: ${spec.qps} }`,
    'guard: { maxInstancesPerRun: 1000000 }',
    'schedules:',
    `  ${BENCH_SCHEDULE}: { start: "0 8 * * *", stop: "0 22 * * *" }`,
    '',
  ].join('\n');
}

/** The run's fire time: any instant works, since the run names its schedule and action. */
const FIRE_AT = new Date('2026-03-09T22:00:00Z');

async function runLightsOut(
  spec: ScenarioSpec,
): Promise<Omit<ScenarioResult, 'rssBeforeBytes' | 'peakRssBytes'>> {
  const config = parseConfig(benchConfigYaml(spec), 'bench.yaml');
  const pool = createClientPool(config, {
    env: {},
    credentials: spec.credentials,
    endpoint: new URL(spec.url),
  });
  // The handler logs synchronously; so does this, to a sink, so that writing the lines is part of the cost.
  const logger = createLogger({ destination: pino.destination({ dest: '/dev/null', sync: true }) });
  const random = mulberry32(spec.seed);
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  try {
    const startedMs = performance.now();
    let ran: Awaited<ReturnType<typeof runOnce>>;
    try {
      ran = await runOnce(
        config,
        {
          at: FIRE_AT,
          schedule: BENCH_SCHEDULE,
          action: spec.action ?? Action.Stop,
          deadlineAtMs: Date.now() + spec.timeLimitMs,
          ...(spec.batchFillMs === undefined ? {} : { batchFillMs: spec.batchFillMs }),
        },
        { ...pool, nowMs: Date.now, sleep, random, logger },
      );
    } catch {
      // The listing did not finish within the time limit (or failed): nothing was stopped; the report marks
      // the run as cut short.
      return {
        wallMs: performance.now() - startedMs,
        apiCalls: {},
        retries: 0,
        stopped: 0,
        started: 0,
        failed: 0,
        deadlineFailures: 1,
      };
    }
    const { summary, outcomes } = ran;
    return {
      wallMs: performance.now() - startedMs,
      apiCalls: summary.apiCalls,
      retries: summary.retries,
      stopped: summary.outcomes.stopped,
      started: summary.outcomes.started,
      failed: summary.outcomes.failed,
      // A start still refused for capacity at the time limit fails with that code rather than DeadlineExceeded.
      deadlineFailures: outcomes.filter(
        (o) =>
          o.errorCode === 'DeadlineExceeded' ||
          (o.outcome === 'failed' && o.errorCode === 'Insufficient.InstanceCapacity'),
      ).length,
    };
  } finally {
    await pool.close();
  }
}

/** Runs one scenario in this process. */
export async function runScenario(spec: ScenarioSpec): Promise<ScenarioResult> {
  const rssBeforeBytes = process.memoryUsage().rss;
  const cpuBefore = process.cpuUsage();
  const result = spec.approach === Approach.LightsOut ? await runLightsOut(spec) : await stopOneByOne(spec);
  const cpu = process.cpuUsage(cpuBefore);
  // maxRSS is in kibibytes.
  return {
    ...result,
    rssBeforeBytes,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

/**
 * The child side: receives one spec over IPC, runs it, sends the result back and exits. The parent starts it
 * with `fork(bundle, ['--scenario'])`.
 */
export function runScenarioChild(): void {
  process.once('message', (spec: ScenarioSpec) => {
    runScenario(spec).then(
      (result) => process.send!({ result }, () => process.exit(0)),
      (error: unknown) =>
        process.send!({ error: String((error as Error)?.stack ?? error) }, () => process.exit(1)),
    );
  });
}
