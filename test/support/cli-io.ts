/**
 * The in-process command line's I/O for tests: `main(args, io)` writes into memory, reads the given
 * environment and clock, and is never aborted.
 */
import type { CliIo } from '../../lib/cli/io.js';

/** What {@link fakeCliIo} may set; the rest defaults to an empty environment, no terminal, 2026-03-06 12:00Z. */
export interface FakeCliIoOptions {
  isTTY?: boolean;
  env?: NodeJS.ProcessEnv;
  /** ISO 8601 instant `io.now()` returns. */
  now?: string;
}

/** An io for `main` and what it wrote to stdout and stderr so far. */
export function fakeCliIo(options: FakeCliIoOptions = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: { write: (chunk: string) => out.push(chunk) },
    stderr: { write: (chunk: string) => err.push(chunk) },
    env: options.env ?? {},
    isTTY: options.isTTY ?? false,
    signal: new AbortController().signal,
    now: () => new Date(options.now ?? '2026-03-06T12:00:00Z'),
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}
