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
  /**
   * Median CPU time (user + system) of one plan, ms: the steadier figure on a shared machine. Absent in
   * results written before it was measured.
   */
  cpuMedianMs?: number;
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
  const cpuMs: number[] = [];
  for (let n = 0; n < repetitions; n++) {
    const startedMs = performance.now();
    const cpu = process.cpuUsage();
    items = buildPlan({ config, fires, instances: listing, now }).items.length;
    const used = process.cpuUsage(cpu);
    timesMs.push(performance.now() - startedMs);
    cpuMs.push((used.user + used.system) / 1000);
  }
  const medianMs = median(timesMs);
  return {
    instances,
    repetitions,
    items,
    medianMs,
    cpuMedianMs: median(cpuMs),
    instancesPerSecond: (instances / medianMs) * 1000,
  };
}

/** The result of {@link measureInlinePlanning}: the same fleet planned through named and inline schedules. */
export interface InlinePlanningResult {
  instances: number;
  repetitions: number;
  /** Distinct inline tag values in the inline fleet. */
  distinctValues: number;
  /** Plan items of each plan (equal: every instance fires in both). */
  items: number;
  namedMedianMs: number;
  inlineMedianMs: number;
  /** inlineMedianMs / namedMedianMs: the target is at most 1.2. */
  ratio: number;
}

const INLINE_CONFIG = `
version: 1
regions: [cn-beijing, cn-shanghai, cn-guangzhou, ap-southeast-1]
timezone: Asia/Shanghai
guard: { maxInstancesPerRun: 1000000 }
schedules:
  office-hours: { stop: "0 19 * * 1-5" }
  evening: { stop: "0 19 * * *" }
  weekdays: { stop: "0 19 * * 1-5", stoppedMode: KeepCharging }
inline:
  tagKey: maid_offhours
`;

/**
 * A few dozen distinct values that all stop at 19:00 Beijing time on weekdays, in the spellings real fleets
 * mix: with and without brackets, capitals and `tz=`, and different on-hours.
 */
function inlineValues(): string[] {
  const values: string[] = [];
  for (let hour = 0; hour < 12; hour++) {
    values.push(`off=(m-f,19);on=(m-f,${hour});tz=asia/shanghai`);
    values.push(`OFF=(M-F,19);ON=(M-F,${hour})`);
    values.push(`off=[(m-f,19)];on=[(m-f,${hour})];tz=Asia/Shanghai`);
  }
  return values;
}

/**
 * Plans the same generated fleet twice, each instance tagged once for a named schedule (three, all firing)
 * and once with an inline value (36 distinct values, all firing in the window), and compares the medians.
 * Both plans decide every instance (stop, or a skip such as not-running), so the difference is the cost of
 * reading inline values: a map look-up per instance, with each distinct value parsed and its fires
 * computed once per plan.
 *
 * @example
 * const { ratio } = measureInlinePlanning(50_000, 7);
 */
export function measureInlinePlanning(instances: number, repetitions: number): InlinePlanningResult {
  const config = parseConfig(INLINE_CONFIG, 'inline-planning.yaml');
  const values = inlineValues();
  const names = config.schedules.map((s) => s.name);
  const base = generateFleet({ count: instances, seed: 2 }).instances;
  const fleetWith = (tag: (index: number) => { Key: string; Value: string }) =>
    base.map(({ Region, ...instance }, index) => ({
      region: Region,
      instance: { ...(instance as Instance), Tags: [tag(index), { Key: 'env', Value: 'dev' }] },
    }));
  const named = fleetWith((i) => ({ Key: config.tagKey, Value: names[i % names.length] as string }));
  const inline = fleetWith((i) => ({ Key: 'maid_offhours', Value: values[i % values.length] as string }));
  // Monday 2026-03-09 19:00 in Beijing; the tick window (10:55Z, 11:00Z] holds it.
  const now = new Date('2026-03-09T11:00:00Z');
  const window = { start: new Date(now.getTime() - 300_000), end: now };
  const fires = names.map((schedule) => ({ schedule, fireTime: now, action: Action.Stop }));
  const planNamed = () => buildPlan({ config, fires, instances: named, now });
  const planInline = () => buildPlan({ config, fires: [], instances: inline, now, window });
  const items = planNamed().items.length;
  if (planInline().items.length !== items) throw new Error('the inline and named plans differ in size');
  const namedMs: number[] = [];
  const inlineMs: number[] = [];
  // Interleaved, so that a slow patch of the machine weighs on both sides alike.
  for (let n = 0; n < repetitions; n++) {
    let startedMs = performance.now();
    planNamed();
    namedMs.push(performance.now() - startedMs);
    startedMs = performance.now();
    planInline();
    inlineMs.push(performance.now() - startedMs);
  }
  const namedMedianMs = median(namedMs);
  const inlineMedianMs = median(inlineMs);
  return {
    instances,
    repetitions,
    distinctValues: values.length,
    items,
    namedMedianMs,
    inlineMedianMs,
    ratio: inlineMedianMs / namedMedianMs,
  };
}
