import { describe, expect, it } from 'vitest';
import {
  type InlineDefaults,
  type InlineValue,
  normaliseInlineValue,
  parseDays,
  parseInlineValue,
  resolveInlineZone,
} from '../../../lib/schedule/index.js';

const DEFAULTS: InlineDefaults = { timezone: 'Asia/Shanghai', off: 19, on: 7, days: 'm-f' };
const WEEKDAYS = [1, 2, 3, 4, 5];

/** A compact view of a parse: `off`/`on` as `days@hour` lists, the zone, or the kind. */
function view(value: InlineValue): unknown {
  if (value.kind !== 'schedule') return value.kind;
  const specs = (list: typeof value.off) => list.map((s) => `${s.days.join('')}@${s.hour}`);
  return { off: specs(value.off), on: specs(value.on), tz: value.timezone };
}

describe('normaliseInlineValue', () => {
  it.each([
    ['off=(M-F,19);on=(M-F,7)', 'off=(m-f,19);on=(m-f,7)'],
    ["'off=(m-f,19)'", 'off=(m-f,19)'],
    ['"off=(m-f,19)"', 'off=(m-f,19)'],
    [`"'off=(m-f,19)'"`, "'off=(m-f,19)'"],
    ['off=(m-f,19);;tz=pt;', 'off=(m-f,19);tz=pt'],
    [';;', ''],
    ['offu3du28m-f,19u29', 'off=(m-f,19)'],
    ['OFFU3DU5BU28M-F,19U29U2CU28U,10U29U5D', 'off=[(m-f,19),(u,10)]'],
    ['off=(m-f,19)u3btz=pt', 'off=(m-f,19);tz=pt'],
    ['tz=europe/budapest', 'tz=europe/budapest'],
  ])('%j normalises to %j', (raw, expected) => {
    expect(normaliseInlineValue(raw)).toBe(expected);
  });
});

describe('parseInlineValue: values that schedule', () => {
  const weekdays19 = `${WEEKDAYS.join('')}@19`;
  const weekdays7 = `${WEEKDAYS.join('')}@7`;
  it.each<[string, unknown]>([
    ['off=(m-f,19);tz=et', { off: [weekdays19], on: [weekdays7], tz: 'America/New_York' }],
    ['off=(M-F,19);on=(M-F,7);tz=pt', { off: [weekdays19], on: [weekdays7], tz: 'America/Los_Angeles' }],
    ['off=(m-f,22)', { off: [`${WEEKDAYS.join('')}@22`], on: [weekdays7], tz: 'Asia/Shanghai' }],
    ['on=(m-f,8)', { off: [weekdays19], on: [`${WEEKDAYS.join('')}@8`], tz: 'Asia/Shanghai' }],
    [
      'off=[(m-f,21),(u,18)];on=[(m-f,6),(u,10)]',
      { off: ['12345@21', '0@18'], on: ['12345@6', '0@10'], tz: 'Asia/Shanghai' },
    ],
    ['off=[(m-f,19)]', { off: [weekdays19], on: [weekdays7], tz: 'Asia/Shanghai' }],
    ['off=(m-f,19),(s,12)', { off: [weekdays19, '6@12'], on: [weekdays7], tz: 'Asia/Shanghai' }],
    ['off=(f-m,20)', { off: ['5601@20'], on: [weekdays7], tz: 'Asia/Shanghai' }],
    ['off=(s-u,0)', { off: ['60@0'], on: [weekdays7], tz: 'Asia/Shanghai' }],
    ['off=(h,23)', { off: ['4@23'], on: [weekdays7], tz: 'Asia/Shanghai' }],
    ['off=(m-u,1)', { off: ['1234560@1'], on: [weekdays7], tz: 'Asia/Shanghai' }],
    ['off=(w-w,5)', { off: ['3@5'], on: [weekdays7], tz: 'Asia/Shanghai' }],
    ['off=(m-f,019)', { off: [weekdays19], on: [weekdays7], tz: 'Asia/Shanghai' }],
    ['off=(m-f,19);tz=', { off: [weekdays19], on: [weekdays7], tz: 'Asia/Shanghai' }],
    ['off=(m-f,19);tz=America/Chicago', { off: [weekdays19], on: [weekdays7], tz: 'America/Chicago' }],
    ['off=(m-f,19);tz=asia/shanghai', { off: [weekdays19], on: [weekdays7], tz: 'Asia/Shanghai' }],
    // A legacy alias of the zone database names one zone: it resolves to the current name.
    ['off=(m-f,19);tz=us/eastern', { off: [weekdays19], on: [weekdays7], tz: 'America/New_York' }],
    ['offu3du28m-f,19u29u3btzu3dpt', { off: [weekdays19], on: [weekdays7], tz: 'America/Los_Angeles' }],
    ["'off=(m-f,19);tz=jst'", { off: [weekdays19], on: [weekdays7], tz: 'Asia/Tokyo' }],
    ['off=(m-f,19);;', { off: [weekdays19], on: [weekdays7], tz: 'Asia/Shanghai' }],
    // No off= or on=: only the keys are checked, and the defaults apply (in the tz= zone when given).
    ['', { off: [weekdays19], on: [weekdays7], tz: 'Asia/Shanghai' }],
    ['on', { off: [weekdays19], on: [weekdays7], tz: 'Asia/Shanghai' }],
    ['yes please', { off: [weekdays19], on: [weekdays7], tz: 'Asia/Shanghai' }],
    ['tz=pt', { off: [weekdays19], on: [weekdays7], tz: 'America/Los_Angeles' }],
    ['tz=sgt;whatever', { off: [weekdays19], on: [weekdays7], tz: 'Asia/Singapore' }],
  ])('%j', (raw, expected) => {
    expect(view(parseInlineValue(raw, DEFAULTS))).toEqual(expected);
  });

  it('marks what came from the defaults', () => {
    const value = parseInlineValue('off=(m-f,19)', DEFAULTS);
    expect(value.kind === 'schedule' && value.fromDefaults).toEqual({ off: false, on: true, timezone: true });
  });

  it('gives no start when the value has no on= and default starts are off', () => {
    expect(view(parseInlineValue('off=(m-f,19)', { ...DEFAULTS, on: null }))).toEqual({
      off: [`${WEEKDAYS.join('')}@19`],
      on: [],
      tz: 'Asia/Shanghai',
    });
  });

  it('uses the configured default days and hours', () => {
    expect(view(parseInlineValue('', { timezone: 'UTC', off: 22, on: 6, days: 's-u' }))).toEqual({
      off: ['60@22'],
      on: ['60@6'],
      tz: 'UTC',
    });
  });
});

describe('parseInlineValue: opting out', () => {
  it.each(['off', 'OFF', "'off'", '"Off"', 'off;', ';off;'])('%j opts out', (raw) => {
    expect(parseInlineValue(raw, DEFAULTS).kind).toBe('opt-out');
  });
});

describe('parseInlineValue: values that are refused', () => {
  it.each<[string, RegExp]>([
    ['off=(m-f,24)', /hour 24 is not 0 to 23/],
    ['off=(m-f,-1)', /hour '-1' is not a number/],
    ['off=(m-f,7pm)', /hour '7pm' is not a number/],
    ['off=(m-f, 19)', /hour ' 19' is not a number/],
    ['off=(x-f,19)', /'x-f' is not a day/],
    ['off=(mon-fri,19)', /'mon-fri' is not a day/],
    ['off=(m-x-f,19)', /'m-x-f' is not a day/],
    ['off=(m-,19)', /'m-' is not a day/],
    ['off=(,19)', /'' is not a day/],
    ['off=(m-f)', /is not \(days,hour\)/],
    ['off=(m-f,19,20)', /is not \(days,hour\)/],
    ['off=', /is not \(days,hour\)/],
    ['off=[]', /is not \(days,hour\)/],
    ['off=(m-f,19);x', /'x' is not key=value/],
    ['off=(m-f,19); tz=pt', /unknown key ' tz'/],
    ['off=(m-f,19) on=(m-f,7)', /is not key=value/],
    ['off=(m-f,19);foo=bar', /unknown key 'foo'/],
    ['tz=pt;foo=bar', /unknown key 'foo'/],
    ['off=(m-f,19);off=(s,10)', /off= is given twice/],
    ['off=(m-f,19);tz=mars/olympus', /unknown time zone 'mars\/olympus'/],
    ['tz=nowhere', /unknown time zone 'nowhere'/],
    ['off=(m-f,19);tz=+08:00', /unknown time zone/],
    // Beyond Custodian's aliases, no abbreviation: the message names the zones it probably means.
    ['off=(m-f,19);tz=cct', /'cct' is an abbreviation, not a time zone \(did you mean 'Asia\/Shanghai'\?\)/],
    ['off=(m-f,19);tz=asia/shangai', /unknown time zone 'asia\/shangai' \(did you mean 'Asia\/Shanghai'\?\)/],
    ['off=(m-f,19);tz=cst', /America\/Chicago.*Asia\/Shanghai/],
    ['tz=cst', /ambiguous/],
    ['off=(m-f,19);tz=ist', /Europe\/Dublin.*Asia\/Kolkata/],
    ['off=(m-f,19);on=(f,19)', /both fire at 19:00/],
    ['off=(m-f,19);on=garbage', /on=garbage/],
  ])('%j is invalid (%s)', (raw, reason) => {
    const value = parseInlineValue(raw, DEFAULTS);
    expect(value.kind).toBe('invalid');
    expect(value.kind === 'invalid' && value.reason).toMatch(reason);
  });
});

describe('parseDays', () => {
  it.each<[string, number[]]>([
    ['m', [1]],
    ['u', [0]],
    ['h', [4]],
    ['m-f', [1, 2, 3, 4, 5]],
    ['f-m', [5, 6, 0, 1]],
    ['u-s', [0, 1, 2, 3, 4, 5, 6]],
    ['s-s', [6]],
  ])('%j is %j', (text, days) => {
    expect(parseDays(text)).toEqual(days);
  });

  it.each(['', 'mf', 'x', 'm-f-s', 'M-F', 'mo'])('%j is not days', (text) => {
    expect(typeof parseDays(text)).toBe('string');
  });
});

describe('resolveInlineZone', () => {
  it.each<[string, string]>([
    ['et', 'America/New_York'],
    ['est', 'America/New_York'],
    ['pt', 'America/Los_Angeles'],
    ['ct', 'America/Chicago'],
    ['mt', 'America/Denver'],
    ['at', 'America/Phoenix'],
    ['gmt', 'Etc/GMT'],
    ['bst', 'Europe/London'],
    ['cet', 'Europe/Berlin'],
    ['it', 'Asia/Kolkata'],
    ['jst', 'Asia/Tokyo'],
    ['kst', 'Asia/Seoul'],
    ['aet', 'Australia/Sydney'],
    ['brt', 'America/Sao_Paulo'],
    ['asia/shanghai', 'Asia/Shanghai'],
    ['europe/budapest', 'Europe/Budapest'],
  ])('%j is %s', (alias, zone) => {
    expect(resolveInlineZone(alias)).toEqual({ ok: true, zone });
  });

  it.each(['cst', 'ist', 'nowhere', '+08:00', ''])('%j is refused', (value) => {
    expect(resolveInlineZone(value).ok).toBe(false);
  });
});
