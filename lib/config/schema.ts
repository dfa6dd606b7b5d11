/**
 * The configuration's shape as tables of known keys, and the one place where defaults are resolved.
 * Reading a document collects every issue; a Config is built only from a file without any.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import { formatTick, startStopOverlap } from '../schedule/index.js';
import { closest } from '../suggest.js';
import { KNOWN_REGIONS } from '../volc/index.js';
import { calendars, resolveCalendars } from './calendars.js';
import {
  boolean,
  endpointUrl,
  instanceTypePattern,
  listOf,
  oneOf,
  positiveInteger,
  positiveNumber,
  regionId,
  section,
  tagKey,
  tickMs,
  timeZone,
} from './checks.js';
import { inline, resolveInline } from './inline.js';
import { describe, type Field, type NodeReader, quoted } from './nodes.js';
import { checkNotifySchedules, notify, prices } from './notify.js';
import { type ScheduleDraft, schedules } from './schedules.js';
import {
  type CalendarConfig,
  type Config,
  type FallbackSetting,
  type ScheduleConfig,
  StoppedModeSetting,
} from './types.js';

/** The value of every optional setting left out of the file (documented with `@default` in types.ts). */
export const CONFIG_DEFAULTS = {
  allowUnknownRegions: false,
  tagKey: 'lights-out',
  timezone: 'UTC',
  tickMs: 300_000,
  rateLimit: { qps: 10 },
  defaults: {
    stoppedMode: StoppedModeSetting.Auto,
    fallback: 'KeepCharging',
    forceStop: false,
    stopChargingIneligible: ['ecs.i*', 'ecs.d*', 'ecs.ebm*', 'ecs.hpc*'],
  },
  guard: { maxInstancesPerRun: 1000 },
  retry: { baseMs: 200, capMs: 2_000, maxAttempts: 8 },
  listing: { maxInstancesPerRegion: 200_000 },
  verify: { enabled: false, timeoutMs: 120_000, intervalMs: 5_000 },
} as const satisfies Omit<Config, 'file' | 'version' | 'regions' | 'endpoint' | 'calendars' | 'schedules'>;

const FALLBACKS: readonly FallbackSetting[] = ['KeepCharging', 'none'];

const version: Field<1> = (node, r) => {
  if (isScalar(node) && node.value === 1) return 1;
  r.report(node, `version must be 1, got ${describe(node)}`);
  return undefined;
};

/**
 * Reads a section whose two settings must be ordered (`retry.baseMs <= retry.capMs`), comparing the values
 * after defaults so that a lone `capMs: 100` is caught too.
 */
function ordered<S extends Record<string, Field<unknown>>>(
  fields: S,
  defaults: Readonly<Record<keyof S, unknown>>,
  low: keyof S & string,
  high: keyof S & string,
) {
  return (node: unknown, r: NodeReader) => {
    const read = r.struct(node, fields);
    if (!read) return undefined;
    // A setting that is written but invalid was reported already; comparing its default would mislead.
    const unread = (key: string) => isMap(node) && node.has(key) && read[key] === undefined;
    if (unread(low) || unread(high)) return read;
    const lowValue = (read[low] ?? defaults[low]) as number;
    const highValue = (read[high] ?? defaults[high]) as number;
    if (lowValue > highValue) {
      const at = isMap(node) ? (node.get(high, true) ?? node.get(low, true) ?? node) : node;
      r.report(at, `${high} must be at least ${low} (${lowValue}), got ${highValue}`);
      return undefined;
    }
    return read;
  };
}

const rootFields = {
  version,
  regions: listOf(regionId, { emptyMessage: 'regions must list at least one region', noun: 'region' }),
  allowUnknownRegions: boolean,
  endpoint: endpointUrl,
  tagKey,
  timezone: timeZone,
  tick: tickMs,
  rateLimit: section({ qps: positiveNumber, burst: positiveInteger }),
  defaults: section({
    stoppedMode: oneOf(Object.values(StoppedModeSetting)),
    fallback: oneOf(FALLBACKS),
    forceStop: boolean,
    stopChargingIneligible: listOf(instanceTypePattern, { noun: 'pattern' }),
  }),
  guard: section({ maxInstancesPerRun: positiveInteger }),
  retry: ordered(
    { baseMs: positiveInteger, capMs: positiveInteger, maxAttempts: positiveInteger },
    CONFIG_DEFAULTS.retry,
    'baseMs',
    'capMs',
  ),
  listing: section({ maxInstancesPerRegion: positiveInteger }),
  verify: ordered(
    { enabled: boolean, timeoutMs: positiveInteger, intervalMs: positiveInteger },
    CONFIG_DEFAULTS.verify,
    'intervalMs',
    'timeoutMs',
  ),
  calendars,
  schedules,
  notify,
  prices,
  inline,
};

/**
 * Reports each region missing from docs/volcengine-regions.md at its position, with the closest known one: a
 * misspelt region would list no instances and the run would stop nothing, silently.
 */
function checkKnownRegions(root: unknown, regions: readonly string[], r: NodeReader): void {
  const list = isMap(root) ? root.get('regions', true) : undefined;
  if (!isSeq(list)) return;
  for (const item of list.items) {
    // Only well-formed ids: a malformed one (`Beijing`) was reported already.
    if (!isScalar(item) || typeof item.value !== 'string' || !regions.includes(item.value)) continue;
    if (KNOWN_REGIONS.includes(item.value)) continue;
    const guess = closest(item.value, KNOWN_REGIONS);
    r.report(
      item,
      `unknown region ${quoted(item.value)}${guess ? ` (did you mean '${guess}'?)` : ''}: ` +
        `known regions are ${KNOWN_REGIONS.join(', ')}; ` +
        'set allowUnknownRegions: true for a region newer than this list',
    );
  }
}

/** Every top-level key, in the order the reference configuration documents them. */
export const TOP_LEVEL_KEYS = Object.keys(rootFields);

/**
 * Reads the document's root node and resolves defaults. Returns undefined when anything was reported:
 * nothing runs with an invalid file, so no partial Config ever leaves this function.
 */
export function readConfig(root: unknown, r: NodeReader): Config | undefined {
  if (root === null) {
    r.report(
      { line: 1, column: 1 },
      'the file is empty: expected a mapping with version, regions and schedules',
    );
    return undefined;
  }
  const raw = r.struct(root, rootFields, {
    required: ['version', 'regions', 'schedules'],
    owner: { line: 1, column: 1 },
  });
  const d = CONFIG_DEFAULTS;
  if (raw?.inline && raw.inline.tagKey === (raw.tagKey ?? d.tagKey)) {
    const section = isMap(root) ? root.get('inline', true) : root;
    const at = isMap(section) ? (section.get('tagKey', true) ?? section) : section;
    r.report(at, `inline tagKey must differ from the schedule tag ${quoted(raw.inline.tagKey)}`);
  }
  if (raw?.regions && raw.allowUnknownRegions !== true) checkKnownRegions(root, raw.regions, r);
  if (raw?.notify && raw.schedules) {
    checkNotifySchedules(
      raw.notify,
      raw.schedules.map((s) => s.name),
      r,
    );
  }
  if (!raw?.version || !raw.regions || !raw.schedules) return undefined;
  const defined = raw.calendars ?? [];
  const timezone = raw.timezone ?? CONFIG_DEFAULTS.timezone;
  const resolved = raw.schedules.map((draft) => resolveSchedule(draft, timezone, defined, r));
  const inlineConfig = raw.inline && resolveInline(raw.inline, timezone, defined, r);
  if (r.issues.length > 0) return undefined;
  const schedules = resolved.filter((s) => s !== undefined);
  checkStartStopOverlap(schedules, raw.tick ?? d.tickMs, r);
  if (r.issues.length > 0) return undefined;
  return {
    file: r.file,
    version: raw.version,
    regions: raw.regions,
    allowUnknownRegions: raw.allowUnknownRegions ?? d.allowUnknownRegions,
    ...(raw.endpoint !== undefined && { endpoint: raw.endpoint }),
    tagKey: raw.tagKey ?? d.tagKey,
    timezone,
    tickMs: raw.tick ?? d.tickMs,
    rateLimit: { ...d.rateLimit, ...raw.rateLimit },
    defaults: {
      ...d.defaults,
      stopChargingIneligible: [...d.defaults.stopChargingIneligible],
      ...raw.defaults,
    },
    guard: { ...d.guard, ...raw.guard },
    retry: { ...d.retry, ...raw.retry },
    listing: { ...d.listing, ...raw.listing },
    verify: { ...d.verify, ...raw.verify },
    calendars: defined,
    schedules,
    ...(raw.notify !== undefined && raw.notify.length > 0 && { notify: raw.notify }),
    ...(raw.prices !== undefined && { prices: raw.prices }),
    ...(inlineConfig !== undefined && { inline: inlineConfig }),
  };
}

/** A schedule with its time zone defaulted and the calendars it names looked up (unknown names reported). */
function resolveSchedule(
  { calendarRefs, ...draft }: ScheduleDraft,
  timezone: string,
  defined: readonly CalendarConfig[],
  r: NodeReader,
): ScheduleConfig | undefined {
  const schedule = { ...draft, timezone: draft.timezone ?? timezone };
  if (calendarRefs === undefined) return schedule;
  const calendar = resolveCalendars(calendarRefs, defined, r);
  return calendar && { ...schedule, calendar };
}

/**
 * Refuses a schedule whose start and stop can fire in one tick window: a run carries one action per schedule,
 * so one of the two would be lost. Reported at the schedule's `start:`.
 */
function checkStartStopOverlap(schedules: readonly ScheduleConfig[], tickMs: number, r: NodeReader): void {
  for (const schedule of schedules) {
    const overlap = startStopOverlap(schedule, tickMs);
    if (overlap === undefined) continue;
    const at = schedule.startLocation ?? schedule.location ?? { line: 1, column: 1 };
    r.report(
      { line: at.line, column: at.column },
      `start ${quoted(overlap.start)} (${overlap.startTime}) and stop ${quoted(overlap.stop)} (${overlap.stopTime}) ` +
        `can fire in the same ${formatTick(tickMs)} tick; move one of them at least one tick away from the other, or shorten tick`,
    );
  }
}
