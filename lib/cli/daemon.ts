/**
 * `lights-out daemon`: the self-hosted scheduler. Loads the configuration once, wakes on the tick like the
 * cloud timer (one node-cron task, UTC), runs what the handler runs for each tick, and logs JSON lines to
 * stdout exactly as the handler does. SIGINT/SIGTERM stop it cleanly once the run in flight has ended.
 */
import { CONFIG_ENV, DEFAULT_CONFIG_PATH, loadConfig, resolveConfigPath } from '../config/index.js';
import { createCronTicker, startDaemon, type Ticker } from '../daemon/index.js';
import { SetupError } from '../errors.js';
import { createLogger } from '../logger.js';
import { createClientPool, notifyBudgetFromEnv, systemClock } from '../run/index.js';
import { credentialsFromEnv } from '../volc/index.js';
import { CLOUD_ENV_USAGE, NOTIFY_ENV_USAGE } from './context.js';
import { type CliIo, type Command, ExitCode, parseCommandArgs, untilAborted } from './io.js';

/** What tests may replace in {@link createDaemonCommand}. */
export interface DaemonCommandOptions {
  /** @default createCronTicker({ logger }): node-cron */
  ticker?: Ticker;
}

/** Credentials and clients, or the exit-2 message of a setup problem. */
function connect(config: Awaited<ReturnType<typeof loadConfig>>, io: CliIo) {
  try {
    const credentials = credentialsFromEnv(io.env);
    return { credentials, pool: createClientPool(config, { env: io.env, credentials }) };
  } catch (error) {
    if (error instanceof SetupError) return { problem: error.message };
    throw error;
  }
}

/**
 * The `daemon` command, with its ticker replaceable for tests.
 *
 * @example
 * const command = createDaemonCommand({ ticker: fakeTicker });
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
      "Wakes on the configuration's tick like the cloud timer (one node-cron task, in UTC) and runs what the",
      'cloud handler runs for that tick: every fire in the tick window, with its scheduled fire time, skip dates',
      'and daylight saving applied. A fire runs at the first tick at or after it. Runs never overlap: the ticks',
      'that come during a run are caught up, once, when it ends. Each run sends its notifications (notify:).',
      'Logs JSON lines to stdout. On SIGINT or SIGTERM it starts nothing new, waits for the run in flight,',
      'and exits 0.',
      '',
      'Options:',
      `  -c, --config FILE  the configuration file (default: $${CONFIG_ENV}, then ${DEFAULT_CONFIG_PATH});`,
      '                     read once at start',
      '',
      ...CLOUD_ENV_USAGE,
      ...NOTIFY_ENV_USAGE,
      '',
      'Exit codes: 0 stopped by a signal, 2 bad usage, an invalid configuration or missing credentials.',
    ].join('\n'),
    async run(args, io) {
      const { values } = parseCommandArgs(args, { config: { type: 'string', short: 'c' } });
      const config = await loadConfig(resolveConfigPath(values.config, io.env));
      const notifyBudgetMs = notifyBudgetFromEnv(io.env);
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
          env: io.env,
          notifyBudgetMs,
          ticker: options.ticker ?? createCronTicker({ logger }),
          close: () => pool.close(),
        });
      } catch (error) {
        await pool.close();
        throw error;
      }
      await untilAborted(io.signal);
      await daemon.stop();
      return ExitCode.Ok;
    },
  };
}

/** The `daemon` command. */
export const daemonCommand: Command = createDaemonCommand();
