/**
 * `lights-out validate`: checks a configuration file without touching the cloud. Exit 0 with a one-line
 * summary on stdout, or exit 2 with every problem on stderr as `FILE:LINE:COLUMN: message`.
 */

import type { Config } from '../config/index.js';
import { CONFIG_ENV, DEFAULT_CONFIG_PATH, loadConfig, resolveConfigPath } from '../config/index.js';
import { checkServerlessTimer, SERVERLESS_FILE } from '../deploy/index.js';
import { ConfigError, formatConfigIssue } from '../errors.js';
import { calendarGaps, calendarGapText } from '../schedule/index.js';
import { type Command, ExitCode, parseCommandArgs } from './io.js';

/** How far ahead `validate` looks for years a calendar's base has no data for: a year, so a team can update in time. */
const VALIDATE_LOOKAHEAD_MS = 366 * 86_400_000;

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * The one-line summary of a valid configuration.
 *
 * @example
 * summarizeConfig(config); // 'schedules/lights-out.yaml: valid, 1 schedule (nightly), 1 region, tag lights-out'
 */
export function summarizeConfig(config: Config): string {
  const names = config.schedules.map((s) => s.name).join(', ');
  return (
    `${config.file}: valid, ${plural(config.schedules.length, 'schedule')} (${names}), ` +
    `${plural(config.regions.length, 'region')}, tag ${config.tagKey}`
  );
}

/** The `validate` command. */
export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check a configuration file and print a one-line summary',
  usage: [
    'Usage: lights-out validate [-c FILE] [--serverless FILE] [--strict]',
    '',
    'Checks a configuration file strictly and reports every problem at once, as FILE:LINE:COLUMN: message.',
    "Then warns when the AWS Lambda timer (serverless.yml's schedule) does not fire on the configuration's",
    'tick grid at its period, and when a calendar whose base has no data for a year in the coming 366 days',
    'governs a schedule (the file is still valid). Nothing is sent to the cloud and no credentials are needed.',
    '',
    'Options:',
    `  -c, --config FILE    the configuration file (default: $${CONFIG_ENV}, then ${DEFAULT_CONFIG_PATH})`,
    `  --serverless FILE    the serverless.yml to check the timer of (default: ${SERVERLESS_FILE}, when present)`,
    '  --strict             treat a timer that disagrees with the tick as an error (npm run package uses it)',
    '',
    'Exit codes: 0 the file is valid, 2 it is not, or the timer disagrees under --strict (or bad usage).',
  ].join('\n'),
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      config: { type: 'string', short: 'c' },
      serverless: { type: 'string' },
      strict: { type: 'boolean' },
    });
    const file = resolveConfigPath(values.config, io.env);
    try {
      const config = await loadConfig(file);
      const problems = await checkServerlessTimer(values.serverless ?? SERVERLESS_FILE, config.tickMs, {
        required: values.serverless !== undefined,
      });
      const level = values.strict ? 'error' : 'warning';
      for (const { where, message } of problems) io.stderr.write(`${where}: ${level}: ${message}\n`);
      if (values.strict && problems.length > 0) return ExitCode.Usage;
      io.stdout.write(`${summarizeConfig(config)}\n`);
      // A calendar's base that lacks the coming year's data still runs (Monday to Friday): warn, do not fail.
      const now = io.now();
      const yearAhead = new Date(now.getTime() + VALIDATE_LOOKAHEAD_MS);
      for (const gap of calendarGaps(config.schedules, now, yearAhead)) {
        io.stderr.write(`warning: ${calendarGapText(gap)}\n`);
      }
      return ExitCode.Ok;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      io.stderr.write(`${error.issues.map(formatConfigIssue).join('\n')}\n`);
      return ExitCode.Usage;
    }
  },
};
