/**
 * The benchmark fleets: every instance RUNNING, pay-as-you-go, of a StopCharging-eligible type and tagged with
 * the one benchmark schedule, so that every listed instance is planned for a stop. (The generated demo fleet
 * mixes in stopped, untagged and mistagged instances, which is right for a demo and wrong for counting calls.)
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spread } from './bound.js';

/** The regions of the benchmark, in the order fleets fill them. */
export const BENCH_REGIONS: readonly string[] = [
  'cn-beijing',
  'cn-shanghai',
  'cn-guangzhou',
  'ap-southeast-1',
];
/** The tag key and schedule name of every benchmark instance. */
export const BENCH_TAG_KEY = 'lights-out';
export const BENCH_SCHEDULE = 'bench';

/** One instance of a fleet file, with the fields the emulator would otherwise default spelled out. */
interface BenchInstance {
  InstanceId: string;
  Region: string;
  /** Start runs: every instance STOPPED with StopCharging (so a start can meet a capacity refusal). */
  Status?: 'STOPPED';
  StoppedMode?: 'StopCharging';
  InstanceChargeType: 'PostPaid';
  InstanceTypeId: string;
  Tags: Array<{ Key: string; Value: string }>;
}

/**
 * The instances of a fleet of `instances` spread evenly over the first `regions` benchmark regions. IDs are
 * 22 characters like real ones (`i-` and 20 more) and unique across regions.
 */
export function benchInstances(instances: number, regions: number, stopped = false): BenchInstance[] {
  if (regions < 1 || regions > BENCH_REGIONS.length) {
    throw new RangeError(`regions must be 1 to ${BENCH_REGIONS.length}, got ${regions}`);
  }
  const fleet: BenchInstance[] = [];
  spread(instances, regions).forEach((count, regionIndex) => {
    for (let n = 0; n < count; n++) {
      fleet.push({
        InstanceId: `i-bench${regionIndex}${String(n).padStart(14, '0')}`,
        Region: BENCH_REGIONS[regionIndex]!,
        InstanceChargeType: 'PostPaid',
        InstanceTypeId: 'ecs.g3i.large',
        Tags: [{ Key: BENCH_TAG_KEY, Value: BENCH_SCHEDULE }],
        ...(stopped && { Status: 'STOPPED' as const, StoppedMode: 'StopCharging' as const }),
      });
    }
  });
  return fleet;
}

/** The fleet of a start run (every instance STOPPED with StopCharging), as JSON for the emulator's reset. */
export function stoppedFleetJson(instances: number, regions: number): string {
  return JSON.stringify({ instances: benchInstances(instances, regions, true) });
}

/** Writes the fleet file (JSON, which the emulator reads as YAML) into `dir` and returns its path. */
export async function writeFleetFile(dir: string, instances: number, regions: number): Promise<string> {
  const path = join(dir, `fleet-${instances}-${regions}r.json`);
  await writeFile(path, JSON.stringify({ instances: benchInstances(instances, regions) }));
  return path;
}
