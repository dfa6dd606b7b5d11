/**
 * A StopSession fed page by page, as when listing overlaps stopping (lib/run's runOnce), against the emulator
 * in-process on the virtual clock: what the pipeline's rules do while more of the plan is still to come.
 */
import { describe, expect, it } from 'vitest';
import type { PlanItem } from '../../../lib/plan/types.js';
import { type ExecuteOptions, StopSession } from '../../../lib/stop/execute.js';
import { defaultOptions, ids, makePlan, stopItem, world } from './helpers.js';

type World = ReturnType<typeof world>;

/** Feeds `pages` to a new session, each at its time (ms after the start), then ends the region and finishes. */
async function feed(
  w: World,
  pages: { atMs: number; items: PlanItem[] }[],
  options: Partial<ExecuteOptions>,
) {
  const session = new StopSession(w.deps, defaultOptions(w.clock, options));
  const startMs = w.clock.nowMs();
  for (const page of pages) {
    await w.clock.sleep(startMs + page.atMs - w.clock.nowMs());
    session.add(page.items);
  }
  session.endRegion('cn-beijing');
  return session.finish(makePlan(pages.flatMap((p) => p.items)), { guardRefused: false });
}

describe('StopSession fed page by page', () => {
  it('holds refused instances for the next pages while the listing is open, within four fill times', async () => {
    const w = world({ faults: { latencyMs: 30 } });
    const all = ids(300);
    w.ecs.add('cn-beijing', all);
    // 30 instances of each of the first two pages are refused once. Their answers come back with nothing
    // else in flight, but the listing is still open: the first 30 wait for the second page's (back at
    // 130 ms), and both go as one call when the first have waited four fill times (4 × 50 ms at 10 qps),
    // at 230 ms: not alone at 30 and 130, and not at the late third page (1,000 ms) either.
    for (const id of [...all.slice(0, 30), ...all.slice(100, 130)]) {
      w.ecs.instanceCodes(id, 'FlowLimitExceeded');
    }
    const items = all.map((id) => stopItem(id));
    const t0 = w.clock.nowMs();
    const { outcomes } = await feed(
      w,
      [
        { atMs: 0, items: items.slice(0, 100) },
        { atMs: 100, items: items.slice(100, 200) },
        { atMs: 1_000, items: items.slice(200) },
      ],
      { rateLimit: { qps: 10 } },
    );
    const calls = w.ecs.stopCalls();
    expect(calls.map((c) => [c.atMs - t0, c.instanceIds.length])).toEqual([
      [0, 100],
      [100, 100],
      [230, 60],
      [1_000, 100],
    ]);
    expect(calls[2]!.instanceIds).toEqual([...all.slice(0, 30), ...all.slice(100, 130)]);
    expect(outcomes.every((o) => o.outcome === 'stopped')).toBe(true);
    expect([...w.ecs.stopEffects.values()].every((n) => n === 1)).toBe(true);
  });

  it('counts every instance pushed for patience: at 90% refused per instance, none waits a backoff of its own', async () => {
    const w = world({ faults: { latencyMs: 30, flowLimitPerInstance: 0.9 } });
    const all = ids(1_000);
    w.ecs.add('cn-beijing', all);
    const items = all.map((id) => stopItem(id));
    const t0 = w.clock.nowMs();
    // Ten pages, one every 50 ms, as a listing at 20 pages/s reads them.
    const pages = Array.from({ length: 10 }, (_, k) => ({
      atMs: 50 * k,
      items: items.slice(100 * k, 100 * k + 100),
    }));
    const { outcomes } = await feed(w, pages, {
      rateLimit: { qps: 20 },
      retry: { baseMs: 200, capMs: 2_000, maxAttempts: 8 },
    });
    expect(outcomes.filter((o) => o.outcome === 'stopped')).toHaveLength(1_000);
    // A streak of refusals chance gives one instance in a thousand is no reason for a wait of its own: the
    // region (1,000 instances, 90% refused) is patient for 132 in a row. Calls follow each other at the rate
    // (50 ms) or within the fill rule's four fill times, never after a backoff.
    const times = w.ecs.stopCalls().map((c) => c.atMs - t0);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(200);
    // The perfect client's 100 calls at 20/s take 5 s; the tail of refusals adds a few seconds, not more.
    expect(times.at(-1)!).toBeLessThan(8_000);
  });
});
