/**
 * Cold start of the bundled handler and of the CLI, each in fresh processes: how long importing the handler
 * takes, how long until its configuration is loaded as well, how long `lights-out --help` takes, and how big the
 * code is. Each figure is timed inside the process (wall and CPU time: on a shared machine wall time is noisy
 * and CPU time is the steadier yardstick), median over the repetitions, after one warm-up that fills the file
 * cache.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { median } from './bound.js';

/** Wall and CPU (user + system) time of one step, in ms. */
export interface Timing {
  wallMs: number;
  cpuMs: number;
}

/** The result of {@link measureColdStart}. */
export interface ColdStartResult {
  bundle: string;
  /** The handler's entry file. */
  bundleBytes: number;
  /** The entry gzipped. */
  gzipBytes: number;
  /** The entry and every chunk it may import (dist/stop-lib/), what the function package ships as code. */
  packageBytes: number;
  repetitions: number;
  /** `await import(bundle)` timed inside a fresh process. */
  importMedianMs: number;
  importCpuMedianMs: number;
  /** From the import's start until the handler has loaded its configuration (the bundled one). */
  importConfigMedianMs: number;
  importConfigCpuMedianMs: number;
  /** `lights-out --help` (bin/lights-out.js) timed inside a fresh process. */
  helpMedianMs: number;
  helpCpuMedianMs: number;
  /** The CLI's entry file, all that `--help` reads. */
  cliEntryBytes: number;
  /** Wall time of the process that imports the handler, and of an empty `node -e ""`, for reference. */
  processMedianMs: number;
  emptyProcessMedianMs: number;
}

const TIMER = `
const wall = performance.now();
const cpu = process.cpuUsage();
function report(name) {
  const used = process.cpuUsage(cpu);
  process.stderr.write('COLD ' + JSON.stringify({ name, wallMs: performance.now() - wall, cpuMs: (used.user + used.system) / 1000 }) + '\\n');
}`;

/** Imports the handler, then invokes it without credentials: it loads its configuration, then fails at once. */
const HANDLER_SCRIPT = `${TIMER}
const { handler } = await import(process.argv[1]);
report('import');
await handler({ dryRun: true }).catch(() => {});
report('config');`;

const HELP_SCRIPT = `${TIMER}
const bin = process.argv[1];
process.argv.push('--help'); // bin/lights-out.js reads process.argv.slice(2)
await import(bin);
report('help');`;

function timedProcess(script: string, args: string[]): { wallMs: number; reports: Map<string, Timing> } {
  const startedMs = performance.now();
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script, ...args], {
    encoding: 'utf8',
    // The handler reads its environment at import; an empty one keeps this shell's settings out of it.
    env: { PATH: process.env.PATH ?? '' },
  });
  const wallMs = performance.now() - startedMs;
  if (child.status !== 0) throw new Error(`cold start probe failed: ${child.stderr}`);
  const reports = new Map<string, Timing>();
  for (const line of child.stderr.split('\n')) {
    if (!line.startsWith('COLD ')) continue;
    const { name, ...timing } = JSON.parse(line.slice(5)) as Timing & { name: string };
    reports.set(name, timing);
  }
  return { wallMs, reports };
}

function timing(reports: Map<string, Timing>, name: string): Timing {
  const found = reports.get(name);
  if (found === undefined) throw new Error(`cold start probe did not report '${name}'`);
  return found;
}

function chunkBytes(bundle: string): number {
  const dir = join(dirname(bundle), `${basename(bundle, '.js')}-lib`);
  let bytes = 0;
  try {
    for (const name of readdirSync(dir))
      if (name.endsWith('.js')) bytes += readFileSync(join(dir, name)).length;
  } catch {
    // No chunks: the bundle is one file.
  }
  return bytes;
}

/**
 * Measures `bundle` (the handler) and `bin` (the CLI) in `repetitions` fresh processes each.
 *
 * @example
 * measureColdStart('dist/stop.js', 'bin/lights-out.js', 15);
 */
export function measureColdStart(bundle: string, bin: string, repetitions: number): ColdStartResult {
  const bundleUrl = pathToFileURL(bundle).href;
  const binUrl = pathToFileURL(bin).href;
  timedProcess(HANDLER_SCRIPT, [bundleUrl]);
  timedProcess(HELP_SCRIPT, [binUrl]);
  const imports: Timing[] = [];
  const configs: Timing[] = [];
  const helps: Timing[] = [];
  const processMs: number[] = [];
  const emptyMs: number[] = [];
  for (let n = 0; n < repetitions; n++) {
    const handler = timedProcess(HANDLER_SCRIPT, [bundleUrl]);
    imports.push(timing(handler.reports, 'import'));
    configs.push(timing(handler.reports, 'config'));
    processMs.push(handler.wallMs);
    helps.push(timing(timedProcess(HELP_SCRIPT, [binUrl]).reports, 'help'));
    emptyMs.push(timedProcess('', []).wallMs);
  }
  const code = readFileSync(bundle);
  const wall = (runs: Timing[]) => median(runs.map((r) => r.wallMs));
  const cpu = (runs: Timing[]) => median(runs.map((r) => r.cpuMs));
  return {
    bundle,
    bundleBytes: code.length,
    gzipBytes: gzipSync(code).length,
    packageBytes: code.length + chunkBytes(bundle),
    repetitions,
    importMedianMs: wall(imports),
    importCpuMedianMs: cpu(imports),
    importConfigMedianMs: wall(configs),
    importConfigCpuMedianMs: cpu(configs),
    helpMedianMs: wall(helps),
    helpCpuMedianMs: cpu(helps),
    cliEntryBytes: readFileSync(join(dirname(bundle), 'cli.js')).length,
    processMedianMs: median(processMs),
    emptyProcessMedianMs: median(emptyMs),
  };
}
