/**
 * Reproducible fleets for demos, tests and benchmarks: the same (count, seed) always gives the same instances,
 * spread over regions, zones, charge types and instance families (some refusing StopCharging), with the tags a
 * lights-out schedule reads, including the mistakes real fleets have (typos, untagged instances, bad values).
 */

import { SETTING_DEFAULTS } from '../defaults.js';
import { UsageError } from '../errors.js';
import type { Tag } from '../volc/index.js';
import { mulberry32, pick, type Random } from './prng.js';
import { DEFAULT_CREDENTIALS, type Fleet, type FleetInstance } from './types.js';

/** Options of {@link generateFleet}. */
export interface GenerateFleetOptions {
  /** How many instances. */
  count: number;
  /** Seed of the PRNG. @default 1 */
  seed?: number;
  /** Regions, filled in turn. @default ['cn-beijing', 'cn-shanghai', 'cn-guangzhou', 'ap-southeast-1'] */
  regions?: string[];
  /** The schedule tag key. @default 'lights-out' */
  tagKey?: string;
  /** Schedule names used as tag values. @default ['office-hours', 'nightly', 'weekend'] */
  schedules?: string[];
  /** The inline schedule tag key (Cloud Custodian's grammar). @default 'maid_offhours' */
  inlineTagKey?: string;
}

/**
 * Inline tag values of generated fleets: valid ones in several spellings, an opt-out, and invalid ones (an
 * hour out of range, the refused alias `cst`). Chosen by index, so adding them drew nothing from the PRNG and
 * left every generated fleet otherwise as it was.
 */
export const GENERATED_INLINE_VALUES: readonly string[] = [
  'off=(m-f,19);tz=asia/shanghai',
  'off=(m-f,22);on=(m-f,8);tz=asia/shanghai',
  'OFF=(M-F,23);TZ=ET',
  'off=[(m-f,20),(s-u,12)]',
  'off',
  'off=(m-f,25)',
  'off=(m-f,19);tz=cst',
];

/** The default regions of generated fleets. */
export const DEFAULT_REGIONS: readonly string[] = [
  'cn-beijing',
  'cn-shanghai',
  'cn-guangzhou',
  'ap-southeast-1',
];

/** Families and their weights; the last four refuse StopCharging (local disks, bare metal, HPC). */
const FAMILIES: ReadonlyArray<readonly [string, number]> = [
  ['g3i', 30],
  ['c3i', 25],
  ['r3i', 20],
  ['i3', 8],
  ['d2', 7],
  ['ebmg2', 5],
  ['hpcg2', 5],
];
const SIZES = ['large', 'xlarge', '2xlarge', '4xlarge'];
const ROLES = ['web', 'api', 'worker', 'db', 'batch', 'cache'];
const ID_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** Creation dates: one per day of 2025, formatted once. */
const CREATED_AT = Array.from({ length: 365 }, (_, day) =>
  new Date(Date.UTC(2025, 0, 1 + day)).toISOString().replace(/\.\d{3}Z$/, 'Z'),
);

function weighted(random: Random): string {
  const total = FAMILIES.reduce((sum, [, w]) => sum + w, 0);
  let r = random() * total;
  for (const [family, weight] of FAMILIES) {
    r -= weight;
    if (r < 0) return family;
  }
  return FAMILIES[0]![0];
}

function instanceId(random: Random, taken: Set<string>): string {
  for (;;) {
    let id = 'i-';
    for (let i = 0; i < 20; i++) id += ID_CHARS[Math.floor(random() * ID_CHARS.length)];
    if (!taken.has(id)) {
      taken.add(id);
      return id;
    }
  }
}

/** A plausible misspelling: the second letter left out ('office-hours' → 'ofice-hours'). */
function typo(value: string): string {
  return value.length > 2 ? value[0] + value.slice(2) : `${value}x`;
}

function tagsFor(index: number, random: Random, options: Required<GenerateFleetOptions>): Tag[] {
  const { tagKey, schedules, inlineTagKey } = options;
  const tags: Tag[] = [];
  // Rare cases come from the index, so every fleet of a few dozen instances has some of each.
  const untagged = index % 23 === 11;
  // Every other instance without the schedule tag carries an inline value instead; a few tagged ones carry
  // both (a conflict the planner refuses to guess about).
  const inline = (untagged && Math.floor(index / 23) % 2 === 0) || index % 47 === 20;
  if (!untagged) {
    const schedule = pick(random, schedules);
    tags.push({ Key: tagKey, Value: index % 29 === 13 ? typo(schedule) : schedule });
    if (index % 31 === 7)
      tags.push({ Key: `${tagKey}:skip-until`, Value: pick(random, ['2026-12-31', '2027-06-30']) });
    if (index % 17 === 3) {
      const mode = index % 85 === 3 ? 'StopCharge' : pick(random, ['StopCharging', 'KeepCharging']);
      tags.push({ Key: `${tagKey}:stopped-mode`, Value: mode });
    }
  }
  if (inline) {
    const value = GENERATED_INLINE_VALUES[Math.floor(index / 23) % GENERATED_INLINE_VALUES.length] as string;
    tags.push({ Key: inlineTagKey, Value: value });
  }
  if (random() < 0.6) tags.push({ Key: 'env', Value: random() < 0.5 ? 'dev' : 'prod' });
  return tags;
}

function makeInstance(
  index: number,
  random: Random,
  taken: Set<string>,
  options: Required<GenerateFleetOptions>,
): FleetInstance {
  const region = options.regions[index % options.regions.length]!;
  const chargeType = random() < 0.75 ? 'PostPaid' : 'PrePaid';
  const running = random() < 0.8;
  const instance: FleetInstance = {
    InstanceId: instanceId(random, taken),
    InstanceName: `${pick(random, ROLES)}-${String(index + 1).padStart(5, '0')}`,
    Status: running ? 'RUNNING' : 'STOPPED',
    InstanceChargeType: chargeType,
    InstanceTypeId: `ecs.${weighted(random)}.${pick(random, SIZES)}`,
    ZoneId: `${region}-${random() < 0.5 ? 'a' : 'b'}`,
    ProjectName: random() < 0.85 ? 'default' : 'data',
    Tags: tagsFor(index, random, options),
    CreatedAt: pick(random, CREATED_AT),
    Region: region,
  };
  if (!running)
    instance.StoppedMode = chargeType === 'PostPaid' && random() < 0.5 ? 'StopCharging' : 'KeepCharging';
  return instance;
}

/**
 * Makes a reproducible fleet of `count` instances with the default credentials.
 *
 * @example
 * const fleet = generateFleet({ count: 1000, seed: 1 });
 */
export function generateFleet(options: GenerateFleetOptions): Fleet {
  if (!Number.isInteger(options.count) || options.count < 0)
    throw new UsageError(`generateFleet: count must be a whole number, 0 or more (got ${options.count})`);
  const resolved: Required<GenerateFleetOptions> = {
    count: options.count,
    seed: options.seed ?? 1,
    regions: options.regions?.length ? options.regions : [...DEFAULT_REGIONS],
    tagKey: options.tagKey ?? SETTING_DEFAULTS.tagKey,
    schedules: options.schedules?.length ? options.schedules : ['office-hours', 'nightly', 'weekend'],
    inlineTagKey: options.inlineTagKey ?? SETTING_DEFAULTS.inline.tagKey,
  };
  const random = mulberry32(resolved.seed);
  const taken = new Set<string>();
  const instances = Array.from({ length: resolved.count }, (_, index) =>
    makeInstance(index, random, taken, resolved),
  );
  return { credentials: [{ ...DEFAULT_CREDENTIALS }], instances };
}
