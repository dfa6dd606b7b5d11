/**
 * Planning throughput: buildPlan over a large listing held in memory, no HTTP. The listing is the emulator's
 * generated fleet (its mix of charge types, instance families, stopped instances, snoozes, override tags, typos
 * and untagged instances), with all three of its schedules firing, so every kind of decision is made.
 */
import { parseConfig } from '../lib/config/index.js';
import { generateFleet } from '../lib/emulator/index.js';
import { buildPlan } from '../lib/plan/index.js';
import { Action } from '../lib/schedule/index.js';
import type { Instance } from '../lib/volc/index.js';
import { median } from './bound.js';

/** The result of {@link measurePlanning}. */
export interface PlanningResult {
  instances: number;
  repetitions: number;
  /** Plan items (instances of a firing schedule) in each plan. */
  items: number;
  medianMs: number;
  /** instances / medianMs, per second. */
  instancesPerSecond: number;
}

const CONFIG = `
version: 1
regions: [cn-beijing, cn-shanghai, cn-guangzhou, ap-southeast-1]
timezone: Asia/Shanghai
guard: { maxInstancesPerRun: 1000000 }
schedules:
  office-hours: { stop: "0 22 * * 1-5" }
  nightly: { stop: "30 23 * * *" }
  weekend: { stop: "0 20 * * 5", stoppedMode: KeepCharging }
`;

/**
 * Plans `instances` generated instances `repetitions` times (after one warm-up) and reports the median.
 *
 * @example
 * const { instancesPerSecond } = measurePlanning(100_000, 7);
 */
export function measurePlanning(instances: number, repetitions: number): PlanningResult {
  const config = parseConfig(CONFIG, 'planning.yaml');
  const listing = generateFleet({ count: instances, seed: 1 }).instances.map(({ Region, ...instance }) => ({
    region: Region,
    instance: instance as Instance,
  }));
  const now = new Date('2026-03-09T15:30:00Z');
  const fires = config.schedules.map((schedule) => ({
    schedule: schedule.name,
    fireTime: now,
    action: Action.Stop,
  }));
  let items = buildPlan({ config, fires, instances: listing, now }).items.length;
  const timesMs: number[] = [];
  for (let n = 0; n < repetitions; n++) {
    const startedMs = performance.now();
    items = buildPlan({ config, fires, instances: listing, now }).items.length;
    timesMs.push(performance.now() - startedMs);
  }
  const medianMs = median(timesMs);
  return { instances, repetitions, items, medianMs, instancesPerSecond: (instances / medianMs) * 1000 };
}
