/**
 * Reads the `calendars:` mapping (named working-day calendars) and a schedule's `calendar:` key, and ties
 * the two together: a schedule may only name a calendar that is defined, and a cron a calendar governs must
 * leave the days to it (day-of-month and day-of-week `*`).
 */
import { isMap, isScalar, isSeq } from 'yaml';
import { Action, parseCron } from '../schedule/index.js';
import { closest } from '../suggest.js';
import { calendarDate, listOf, oneOf } from './checks.js';
import { type Field, type NodeReader, quoted } from './nodes.js';
import { CalendarBase, type CalendarConfig, type ScheduleCalendars } from './types.js';

/** The actions whose crons a calendar can govern, stop first. */
const ACTIONS: readonly Action[] = [Action.Stop, Action.Start];

/** What a calendar name must look like (the same shape as a schedule name). */
const CALENDAR_NAME_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
const CALENDAR_NAME_MAX_CHARS = 63;

/** A calendar named on a schedule, with where it was named (for the error when it does not exist). */
export interface CalendarRef {
  name: string;
  node: unknown;
}

/** The calendar named for each governed action of a schedule. */
export type CalendarRefs = Partial<Record<Action, CalendarRef>>;

/** `calendar:` as written: one name for every action with crons, or a name per action. */
export type WrittenCalendar = { every: CalendarRef } | { each: CalendarRefs };

const dates = (noun: string) => listOf(calendarDate, { noun });

const calendarFields = {
  base: oneOf(Object.values(CalendarBase)),
  holidays: dates('holiday'),
  workdays: dates('workday'),
};

/** A date the team lists both as a holiday and as a workday cannot be both: say where each is. */
function checkOverlap(node: unknown, holidays: readonly string[], r: NodeReader): void {
  const items = isMap(node) ? node.get('workdays', true) : undefined;
  if (!isSeq(items)) return;
  for (const item of items.items) {
    const value = isScalar(item) ? item.value : undefined;
    if (typeof value === 'string' && holidays.includes(value)) {
      r.report(item, `${quoted(value)} is listed both in holidays and in workdays: keep it in one of them`);
    }
  }
}

/** The `calendars:` mapping: unique valid names, each with a `base` and optional team lists. */
export const calendars: Field<CalendarConfig[]> = (node, r) => {
  const entries = r.entries(node, 'calendar name');
  if (!entries) return undefined;
  const read: CalendarConfig[] = [];
  for (const { key: name, keyNode, value } of entries) {
    const problem = !CALENDAR_NAME_PATTERN.test(name)
      ? `invalid calendar name ${quoted(name)} (lowercase letters, digits and '-', starting with a letter or digit)`
      : name.length > CALENDAR_NAME_MAX_CHARS
        ? `calendar name ${quoted(name)} is longer than ${CALENDAR_NAME_MAX_CHARS} characters`
        : undefined;
    if (problem) r.report(keyNode, problem);
    const body = r.struct(value, calendarFields, { required: ['base'], owner: keyNode });
    if (problem || !body?.base) continue;
    const holidays = body.holidays ?? [];
    checkOverlap(value, holidays, r);
    read.push({ name, base: body.base, holidays, workdays: body.workdays ?? [] });
  }
  return read;
};

/** A calendar's name where one is named (a schedule's `calendar:`, `inline.calendar`), with its position. */
export const calendarName: Field<CalendarRef> = (node, r) => {
  const name = r.string(node, 'a calendar name');
  return name === undefined ? undefined : { name, node };
};

/**
 * A schedule's `calendar:`: a name (`calendar: cn-office`, every action) or a mapping per action
 * (`calendar: { start: cn-office }`). The name form is spread over the actions later, once the schedule's
 * crons are known.
 */
export const scheduleCalendar: Field<WrittenCalendar> = (node, r) => {
  if (isScalar(node)) {
    const every = calendarName(node, r);
    return every && { every };
  }
  if (!isMap(node)) {
    r.report(node, 'expected a calendar name or a mapping such as { start: cn-office }');
    return undefined;
  }
  const fields = { stop: calendarName, start: calendarName };
  const read = r.struct(node, fields);
  if (read === undefined) return undefined;
  if (node.items.length === 0) r.report(node, 'calendar must name a calendar for start, stop or both');
  return { each: read };
};

/**
 * Which action each calendar governs, given the schedule's crons per action: the name form governs every
 * action that has crons; the per-action form must only name actions that have some.
 */
export function governed(
  written: WrittenCalendar,
  crons: Partial<Record<Action, unknown>>,
  r: NodeReader,
): CalendarRefs {
  if ('every' in written) {
    const { every } = written;
    return Object.fromEntries(ACTIONS.filter((a) => crons[a] !== undefined).map((a) => [a, every]));
  }
  const refs = written.each;
  const out: CalendarRefs = {};
  for (const action of ACTIONS) {
    const ref = refs[action];
    if (ref === undefined) continue;
    if (crons[action] === undefined) {
      r.report(
        ref.node,
        `calendar.${action} names ${quoted(ref.name)}, but the schedule has no ${action} cron to govern`,
      );
    } else out[action] = ref;
  }
  return out;
}

/**
 * A cron a calendar governs fires on the calendar's working days, so its own day fields must be `*`
 * (reported at the expression). `node` is the action's value: one expression or a list of them.
 */
export function checkGovernedCrons(node: unknown, action: Action, calendar: string, r: NodeReader): void {
  const items = isSeq(node) ? node.items.map((item) => r.resolve(item)) : [node];
  for (const item of items) {
    const expression = isScalar(item) && typeof item.value === 'string' ? item.value : undefined;
    if (expression === undefined || !namesDays(expression)) continue;
    r.report(
      item,
      `${action} cron ${quoted(expression)} is governed by calendar ${quoted(calendar)}: its day-of-month and ` +
        `day-of-week must be '*' (the calendar decides the days)`,
    );
  }
}

/** True when a valid expression restricts days of the month or of the week (an invalid one was reported). */
function namesDays(expression: string): boolean {
  try {
    const cron = parseCron(expression);
    const everyDayOfMonth = cron.daysOfMonth.length === 31 && cron.dayOfMonthRules.length === 0;
    const everyWeekday = cron.weekdays.length === 7 && cron.weekdayRules.length === 0;
    return !(everyDayOfMonth && everyWeekday);
  } catch {
    return false;
  }
}

/**
 * Resolves a schedule's calendar names against the defined calendars, reporting each unknown name where it
 * was written, with the closest defined name as a suggestion.
 */
export function resolveCalendars(
  refs: CalendarRefs,
  defined: readonly CalendarConfig[],
  r: NodeReader,
): ScheduleCalendars | undefined {
  const out: ScheduleCalendars = {};
  let ok = true;
  // The one-name form shares one reference between actions: report an unknown name once.
  const reported = new Set<unknown>();
  for (const action of ACTIONS) {
    const ref = refs[action];
    if (ref === undefined) continue;
    const calendar = defined.find((c) => c.name === ref.name);
    if (calendar === undefined) {
      ok = false;
      if (reported.has(ref.node)) continue;
      reported.add(ref.node);
      const names = defined.map((c) => c.name);
      const guess = closest(ref.name, names);
      const hint =
        names.length === 0
          ? 'no calendars are defined: add it under the top-level calendars:'
          : guess
            ? `did you mean '${guess}'?`
            : `defined: ${names.join(', ')}`;
      r.report(ref.node, `unknown calendar ${quoted(ref.name)} (${hint})`);
    } else out[action] = calendar;
  }
  return ok ? out : undefined;
}
