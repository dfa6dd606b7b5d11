/**
 * The incremental planner (a listing that overlaps stopping plans each page as it comes) decides exactly as
 * planning the whole listing at once, whatever the page boundaries, over a generated fleet with every kind of
 * tag (typos, inline schedules valid and not, both tags at once) listed by both listings, duplicates included.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lib/config/index.js';
import { generateFleet, mulberry32 } from '../../../lib/emulator/index.js';
import { buildPlan, Planner } from '../../../lib/plan/index.js';
import { firesFor, inlineWindowFor } from '../../../lib/run/index.js';
import type { Instance } from '../../../lib/volc/index.js';

const CONFIG = `
version: 1
regions: [cn-beijing, cn-shanghai]
timezone: Asia/Shanghai
inline: { tagKey: maid_offhours }
schedules:
  office-hours: { stop: "0 22 * * 1-5", start: "0 8 * * 1-5" }
  nightly: { stop: "0 22 * * *" }
  weekend: { stop: "0 22 * * 5", stoppedMode: KeepCharging }
`;

describe('Planner', () => {
  it.each([1, 2, 3])('page by page, plans what buildPlan plans at once (seed %i)', (seed) => {
    const config = parseConfig(CONFIG, 'planner.yaml');
    const request = { at: new Date('2026-03-09T14:00:00Z') }; // 22:00 in Shanghai, a Monday
    const fires = firesFor(config, request);
    const window = inlineWindowFor(config, request);
    expect(fires.length).toBeGreaterThan(0);
    expect(window).toBeDefined();
    const fleet = generateFleet({ count: 700, seed, regions: ['cn-beijing', 'cn-shanghai'] });
    const random = mulberry32(seed);
    // Listing order: per region, the named listing then the inline one (which finds some instances again).
    const listed: { region: string; instance: Instance }[] = [];
    for (const region of config.regions) {
      const mine = fleet.instances.filter((i) => i.Region === region);
      const named = mine.filter((i) => i.Tags?.some((t) => t.Key === 'lights-out'));
      const inline = mine.filter((i) => i.Tags?.some((t) => t.Key === 'maid_offhours'));
      for (const instance of [...named, ...inline]) listed.push({ region, instance: instance as Instance });
    }
    const input = { config, fires, now: request.at, window: window! };
    const atOnce = buildPlan({ ...input, instances: listed });
    const planner = new Planner(input);
    const fed = [];
    for (let start = 0; start < listed.length; ) {
      const size = 1 + Math.floor(random() * 150);
      fed.push(...planner.add(listed.slice(start, start + size)));
      start += size;
    }
    const paged = planner.plan();
    expect(paged).toEqual(atOnce);
    // Every decision kind is exercised, and add() hands out each item once, as the plan holds it.
    expect(new Set(atOnce.items.map((i) => i.decision))).toEqual(new Set(['stop', 'skip']));
    expect(fed).toHaveLength(paged.items.length);
    const planned = new Set(paged.items);
    expect(fed.every((item) => planned.has(item))).toBe(true);
  });
});
