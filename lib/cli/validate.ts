/**
 * `lights-out validate`: checks a configuration file without touching the cloud. Exit 0 with a one-line
 * summary on stdout, or exit 2 with every problem on stderr as `FILE:LINE:COLUMN: message`.
 */

import type { Config } from '../config/index.js';
import { CONFIG_ENV, DEFAULT_CONFIG_PATH, loadConfig, resolveConfigPath } from '../config/index.js';
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
    'Usage: lights-out validate [-c FILE]',
    '',
    'Checks a configuration file strictly and reports every problem at once, as FILE:LINE:COLUMN: message.',
    'Nothing is sent to the cloud and no credentials are needed. A calendar whose base has no data for a',
    'year in the coming 366 days gets a warning on stderr (the file is still valid).',
    '',
    'Options:',
    `  -c, --config FILE  the configuration file (default: $${CONFIG_ENV}, then ${DEFAULT_CONFIG_PATH})`,
    '',
    'Exit codes: 0 the file is valid, 2 it is not (or bad usage).',
  ].join('\n'),
  async run(args, io) {
    const { values } = parseCommandArgs(args, { config: { type: 'string', short: 'c' } });
    const file = resolveConfigPath(values.config, io.env);
    try {
      const config = await loadConfig(file);
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
