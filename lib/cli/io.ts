/** What a CLI command may touch, injected so that tests run commands in-process and read their output. */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from '../errors.js';

/** Exit codes of every command: a public contract. */
export const ExitCode = {
  Ok: 0,
  /** Some instance failed. */
  Failed: 1,
  /** Bad usage or an invalid configuration. */
  Usage: 2,
  /** The guard refused the run. */
  GuardRefused: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface CliIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  env: NodeJS.ProcessEnv;
  /** True when stdout is a terminal (human-readable output); false means JSON lines. */
  isTTY: boolean;
  /** Aborted on SIGINT/SIGTERM, for long-running commands (emulator, daemon). */
  signal: AbortSignal;
  /** The clock, injected for tests. */
  now: () => Date;
  /**
   * The clock, sleep and randomness of what a command waits on (a deploy's release polls, the demo's runs and
   * its emulator), injected for tests so that they skip the waits rather than spend them in real time.
   * @default the system's
   */
  clock?: { nowMs(): number; sleep(ms: number): Promise<void>; random(): number };
}

/** One subcommand of `lights-out`. */
export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The full usage text, printed by `lights-out <command> --help`. */
  usage: string;
  run(args: string[], io: CliIo): Promise<number>;
  /**
   * True for a long-running command that stops cleanly when `io.signal` aborts (SIGINT/SIGTERM). Any other
   * command is ended by the signal as a process normally is: a run stopped half-way is safe to start again,
   * since it sends the same ClientTokens.
   * @default false
   */
  handlesSignals?: boolean;
}

/** Resolves when `signal` aborts (at once if it already has). */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/**
 * Resolves when the process that started this one is gone (this process was handed to another parent).
 * `npx lights-out emulator` runs the emulator as a grandchild of npx; a supervisor or a test that kills npx
 * would otherwise leave the emulator listening with no one to stop it. Polls `process.ppid` (the edge of the
 * CLI, where the real process is known) every `intervalMs`; the timer never keeps the process alive.
 */
export function untilParentGone(intervalMs = 500): { gone: Promise<void>; cancel(): void } {
  const parent = process.ppid;
  let timer: NodeJS.Timeout | undefined;
  const gone = new Promise<void>((resolve) => {
    timer = setInterval(() => {
      if (process.ppid !== parent) resolve();
    }, intervalMs);
    timer.unref();
  });
  return { gone, cancel: () => clearInterval(timer) };
}

/**
 * Parses a command's arguments strictly: an unknown flag or a missing value is a UsageError (exit 2).
 *
 * @example
 * const { values } = parseCommandArgs(args, { config: { type: 'string', short: 'c' } });
 */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals });
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
}

/**
 * A writer over a process stream that stops writing once the reader has gone (`lights-out run | head`):
 * EPIPE, or any other write error, is swallowed and every later write is dropped. Output is secondary to the
 * work: a run that loses its reader keeps stopping instances and exits with its usual status, without a
 * stack trace.
 *
 * @example
 * const stdout = pipeSafeWriter(process.stdout);
 */
export function pipeSafeWriter(stream: NodeJS.WritableStream): { write(chunk: string): boolean } {
  let closed = false;
  // A failed write to a pipe is reported as an 'error' event, which would otherwise end the process.
  stream.on('error', () => {
    closed = true;
  });
  return {
    write(chunk) {
      if (closed) return false;
      try {
        return stream.write(chunk);
      } catch {
        closed = true;
        return false;
      }
    },
  };
}
