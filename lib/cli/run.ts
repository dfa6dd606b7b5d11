/**
 * `lights-out run`: one run now (or at `--at`): the same selection as `plan`, then the stops. JSON log lines
 * for machines (one `instance.outcome` per instance, one `run.summary`); a table and a summary for people.
 */

import type { Config } from '../config/index.js';
import { createLogger, type Logger } from '../logger.js';
import {
  firesAsIf,
  inlineWindowFor,
  type NotificationPreview,
  notifyBudgetFromEnv,
  type RunResult,
  runAndNotify,
} from '../run/index.js';
import type { RunSummary } from '../stop/index.js';
import {
  CLOUD_ENV_USAGE,
  type CloudContext,
  NOTIFY_ENV_USAGE,
  SELECTION_OPTIONS,
  SELECTION_USAGE,
  type Writer,
  withCloud,
} from './context.js';
import { type Command, ExitCode, parseCommandArgs } from './io.js';
import { fireLines, formatOutcomeTable, formatRunSummary, noFiresNote } from './report.js';

/**
 * The exit code of a finished run: 3 when the guard refused it, 1 when some instance failed, else 0.
 *
 * @example
 * runExitCode(result.summary); // 0
 */
export function runExitCode(summary: Pick<RunSummary, 'guardRefused' | 'outcomes'>): ExitCode {
  if (summary.guardRefused) return ExitCode.GuardRefused;
  return summary.outcomes.failed > 0 ? ExitCode.Failed : ExitCode.Ok;
}

/**
 * The run for people: its fires (or the note that none is due), the outcome table (when any instance was
 * selected), the summary block.
 *
 * @param view.asIf the fire was asked for with `--schedule` rather than found due.
 * @param view.note said instead of the fires when there are none.
 */
export function formatRunText(
  result: Pick<RunResult, 'plan' | 'outcomes' | 'summary'>,
  config: Pick<Config, 'tagKey' | 'schedules'>,
  view: { asIf: boolean; note: string },
): string {
  const parts = [
    result.plan.fires.length === 0 ? view.note : fireLines(result.plan, view.asIf),
    result.outcomes.length === 0 ? '' : formatOutcomeTable(result.outcomes),
    formatRunSummary(result.summary, result.plan, config),
  ];
  return parts.filter((part) => part !== '').join('\n');
}

/**
 * The run's logger. In JSON mode every line goes to stdout; for people, the outcomes are shown as a table
 * instead, so only warnings and errors are logged, to stderr, where problems stay visible.
 */
function runLogger(cloud: CloudContext, json: boolean): Logger {
  const target: Writer = json ? cloud.stdout : cloud.stderr;
  return createLogger({
    level: json ? 'info' : 'warn',
    secrets: cloud.secrets,
    // pino writes each serialized line to any object with a `write` method, synchronously.
    destination: {
      write: (line: string) => {
        // For people, a guard refusal is said once: the REFUSED line and one table row per instance. Its
        // per-instance warning lines (every selected instance fails GuardRefused) would repeat each one.
        if (
          !json &&
          line.includes('"errorCode":"GuardRefused"') &&
          line.includes('"event":"instance.outcome"')
        )
          return;
        target.write(line);
      },
    },
  });
}

/**
 * What `--notify-preview` prints: per target, whether its `when` would send, then the message as text.
 *
 * @example
 * formatPreviews(previews, config.file); // 'notify[0] feishu (when: changes): would send\n...'
 */
export function formatPreviews(previews: readonly NotificationPreview[], file: string): string {
  return previews
    .map((p) => {
      const head =
        p.target === null
          ? `no notify targets in ${file}; a target would get:`
          : `${p.target} ${p.type} (when: ${p.when}): ${p.send ? 'would send' : 'would send nothing'}`;
      return `${head}\n${p.text.replace(/^/gm, '  ')}`;
    })
    .join('\n');
}

/** The `run` command. */
export const runCommand: Command = {
  name: 'run',
  summary: 'Stop (or start) the instances of the schedules due now (or at --at); --dry-run to only log',
  usage: [
    'Usage: lights-out run [-c FILE] [--at ISO] [--schedule NAME [--action start|stop]] [--dry-run] [--force]',
    '                      [--notify-preview] [--json]',
    '',
    'Selects instances as `lights-out plan` does, then stops them (at a stop fire) or starts them (at a',
    'start fire): batched StopInstances/StartInstances calls with ClientTokens, retried with backoff, rate',
    'limited per region. Every selected instance gets exactly one outcome: stopped, already-stopped, started,',
    'already-running, skipped, gone, failed or dry-run.',
    '',
    'Options:',
    ...SELECTION_USAGE,
    '  --dry-run          decide and report, but send no StopInstances or StartInstances (outcome',
    '                     dry-run); the guard does not apply',
    '  --force            go ahead even when the stops and starts exceed guard.maxInstancesPerRun',
    '  --notify-preview   print the notification each notify target would get, and send none; the run',
    '                     is otherwise the same (add --dry-run to change nothing). With --json, one',
    '                     notify.preview line per target',
    '  --json             JSON log lines on stdout: one instance.outcome per instance and one run.summary;',
    '                     also the output when stdout is not a terminal. On a terminal without --json, a',
    '                     table of outcomes and a summary, with warnings and errors as JSON on stderr',
    '',
    ...CLOUD_ENV_USAGE,
    ...NOTIFY_ENV_USAGE,
    '',
    'Exit codes: 0 no instance failed, 1 some instance failed (or the instances could not be listed),',
    '2 bad usage, an invalid configuration, missing credentials or a bad endpoint, 3 the guard refused',
    'the run (more stops and starts than guard.maxInstancesPerRun; use --force).',
  ].join('\n'),
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      ...SELECTION_OPTIONS,
      'dry-run': { type: 'boolean' },
      force: { type: 'boolean' },
      'notify-preview': { type: 'boolean' },
    });
    const json = values.json === true || !io.isTTY;
    const budgetMs = notifyBudgetFromEnv(io.env);
    return withCloud('run', values, io, async (cloud) => {
      const note =
        cloud.fires.length === 0 && inlineWindowFor(cloud.config, cloud.request) === undefined
          ? noFiresNote(cloud.config, cloud.request.at)
          : '';
      if (json) cloud.stderr.write(note);
      let shown: NotificationPreview[] = [];
      const logger = runLogger(cloud, json);
      const preview =
        values['notify-preview'] === true
          ? (previews: NotificationPreview[]) => {
              shown = previews;
              if (json)
                for (const p of previews) logger.info({ event: 'notify.preview', ...p }, 'notify preview');
            }
          : undefined;
      let result: RunResult;
      try {
        result = await runAndNotify(
          cloud.config,
          {
            ...cloud.request,
            dryRun: values['dry-run'] === true,
            force: values.force === true,
            notify: { budgetMs, ...(preview && { preview }) },
          },
          { ...cloud.deps, logger, env: io.env },
        );
      } catch (error) {
        // The listing failed: the preview of the message that tells so is still shown.
        if (!json && shown.length > 0) cloud.stdout.write(formatPreviews(shown, cloud.config.file));
        throw error;
      }
      if (!json) {
        const asIf = firesAsIf(cloud.config, cloud.request);
        cloud.stdout.write(formatRunText(result, cloud.config, { asIf, note }));
        if (shown.length > 0) cloud.stdout.write(`\n${formatPreviews(shown, cloud.config.file)}`);
      }
      return runExitCode(result.summary);
    });
  },
};
