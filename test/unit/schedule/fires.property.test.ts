/**
 * The property the cloud timer relies on: consecutive tick windows covering a year produce every fire exactly
 * once. The expected fires come from an independent oracle that steps day by day in LOCAL time and asks
 * Intl (through wallTime alone, no offset cache) where each matched wall-clock minute happens.
 */
import { describe, expect, it } from 'vitest';
import type { Config, ScheduleConfig } from '../../../lib/config/types.js';
import { matches, parseCron } from '../../../lib/schedule/cron.js';
import { dueFires, tickWindow } from '../../../lib/schedule/fires.js';
import { wallTime } from '../../../lib/schedule/timezone.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const TICK_MS = 5 * MINUTE_MS;
const YEAR_START = Date.parse('2026-01-01T00:00:00Z');
const YEAR_END = Date.parse('2027-01-01T00:00:00Z');

const ZONES = ['America/New_York', 'Europe/London', 'Australia/Sydney', 'Asia/Shanghai'];
/**
 * Every quarter hour of the small hours where all three zones change (several minutes in each gap), the
 * DST hours themselves, Sundays (the change days), weekdays. The second and fourth also skip the change days and Christmas.
 */
const CRONS = [
  { cron: '*/15 0-3 * * *', skips: false },
  { cron: '30 1 * * *', skips: true },
  { cron: '30 2 * * *', skips: false },
  { cron: '45 1-3 * * SUN', skips: true },
  { cron: '0 22 * * 1-5', skips: false },
];
/** The 2026 change days of the three zones that change, and Christmas. */
const SKIP_DATES = [
  '2026-03-08',
  '2026-03-29',
  '2026-04-05',
  '2026-10-04',
  '2026-10-25',
  '2026-11-01',
  '2026-12-25',
];

const SCHEDULES: ScheduleConfig[] = ZONES.flatMap((timezone) =>
  CRONS.map(({ cron, skips }, index) => ({
    name: `${timezone}#${index}`,
    stop: [cron],
    timezone,
    skipDates: skips ? SKIP_DATES : [],
    select: { tags: {} },
  })),
);

/** The wall-clock time of an instant as local epoch milliseconds, straight from Intl. */
function localOf(instantMs: number, zone: string): number {
  const wall = wallTime(new Date(instantMs), zone);
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
}

/**
 * The oracle: for each local date, each (hour, minute) the cron matches becomes the earliest instant showing
 * that wall time, found among the zone's offsets of the year; a time no instant shows (a gap) becomes the first
 * minute whose wall time is past it.
 */
function oracle(schedule: ScheduleConfig): Set<string> {
  const cron = parseCron(schedule.stop[0] ?? '');
  const zone = schedule.timezone;
  const offsets = [
    ...new Set(
      [0, 3, 6, 9].map((month) => localOf(Date.UTC(2026, month, 15), zone) - Date.UTC(2026, month, 15)),
    ),
  ].sort((a, b) => b - a);
  const fires = new Set<string>();
  for (let day = YEAR_START - 2 * DAY_MS; day <= YEAR_END + 2 * DAY_MS; day += DAY_MS) {
    const date = new Date(day);
    if (schedule.skipDates.includes(date.toISOString().slice(0, 10))) continue;
    const [year, month, dayOfMonth, weekday] = [
      date.getUTCFullYear(),
      date.getUTCMonth() + 1,
      date.getUTCDate(),
      date.getUTCDay(),
    ];
    for (const hour of cron.hours) {
      for (const minute of cron.minutes) {
        if (!matches(cron, { year, month, day: dayOfMonth, hour, minute, weekday })) continue;
        const local = day + hour * 3_600_000 + minute * MINUTE_MS;
        // The larger offset is the earlier instant: the first that shows the wall time is its first occurrence.
        const shown = offsets
          .map((offset) => local - offset)
          .find((instant) => localOf(instant, zone) === local);
        let fire = shown ?? local - offsets[0]!;
        while (shown === undefined && localOf(fire, zone) <= local) fire += MINUTE_MS;
        if (fire > YEAR_START && fire <= YEAR_END)
          fires.add(`${schedule.name} ${new Date(fire).toISOString()}`);
      }
    }
  }
  return fires;
}

/** A seeded generator (Park-Miller), so the jitter is the same on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
}

describe('a year of tick windows', () => {
  it(`fires every fire of ${SCHEDULES.length} schedules exactly once (4 zones, DST hours, skip dates)`, () => {
    const config = { schedules: SCHEDULES, tickMs: TICK_MS } as Config;
    const jitter = random(2026);
    const seen: string[] = [];
    let covered = YEAR_START;
    // (Windows that do not start where the last ended are collected and asserted once: an expect() per tick
    // cost more than the check.)
    const gaps: string[] = [];
    // The timer runs 0-4m59s late on every tick, differently each time; each window starts where the last ended.
    for (let k = 1; k <= (YEAR_END - YEAR_START) / TICK_MS; k++) {
      const at = YEAR_START + k * TICK_MS + Math.floor(jitter() * TICK_MS);
      const window = tickWindow(new Date(at), TICK_MS);
      if (window.start.getTime() !== covered) gaps.push(`${window.start.toISOString()} after ${covered}`);
      covered = window.end.getTime();
      for (const fire of dueFires(config, window.start, window.end)) {
        seen.push(`${fire.schedule} ${fire.fireTime.toISOString()}`);
      }
    }
    expect(gaps).toEqual([]);
    expect(covered).toBe(YEAR_END);

    const expected = new Set(SCHEDULES.flatMap((schedule) => [...oracle(schedule)]));
    const unique = new Set(seen);
    expect(unique.size).toBe(seen.length); // no fire twice
    expect(seen.filter((fire) => !expected.has(fire))).toEqual([]); // no fire the oracle lacks
    expect([...expected].filter((fire) => !unique.has(fire))).toEqual([]); // none missing
    expect(seen.length).toBeGreaterThan(20_000);
  });

  it.each(ZONES)(
    '%s: daily schedules fire once a day in 2026, DST days included, less their skip dates',
    (zone) => {
      const daily = SCHEDULES.filter(
        (s) => s.timezone === zone && /^30 [12] \* \* \*$/.test(s.stop[0] ?? ''),
      );
      const config = { schedules: daily, tickMs: TICK_MS } as Config;
      for (const schedule of daily) {
        const fires = dueFires(config, new Date(YEAR_START), new Date(YEAR_END)).filter(
          (fire) => fire.schedule === schedule.name,
        );
        const suppressed = schedule.skipDates.length > 0 ? SKIP_DATES.length : 0;
        expect(fires, schedule.name).toHaveLength(365 - suppressed);
      }
    },
  );
});
