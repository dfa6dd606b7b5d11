/**
 * Issue 13, "listing overlaps stopping" and "regions do not wait for each other", against the emulator on the
 * virtual clock: stops start while later pages are read when the first pages' TotalCount sum is within the
 * guard, the guard stays exact when it is not (or when the pages then hold more than announced), a region's
 * failed listing leaves the other regions to finish, and the plan's decisions are those of planning at once.
 */
import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../../../lib/emulator/index.js';
import { VolcApiError } from '../../../lib/errors.js';
import {
  type ClientPool,
  type NotificationPreview,
  planRun,
  type RunResult,
  runAndNotify,
} from '../../../lib/run/index.js';
import {
  AT,
  expectAllStoppedOnce,
  expectNothingStoppedTwice,
  expectOneOutcomePerItem,
  type Harness,
  linesOf,
  mergeFleets,
  runningFleet,
  startHarness,
  testConfig,
} from '../../support/harness.js';

const REGIONS = ['cn-beijing', 'cn-shanghai'];

/** A test configuration at 20 requests/s per region and action, with guard `guard`. */
function config(regions: string[], guard: number): string {
  return testConfig({ regions, qps: 20 }).replace(
    'guard: { maxInstancesPerRun: 100000 }',
    `guard: { maxInstancesPerRun: ${guard} }`,
  );
}

/** Index in the call log of the first call matching `match`, and of the last. */
function span(
  calls: readonly CallRecord[],
  match: (c: CallRecord) => boolean,
): { first: number; last: number } {
  const indexes = calls.flatMap((c, i) => (match(c) ? [i] : []));
  return { first: indexes[0] ?? -1, last: indexes.at(-1) ?? -1 };
}

const stops = (region?: string) => (c: CallRecord) =>
  c.action === 'StopInstances' && (region === undefined || c.region === region);
const pages = (region?: string) => (c: CallRecord) =>
  c.action === 'DescribeInstances' && (region === undefined || c.region === region);

/**
 * `pool`, with the DescribeInstances pages of `region` passed through `change` (page number from 1): a server
 * whose count moves under the listing, or whose listing breaks part way.
 */
function hookPages(
  pool: ClientPool,
  region: string,
  change: (
    page: Awaited<ReturnType<ReturnType<ClientPool['clientFor']>['describeInstancesPage']>>,
    n: number,
  ) => typeof page,
): ClientPool {
  let count = 0;
  return {
    clientFor(name) {
      const client = pool.clientFor(name);
      if (name !== region) return client;
      return {
        ...client,
        async describeInstancesPage(filters, page) {
          count += 1;
          const n = count;
          return change(await client.describeInstancesPage(filters, page), n);
        },
      };
    },
    close: () => pool.close(),
  };
}

/** What the API answers a key that may no longer list `region`. */
function accessDenied(region: string): VolcApiError {
  return new VolcApiError({
    code: 'AccessDenied',
    message: 'the key may not list this region any more',
    httpStatus: 403,
    action: 'DescribeInstances',
    region,
    retryable: false,
  });
}

async function runFailing(h: Harness, pool: ClientPool): Promise<unknown> {
  return h.run({ pool }).then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('listing overlaps stopping', () => {
  it('sends stops while later pages are still read, when the first page announces a count within the guard', async () => {
    const h = await startHarness({
      fleet: runningFleet(1000),
      config: config(['cn-beijing'], 1000),
    });
    const { summary, plan } = await h.run();
    const calls = h.emulator.calls();
    expect(summary.overlapped).toBe(true);
    expect(span(calls, stops()).first).toBeLessThan(span(calls, pages()).last);
    // Still the optimum: one page and one stop per 100 instances.
    expect(summary.apiCalls).toMatchObject({ DescribeInstances: 10, StopInstances: 10 });
    expect(summary.outcomes.stopped).toBe(1000);
    expectOneOutcomePerItem(plan, h.log.lines);
    expectAllStoppedOnce(h.emulator);
    expect(linesOf(h.log.lines, 'run.summary')[0]).toMatchObject({ overlapped: true, guardRefused: false });
  });

  it('lists everything first when the counts exceed the guard, and the guard still refuses', async () => {
    const h = await startHarness({ fleet: runningFleet(300), config: config(['cn-beijing'], 200) });
    const { summary } = await h.run();
    expect(summary).toMatchObject({ overlapped: false, guardRefused: true });
    expect(summary.outcomes.failed).toBe(300);
    expect(h.emulator.calls().filter(stops())).toEqual([]);
    expect(h.emulator.instances().every((i) => i.Status === 'RUNNING')).toBe(true);
  });

  it('lists everything first when the counts exceed the guard, then stops what is within it', async () => {
    // 300 tagged, 150 of them already stopped: the counts (300) exceed the guard (200), the stops (150) do not.
    const stopped = runningFleet(150, { prefix: 'off' });
    for (const instance of stopped.instances) instance.Status = 'STOPPED';
    const h = await startHarness({
      fleet: mergeFleets(runningFleet(150), stopped),
      config: config(['cn-beijing'], 200),
    });
    const { summary } = await h.run();
    const calls = h.emulator.calls();
    expect(summary).toMatchObject({ overlapped: false, guardRefused: false });
    expect(summary.outcomes).toMatchObject({ stopped: 150, skipped: 150 });
    expect(span(calls, stops()).first).toBeGreaterThan(span(calls, pages()).last);
  });

  it('keeps the guard exact when the pages then hold more than the first page announced: what was sent stands, the run fails', async () => {
    // 300 instances; the first page announces 150 (within the guard of 200), the next ones the truth.
    const h = await startHarness({ fleet: runningFleet(300), config: config(['cn-beijing'], 200) });
    const pool = hookPages(h.openPool(), 'cn-beijing', (page, n) =>
      n === 1 ? { ...page, totalCount: 150 } : page,
    );
    const error = await runFailing(h, pool);
    expect(error).toBeInstanceOf(VolcApiError);
    expect(error).toMatchObject({ code: 'InvalidResponse' });
    expect(String((error as Error).message)).toMatch(/TotalCount of 150 the first page announced/);
    // Only the first page's 100 instances were planned, and stopped: never more than the guard.
    const outcomes = linesOf(h.log.lines, 'instance.outcome');
    expect(outcomes).toHaveLength(100);
    expect(outcomes.every((l) => l.outcome === 'stopped')).toBe(true);
    expect(h.emulator.instances().filter((i) => i.Status === 'STOPPED')).toHaveLength(100);
    const [summary] = linesOf(h.log.lines, 'run.summary');
    expect(summary).toMatchObject({ level: 'error', errorCode: 'InvalidResponse', overlapped: true });
    expect(summary!.outcomes).toMatchObject({ stopped: 100 });
    expectNothingStoppedTwice(h.emulator);
  });

  it('a forced run overlaps whatever the counts, and its listing follows the ordinary rules', async () => {
    const h = await startHarness({ fleet: runningFleet(300), config: config(['cn-beijing'], 200) });
    const pool = hookPages(h.openPool(), 'cn-beijing', (page, n) =>
      n === 1 ? { ...page, totalCount: 150 } : page,
    );
    const { summary } = await h.run({ pool, force: true });
    expect(summary).toMatchObject({ overlapped: true, guardRefused: false });
    expect(summary.outcomes.stopped).toBe(300);
  });

  it('a dry run lists first and sends nothing', async () => {
    const h = await startHarness({ fleet: runningFleet(300), config: config(['cn-beijing'], 1000) });
    const { summary } = await h.run({ dryRun: true });
    expect(summary).toMatchObject({ overlapped: false, dryRun: true });
    expect(summary.outcomes['dry-run']).toBe(300);
    expect(h.emulator.calls().filter(stops())).toEqual([]);
  });

  it('a region whose listing fails while another stops: the other finishes, the failed one carries out what it listed, the run fails', async () => {
    const h = await startHarness({
      fleet: runningFleet(1000, { regions: REGIONS }),
      config: config(REGIONS, 1000),
    });
    const pool = hookPages(h.openPool(), 'cn-shanghai', (page, n) => {
      if (n < 3) return page;
      throw accessDenied('cn-shanghai');
    });
    const error = await runFailing(h, pool);
    expect(error).toMatchObject({ code: 'AccessDenied' });
    const live = h.emulator.instances();
    const stoppedIn = (region: string) =>
      live.filter((i) => i.Region === region && i.Status === 'STOPPED').length;
    // cn-beijing listed and stopped all of its 500; cn-shanghai the 200 of its two pages read.
    expect(stoppedIn('cn-beijing')).toBe(500);
    expect(stoppedIn('cn-shanghai')).toBe(200);
    const outcomes = linesOf(h.log.lines, 'instance.outcome');
    expect(outcomes).toHaveLength(700);
    expect(new Set(outcomes.map((l) => l.instanceId)).size).toBe(700);
    expect(linesOf(h.log.lines, 'listing.region-failed')).toMatchObject([
      { region: 'cn-shanghai', errorCode: 'AccessDenied' },
    ]);
    const [summary] = linesOf(h.log.lines, 'run.summary');
    expect(summary).toMatchObject({ level: 'error', errorCode: 'AccessDenied', overlapped: true });
    expect(summary!.outcomes).toMatchObject({ stopped: 700, failed: 0 });
    expectNothingStoppedTwice(h.emulator);
  });

  it('the notification of a listing that failed after stopping started counts what was done', async () => {
    const h = await startHarness({
      fleet: runningFleet(400, { regions: REGIONS }),
      config: config(REGIONS, 1000),
    });
    const pool = hookPages(h.openPool(), 'cn-shanghai', (page, n) => {
      if (n < 2) return page;
      throw accessDenied('cn-shanghai');
    });
    let shown: NotificationPreview[] = [];
    const error = await runAndNotify(
      h.config,
      {
        at: AT,
        notify: {
          preview: (previews) => {
            shown = previews;
          },
        },
      },
      { ...h.deps(pool), env: {} },
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AccessDenied' });
    expect(shown).toHaveLength(1);
    expect(shown[0]!.text).toMatch(/listing failed, after 300 stopped/);
    expect(shown[0]!.text).toMatch(/what was listed before it was carried out/);
  });

  it('a region check that fails stops nothing anywhere (the gate waits for every region)', async () => {
    const h = await startHarness({
      fleet: runningFleet(200, { regions: REGIONS }),
      config: `${config([...REGIONS, 'cn-nowhere'], 1000)}allowUnknownRegions: true\n`,
    });
    const error = await h.run().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UnknownRegion' });
    expect(h.emulator.calls().filter(stops())).toEqual([]);
  });
});

describe('regions do not wait for each other', () => {
  it("a region with a long listing does not delay another region's stops", async () => {
    // cn-beijing: 2,000 instances, 20 pages (a second at 20 pages/s); cn-shanghai: 100, one page.
    const h = await startHarness({
      fleet: mergeFleets(
        runningFleet(2000, { regions: ['cn-beijing'], prefix: 'bj' }),
        runningFleet(100, { regions: ['cn-shanghai'], prefix: 'sh' }),
      ),
      config: config(REGIONS, 5000),
    });
    const { summary } = await h.run();
    const calls = h.emulator.calls();
    expect(summary.outcomes.stopped).toBe(2100);
    const slowListing = span(calls, pages('cn-beijing'));
    const quickStops = span(calls, stops('cn-shanghai'));
    expect(quickStops.last).toBeLessThan(slowListing.last);
    expect(quickStops.first).toBeLessThan(span(calls, stops('cn-beijing')).last);
  });

  it("a region's verification does not wait for another region's stops", async () => {
    // cn-shanghai's stops are refused one by one for a while (locked), cn-beijing's go through at once.
    const h = await startHarness({
      fleet: mergeFleets(
        runningFleet(100, { regions: ['cn-beijing'], prefix: 'bj' }),
        runningFleet(100, { regions: ['cn-shanghai'], prefix: 'sh', emulator: { locked: 6 } }),
      ),
      faults: { transitionMs: 0 },
      config: `${config(REGIONS, 1000)}verify: { enabled: true }\n`,
    });
    const { summary } = await h.run();
    expect(summary.outcomes.stopped).toBe(200);
    expect(summary.notVerified).toEqual([]);
    const calls = h.emulator.calls();
    const verifiedBeijing = span(calls, (c) => pages('cn-beijing')(c) && 'InstanceIds.1' in c.params);
    expect(verifiedBeijing.first).toBeGreaterThan(-1);
    expect(verifiedBeijing.first).toBeLessThan(span(calls, stops('cn-shanghai')).last);
  });
});

describe('planning page by page', () => {
  it('decides exactly as planning the whole listing at once', async () => {
    const fleet = mergeFleets(
      runningFleet(250, { regions: REGIONS }),
      runningFleet(60, { regions: REGIONS, prefix: 'kc', chargeType: 'PrePaid' }),
      runningFleet(40, {
        regions: REGIONS,
        prefix: 'sz',
        tags: [{ Key: 'lights-out:skip-until', Value: '2099-01-01' }],
      }),
      runningFleet(30, {
        regions: REGIONS,
        prefix: 'bad',
        tags: [{ Key: 'lights-out:stopped-mode', Value: 'Sometimes' }],
      }),
      runningFleet(20, { regions: REGIONS, prefix: 'typo', schedule: 'nigthly' }),
    );
    const h = await startHarness({ fleet, config: config(REGIONS, 1000) });
    const pool = h.openPool();
    // The plan command's way: every region listed, then planned at once. Nothing has changed the fleet yet.
    const atOnce = await planRun(h.config, { at: AT }, h.deps(pool));
    const run: RunResult = await h.run({ pool });
    expect(run.summary.overlapped).toBe(true);
    expect(run.plan).toEqual(atOnce);
    expect(run.outcomes.map((o) => o.instanceId)).toEqual(atOnce.items.map((i) => i.instanceId));
  });
});
