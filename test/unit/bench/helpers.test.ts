import { describe, expect, it } from 'vitest';
import { lowerBoundMs, median, minimumCalls, optimumCalls, spread } from '../../../bench/bound.js';
import { countAccepted, countCalls, listingChainMs } from '../../../bench/emulator.js';
import { BENCH_REGIONS, BENCH_SCHEDULE, BENCH_TAG_KEY, benchInstances } from '../../../bench/fleet.js';
import { checkTargets, renderMarkdown } from '../../../bench/report.js';
import { benchConfigYaml } from '../../../bench/scenario.js';
import { casesOf } from '../../../bench/suite.js';
import { CONFIG_DEFAULTS, parseConfig } from '../../../lib/config/index.js';
import { parseFleet } from '../../../lib/emulator/index.js';

describe('optimumCalls', () => {
  it.each([
    [0, 0],
    [1, 1],
    [100, 1],
    [101, 2],
    [1_000, 10],
    [50_000, 500],
  ])('%i instances take %i calls of each action', (instances, calls) => {
    expect(optimumCalls(instances)).toBe(calls);
  });
});

describe('minimumCalls', () => {
  it('is the optimum without faults', () => {
    expect(minimumCalls(1_001)).toEqual({ describe: 11, stop: 11 });
  });

  it('sends each request 1 / (1 - q) times and each instance 1 / (1 - p) times under faults', () => {
    const calls = minimumCalls(1_000, { flowLimitPerInstance: 0.5, flowLimitPerRequest: 0.2 });
    expect(calls.describe).toBeCloseTo(10 / 0.8);
    expect(calls.stop).toBeCloseTo(10 / 0.5 / 0.8);
  });

  it('never finishes when every request or instance is refused', () => {
    expect(minimumCalls(10, { flowLimitPerRequest: 1 }).stop).toBe(Infinity);
  });
});

describe('lowerBoundMs', () => {
  it("overlaps listing and stopping: the slower action's calls / rate, plus one page latency", () => {
    expect(lowerBoundMs({ instancesPerRegion: [1_000], qps: 20, latencyMs: 30 })).toBe(530);
    // 30% of instances refused: 10 / 0.7 stop calls outweigh the 10 pages.
    expect(
      lowerBoundMs({
        instancesPerRegion: [1_000],
        qps: 20,
        latencyMs: 30,
        faults: { flowLimitPerInstance: 0.3 },
      }),
    ).toBeCloseTo((10 / 0.7 / 20) * 1000 + 30, 6);
  });

  it('takes the slowest region, since regions have quotas of their own', () => {
    expect(lowerBoundMs({ instancesPerRegion: [250, 250, 250, 201], qps: 20, latencyMs: 30 })).toBe(180);
  });

  it('counts one call per instance for the per-instance baseline', () => {
    expect(lowerBoundMs({ instancesPerRegion: [1_000], qps: 20, latencyMs: 30, idsPerStopCall: 1 })).toBe(
      // 1,000 stop calls at 20/s (the 10 pages go alongside), plus one latency
      50_000 + 30,
    );
  });

  it('is 0 for an empty fleet', () => {
    expect(lowerBoundMs({ instancesPerRegion: [0], qps: 20, latencyMs: 30 })).toBe(0);
  });
});

describe('spread and median', () => {
  it('splits evenly, the first regions taking the remainder', () => {
    expect(spread(10, 4)).toEqual([3, 3, 2, 2]);
    expect(spread(50_000, 4)).toEqual([12_500, 12_500, 12_500, 12_500]);
  });

  it.each([
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[], Number.NaN],
  ])('median of %j is %d', (values, expected) => {
    expect(median(values)).toEqual(expected);
  });
});

describe('the benchmark fleet and configuration', () => {
  it('is a valid fleet of running, tagged, eligible instances spread over the regions', () => {
    const fleet = parseFleet(JSON.stringify({ instances: benchInstances(10, 4) }), 'bench.json');
    expect(fleet.instances).toHaveLength(10);
    expect(new Set(fleet.instances.map((i) => i.InstanceId)).size).toBe(10);
    expect(fleet.instances.filter((i) => i.Region === BENCH_REGIONS[0])).toHaveLength(3);
    for (const instance of fleet.instances) {
      expect(instance).toMatchObject({
        Status: 'RUNNING',
        InstanceChargeType: 'PostPaid',
        Tags: [{ Key: BENCH_TAG_KEY, Value: BENCH_SCHEDULE }],
      });
      expect(instance.InstanceId).toHaveLength(22);
    }
  });

  it('refuses a region count the benchmark has no regions for', () => {
    expect(() => benchInstances(10, 5)).toThrow(RangeError);
  });

  it('builds a configuration that validates, with the quota as the client rate', () => {
    const config = parseConfig(
      benchConfigYaml({ regions: ['cn-beijing', 'cn-shanghai'], qps: 20 }),
      'b.yaml',
    );
    expect(config.rateLimit.qps).toBe(20);
    expect(config.regions).toEqual(['cn-beijing', 'cn-shanghai']);
    expect(config.schedules.map((s) => s.name)).toEqual([BENCH_SCHEDULE]);
    // The shipped defaults shape the run's time: the bench sets only the guard and the rate.
    expect(config.retry).toEqual(CONFIG_DEFAULTS.retry);
  });
});

describe('countCalls', () => {
  it('counts calls, 429 answers and other failures per action', () => {
    expect(
      countCalls([
        { action: 'StopInstances', httpStatus: 200 },
        { action: 'StopInstances', httpStatus: 429 },
        { action: 'StopInstances', httpStatus: 500 },
        { action: 'DescribeInstances', httpStatus: 200 },
      ]),
    ).toEqual({
      StopInstances: { calls: 3, throttled: 1, failed: 1 },
      DescribeInstances: { calls: 1, throttled: 0, failed: 0 },
    });
  });
});

describe('listingChainMs', () => {
  const page = (region: string, ms: number, params: Record<string, string> = {}) => ({
    action: 'DescribeInstances',
    region,
    time: new Date(Date.UTC(2026, 0, 1) + ms).toISOString(),
    params,
  });

  it("is the slowest region's pages times the median gap between them, leaving look-ups and other actions out", () => {
    const calls = [
      // cn-beijing: 4 pages 40 ms apart (one gap longer), a look-up by ID between them.
      ...[0, 40, 80, 200].map((ms) => page('cn-beijing', ms)),
      page('cn-beijing', 50, { 'InstanceIds.1': 'i-1' }),
      // cn-shanghai: 2 pages 30 ms apart; StopInstances does not count.
      page('cn-shanghai', 10),
      page('cn-shanghai', 40),
      { action: 'StopInstances', region: 'cn-shanghai', time: new Date(0).toISOString(), params: {} },
    ];
    expect(listingChainMs(calls)).toBe(4 * 40);
  });

  it('is 0 without two pages in any region', () => {
    expect(listingChainMs([page('cn-beijing', 0)])).toBe(0);
    expect(listingChainMs([])).toBe(0);
  });
});

describe('renderMarkdown', () => {
  const run = (over: Record<string, unknown>) => ({
    fleet: { instances: 1_000, regions: 1 },
    approach: 'lights-out' as const,
    withFaults: false,
    faultCase: 'none',
    faults: {},
    qps: 20,
    timeLimitMs: 30_000,
    optimumCalls: 10,
    boundMs: 1_060,
    listingChainMs: 1_500,
    server: {
      DescribeInstances: { calls: 10, throttled: 0, failed: 0 },
      StopInstances: { calls: 10, throttled: 0, failed: 0 },
    },
    client: {
      wallMs: 2_120,
      apiCalls: {},
      retries: 0,
      stopped: 1_000,
      failed: 0,
      deadlineFailures: 0,
      rssBeforeBytes: 2 ** 26,
      peakRssBytes: 2 ** 27,
      cpuMs: 1_500,
    },
    accepted: { once: 1_000, more: 0, never: 0 },
    timeOverBound: 2,
    ...over,
  });
  const results = {
    command: 'npm run bench',
    date: '2026-01-01T00:00:00.000Z',
    machine: { cpus: 2, cpuModel: 'Test CPU', memoryBytes: 2 ** 30, node: 'v20.20.0', os: 'linux 6' },
    settings: {
      qps: 20,
      latencyMs: 30,
      faults: { flowLimitPerInstance: 0.3, flowLimitPerRequest: 0.1 },
      baselineInFlight: 10,
      timeLimitFactor: 4,
      minTimeLimitMs: 30_000,
      maxTimeLimitMs: 90_000,
      seed: 1,
    },
    runs: [
      run({}),
      run({
        approach: 'per-instance',
        server: {
          DescribeInstances: { calls: 10, throttled: 0, failed: 0 },
          StopInstances: { calls: 1_990, throttled: 990, failed: 0 },
        },
        client: { ...run({}).client, wallMs: 53_000 },
      }),
    ],
    emulatorStartMs: { '1000x1': 700 },
    planning: {
      instances: 100_000,
      repetitions: 3,
      items: 95_000,
      medianMs: 2_000,
      cpuMedianMs: 1_900,
      instancesPerSecond: 50_000,
    },
    inlinePlanning: {
      instances: 50_000,
      repetitions: 7,
      distinctValues: 36,
      items: 50_000,
      namedMedianMs: 800,
      inlineMedianMs: 880,
      ratio: 1.1,
    },
    coldStart: {
      bundle: '/x/dist/stop.js',
      bundleBytes: 30 * 1024,
      gzipBytes: 11 * 1024,
      packageBytes: 800 * 1024,
      repetitions: 5,
      importMedianMs: 45,
      importCpuMedianMs: 40,
      importConfigMedianMs: 80,
      importConfigCpuMedianMs: 70,
      undiciMedianMs: 60,
      undiciCpuMedianMs: 55,
      chunks: [
        { file: 'stop.js', bytes: 30 * 1024, atImport: true },
        { file: 'stop-lib/undici-X.js', bytes: 540 * 1024, atImport: false },
      ],
      helpMedianMs: 30,
      helpCpuMedianMs: 25,
      cliEntryBytes: 4 * 1024,
      processMedianMs: 260,
      emptyProcessMedianMs: 70,
    },
    logging: {
      lines: 50_000,
      repetitions: 3,
      linesPerAnswer: 100,
      fixed: { wallMs: 300, cpuMs: 250 },
      ordinary: { wallMs: 3_000, cpuMs: 2_500 },
    },
    totalMs: 100_000,
  };

  it('puts each figure in its row and compares the baseline with lights-out', () => {
    const markdown = renderMarkdown(results as never);
    expect(markdown).toContain('| 50,000 | 50,000 | 800 ms | 880 ms | 1.10× |');
    expect(markdown).toContain(
      '| 20/s | 1,000 in 1 region | none | 10 (1.00×) | 10 (1.00×) | 0 | 1,000 / 1,000 | 1,000 / 1,000 | 2.12 s | 1.06 s | 2.00× | 1.50 s | 1.41× | 1.50 s | 128 MiB |',
    );
    expect(markdown).toMatch(
      /one StopInstances per instance.*\| 2,000 \(10 \+ 1,990\) \| 990 \|.*\| 100\.00× \| 25\.00× \|/,
    );
    expect(markdown).toContain('| 100,000 | 95,000 | 2000 ms | 1900 ms | 50,000 |');
    expect(markdown).toContain(
      '| 30 KiB | 11 KiB | 800 KiB | 45 / 40 ms | 80 / 70 ms | 60 / 55 ms | 30 / 25 ms (4 KiB) | 260 ms | 70 ms |',
    );
    expect(markdown).toContain('| `stop.js` | 30.0 KiB | at import |');
    expect(markdown).toContain('| `stop-lib/undici-X.js` | 540.0 KiB | lazily |');
    expect(markdown).toContain('| outcome lines (batched) | 300 ms | 250 ms | 5.0 µs |');
    expect(markdown).toContain('| ordinary pino lines | 3000 ms | 2500 ms | 50.0 µs |');
    expect(markdown).not.toContain('†');
  });

  it('leaves out the stop-run tables when only the cold start and logging were measured', () => {
    const markdown = renderMarkdown({ ...results, runs: [] } as never);
    expect(markdown).not.toContain('## Stop runs');
    expect(markdown).not.toContain('## Peak memory');
    expect(markdown).toContain('## Cold start');
    expect(markdown).toContain('## Logging');
  });

  it('says when the server accepted an instance more than once', () => {
    const twice = run({ accepted: { once: 998, more: 2, never: 0 } });
    const markdown = renderMarkdown({ ...results, runs: [twice] } as never);
    expect(markdown).toContain('| 998 / 1,000 (2 more than once) |');
  });

  it('marks a run that reached its time limit', () => {
    const cut = run({ client: { ...run({}).client, stopped: 600, failed: 400, deadlineFailures: 400 } });
    const markdown = renderMarkdown({ ...results, runs: [cut] } as never);
    expect(markdown).toContain('| 600 / 1,000 | 1,000 / 1,000 | 2.12 s † | 1.06 s | > 2.00× |');
    expect(markdown).toContain('† The run reached its time limit');
  });
});

describe('checkTargets', () => {
  const record = (over: Record<string, unknown>) =>
    ({
      fleet: { instances: 10_000, regions: 4 },
      approach: 'lights-out',
      action: 'stop',
      withFaults: true,
      faultCase: 'standard',
      faults: {},
      qps: 20,
      timeLimitMs: 30_000,
      optimumCalls: 100,
      boundMs: 1_000,
      server: {
        DescribeInstances: { calls: 100, throttled: 0, failed: 0 },
        StopInstances: { calls: 100, throttled: 0, failed: 0 },
      },
      accepted: { once: 10_000, more: 0, never: 0 },
      client: { wallMs: 1_000, stopped: 10_000, deadlineFailures: 0, peakRssBytes: 200 * 2 ** 20 },
      timeOverBound: 1.2,
      ...over,
    }) as never;

  it('counts the runs that met each target and names the worst figure', () => {
    const checks = checkTargets({
      runs: [
        record({}),
        record({ timeOverBound: 1.7 }),
        record({
          fleet: { instances: 50_000, regions: 1 },
          faultCase: 'none',
          timeOverBound: 1.05,
          accepted: { once: 50_000, more: 0, never: 0 },
        }),
        record({
          fleet: { instances: 50_000, regions: 4 },
          faultCase: 'none',
          timeOverBound: 1.3,
          accepted: { once: 50_000, more: 0, never: 0 },
          client: { wallMs: 1, stopped: 50_000, deadlineFailures: 0, peakRssBytes: 240 * 2 ** 20 },
        }),
      ],
      coldStart: { importMedianMs: 55 } as never,
    });
    const byTarget = Object.fromEntries(checks.map((c) => [c.target.split(':')[0], c]));
    expect(byTarget['30% per instance + 10% 429, every fleet']).toMatchObject({
      runs: 2,
      met: 1,
      worst: '1.70×',
    });
    expect(byTarget['no faults, 10,000 and more']).toMatchObject({ runs: 2, met: 1, worst: '1.30×' });
    expect(byTarget['peak RSS at 50,000 instances under 236 MiB']).toMatchObject({
      runs: 2,
      met: 1,
      worst: '240 MiB',
    });
    expect(byTarget['importing the handler under 60 ms']).toMatchObject({ runs: 1, met: 1 });
    expect(byTarget['90% per instance, 1,000 in 1 region']).toMatchObject({ runs: 0, worst: '–' });
  });

  it('does not count a run within its time target whose instances the server accepted twice', () => {
    const [standard] = checkTargets({
      runs: [record({ accepted: { once: 9_999, more: 1, never: 0 } })],
      coldStart: undefined as never,
    });
    expect(standard).toMatchObject({ runs: 1, met: 0 });
  });
});

describe('casesOf', () => {
  const settings = {
    faults: { flowLimitPerInstance: 0.3, flowLimitPerRequest: 0.1 },
    extraFaults: [
      { id: 'p90', name: '90% per instance', faults: { flowLimitPerInstance: 0.9, flowLimitPerRequest: 0 } },
    ],
    extraFaultsUpTo: 1_000,
    startsUpTo: 1_000,
  } as never;
  const names = (runs: { approach: string; action: string; faultCase: string }[]) =>
    runs.map((r) => `${r.approach} ${r.action} ${r.faultCase}`);

  it('runs every case on small fleets and only the stop cases the targets name on large ones', () => {
    expect(names(casesOf({ instances: 1_000, regions: 1, baseline: true }, settings, undefined))).toEqual([
      'lights-out stop none',
      'lights-out stop standard',
      'lights-out stop 90% per instance',
      'lights-out start none',
      'lights-out start standard',
      'per-instance stop none',
    ]);
    expect(names(casesOf({ instances: 50_000, regions: 4, baseline: false }, settings, undefined))).toEqual([
      'lights-out stop none',
      'lights-out stop standard',
    ]);
  });

  it('narrows to the cases asked for', () => {
    const fleet = { instances: 1_000, regions: 1, baseline: true };
    expect(names(casesOf(fleet, settings, new Set(['p90', 'baseline'])))).toEqual([
      'lights-out stop 90% per instance',
      'per-instance stop none',
    ]);
  });
});

describe('countAccepted', () => {
  it('counts instances accepted once, more than once and never', () => {
    expect(countAccepted([1, 1, 2, 0, 1, 3])).toEqual({ once: 3, more: 2, never: 1 });
  });
});
