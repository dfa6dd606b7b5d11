/**
 * Reads the `inline:` section, which turns inline (tag) schedules on: where the value is read from, the
 * defaults a value leaves open, how inline instances stop, and whether instances without the tag take part.
 */
import { isMap, isScalar } from 'yaml';
import { parseDays } from '../schedule/index.js';
import { type CalendarRef, calendarName, resolveCalendars } from './calendars.js';
import { boolean, calendarDate, listOf, oneOf, section, tagKey, timeZone } from './checks.js';
import { describe, type Field, type NodeReader, quoted } from './nodes.js';
import { selectFields } from './schedules.js';
import {
  type CalendarConfig,
  type Config,
  type InlineConfig,
  type SelectFilter,
  StoppedModeSetting,
} from './types.js';

/** The values of the settings an `inline:` section leaves out (`timezone` defaults to the config's). */
export const INLINE_DEFAULTS = {
  tagKey: 'maid_offhours',
  off: 19,
  on: 7,
  days: 'm-f',
  optOut: false,
} as const;

/**
 * The defaults an inline value leaves open: the configuration's `inline:` section, or the documented defaults
 * in the configuration's zone when it has none (for `explain-tag` and `next --tag`).
 */
export function inlineDefaultsOf(
  config: Pick<Config, 'inline' | 'timezone'>,
): Pick<InlineConfig, 'timezone' | 'off' | 'on' | 'days'> &
  Partial<Pick<InlineConfig, 'skipDates' | 'calendar'>> {
  return config.inline ?? { ...INLINE_DEFAULTS, timezone: config.timezone };
}

/** An hour of the day, 0 to 23. */
const hour: Field<number> = (node, r) => {
  const value = r.number(node, 'an hour 0 to 23');
  if (value === undefined) return undefined;
  if (Number.isInteger(value) && value >= 0 && value <= 23) return value;
  r.report(node, `expected an hour 0 to 23, got ${describe(node)}`);
  return undefined;
};

/** `on:` is an hour, or null to turn default starts off. */
const onHour: Field<number | null> = (node, r) =>
  isScalar(node) && node.value === null ? null : hour(node, r);

/** Days in the inline grammar's letters: `m-f`, `f-m`, `s-u`, `w`. */
const days: Field<string> = (node, r) => {
  const value = r.string(node, 'days such as m-f');
  if (value === undefined) return undefined;
  const parsed = parseDays(value);
  if (typeof parsed !== 'string') return value;
  r.report(node, `invalid days ${quoted(value)}: ${parsed}`);
  return undefined;
};

const inlineFields = {
  tagKey,
  timezone: timeZone,
  off: hour,
  on: onHour,
  days,
  calendar: calendarName,
  skipDates: listOf(calendarDate, { noun: 'skip date' }),
  stoppedMode: oneOf(Object.values(StoppedModeSetting)),
  forceStop: boolean,
  optOut: boolean,
  select: section(selectFields),
};

/**
 * The section as written; {@link resolveInline} fills `timezone` from the configuration's default and looks
 * the calendar up once every calendar has been read.
 */
export type InlineDraft = Omit<InlineConfig, 'timezone' | 'calendar'> & {
  timezone?: string;
  calendarRef?: CalendarRef;
};

/**
 * The `inline:` section. Cross-checks: `on` differs from `off`; `optOut: true` needs a `select` of projects or
 * zones (so it never sweeps a whole region). That `tagKey` differs from the schedule tag is checked with the
 * root keys; that `calendar` names a defined calendar, by {@link resolveInline}.
 */
export const inline: Field<InlineDraft> = (node, r) => {
  const raw = r.struct(node, inlineFields);
  if (!raw) return undefined;
  const at = (key: string) => (isMap(node) ? (node.get(key, true) ?? node) : node);
  const select: SelectFilter = { tags: {}, ...raw.select };
  const draft: InlineDraft = {
    tagKey: raw.tagKey ?? INLINE_DEFAULTS.tagKey,
    ...(raw.timezone !== undefined && { timezone: raw.timezone }),
    off: raw.off ?? INLINE_DEFAULTS.off,
    on: raw.on === undefined ? INLINE_DEFAULTS.on : raw.on,
    days: raw.days ?? INLINE_DEFAULTS.days,
    ...(raw.calendar !== undefined && { calendarRef: raw.calendar }),
    skipDates: raw.skipDates ?? [],
    ...(raw.stoppedMode !== undefined && { stoppedMode: raw.stoppedMode }),
    ...(raw.forceStop !== undefined && { forceStop: raw.forceStop }),
    optOut: raw.optOut ?? INLINE_DEFAULTS.optOut,
    select,
  };
  const problems: [unknown, string][] = [];
  if (draft.on !== null && draft.on === draft.off) {
    problems.push([
      at('on'),
      `inline on (${draft.on}) must differ from off (${draft.off}): a stop and a start at the same hour contradict each other`,
    ]);
  }
  if (draft.optOut && select.projects === undefined && select.zones === undefined) {
    problems.push([
      at('optOut'),
      'inline optOut: true needs select.projects or select.zones, so that it never takes in a whole region by accident',
    ]);
  }
  for (const [where, message] of problems) r.report(where, message);
  return problems.length === 0 ? draft : undefined;
};

/**
 * The `inline:` section with its time zone defaulted to the configuration's and its calendar looked up in the
 * defined calendars (an unknown name is reported where it was written, with the closest defined name).
 */
export function resolveInline(
  { calendarRef, ...draft }: InlineDraft,
  timezone: string,
  defined: readonly CalendarConfig[],
  r: NodeReader,
): InlineConfig | undefined {
  const resolved = { ...draft, timezone: draft.timezone ?? timezone };
  if (calendarRef === undefined) return resolved;
  const calendar = resolveCalendars({ stop: calendarRef }, defined, r)?.stop;
  return calendar && { ...resolved, calendar };
}
