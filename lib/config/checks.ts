/**
 * Field readers for the values a configuration holds: each takes a YAML node, reports what is wrong with it
 * at the node's position, and returns the checked value (or undefined). The schema tables combine them.
 */
import { isScalar } from 'yaml';
import { tickProblem } from '../schedule/index.js';
import { closest } from '../suggest.js';
import { calendarDateProblem, checkTimeZone, timeZoneMessage } from '../time/index.js';
import { isLoopbackHost } from '../volc/index.js';
import { describe, type Field, type NodeReader, quoted } from './nodes.js';

/** A nested mapping read against its own table of known keys (`defaults:`, `select:`, ...). */
export function section<S extends Record<string, Field<unknown>>>(fields: S) {
  return (node: unknown, r: NodeReader) => r.struct(node, fields);
}

/** A string that is not empty. */
export const nonEmptyString: Field<string> = (node, r) => {
  const value = r.string(node);
  if (value === '') r.report(node, 'expected a non-empty string');
  return value === '' ? undefined : value;
};

/** `true` or `false`. */
export const boolean: Field<boolean> = (node, r) => r.boolean(node);

/** A finite number greater than zero. */
export const positiveNumber: Field<number> = (node, r) => {
  const value = r.number(node, 'a positive number');
  if (value === undefined) return undefined;
  if (Number.isFinite(value) && value > 0) return value;
  r.report(node, `expected a positive number, got ${describe(node)}`);
  return undefined;
};

/** A whole number greater than zero. */
export const positiveInteger: Field<number> = (node, r) => {
  const value = r.number(node, 'a positive integer');
  if (value === undefined) return undefined;
  if (Number.isSafeInteger(value) && value > 0) return value;
  r.report(node, `expected a positive integer, got ${describe(node)}`);
  return undefined;
};

/** One of a fixed set of strings, with a suggestion for a near miss (`stopcharging` → `StopCharging`). */
export function oneOf<T extends string>(values: readonly T[]): Field<T> {
  const expected = `one of ${values.join(', ')}`;
  return (node, r) => {
    const value = r.string(node, expected);
    if (value === undefined) return undefined;
    if ((values as readonly string[]).includes(value)) return value as T;
    const guess = closest(value, values);
    r.report(
      node,
      `expected ${expected}, got ${describe(node)}${guess ? ` (did you mean '${guess}'?)` : ''}`,
    );
    return undefined;
  };
}

/**
 * A list whose items all pass `item`. `emptyMessage`, when given, makes an empty list an issue; `noun`, when
 * given, makes a repeated item an issue (`duplicate region 'cn-beijing'`).
 */
export function listOf<T>(
  item: Field<T>,
  options: { emptyMessage?: string; noun?: string } = {},
): Field<T[]> {
  return (node, r) => {
    const items = r.list(node);
    if (!items) return undefined;
    if (items.length === 0 && options.emptyMessage) {
      r.report(node, options.emptyMessage);
      return undefined;
    }
    const values: T[] = [];
    for (const itemNode of items) {
      const value = item(itemNode, r);
      if (value === undefined) continue;
      if (options.noun && values.includes(value)) {
        r.report(itemNode, `duplicate ${options.noun} '${String(value)}'`);
        continue;
      }
      values.push(value);
    }
    return values;
  };
}

/** A string matching `pattern`, else `invalid <noun> '<value>' (<hint>)`. */
export function matching(pattern: RegExp, noun: string, hint: string): Field<string> {
  return (node, r) => {
    const value = r.string(node);
    if (value === undefined) return undefined;
    if (pattern.test(value)) return value;
    r.report(node, `invalid ${noun} ${quoted(value)} (${hint})`);
    return undefined;
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

/** The OpenAPI endpoint: https, or http only on a loopback host (the local emulator); no credentials inside. */
export const endpointUrl: Field<string> = (node, r) => {
  const value = r.string(node, 'a URL');
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // A value with `@` may hold a user name and password: say what is wrong without echoing it.
    const got = value.includes('@') ? 'an unparsable URL' : describe(node);
    r.report(node, `expected a URL like https://open.volcengineapi.com, got ${got}`);
    return undefined;
  }
  // Checked before anything that echoes the value: a user name or password in a URL is a credential.
  const problem =
    url.username !== '' || url.password !== ''
      ? 'endpoint must not contain a user name or password'
      : url.protocol !== 'https:' && url.protocol !== 'http:'
        ? `endpoint must be an https:// URL, got ${quoted(value)}`
        : url.protocol === 'http:' && !isLoopbackHost(url.hostname)
          ? `endpoint may use http:// only on a loopback host (localhost, 127.0.0.1, [::1]), got ${quoted(value)}`
          : url.search !== '' || url.hash !== ''
            ? 'endpoint must not have a query or a fragment'
            : undefined;
  if (problem) r.report(node, problem);
  return problem ? undefined : value;
};

const TAG_KEY_MAX_CHARS = 128;

/** The tag key that marks instances: 1 to 128 characters, not a reserved `volc:`/`sys:` key. */
export const tagKey: Field<string> = (node, r) => {
  const value = r.string(node);
  if (value === undefined) return undefined;
  const problem =
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
              : undefined;
  if (problem) r.report(node, problem);
  return problem ? undefined : value;
};

/** An IANA time zone such as `Asia/Shanghai`; an abbreviation or a legacy alias names what it probably meant. */
export const timeZone: Field<string> = (node, r) => {
  const value = r.string(node, 'an IANA time zone');
  if (value === undefined) return undefined;
  const check = checkTimeZone(value);
  if (check.ok) return value;
  r.report(node, timeZoneMessage(check, quoted(value)));
  return undefined;
};

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000 } as const;
const MINUTE_MS = UNIT_MS.m;

/**
 * The timer period `tick` (`5m`, `90s`, `1h`) in milliseconds: at least a minute, whole minutes, and a tick a
 * timer can express (dividing an hour or a day; see lib/schedule's tickProblem).
 */
export const tickMs: Field<number> = (node, r) => {
  const value = r.string(node, 'a duration like 5m, 90s or 1h');
  if (value === undefined) return undefined;
  const match = /^(\d{1,6})([smh])$/.exec(value);
  if (!match) {
    r.report(node, `expected a duration like 5m, 90s or 1h, got ${describe(node)}`);
    return undefined;
  }
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  const problem =
    ms < MINUTE_MS
      ? `tick must be at least 1m, got ${quoted(value)}`
      : ms % MINUTE_MS !== 0
        ? `tick must be a whole number of minutes, got ${quoted(value)}`
        : ms > MAX_TICK_MS
          ? `tick must be at most 24h (a timer fires at least daily), got ${quoted(value)}`
          : tickProblem(ms);
  if (problem) r.report(node, problem);
  return problem ? undefined : ms;
};

/** The longest tick: a window of a day already lists every fire of a day at once. */
const MAX_TICK_MS = 24 * 60 * MINUTE_MS;

/** A real calendar date written `YYYY-MM-DD` (`2026-02-30` is refused). */
export const calendarDate: Field<string> = (node, r) => {
  const value = r.string(node, 'a date YYYY-MM-DD');
  if (value === undefined) return undefined;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) {
    r.report(node, `expected a date YYYY-MM-DD, got ${describe(node)}`);
    return undefined;
  }
  const problem = calendarDateProblem({
    year: Number(match[1]),
    month: Number(match[2]),
    day: Number(match[3]),
  });
  if (problem) r.report(node, `invalid date ${quoted(value)}: ${problem}`);
  return problem ? undefined : value;
};

/** A mapping of strings to strings (tag filters); a non-string value asks to be quoted. */
export const stringMap: Field<Record<string, string>> = (node, r) => {
  const entries = r.entries(node, 'tag');
  if (!entries) return undefined;
  const out: Record<string, string> = {};
  for (const { key, keyNode, value } of entries) {
    if (key === '') r.report(keyNode, 'expected a non-empty tag key');
    if (isScalar(value) && (typeof value.value === 'number' || typeof value.value === 'boolean')) {
      r.report(value, `expected a string, got ${describe(value)} (quote it: '${String(value.value)}')`);
      continue;
    }
    const text = r.string(value);
    // defineProperty, not `out[key] =`: a key named __proto__ would otherwise set the prototype and vanish
    // from the filter, and the instances it should exclude would be stopped.
    if (text !== undefined && key !== '') {
      Object.defineProperty(out, key, { value: text, enumerable: true, writable: true, configurable: true });
    }
  }
  return out;
};
