/**
 * The values a configuration holds, as valibot schemas: the type, the range and the words of the message
 * when a value is wrong. Checks a schema cannot state (a real time zone, a cron the parser accepts, a tick a
 * timer can express) are refinements whose problem is the message. The sections in schema.ts combine them.
 */
import * as v from 'valibot';
import { tickProblem } from '../schedule/index.js';
import { closest } from '../suggest.js';
import { calendarDateProblem, checkTimeZone, timeZoneMessage } from '../time/index.js';
import { isLoopbackHost } from '../volc/index.js';
import { defineEntry, describe, quoted } from './nodes.js';

/** The message `expected <noun>, got <what was written>`. */
export const expected =
  (noun: string) =>
  (issue: { input: unknown }): string =>
    `expected ${noun}, got ${describe(issue.input)}`;

/** A refinement: `find` returns what is wrong with a typed value (the message), or undefined. */
export function problem<T>(find: (value: T) => string | undefined) {
  return v.rawCheck<T>(({ dataset, addIssue }) => {
    // After an earlier issue in the same pipe (a wrong shape), the value is not what `find` expects.
    const message = dataset.typed && !dataset.issues ? find(dataset.value) : undefined;
    if (message !== undefined) addIssue({ message });
  });
}

/** Attaches a description (shown by editors through the JSON Schema). */
export const about = v.description;

/** A string; `noun` names what is expected in the message. */
export const string = (noun = 'a string') => v.string(expected(noun));

/** A string that is not empty. */
export const nonEmptyString = v.pipe(string(), v.minLength(1, 'expected a non-empty string'));

/** `true` or `false`; YAML 1.2 reads `yes`, `on` and `off` as strings, which are issues here. */
export const boolean = v.boolean(expected('a boolean'));

const POSITIVE_NUMBER = expected('a positive number');
/** A finite number greater than zero. */
export const positiveNumber = v.pipe(
  v.number(POSITIVE_NUMBER),
  v.finite(POSITIVE_NUMBER),
  v.gtValue(0, POSITIVE_NUMBER),
);

const POSITIVE_INTEGER = expected('a positive integer');
/** A whole number greater than zero. */
export const positiveInteger = v.pipe(
  v.number(POSITIVE_INTEGER),
  v.safeInteger(POSITIVE_INTEGER),
  v.minValue(1, POSITIVE_INTEGER),
);

/** An integer from `min` to `max`; `noun` names the range in the message. */
export function integerIn(min: number, max: number, noun: string) {
  const message = expected(noun);
  return v.pipe(v.number(message), v.integer(message), v.minValue(min, message), v.maxValue(max, message));
}

/** One of a fixed set of strings, with a suggestion for a near miss (`stopcharging` → `StopCharging`). */
export function oneOf<const T extends readonly string[]>(values: T) {
  const noun = `one of ${values.join(', ')}`;
  return v.picklist(values, (issue) => {
    const guess = typeof issue.input === 'string' ? closest(issue.input, values) : undefined;
    return `${expected(noun)(issue)}${guess ? ` (did you mean '${guess}'?)` : ''}`;
  });
}

/**
 * A list whose items all pass `item`. `empty`, when given, makes an empty list an issue; `noun`, when given,
 * makes a repeated item an issue (`duplicate region 'cn-beijing'`), at the repeat.
 */
export function listOf<T extends v.GenericSchema<unknown, string>>(
  item: T,
  options: { empty?: string; noun?: string; expected?: string } = {},
) {
  const list = v.array(item, expected(options.expected ?? 'a list'));
  const empty = v.minLength<v.InferOutput<T>[], 1, string>(1, options.empty ?? '');
  const duplicates = v.rawCheck<v.InferOutput<T>[]>(({ dataset, addIssue }) => {
    if (options.noun === undefined || !Array.isArray(dataset.value)) return;
    // Items reported already (a wrong type, an impossible date) take no part in the comparison.
    const bad = new Set(dataset.issues?.map((issue) => issue.path?.[0]?.key));
    const seen = new Set<unknown>();
    dataset.value.forEach((value, key, input) => {
      if (bad.has(key)) return;
      if (!seen.has(value)) {
        seen.add(value);
        return;
      }
      const path = [{ type: 'array' as const, origin: 'value' as const, input, key, value }] as const;
      addIssue({ message: `duplicate ${options.noun} '${String(value)}'`, path: [...path] });
    });
  });
  return options.empty === undefined ? v.pipe(list, duplicates) : v.pipe(list, empty, duplicates);
}

/** A string matching `pattern`, else `invalid <noun> '<value>' (<hint>)`. */
export function matching(pattern: RegExp, noun: string, hint: string) {
  return v.pipe(
    string(),
    v.regex(pattern, (issue) => `invalid ${noun} ${quoted(String(issue.input))} (${hint})`),
  );
}

/** A mapping of user-chosen names to values (schedules, calendars, tags, prices). */
type Named<V extends v.GenericSchema> = v.RecordSchema<
  v.GenericSchema<string, string>,
  V,
  v.ErrorMessage<v.RecordIssue> | undefined
>;

/**
 * A mapping whose keys are names the user chose: valibot's record, except that every own key is kept (its
 * record leaves out `__proto__`, `constructor` and `prototype`, and a tag filter or schedule by that name
 * would silently vanish) and a list is not taken for a mapping. The JSON Schema sees a plain record.
 */
export function named<V extends v.GenericSchema>(key: v.GenericSchema<string, string>, value: V): Named<V> {
  const base = v.record(key, value, expected('a mapping'));
  return {
    ...base,
    '~run'(dataset, config) {
      const input = dataset.value;
      if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        v._addIssue(base, 'type', dataset, config);
        return dataset as never;
      }
      const out: Record<string, unknown> = {};
      const issues: v.BaseIssue<unknown>[] = [];
      let typed = true;
      for (const [name, item] of Object.entries(input as Record<string, unknown>)) {
        for (const [origin, schema, at] of [
          ['key', key, name],
          ['value', value, item],
        ] as const) {
          const result = schema['~run']({ value: at }, config);
          const step = {
            type: 'object',
            origin,
            input: input as Record<string, unknown>,
            key: name,
            value: item,
          };
          for (const issue of result.issues ?? []) {
            issues.push({
              ...issue,
              path: [step, ...((issue.path as v.IssuePathItem[] | undefined) ?? [])],
            } as never);
          }
          if (!result.typed) typed = false;
          if (origin === 'value') defineEntry(out, name, result.value);
        }
      }
      return { typed, value: out, ...(issues.length > 0 && { issues }) } as never;
    },
  };
}

/** A region id such as `cn-beijing`. */
export const regionId = matching(/^[a-z]{2,}-[a-z0-9-]+$/, 'region id', 'expected lowercase like cn-beijing');

/** An instance type pattern for `stopChargingIneligible`, `*` matching any run of characters. */
export const instanceTypePattern = matching(
  /^[A-Za-z0-9.*_-]+$/,
  'instance type pattern',
  "letters, digits, '.', '-', '_' and the wildcard '*'",
);

/** What is wrong with an endpoint URL; checked for credentials before anything echoes the value. */
function endpointProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // A value with `@` may hold a user name and password: say what is wrong without echoing it.
    const got = value.includes('@') ? 'an unparsable URL' : describe(value);
    return `expected a URL like https://open.volcengineapi.com, got ${got}`;
  }
  if (url.username !== '' || url.password !== '') return 'endpoint must not contain a user name or password';
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return `endpoint must be an https:// URL, got ${quoted(value)}`;
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return `endpoint may use http:// only on a loopback host (localhost, 127.0.0.1, [::1]), got ${quoted(value)}`;
  }
  if (url.search !== '' || url.hash !== '') return 'endpoint must not have a query or a fragment';
  return undefined;
}

/** The OpenAPI endpoint: https, or http only on a loopback host (the local emulator); no credentials inside. */
export const endpointUrl = v.pipe(string('a URL'), problem(endpointProblem));

const TAG_KEY_MAX_CHARS = 128;

/** The tag key that marks instances: 1 to 128 characters, not a reserved `volc:`/`sys:` key. */
export const tagKey = v.pipe(
  string(),
  problem((value: string) =>
    value.trim() === ''
      ? 'tagKey must not be empty'
      : value.length > TAG_KEY_MAX_CHARS
        ? `tagKey must be at most ${TAG_KEY_MAX_CHARS} characters, got ${value.length}`
        : value !== value.trim()
          ? 'tagKey must not start or end with white space'
          : /^(volc|sys):/i.test(value)
            ? `tagKey must not start with 'volc:' or 'sys:' (reserved for system tags), got ${quoted(value)}`
            : value.endsWith(':')
              ? `tagKey must not end with ':', got ${quoted(value)}`
              : undefined,
  ),
);

/** An IANA time zone such as `Asia/Shanghai`; an abbreviation or a legacy alias names what it probably meant. */
export const timeZone = v.pipe(
  string('an IANA time zone'),
  problem((value: string) => {
    const check = checkTimeZone(value);
    return check.ok ? undefined : timeZoneMessage(check, quoted(value));
  }),
);

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000 } as const;
const MINUTE_MS = UNIT_MS.m;
/** The longest tick: a window of a day already lists every fire of a day at once. */
const MAX_TICK_MS = 24 * 60 * MINUTE_MS;
const DURATION = /^(\d{1,6})([smh])$/;

/** `5m`, `90s`, `1h` in milliseconds (the caller checked the shape). */
function durationMs(value: string): number {
  const [, amount, unit] = DURATION.exec(value)!;
  return Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
}

/**
 * The timer period `tick` (`5m`, `90s`, `1h`), read as milliseconds: at least a minute, whole minutes, and a
 * tick a timer can express (dividing an hour or a day; see lib/schedule's tickProblem).
 */
export const tick = v.pipe(
  string('a duration like 5m, 90s or 1h'),
  v.regex(DURATION, expected('a duration like 5m, 90s or 1h')),
  problem((value: string) => {
    const ms = durationMs(value);
    return ms < MINUTE_MS
      ? `tick must be at least 1m, got ${quoted(value)}`
      : ms % MINUTE_MS !== 0
        ? `tick must be a whole number of minutes, got ${quoted(value)}`
        : ms > MAX_TICK_MS
          ? `tick must be at most 24h (a timer fires at least daily), got ${quoted(value)}`
          : tickProblem(ms);
  }),
  v.transform(durationMs),
);

/** A real calendar date written `YYYY-MM-DD` (`2026-02-30` is refused). */
export const calendarDate = v.pipe(
  string('a date YYYY-MM-DD'),
  v.regex(/^\d{4}-\d{2}-\d{2}$/, expected('a date YYYY-MM-DD')),
  problem((value: string) => {
    const [year, month, day] = value.split('-').map(Number) as [number, number, number];
    const reason = calendarDateProblem({ year, month, day });
    return reason && `invalid date ${quoted(value)}: ${reason}`;
  }),
);

/** A mapping of strings to strings (tag filters); a number or boolean value asks to be quoted. */
export const stringMap = named(
  v.pipe(v.string(), v.minLength(1, 'expected a non-empty tag key')),
  v.string((issue) =>
    typeof issue.input === 'number' || typeof issue.input === 'boolean'
      ? `${expected('a string')(issue)} (quote it: '${String(issue.input)}')`
      : expected('a string')(issue),
  ),
);
