/**
 * Cold start of the bundled handler: how long a fresh Node process takes to import it (measured inside the
 * process, and as the wall time of the whole process minus that of an empty one), and how big the bundle is.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { median } from './bound.js';

/** The result of {@link measureColdStart}. */
export interface ColdStartResult {
  bundle: string;
  bundleBytes: number;
  /** The bundle gzipped, about what a deployment package weighs. */
  gzipBytes: number;
  repetitions: number;
  /** `await import(bundle)` timed inside a fresh process. */
  importMedianMs: number;
  /** Wall time of `node -e "await import(bundle)"`. */
  processMedianMs: number;
  /** Wall time of an empty `node -e ""`, for reference. */
  emptyProcessMedianMs: number;
}

const IMPORT_TIMED =
  'const t = performance.now(); await import(process.argv[1]); process.stdout.write(String(performance.now() - t));';

function timedProcess(script: string, args: string[]): { wallMs: number; stdout: string } {
  const startedMs = performance.now();
  const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script, ...args], {
    encoding: 'utf8',
    // The handler reads its environment at import; an empty one keeps this shell's settings out of it.
    env: { PATH: process.env.PATH ?? '' },
  });
  return { wallMs: performance.now() - startedMs, stdout };
}

/**
 * Imports `bundle` in `repetitions` fresh processes (after one warm-up that fills the file cache).
 *
 * @example
 * measureColdStart('dist/stop.js', 15);
 */
export function measureColdStart(bundle: string, repetitions: number): ColdStartResult {
  const url = pathToFileURL(bundle).href;
  timedProcess(IMPORT_TIMED, [url]);
  const importMs: number[] = [];
  const processMs: number[] = [];
  const emptyMs: number[] = [];
  for (let n = 0; n < repetitions; n++) {
    const run = timedProcess(IMPORT_TIMED, [url]);
    importMs.push(Number(run.stdout));
    processMs.push(run.wallMs);
    emptyMs.push(timedProcess('', []).wallMs);
  }
  const code = readFileSync(bundle);
  return {
    bundle,
    bundleBytes: code.length,
    gzipBytes: gzipSync(code).length,
    repetitions,
    importMedianMs: median(importMs),
    processMedianMs: median(processMs),
    emptyProcessMedianMs: median(emptyMs),
  };
}
