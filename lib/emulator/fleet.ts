/**
 * Fleet files: `credentials` and `instances` in YAML or JSON, checked field by field. A captured
 * DescribeInstances answer (`{ResponseMetadata, Result: {Instances}}`) is accepted as it is: its Region comes
 * from `ResponseMetadata.Region` unless an instance names its own.
 */
import { closest } from '../suggest.js';
import { type Credentials, InstanceStatus, StoppedMode, type Tag } from '../volc/index.js';
import {
  type DocPath,
  Issues,
  isRecord,
  objectSource,
  parseSource,
  readSource,
  type SourceDoc,
} from './source.js';
import { DEFAULT_CREDENTIALS, type EmulatorFlags, type Fleet, type FleetInstance } from './types.js';

const STATUSES: ReadonlySet<string> = new Set(Object.values(InstanceStatus));
const STOPPED_MODES: ReadonlySet<string> = new Set(['', ...Object.values(StoppedMode)]);
const STRING_FIELDS = [
  'InstanceName',
  'InstanceChargeType',
  'InstanceTypeId',
  'ZoneId',
  'ProjectName',
] as const;

/**
 * Parses and checks fleet text (YAML or JSON).
 *
 * @param file the name used in error positions
 * @throws ConfigError listing every problem as `file:line:column: message`
 * @example
 * const fleet = parseFleet('instances:\n  - {InstanceId: i-1, Region: cn-beijing}\n', 'fleet.yaml');
 */
export function parseFleet(text: string, file = '<fleet>'): Fleet {
  return checkFleet(parseSource(text, file));
}

/** Reads and checks a fleet file. @throws ConfigError */
export async function loadFleet(path: string): Promise<Fleet> {
  return checkFleet(await readSource(path));
}

/** Checks a fleet built in code (or parsed elsewhere) and fills in defaults. @throws ConfigError */
export function validateFleet(value: unknown, file = '<fleet>'): Fleet {
  return checkFleet(objectSource(value, file));
}

/** Where the instance list sits in each accepted shape, and the Region that applies by default. */
function findInstances(value: unknown): { path: DocPath; list: unknown; region?: unknown } | undefined {
  if (Array.isArray(value)) return { path: [], list: value };
  if (!isRecord(value)) return undefined;
  const region = value.Region ?? value.region;
  if ('instances' in value) return { path: ['instances'], list: value.instances, region };
  if ('Instances' in value) return { path: ['Instances'], list: value.Instances, region };
  const result = value.Result;
  if (isRecord(result) && 'Instances' in result) {
    const meta = value.ResponseMetadata;
    return {
      path: ['Result', 'Instances'],
      list: result.Instances,
      region: region ?? (isRecord(meta) ? meta.Region : undefined),
    };
  }
  return undefined;
}

function checkFleet(doc: SourceDoc): Fleet {
  const issues = new Issues(doc);
  const found = findInstances(doc.value);
  const instances: FleetInstance[] = [];
  if (!found) {
    issues.add([], 'expected `instances:` (a list), or a DescribeInstances answer with Result.Instances');
  } else if (!Array.isArray(found.list)) {
    issues.add(found.path, 'must be a list of instances');
  } else {
    const seen = new Set<string>();
    const region = typeof found.region === 'string' ? found.region : undefined;
    found.list.forEach((item, index) => {
      const instance = checkInstance(item, [...found.path, index], region, issues);
      if (!instance) return;
      if (seen.has(instance.InstanceId)) {
        issues.add([...found.path, index, 'InstanceId'], `duplicate InstanceId '${instance.InstanceId}'`);
      }
      seen.add(instance.InstanceId);
      instances.push(instance);
    });
  }
  const credentials = checkCredentials(isRecord(doc.value) ? doc.value.credentials : undefined, issues);
  const regions = checkRegions(isRecord(doc.value) ? doc.value.regions : undefined, instances, issues);
  issues.throwIfAny();
  const fleet: Fleet = { credentials, instances };
  if (regions !== undefined) fleet.regions = regions;
  if (issues.warnings.length > 0) fleet.warnings = issues.warnings;
  return fleet;
}

/** `regions:`, the account's regions for DescribeRegions; every instance must be in one of them. */
function checkRegions(value: unknown, instances: FleetInstance[], issues: Issues): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((region) => typeof region === 'string' && region !== '')) {
    issues.add(['regions'], 'must be a list of region IDs');
    return undefined;
  }
  const missing = [...new Set(instances.map((i) => i.Region))].filter((r) => !value.includes(r));
  if (missing.length > 0)
    issues.add(['regions'], `must list the instances' regions too: ${missing.join(', ')}`);
  return value as string[];
}

function checkCredentials(value: unknown, issues: Issues): Credentials[] {
  if (value === undefined) return [{ ...DEFAULT_CREDENTIALS }];
  if (!Array.isArray(value) || value.length === 0) {
    issues.add(['credentials'], 'must be a non-empty list of {accessKeyId, secretKey}');
    return [];
  }
  const result: Credentials[] = [];
  for (const [index, item] of value.entries()) {
    const path = ['credentials', index];
    if (!isRecord(item)) {
      issues.add(path, 'must be a mapping with accessKeyId and secretKey');
      continue;
    }
    for (const key of Object.keys(item)) {
      if (!['accessKeyId', 'secretKey', 'sessionToken'].includes(key))
        issues.add([...path, key], 'unknown field');
    }
    const { accessKeyId, secretKey, sessionToken } = item;
    if (typeof accessKeyId !== 'string' || accessKeyId === '')
      issues.add([...path, 'accessKeyId'], 'must be a non-empty string');
    if (typeof secretKey !== 'string' || secretKey === '')
      issues.add([...path, 'secretKey'], 'must be a non-empty string');
    if (sessionToken !== undefined && typeof sessionToken !== 'string')
      issues.add([...path, 'sessionToken'], 'must be a string');
    const pair: Credentials = { accessKeyId: String(accessKeyId), secretKey: String(secretKey) };
    if (typeof sessionToken === 'string') pair.sessionToken = sessionToken;
    result.push(pair);
  }
  return result;
}

function checkInstance(
  item: unknown,
  path: DocPath,
  defaultRegion: string | undefined,
  issues: Issues,
): FleetInstance | undefined {
  if (!isRecord(item)) {
    issues.add(path, 'must be a mapping with the DescribeInstances fields');
    return undefined;
  }
  const at = (key: string) => [...path, key];
  const id = item.InstanceId;
  if (typeof id !== 'string' || id === '') issues.add(at('InstanceId'), 'must be a non-empty string');
  const region = item.Region ?? defaultRegion;
  if (typeof region !== 'string' || region === '') {
    issues.add(
      item.Region === undefined ? path : at('Region'),
      'Region must be a non-empty string (add Region to the instance)',
    );
  }
  for (const key of STRING_FIELDS) {
    if (item[key] !== undefined && typeof item[key] !== 'string') issues.add(at(key), 'must be a string');
  }
  const status = item.Status ?? InstanceStatus.Running;
  if (typeof status !== 'string' || !STATUSES.has(status)) {
    issues.add(at('Status'), `must be one of ${[...STATUSES].join(', ')}`);
  }
  if (
    item.StoppedMode !== undefined &&
    (typeof item.StoppedMode !== 'string' || !STOPPED_MODES.has(item.StoppedMode))
  ) {
    issues.add(at('StoppedMode'), 'must be KeepCharging or StopCharging');
  }
  warnMisspelt(item, path, issues);
  const tags = checkTags(item.Tags, at('Tags'), issues);
  const flags = checkFlags(item.Emulator, at('Emulator'), issues);
  if (typeof id !== 'string' || typeof region !== 'string') return undefined;
  // The fields the emulator reads first, in one shape for every instance, then any other field as it came (a
  // spread first and stores after it, or a `delete`, would make each of thousands of objects slow).
  const instance: FleetInstance = {
    InstanceId: id,
    InstanceName: typeof item.InstanceName === 'string' ? item.InstanceName : id,
    Status: String(status),
    InstanceChargeType: typeof item.InstanceChargeType === 'string' ? item.InstanceChargeType : 'PostPaid',
    InstanceTypeId: typeof item.InstanceTypeId === 'string' ? item.InstanceTypeId : 'ecs.g3i.large',
    ZoneId: typeof item.ZoneId === 'string' ? item.ZoneId : `${region}-a`,
    ProjectName: typeof item.ProjectName === 'string' ? item.ProjectName : 'default',
    Tags: tags,
    Region: region,
  };
  for (const key of Object.keys(item)) {
    if (!(key in instance) && key !== 'Emulator') instance[key] = item[key];
  }
  if (flags) instance.Emulator = flags;
  return instance;
}

/** The instance fields the emulator reads; any other field is kept and answered back as it is. */
const READ_FIELDS = ['InstanceId', 'Region', 'Status', 'StoppedMode', 'Tags', 'Emulator', ...STRING_FIELDS];

/**
 * Warns about a field that looks like a misspelling of one the emulator reads (`Staus` for `Status`): it is
 * kept, as any extra field of a captured answer is, but the instance gets the default instead.
 */
function warnMisspelt(item: Record<string, unknown>, path: DocPath, issues: Issues): void {
  for (const key of Object.keys(item)) {
    if (READ_FIELDS.includes(key)) continue;
    const guess = closest(key, READ_FIELDS);
    // With the real field present too, the look-alike is an extra field of a captured answer.
    if (guess === undefined || guess in item) continue;
    issues.warn([...path, key], `unknown field, kept as it is (did you mean '${guess}'?)`);
  }
}

function checkTags(value: unknown, path: DocPath, issues: Issues): Tag[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    issues.add(path, 'must be a list of {Key, Value}');
    return [];
  }
  const tags: Tag[] = [];
  for (const [index, tag] of value.entries()) {
    if (!isRecord(tag) || typeof tag.Key !== 'string' || tag.Key === '') {
      issues.add([...path, index], 'must be {Key, Value} with a non-empty string Key');
      continue;
    }
    if (tag.Value !== undefined && tag.Value !== null && typeof tag.Value !== 'string') {
      issues.add([...path, index, 'Value'], 'must be a string');
      continue;
    }
    tags.push({ Key: tag.Key, Value: typeof tag.Value === 'string' ? tag.Value : '' });
  }
  return tags;
}

/** A per-instance error code as the API spells them: `FlowLimitExceeded`, `OperationDenied.ResourceLocked`. */
const CODE_SHAPE = /^[A-Z][A-Za-z0-9]*(\.[A-Za-z0-9]+)*$/;

const FLAG_NAMES = 'locked, creatingImage, createdByService, errors, transitionMs';

function checkFlags(value: unknown, path: DocPath, issues: Issues): EmulatorFlags | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) {
    issues.add(path, `must be a mapping of ${FLAG_NAMES}`);
    return undefined;
  }
  const flags: EmulatorFlags = {};
  for (const [key, flag] of Object.entries(value)) {
    const countable = typeof flag === 'boolean' || (Number.isInteger(flag) && (flag as number) >= 0);
    if (key === 'locked' || key === 'creatingImage') {
      if (countable) flags[key] = flag as boolean | number;
      else issues.add([...path, key], 'must be true, false or a whole number of operations');
    } else if (key === 'createdByService') {
      if (typeof flag === 'boolean' || typeof flag === 'string') flags.createdByService = flag;
      else issues.add([...path, key], 'must be true, false or the name of the service');
    } else if (key === 'errors') {
      if (Array.isArray(flag) && flag.every((code) => typeof code === 'string' && CODE_SHAPE.test(code)))
        flags.errors = [...flag];
      else issues.add([...path, key], 'must be a list of error codes such as FlowLimitExceeded');
    } else if (key === 'transitionMs') {
      if (typeof flag === 'number' && Number.isFinite(flag) && flag >= 0) flags.transitionMs = flag;
      else issues.add([...path, key], 'must be a number of milliseconds, 0 or more');
    } else {
      issues.add([...path, key], `unknown flag (expected ${FLAG_NAMES})`);
    }
  }
  return flags;
}
