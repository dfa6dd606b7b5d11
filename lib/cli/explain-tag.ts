/**
 * `lights-out explain-tag VALUE`: what an inline tag value means, in plain language, or why it is invalid, so
 * a user can check a tag before setting it. Reads the configuration only for the defaults; touches no cloud.
 */
import { CONFIG_ENV, inlineDefaultsOf, loadConfig } from '../config/index.js';
import { UsageError } from '../errors.js';
import {
  type CalendarRules,
  explainInlineValue,
  type InlineDefaults,
  inlineFires,
  inlineScheduleName,
  parseInlineValue,
  wallTime,
} from '../schedule/index.js';
import { printable } from '../table.js';
import { type Command, ExitCode, parseCommandArgs } from './io.js';
import { parseWhen, resolveWhen } from './when.js';

const DAY_MS = 86_400_000;
/** How far ahead the next fires are looked for: past any holiday a calendar can remove. */
const LOOKAHEAD_DAYS = 32;
/** How many coming fires are listed. */
const NEXT_FIRES = 4;
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const pad = (n: number) => String(n).padStart(2, '0');

/**
 * The explanation of one value: the value, its normalised form, the meaning line by line and, for a valid
 * value, its next fires after `from`.
 *
 * @example
 * explainTag('off=(M-F,19);tz=pt', defaults, new Date());
 */
export function explainTag(
  raw: string,
  defaults: InlineDefaults & { skipDates?: readonly string[]; calendar?: CalendarRules },
  from: Date,
): { text: string; valid: boolean } {
  const value = parseInlineValue(raw, defaults);
  const lines = [
    `value:      ${printable(JSON.stringify(raw), 200)}`,
    `normalised: ${printable(value.normalised, 200)}`,
  ];
  if (value.kind === 'schedule') lines.push(`schedule:   ${printable(inlineScheduleName(value), 200)}`);
  lines.push(...explainInlineValue(value).map(printable200));
  const { calendar } = defaults;
  if (value.kind === 'schedule' && calendar !== undefined) {
    const replaces = [...value.off, ...value.on].some((spec) => spec.defaultDays === true);
    const how = replaces
      ? 'decides the days: fires on its working days (make-up working days included)'
      : 'fires only on the named days that are its working days';
    lines.push(printable200(`calendar:   ${calendar.name} (base ${calendar.base}) ${how}`));
  }
  if (value.kind === 'schedule') {
    // Every value names weekdays, so a month holds its next fires even across a calendar's longest holiday.
    const until = new Date(from.getTime() + LOOKAHEAD_DAYS * DAY_MS);
    const skipDates = defaults.skipDates ?? [];
    const fires = inlineFires(value, skipDates, from, until, defaults.calendar).slice(0, NEXT_FIRES);
    lines.push(fires.length === 0 ? 'next fires: none' : 'next fires:');
    for (const fire of fires) {
      const wall = wallTime(fire.fireTime, value.timezone);
      const local = `${WEEKDAYS[wall.weekday]} ${wall.year}-${pad(wall.month)}-${pad(wall.day)} ${pad(wall.hour)}:${pad(wall.minute)}`;
      lines.push(`  ${fire.action.padEnd(5)}  ${local} ${value.timezone}   ${fire.fireTime.toISOString()}`);
    }
  }
  return { text: `${lines.join('\n')}\n`, valid: value.kind !== 'invalid' };
}

function printable200(line: string): string {
  return printable(line, 200);
}

/** The `explain-tag` command. */
export const explainTagCommand: Command = {
  name: 'explain-tag',
  summary: 'Explain an inline schedule tag value (Cloud Custodian offhours grammar) or why it is invalid',
  usage: [
    "Usage: lights-out explain-tag [-c FILE] [--from ISO] 'VALUE'",
    '',
    "Reads VALUE as the inline schedule tag does (for example 'off=(M-F,19);on=(M-F,7);tz=pt') and prints",
    'its normalised form, when it stops and starts its instance and in which zone, and its next fires; or',
    'why it is invalid (an instance with that value is skipped with invalid-inline-schedule). The defaults',
    'a value leaves open come from the inline: section of the configuration given with -c (or',
    `$${CONFIG_ENV}); without one, the documented defaults in UTC.`,
    '',
    'Options:',
    '  -c, --config FILE  the configuration whose inline: defaults apply',
    '  --from ISO         list the next fires after this date (2026-03-06) or date and time with Z or an',
    '                     offset (default: now)',
    '',
    'Exit codes: 0 the value is valid (or opts out), 2 it is invalid, or bad usage.',
  ].join('\n'),
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      args,
      { config: { type: 'string', short: 'c' }, from: { type: 'string' } },
      true,
    );
    if (positionals.length !== 1) throw new UsageError('expected exactly one tag value (quote it)');
    const file = values.config ?? (io.env[CONFIG_ENV] || undefined);
    const config = file === undefined ? { timezone: 'UTC' } : await loadConfig(file);
    const defaults = inlineDefaultsOf(config);
    const from =
      values.from === undefined ? io.now() : resolveWhen(parseWhen('--from', values.from), config.timezone);
    const { text, valid } = explainTag(positionals[0] as string, defaults, from);
    (valid ? io.stdout : io.stderr).write(text);
    return valid ? ExitCode.Ok : ExitCode.Usage;
  },
};
