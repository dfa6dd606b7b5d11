/** The benchmark's results as data (results.json) and as the markdown tables people read (results.md). */

import { minimumCalls, spread } from './bound.js';
import { type ColdStartResult, chunkRows } from './cold-start.js';
import type { LoggingResult } from './logging.js';
import type { InlinePlanningResult, PlanningResult } from './planning.js';
import { Approach } from './scenario.js';
import type { RunRecord, RunSettings } from './suite.js';

/** Everything one benchmark run measured: the shape of bench/results.json. */
export interface BenchResults {
  command: string;
  date: string;
  machine: { cpus: number; cpuModel: string; memoryBytes: number; node: string; os: string };
  settings: RunSettings;
  /** The quotas measured at (each run's `qps` says which). */
  quotas: number[];
  /** The machine's 1, 5 and 15 minute load averages when the bench ended (other work shares the cores). */
  loadAverage: number[];
  runs: RunRecord[];
  /** How long each emulator process took to load its fleet, keyed `<instances>x<regions>`. */
  emulatorStartMs: Record<string, number>;
  planning: PlanningResult;
  /** Absent in results written before inline schedules existed. */
  inlinePlanning?: InlinePlanningResult;
  coldStart: ColdStartResult;
  logging: LoggingResult;
  totalMs: number;
}

const count = (n: number) => Math.round(n).toLocaleString('en-US');
const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
const times = (ratio: number) => `${ratio.toFixed(2)}×`;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const fleetName = (run: RunRecord) =>
  `${count(run.fleet.instances)} in ${run.fleet.regions} region${run.fleet.regions > 1 ? 's' : ''}`;

function callsOf(run: RunRecord, action: string): number {
  return run.server[action]?.calls ?? 0;
}

function throttledOf(run: RunRecord): number {
  return Object.values(run.server).reduce((sum, action) => sum + action.throttled, 0);
}

function totalCalls(run: RunRecord): number {
  return Object.values(run.server).reduce((sum, action) => sum + action.calls, 0);
}

/** True when the run reached its time limit before every instance had its answer. */
function cutShort(run: RunRecord): boolean {
  return run.client.deadlineFailures > 0;
}

function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

/** The runs of one action (records from before starts were measured are stops). */
function ofAction(runs: RunRecord[], action: 'stop' | 'start'): RunRecord[] {
  return runs.filter((run) => run.approach === Approach.LightsOut && (run.action ?? 'stop') === action);
}

/** The calls a perfect client needs for this run's fleet and faults (bench/bound.ts), per action. */
function boundCalls(run: RunRecord): { describe: number; act: number } {
  const calls = { describe: 0, act: 0 };
  for (const n of spread(run.fleet.instances, run.fleet.regions)) {
    const c = minimumCalls(n, run.faults ?? {});
    calls.describe += c.describe;
    calls.act += c.stop;
  }
  return calls;
}

function stopRunsTable(runs: RunRecord[], action: 'stop' | 'start' = 'stop'): string {
  const apiAction = action === 'start' ? 'StartInstances' : 'StopInstances';
  const rows = ofAction(runs, action).map((run) => {
    const describe = callsOf(run, 'DescribeInstances');
    const acted = callsOf(run, apiAction);
    const done = action === 'start' ? (run.client.started ?? 0) : run.client.stopped;
    const bound = boundCalls(run);
    return [
      `${run.qps ?? '?'}/s`,
      fleetName(run),
      run.faultCase ?? (run.withFaults ? 'standard' : 'none'),
      `${count(describe)} (${times(describe / bound.describe)})`,
      `${count(acted)} (${times(acted / bound.act)})`,
      count(throttledOf(run)),
      `${count(done)} / ${count(run.fleet.instances)}`,
      acceptedOnce(run),
      `${seconds(run.client.wallMs)}${cutShort(run) ? ' †' : ''}`,
      seconds(run.boundMs),
      `${cutShort(run) ? '> ' : ''}${times(run.timeOverBound)}`,
      run.listingChainMs === undefined ? '–' : seconds(run.listingChainMs),
      run.listingChainMs === undefined
        ? '–'
        : `${cutShort(run) ? '> ' : ''}${times(run.client.wallMs / Math.max(run.boundMs, run.listingChainMs))}`,
      run.client.cpuMs === undefined ? '–' : seconds(run.client.cpuMs),
      mib(run.client.peakRssBytes),
    ];
  });
  return table(
    [
      'Quota',
      'Fleet',
      'Faults',
      'DescribeInstances calls (× perfect client)',
      `${apiAction} calls (× perfect client)`,
      '429 answers',
      action === 'start' ? 'Started' : 'Stopped',
      'Accepted once (server)',
      'Time',
      'Bound',
      'Time / bound',
      'Listing chain',
      'Time / max(bound, chain)',
      'Client CPU',
      'Peak RSS',
    ],
    rows,
  );
}

/** The emulator's count of instances it accepted exactly once, with any it accepted more often. */
function acceptedOnce(run: RunRecord): string {
  if (run.accepted === undefined) return '–';
  const { once, more } = run.accepted;
  return `${count(once)} / ${count(run.fleet.instances)}${more > 0 ? ` (${count(more)} more than once)` : ''}`;
}

/** One "Done when" target of issue 13 and how the runs it covers did. */
export interface TargetCheck {
  target: string;
  /** Runs the target covers. */
  runs: number;
  /** Runs that met it. */
  met: number;
  /** The worst figure among them, as the target reads it (e.g. `1.62×`). */
  worst: string;
}

/** True when the server accepted every instance's stop (start) exactly once (unknown counts as not shown). */
function everyOnce(run: RunRecord): boolean {
  return run.accepted === undefined || (run.accepted.once === run.fleet.instances && run.accepted.more === 0);
}

function ratioTarget(target: string, runs: RunRecord[], limit: number): TargetCheck {
  const ok = (run: RunRecord) => !cutShort(run) && run.timeOverBound <= limit && everyOnce(run);
  const worst = Math.max(...runs.map((run) => run.timeOverBound));
  return {
    target,
    runs: runs.length,
    met: runs.filter(ok).length,
    worst: runs.length === 0 ? '–' : times(worst),
  };
}

/**
 * Issue 13's "Done when", checked against the runs measured: each target, how many of the runs it covers met
 * it, and the worst figure. Time targets also need every instance accepted once by the server and no run cut
 * short. Targets with no run measured (say, a `--quick` run has no 10,000-instance fleet) show 0 runs.
 */
export function checkTargets(results: Pick<BenchResults, 'runs' | 'coldStart'>): TargetCheck[] {
  const stops = ofAction(results.runs, 'stop');
  const standard = stops.filter((run) => run.faultCase === 'standard');
  const p90 = stops.filter(
    (run) => run.faultCase === '90% per instance' && run.fleet.instances === 1_000 && run.fleet.regions === 1,
  );
  const none = stops.filter((run) => run.faultCase === 'none');
  const optimum = (run: RunRecord) =>
    callsOf(run, 'DescribeInstances') === run.optimumCalls &&
    callsOf(run, 'StopInstances') === run.optimumCalls;
  const largest = stops.filter((run) => run.fleet.instances >= 50_000);
  const peakMiB = Math.max(...largest.map((run) => run.client.peakRssBytes / 2 ** 20));
  const importMs = results.coldStart?.importMedianMs;
  return [
    ratioTarget(
      '30% per instance + 10% 429, every fleet: within 1.5× the bound, each stopped once',
      standard,
      1.5,
    ),
    ratioTarget('90% per instance, 1,000 in 1 region: within 2× the bound', p90, 2),
    {
      target: 'no faults: the optimum number of calls',
      runs: none.length,
      met: none.filter(optimum).length,
      worst: none.length === 0 ? '–' : `${none.filter((run) => !optimum(run)).length} off`,
    },
    ratioTarget(
      'no faults, 10,000 and more: within 1.1× the bound',
      none.filter((run) => run.fleet.instances >= 10_000),
      1.1,
    ),
    ratioTarget(
      'no faults, 1,000: within 1.5× the bound',
      none.filter((run) => run.fleet.instances < 10_000),
      1.5,
    ),
    {
      target: 'peak RSS at 50,000 instances under 236 MiB',
      runs: largest.length,
      met: largest.filter((run) => run.client.peakRssBytes < 236 * 2 ** 20).length,
      worst: largest.length === 0 ? '–' : `${peakMiB.toFixed(0)} MiB`,
    },
    {
      target: 'importing the handler under 60 ms',
      runs: importMs === undefined ? 0 : 1,
      met: importMs !== undefined && importMs < 60 ? 1 : 0,
      worst: importMs === undefined ? '–' : `${importMs.toFixed(0)} ms`,
    },
  ];
}

function targetsSection(results: BenchResults): string[] {
  const rows = checkTargets(results).map((check) => [
    check.target,
    `${check.met} / ${check.runs}`,
    check.worst,
  ]);
  return [
    '## Targets (issue 13, "Done when")',
    '',
    'Each target, the runs it covers that met it, and the worst figure among them. A time target also needs ' +
      'the emulator to have accepted every instance exactly once, and the run not to reach its time limit.',
    '',
    table(['Target', 'Runs that met it', 'Worst'], rows),
    '',
  ];
}

function baselineTable(runs: RunRecord[]): string {
  const rows: string[][] = [];
  for (const baseline of runs.filter((run) => run.approach === Approach.PerInstance)) {
    const same = runs.find(
      (run) =>
        run.approach === Approach.LightsOut &&
        (run.action ?? 'stop') === 'stop' &&
        !run.withFaults &&
        run.fleet.instances === baseline.fleet.instances &&
        run.fleet.regions === baseline.fleet.regions,
    );
    for (const run of same ? [same, baseline] : [baseline]) {
      const isBaseline = run === baseline;
      rows.push([
        fleetName(run),
        isBaseline ? 'one StopInstances per instance, 10 in flight' : 'lights-out',
        `${count(totalCalls(run))} (${count(callsOf(run, 'DescribeInstances'))} + ${count(callsOf(run, 'StopInstances'))})`,
        count(throttledOf(run)),
        `${count(run.client.stopped)} / ${count(run.fleet.instances)}`,
        `${seconds(run.client.wallMs)}${cutShort(run) ? ' †' : ''}`,
        seconds(run.boundMs),
        isBaseline && same ? times(totalCalls(run) / totalCalls(same)) : '1×',
        isBaseline && same ? times(run.client.wallMs / same.client.wallMs) : '1×',
      ]);
    }
  }
  return table(
    [
      'Fleet',
      'Approach',
      'Calls (Describe + Stop)',
      '429 answers',
      'Stopped',
      'Time',
      'Bound',
      'Calls ÷ lights-out',
      'Time ÷ lights-out',
    ],
    rows,
  );
}

function memoryTable(runs: RunRecord[]): string {
  const largest = Math.max(...runs.map((run) => run.fleet.instances));
  const rows = runs
    .filter((run) => run.fleet.instances === largest)
    .map((run) => [
      fleetName(run),
      `${run.approach} ${run.action ?? 'stop'}, faults ${run.faultCase ?? (run.withFaults ? 'standard' : 'none')}`,
      `${run.qps}/s`,
      mib(run.client.rssBeforeBytes),
      mib(run.client.peakRssBytes),
      run.client.cpuMs === undefined ? '–' : seconds(run.client.cpuMs),
    ]);
  return table(['Fleet', 'Run', 'Quota', 'RSS before the run', 'Peak RSS', 'Client CPU'], rows);
}

function timeLimitNote(settings: RunSettings): string {
  return (
    `† The run reached its time limit (${settings.timeLimitFactor} × its bound, kept between ` +
    `${seconds(settings.minTimeLimitMs)} and ${seconds(settings.maxTimeLimitMs)}): what was not stopped by then ` +
    'failed with DeadlineExceeded, so its time and calls are less than finishing would have taken.'
  );
}

/** Inline schedules against named ones: the same fleet planned both ways, and the ratio (target: at most 1.2). */
function inlinePlanningSection(result: InlinePlanningResult): string[] {
  return [
    '### Inline schedules against named ones',
    '',
    `The same ${count(result.instances)} instances planned twice: tagged for three named schedules, then with ` +
      `${result.distinctValues} distinct inline values (Custodian's grammar), every one firing; median of ` +
      `${result.repetitions} interleaved runs after a warm-up. Target: inline within 1.2× of named.`,
    '',
    table(
      ['Instances', 'Plan items', 'Named', 'Inline', 'Ratio'],
      [
        [
          count(result.instances),
          count(result.items),
          `${result.namedMedianMs.toFixed(0)} ms`,
          `${result.inlineMedianMs.toFixed(0)} ms`,
          `${result.ratio.toFixed(2)}×`,
        ],
      ],
    ),
    '',
  ];
}

/** Renders the results as markdown: a heading, the conditions, then one table per question. */
export function renderMarkdown(results: BenchResults): string {
  const { settings, machine, planning, coldStart, logging } = results;
  const faults = settings.faults;
  return [
    '# lights-out benchmark',
    '',
    `Command: \`${results.command}\` (${seconds(results.totalMs)} in all), ${results.date}.`,
    `Machine: ${machine.cpus} × ${machine.cpuModel}, ${mib(machine.memoryBytes)} memory, Node ${machine.node}, ${machine.os}.`,
    '',
    `Load average when it ended: ${(results.loadAverage ?? []).join(', ')} (other work shares the cores).`,
    '',
    `The emulator runs in its own process with a quota of ${(results.quotas ?? [settings.qps]).join(' or ')} requests/s ` +
      `per region and action (HTTP 429 FlowLimitExceeded over it) and ${settings.latencyMs} ms added to every ` +
      'request; lights-out runs with `rateLimit.qps` at the quota and `guard.maxInstancesPerRun` out of the way, ' +
      'and the shipped defaults for everything else (retry, batching, limiter): what users get. Every instance is ' +
      `RUNNING and tagged for the one schedule. Faults "standard": ${faults.flowLimitPerInstance * 100}% of ` +
      `instances in each StopInstances answer refused with FlowLimitExceeded, and ${faults.flowLimitPerRequest * 100}% ` +
      'of requests answered 429 before anything is done; the other cases name their shares (per instance p, of ' +
      `requests q), on fleets of at most ${count(settings.extraFaultsUpTo ?? 0)} instances. Calls are counted by the emulator. ` +
      "Before a fleet's first measured run, one unrecorded stop run of up to 1,000 of its instances warms the " +
      "emulator's process up (a cloud API is not cold); every run's client is a fresh process.",
    '',
    ...(results.runs.length === 0 ? [] : targetsSection(results)),
    ...(results.runs.length === 0
      ? []
      : [
          '## Stop runs',
          '',
          'Perfect client: `ceil(n / 100) / ((1 − p)(1 − q))` StopInstances calls and `ceil(n / 100) / (1 − q)` ' +
            'DescribeInstances pages per region (without faults, the optimum). Bound (listing overlapped with ' +
            "stopping, the quota per region and action): the slower action's calls at the quota plus one page " +
            'latency, in the slowest region. The quota lets its first requests through at once, so small fleets ' +
            "can beat the bound. Listing chain: the slowest region's DescribeInstances pages times the median time " +
            "between two of its pages reaching the emulator, a page's round trip or the quota's interval, whichever " +
            'is longer. NextToken makes each page wait for the one before, so without throttled pages no client ' +
            'lists faster than that, whatever the quota (the bound assumes pages go at the quota); with throttled ' +
            'pages it also holds this client\'s waits. "Accepted once": instances whose stop the emulator accepted ' +
            'exactly once, by its ' +
            "own count. Client CPU: user + system time of the client's process over the run (the emulator has a " +
            'process of its own), the steadier figure when other work shares the cores.',
          '',
          stopRunsTable(results.runs),
          '',
          ...(ofAction(results.runs, 'start').length === 0
            ? []
            : [
                '## Start runs',
                '',
                'The same fleets, every instance STOPPED with StopCharging, started by a start fire through the same ' +
                  'executor. Optimum and bound as for stopping, with StartInstances in place of StopInstances. "With ' +
                  `faults": the stop runs' faults plus ${(settings.startFaults?.insufficientCapacity ?? 0) * 100}% of ` +
                  'starts refused with Insufficient.InstanceCapacity, drawn per instance per attempt; the bound counts an ' +
                  'instance refused either way as one more send.',
                '',
                stopRunsTable(results.runs, 'start'),
                '',
              ]),
          ...(results.runs.some(cutShort) ? [timeLimitNote(settings), ''] : []),
          '## Baseline: one call per instance',
          '',
          `The same fleet stopped the way per-instance scheduler scripts do it: list, then one StopInstances call per ` +
            `instance, ${settings.baselineInFlight} in flight, no client-side rate limit, throttled calls retried with the ` +
            'same backoff. It runs only where it finishes in about a minute: at 20 calls/s a 50,000-instance fleet would ' +
            'take 2,500 s of quota alone.',
          '',
          baselineTable(results.runs),
          '',
        ]),
    '## Planning throughput',
    '',
    `buildPlan over ${count(planning.instances)} generated instances in memory (no HTTP), three schedules firing; ` +
      `median of ${planning.repetitions} runs after a warm-up.`,
    '',
    table(
      ['Instances', 'Plan items', 'Median time', 'Median CPU', 'Instances per second'],
      [
        [
          count(planning.instances),
          count(planning.items),
          `${planning.medianMs.toFixed(0)} ms`,
          planning.cpuMedianMs === undefined ? '–' : `${planning.cpuMedianMs.toFixed(0)} ms`,
          count(planning.instancesPerSecond),
        ],
      ],
    ),
    '',
    ...(results.inlinePlanning ? inlinePlanningSection(results.inlinePlanning) : []),
    ...(results.runs.length === 0
      ? []
      : [
          '## Peak memory',
          '',
          'Each run has a process of its own; peak RSS is its `process.resourceUsage().maxRSS` at the end.',
          '',
          memoryTable(results.runs),
          '',
        ]),
    '## Cold start',
    '',
    `\`${coldStart.bundle.split('/').slice(-2).join('/')}\` and \`lights-out --help\`, each in fresh \`node\` ` +
      `processes, median of ${coldStart.repetitions} after a warm-up, timed inside the process as wall / CPU ` +
      'time (CPU time is the steadier figure on a shared machine). "Import + config" runs until the handler ' +
      'has loaded its bundled configuration; undici is loaded later, by the first request ("+ undici" is what ' +
      'that adds). The entry is what importing reads; the package adds the chunks imported lazily ' +
      '(dist/stop-lib/), listed below the table.',
    '',
    table(
      [
        'Entry',
        'Gzipped',
        'Package code',
        'Import',
        'Import + config',
        '+ undici',
        '`--help` (CLI entry)',
        'Process with import',
        'Empty process',
      ],
      [
        [
          `${(coldStart.bundleBytes / 1024).toFixed(0)} KiB`,
          `${(coldStart.gzipBytes / 1024).toFixed(0)} KiB`,
          `${(coldStart.packageBytes / 1024).toFixed(0)} KiB`,
          `${coldStart.importMedianMs.toFixed(0)} / ${coldStart.importCpuMedianMs.toFixed(0)} ms`,
          `${coldStart.importConfigMedianMs.toFixed(0)} / ${coldStart.importConfigCpuMedianMs.toFixed(0)} ms`,
          `${coldStart.undiciMedianMs.toFixed(0)} / ${coldStart.undiciCpuMedianMs.toFixed(0)} ms`,
          `${coldStart.helpMedianMs.toFixed(0)} / ${coldStart.helpCpuMedianMs.toFixed(0)} ms (${(coldStart.cliEntryBytes / 1024).toFixed(0)} KiB)`,
          `${coldStart.processMedianMs.toFixed(0)} ms`,
          `${coldStart.emptyProcessMedianMs.toFixed(0)} ms`,
        ],
      ],
    ),
    '',
    table(['Handler code', 'Size', 'Read'], chunkRows(coldStart)),
    '',
    '## Logging',
    '',
    `${count(logging.lines)} \`instance.outcome\` lines, ${logging.linesPerAnswer} per API answer, to /dev/null ` +
      `through a synchronous write, median of ${logging.repetitions} after a warm-up: the run's road ` +
      "(OutcomeLedger: one write per answer, no key-path scan) against pino's ordinary road (every redaction " +
      'path, one write per line), which every outcome line took before.',
    '',
    table(
      ['Road', 'Wall', 'CPU', 'CPU per line'],
      [
        [
          'outcome lines (batched)',
          `${logging.fixed.wallMs.toFixed(0)} ms`,
          `${logging.fixed.cpuMs.toFixed(0)} ms`,
          `${((logging.fixed.cpuMs / logging.lines) * 1000).toFixed(1)} µs`,
        ],
        [
          'ordinary pino lines',
          `${logging.ordinary.wallMs.toFixed(0)} ms`,
          `${logging.ordinary.cpuMs.toFixed(0)} ms`,
          `${((logging.ordinary.cpuMs / logging.lines) * 1000).toFixed(1)} µs`,
        ],
      ],
    ),
    '',
  ].join('\n');
}
