/**
 * The baseline: how per-instance scheduler scripts and templates stop a fleet. They list the tagged instances,
 * then call StopInstances once per instance, a fixed number in flight, with no client-side rate limit and no
 * ClientToken; a throttled call is retried after a backoff. It uses lights-out's own client and retry policy,
 * so that the only differences measured are the batching and the rate limiter.
 */

import { mulberry32 } from '../lib/emulator/index.js';
import { LightsOutError } from '../lib/errors.js';
import {
  countCall,
  createRunStats,
  EcsAction,
  type RetryContext,
  type RunStats,
  retrying,
  retryPolicy,
} from '../lib/stop/index.js';
import { runPool } from '../lib/stop/pool.js';
import { createEcsClient, type EcsClient, InstanceStatus } from '../lib/volc/index.js';
import { BENCH_SCHEDULE, BENCH_TAG_KEY } from './fleet.js';
import type { ScenarioResult, ScenarioSpec } from './scenario.js';

interface Tally {
  stopped: number;
  failed: number;
  deadlineFailures: number;
}

async function listRunning(client: EcsClient, retry: RetryContext, stats: RunStats): Promise<string[]> {
  const ids: string[] = [];
  const pages = client.describeInstances(
    { tagFilters: [{ key: BENCH_TAG_KEY, values: [BENCH_SCHEDULE] }] },
    {
      callPage: (attempt) =>
        retrying(() => {
          countCall(stats, EcsAction.DescribeInstances);
          return attempt();
        }, retry),
    },
  );
  for await (const instance of pages) {
    if (instance.Status === InstanceStatus.Running) ids.push(instance.InstanceId);
  }
  return ids;
}

async function stopEach(
  client: EcsClient,
  ids: readonly string[],
  inFlight: number,
  context: { retry: RetryContext; stats: RunStats; tally: Tally },
): Promise<void> {
  const { retry, stats, tally } = context;
  await runPool(ids, inFlight, async (id) => {
    try {
      const result = await retrying(() => {
        countCall(stats, EcsAction.StopInstances);
        return client.stopInstances({ instanceIds: [id] });
      }, retry);
      if (result.operationDetails.some((detail) => detail.Error)) tally.failed += 1;
      else tally.stopped += 1;
    } catch (error) {
      tally.failed += 1;
      if (error instanceof LightsOutError && error.code === 'DeadlineExceeded') tally.deadlineFailures += 1;
    }
  });
}

/**
 * Stops every running tagged instance of every region one call per instance, regions side by side,
 * `spec.inFlight` calls in flight per region.
 */
export async function stopOneByOne(
  spec: ScenarioSpec,
): Promise<Omit<ScenarioResult, 'rssBeforeBytes' | 'peakRssBytes'>> {
  const stats = createRunStats();
  const tally: Tally = { stopped: 0, failed: 0, deadlineFailures: 0 };
  const retry: RetryContext = {
    policy: retryPolicy({ baseMs: 200, capMs: 5000, maxAttempts: 20 }),
    deadlineAtMs: Date.now() + spec.timeLimitMs,
    nowMs: Date.now,
    sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
    random: mulberry32(spec.seed),
    stats,
  };
  const startedMs = performance.now();
  await Promise.all(
    spec.regions.map(async (region) => {
      const client = createEcsClient({ region, credentials: spec.credentials, endpoint: spec.url });
      try {
        const ids = await listRunning(client, retry, stats);
        await stopEach(client, ids, spec.inFlight, { retry, stats, tally });
      } finally {
        await client.close();
      }
    }),
  );
  return {
    wallMs: performance.now() - startedMs,
    apiCalls: stats.apiCalls,
    retries: stats.retries,
    ...tally,
  };
}
