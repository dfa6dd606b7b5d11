import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lib/config/index.js';
import { ConfigError } from '../../../lib/errors.js';
import { buildPlan } from '../../../lib/plan/index.js';
import type { Instance } from '../../../lib/volc/types.js';

const HEAD = 'version: 1\nregions: [cn-beijing]\n';

function issues(text: string): string[] {
  try {
    parseConfig(text, 'c.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => `${i.line}:${i.column}: ${i.message}`);
    throw error;
  }
  return [];
}

describe('configuration edge cases', () => {
  it('keeps schedules, calendars and tags named constructor or prototype (names a plain record would drop)', () => {
    const config = parseConfig(
      `${HEAD}calendars:\n  constructor: { base: weekdays }\nschedules:\n  constructor:\n    stop: "0 22 * * *"\n` +
        '    calendar: constructor\n    select:\n      tags: { prototype: dev, constructor: web }\n',
      'c.yaml',
    );
    expect(config.calendars.map((c) => c.name)).toEqual(['constructor']);
    expect(config.schedules.map((s) => [s.name, s.calendar?.stop?.name])).toEqual([
      ['constructor', 'constructor'],
    ]);
    expect(Object.entries(config.schedules[0]!.select.tags)).toEqual([
      ['prototype', 'dev'],
      ['constructor', 'web'],
    ]);
  });

  it('keeps a select tag named __proto__, so the filter still excludes instances without it', () => {
    const config = parseConfig(
      `${HEAD}schedules:\n  a:\n    stop: "0 22 * * *"\n    select:\n      tags: { __proto__: dev }\n`,
      'c.yaml',
    );
    expect(Object.entries(config.schedules[0]!.select.tags)).toEqual([['__proto__', 'dev']]);
    const instance: Instance = {
      InstanceId: 'i-1',
      InstanceName: 'web',
      Status: 'RUNNING',
      InstanceChargeType: 'PostPaid',
      InstanceTypeId: 'ecs.g3i.large',
      ZoneId: 'cn-beijing-a',
      ProjectName: 'default',
      Tags: [{ Key: 'lights-out', Value: 'a' }],
    };
    const fireTime = new Date('2026-03-09T22:00:00Z');
    const plan = buildPlan({
      config,
      fires: [{ schedule: 'a', fireTime, action: 'stop' }],
      instances: [{ region: 'cn-beijing', instance }],
      now: fireTime,
    });
    expect(plan.items.map((i) => [i.decision, i.reason])).toEqual([['skip', 'filter-mismatch']]);
  });

  it.each(['ci-secret', 'nightly-token', 'password-rotation'])(
    'accepts the schedule name %s: a tag value is not a credential',
    (name) => {
      expect(issues(`${HEAD}schedules:\n  ${name}: { stop: "0 22 * * *" }\n`)).toEqual([]);
    },
  );

  it('still refuses a credential-looking key inside a schedule', () => {
    expect(issues(`${HEAD}schedules:\n  a: { stop: "0 22 * * *", secretKey: x }\n`)).toEqual([
      expect.stringMatching(/^4:28: 'secretKey' looks like a credential/),
    ]);
  });

  it.each([
    ['24h', []],
    ['25h', ["3:7: tick must be at most 24h (a timer fires at least daily), got '25h'"]],
    ['999999h', ["3:7: tick must be at most 24h (a timer fires at least daily), got '999999h'"]],
    ['7m', [expect.stringMatching(/^3:7: tick 7m does not divide an hour evenly.*: use 6m or 10m \(/)]],
    ['90m', [expect.stringMatching(/^3:7: tick 90m does not divide a day evenly.*: use 1h or 2h \(/)]],
    ['5h', [expect.stringMatching(/^3:7: tick 5h does not divide a day evenly.*: use 4h or 6h \(/)]],
    ['45m', [expect.stringMatching(/^3:7: tick 45m does not divide an hour evenly.*: use 30m or 1h \(/)]],
    ['120s', []],
    ['8h', []],
  ])('tick %s', (tick, expected) => {
    expect(issues(`${HEAD}tick: ${tick}\nschedules:\n  a: { stop: "0 22 * * *" }\n`)).toEqual(expected);
  });
});
