/**
 * The configuration's structure as one valibot schema: every key, its type, whether it is required, its
 * range and its default. The JSON Schema editors use (schemas/lights-out.schema.json) is generated from it,
 * and CONFIG_DEFAULTS is the one place every default is written: the retry policy, the rate limit, the
 * listing bound and the guard read theirs from here.
 */
import * as v from 'valibot';
import { SETTING_DEFAULTS } from '../defaults.js';
import { formatTick } from '../schedule/index.js';
import { STOP_CHARGING_INELIGIBLE_TYPES } from '../volc/index.js';
import { calendars } from './calendars.js';
import {
  about,
  boolean,
  endpointUrl,
  instanceTypePattern,
  listOf,
  oneOf,
  positiveInteger,
  positiveNumber,
  regionId,
  tagKey,
  tick,
  timeZone,
} from './fields.js';
import { inline } from './inline.js';
import { describe } from './nodes.js';
import { notify, prices } from './notify.js';
import { schedules } from './schedules.js';
import { mapping, section } from './sections.js';
import { StoppedModeSetting } from './vocabulary.js';

/** What the API refuses StopCharging for, as far as known (lib/volc); the emulator refuses the same by default. */
const INELIGIBLE: string[] = [...STOP_CHARGING_INELIGIBLE_TYPES];

/** The value of every optional setting left out of the file (documented with `@default` in types.ts): lib/defaults.ts
 * writes the plain ones, this adds the ones made of vocabulary and API facts. */
const { inline: _inlineDefaults, ...SECTION_DEFAULTS } = SETTING_DEFAULTS;

export const CONFIG_DEFAULTS = {
  ...SECTION_DEFAULTS,
  defaults: {
    ...SECTION_DEFAULTS.defaults,
    stoppedMode: StoppedModeSetting.Auto,
    stopChargingIneligible: INELIGIBLE,
  },
} as const;

const D = CONFIG_DEFAULTS;

/** A setting with its default and its description. */
const setting = <S extends v.GenericSchema>(schema: S, fallback: v.InferInput<S>, text: string) =>
  v.optional(v.pipe(schema, about(text)), fallback as never);

/** The whole file. The keys are in the order the reference configuration documents them. */
export const configSchema = mapping(
  {
    version: v.pipe(
      v.literal(1, (issue) => `version must be 1, got ${describe(issue.input)}`),
      about('The format version of this file: 1.'),
    ),
    regions: v.pipe(
      listOf(regionId, { empty: 'regions must list at least one region', noun: 'region' }),
      about(
        'Volcengine regions whose instances are managed, such as cn-beijing (docs/volcengine-regions.md).',
      ),
    ),
    allowUnknownRegions: setting(
      boolean,
      D.allowUnknownRegions,
      'Accept regions missing from the list this version knows (newer regions).',
    ),
    endpoint: v.optional(
      v.pipe(
        endpointUrl,
        about('The OpenAPI endpoint (https, or http on a loopback host); env VOLC_ENDPOINT wins over it.'),
      ),
    ),
    tagKey: setting(tagKey, D.tagKey, 'The tag whose value names the schedule an instance follows.'),
    timezone: setting(timeZone, D.timezone, 'The IANA time zone of schedules that name none.'),
    tick: setting(
      tick,
      formatTick(D.tickMs),
      'How often the cloud timer (and the daemon) wakes: a duration dividing an hour or a day (5m, 15m, 1h).',
    ),
    rateLimit: section('Client-side request rate per region and action.', {
      qps: setting(positiveNumber, D.rateLimit.qps, 'Requests per second per region and action.'),
      burst: v.optional(
        v.pipe(
          positiveInteger,
          about(
            'Requests that may go at once before qps paces them; nine tenths of qps (rounded down, at least 1) when left out.',
          ),
        ),
      ),
    }),
    defaults: section('How schedules stop instances unless they say otherwise.', {
      stoppedMode: setting(
        oneOf(Object.values(StoppedModeSetting)),
        D.defaults.stoppedMode,
        'auto picks StopCharging where the API allows it.',
      ),
      fallback: setting(
        oneOf(['KeepCharging', 'none']),
        D.defaults.fallback,
        'What to do when the API refuses StopCharging for an instance.',
      ),
      forceStop: setting(
        boolean,
        D.defaults.forceStop,
        'Stop without waiting for the guest OS to shut down.',
      ),
      stopChargingIneligible: setting(
        listOf(instanceTypePattern, { noun: 'pattern' }),
        [...D.defaults.stopChargingIneligible],
        'Instance type patterns (* wildcard) that cannot use StopCharging: local disk, bare metal, HPC.',
      ),
    }),
    guard: section('Refuses runs that would touch too many instances.', {
      maxInstancesPerRun: setting(
        positiveInteger,
        D.guard.maxInstancesPerRun,
        'A run that would stop and start more instances (counted together) refuses to do either, unless forced.',
      ),
    }),
    retry: section('The retry policy of every API request (baseMs <= capMs).', {
      baseMs: setting(positiveInteger, D.retry.baseMs, 'First backoff ceiling in milliseconds.'),
      capMs: setting(positiveInteger, D.retry.capMs, 'Largest backoff ceiling in milliseconds.'),
      maxAttempts: setting(
        positiveInteger,
        D.retry.maxAttempts,
        'Most attempts of one request, the first included.',
      ),
    }),
    listing: section('Bounds of one region’s DescribeInstances listing.', {
      maxInstancesPerRegion: setting(
        positiveInteger,
        D.listing.maxInstancesPerRegion,
        'A region holding more instances fails its listing, and the run, before anything is stopped.',
      ),
    }),
    verify: section('Post-stop verification with DescribeInstances (intervalMs <= timeoutMs).', {
      enabled: setting(boolean, D.verify.enabled, 'Wait until stopped instances report STOPPED.'),
      timeoutMs: setting(positiveInteger, D.verify.timeoutMs, 'How long to wait, in milliseconds.'),
      intervalMs: setting(positiveInteger, D.verify.intervalMs, 'How often to look, in milliseconds.'),
    }),
    calendars,
    schedules,
    notify,
    prices,
    inline,
  },
  'A lights-out configuration: which Volcengine ECS instances stop (and start) when.',
);

/** The configuration as the schema reads it: defaults in, names still keys, nothing cross-checked yet. */
export type ConfigDraft = v.InferOutput<typeof configSchema>;

/** Every top-level key, in the order the reference configuration documents them. */
export const TOP_LEVEL_KEYS = Object.keys(configSchema.wrapped.pipe[1].entries);
