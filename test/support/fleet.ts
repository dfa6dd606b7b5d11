/**
 * Small fleets for the stop-path tests: RUNNING instances carrying the schedule tag, with the charge type,
 * instance type, regions and emulator flags a case needs. IDs are predictable (`i-<prefix><number>`), so a
 * test can name the instances it built.
 */
import {
  DEFAULT_CREDENTIALS,
  type EmulatorFlags,
  type Fleet,
  type FleetInstance,
} from '../../lib/emulator/index.js';

/** Options of {@link runningFleet}. */
export interface RunningFleetOptions {
  /** Filled in turn: instance k goes to `regions[k % regions.length]`. @default ['cn-beijing'] */
  regions?: string[];
  /** @default 'PostPaid' */
  chargeType?: 'PostPaid' | 'PrePaid';
  /** @default 'ecs.g3i.large' (StopCharging-eligible) */
  type?: string;
  /** Value of the schedule tag. @default 'nightly' */
  schedule?: string;
  /** @default 'lights-out' */
  tagKey?: string;
  /** Makes IDs unique across the parts of a mixed fleet. @default 'run' */
  prefix?: string;
  /** Emulator-only conditions of every instance (`{ locked: 2 }` clears after two operations). */
  emulator?: EmulatorFlags;
  /** More tags on every instance. @default [] */
  tags?: Array<{ Key: string; Value: string }>;
}

/**
 * `n` RUNNING instances tagged for one schedule.
 *
 * @example
 * runningFleet(1000, { regions: ['cn-beijing', 'cn-shanghai'], chargeType: 'PrePaid', prefix: 'pp' });
 */
export function runningFleet(n: number, options: RunningFleetOptions = {}): Fleet {
  const regions = options.regions ?? ['cn-beijing'];
  const prefix = options.prefix ?? 'run';
  const instances = Array.from({ length: n }, (_, k): FleetInstance => {
    const region = regions[k % regions.length]!;
    const id = `i-${prefix}${String(k).padStart(5, '0')}`;
    const instance: FleetInstance = {
      InstanceId: id,
      InstanceName: id,
      Status: 'RUNNING',
      InstanceChargeType: options.chargeType ?? 'PostPaid',
      InstanceTypeId: options.type ?? 'ecs.g3i.large',
      ZoneId: `${region}-a`,
      ProjectName: 'default',
      Tags: [
        { Key: options.tagKey ?? 'lights-out', Value: options.schedule ?? 'nightly' },
        ...(options.tags ?? []),
      ],
      Region: region,
    };
    if (options.emulator) instance.Emulator = { ...options.emulator };
    return instance;
  });
  return { credentials: [{ ...DEFAULT_CREDENTIALS }], instances };
}

/** One fleet of the instances of `parts`, with the default credentials. */
export function mergeFleets(...parts: Fleet[]): Fleet {
  return { credentials: [{ ...DEFAULT_CREDENTIALS }], instances: parts.flatMap((p) => p.instances) };
}
