/**
 * The `calendars:` mapping (named working-day calendars) and a schedule's `calendar:` key. What ties the two
 * together once both are read is in resolve.ts.
 */
import * as v from 'valibot';
import { CalendarBase } from '../schedule/index.js';
import { about, calendarDate, listOf, named, oneOf, string } from './fields.js';
import { describe, quoted } from './nodes.js';
import { either, isMapping, mapping } from './sections.js';

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
