/**
 * Cold start of the bundled handler and of the CLI, each in fresh processes: how long importing the handler
 * takes, how long until its configuration is loaded as well, what the first request adds by loading undici,
 * how long `lights-out --help` takes, and how big the code is, chunk by chunk (what importing the handler
 * reads, and what it leaves to a dynamic import). Each figure is timed inside the process (wall and CPU time: on a shared machine wall time is noisy
 * and CPU time is the steadier yardstick), median over the repetitions, after one warm-up that fills the file
 * cache.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { median } from './bound.js';

/** Wall and CPU (user + system) time of one step, in ms. */
export interface Timing {
  wallMs: number;
  cpuMs: number;
}

/** One file of the handler's code: the entry or a chunk under dist/stop-lib/. */
export interface ChunkSize {
  /** Relative to dist/. */
  file: string;
  bytes: number;
  /** Read and evaluated by importing the handler (the entry and what it imports statically), or left lazy. */
  atImport: boolean;
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
  /** Importing undici's chunk after the configuration: what the first request adds (it is loaded once). */
  undiciMedianMs: number;
  undiciCpuMedianMs: number;
  /** The entry and every chunk, in the order: what importing reads, then the lazy chunks, largest first. */
  chunks: ChunkSize[];
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

/**
 * Imports the handler, then invokes it without credentials: it loads its configuration, then fails before any
 * request. Then imports undici's chunk, as the first request would.
 */
const HANDLER_SCRIPT = `${TIMER}
const { handler } = await import(process.argv[1]);
report('import');
await handler({ dryRun: true }).catch(() => {});
report('config');
const undiciStart = { wall: performance.now(), cpu: process.cpuUsage() };
await import(process.argv[2]);
const used = process.cpuUsage(undiciStart.cpu);
process.stderr.write('COLD ' + JSON.stringify({ name: 'undici', wallMs: performance.now() - undiciStart.wall, cpuMs: (used.user + used.system) / 1000 }) + '\\n');`;

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

/** The relative ES module specifiers a minified chunk imports statically (`import(...)` is not matched). */
function staticImportsOf(code: string): string[] {
  return [...code.matchAll(/(?:\bfrom|\bimport)\s*["'](\.{1,2}\/[^"']+)["']/g)].map((m) => m[1] as string);
}

/** The entry and every chunk next to it (dist/<entry>-lib/), marked by whether importing the entry reads it. */
export function bundleChunks(bundle: string): ChunkSize[] {
  const root = dirname(bundle);
  const atImport = new Set<string>();
  const queue = [bundle];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (atImport.has(file)) continue;
    atImport.add(file);
    for (const specifier of staticImportsOf(readFileSync(file, 'utf8'))) {
      queue.push(join(dirname(file), specifier));
    }
  }
  const dir = join(root, `${basename(bundle, '.js')}-lib`);
  const chunks = existsSync(dir)
    ? readdirSync(dir)
        .filter((n) => n.endsWith('.js'))
        .map((n) => join(dir, n))
    : [];
  const sizes = [bundle, ...chunks].map((file) => ({
    file: relative(root, file).split('\\').join('/'),
    bytes: readFileSync(file).length,
    atImport: atImport.has(file),
  }));
  return sizes.sort((a, b) => Number(b.atImport) - Number(a.atImport) || b.bytes - a.bytes);
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
  const chunks = bundleChunks(bundle);
  const undiciChunk = chunks.find((c) => /(^|\/)undici-[\w-]+\.js$/.test(c.file));
  if (undiciChunk === undefined) throw new Error(`no undici chunk next to ${bundle}`);
  const handlerArgs = [bundleUrl, pathToFileURL(join(dirname(bundle), undiciChunk.file)).href];
  timedProcess(HANDLER_SCRIPT, handlerArgs);
  timedProcess(HELP_SCRIPT, [binUrl]);
  const imports: Timing[] = [];
  const configs: Timing[] = [];
  const undicis: Timing[] = [];
  const helps: Timing[] = [];
  const processMs: number[] = [];
  const emptyMs: number[] = [];
  for (let n = 0; n < repetitions; n++) {
    const handler = timedProcess(HANDLER_SCRIPT, handlerArgs);
    imports.push(timing(handler.reports, 'import'));
    configs.push(timing(handler.reports, 'config'));
    undicis.push(timing(handler.reports, 'undici'));
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
    packageBytes: chunks.reduce((sum, c) => sum + c.bytes, 0),
    repetitions,
    importMedianMs: wall(imports),
    importCpuMedianMs: cpu(imports),
    importConfigMedianMs: wall(configs),
    importConfigCpuMedianMs: cpu(configs),
    undiciMedianMs: wall(undicis),
    undiciCpuMedianMs: cpu(undicis),
    chunks,
    helpMedianMs: wall(helps),
    helpCpuMedianMs: cpu(helps),
    cliEntryBytes: readFileSync(join(dirname(bundle), 'cli.js')).length,
    processMedianMs: median(processMs),
    emptyProcessMedianMs: median(emptyMs),
  };
}

/**
 * The chunk table of the report: each file of the handler's code, its size, and whether importing reads it.
 *
 * @example
 * chunkRows(result); // [['stop.js', '47 KiB', 'at import'], ..., ['stop-lib/undici-….js', '539 KiB', 'lazily']]
 */
export function chunkRows(result: ColdStartResult): string[][] {
  return result.chunks.map((c) => [
    `\`${c.file}\``,
    `${(c.bytes / 1024).toFixed(1)} KiB`,
    c.atImport ? 'at import' : 'lazily',
  ]);
}
