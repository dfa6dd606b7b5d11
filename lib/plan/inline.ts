/**
 * Planning for inline (tag) schedules: each distinct tag value is read once per plan and its fires in the
 * run's window computed once, so a fleet that repeats a few dozen values costs a map look-up per instance.
 * Pure, like the rest of lib/plan.
 */
import type { Config, InlineConfig, ScheduleConfig } from '../config/index.js';
import {
  type Action,
  type InlineFire,
  type InlineValue,
  inlineFires,
  inlineRules,
  inlineScheduleName,
  parseInlineValue,
} from '../schedule/index.js';

/** What one distinct tag value means in this run. */
export interface CompiledInline {
  value: InlineValue;
  /** `inline:<normalised value>`. */
  name: string;
  /** The value as a schedule (for the select filter, mode, force and snooze zone); null unless valid. */
  schedule: ScheduleConfig | null;
  /** The latest fire in the run's window, if any. */
  fire: { fireTime: string; action: Action } | null;
}

/** Reads tag values for one plan, each distinct value once. */
export class InlineCache {
  private readonly compiled = new Map<string, CompiledInline>();

  constructor(
    private readonly config: Config,
    private readonly inline: InlineConfig,
    private readonly window: { start: Date; end: Date },
  ) {}

  /** The meaning of a raw tag value (`''` for an untagged instance of an `optOut` scope). */
  get(raw: string): CompiledInline {
    let compiled = this.compiled.get(raw);
    if (compiled === undefined) {
      compiled = this.compile(raw);
      this.compiled.set(raw, compiled);
    }
    return compiled;
  }

  private compile(raw: string): CompiledInline {
    const { inline, config, window } = this;
    const value = parseInlineValue(raw, inline);
    const name = inlineScheduleName(value);
    if (value.kind !== 'schedule') return { value, name, schedule: null, fire: null };
    const rules = inlineRules(value, inline.skipDates);
    const schedule: ScheduleConfig = {
      name: rules.name,
      stop: [...rules.stop],
      start: [...(rules.start ?? [])],
      timezone: rules.timezone,
      skipDates: [...rules.skipDates],
      ...(inline.calendar !== undefined && { calendar: { stop: inline.calendar, start: inline.calendar } }),
      select: inline.select,
      ...(inline.stoppedMode !== undefined && { stoppedMode: inline.stoppedMode }),
      forceStop: inline.forceStop ?? config.defaults.forceStop,
    };
    const fires = inlineFires(value, inline.skipDates, window.start, window.end, inline.calendar);
    const latest: InlineFire | undefined = fires.at(-1);
    const fire =
      latest === undefined ? null : { fireTime: latest.fireTime.toISOString(), action: latest.action };
    return { value, name, schedule, fire };
  }
}
