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
import { type ActionCalls, type EmulatorProcess, startEmulatorProcess } from './emulator.js';
import { BENCH_REGIONS, stoppedFleetJson, writeFleetFile } from './fleet.js';
import { Approach, type ScenarioResult, type ScenarioSpec } from './scenario.js';

/** The conditions every run shares. */
export interface RunSettings {
  /** The emulator's quota per region and action, and lights-out's rateLimit.qps. */
  qps: number;
  latencyMs: number;
  /** The faults of the "with faults" runs: the standard case every fleet runs. */
  faults: Required<BoundFaults>;
  /** Harder fault cases (stop runs), on fleets of at most `extraFaultsUpTo` instances. */
  extraFaults: { name: string; faults: Required<BoundFaults> }[];
  extraFaultsUpTo: number;
  /** Overrides the pipeline's batch fill time (ms), to measure it. @default the shipped one */
  batchFillMs?: number;
  /**
   * Runs only the cases whose `<approach> <action> <fault case>` (say `lights-out stop 90% per instance`)
   * contains one of these strings. @default every case
   */
  onlyCases?: string[];
  /** Start runs with faults add these: a share of starts refused with Insufficient.InstanceCapacity. */
  startFaults: { insufficientCapacity: number };
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
}

/** Runs one scenario in a child process of the bench bundle. */
async function runChild(bundle: string, spec: ScenarioSpec): Promise<ScenarioResult> {
  const child = fork(bundle, ['--scenario'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = once(child, 'exit');
  child.send(spec);
  const [reply] = (await once(child, 'message')) as [{ result?: ScenarioResult; error?: string }];
  await exited;
  if (reply.error !== undefined || reply.result === undefined)
    throw new Error(`scenario failed: ${reply.error}`);
  return reply.result;
}

/** One run of a fleet: the approach, the action and the faults injected. */
interface RunCase {
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
  const client = await runChild(context.bundle, {
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
  });
  const server = await emulator.callsByAction();
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
    client,
    timeOverBound: client.wallMs / boundMs,
  };
  context.progress(
    `  ${run.approach} ${run.action} at ${settings.qps}/s, faults ${run.faultCase}: ${(client.wallMs / 1000).toFixed(1)} s ` +
      `(bound ${(boundMs / 1000).toFixed(1)} s), ${client.stopped} stopped, ${client.started ?? 0} started, ` +
      `${client.failed} failed, ` +
      `calls ${JSON.stringify(client.apiCalls)}`,
  );
  return record;
}

/** Runs every scenario of one fleet against one emulator process. */
export async function runFleet(
  fleet: FleetPlan,
  settings: RunSettings,
  context: SuiteContext,
): Promise<{ records: RunRecord[]; emulatorStartMs: number }> {
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
    const none = { withFaults: false, faultCase: 'none', faults: {} };
    const standard = { withFaults: true, faultCase: 'standard', faults: settings.faults };
    const runs: RunCase[] = [
      { approach: Approach.LightsOut, action: Action.Stop, ...none },
      { approach: Approach.LightsOut, action: Action.Stop, ...standard },
      ...(fleet.instances <= settings.extraFaultsUpTo
        ? settings.extraFaults.map((c) => ({
            approach: Approach.LightsOut,
            action: Action.Stop,
            withFaults: true,
            faultCase: c.name,
            faults: c.faults,
          }))
        : []),
      { approach: Approach.LightsOut, action: Action.Start, ...none },
      { approach: Approach.LightsOut, action: Action.Start, ...standard },
      ...(fleet.baseline ? [{ approach: Approach.PerInstance, action: Action.Stop, ...none }] : []),
    ];
    const only = settings.onlyCases;
    const chosen = runs.filter(
      (run) =>
        only === undefined ||
        only.some((name) => `${run.approach} ${run.action} ${run.faultCase}`.includes(name)),
    );
    for (const run of chosen) records.push(await measure(emulator, fleet, run, settings, context));
  } finally {
    await emulator.stop();
  }
  return { records, emulatorStartMs };
}
