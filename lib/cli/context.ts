/**
 * What `plan` and `run` share, and what later entry points can reuse: reading `--at`, loading the
 * configuration, choosing the fires, building the ECS clients from the environment, and turning setup and
 * listing failures into the contract's exit codes, with the client pool closed whatever happens.
 */

import type { Config } from '../config/index.js';
import { CONFIG_ENV, DEFAULT_CONFIG_PATH, loadConfig, resolveConfigPath } from '../config/index.js';
import { LightsOutError, SetupError, UsageError } from '../errors.js';
import { maskSecrets } from '../logger.js';
import {
  type ClientPool,
  createClientPool,
  DEFAULT_NOTIFY_BUDGET_MS,
  type FireRequest,
  firesFor,
  type ListDeps,
  NOTIFY_BUDGET_ENV,
  partialRunOf,
  systemClock,
} from '../run/index.js';
import { Action, type Fire } from '../schedule/index.js';
import { credentialsFromEnv } from '../volc/index.js';
import { type CliIo, ExitCode } from './io.js';
import { parseWhen, resolveWhen } from './when.js';

/** The flags `plan` and `run` share, in `parseCommandArgs` form. */
export const SELECTION_OPTIONS = {
  config: { type: 'string', short: 'c' },
  at: { type: 'string' },
  schedule: { type: 'string' },
  action: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** The usage lines of {@link SELECTION_OPTIONS}, so both commands describe them the same way. */
export const SELECTION_USAGE = [
  `  -c, --config FILE  the configuration file (default: $${CONFIG_ENV}, then ${DEFAULT_CONFIG_PATH})`,
  '  --at ISO           the tick instant (default: now): a date-time with Z or an offset, such as',
  '                     2026-03-09T22:00:00+08:00, or a date alone (2026-03-09): the start of that day',
  "                     in the configuration's timezone; the schedules due in the tick window that",
  '                     ends at or before it are selected',
  '  --schedule NAME    select only this schedule: its start or stop that falls in the tick window of',
  '                     --at (a schedule with only one of them: that one, as if it fired at --at)',
  '  --action ACTION    with --schedule: start or stop, as if it fired at --at, whatever the crons say',
  '                     (skip dates do not apply); `--schedule office-hours --action start` starts now',
];

/** The environment lines of the usage text of every command that talks to the cloud. */
export const CLOUD_ENV_USAGE = [
  'Environment:',
  '  VOLC_ACCESSKEY, VOLC_SECRETKEY  credentials (required; never read from the configuration)',
  '  VOLC_SESSION_TOKEN              STS session token (optional)',
  "  VOLC_ENDPOINT                   the OpenAPI endpoint; wins over the configuration's endpoint",
  `  ${CONFIG_ENV.padEnd(30)}  the configuration file when -c is not given`,
];

/** The environment lines of the commands that notify (`run`, `daemon`). */
export const NOTIFY_ENV_USAGE = [
  `  ${NOTIFY_BUDGET_ENV.padEnd(30)}  time for a run's notifications, in ms (default ${DEFAULT_NOTIFY_BUDGET_MS})`,
  "  the variables each notify target's urlEnv and secretEnv name",
];

/** Where a command writes; secrets are masked out of everything written through it. */
export interface Writer {
  write(chunk: string): unknown;
}

/** Everything a cloud command needs once the configuration and the environment are checked. */
export interface CloudContext {
  config: Config;
  /** What the user asked for: `at`, and the schedule and action when `--schedule` and `--action` were given. */
  request: FireRequest;
  /** The fires of the request (none when no schedule is due in the tick window). */
  fires: Fire[];
  /** Clients, the real clock, sleep and randomness, for planRun and runOnce. */
  deps: ListDeps;
  /** The secret key and the session token, for the logger's masking. */
  secrets: string[];
  /** io.stdout and io.stderr with every secret value masked. */
  stdout: Writer;
  stderr: Writer;
}

/** The flags {@link withCloud} reads. */
export interface SelectionFlags {
  config?: string | undefined;
  at?: string | undefined;
  schedule?: string | undefined;
  action?: string | undefined;
}

/**
 * Reads `--action`: `start` or `stop`, and only with `--schedule`.
 *
 * @throws UsageError saying what is expected.
 */
export function parseAction(flags: Pick<SelectionFlags, 'action' | 'schedule'>): Action | undefined {
  if (flags.action === undefined) return undefined;
  const actions: readonly string[] = Object.values(Action);
  if (!actions.includes(flags.action)) {
    throw new UsageError(`--action must be ${actions.join(' or ')}, got '${flags.action}'`);
  }
  if (flags.schedule === undefined) {
    throw new UsageError(
      `--action ${flags.action} needs --schedule NAME: the schedule whose instances to ${flags.action}`,
    );
  }
  return flags.action as Action;
}

/** A writer that replaces each secret value before writing (logger.ts does the same for log lines). */
export function maskedWriter(writer: Writer, secrets: readonly string[]): Writer {
  const scanned = secrets.filter((s) => s.length >= 4);
  return { write: (chunk) => writer.write(maskSecrets(chunk, scanned)) };
}

/**
 * Checks the request, the configuration and the environment, builds the clients, runs `body`, and closes
 * the clients. Bad `--at`, an unknown `--schedule` and an invalid configuration throw (main maps them to
 * exit 2); missing credentials or a bad endpoint print their message and give exit 2; a listing failure
 * prints its code and message and gives exit 1.
 *
 * @param name the command's name, for messages.
 * @example
 * return withCloud('plan', values, io, async (cloud) => { ...; return ExitCode.Ok; });
 */
export async function withCloud(
  name: string,
  flags: SelectionFlags,
  io: CliIo,
  body: (cloud: CloudContext) => Promise<number>,
): Promise<number> {
  const atFlag = flags.at === undefined ? undefined : parseWhen('--at', flags.at);
  const config = await loadConfig(resolveConfigPath(flags.config, io.env));
  const at = atFlag === undefined ? io.now() : resolveWhen(atFlag, config.timezone);
  const action = parseAction(flags);
  const request: FireRequest = {
    at,
    ...(flags.schedule === undefined ? {} : { schedule: flags.schedule }),
    ...(action === undefined ? {} : { action }),
  };
  const fires = firesFor(config, request);
  let pool: ClientPool;
  let secrets: string[];
  try {
    const credentials = credentialsFromEnv(io.env);
    secrets = [credentials.secretKey, credentials.sessionToken].filter((s): s is string => s !== undefined);
    pool = createClientPool(config, { env: io.env, credentials });
  } catch (error) {
    if (!(error instanceof SetupError)) throw error;
    io.stderr.write(`lights-out ${name}: ${error.message}\n`);
    return ExitCode.Usage;
  }
  const stderr = maskedWriter(io.stderr, secrets);
  const deps: ListDeps = { clientFor: pool.clientFor, ...systemClock };
  try {
    return await body({
      config,
      request,
      fires,
      deps,
      secrets,
      stdout: maskedWriter(io.stdout, secrets),
      stderr,
    });
  } catch (error) {
    if (!(error instanceof LightsOutError) || error instanceof UsageError) throw error;
    // runOnce and planRun throw only when the listing failed: before stopping started no instance can be
    // named; after it (listing overlaps stopping), what the run did is in its outcome lines.
    const partial = partialRunOf(error);
    const done = Object.entries(partial?.summary.outcomes ?? {})
      .filter(([, n]) => n > 0)
      .map(([outcome, n]) => `${n} ${outcome}`)
      .join(', ');
    stderr.write(
      partial === undefined
        ? `lights-out ${name}: could not list instances: ${error.code}: ${error.message}\n`
        : `lights-out ${name}: a listing failed after stopping started: ${error.code}: ${error.message}; ` +
            `before it: ${done || 'nothing'} (see the instance.outcome lines)\n`,
    );
    return ExitCode.Failed;
  } finally {
    await pool.close();
  }
}
