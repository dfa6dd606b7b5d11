import { describe, expect, it } from 'vitest';
import {
  formatTick,
  nearestTicks,
  parseCron,
  tickCrontab,
  tickProblem,
  tickWindow,
  VALID_TICKS_MS,
} from '../../../lib/schedule/index.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('the ticks a timer can express', () => {
  it.each([
    [MINUTE, '* * * * *'],
    [2 * MINUTE, '*/2 * * * *'],
    [5 * MINUTE, '*/5 * * * *'],
    [30 * MINUTE, '*/30 * * * *'],
    [HOUR, '0 * * * *'],
    [2 * HOUR, '0 */2 * * *'],
    [12 * HOUR, '0 */12 * * *'],
    [24 * HOUR, '0 0 * * *'],
  ])('tick %d ms is the crontab %s', (tickMs, crontab) => {
    expect(tickCrontab(tickMs)).toBe(crontab);
  });

  it('fires each valid crontab exactly on the tick grid over a day (UTC)', () => {
    // Every minute of one day: the crontab matches it exactly when the minute is a multiple of the tick.
    // (The 27,000 comparisons are collected and asserted once: an expect() each cost more than the check.)
    const dayMs = Date.UTC(2026, 2, 9);
    const wrong: string[] = [];
    for (const tickMs of VALID_TICKS_MS) {
      const cron = parseCron(tickCrontab(tickMs));
      for (let atMs = dayMs; atMs < dayMs + 24 * HOUR; atMs += MINUTE) {
        const at = new Date(atMs);
        const fires = cron.minutes.includes(at.getUTCMinutes()) && cron.hours.includes(at.getUTCHours());
        const onGrid = tickWindow(at, tickMs).end.getTime() === atMs;
        if (fires !== onGrid) wrong.push(`${formatTick(tickMs)} at ${at.toISOString()}: fires ${fires}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it.each([
    [7 * MINUTE, ['6m', '10m']],
    [90 * MINUTE, ['1h', '2h']],
    [45 * MINUTE, ['30m', '1h']],
    [5 * HOUR, ['4h', '6h']],
    [9 * MINUTE, ['6m', '10m']],
  ])('refuses %d ms and names the nearest valid ticks', (tickMs, nearest) => {
    expect(nearestTicks(tickMs).map(formatTick)).toEqual(nearest);
    expect(tickProblem(tickMs)).toContain(`use ${nearest.join(' or ')}`);
    expect(() => tickCrontab(tickMs)).toThrow(RangeError);
  });

  it('accepts exactly the ticks dividing an hour or a day', () => {
    const valid = VALID_TICKS_MS.map(formatTick);
    expect(valid).toEqual([
      '1m',
      '2m',
      '3m',
      '4m',
      '5m',
      '6m',
      '10m',
      '12m',
      '15m',
      '20m',
      '30m',
      '1h',
      '2h',
      '3h',
      '4h',
      '6h',
      '8h',
      '12h',
      '24h',
    ]);
    const wrong: string[] = [];
    for (let minutes = 1; minutes <= 24 * 60; minutes++) {
      const divides = minutes < 60 ? 60 % minutes === 0 : minutes % 60 === 0 && (24 * 60) % minutes === 0;
      const accepted = tickProblem(minutes * MINUTE) === undefined;
      if (accepted !== divides) wrong.push(`${minutes} minutes: accepted ${accepted}`);
    }
    expect(wrong).toEqual([]);
  });
});
