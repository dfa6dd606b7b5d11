/**
 * `npm run bench`: stop runs against the emulator in a separate process (rate quota and latency, with and
 * without faults, and the per-instance baseline), planning throughput, peak memory and cold start. Prints a
 * markdown table and writes it with the JSON of every figure. Progress goes to stderr.
 *
 *   npm run bench                        the full run (about 12 minutes on the idle 2-core machine); writes
 *                                        bench/results.md and bench/results.json
 *   npm run bench -- --quick             1,000-instance fleets only, about 5 minutes; writes to dist-bench/
 *   npm run bench -- --sizes 1000,10000  these fleet sizes, in 1 and 4 regions; writes to dist-bench/
 *   npm run bench -- --quotas 20         only this quota (requests/s; default 20 and 50); writes to dist-bench/
 *   npm run bench -- --no-baseline       without the per-instance baseline (a minute of its own)
 *   npm run bench -- --fill-ms 0         the pipeline's batch fill time overridden, to measure what it is worth
 *   npm run bench -- --cold-start        cold start and logging only, under a minute; writes to dist-bench/
 *   npm run bench -- --cases none,p90    only these cases: none, standard, p50, p90, q80 (stop runs), start
 *                                        (both start runs), baseline; writes to dist-bench/
 *   npm run bench -- --cpu-prof DIR      each run's client writes a V8 CPU profile into DIR
 *   npm run bench -- --regions 4         only the fleets in this many regions (1 or 4)
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, platform, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measureColdStart } from './cold-start.js';
import { measureLogging } from './logging.js';
import { measureInlinePlanning, measurePlanning } from './planning.js';
import { type BenchResults, renderMarkdown } from './report.js';
import { runScenarioChild } from './scenario.js';
import { type FleetPlan, type RunRecord, type RunSettings, runFleet } from './suite.js';

/** The emulator's quotas (requests/s per region and action) the runs are measured at. */
const QUOTAS = [20, 50];

const SETTINGS: RunSettings = {
  qps: 20,
  latencyMs: 30,
  faults: { flowLimitPerInstance: 0.3, flowLimitPerRequest: 0.1 },
  startFaults: { insufficientCapacity: 0.3 },
  extraFaults: [
    { id: 'p50', name: '50% per instance', faults: { flowLimitPerInstance: 0.5, flowLimitPerRequest: 0 } },
    { id: 'p90', name: '90% per instance', faults: { flowLimitPerInstance: 0.9, flowLimitPerRequest: 0 } },
    { id: 'q80', name: '80% of requests', faults: { flowLimitPerInstance: 0, flowLimitPerRequest: 0.8 } },
  ],
  // The issue's targets for these cases are on 1,000 instances; larger fleets would add minutes and no finding.
  extraFaultsUpTo: 1_000,
  // Starts go through the same pipeline as stops: larger fleets would measure the same code again.
  startsUpTo: 1_000,
  baselineInFlight: 10,
  timeLimitFactor: 4,
  minTimeLimitMs: 30_000,
  maxTimeLimitMs: 150_000,
  seed: 1,
};

/** The full run: the per-instance baseline only where it finishes in about a minute (50 s of quota). */
const FULL_FLEETS: FleetPlan[] = [
  { instances: 1_000, regions: 1, baseline: true },
  { instances: 1_000, regions: 4, baseline: false },
  { instances: 10_000, regions: 1, baseline: false },
  { instances: 10_000, regions: 4, baseline: false },
  { instances: 50_000, regions: 1, baseline: false },
  { instances: 50_000, regions: 4, baseline: false },
];

function fleetsFor(sizes: number[]): FleetPlan[] {
  return sizes.flatMap((instances) => [
    { instances, regions: 1, baseline: instances === 1_000 },
    { instances, regions: 4, baseline: false },
  ]);
}

function parseSizes(raw: string): number[] {
  const sizes = raw.split(',').map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error(`--sizes must be whole numbers separated by commas, got '${raw}'`);
  }
  return sizes;
}

/** The case ids `--cases` takes (see CaseFilter in suite.ts). */
const CASE_IDS = ['none', 'standard', ...SETTINGS.extraFaults.map((c) => c.id), 'start', 'baseline'];

function parseCases(raw: string): Set<string> {
  const cases = raw.split(',').map((s) => s.trim());
  const unknown = cases.filter((c) => !CASE_IDS.includes(c));
  if (unknown.length > 0 || cases.length === 0) {
    throw new Error(`--cases takes ${CASE_IDS.join(', ')} separated by commas, got '${raw}'`);
  }
  return new Set(cases);
}

const startedAt = performance.now();
function progress(message: string): void {
  const seconds = Math.round((performance.now() - startedAt) / 1000);
  process.stderr.write(
    `[bench ${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}] ${message}\n`,
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      sizes: { type: 'string' },
      quotas: { type: 'string' },
      'fill-ms': { type: 'string' },
      regions: { type: 'string' },
      'no-baseline': { type: 'boolean', default: false },
      'cold-start': { type: 'boolean', default: false },
      cases: { type: 'string' },
      'cpu-prof': { type: 'string' },
    },
  });
  const startupOnly = values['cold-start'];
  const quotas = values.quotas === undefined ? QUOTAS : parseSizes(values.quotas);
  const fillMs = values['fill-ms'] === undefined ? undefined : Number(values['fill-ms']);
  const root = fileURLToPath(new URL('..', import.meta.url));
  const full =
    !values.quick &&
    values.sizes === undefined &&
    values.quotas === undefined &&
    fillMs === undefined &&
    values.regions === undefined &&
    !values['no-baseline'] &&
    values.cases === undefined &&
    values['cpu-prof'] === undefined &&
    !startupOnly;
  const regionCounts = values.regions === undefined ? undefined : parseSizes(values.regions);
  const allFleets = startupOnly
    ? []
    : values.quick
      ? fleetsFor([1_000])
      : values.sizes
        ? fleetsFor(parseSizes(values.sizes))
        : FULL_FLEETS;
  const fleets = allFleets.filter((f) => regionCounts === undefined || regionCounts.includes(f.regions));
  const dir = await mkdtemp(join(tmpdir(), 'lights-out-bench-'));
  const context = {
    bin: join(root, 'bin', 'lights-out.js'),
    bundle: fileURLToPath(import.meta.url),
    dir,
    progress,
    ...(values.cases === undefined ? {} : { cases: parseCases(values.cases) }),
    ...(values['cpu-prof'] === undefined ? {} : { cpuProfileDir: resolve(values['cpu-prof']) }),
  };
  const runs: RunRecord[] = [];
  const emulatorStartMs: Record<string, number> = {};
  try {
    for (const qps of quotas) {
      const settings = { ...SETTINGS, qps, ...(fillMs === undefined ? {} : { batchFillMs: fillMs }) };
      for (const plan of fleets) {
        // The baseline once, at the first quota: its finding (calls and time against lights-out's) is the
        // same at either, and at 20/s it takes about a minute.
        const baseline = plan.baseline && !values['no-baseline'] && qps === quotas[0];
        const fleet = { ...plan, baseline };
        const measured = await runFleet(fleet, settings, context);
        runs.push(...measured.records);
        emulatorStartMs[`${fleet.instances}x${fleet.regions}`] = Math.round(measured.emulatorStartMs);
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const quick = values.quick || startupOnly;
  progress('planning throughput (100,000 instances, in memory)');
  const planning = measurePlanning(100_000, quick ? 3 : 5);
  progress('inline schedules against named ones (50,000 instances, in memory)');
  const inlinePlanning = measureInlinePlanning(50_000, quick ? 3 : 7);
  progress('cold start of dist/stop.js and lights-out --help');
  const coldStart = measureColdStart(join(root, 'dist', 'stop.js'), context.bin, quick ? 7 : 15);
  progress('logging 50,000 instance.outcome lines');
  const logging = await measureLogging(50_000, quick ? 3 : 5);
  const results: BenchResults = {
    command: `npm run bench${full ? '' : ` -- ${process.argv.slice(2).join(' ')}`}`,
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryBytes: totalmem(),
      node: process.version,
      os: `${platform()} ${release()}`,
    },
    settings: SETTINGS,
    quotas,
    loadAverage: loadavg().map((n) => Math.round(n * 100) / 100),
    runs,
    emulatorStartMs,
    planning,
    inlinePlanning,
    coldStart,
    logging,
    totalMs: Math.round(performance.now() - startedAt),
  };
  const markdown = renderMarkdown(results);
  const outDir = full ? join(root, 'bench') : join(root, 'dist-bench');
  await writeFile(join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(join(outDir, 'results.md'), markdown);
  process.stdout.write(markdown);
  progress(`done; wrote ${join(outDir, 'results.md')} and results.json`);
}

if (process.argv.includes('--scenario')) {
  runScenarioChild();
} else {
  main().catch((error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error)?.stack ?? error}\n`);
    process.exitCode = 1;
  });
}
