/**
 * `--at` and `next --from`: one reading of a date or an instant on the command line. An instant needs a
 * zone (`Z` or an offset); a date alone (`2026-03-09`) is the start of that day in the configuration's
 * `timezone`, the zone the team reads its schedules in. A time without a zone is refused: it would name a
 * different instant on every machine.
 */
import { UsageError } from '../errors.js';
import { startOfLocalDayMs } from '../schedule/index.js';
import { type DateOrInstant, parseIsoDateOrInstant } from '../time/index.js';

/** The usage text's description of the rule, shared by `plan`, `run` and `next`. */
export const WHEN_RULE =
  'an ISO 8601 date-time with Z or an offset (2026-03-09T22:00:00+08:00), or a date alone ' +
  "(2026-03-09), which means the start of that day in the configuration's timezone";

/**
 * Reads the text of a date-or-instant flag; the date is placed in a zone later by {@link resolveWhen}, once
 * the configuration is read (a bad flag is reported before a bad configuration).
 *
 * @throws UsageError naming the flag and the rule.
 */
export function parseWhen(flag: string, text: string): DateOrInstant {
  const when = parseIsoDateOrInstant(text);
  if (when === undefined) throw new UsageError(`${flag} must be ${WHEN_RULE}; got '${text}'`);
  return when;
}

/**
 * The instant a parsed flag names, a date alone being the start of that day in `timeZone`.
 *
 * @example
 * resolveWhen(parseWhen('--at', '2026-03-09'), 'Asia/Shanghai').toISOString(); // '2026-03-08T16:00:00.000Z'
 */
export function resolveWhen(when: DateOrInstant, timeZone: string): Date {
  if (when.kind === 'instant') return when.instant;
  const { year, month, day } = when.date;
  return new Date(startOfLocalDayMs(year, month, day, timeZone));
}
