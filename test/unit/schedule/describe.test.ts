import { describe, expect, it } from 'vitest';
import { parseCron } from '../../../lib/schedule/cron.js';
import { describeCron } from '../../../lib/schedule/describe.js';

describe('describeCron', () => {
  it.each([
    // The shapes the issue names.
    ['0 22 * * 1-5', 'at 22:00 on Monday through Friday'],
    ['30 23 * * *', 'at 23:30 every day'],
    ['*/15 * * * *', 'every 15 minutes'],
    ['0 20 * * 5', 'at 20:00 on Friday'],
    ['0 9 1 * *', 'at 09:00 on day 1 of the month'],
    // The same values read alike whatever the syntax.
    ['0-59/15 * * * *', 'every 15 minutes'],
    ['0,15,30,45 * * * *', 'every 15 minutes'],
    ['0 22 * * MON-FRI', 'at 22:00 on Monday through Friday'],
    ['0 20 * * FRI', 'at 20:00 on Friday'],
    ['@daily', 'at 00:00 every day'],
    // Times.
    ['* * * * *', 'every minute'],
    ['0 * * * *', 'every hour on the hour'],
    ['5 * * * *', 'every hour at minute 5'],
    ['0 */2 * * *', 'every 2 hours on the hour'],
    ['30 9-17 * * *', 'every hour from 09:30 through 17:30'],
    ['*/15 9-17 * * 1-5', 'every 15 minutes from 09:00 through 17:45 on Monday through Friday'],
    ['* 9 * * *', 'every minute from 09:00 through 09:59'],
    ['0 9,17 * * *', 'at 09:00 and 17:00 every day'],
    ['0,30 9 * * *', 'at 09:00 and 09:30 every day'],
    ['0 8,12,18 * * *', 'at 08:00, 12:00 and 18:00 every day'],
    // Days.
    ['0 0 * * 0,6', 'at 00:00 on Saturday and Sunday'],
    ['0 0 * * 6,7', 'at 00:00 on Saturday and Sunday'],
    ['0 0 * * 5-1', 'at 00:00 on Friday through Monday'],
    ['0 0 * * 1,3,5', 'at 00:00 on Monday, Wednesday and Friday'],
    ['0 0 1,15 * *', 'at 00:00 on days 1 and 15 of the month'],
    ['0 0 1-7,15 * *', 'at 00:00 on days 1 through 7 and 15 of the month'],
    ['0 0 L * *', 'at 00:00 on the last day of the month'],
    ['0 0 L-1 * *', 'at 00:00 on the 2nd-last day of the month'],
    ['0 0 LW * *', 'at 00:00 on the last weekday of the month'],
    ['0 0 15W * *', 'at 00:00 on the weekday nearest day 15 of the month'],
    ['0 0 1,L * *', 'at 00:00 on day 1 and the last day of the month'],
    ['0 0 * * 5L', 'at 00:00 on the last Friday of the month'],
    ['0 0 * * 5#2', 'at 00:00 on the second Friday of the month'],
    // Both day fields: node-cron requires both, and the reading says so.
    ['0 0 13 * 5', 'at 00:00 on day 13 of the month if it is a Friday'],
    ['0 0 1-7 * 1-5', 'at 00:00 on days 1 through 7 of the month if it falls on Monday through Friday'],
    // Months.
    ['0 0 1 1 *', 'at 00:00 on day 1 of January'],
    ['0 0 * 1-3 *', 'at 00:00 in January through March'],
    ['0 0 * 1,7 *', 'at 00:00 in January and July'],
    ['0 22 * DEC 1-5', 'at 22:00 on Monday through Friday in December'],
    // The field-by-field fallback.
    ['*/7 * * * *', 'at minutes 0, 7, 14, 21, 28, 35, 42, 49 and 56 of every hour'],
    ['0,7,14 1,5,9 * * *', 'at minutes 0, 7 and 14 past hours 1, 5 and 9 every day'],
    ['*/20 22-2 * * *', 'at minutes 0, 20 and 40 past hours 0 through 2, 22 and 23 every day'],
  ])('%s reads "%s"', (expression, text) => {
    expect(describeCron(expression)).toBe(text);
  });

  it('accepts a parsed expression too', () => {
    expect(describeCron(parseCron('0 22 * * 1-5'))).toBe('at 22:00 on Monday through Friday');
  });

  it('throws the parser error for an invalid expression', () => {
    expect(() => describeCron('0 0 * * 8')).toThrow("day-of-week: '8' is out of range 0-7");
  });
});
