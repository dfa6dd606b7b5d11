import { describe, expect, it } from 'vitest';
import { CONFIG_DEFAULTS, type Config, parseConfig } from '../../../lib/config/index.js';
import { ConfigError, formatConfigIssue } from '../../../lib/errors.js';
import { issuesOf, yaml } from './issues.js';

const FILE = 'c.yaml';

/** A valid head of a file: lines 1-2; tests append from line 3 on. */
const HEAD = ['version: 1', 'regions: [cn-beijing]'];
/** A valid schedules section: append it last. */
const NIGHTLY = ['schedules:', '  nightly:', '    stop: "30 23 * * *"'];

describe('parseConfig: valid files', () => {
  it('resolves every default for a minimal file', () => {
    const config = parseConfig(yaml(...HEAD, ...NIGHTLY), FILE);
    expect(config).toEqual<Config>({
      file: FILE,
      version: 1,
      regions: ['cn-beijing'],
      allowUnknownRegions: false,
      tagKey: 'lights-out',
      timezone: 'UTC',
      tickMs: 300_000,
      rateLimit: { qps: 10 },
      defaults: {
        stoppedMode: 'auto',
        fallback: 'KeepCharging',
        forceStop: false,
        stopChargingIneligible: ['ecs.i*', 'ecs.d*', 'ecs.ebm*', 'ecs.hpc*'],
      },
      guard: { maxInstancesPerRun: 1000 },
      retry: { baseMs: 200, capMs: 2_000, maxAttempts: 8 },
      listing: { maxInstancesPerRegion: 200_000 },
      verify: { enabled: false, timeoutMs: 120_000, intervalMs: 5_000 },
      calendars: [],
      schedules: [
        {
          name: 'nightly',
          stop: ['30 23 * * *'],
          timezone: 'UTC',
          skipDates: [],
          select: { tags: {} },
          location: { file: FILE, line: 4, column: 3 },
        },
      ],
    });
    expect(config.endpoint).toBeUndefined();
    expect(config.schedules[0]!.stoppedMode).toBeUndefined();
    expect(config.schedules[0]!.forceStop).toBeUndefined();
  });

  it('does not share default arrays between configurations', () => {
    const a = parseConfig(yaml(...HEAD, ...NIGHTLY), FILE);
    a.defaults.stopChargingIneligible.push('ecs.x*');
    const b = parseConfig(yaml(...HEAD, ...NIGHTLY), FILE);
    expect(b.defaults.stopChargingIneligible).toEqual(CONFIG_DEFAULTS.defaults.stopChargingIneligible);
  });

  it('lets a schedule inherit the top-level time zone and override it', () => {
    const config = parseConfig(
      yaml(
        ...HEAD,
        'timezone: Asia/Shanghai',
        'schedules:',
        '  a: { stop: "0 1 * * *" }',
        '  b: { stop: "0 1 * * *", timezone: Europe/Berlin, stoppedMode: KeepCharging, forceStop: true }',
      ),
      FILE,
    );
    expect(config.schedules.map((s) => [s.name, s.timezone, s.stoppedMode, s.forceStop])).toEqual([
      ['a', 'Asia/Shanghai', undefined, undefined],
      ['b', 'Europe/Berlin', 'KeepCharging', true],
    ]);
  });

  it.each<[string, string[], Partial<Config>]>([
    ['tick in hours', ['tick: 1h'], { tickMs: 3_600_000 }],
    ['tick in whole-minute seconds', ['tick: 120s'], { tickMs: 120_000 }],
    ['tick of one minute', ['tick: 1m'], { tickMs: 60_000 }],
    ['a loopback http endpoint', ['endpoint: http://127.0.0.1:8080'], { endpoint: 'http://127.0.0.1:8080' }],
    ['localhost over http', ['endpoint: http://localhost:9000/'], { endpoint: 'http://localhost:9000/' }],
    ['UTC', ['timezone: UTC'], { timezone: 'UTC' }],
    ['an Etc zone', ['timezone: Etc/GMT-8'], { timezone: 'Etc/GMT-8' }],
    ['a fractional qps', ['rateLimit: { qps: 2.5 }'], { rateLimit: { qps: 2.5 } }],
    ['an empty section', ['defaults:', '  # stoppedMode: auto'], { defaults: CONFIG_DEFAULTS.defaults }],
    [
      'partial sections merged with defaults',
      ['retry: { maxAttempts: 3 }', 'verify: { enabled: true }'],
      {
        retry: { baseMs: 200, capMs: 2_000, maxAttempts: 3 },
        verify: { enabled: true, timeoutMs: 120_000, intervalMs: 5_000 },
      },
    ],
    ['a tag key with a slash', ['tagKey: team/lights-out'], { tagKey: 'team/lights-out' }],
    [
      'several regions',
      ['regions: [cn-beijing, ap-southeast-1]'],
      { regions: ['cn-beijing', 'ap-southeast-1'] },
    ],
  ])('accepts %s', (_name, lines, expected) => {
    const head = lines[0]!.startsWith('regions') ? ['version: 1'] : HEAD;
    expect(parseConfig(yaml(...head, ...lines, ...NIGHTLY), FILE)).toMatchObject(expected);
  });

  it('reads every schedule setting, keeping dates as strings', () => {
    const config = parseConfig(
      yaml(
        ...HEAD,
        'schedules:',
        '  office-hours:',
        '    description: Weekday development machines',
        '    stop: ["0 22 * * 1-5", "0 23 * * 6"]',
        '    skipDates: [2028-02-29, 2026-12-31]',
        '    select:',
        '      tags: { env: dev, "team": "a b" }',
        '      projects: [default]',
        '      zones: [cn-beijing-a]',
      ),
      FILE,
    );
    expect(config.schedules[0]).toMatchObject({
      name: 'office-hours',
      description: 'Weekday development machines',
      stop: ['0 22 * * 1-5', '0 23 * * 6'],
      skipDates: ['2028-02-29', '2026-12-31'],
      select: { tags: { env: 'dev', team: 'a b' }, projects: ['default'], zones: ['cn-beijing-a'] },
    });
    expect(typeof config.schedules[0]!.skipDates[0]).toBe('string');
  });

  it.each([
    ['2028-02-29', true],
    ['2000-02-29', true],
    ['2100-02-29', false],
    ['2027-02-29', false],
    ['2026-04-30', true],
    ['2026-04-31', false],
    ['2026-12-31', true],
    ['2026-01-00', false],
  ])('treats the skip date %s as real: %s', (date, real) => {
    const text = yaml(...HEAD, 'schedules:', `  nightly: { stop: "0 1 * * *", skipDates: [${date}] }`);
    if (real) expect(parseConfig(text, FILE).schedules[0]!.skipDates).toEqual([date]);
    else
      expect(issuesOf(text)).toEqual([
        expect.stringMatching(new RegExp(`^c\\.yaml:4:45: invalid date '${date}': `)),
      ]);
  });

  it('follows aliases between schedules', () => {
    const config = parseConfig(
      yaml(
        ...HEAD,
        'schedules:',
        '  a: &body',
        '    stop: "0 1 * * *"',
        '    stoppedMode: auto',
        '  b: *body',
      ),
      FILE,
    );
    expect(config.schedules.map((s) => [s.name, s.stop, s.stoppedMode])).toEqual([
      ['a', ['0 1 * * *'], 'auto'],
      ['b', ['0 1 * * *'], 'auto'],
    ]);
  });
});

describe('parseConfig: one issue per problem, at its node', () => {
  it.each<[string, string[], string[]]>([
    [
      'version 2',
      ['version: 2', 'regions: [cn-beijing]', ...NIGHTLY],
      ['1:10: version must be 1, got number 2'],
    ],
    [
      'version as a string',
      ["version: '1'", ...HEAD.slice(1), ...NIGHTLY],
      ["1:10: version must be 1, got string '1'"],
    ],
    ['no version', [...HEAD.slice(1), ...NIGHTLY], ["1:1: missing required key 'version'"]],
    ['no regions', ['version: 1', ...NIGHTLY], ["1:1: missing required key 'regions'"]],
    ['no schedules', HEAD, ["1:1: missing required key 'schedules'"]],
    [
      'empty regions',
      ['version: 1', 'regions: []', ...NIGHTLY],
      ['2:10: regions must list at least one region'],
    ],
    [
      'regions as a string',
      ['version: 1', 'regions: cn-beijing', ...NIGHTLY],
      ["2:10: expected a list, got string 'cn-beijing'"],
    ],
    [
      'a region that is not an id',
      ['version: 1', 'regions: [cn-beijing, Shanghai]', ...NIGHTLY],
      ["2:23: invalid region id 'Shanghai' (expected lowercase like cn-beijing)"],
    ],
    [
      'a repeated region',
      ['version: 1', 'regions: [cn-beijing, cn-beijing]', ...NIGHTLY],
      ["2:23: duplicate region 'cn-beijing'"],
    ],
    [
      'http off loopback',
      [...HEAD, 'endpoint: http://example.com', ...NIGHTLY],
      [
        "3:11: endpoint may use http:// only on a loopback host (localhost, 127.0.0.1, [::1]), got 'http://example.com'",
      ],
    ],
    [
      'an ftp endpoint',
      [...HEAD, 'endpoint: ftp://example.com', ...NIGHTLY],
      ["3:11: endpoint must be an https:// URL, got 'ftp://example.com'"],
    ],
    [
      'an endpoint that is no URL',
      [...HEAD, 'endpoint: open.volcengineapi.com', ...NIGHTLY],
      ["3:11: expected a URL like https://open.volcengineapi.com, got string 'open.volcengineapi.com'"],
    ],
    [
      'an endpoint with a query',
      [...HEAD, 'endpoint: https://example.com/?a=b', ...NIGHTLY],
      ['3:11: endpoint must not have a query or a fragment'],
    ],
    ['an empty tag key', [...HEAD, 'tagKey: ""', ...NIGHTLY], ['3:9: tagKey must not be empty']],
    [
      'a long tag key',
      [...HEAD, `tagKey: ${'k'.repeat(129)}`, ...NIGHTLY],
      ['3:9: tagKey must be at most 128 characters, got 129'],
    ],
    [
      'a tag key ending with a colon',
      [...HEAD, 'tagKey: "team:"', ...NIGHTLY],
      ["3:9: tagKey must not end with ':', got 'team:'"],
    ],
    [
      'a reserved tag key',
      [...HEAD, 'tagKey: "SYS:x"', ...NIGHTLY],
      ["3:9: tagKey must not start with 'volc:' or 'sys:' (reserved for system tags), got 'SYS:x'"],
    ],
    [
      'a misspelt time zone',
      [...HEAD, 'timezone: Europe/Berln', ...NIGHTLY],
      ["3:11: unknown time zone 'Europe/Berln' (did you mean 'Europe/Berlin'?)"],
    ],
    [
      'an offset time zone',
      [...HEAD, 'timezone: "+08:00"', ...NIGHTLY],
      ["3:11: unknown time zone '+08:00' (expected an IANA name like Asia/Shanghai or UTC)"],
    ],
    [
      'a tick under a minute',
      [...HEAD, 'tick: 30s', ...NIGHTLY],
      ["3:7: tick must be at least 1m, got '30s'"],
    ],
    ['a tick of zero', [...HEAD, 'tick: 0m', ...NIGHTLY], ["3:7: tick must be at least 1m, got '0m'"]],
    [
      'a tick in part minutes',
      [...HEAD, 'tick: 150s', ...NIGHTLY],
      ["3:7: tick must be a whole number of minutes, got '150s'"],
    ],
    [
      'a tick in words',
      [...HEAD, 'tick: 5 minutes', ...NIGHTLY],
      ["3:7: expected a duration like 5m, 90s or 1h, got string '5 minutes'"],
    ],
    [
      'a bare number tick',
      [...HEAD, 'tick: 5', ...NIGHTLY],
      ['3:7: expected a duration like 5m, 90s or 1h, got number 5'],
    ],
    [
      'qps zero',
      [...HEAD, 'rateLimit: { qps: 0 }', ...NIGHTLY],
      ['3:19: expected a positive number, got number 0'],
    ],
    [
      'qps infinite',
      [...HEAD, 'rateLimit: { qps: .inf }', ...NIGHTLY],
      ['3:19: expected a positive number, got number Infinity'],
    ],
    [
      'a stopped mode in the wrong case',
      [...HEAD, 'defaults: { stoppedMode: stopcharging }', ...NIGHTLY],
      [
        "3:26: expected one of auto, StopCharging, KeepCharging, got string 'stopcharging' (did you mean 'StopCharging'?)",
      ],
    ],
    [
      'an unknown fallback',
      [...HEAD, 'defaults: { fallback: retry }', ...NIGHTLY],
      ["3:23: expected one of KeepCharging, none, got string 'retry'"],
    ],
    [
      'yes for a boolean',
      [...HEAD, 'defaults: { forceStop: yes }', ...NIGHTLY],
      ["3:24: expected a boolean, got string 'yes'"],
    ],
    [
      'a bad instance type pattern',
      [...HEAD, 'defaults: { stopChargingIneligible: ["ecs g1"] }', ...NIGHTLY],
      ["3:38: invalid instance type pattern 'ecs g1' (letters, digits, '.', '-', '_' and the wildcard '*')"],
    ],
    [
      'a zero guard',
      [...HEAD, 'guard: { maxInstancesPerRun: 0 }', ...NIGHTLY],
      ['3:30: expected a positive integer, got number 0'],
    ],
    [
      'a fractional guard',
      [...HEAD, 'guard: { maxInstancesPerRun: 2.5 }', ...NIGHTLY],
      ['3:30: expected a positive integer, got number 2.5'],
    ],
    [
      'a backoff cap under the default base',
      [...HEAD, 'retry: { capMs: 100 }', ...NIGHTLY],
      ['3:17: capMs must be at least baseMs (200), got 100'],
    ],
    [
      'no attempts',
      [...HEAD, 'retry: { maxAttempts: 0 }', ...NIGHTLY],
      ['3:23: expected a positive integer, got number 0'],
    ],
    [
      'a zero listing bound',
      [...HEAD, 'listing: { maxInstancesPerRegion: 0 }', ...NIGHTLY],
      ['3:35: expected a positive integer, got number 0'],
    ],
    [
      'a misspelt listing bound',
      [...HEAD, 'listing: { maxInstancePerRegion: 10 }', ...NIGHTLY],
      ["3:12: unknown key 'maxInstancePerRegion' (did you mean 'maxInstancesPerRegion'?)"],
    ],
    [
      'a poll interval over the timeout',
      [...HEAD, 'verify: { timeoutMs: 1000, intervalMs: 2000 }', ...NIGHTLY],
      ['3:22: timeoutMs must be at least intervalMs (2000), got 1000'],
    ],
    [
      'a misspelt top-level key',
      [...HEAD, 'tagkey: x', ...NIGHTLY],
      ["3:1: unknown key 'tagkey' (did you mean 'tagKey'?)"],
    ],
    [
      'an unknown top-level key',
      [...HEAD, 'colour: blue', ...NIGHTLY],
      [
        "3:1: unknown key 'colour' (expected one of: version, regions, allowUnknownRegions, endpoint, tagKey, timezone, tick, rateLimit, defaults, guard, retry, listing, verify, calendars, schedules, notify, prices, inline)",
      ],
    ],
    ['a number as a key', [...HEAD, '7: x', ...NIGHTLY], ['3:1: expected a string key, got number 7']],
    [
      'a key given twice',
      [...HEAD, 'tick: 5m', 'tick: 10m', ...NIGHTLY],
      ["4:1: duplicate key 'tick' (first defined at line 3)"],
    ],
    [
      'no schedules in the section',
      [...HEAD, 'schedules: {}'],
      ['3:12: schedules must define at least one schedule'],
    ],
    ['schedules as a list', [...HEAD, 'schedules: [nightly]'], ['3:12: expected a mapping, got a list']],
    [
      'a schedule name with capitals',
      [...HEAD, 'schedules:', '  Nightly: { stop: "0 1 * * *" }'],
      [
        "4:3: invalid schedule name 'Nightly' (lowercase letters, digits and '-', starting with a letter or digit: it is the tag value)",
      ],
    ],
    [
      'a schedule name starting with a dash',
      [...HEAD, 'schedules:', '  -x: { stop: "0 1 * * *" }'],
      [
        "4:3: invalid schedule name '-x' (lowercase letters, digits and '-', starting with a letter or digit: it is the tag value)",
      ],
    ],
    [
      'a schedule name over 63 characters',
      [...HEAD, 'schedules:', `  ${'a'.repeat(64)}: { stop: "0 1 * * *" }`],
      [`4:3: schedule name '${'a'.repeat(40)}…' is longer than 63 characters`],
    ],
    [
      'a schedule name used twice',
      [...HEAD, ...NIGHTLY, '  nightly:', '    stop: "0 1 * * *"'],
      ["6:3: duplicate schedule name 'nightly' (first defined at line 4)"],
    ],
    [
      'a schedule without stop',
      [...HEAD, 'schedules:', '  nightly:', '    description: x'],
      ["4:3: missing required key 'stop' or 'start' (a schedule needs at least one of them)"],
    ],
    [
      'a schedule with no body',
      [...HEAD, 'schedules:', '  nightly:'],
      ["4:3: missing required key 'stop' or 'start' (a schedule needs at least one of them)"],
    ],
    [
      'a schedule that is a list',
      [...HEAD, 'schedules:', '  nightly: ["0 1 * * *"]'],
      ['4:12: expected a mapping, got a list'],
    ],
    [
      'an empty stop list',
      [...HEAD, 'schedules:', '  nightly: { stop: [] }'],
      ['4:20: stop must list at least one cron expression'],
    ],
    [
      'a number for stop',
      [...HEAD, 'schedules:', '  nightly: { stop: 5 }'],
      ['4:20: expected a cron expression or a list of them, got number 5'],
    ],
    [
      'a number in a stop list',
      [...HEAD, 'schedules:', '  nightly: { stop: ["0 1 * * *", 5] }'],
      ['4:34: expected a cron expression, got number 5'],
    ],
    [
      'an impossible skip date',
      [...HEAD, 'schedules:', '  nightly: { stop: "0 1 * * *", skipDates: [2027-02-29] }'],
      ["4:45: invalid date '2027-02-29': 2027-02 has 28 days"],
    ],
    [
      'a skip date without leading zeros',
      [...HEAD, 'schedules:', '  nightly: { stop: "0 1 * * *", skipDates: [2027-2-1] }'],
      ["4:45: expected a date YYYY-MM-DD, got string '2027-2-1'"],
    ],
    [
      'a timestamp tag on a skip date',
      [...HEAD, 'schedules:', '  nightly: { stop: "0 1 * * *", skipDates: [!!timestamp 2027-01-01] }'],
      ['4:45: YAML tags are not supported: Unresolved tag: tag:yaml.org,2002:timestamp'],
    ],
    [
      'a number as a tag value',
      [...HEAD, 'schedules:', '  nightly: { stop: "0 1 * * *", select: { tags: { tier: 2 } } }'],
      ["4:57: expected a string, got number 2 (quote it: '2')"],
    ],
    [
      'an empty zone list',
      [...HEAD, 'schedules:', '  nightly: { stop: "0 1 * * *", select: { zones: [] } }'],
      ['4:50: zones must not be empty (leave it out to match every zone)'],
    ],
    [
      'a misspelt select key',
      [...HEAD, 'schedules:', '  nightly: { stop: "0 1 * * *", select: { project: [a] } }'],
      ["4:43: unknown key 'project' (did you mean 'projects'?)"],
    ],
    [
      'a number as a description',
      [...HEAD, 'schedules:', '  nightly: { stop: "0 1 * * *", description: 7 }'],
      ['4:46: expected a string, got number 7'],
    ],
    ['a list at the top', ['- version: 1'], ['1:1: expected a mapping, got a list']],
    [
      'an empty file',
      ['# nothing here'],
      ['1:1: the file is empty: expected a mapping with version, regions and schedules'],
    ],
    [
      'an unknown YAML tag',
      [...HEAD, 'tagKey: !secret x', ...NIGHTLY],
      ['3:9: YAML tags are not supported: Unresolved tag: !secret'],
    ],
    [
      'an alias without an anchor',
      [...HEAD, 'tagKey: *key', ...NIGHTLY],
      ["3:9: alias '*key' has no anchor '&key' before it"],
    ],
  ])('reports %s', (_name, lines, expected) => {
    expect(issuesOf(yaml(...lines))).toEqual(expected.map((issue) => `${FILE}:${issue}`));
  });

  it('reports an invalid cron expression with the parser reason', () => {
    const issues = issuesOf(yaml(...HEAD, 'schedules:', '  nightly:', '    stop: "0 25 * * *"'));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^c\.yaml:5:11: invalid cron expression '0 25 \* \* \*': .*hour/);
  });

  it.each(['0 0 22 * * *', '0 22 * *', '@every 5m', 'not cron'])(
    'refuses the cron expression %j',
    (expression) => {
      const issues = issuesOf(
        yaml(...HEAD, 'schedules:', '  nightly:', `    stop: ${JSON.stringify(expression)}`),
      );
      expect(issues).toHaveLength(1);
      expect(issues[0]!.startsWith(`c.yaml:5:11: invalid cron expression '${expression}': `)).toBe(true);
    },
  );
});

describe('parseConfig: every issue at once', () => {
  it('reports five distinct problems as five issues, in file order', () => {
    const text = yaml(
      'version: 3',
      'regions: [cn-beijing]',
      'tick: 2m30s',
      'defaults: { forceStop: "no" }',
      'schedules:',
      '  nightly:',
      '    stop: "30 23 * * *"',
      '    skipDates: [2026-02-31]',
      '  weekend:',
      '    description: no stop time',
    );
    expect(issuesOf(text)).toEqual([
      'c.yaml:1:10: version must be 1, got number 3',
      "c.yaml:3:7: expected a duration like 5m, 90s or 1h, got string '2m30s'",
      "c.yaml:4:24: expected a boolean, got string 'no'",
      "c.yaml:8:17: invalid date '2026-02-31': 2026-02 has 28 days",
      "c.yaml:9:3: missing required key 'stop' or 'start' (a schedule needs at least one of them)",
    ]);
  });

  it('carries every issue on the ConfigError, and its message lists them one per line', () => {
    const error = (() => {
      try {
        parseConfig(yaml('version: 2', 'regions: []', 'schedules: {}'), FILE);
      } catch (e) {
        return e;
      }
    })() as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.code).toBe('ConfigInvalid');
    expect(error.issues.map((i) => [i.file, i.line, i.column])).toEqual([
      [FILE, 1, 10],
      [FILE, 2, 10],
      [FILE, 3, 12],
    ]);
    expect(error.message.split('\n')).toEqual(error.issues.map(formatConfigIssue));
  });
});

describe('parseConfig: no follow-on issues', () => {
  it('does not compare a setting that was already reported', () => {
    expect(issuesOf(yaml(...HEAD, 'retry: { baseMs: -5, capMs: 100 }', ...NIGHTLY))).toEqual([
      'c.yaml:3:18: expected a positive integer, got number -5',
    ]);
  });

  it('reports a schedule with a bad name and a bad body once per problem', () => {
    expect(issuesOf(yaml(...HEAD, 'schedules:', '  Bad: { stop: "0 1 * * *", forceStop: 1 }'))).toEqual([
      "c.yaml:4:3: invalid schedule name 'Bad' (lowercase letters, digits and '-', starting with a letter or digit: it is the tag value)",
      'c.yaml:4:40: expected a boolean, got number 1',
    ]);
  });
});
