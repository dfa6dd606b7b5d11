/**
 * The days each calendar base knows, as data. `cn` reads the `chinese-days` package's published JSON: the
 * State Council's yearly notices as `date → "English name,中文名,n"` for public holidays and for make-up
 * working days (调休). Its functions are not used: they read dates through the machine's local time zone, and
 * a schedule's dates are local to the schedule's zone. The facts relied on are in docs/chinese-days.md.
 */
import chineseDays from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import type { CalendarBase } from './types.js';

/** The dated exceptions to Monday–Friday that a base knows, and the years its data covers. */
export interface BaseDays {
  /** Where the data comes from, for the message that asks to update it. */
  source: string;
  /**
   * Years for which the data lists the official arrangement; other years fall back to Monday–Friday.
   * Absent: the base needs no data (every year is covered).
   */
  years?: ReadonlySet<number>;
  /** `YYYY-MM-DD` → the holiday's English name: days off, even on a weekday. */
  holidays: ReadonlyMap<string, string>;
  /** `YYYY-MM-DD` → the holiday it makes up for: working days, even on a weekend. */
  workdays: ReadonlyMap<string, string>;
}

/** `"National Day,国庆节,3"` → `"National Day"`. */
function byDate(entries: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(entries).map(([date, text]) => [date, text.split(',')[0] ?? text]));
}

function cnDays(): BaseDays {
  const holidays = byDate(chineseDays.holidays);
  // Every covered year has public holidays (New Year's Day at least), so their years are the coverage.
  const years = new Set([...holidays.keys()].map((date) => Number(date.slice(0, 4))));
  return { source: 'the chinese-days package', years, holidays, workdays: byDate(chineseDays.workdays) };
}

/** Monday to Friday, every year: no exceptions to know. */
const WEEKDAYS: BaseDays = {
  source: 'Monday to Friday',
  holidays: new Map(),
  workdays: new Map(),
};

const BUILD: Readonly<Record<CalendarBase, () => BaseDays>> = { cn: cnDays, weekdays: () => WEEKDAYS };
const built = new Map<CalendarBase, BaseDays>();

/**
 * The data of a base, built on its first use and kept. Turning the package's ~770 dated entries into maps
 * costs a few milliseconds; a cold start whose configuration names no `cn` calendar, or that has not yet
 * evaluated one, does not pay it.
 *
 * @example
 * baseDays('cn').holidays.get('2026-10-01'); // 'National Day'
 */
export function baseDays(base: CalendarBase): BaseDays {
  let days = built.get(base);
  if (days === undefined) {
    days = BUILD[base]();
    built.set(base, days);
  }
  return days;
}
