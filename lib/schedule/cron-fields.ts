/**
 * The grammar of one cron field: lists, ranges (wrapping ones too), steps and names, expanded to values the
 * way node-cron 4 expands them. cron.ts assembles the five fields; the Quartz day tokens live in
 * cron-tokens.ts.
 */

/** The five fields, by the names error messages use. */
export const CronField = {
  Minute: 'minute',
  Hour: 'hour',
  DayOfMonth: 'day-of-month',
  Month: 'month',
  DayOfWeek: 'day-of-week',
} as const;
export type CronField = (typeof CronField)[keyof typeof CronField];

/** The bounds and names of one field. */
export interface FieldSpec {
  field: CronField;
  min: number;
  max: number;
  /** Largest value after normalising; ranges wrap around it (weekdays: 6, since 7 is Sunday again). */
  wrapMax: number;
  names?: ReadonlyMap<string, number>;
}

/** Builds the error for a bad part of the field. */
export type Fail = (message: string) => Error;

function nameMap(names: readonly string[], first: number): ReadonlyMap<string, number> {
  const map = new Map<string, number>();
  names.forEach((name, index) => {
    map.set(name, index + first);
    map.set(name.slice(0, 3), index + first);
  });
  return map;
}

// biome-ignore format: one line per quarter reads better than one per month
const MONTH_NAMES = nameMap([
  'january', 'february', 'march', 'april', 'may', 'june',
  'july', 'august', 'september', 'october', 'november', 'december',
], 1);

/** Weekday names (full and three-letter, lower case), Sunday = 0. */
export const WEEKDAY_NAMES = nameMap(
  ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'],
  0,
);

/** The specs of minute, hour, day-of-month, month and day-of-week, in that order. */
export const FIELD_SPECS = {
  minute: { field: CronField.Minute, min: 0, max: 59, wrapMax: 59 },
  hour: { field: CronField.Hour, min: 0, max: 23, wrapMax: 23 },
  dayOfMonth: { field: CronField.DayOfMonth, min: 1, max: 31, wrapMax: 31 },
  month: { field: CronField.Month, min: 1, max: 12, wrapMax: 12, names: MONTH_NAMES },
  dayOfWeek: { field: CronField.DayOfWeek, min: 0, max: 7, wrapMax: 6, names: WEEKDAY_NAMES },
} as const satisfies Record<string, FieldSpec>;

/**
 * Expands a comma-separated field into its sorted, distinct values; items that `token` recognises (the
 * Quartz day tokens) are collected as rules instead. `?` as the whole day field means `*`, as in node-cron.
 */
export function parseList<Rule>(
  text: string,
  spec: FieldSpec,
  fail: Fail,
  token?: (item: string) => Rule | undefined,
): { values: number[]; rules: Rule[] } {
  if (text === '?' && token !== undefined) return parseList('*', spec, fail);
  const values = new Set<number>();
  const rules: Rule[] = [];
  for (const item of text.split(',')) {
    if (item === '') throw fail(`'${text}' has an empty list item`);
    const rule = token?.(item);
    if (rule !== undefined) {
      rules.push(rule);
      continue;
    }
    for (const value of expandItem(item, spec, fail)) {
      values.add(spec.field === CronField.DayOfWeek && value === 7 ? 0 : value);
    }
  }
  return { values: [...values].sort((a, b) => a - b), rules };
}

function expandItem(item: string, spec: FieldSpec, fail: Fail): number[] {
  const slash = item.split('/');
  if (slash.length > 2) throw fail(`'${item}' has more than one step '/'`);
  const [base = '', stepText] = slash;
  let step = 1;
  if (stepText !== undefined) {
    if (!/^\d+$/.test(stepText)) throw fail(`'${item}': the step '${stepText}' is not a whole number`);
    step = Number.parseInt(stepText, 10);
    if (step < 1) throw fail(`'${item}': the step must be at least 1`);
    // `*/90` in minutes is not "every 90 minutes": it would quietly mean minute 0 of every hour.
    const size = spec.wrapMax - spec.min + 1;
    if (step > size) {
      throw fail(
        `'${item}': the step ${step} is larger than the field (${size} values, ${spec.min}-${spec.wrapMax}); ` +
          'a step cannot span into the next hour, day or month (use several expressions)',
      );
    }
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

function parseValue(text: string, spec: FieldSpec, fail: Fail): number {
  const value = /^\d+$/.test(text) ? Number.parseInt(text, 10) : spec.names?.get(text.toLowerCase());
  if (value === undefined) {
    const what = spec.field === CronField.Month ? 'month' : 'weekday';
    throw fail(`'${text}' is not ${spec.names ? `a number or a ${what} name` : 'a number'}`);
  }
  if (value < spec.min || value > spec.max) throw fail(`'${text}' is out of range ${spec.min}-${spec.max}`);
  return value;
}
