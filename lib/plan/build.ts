/**
 * The planner: for every instance that carries the schedule tag, what this run does with it and why.
 * Pure: no I/O and no clock; `now` and the listed instances come in as arguments.
 */
import type { Config, ScheduleConfig } from '../config/index.js';
import { UsageError } from '../errors.js';
import { Action, type Fire } from '../schedule/index.js';
import { closest } from '../suggest.js';
import { type Instance, InstanceStatus, StoppedMode } from '../volc/index.js';
import { InlineCache } from './inline.js';
import { resolveStoppedMode } from './mode.js';
import { SKIP_UNTIL_TAG_SUFFIX, selectMismatch, tagValue } from './select.js';
import { parseSkipUntil, type SkipUntil } from './snooze.js';
import { Decision, type Plan, type PlanItem, SkipReason } from './types.js';

/** Everything one plan is made of. */
export interface PlanInput {
  config: Config;
  /**
   * The fires of this run; a schedule that fired more than once counts with its latest fire (and that fire's
   * action: the latest word on whether its machines should run).
   */
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
  action: Action;
}

interface Context {
  config: Config;
  schedules: ReadonlyMap<string, ScheduleConfig>;
  firing: ReadonlyMap<string, Firing>;
  /** The action `unknown-schedule` items carry: the run's, or `stop` when it has both. */
  runAction: Action;
  now: Date;
  /** Inline values of this plan; null when inline schedules are not planned. */
  inline: InlineCache | null;
  /** The inline schedules whose fire planned an instance, with its time and action, for `plan.fires`. */
  inlineFired: Map<string, { fireTime: string; action: Action }>;
}

/**
 * Builds the plan of one run. An instance whose tag names a firing schedule gets one item (stop, start or
 * skip, with the reason); one whose tag names no configured schedule gets a `unknown-schedule` skip and is never stopped;
 * one of a configured schedule that is not firing gets none. The guard is computed, not applied: the caller
 * refuses the run (or forces it) when `guard.exceeded`.
 *
 * @throws UsageError when a fire names a schedule the config lacks, or a date is invalid (a caller's bug).
 * @example
 * const plan = buildPlan({ config, fires: [{ schedule: 'office-hours', fireTime }], instances, now });
 * plan.items.filter((item) => item.decision === 'stop');
 */
export function buildPlan(input: PlanInput): Plan {
  const planner = new Planner(input);
  planner.add(input.instances);
  return planner.plan();
}

/**
 * The planner of one run, fed page by page: an instance's item depends only on that instance, the
 * configuration, the fires and `now`, so planning each page as it is listed gives the items planning the
 * whole listing at once gives ({@link buildPlan} is this, fed once). An instance seen before is not planned
 * again (the first sighting counts, as in one pass over the listing in order).
 *
 * @throws UsageError from the constructor, as {@link buildPlan}.
 * @example
 * const planner = new Planner({ config, fires, now });
 * for await (const page of pages) session.add(planner.add(page.map((instance) => ({ region, instance }))));
 * const plan = planner.plan();
 */
export class Planner {
  readonly #context: Context;
  readonly #seen = new Set<string>();
  readonly #items: PlanItem[] = [];

  constructor(input: Omit<PlanInput, 'instances'>) {
    const { config, now } = input;
    assertValidDate(now, 'now');
    const schedules = new Map(config.schedules.map((schedule) => [schedule.name, schedule]));
    const firing = latestFires(schedules, input.fires);
    const actions = new Set([...firing.values()].map((f) => f.action));
    const runAction = actions.size === 1 && actions.has(Action.Start) ? Action.Start : Action.Stop;
    const inline =
      config.inline !== undefined && input.window !== undefined
        ? new InlineCache(config, config.inline, input.window)
        : null;
    this.#context = { config, schedules, firing, runAction, now, inline, inlineFired: new Map() };
  }

  /** The items of `instances` (in their order), skipping instances planned before. */
  add(instances: ReadonlyArray<{ region: string; instance: Instance }>): PlanItem[] {
    const items: PlanItem[] = [];
    for (const { region, instance } of instances) {
      // The same instance listed twice (a page boundary shifting under a concurrent change) is planned once.
      if (this.#seen.has(instance.InstanceId)) continue;
      this.#seen.add(instance.InstanceId);
      const item = planInstance(region, instance, this.#context);
      if (item === null) continue;
      items.push(item);
      this.#items.push(item);
    }
    return items;
  }

  /** The plan of every instance added so far: its items (the objects {@link Planner.add} returned) sorted. */
  plan(): Plan {
    const context = this.#context;
    const items = [...this.#items].sort(compareItems);
    let stops = 0;
    let starts = 0;
    for (const item of items) {
      if (item.decision === Decision.Stop) stops += 1;
      else if (item.decision === Decision.Start) starts += 1;
    }
    const { maxInstancesPerRun } = context.config.guard;
    return {
      fires: [
        ...[...context.firing.values()].map(({ schedule, fireTime, action }) => ({
          schedule: schedule.name,
          fireTime,
          action,
        })),
        ...[...context.inlineFired].map(([schedule, { fireTime, action }]) => ({
          schedule,
          fireTime,
          action,
        })),
      ],
      items,
      guard: { maxInstancesPerRun, stops, starts, exceeded: stops + starts > maxInstancesPerRun },
    };
  }
}

/** One entry per firing schedule, with its latest fire time, in order of first appearance. */
function latestFires(
  schedules: ReadonlyMap<string, ScheduleConfig>,
  fires: readonly Fire[],
): Map<string, Firing> {
  const latest = new Map<string, { schedule: ScheduleConfig; fireTime: Date; action: Action }>();
  for (const fire of fires) {
    const schedule = schedules.get(fire.schedule);
    if (schedule === undefined) {
      throw new UsageError(`a fire names schedule ${JSON.stringify(fire.schedule)}, which is not configured`);
    }
    assertValidDate(fire.fireTime, `the fire time of schedule ${fire.schedule}`);
    const previous = latest.get(fire.schedule);
    if (previous === undefined || fire.fireTime.getTime() > previous.fireTime.getTime()) {
      latest.set(fire.schedule, { schedule, fireTime: fire.fireTime, action: fire.action });
    }
  }
  return new Map(
    [...latest].map(([name, { schedule, fireTime, action }]) => [
      name,
      { schedule, fireTime: fireTime.toISOString(), action },
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
      ...baseItem(region, instance, value, null, context.runAction),
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
  const item = baseItem(region, instance, value, firing.fireTime, firing.action);
  return firing.action === Action.Start
    ? decideStart(item, instance, firing.schedule, context)
    : decide(item, instance, firing.schedule, context);
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
  const fire = context.firing.get(value) ?? context.inline?.get(inlineValue).fire ?? undefined;
  if (fire === undefined) return null;
  return {
    ...baseItem(region, instance, value, fire.fireTime, fire.action),
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
      ...baseItem(region, instance, compiled.name, null, context.runAction),
      decision: Decision.Skip,
      reason: SkipReason.InvalidInlineSchedule,
      detail: compiled.value.reason,
    };
  }
  if (compiled.schedule === null || compiled.fire === null) return null;
  const { fireTime, action } = compiled.fire;
  const item = baseItem(region, instance, compiled.name, fireTime, action);
  context.inlineFired.set(compiled.name, { fireTime, action });
  return action === Action.Start
    ? decideStart(item, instance, compiled.schedule, context)
    : decide(item, instance, compiled.schedule, context);
}

/**
 * The decision for an instance of a firing schedule. The order of the checks is part of the contract:
 * filter-mismatch, not-running, invalid-override-tag, snoozed, and only then stop.
 */
function decide(item: PlanItem, instance: Instance, schedule: ScheduleConfig, context: Context): PlanItem {
  const skip = skipper(item);
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

/**
 * The decision for an instance of a schedule whose start fired, in the contract's order: filter-mismatch,
 * not-stopped, invalid-override-tag (of `skip-until` only: the stopped-mode tag says how to stop, not whether
 * to start), snoozed, and only then start. A parked machine (an incident, a deliberate stop) carries
 * `skip-until`, which holds for both actions.
 */
function decideStart(
  item: PlanItem,
  instance: Instance,
  schedule: ScheduleConfig,
  context: Context,
): PlanItem {
  const skip = skipper(item);
  const mismatch = selectMismatch(instance, schedule.select);
  if (mismatch !== null) return skip(SkipReason.FilterMismatch, mismatch);
  if (instance.Status !== InstanceStatus.Stopped) return skip(`not-stopped:${instance.Status}`);
  const snooze = readSkipUntil(instance, context.config.tagKey, schedule.timezone, context.now);
  if (snooze !== null && !snooze.parsed.valid) {
    return skip(SkipReason.InvalidOverrideTag, malformed(snooze.tag, snooze.value));
  }
  if (snooze?.parsed.valid && snooze.parsed.snoozed) {
    return skip(SkipReason.Snoozed, `until ${snooze.parsed.until.toISOString()}`);
  }
  const stoppedMode = stoppedModeOf(instance);
  return {
    ...item,
    decision: Decision.Start,
    reason: stoppedMode === undefined ? 'stopped' : `stopped with ${stoppedMode}`,
    ...(stoppedMode === undefined ? {} : { stoppedMode }),
  };
}

/** The mode a STOPPED instance was stopped in, when DescribeInstances says and it is one we know. */
function stoppedModeOf(instance: Instance): StoppedMode | undefined {
  const mode = instance.StoppedMode;
  return mode === StoppedMode.StopCharging || mode === StoppedMode.KeepCharging ? mode : undefined;
}

function skipper(item: PlanItem): (reason: string, detail?: string) => PlanItem {
  return (reason, detail) => ({
    ...item,
    decision: Decision.Skip,
    reason,
    ...(detail === undefined ? {} : { detail }),
  });
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

function baseItem(
  region: string,
  instance: Instance,
  schedule: string,
  fireTime: string | null,
  action: Action,
): PlanItem {
  return {
    instanceId: instance.InstanceId,
    instanceName: instance.InstanceName,
    region,
    schedule,
    fireTime,
    action,
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
