/**
 * Reads the `schedules:` mapping: each entry's name is the tag value that selects instances, and its body
 * says when (stop and start crons, time zone, skip dates) and how (stopped mode, force) they stop and start.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import { parseCron } from '../schedule/index.js';
import { printable } from '../table.js';
import { type CalendarRefs, checkGovernedCrons, governed, scheduleCalendar } from './calendars.js';
import {
  boolean,
  calendarDate,
  listOf,
  nonEmptyString,
  oneOf,
  section,
  stringMap,
  timeZone,
} from './checks.js';
import { describe, type Field, type NodeReader, quoted } from './nodes.js';
import { type ScheduleConfig, StoppedModeSetting } from './types.js';

/** What a schedule name must look like: it is written as a tag value on instances. */
export const SCHEDULE_NAME_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

/** Longest schedule name. */
export const SCHEDULE_NAME_MAX_CHARS = 63;

/** A 5-field cron expression, checked by the same parser the scheduler uses. */
const cronExpression: Field<string> = (node, r) => {
  const value = r.string(node, 'a cron expression');
  if (value === undefined) return undefined;
  try {
    parseCron(value);
    return value;
  } catch (error) {
    // The parser's message may quote the bad part of the expression: escape it like any echoed value.
    const reason = printable((error as Error).message, Number.POSITIVE_INFINITY);
    r.report(node, `invalid cron expression ${quoted(value)}: ${reason}`);
    return undefined;
  }
};

/** `stop:` or `start:` is one cron expression or a list of them; either way it becomes a list. */
function crons(key: 'stop' | 'start'): Field<string[]> {
  const cronList = listOf(cronExpression, { emptyMessage: `${key} must list at least one cron expression` });
  return (node, r) => {
    if (isSeq(node)) return cronList(node, r);
    if (isScalar(node) && typeof node.value === 'string') {
      const expression = cronExpression(node, r);
      return expression === undefined ? undefined : [expression];
    }
    r.report(node, `expected a cron expression or a list of them, got ${describe(node)}`);
    return undefined;
  };
}

/** The keys of a `select:` filter (schedules and `inline:`). */
export const selectFields = {
  tags: stringMap,
  projects: listOf(nonEmptyString, {
    emptyMessage: 'projects must not be empty (leave it out to match every project)',
    noun: 'project',
  }),
  zones: listOf(nonEmptyString, {
    emptyMessage: 'zones must not be empty (leave it out to match every zone)',
    noun: 'zone',
  }),
};

const scheduleFields = {
  description: (node: unknown, r: NodeReader) => r.string(node),
  stop: crons('stop'),
  start: crons('start'),
  timezone: timeZone,
  stoppedMode: oneOf(Object.values(StoppedModeSetting)),
  forceStop: boolean,
  skipDates: listOf(calendarDate, { noun: 'skip date' }),
  select: section(selectFields),
  calendar: scheduleCalendar,
};

/**
 * A schedule as written; a missing `timezone` is filled from the configuration's default by the caller, and
 * the calendars it names are looked up by the caller once every calendar has been read.
 */
export type ScheduleDraft = Omit<ScheduleConfig, 'timezone' | 'calendar'> & {
  timezone?: string;
  calendarRefs?: CalendarRefs;
};

/** Checks a schedule's name (the mapping key) and reports what is wrong with it. */
function checkName(name: string, keyNode: unknown, r: NodeReader): boolean {
  const problem = !SCHEDULE_NAME_PATTERN.test(name)
    ? `invalid schedule name ${quoted(name)} (lowercase letters, digits and '-', starting with a letter or digit: it is the tag value)`
    : name.length > SCHEDULE_NAME_MAX_CHARS
      ? `schedule name ${quoted(name)} is longer than ${SCHEDULE_NAME_MAX_CHARS} characters`
      : undefined;
  if (problem) r.report(keyNode, problem);
  return problem === undefined;
}

/** The message for a schedule that neither stops nor starts. */
export const NO_ACTION_MESSAGE =
  "missing required key 'stop' or 'start' (a schedule needs at least one of them)";

/** The `schedules:` mapping: at least one schedule, unique valid names, each with a `stop`, a `start` or both. */
export const schedules: Field<ScheduleDraft[]> = (node, r) => {
  const entries = r.entries(node, 'schedule name');
  if (!entries) return undefined;
  if (entries.length === 0) {
    r.report(node, 'schedules must define at least one schedule');
    return undefined;
  }
  const drafts: ScheduleDraft[] = [];
  for (const { key: name, keyNode, value } of entries) {
    const nameOk = checkName(name, keyNode, r);
    const body = r.struct(value, scheduleFields, { owner: keyNode });
    if (body !== undefined && !written(value, 'stop') && !written(value, 'start')) {
      r.report(keyNode, NO_ACTION_MESSAGE);
      continue;
    }
    if (
      !nameOk ||
      !body ||
      (written(value, 'stop') && !body.stop) ||
      (written(value, 'start') && !body.start)
    )
      continue;
    // The crons of each action, by which `calendar:` is checked.
    const crons = { stop: body.stop, start: body.start };
    const calendarRefs = body.calendar && governed(body.calendar, crons, r);
    for (const [action, ref] of Object.entries(calendarRefs ?? {})) {
      const cronNode = isMap(value) ? r.resolve(value.get(action, true)) : undefined;
      checkGovernedCrons(cronNode, action as keyof CalendarRefs, ref.name, r);
    }
    const { line, column } = r.position(keyNode);
    const startNode = isMap(value) ? value.get('start', true) : undefined;
    drafts.push({
      name,
      ...(body.description !== undefined && { description: body.description }),
      stop: body.stop ?? [],
      ...(body.start !== undefined && { start: body.start }),
      ...(body.timezone !== undefined && { timezone: body.timezone }),
      ...(body.stoppedMode !== undefined && { stoppedMode: body.stoppedMode }),
      ...(body.forceStop !== undefined && { forceStop: body.forceStop }),
      skipDates: body.skipDates ?? [],
      select: { tags: {}, ...body.select },
      ...(calendarRefs && Object.keys(calendarRefs).length > 0 && { calendarRefs }),
      location: { file: r.file, line, column },
      ...(startNode !== undefined && { startLocation: { file: r.file, ...r.position(startNode) } }),
    });
  }
  return drafts;
};

/** True when the schedule's mapping has `key` (whatever its value). */
function written(node: unknown, key: string): boolean {
  return isMap(node) && node.has(key);
}
