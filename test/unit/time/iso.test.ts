import { describe, expect, it } from 'vitest';
import {
  calendarDateProblem,
  daysInMonth,
  nextCalendarDate,
  parseIsoDate,
  parseIsoDateOrInstant,
  parseIsoInstant,
} from '../../../lib/time/index.js';

describe('parseIsoInstant', () => {
  it.each([
    ['2026-03-06T22:00Z', '2026-03-06T22:00:00.000Z'],
    ['2026-03-06T22:00:00.250Z', '2026-03-06T22:00:00.250Z'],
    ['2026-03-06T22:00:00.0005Z', '2026-03-06T22:00:00.001Z'],
    ['2026-03-06T22:00:00+08:00', '2026-03-06T14:00:00.000Z'],
    ['2026-03-06T22:00:00-05:30', '2026-03-07T03:30:00.000Z'],
    ['0099-01-01T00:00:00Z', '0099-01-01T00:00:00.000Z'],
  ])('%s is %s', (text, iso) => {
    expect(parseIsoInstant(text)?.toISOString()).toBe(iso);
  });

  it.each([
    '2026-03-06T22:00:00',
    '2026-03-06',
    '2026-02-29T00:00Z',
    '2026-03-06T24:00Z',
    '2026-03-06T12:60Z',
    '2026-03-06T12:00+24:00',
    '2026-03-06 12:00Z',
    'tomorrow',
  ])('refuses %j', (text) => {
    expect(parseIsoInstant(text)).toBeUndefined();
  });
});

describe('parseIsoDate and the calendar', () => {
  it.each([
    ['2028-02-29', { year: 2028, month: 2, day: 29 }],
    ['2026-12-31', { year: 2026, month: 12, day: 31 }],
  ])('%s is a date', (text, date) => {
    expect(parseIsoDate(text)).toEqual(date);
    expect(parseIsoDateOrInstant(text)).toEqual({ kind: 'date', date });
  });

  it.each(['2026-02-29', '2100-02-29', '2026-13-01', '2026-04-31', '2026-3-9'])('refuses %s', (text) => {
    expect(parseIsoDate(text)).toBeUndefined();
  });

  it.each([
    [{ year: 2026, month: 2, day: 30 }, '2026-02 has 28 days'],
    [{ year: 2026, month: 13, day: 1 }, 'there is no month 13'],
    [{ year: 2000, month: 2, day: 29 }, undefined],
  ])('calendarDateProblem(%j) is %j', (date, problem) => {
    expect(calendarDateProblem(date)).toBe(problem);
  });

  it('rolls months and years over', () => {
    expect(nextCalendarDate({ year: 2026, month: 12, day: 31 })).toEqual({ year: 2027, month: 1, day: 1 });
    expect(nextCalendarDate({ year: 2028, month: 2, day: 28 })).toEqual({ year: 2028, month: 2, day: 29 });
    expect(daysInMonth(1900, 2)).toBe(28);
  });
});
