/** An inline tag value in plain language, for `lights-out explain-tag` and `next`. Pure string building. */
import type { InlineSpec, InlineValue } from './inline-grammar.js';

const DAY_NAMES: Readonly<Record<string, string>> = {
  m: 'Monday',
  t: 'Tuesday',
  w: 'Wednesday',
  h: 'Thursday',
  f: 'Friday',
  s: 'Saturday',
  u: 'Sunday',
};

/**
 * What a parsed value means, one sentence per line: when it stops, when it starts, in which zone; or that it
 * opts out; or why it is invalid.
 *
 * @example
 * explainInlineValue(parseInlineValue('off=(m-f,19);tz=et', defaults));
 * // ['stops at 19:00 Monday to Friday', 'starts at 07:00 Monday to Friday (the configured default)',
 * //  'time zone America/New_York']
 */
export function explainInlineValue(value: InlineValue): string[] {
  if (value.kind === 'opt-out') {
    return ['opts the instance out: inline schedules never stop or start it'];
  }
  if (value.kind === 'invalid') {
    return [
      `invalid: ${value.reason}`,
      'an instance with this value is skipped (invalid-inline-schedule); nothing is stopped',
    ];
  }
  const note = (fromDefault: boolean) => (fromDefault ? ' (the configured default)' : '');
  const lines = [`stops ${specsText(value.off)}${note(value.fromDefaults.off)}`];
  lines.push(
    value.on.length === 0
      ? 'never starts it (no on= and default starts are off)'
      : `starts ${specsText(value.on)}${note(value.fromDefaults.on)}`,
  );
  lines.push(`time zone ${value.timezone}${note(value.fromDefaults.timezone)}`);
  return lines;
}

/** `at 19:00 Monday to Friday and at 18:00 Sunday`. */
function specsText(specs: readonly InlineSpec[]): string {
  return specs
    .map((spec) => `at ${String(spec.hour).padStart(2, '0')}:00 ${daysText(spec.daysText)}`)
    .join(' and ');
}

/** `m-f` → `Monday to Friday`; `f-m` → `Friday to Monday (through the weekend)`; `u` → `on Sunday`. */
function daysText(text: string): string {
  const [from, to] = text.split('-') as [string, string | undefined];
  if (to === undefined) return `on ${DAY_NAMES[from] ?? from}`;
  if (from === 'm' && to === 'u') return 'every day';
  return `${DAY_NAMES[from] ?? from} to ${DAY_NAMES[to] ?? to}`;
}
