/**
 * Keeps what a test captures in memory (pino lines, a command's stdout and stderr) where `npm test`'s secret scan
 * reads it: the directory named by LIGHTS_OUT_TEST_LOG_DIR, which scripts/test.mjs creates and scans after
 * vitest exits. Without that variable (a bare `npx vitest run`) nothing is written.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { CliIo } from '../../lib/cli/io.js';

/** The variable naming the directory of kept logs. */
export const TEST_LOG_DIR_ENV = 'LIGHTS_OUT_TEST_LOG_DIR';

/**
 * Appends text to `<dir>/<name>.log` when the suite runs under `npm test`.
 *
 * @param name a file name for the log, usually the test file's (characters outside `[\w.-]` become `_`); an
 *   empty name keeps nothing (for output that holds the emulator's fake key pair by contract)
 * @example
 * keepTestLog('bad-tags', io.stdout.text());
 */
export function keepTestLog(name: string, text: string): void {
  const dir = process.env[TEST_LOG_DIR_ENV];
  if (dir === undefined || dir === '' || text === '' || name === '') return;
  appendFileSync(join(dir, `${name.replace(/[^\w.-]/g, '_')}.log`), text);
}

/** A pino destination whose lines are parsed for assertions and kept for the secret scan. */
export interface CapturedLog {
  /** Give this to `createLogger({ destination })`. */
  destination: Writable;
  /** Every line written so far, parsed. */
  lines: Record<string, unknown>[];
}

/**
 * A pino destination for a test: lines are parsed into `lines` and appended to the kept log `name`.
 *
 * @example
 * const log = captureLog('bad-tags');
 * const logger = createLogger({ destination: log.destination as never });
 */
export function captureLog(name: string): CapturedLog {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      const text = String(chunk);
      keepTestLog(name, text);
      for (const line of text.split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { destination, lines };
}

/** A CliIo whose output is kept in memory and in the kept log `name`. */
export interface CapturedIo extends CliIo {
  /** Everything written to stdout. */
  out(): string;
  /** Everything written to stderr. */
  err(): string;
}

/**
 * A CliIo for running a command in-process: output is captured (and kept for the secret scan), the clock fixed.
 *
 * @param env the command's environment
 * @param now the command's clock
 * @example
 * const io = captureIo('bad-config', { VOLC_ENDPOINT: emulator.url }, new Date('2026-03-09T15:30:00Z'));
 * expect(await main(['run', '-c', file], io)).toBe(2);
 */
export function captureIo(name: string, env: NodeJS.ProcessEnv, now: Date): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  const writer = (into: string[]) => ({
    write(chunk: string) {
      into.push(chunk);
      keepTestLog(name, chunk);
      return true;
    },
  });
  return {
    stdout: writer(out),
    stderr: writer(err),
    env,
    isTTY: false,
    signal: new AbortController().signal,
    now: () => new Date(now),
    out: () => out.join(''),
    err: () => err.join(''),
  };
}
