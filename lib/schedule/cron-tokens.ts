/**
 * The Quartz day tokens that node-cron 4 supports: `L`, `L-n`, `nW`, `LW` in the day of month and `nL`, `n#k`
 * in the day of week. Kept apart from the plain field grammar in cron.ts, which they would clutter.
 */

/** A day of month that depends on the month's length. */
export type DayOfMonthRule =
  /** `L` (offset 0) or `L-n`: the last day of the month, or n days before it. */
  | { kind: 'last'; offset: number }
  /** `nW` or `LW`: the weekday (Monday-Friday) nearest that day, within the month. */
  | { kind: 'nearestWeekday'; day: number | 'last' };

/** A weekday that depends on its place in the month. */
export type WeekdayRule =
  /** `5L`: the last Friday of the month. */
  | { kind: 'last'; weekday: number }
  /** `5#2`: the second Friday of the month (nth 1-5). */
  | { kind: 'nth'; weekday: number; nth: number };

type Fail = (message: string) => Error;

/**
 * Reads one day-of-month list item as a rule, or returns undefined for a plain item (number, range, `*`).
 *
 * @param fail builds the error for a malformed token
 */
export function parseDayOfMonthToken(item: string, fail: Fail): DayOfMonthRule | undefined {
  if (/^L$/i.test(item)) return { kind: 'last', offset: 0 };
  const offset = /^L-(.*)$/i.exec(item);
  if (offset) {
    const text = offset[1] ?? '';
    const n = /^\d{1,2}$/.test(text) ? Number.parseInt(text, 10) : Number.NaN;
    if (!(n >= 1 && n <= 30)) throw fail(`'${item}': the offset after 'L-' must be 1-30`);
    return { kind: 'last', offset: n };
  }
  const weekday = /^(.*)W$/i.exec(item);
  if (weekday) {
    const text = weekday[1] ?? '';
    if (/^L$/i.test(text)) return { kind: 'nearestWeekday', day: 'last' };
    const day = /^\d{1,2}$/.test(text) ? Number.parseInt(text, 10) : Number.NaN;
    if (!(day >= 1 && day <= 31))
      throw fail(`'${item}': 'W' needs a day 1-31 or 'L' before it, such as '15W'`);
    return { kind: 'nearestWeekday', day };
  }
  return undefined;
}

/**
 * Reads one day-of-week list item as a rule, or returns undefined for a plain item.
 *
 * @param names weekday names (lower case) to numbers, Sunday = 0
 * @param fail builds the error for a malformed token
 */
export function parseWeekdayToken(
  item: string,
  names: ReadonlyMap<string, number>,
  fail: Fail,
): WeekdayRule | undefined {
  const nth = /^(.+)#(.*)$/.exec(item);
  if (nth) {
    const weekday = tokenWeekday(nth[1] ?? '', names);
    if (weekday === undefined)
      throw fail(`'${item}': '#' needs a weekday 0-7 or a name before it, such as 'FRI#2'`);
    if (!/^[1-5]$/.test(nth[2] ?? '')) throw fail(`'${item}': the occurrence after '#' must be 1-5`);
    return { kind: 'nth', weekday, nth: Number.parseInt(nth[2] ?? '', 10) };
  }
  if (/^L$/i.test(item))
    throw fail(`'L' needs a weekday before it, such as '5L' (the last Friday of the month)`);
  const last = /^(.+)L$/i.exec(item);
  if (last) {
    const weekday = tokenWeekday(last[1] ?? '', names);
    if (weekday === undefined)
      throw fail(`'${item}': 'L' needs a weekday 0-7 or a name before it, such as '5L'`);
    return { kind: 'last', weekday };
  }
  if (item.includes('#')) throw fail(`'${item}': '#' needs a weekday before it, such as 'FRI#2'`);
  return undefined;
}

/** A single digit 0-7 (7 = Sunday) or a weekday name, as node-cron accepts before `L` and `#`. */
function tokenWeekday(text: string, names: ReadonlyMap<string, number>): number | undefined {
  if (/^[0-7]$/.test(text)) return Number.parseInt(text, 10) % 7;
  return names.get(text.toLowerCase());
}
