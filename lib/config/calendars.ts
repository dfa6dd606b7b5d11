/**
 * The `calendars:` mapping (named working-day calendars) and a schedule's `calendar:` key, and what ties the
 * two together once both are read: a schedule may only name a calendar that is defined, and a cron a calendar
 * governs must leave the days to it (day-of-month and day-of-week `*`).
 */
import * as v from 'valibot';
import { Action, parseCron } from '../schedule/index.js';
import { closest } from '../suggest.js';
import { about, calendarDate, listOf, named, oneOf, string } from './fields.js';
import { describe, type Path, quoted } from './nodes.js';
import { either, isMapping, mapping } from './sections.js';
import { CalendarBase, type CalendarConfig, type ScheduleCalendars } from './types.js';

/** The actions whose crons a calendar can govern, stop first. */
const ACTIONS: readonly Action[] = [Action.Stop, Action.Start];

/** What a calendar name must look like (the same shape as a schedule name). */
const CALENDAR_NAME_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
const CALENDAR_NAME_MAX_CHARS = 63;

const calendarBody = v.pipe(
  mapping(
    {
      base: v.pipe(
        oneOf(Object.values(CalendarBase)),
        about('cn: China’s official calendar; weekdays: Mon-Fri.'),
      ),
      holidays: v.optional(
        v.pipe(
          listOf(calendarDate, { noun: 'holiday' }),
          about('Dates YYYY-MM-DD that are not working days.'),
        ),
        [],
      ),
      workdays: v.optional(
        v.pipe(listOf(calendarDate, { noun: 'workday' }), about('Dates YYYY-MM-DD that are working days.')),
        [],
      ),
    },
    'A working-day calendar: a base, and the team’s own holidays and workdays on top of it.',
  ),
  // A date the team lists both as a holiday and as a workday cannot be both: say where the second one is.
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const { holidays, workdays } = dataset.value;
    workdays.forEach((day, key) => {
      if (!holidays.includes(day)) return;
      addIssue({
        message: `${quoted(day)} is listed both in holidays and in workdays: keep it in one of them`,
        path: [
          { type: 'object', origin: 'value', input: dataset.value, key: 'workdays', value: workdays },
          { type: 'array', origin: 'value', input: workdays, key, value: day },
        ],
      });
    });
  }),
);

/** The `calendars:` mapping: valid unique names, each with a `base` and optional team lists. */
export const calendars = v.optional(
  v.pipe(
    v.nullable(
      named(
        v.pipe(
          v.string(),
          v.regex(
            CALENDAR_NAME_PATTERN,
            (issue) =>
              `invalid calendar name ${quoted(issue.input)} (lowercase letters, digits and '-', starting with a letter or digit)`,
          ),
          v.maxLength(
            CALENDAR_NAME_MAX_CHARS,
            (issue) =>
              `calendar name ${quoted(issue.input)} is longer than ${CALENDAR_NAME_MAX_CHARS} characters`,
          ),
        ),
        calendarBody,
      ),
      {},
    ),
    about('Named working-day calendars that schedules and inline: can name with calendar:.'),
  ),
  {},
);

/** A calendar's name where one is named (a schedule's `calendar:`, `inline.calendar`). */
export const calendarName = string('a calendar name');

/**
 * A schedule's `calendar:`: a name (`calendar: cn-office`, every action with crons) or a mapping per action
 * (`calendar: { start: cn-office }`).
 */
export const calendarChoice = v.pipe(
  either(
    calendarName,
    v.pipe(
      mapping(
        { stop: v.optional(calendarName), start: v.optional(calendarName) },
        'The calendar of each action.',
      ),
      v.check(
        (each) => Object.keys(each).length > 0,
        'calendar must name a calendar for start, stop or both',
      ),
    ),
    isMapping,
    (issue) =>
      typeof issue.input === 'object' && issue.input !== null
        ? 'expected a calendar name or a mapping such as { start: cn-office }'
        : `expected a calendar name, got ${describe(issue.input)}`,
  ),
  about('The calendar (from calendars:) whose working days the crons fire on; their day fields must be *.'),
);

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
