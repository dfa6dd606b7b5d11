/**
 * A real pino logger (the project's, redaction included) whose JSON lines are parsed into an array, so tests
 * assert on log data, not on console spies. No secret is handed to the logger for masking: a test that
 * scans these lines for the secret key then proves nothing ever tried to log it.
 */
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../lib/logger.js';
import { keepTestLog } from './test-log.js';

/** One parsed log line. */
export type LogLine = Record<string, unknown>;

/** A logger and everything it wrote. */
export interface CapturedLog {
  logger: Logger;
  /** Every line, parsed, in write order. */
  lines: LogLine[];
  /** Every line as written, for scans of the raw text. */
  raw: string[];
}

/**
 * A captured logger at `debug`, so retry lines are kept too. Under `npm test` the lines are also kept as the
 * log `name` for the suite-wide secret scan (see test-log.ts).
 *
 * @example
 * const log = captureLog('fault-matrix');
 * await runOnce(config, { at }, { ...deps, logger: log.logger });
 * log.lines.filter((l) => l.event === 'instance.outcome');
 */
export function captureLog(name = 'stop-path'): CapturedLog {
  const lines: LogLine[] = [];
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      keepTestLog(name, String(chunk));
      for (const line of String(chunk).split('\n')) {
        if (line === '') continue;
        raw.push(line);
        lines.push(JSON.parse(line) as LogLine);
      }
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', destination: destination as never }), lines, raw };
}

/** The lines of `event`, optionally only those bound to `runId`. */
export function linesOf(lines: readonly LogLine[], event: string, runId?: string): LogLine[] {
  return lines.filter((l) => l.event === event && (runId === undefined || l.runId === runId));
}
