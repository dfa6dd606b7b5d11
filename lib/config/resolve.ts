/**
 * What ties sections together once the file is read: the calendars a schedule (or `inline:`) names, looked up
 * among the defined ones, the crons they govern, and the inline defaults a value leaves open.
 */
import { Action, parseCron } from '../schedule/index.js';
import { closest } from '../suggest.js';
import { INLINE_DEFAULTS } from './inline.js';
import { type Path, quoted } from './nodes.js';
import type { CalendarConfig, Config, InlineConfig, ScheduleCalendars } from './types.js';

/** The actions whose crons a calendar can govern, stop first. */
const ACTIONS: readonly Action[] = [Action.Stop, Action.Start];

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

/** What the cross checks need to report: an issue at the node of a path. */
export interface Reporter {
  /** Reports at the value's node, or at its key's node with `onKey`. */
  report(path: Path, message: string, onKey?: boolean): void;
}

/** A calendar named at `path` for `action`. */
export interface CalendarRef {
  name: string;
  path: Path;
}

/**
 * Which calendar governs each action of a schedule (at `path`), given its crons per action: the name form
 * governs every action that has crons; the per-action form must only name actions that have some.
 */
export function governed(
  written: string | Partial<Record<Action, string>>,
  crons: Partial<Record<Action, readonly string[]>>,
  path: Path,
  r: Reporter,
): Partial<Record<Action, CalendarRef>> {
  const out: Partial<Record<Action, CalendarRef>> = {};
  for (const action of ACTIONS) {
    const name = typeof written === 'string' ? written : written[action];
    if (name === undefined) continue;
    const at = typeof written === 'string' ? [...path, 'calendar'] : [...path, 'calendar', action];
    if (crons[action] !== undefined) out[action] = { name, path: at };
    else if (typeof written !== 'string') {
      r.report(
        at,
        `calendar.${action} names ${quoted(name)}, but the schedule has no ${action} cron to govern`,
      );
    }
  }
  return out;
}

/**
 * A cron a calendar governs fires on the calendar's working days, so its own day fields must be `*`
 * (reported at the expression; `path` is the action's value: one expression or a list of them).
 */
export function checkGovernedCrons(
  crons: readonly string[],
  written: unknown,
  path: Path,
  action: Action,
  calendar: string,
  r: Reporter,
): void {
  crons.forEach((expression, index) => {
    if (!namesDays(expression)) return;
    r.report(
      Array.isArray(written) ? [...path, index] : path,
      `${action} cron ${quoted(expression)} is governed by calendar ${quoted(calendar)}: its day-of-month and ` +
        `day-of-week must be '*' (the calendar decides the days)`,
    );
  });
}

/** True when a valid expression restricts days of the month or of the week. */
function namesDays(expression: string): boolean {
  const cron = parseCron(expression);
  const everyDayOfMonth = cron.daysOfMonth.length === 31 && cron.dayOfMonthRules.length === 0;
  const everyWeekday = cron.weekdays.length === 7 && cron.weekdayRules.length === 0;
  return !(everyDayOfMonth && everyWeekday);
}

/**
 * Resolves calendar names against the defined calendars, reporting each unknown name where it was written,
 * with the closest defined name as a suggestion.
 */
export function resolveCalendars(
  refs: Partial<Record<Action, CalendarRef>>,
  defined: readonly CalendarConfig[],
  r: Reporter,
): ScheduleCalendars | undefined {
  const out: ScheduleCalendars = {};
  let ok = true;
  for (const action of ACTIONS) {
    const ref = refs[action];
    if (ref === undefined) continue;
    const calendar = defined.find((c) => c.name === ref.name);
    if (calendar !== undefined) {
      out[action] = calendar;
      continue;
    }
    ok = false;
    const names = defined.map((c) => c.name);
    const guess = closest(ref.name, names);
    const hint =
      names.length === 0
        ? 'no calendars are defined: add it under the top-level calendars:'
        : guess
          ? `did you mean '${guess}'?`
          : `defined: ${names.join(', ')}`;
    // The one-name form shares one position between actions: the loader reports it once.
    r.report(ref.path, `unknown calendar ${quoted(ref.name)} (${hint})`);
  }
  return ok ? out : undefined;
}
