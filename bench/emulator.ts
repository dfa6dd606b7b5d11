/**
 * The emulator as a separate process (`lights-out emulator --fleet FILE --faults FILE`), so that serving the API
 * does not share an event loop with the code being measured; and its inspection API, to reset the fleet, change
 * the faults and count the calls it answered.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { CallRecord, FaultSettings } from '../lib/emulator/index.js';
import type { Credentials } from '../lib/volc/index.js';
import { median } from './bound.js';

/** What the emulator answered, per action, as its call log tells it. */
export interface ActionCalls {
  calls: number;
  /** Answers with HTTP 429 (the quota or an injected share). */
  throttled: number;
  /** Other answers that were not 200. */
  failed: number;
}

/** A running emulator process. */
export interface EmulatorProcess {
  url: string;
  credentials: Credentials;
  /** Replaces the fault settings (re-seeds the fault PRNG). */
  setFaults(faults: FaultSettings): Promise<void>;
  /** Restores the start fleet, forgets tokens, quota buckets and the call log. */
  /** Back to the start fleet, or to `fleetJson` when given. */
  reset(fleetJson?: string): Promise<void>;
  /** The call log since the last reset (count it per action with {@link countCalls}). */
  calls(): Promise<CallRecord[]>;
  /** How many instances the emulator accepted a stop (or start) of once, more than once, and never. */
  acceptedPerInstance(action: 'stop' | 'start'): Promise<AcceptedCounts>;
  /** Stops the process and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * The server's word on "every instance stopped once": instances whose stop (start) it accepted exactly once,
 * more than once (a client bug: a repeat not covered by its ClientToken), and never.
 */
export interface AcceptedCounts {
  once: number;
  more: number;
  never: number;
}

/** Options of {@link startEmulatorProcess}. */
export interface EmulatorProcessOptions {
  /** The `lights-out` command script. */
  bin: string;
  fleetFile: string;
  faults: FaultSettings;
  /** Where the faults file is written. */
  dir: string;
  /** How long the emulator may take to load its fleet. @default 120000 */
  startTimeoutMs?: number;
}

async function inspect(url: string, path: string, init: RequestInit = {}): Promise<unknown> {
  const response = await fetch(`${url}/_emulator/${path}`, init);
  const body: unknown = await response.json();
  if (!response.ok) throw new Error(`emulator ${path}: HTTP ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** Reads the one JSON line the emulator prints once it listens, or fails if the process ends first. */
async function readReadyLine(child: ChildProcess, timeoutMs: number): Promise<Record<string, string>> {
  const lines = createInterface({ input: child.stdout! });
  const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
  let onExit: (code: number | null) => void = () => {};
  const exitedEarly = new Promise<never>((_, reject) => {
    onExit = (code) => reject(new Error(`the emulator exited (${code}) before it listened`));
    child.once('exit', onExit);
  });
  try {
    const [line] = (await Promise.race([once(lines, 'line'), exitedEarly])) as [string];
    return JSON.parse(line) as Record<string, string>;
  } finally {
    clearTimeout(timer);
    child.off('exit', onExit);
    lines.close();
  }
}

/**
 * Starts `lights-out emulator` with the fleet and faults files and waits until it listens.
 *
 * @example
 * const emulator = await startEmulatorProcess({ bin: 'bin/lights-out.js', fleetFile, faults: { qps: 20 }, dir });
 * try { ... } finally { await emulator.stop(); }
 */
export async function startEmulatorProcess(options: EmulatorProcessOptions): Promise<EmulatorProcess> {
  const faultsFile = join(options.dir, 'faults.json');
  await writeFile(faultsFile, JSON.stringify(options.faults));
  const child = spawn(
    process.execPath,
    [options.bin, 'emulator', '--fleet', options.fleetFile, '--faults', faultsFile],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = once(child, 'exit');
  const ready = await readReadyLine(child, options.startTimeoutMs ?? 120_000);
  const url = ready.url!;
  return {
    url,
    credentials: { accessKeyId: ready.accessKeyId!, secretKey: ready.secretKey! },
    async setFaults(faults) {
      await inspect(url, 'faults', { method: 'PUT', body: JSON.stringify(faults) });
    },
    async reset(fleetJson = '') {
      await inspect(url, 'reset', { method: 'POST', body: fleetJson });
    },
    async calls() {
      const { calls } = (await inspect(url, 'calls')) as { calls: CallRecord[] };
      return calls;
    },
    async acceptedPerInstance(action) {
      const { instances } = (await inspect(url, 'instances')) as {
        instances: { stopAccepted: number; startAccepted: number }[];
      };
      return countAccepted(instances.map((i) => (action === 'stop' ? i.stopAccepted : i.startAccepted)));
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Counts a call log per action. */
export function countCalls(
  calls: readonly Pick<CallRecord, 'action' | 'httpStatus'>[],
): Record<string, ActionCalls> {
  const byAction: Record<string, ActionCalls> = {};
  for (const call of calls) {
    const counts = byAction[call.action] ?? { calls: 0, throttled: 0, failed: 0 };
    byAction[call.action] = counts;
    counts.calls += 1;
    if (call.httpStatus === 429) counts.throttled += 1;
    else if (call.httpStatus !== 200) counts.failed += 1;
  }
  return byAction;
}

/** Counts instances by how many times the server accepted their stop (start). */
export function countAccepted(acceptedPerInstance: readonly number[]): AcceptedCounts {
  const counts: AcceptedCounts = { once: 0, more: 0, never: 0 };
  for (const n of acceptedPerInstance) {
    if (n === 1) counts.once += 1;
    else if (n > 1) counts.more += 1;
    else counts.never += 1;
  }
  return counts;
}

/**
 * How long the slowest region's listing takes as a chain: its pages (DescribeInstances calls without
 * InstanceIds, retries included) times the median time between two of them reaching the server, a page's round
 * trip or the quota's interval, whichever is longer (NextToken makes each page wait for the one before).
 * 0 without two pages in a region.
 */
export function listingChainMs(
  calls: readonly Pick<CallRecord, 'action' | 'region' | 'time' | 'params'>[],
): number {
  const arrivals = new Map<string, number[]>();
  for (const call of calls) {
    if (call.action !== 'DescribeInstances' || call.params['InstanceIds.1'] !== undefined) continue;
    const times = arrivals.get(call.region) ?? [];
    arrivals.set(call.region, times);
    times.push(Date.parse(call.time));
  }
  let slowest = 0;
  for (const times of arrivals.values()) {
    if (times.length < 2) continue;
    times.sort((a, b) => a - b);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    slowest = Math.max(slowest, times.length * median(gaps));
  }
  return slowest;
}
