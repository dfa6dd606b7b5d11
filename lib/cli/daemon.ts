/**
 * `lights-out daemon`: the self-hosted scheduler. Loads the configuration once, registers each schedule's
 * crons with node-cron in the schedule's time zone, runs a schedule when it fires, and logs JSON lines to
 * stdout exactly as the handler does. SIGINT/SIGTERM stop it cleanly once the runs in flight have ended.
 */
import { CONFIG_ENV, DEFAULT_CONFIG_PATH, loadConfig, resolveConfigPath } from '../config/index.js';
import { LightsOutError } from '../errors.js';
import { createLogger } from '../logger.js';
import {
  createClientPool,
  createCronScheduler,
  type Scheduler,
  startDaemon,
  systemClock,
} from '../run/index.js';
import { credentialsFromEnv } from '../volc/credentials.js';
import { CLOUD_ENV_USAGE } from './context.js';
import { type CliIo, type Command, ExitCode, parseCommandArgs, untilAborted } from './io.js';

/** Setup errors that are the operator's to fix (exit 2), not failures of a run. */
const SETUP_ERRORS = new Set([
  'MissingCredentials',
  'InvalidCredentials',
  'InvalidEndpoint',
  'InsecureEndpoint',
]);

/** What tests may replace in {@link createDaemonCommand}. */
export interface DaemonCommandOptions {
  /** @default createCronScheduler({ logger }): node-cron */
  scheduler?: Scheduler;
}

/** Credentials and clients, or the exit-2 message of a setup problem. */
function connect(config: Awaited<ReturnType<typeof loadConfig>>, io: CliIo) {
  try {
    const credentials = credentialsFromEnv(io.env);
    return { credentials, pool: createClientPool(config, { env: io.env, credentials }) };
  } catch (error) {
    if (error instanceof LightsOutError && SETUP_ERRORS.has(error.code)) return { problem: error.message };
    throw error;
  }
}

/**
 * The `daemon` command, with its scheduler replaceable for tests.
 *
 * @example
 * const command = createDaemonCommand({ scheduler: fakeScheduler });
 * const exit = command.run(['-c', 'lights-out.yaml'], io);
 */
export function createDaemonCommand(options: DaemonCommandOptions = {}): Command {
  return {
    name: 'daemon',
    handlesSignals: true,
    summary: 'Run the schedules in this process (self-hosted, node-cron), until SIGINT/SIGTERM',
    usage: [
      'Usage: lights-out daemon [-c FILE]',
      '',
      "Registers each schedule's cron expressions with node-cron in the schedule's time zone and runs the",
      'schedule when it fires, with the scheduled fire time: skip dates and daylight saving are applied as in',
      'the cloud handler. A schedule never runs twice at once (a fire during its run is skipped and logged).',
      'Logs JSON lines to stdout. On SIGINT or SIGTERM it starts nothing new, waits for the runs in flight,',
      'and exits 0.',
      '',
      'Options:',
      `  -c, --config FILE  the configuration file (default: $${CONFIG_ENV}, then ${DEFAULT_CONFIG_PATH});`,
      '                     read once at start',
      '',
      ...CLOUD_ENV_USAGE,
      '',
      'Exit codes: 0 stopped by a signal, 2 bad usage, an invalid configuration or missing credentials.',
    ].join('\n'),
    async run(args, io) {
      const { values } = parseCommandArgs(args, { config: { type: 'string', short: 'c' } });
      const config = await loadConfig(resolveConfigPath(values.config, io.env));
      const connected = connect(config, io);
      if ('problem' in connected) {
        io.stderr.write(`lights-out daemon: ${connected.problem}\n`);
        return ExitCode.Usage;
      }
      const { credentials, pool } = connected;
      const logger = createLogger({
        secrets: [credentials.secretKey, credentials.sessionToken],
        destination: { write: (line: string) => void io.stdout.write(line) },
      });
      let daemon: ReturnType<typeof startDaemon>;
      try {
        daemon = startDaemon(config, {
          clientFor: pool.clientFor,
          nowMs: () => io.now().getTime(),
          sleep: systemClock.sleep,
          random: systemClock.random,
          logger,
          scheduler: options.scheduler ?? createCronScheduler({ logger }),
          close: () => pool.close(),
        });
      } catch (error) {
        await pool.close();
        throw error;
      }
      if (config.inline) {
        // The daemon wakes per named schedule; inline schedules fire on the tick, which it does not follow yet.
        logger.warn(
          { event: 'daemon.inline-not-run', inlineTagKey: config.inline.tagKey },
          'inline schedules are not run by the daemon: instances tagged only with the inline tag are left running',
        );
      }
      await untilAborted(io.signal);
      await daemon.stop();
      return ExitCode.Ok;
    },
  };
}

/** The `daemon` command. */
export const daemonCommand: Command = createDaemonCommand();
