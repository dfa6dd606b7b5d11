/**
 * Five-field cron expressions: parsing, validation and matching against a local wall-clock time.
 *
 * The daemon registers the same expressions with node-cron 4, so this parser follows node-cron 4.6's grammar
 * (read from its source): `*`, lists, ranges, steps, ranges that wrap (`22-2`, `FRI-MON`), month and weekday
 * names (three letters or in full, any case), weekday 7 = Sunday, `?` as a whole day field, the nicknames
 * (`@daily`, ...), and the Quartz day tokens node-cron 4 supports: `L`, `L-3`, `15W`, `LW` (day of month)
 * and `5L`, `5#2` (day of week).
 *
 * Day of month and day of week are ANDed, as node-cron 4 does (its `TimeMatcher.match` requires both), not
 * ORed as in classic Vixie cron: `0 0 1 * MON` fires only on a Monday that is the 1st. Matching node-cron
 * matters more than matching Vixie: the daemon and the cloud function must fire on the same days.
 *
 * Where node-cron is laxer than its own grammar (month names glued together such as `janjan`, `*\/MON`, a
 * range endpoint out of bounds that a step happens to skip, six fields with seconds) we reject. That is the
 * safe direction: every expression accepted here is accepted by node-cron with the same meaning.
 */
import { LightsOutError } from '../errors.js';
import {
  type DayOfMonthRule,
  parseDayOfMonthToken,
  parseWeekdayToken,
  type WeekdayRule,
} from './cron-tokens.js';
import type { WallTime } from './timezone.js';

export type { DayOfMonthRule, WeekdayRule } from './cron-tokens.js';

/** The five fields, by the names error messages use. */
export const CronField = {
  Minute: 'minute',
  Hour: 'hour',
  DayOfMonth: 'day-of-month',
  Month: 'month',
  DayOfWeek: 'day-of-week',
} as const;
export type CronField = (typeof CronField)[keyof typeof CronField];

/** A cron expression that cannot be used; the message names the field and the bad part. */
export class CronError extends LightsOutError {
  /** The expression as given. */
  readonly expression: string;
  /** The field at fault, or undefined when the expression as a whole is malformed. */
  readonly field: CronField | undefined;

  constructor(expression: string, field: CronField | undefined, message: string) {
    super('CronInvalid', field === undefined ? message : `${field}: ${message}`);
    this.name = 'CronError';
    this.expression = expression;
    this.field = field;
  }
}

/** A parsed expression: every field expanded to the sorted values it allows. */
export interface CronExpression {
  /** The expression as written, trimmed. */
  readonly source: string;
  /** The five fields as written (a nickname resolved), for descriptions. */
  readonly fields: readonly [string, string, string, string, string];
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  /** Plain days of the month, 1-31. */
  readonly daysOfMonth: readonly number[];
  /** `L`, `L-n`, `nW`, `LW`: days that depend on the month's length. */
  readonly dayOfMonthRules: readonly DayOfMonthRule[];
  readonly months: readonly number[];
  /** Plain weekdays, 0-6 with Sunday = 0 (a written 7 becomes 0). */
  readonly weekdays: readonly number[];
  /** `5L` (last Friday), `5#2` (second Friday). */
  readonly weekdayRules: readonly WeekdayRule[];
}

interface FieldSpec {
  field: CronField;
  min: number;
  max: number;
  /** Largest value after normalising; ranges wrap around it (weekdays: 6, since 7 is Sunday again). */
  wrapMax: number;
  names?: ReadonlyMap<string, number>;
}

function nameMap(names: readonly string[], first: number): ReadonlyMap<string, number> {
  const map = new Map<string, number>();
  names.forEach((name, index) => {
    map.set(name, index + first);
    map.set(name.slice(0, 3), index + first);
  });
  return map;
}

const MONTH_NAMES = nameMap(
  [
    'january',
    'february',
    'march',
    'april',
    'may',
    'june',
    'july',
    'august',
    'september',
    'october',
    'november',
    'december',
  ],
  1,
);

/** Weekday names, Sunday = 0; also used to parse the `5L` and `5#2` tokens. */
export const WEEKDAY_NAMES = nameMap(
  ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'],
  0,
);

const SPECS: readonly FieldSpec[] = [
  { field: CronField.Minute, min: 0, max: 59, wrapMax: 59 },
  { field: CronField.Hour, min: 0, max: 23, wrapMax: 23 },
  { field: CronField.DayOfMonth, min: 1, max: 31, wrapMax: 31 },
  { field: CronField.Month, min: 1, max: 12, wrapMax: 12, names: MONTH_NAMES },
  { field: CronField.DayOfWeek, min: 0, max: 7, wrapMax: 6, names: WEEKDAY_NAMES },
];

const NICKNAMES: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** Longest day of each month (February: 29, leap years exist). */
const MAX_DAYS_IN_MONTH = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Parses and validates a 5-field cron expression (minute hour day-of-month month day-of-week).
 *
 * @throws CronError naming the field and the bad part, e.g. `day-of-week: '8' is out of range 0-7`.
 * @example
 * const cron = parseCron('0 22 * * MON-FRI');
 * cron.weekdays; // [1, 2, 3, 4, 5]
 */
export function parseCron(expression: string): CronExpression {
  if (typeof expression !== 'string') {
    throw new CronError(String(expression), undefined, 'a cron expression must be a string');
  }
  const source = expression.trim();
  if (source === '') {
    throw new CronError(
      expression,
      undefined,
      'the cron expression is empty; expected 5 fields: minute hour day-of-month month day-of-week',
    );
  }
  const resolved = NICKNAMES[source.toLowerCase()] ?? source;
  const illegal = /[^a-zA-Z0-9\-*/,#? ]/.exec(resolved);
  if (illegal) {
    const shown = JSON.stringify(illegal[0]);
    throw new CronError(
      expression,
      undefined,
      `'${source}' contains the character ${shown}; cron allows letters, digits, spaces and - * / , # ?`,
    );
  }
  const parts = resolved.split(/ +/).filter((part) => part !== '');
  if (parts.length === 6) {
    throw new CronError(
      expression,
      undefined,
      `'${source}' has 6 fields; seconds are not supported (schedules run by the minute): use 5 fields, minute hour day-of-month month day-of-week`,
    );
  }
  if (parts.length !== 5) {
    throw new CronError(
      expression,
      undefined,
      `'${source}' has ${parts.length} field${parts.length === 1 ? '' : 's'}; expected 5: minute hour day-of-month month day-of-week`,
    );
  }
  const fields = parts as [string, string, string, string, string];
  const [minuteSpec, hourSpec, daySpec, monthSpec, weekdaySpec] = SPECS as [
    FieldSpec,
    FieldSpec,
    FieldSpec,
    FieldSpec,
    FieldSpec,
  ];
  const days = parseDayOfMonth(expression, fields[2], daySpec);
  const weekdays = parseDayOfWeek(expression, fields[4], weekdaySpec);
  const cron: CronExpression = {
    source,
    fields,
    minutes: parseField(expression, fields[0], minuteSpec),
    hours: parseField(expression, fields[1], hourSpec),
    daysOfMonth: days.values,
    dayOfMonthRules: days.rules,
    months: parseField(expression, fields[3], monthSpec),
    weekdays: weekdays.values,
    weekdayRules: weekdays.rules,
  };
  assertPossibleDay(expression, cron);
  return cron;
}

/**
 * True when the cron fires at this local wall-clock minute (day of month AND day of week, as node-cron does).
 *
 * @example
 * matches(parseCron('30 23 * * *'), { year: 2026, month: 3, day: 8, hour: 23, minute: 30, weekday: 0 }); // true
 */
export function matches(cron: CronExpression, wall: WallTime): boolean {
  return cron.minutes.includes(wall.minute) && cron.hours.includes(wall.hour) && matchesDay(cron, wall);
}

/** True when the cron fires on this local date (its month, day of month and day of week), at some time. */
export function matchesDay(cron: CronExpression, date: Pick<WallTime, 'year' | 'month' | 'day' | 'weekday'>) {
  if (!cron.months.includes(date.month)) return false;
  const lastDay = daysInMonth(date.year, date.month);
  const dayOk =
    cron.daysOfMonth.includes(date.day) ||
    cron.dayOfMonthRules.some((rule) => dayRuleMatches(rule, date, lastDay));
  if (!dayOk) return false;
  return (
    cron.weekdays.includes(date.weekday) ||
    cron.weekdayRules.some((rule) =>
      rule.kind === 'last'
        ? rule.weekday === date.weekday && date.day + 7 > lastDay
        : rule.weekday === date.weekday && Math.floor((date.day - 1) / 7) + 1 === rule.nth,
    )
  );
}

/** The number of days in a month (1-12) of a year. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function dayRuleMatches(
  rule: DayOfMonthRule,
  date: Pick<WallTime, 'year' | 'month' | 'day'>,
  lastDay: number,
) {
  if (rule.kind === 'last') return date.day === lastDay - rule.offset;
  const target = rule.day === 'last' ? lastDay : rule.day;
  return target <= lastDay && nearestWeekday(date.year, date.month, target, lastDay) === date.day;
}

/** Quartz `W`: the weekday nearest the target, never leaving the month (node-cron's `nearestWeekday`). */
function nearestWeekday(year: number, month: number, target: number, lastDay: number): number {
  const weekday = new Date(Date.UTC(year, month - 1, target)).getUTCDay();
  if (weekday === 6) return target === 1 ? target + 2 : target - 1;
  if (weekday === 0) return target === lastDay ? target - 2 : target + 1;
  return target;
}

function parseDayOfMonth(expression: string, text: string, spec: FieldSpec) {
  if (text === '?') return { values: parseField(expression, '*', spec), rules: [] };
  const rules: DayOfMonthRule[] = [];
  const plain: string[] = [];
  for (const item of text.split(',')) {
    const rule = parseDayOfMonthToken(item, (message) => new CronError(expression, spec.field, message));
    if (rule) rules.push(rule);
    else plain.push(item);
  }
  return { values: plain.length ? parseField(expression, plain.join(','), spec) : [], rules };
}

function parseDayOfWeek(expression: string, text: string, spec: FieldSpec) {
  if (text === '?') return { values: parseField(expression, '*', spec), rules: [] };
  const rules: WeekdayRule[] = [];
  const plain: string[] = [];
  for (const item of text.split(',')) {
    const rule = parseWeekdayToken(
      item,
      WEEKDAY_NAMES,
      (message) => new CronError(expression, spec.field, message),
    );
    if (rule) rules.push(rule);
    else plain.push(item);
  }
  return { values: plain.length ? parseField(expression, plain.join(','), spec) : [], rules };
}

/** Expands a comma-separated field into its sorted, distinct values. */
function parseField(expression: string, text: string, spec: FieldSpec): number[] {
  const fail = (message: string) => new CronError(expression, spec.field, message);
  const values = new Set<number>();
  for (const item of text.split(',')) {
    if (item === '') throw fail(`'${text}' has an empty list item`);
    for (const value of expandItem(item, spec, fail)) {
      values.add(spec.field === CronField.DayOfWeek && value === 7 ? 0 : value);
    }
  }
  return [...values].sort((a, b) => a - b);
}

function expandItem(item: string, spec: FieldSpec, fail: (message: string) => Error): number[] {
  const slash = item.split('/');
  if (slash.length > 2) throw fail(`'${item}' has more than one step '/'`);
  const [base = '', stepText] = slash;
  let step = 1;
  if (stepText !== undefined) {
    if (!/^\d+$/.test(stepText)) throw fail(`'${item}': the step '${stepText}' is not a whole number`);
    step = Number.parseInt(stepText, 10);
    if (step < 1) throw fail(`'${item}': the step must be at least 1`);
  }
  if (base === '*') return range(spec.min, spec.wrapMax, step, spec);
  const dash = base.split('-');
  if (dash.length > 2) throw fail(`'${item}' is not a value or a range such as 1-5`);
  if (dash.length === 1) {
    if (stepText !== undefined) {
      throw fail(`'${item}': a step needs '*' or a range before the '/', such as '*/${stepText}'`);
    }
    return [parseValue(base, spec, fail)];
  }
  return range(parseValue(dash[0] ?? '', spec, fail), parseValue(dash[1] ?? '', spec, fail), step, spec);
}

/**
 * Expands `first-last/step` the way node-cron does: a range whose end comes before its start wraps around
 * (hours `22-2` is 22, 23, 0, 1, 2).
 */
function range(first: number, last: number, step: number, spec: FieldSpec): number[] {
  const values: number[] = [];
  if (first <= last) {
    for (let value = first; value <= last; value += step) values.push(value);
    return values;
  }
  const size = spec.wrapMax - spec.min + 1;
  const span = (((last - first) % size) + size) % size;
  for (let offset = 0; offset <= span; offset += step) {
    const value = first + offset;
    values.push(value > spec.wrapMax ? value - size : value);
  }
  return values;
}

function parseValue(text: string, spec: FieldSpec, fail: (message: string) => Error): number {
  let value: number | undefined;
  if (/^\d+$/.test(text)) value = Number.parseInt(text, 10);
  else value = spec.names?.get(text.toLowerCase());
  if (value === undefined) {
    const kind = spec.names
      ? `a number or a ${spec.field === CronField.Month ? 'month' : 'weekday'} name`
      : 'a number';
    throw fail(`'${text}' is not ${kind}`);
  }
  if (value < spec.min || value > spec.max) throw fail(`'${text}' is out of range ${spec.min}-${spec.max}`);
  return value;
}

/** node-cron rejects a day of month that no chosen month has (`30 2`, `31 4,6`); so do we. */
function assertPossibleDay(expression: string, cron: CronExpression): void {
  if (cron.dayOfMonthRules.length > 0 || cron.daysOfMonth.length === 0) return;
  const possible = cron.months.some((month) =>
    cron.daysOfMonth.some((day) => day <= (MAX_DAYS_IN_MONTH[month] ?? 0)),
  );
  if (!possible) {
    throw new CronError(
      expression,
      CronField.DayOfMonth,
      `'${cron.fields[2]}' never occurs in month '${cron.fields[3]}'`,
    );
  }
}
