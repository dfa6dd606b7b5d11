import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../lib/errors.js';
import { matches, parseCron, tickToCron, tickWindow, wallTime } from '../../../lib/schedule/index.js';

const MINUTE_MS = 60_000;
const MINUTES = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30];
const HOURS = [1, 2, 3, 4, 6, 8, 12, 24];

describe('tickToCron', () => {
  it.each([
    [MINUTE_MS, '* * * * *'],
    [5 * MINUTE_MS, '*/5 * * * *'],
    [30 * MINUTE_MS, '*/30 * * * *'],
    [60 * MINUTE_MS, '0 * * * *'],
    [6 * 60 * MINUTE_MS, '0 */6 * * *'],
    [24 * 60 * MINUTE_MS, '0 0 * * *'],
  ])('writes a tick of %i ms as %s', (tickMs, cron) => {
    expect(tickToCron(tickMs)).toBe(cron);
  });

  it.each([...MINUTES.map((m) => m * MINUTE_MS), ...HOURS.map((h) => h * 60 * MINUTE_MS)])(
    'fires on the UTC epoch grid of tickWindow for a tick of %i ms, over two days',
    (tickMs) => {
      const cron = parseCron(tickToCron(tickMs));
      const start = Date.parse('2026-03-08T00:00:00Z');
      const fired: number[] = [];
      const grid: number[] = [];
      for (let ms = start; ms < start + 2 * 1_440 * MINUTE_MS; ms += MINUTE_MS) {
        if (tickWindow(new Date(ms), tickMs).end.getTime() === ms) grid.push(ms);
        if (matches(cron, wallTime(new Date(ms), 'UTC'))) fired.push(ms);
      }
      expect(fired).toEqual(grid);
    },
  );

  it.each([7, 9, 45, 90, 300, 1_440 * 2])(
    'refuses a tick of %i minutes, naming the valid ones',
    (minutes) => {
      expect(() => tickToCron(minutes * MINUTE_MS)).toThrow(UsageError);
      expect(() => tickToCron(minutes * MINUTE_MS)).toThrow(
        /divides an hour \(1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30/,
      );
    },
  );
});
