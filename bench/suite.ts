/**
 * The stop- and start-run part of the benchmark: for each fleet, one emulator process, then lights-out stopping
 * without and with faults, lights-out starting the same fleet (every instance STOPPED with StopCharging) without
 * and with faults (capacity refusals too), and (for the fleets that ask for it) the per-instance baseline, each
 * in a fresh child process against a freshly reset emulator.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import type { FaultSettings } from '../lib/emulator/index.js';
import { Action } from '../lib/schedule/index.js';
import { MAX_IDS_PER_CALL } from '../lib/stop/index.js';
import { type BoundFaults, lowerBoundMs, optimumCalls, spread } from './bound.js';
import {
  type AcceptedCounts,
  type ActionCalls,
  countCalls,
  type EmulatorProcess,
  listingChainMs,
  startEmulatorProcess,
} from './emulator.js';
import { BENCH_REGIONS, benchInstances, stoppedFleetJson, writeFleetFile } from './fleet.js';
import { Approach, type ScenarioResult, type ScenarioSpec } from './scenario.js';

/** The conditions every run shares. */
export interface RunSettings {
  /** The emulator's quota per region and action, and lights-out's rateLimit.qps. */
  qps: number;
  latencyMs: number;
  /** The faults of the "with faults" runs: the standard case every fleet runs. */
  faults: Required<BoundFaults>;
  /** Harder fault cases (stop runs), on fleets of at most `extraFaultsUpTo` instances. */
  extraFaults: { id: string; name: string; faults: Required<BoundFaults> }[];
  extraFaultsUpTo: number;
  /** Overrides the pipeline's batch fill time (ms), to measure it. @default the shipped one */
  batchFillMs?: number;
  /** Start runs with faults add these: a share of starts refused with Insufficient.InstanceCapacity. */
  startFaults: { insufficientCapacity: number };
  /** Start runs (without and with faults) on fleets of at most this many instances. @default every fleet */
  startsUpTo?: number;
  /** Per-instance baseline: stop calls in flight per region. */
  baselineInFlight: number;
  /**
   * A run's time limit is this many times its bound, kept between the two limits below. A run that reaches it
   * stops sending and reports what it stopped by then; this is what keeps the whole benchmark within minutes
   * when a run is far slower than its bound.
   */
  timeLimitFactor: number;
  minTimeLimitMs: number;
  maxTimeLimitMs: number;
  seed: number;
}

/** One fleet of the benchmark. */
export interface FleetPlan {
  instances: number;
  regions: number;
  /** Also run the per-instance baseline on it (fault-free). */
  baseline: boolean;
}

/**
 * The cases a run of the bench measures, by id: `none`, `standard`, an extra fault case's id (`p50`, ...),
 * `start` (both start runs) and `baseline`. Undefined: every case each fleet's size calls for.
 */
export type CaseFilter = ReadonlySet<string> | undefined;

/** Everything measured about one run. */
export interface RunRecord {
  fleet: { instances: number; regions: number };
  approach: Approach;
  /** What the run did to the fleet. */
  action: Action;
  withFaults: boolean;
  /** `none`, `standard` (the settings' `faults`), or the name of an extra case. */
  faultCase: string;
  /** The faults the run's bound accounts for. */
  faults: BoundFaults;
  /** The emulator's quota and lights-out's `rateLimit.qps`. */
  qps: number;
  timeLimitMs: number;
  /** The fewest calls of each action without faults: ceil(n / 100) per region, summed. */
  optimumCalls: number;
  /** The bound of this approach: lights-out's 100 IDs to a call, or the baseline's one. */
  boundMs: number;
  /** Calls as the emulator answered them, per action. */
  server: Record<string, ActionCalls>;
  /**
   * The slowest region's listing as a NextToken chain: its pages times a page's round trip, as the server's
   * call log shows them (see listingChainMs). Without throttled pages no client lists faster; with them it
   * also holds this client's waits. Absent in older results.
   */
  listingChainMs?: number;
  /**
   * Instances whose stop (start) the emulator accepted once, more than once, and never: "every instance
   * stopped once" as the server saw it. Absent in older results.
   */
  accepted?: AcceptedCounts;
  client: ScenarioResult;
  timeOverBound: number;
}

/** Where the suite finds things and reports progress. */
export interface SuiteContext {
  bin: string;
  /** The bench bundle, which runs one scenario when started with `--scenario`. */
  bundle: string;
  dir: string;
  progress(message: string): void;
  /** Only these cases (see {@link CaseFilter}). @default every case */
  cases?: CaseFilter;
  /** When set, each scenario child writes a V8 CPU profile of its run into this folder (`--cpu-prof DIR`). */
  cpuProfileDir?: string;
}

/** Runs one scenario in a child process of the bench bundle. */
async function runChild(
  bundle: string,
  spec: ScenarioSpec,
  profile?: { dir: string; name: string },
): Promise<ScenarioResult> {
  const execArgv =
    profile === undefined
      ? process.execArgv
      : [
          ...process.execArgv,
          '--cpu-prof',
          '--cpu-prof-dir',
          profile.dir,
          '--cpu-prof-name',
          `${profile.name}.cpuprofile`,
        ];
  const child = fork(bundle, ['--scenario'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
  const exited = once(child, 'exit');
  child.send(spec);
  const [reply] = (await once(child, 'message')) as [{ result?: ScenarioResult; error?: string }];
  await exited;
  if (reply.error !== undefined || reply.result === undefined)
    throw new Error(`scenario failed: ${reply.error}`);
  return reply.result;
}

/** One run of a fleet: the approach, the action and the faults injected. */
export interface RunCase {
  approach: Approach;
  action: Action;
  withFaults: boolean;
  /** `none`, `standard`, or an extra case's name. */
  faultCase: string;
  /** The injected faults (before start's capacity refusals). */
  faults: BoundFaults;
}

function faultSettings(settings: RunSettings, run?: RunCase): FaultSettings {
  const base: FaultSettings = { seed: settings.seed, qps: settings.qps, latencyMs: settings.latencyMs };
  if (run === undefined || !run.withFaults) return base;
  return run.action === Action.Start
    ? { ...base, ...run.faults, ...settings.startFaults }
    : { ...base, ...run.faults };
}

/**
 * The faults a run's bound accounts for. A start is refused per instance for throttling or, after that check,
 * for capacity: a perfect client re-sends 1 / ((1 - p)(1 - c)) times per instance, as if one share refused it.
 */
function boundFaultsOf(settings: RunSettings, run: RunCase): BoundFaults {
  if (!run.withFaults) return {};
  if (run.action !== Action.Start) return run.faults;
  const kept = (1 - (run.faults.flowLimitPerInstance ?? 0)) * (1 - settings.startFaults.insufficientCapacity);
  return { ...run.faults, flowLimitPerInstance: 1 - kept };
}

/** What a scenario child is told: the run's approach and action against this emulator, fleet and quota. */
function scenarioSpec(
  emulator: EmulatorProcess,
  fleet: FleetPlan,
  settings: RunSettings,
  run: Pick<RunCase, 'approach' | 'action'>,
  timeLimitMs: number,
): ScenarioSpec {
  return {
    approach: run.approach,
    action: run.action,
    url: emulator.url,
    credentials: emulator.credentials,
    regions: BENCH_REGIONS.slice(0, fleet.regions),
    qps: settings.qps,
    timeLimitMs,
    seed: settings.seed,
    inFlight: settings.baselineInFlight,
    ...(settings.batchFillMs === undefined ? {} : { batchFillMs: settings.batchFillMs }),
  };
}

async function measure(
  emulator: EmulatorProcess,
  fleet: FleetPlan,
  run: RunCase,
  settings: RunSettings,
  context: SuiteContext,
): Promise<RunRecord> {
  const perRegion = spread(fleet.instances, fleet.regions);
  const boundFaults = boundFaultsOf(settings, run);
  const boundMs = lowerBoundMs({
    instancesPerRegion: perRegion,
    qps: settings.qps,
    latencyMs: settings.latencyMs,
    faults: boundFaults,
    idsPerStopCall: run.approach === Approach.PerInstance ? 1 : MAX_IDS_PER_CALL,
  });
  const timeLimitMs = Math.min(
    settings.maxTimeLimitMs,
    Math.max(settings.minTimeLimitMs, Math.round(boundMs * settings.timeLimitFactor)),
  );
  await emulator.setFaults(faultSettings(settings, run));
  await emulator.reset(
    run.action === Action.Start ? stoppedFleetJson(fleet.instances, fleet.regions) : undefined,
  );
  const label =
    `${fleet.instances}x${fleet.regions}-${settings.qps}qps-${run.approach}-${run.action}-${run.faultCase}`.replace(
      /[^\w.-]+/g,
      '_',
    );
  const profile =
    context.cpuProfileDir === undefined ? undefined : { dir: context.cpuProfileDir, name: label };
  const client = await runChild(
    context.bundle,
    scenarioSpec(emulator, fleet, settings, run, timeLimitMs),
    profile,
  );
  const log = await emulator.calls();
  const server = countCalls(log);
  const accepted = await emulator.acceptedPerInstance(run.action === Action.Start ? 'start' : 'stop');
  const record: RunRecord = {
    fleet: { instances: fleet.instances, regions: fleet.regions },
    approach: run.approach,
    action: run.action,
    withFaults: run.withFaults,
    faultCase: run.faultCase,
    faults: boundFaults,
    qps: settings.qps,
    timeLimitMs,
    optimumCalls: perRegion.reduce((sum, n) => sum + optimumCalls(n), 0),
    boundMs,
    server,
    listingChainMs: listingChainMs(log),
    accepted,
    client,
    timeOverBound: client.wallMs / boundMs,
  };
  context.progress(
    `  ${run.approach} ${run.action} at ${settings.qps}/s, faults ${run.faultCase}: ${(client.wallMs / 1000).toFixed(1)} s ` +
      `(bound ${(boundMs / 1000).toFixed(1)} s), ${client.stopped} stopped, ${client.started ?? 0} started, ` +
      `${client.failed} failed, accepted once ${accepted.once}, more ${accepted.more}, client CPU ${((client.cpuMs ?? 0) / 1000).toFixed(1)} s, ` +
      `peak RSS ${Math.round(client.peakRssBytes / 2 ** 20)} MiB, calls ${JSON.stringify(client.apiCalls)}`,
  );
  return record;
}

/**
 * The runs of one fleet, in order: stops without faults, with the standard faults, with each extra fault case
 * (small fleets only), starts without and with faults (fleets up to `startsUpTo`), the baseline (when the
 * fleet asks for it); narrowed to `cases` when given.
 */
export function casesOf(fleet: FleetPlan, settings: RunSettings, cases: CaseFilter): RunCase[] {
  const none = { withFaults: false, faultCase: 'none', faults: {} };
  const standard = { withFaults: true, faultCase: 'standard', faults: settings.faults };
  const wanted = (id: string) => cases === undefined || cases.has(id);
  const stop = { approach: Approach.LightsOut, action: Action.Stop };
  const start = { approach: Approach.LightsOut, action: Action.Start };
  const starts = fleet.instances <= (settings.startsUpTo ?? Number.POSITIVE_INFINITY) && wanted('start');
  return [
    ...(wanted('none') ? [{ ...stop, ...none }] : []),
    ...(wanted('standard') ? [{ ...stop, ...standard }] : []),
    ...(fleet.instances <= settings.extraFaultsUpTo
      ? settings.extraFaults
          .filter((c) => wanted(c.id))
          .map((c) => ({ ...stop, withFaults: true, faultCase: c.name, faults: c.faults }))
      : []),
    ...(starts
      ? [
          { ...start, ...none },
          { ...start, ...standard },
        ]
      : []),
    ...(fleet.baseline && wanted('baseline')
      ? [{ approach: Approach.PerInstance, action: Action.Stop, ...none }]
      : []),
  ];
}

/** The most instances the unrecorded warm-up run stops (see {@link warmUp}). */
const WARM_UP_INSTANCES = 1_000;

/**
 * One unrecorded stop run, without faults, of at most 1,000 instances in the fleet's regions, before the
 * fleet's first measured run: it compiles the emulator's code paths (a fresh process answers its first
 * requests several times slower), which would otherwise be charged to whichever run came first, as a cloud
 * API is not cold. The measured runs each reset the emulator to their own fleet and quota buckets.
 */
async function warmUp(
  emulator: EmulatorProcess,
  fleet: FleetPlan,
  settings: RunSettings,
  context: SuiteContext,
): Promise<void> {
  const instances = Math.min(fleet.instances, WARM_UP_INSTANCES);
  await emulator.setFaults(faultSettings(settings));
  await emulator.reset(JSON.stringify({ instances: benchInstances(instances, fleet.regions) }));
  const run = { approach: Approach.LightsOut, action: Action.Stop };
  await runChild(context.bundle, scenarioSpec(emulator, fleet, settings, run, settings.maxTimeLimitMs));
}

/** Runs every scenario of one fleet against one emulator process. */
export async function runFleet(
  fleet: FleetPlan,
  settings: RunSettings,
  context: SuiteContext,
): Promise<{ records: RunRecord[]; emulatorStartMs: number }> {
  const runs = casesOf(fleet, settings, context.cases);
  if (runs.length === 0) return { records: [], emulatorStartMs: 0 };
  const fleetFile = await writeFleetFile(context.dir, fleet.instances, fleet.regions);
  const startedMs = performance.now();
  const emulator = await startEmulatorProcess({
    bin: context.bin,
    fleetFile,
    faults: faultSettings(settings),
    dir: context.dir,
  });
  const emulatorStartMs = performance.now() - startedMs;
  context.progress(
    `fleet of ${fleet.instances} in ${fleet.regions} region(s): emulator ready in ${(emulatorStartMs / 1000).toFixed(1)} s`,
  );
  const records: RunRecord[] = [];
  try {
    await warmUp(emulator, fleet, settings, context);
    for (const run of runs) {
      records.push(await measure(emulator, fleet, run, settings, context));
    }
  } finally {
    await emulator.stop();
  }
  return { records, emulatorStartMs };
}
