/**
 * The planner: for every instance that carries the schedule tag, what this run does with it and why.
 * Pure: no I/O and no clock; `now` and the listed instances come in as arguments.
 */
import type { Config, ScheduleConfig } from '../config/index.js';
import { UsageError } from '../errors.js';
import type { Fire } from '../schedule/index.js';
import { closest } from '../suggest.js';
import { type Instance, InstanceStatus } from '../volc/index.js';
import { InlineCache } from './inline.js';
import { resolveStoppedMode } from './mode.js';
import { SKIP_UNTIL_TAG_SUFFIX, selectMismatch, tagValue } from './select.js';
import { parseSkipUntil, type SkipUntil } from './snooze.js';
import { Decision, type Plan, type PlanItem, SkipReason } from './types.js';

/** Everything one plan is made of. */
export interface PlanInput {
  config: Config;
  /** The fires of this run; a schedule that fired more than once counts with its latest fire. */
  fires: readonly Fire[];
  /** The tag-filtered listing of every region, in listing order. */
  instances: ReadonlyArray<{ region: string; instance: Instance }>;
  /** The planner's clock, for snooze tags. */
  now: Date;
  /**
   * The run's tick window, in which inline (tag) schedules fire. Absent: inline schedules are not planned
   * (a run of one named schedule, or a configuration without `inline:`).
   */
  window?: { start: Date; end: Date };
}

interface Firing {
  schedule: ScheduleConfig;
  fireTime: string;
}

interface Context {
  config: Config;
  schedules: ReadonlyMap<string, ScheduleConfig>;
  firing: ReadonlyMap<string, Firing>;
  now: Date;
  /** Inline values of this plan; null when inline schedules are not planned. */
  inline: InlineCache | null;
  /** The inline schedules whose stop fire planned an instance, with their fire time, for `plan.fires`. */
  inlineFired: Map<string, string>;
}

/**
 * Builds the plan of one run. An instance whose tag names a firing schedule gets one item (stop or skip, with
 * the reason); one whose tag names no configured schedule gets a `unknown-schedule` skip and is never stopped;
 * one of a configured schedule that is not firing gets none. The guard is computed, not applied: the caller
 * refuses the run (or forces it) when `guard.exceeded`.
 *
 * @throws UsageError when a fire names a schedule the config lacks, or a date is invalid (a caller's bug).
 * @example
 * const plan = buildPlan({ config, fires: [{ schedule: 'office-hours', fireTime }], instances, now });
 * plan.items.filter((item) => item.decision === 'stop');
 */
export function buildPlan(input: PlanInput): Plan {
  const { config, now } = input;
  assertValidDate(now, 'now');
  const schedules = new Map(config.schedules.map((schedule) => [schedule.name, schedule]));
  const inline =
    config.inline !== undefined && input.window !== undefined
      ? new InlineCache(config, config.inline, input.window)
      : null;
  const context: Context = {
    config,
    schedules,
    firing: latestFires(schedules, input.fires),
    now,
    inline,
    inlineFired: new Map(),
  };
  const seen = new Set<string>();
  const items: PlanItem[] = [];
  for (const { region, instance } of input.instances) {
    // The same instance listed twice (a page boundary shifting under a concurrent change) is planned once.
    if (seen.has(instance.InstanceId)) continue;
    seen.add(instance.InstanceId);
    const item = planInstance(region, instance, context);
    if (item !== null) items.push(item);
  }
  items.sort(compareItems);
  const stops = items.filter((item) => item.decision === Decision.Stop).length;
  const { maxInstancesPerRun } = config.guard;
  return {
    fires: [
      ...[...context.firing.values()].map(({ schedule, fireTime }) => ({
        schedule: schedule.name,
        fireTime,
      })),
      ...[...context.inlineFired].map(([schedule, fireTime]) => ({ schedule, fireTime })),
    ],
    items,
    guard: { maxInstancesPerRun, stops, exceeded: stops > maxInstancesPerRun },
  };
}

/** One entry per firing schedule, with its latest fire time, in order of first appearance. */
function latestFires(
  schedules: ReadonlyMap<string, ScheduleConfig>,
  fires: readonly Fire[],
): Map<string, Firing> {
  const latest = new Map<string, { schedule: ScheduleConfig; fireTime: Date }>();
  for (const fire of fires) {
    const schedule = schedules.get(fire.schedule);
    if (schedule === undefined) {
      throw new UsageError(`a fire names schedule ${JSON.stringify(fire.schedule)}, which is not configured`);
    }
    assertValidDate(fire.fireTime, `the fire time of schedule ${fire.schedule}`);
    const previous = latest.get(fire.schedule);
    if (previous === undefined || fire.fireTime.getTime() > previous.fireTime.getTime()) {
      latest.set(fire.schedule, { schedule, fireTime: fire.fireTime });
    }
  }
  return new Map(
    [...latest].map(([name, { schedule, fireTime }]) => [
      name,
      { schedule, fireTime: fireTime.toISOString() },
    ]),
  );
}

/** The item of one instance, or null when this run has nothing to say about it. */
function planInstance(region: string, instance: Instance, context: Context): PlanItem | null {
  const value = tagValue(instance, context.config.tagKey);
  const inlineKey = context.config.inline?.tagKey;
  const inlineValue = inlineKey === undefined ? undefined : tagValue(instance, inlineKey);
  if (value !== undefined && inlineValue !== undefined)
    return planConflict(region, instance, value, inlineValue, context);
  // Without the schedule tag the instance came from the inline listing (or from neither: then nothing).
  if (value === undefined) return planInline(region, instance, inlineValue, context);
  if (!context.schedules.has(value)) {
    const item: PlanItem = {
      ...baseItem(region, instance, value, null),
      decision: Decision.Skip,
      reason: SkipReason.UnknownSchedule,
    };
    // The reason stays exactly `unknown-schedule` (scripts match on it); the suggestion goes beside it.
    const guess = closest(value, [...context.schedules.keys()]);
    if (guess !== undefined) item.hint = `did you mean '${guess}'?`;
    return item;
  }
  const firing = context.firing.get(value);
  if (firing === undefined) return null;
  return decide(baseItem(region, instance, value, firing.fireTime), instance, firing.schedule, context);
}

/**
 * An instance with both tags: skipped, never guessed, whenever either of its schedules would act now.
 * The item names the schedule tag's value (what `plan` groups by) and the fire that made it due.
 */
function planConflict(
  region: string,
  instance: Instance,
  value: string,
  inlineValue: string,
  context: Context,
): PlanItem | null {
  const fireTime = context.firing.get(value)?.fireTime ?? context.inline?.get(inlineValue).fire?.fireTime;
  if (fireTime === undefined) return null;
  return {
    ...baseItem(region, instance, value, fireTime),
    decision: Decision.Skip,
    reason: SkipReason.InlineAndScheduleTag,
    detail: `${context.config.inline?.tagKey}=${JSON.stringify(inlineValue)}`,
  };
}

/**
 * An instance ruled by its inline tag (or, in an `optOut` scope, by the inline defaults when it has none).
 * Invalid values are reported whenever inline schedules are planned; valid ones get an item only when they
 * fire in the run's window.
 */
function planInline(
  region: string,
  instance: Instance,
  raw: string | undefined,
  context: Context,
): PlanItem | null {
  const { inline } = context;
  const settings = context.config.inline;
  if (inline === null || settings === undefined) return null;
  if (raw === undefined) {
    // Untagged: part of the run only inside an optOut scope (its listing may be wider, by project or zone).
    if (!settings.optOut || selectMismatch(instance, settings.select) !== null) return null;
  }
  const compiled = inline.get(raw ?? '');
  if (compiled.value.kind === 'invalid') {
    return {
      ...baseItem(region, instance, compiled.name, null),
      decision: Decision.Skip,
      reason: SkipReason.InvalidInlineSchedule,
      detail: compiled.value.reason,
    };
  }
  if (compiled.schedule === null || compiled.fire === null) return null;
  const item = baseItem(region, instance, compiled.name, compiled.fire.fireTime);
  if (compiled.fire.action === 'start') {
    // TODO(issue 12): plan a start once the start side has merged; until then a visible skip.
    return { ...item, decision: Decision.Skip, reason: SkipReason.InlineStartPending };
  }
  context.inlineFired.set(compiled.name, compiled.fire.fireTime);
  return decide(item, instance, compiled.schedule, context);
}

/**
 * The decision for an instance of a firing schedule. The order of the checks is part of the contract:
 * filter-mismatch, not-running, invalid-override-tag, snoozed, and only then stop.
 */
function decide(item: PlanItem, instance: Instance, schedule: ScheduleConfig, context: Context): PlanItem {
  const skip = (reason: string, detail?: string): PlanItem => ({
    ...item,
    decision: Decision.Skip,
    reason,
    ...(detail === undefined ? {} : { detail }),
  });
  const mismatch = selectMismatch(instance, schedule.select);
  if (mismatch !== null) return skip(SkipReason.FilterMismatch, mismatch);
  if (instance.Status !== InstanceStatus.Running) return skip(`not-running:${instance.Status}`);

  const { config, now } = context;
  const snooze = readSkipUntil(instance, config.tagKey, schedule.timezone, now);
  if (snooze !== null && !snooze.parsed.valid) {
    return skip(SkipReason.InvalidOverrideTag, malformed(snooze.tag, snooze.value));
  }
  const mode = resolveStoppedMode(instance, schedule, config);
  if (mode.kind === 'invalid-override') {
    return skip(SkipReason.InvalidOverrideTag, malformed(mode.tag, mode.value));
  }
  if (snooze?.parsed.valid && snooze.parsed.snoozed) {
    return skip(SkipReason.Snoozed, `until ${snooze.parsed.until.toISOString()}`);
  }

  return {
    ...item,
    decision: Decision.Stop,
    reason: mode.reason,
    stoppedMode: mode.stoppedMode,
    modeSource: mode.modeSource,
    forceStop: schedule.forceStop ?? config.defaults.forceStop,
    fallbackToKeepCharging: mode.fallbackToKeepCharging,
  };
}

/** The instance's `<tagKey>:skip-until` tag, read in the schedule's zone; null when it has none. */
function readSkipUntil(
  instance: Instance,
  tagKey: string,
  timeZone: string,
  now: Date,
): { tag: string; value: string; parsed: SkipUntil } | null {
  const tag = `${tagKey}${SKIP_UNTIL_TAG_SUFFIX}`;
  const value = tagValue(instance, tag);
  return value === undefined ? null : { tag, value, parsed: parseSkipUntil(value, timeZone, now) };
}

function malformed(tag: string, value: string): string {
  return `${tag} has the malformed value ${JSON.stringify(value)}`;
}

function baseItem(region: string, instance: Instance, schedule: string, fireTime: string | null): PlanItem {
  return {
    instanceId: instance.InstanceId,
    instanceName: instance.InstanceName,
    region,
    schedule,
    fireTime,
    decision: Decision.Skip,
    reason: '',
    status: instance.Status,
    instanceChargeType: instance.InstanceChargeType,
    instanceTypeId: instance.InstanceTypeId,
  };
}

/** By region, then schedule, then instance ID; plain code-unit order, so the result never depends on a locale. */
function compareItems(a: PlanItem, b: PlanItem): number {
  return (
    compare(a.region, b.region) || compare(a.schedule, b.schedule) || compare(a.instanceId, b.instanceId)
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function assertValidDate(date: Date, what: string): void {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new UsageError(`${what} is not a valid date`);
  }
}
