/**
 * The `schedules:` mapping: each entry's name is the tag value that selects instances, and its body says
 * when (stop and start crons, time zone, skip dates) and how (stopped mode, force) they stop and start.
 */
import * as v from 'valibot';
import { parseCron } from '../schedule/index.js';
import { printable } from '../table.js';
import { calendarChoice } from './calendars.js';
import {
  about,
  boolean,
  calendarDate,
  listOf,
  named,
  nonEmptyString,
  oneOf,
  problem,
  string,
  stringMap,
  timeZone,
} from './fields.js';
import { describe, quoted } from './nodes.js';
import { either, mapping, section } from './sections.js';
import { StoppedModeSetting } from './vocabulary.js';

/** What a schedule name must look like: it is written as a tag value on instances. */
export const SCHEDULE_NAME_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

/** Longest schedule name. */
export const SCHEDULE_NAME_MAX_CHARS = 63;

/** A 5-field cron expression, checked by the same parser the scheduler uses. */
const cronExpression = v.pipe(
  string('a cron expression'),
  problem((value: string) => {
    try {
      parseCron(value);
      return undefined;
    } catch (error) {
      // The parser's message may quote the bad part of the expression: escape it like any echoed value.
      const reason = printable((error as Error).message, Number.POSITIVE_INFINITY);
      return `invalid cron expression ${quoted(value)}: ${reason}`;
    }
  }),
  about('A 5-field cron expression: minute hour day-of-month month day-of-week.'),
);

/** `stop:` or `start:` is one cron expression or a list of them; either way it becomes a list. */
function crons(key: 'stop' | 'start', text: string) {
  return v.optional(
    v.pipe(
      either(
        v.pipe(
          cronExpression,
          v.transform((expression) => [expression]),
        ),
        listOf(cronExpression, { empty: `${key} must list at least one cron expression` }),
        Array.isArray,
        (issue) => `expected a cron expression or a list of them, got ${describe(issue.input)}`,
      ),
      about(text),
    ),
  );
}

/** The `select:` filter of schedules and of `inline:`, ANDed with the tag. */
export const select = section('Narrows the instances, ANDed with the tag.', {
  tags: v.optional(v.pipe(stringMap, about('Every listed tag must be present with this exact value.')), {}),
  projects: v.optional(
    v.pipe(
      listOf(nonEmptyString, {
        empty: 'projects must not be empty (leave it out to match every project)',
        noun: 'project',
      }),
      about('The instance’s ProjectName must be one of these.'),
    ),
  ),
  zones: v.optional(
    v.pipe(
      listOf(nonEmptyString, {
        empty: 'zones must not be empty (leave it out to match every zone)',
        noun: 'zone',
      }),
      about('The instance’s ZoneId must be one of these.'),
    ),
  ),
});

/** The settings a schedule and `inline:` share. */
export const stopSettings = {
  stoppedMode: v.optional(
    v.pipe(oneOf(Object.values(StoppedModeSetting)), about('Default: the config’s defaults.stoppedMode.')),
  ),
  forceStop: v.optional(v.pipe(boolean, about('Default: the config’s defaults.forceStop.'))),
  skipDates: v.optional(
    v.pipe(
      listOf(calendarDate, { noun: 'skip date' }),
      about('Local dates YYYY-MM-DD on which nothing fires.'),
    ),
    [],
  ),
  select,
};

const schedule = mapping(
  {
    description: v.optional(string()),
    stop: crons('stop', 'When instances are stopped: cron expressions in the schedule’s time zone.'),
    start: crons('start', 'When STOPPED instances are started again: cron expressions.'),
    timezone: v.optional(v.pipe(timeZone, about('IANA time zone. Default: the config’s timezone.'))),
    ...stopSettings,
    calendar: v.optional(calendarChoice),
  },
  'One schedule: at least one of stop and start.',
);

const NAME_HINT = "lowercase letters, digits and '-', starting with a letter or digit: it is the tag value";

/** The `schedules:` mapping: at least one schedule, each named by a valid tag value. */
export const schedules = v.pipe(
  v.nullable(
    named(
      v.pipe(
        v.string(),
        v.regex(
          SCHEDULE_NAME_PATTERN,
          (issue) => `invalid schedule name ${quoted(issue.input)} (${NAME_HINT})`,
        ),
        v.maxLength(
          SCHEDULE_NAME_MAX_CHARS,
          (issue) =>
            `schedule name ${quoted(issue.input)} is longer than ${SCHEDULE_NAME_MAX_CHARS} characters`,
        ),
      ),
      schedule,
    ),
    {},
  ),
  v.check((read) => Object.keys(read).length > 0, 'schedules must define at least one schedule'),
  about('The schedules, by name; an instance follows the one its tag value names.'),
);

/** The message for a schedule that neither stops nor starts. */
export const NO_ACTION_MESSAGE =
  "missing required key 'stop' or 'start' (a schedule needs at least one of them)";
