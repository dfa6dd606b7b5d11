/**
 * `lights-out plan`: what a run would do right now (or at `--at`), instance by instance, and why. Lists the
 * tagged instances and never stops anything.
 */

import type { Config } from '../config/index.js';
import { UsageError } from '../errors.js';
import type { Plan, PlanItem } from '../plan/index.js';
import { formatPlanTable } from '../plan/index.js';
import { firesAsIf, inlineWindowFor, planRun } from '../run/index.js';
import { CLOUD_ENV_USAGE, SELECTION_OPTIONS, SELECTION_USAGE, withCloud } from './context.js';
import { type Command, ExitCode, parseCommandArgs } from './io.js';
import { calendarLines, calendarWarnings, fireLines, guardRefusalLine, noFiresNote } from './report.js';

/** One line of `plan --json`: the contract's fields, then some more for people and scripts. */
export interface PlanItemJson {
  instanceId: string;
  region: string;
  /** The schedule tag's value. */
  schedule: string;
  /** ISO 8601 UTC; null for an instance whose tag names no configured schedule. */
  fireTime: string | null;
  /** `stop` or `start`: what the fire asks for. */
  action: string;
  /** `stop`, `start` or `skip`. */
  decision: string;
  reason: string;
  /** Null for skips; for a start, the mode the instance was stopped in. */
  stoppedMode: string | null;
  /** Null for skips and starts. */
  forceStop: boolean | null;
  instanceName: string;
  /** Where the stop mode came from (`tag`, `schedule`, `defaults`); null for skips. */
  modeSource: string | null;
  /** More about the reason; null when the reason says it all. */
  detail: string | null;
  /** For `unknown-schedule`: the schedule the tag probably meant; null when none is close. */
  hint: string | null;
  status: string;
  instanceChargeType: string;
  instanceTypeId: string;
}

/** The JSON object of one plan item. */
export function planItemJson(item: PlanItem): PlanItemJson {
  return {
    instanceId: item.instanceId,
    region: item.region,
    schedule: item.schedule,
    fireTime: item.fireTime,
    action: item.action,
    decision: item.decision,
    reason: item.reason,
    stoppedMode: item.stoppedMode ?? null,
    forceStop: item.forceStop ?? null,
    instanceName: item.instanceName,
    modeSource: item.modeSource ?? null,
    detail: item.detail ?? null,
    hint: item.hint ?? null,
    status: item.status,
    instanceChargeType: item.instanceChargeType,
    instanceTypeId: item.instanceTypeId,
  };
}

/**
 * The plan for people: its fires (with the calendar's reading of each governed one), the table with its
 * summary and guard lines, and a refusal warning.
 */
export function formatPlanText(plan: Plan, asIf: boolean, config?: Pick<Config, 'schedules'>): string {
  const readings = config === undefined ? '' : calendarLines(config, plan.fires);
  return `${fireLines(plan, asIf)}${readings}\n${formatPlanTable(plan)}${guardRefusalLine(plan)}`;
}

/** The `plan` command. */
export const planCommand: Command = {
  name: 'plan',
  summary: 'Show what a run would stop or start and why, instance by instance (read-only)',
  usage: [
    'Usage: lights-out plan [-c FILE] [--at ISO] [--schedule NAME [--action start|stop]] [--json | --table]',
    '',
    'Lists the instances that carry the schedule tag in every configured region and shows, for each one of',
    'a selected schedule (and each whose tag names no configured schedule), whether a run would stop it',
    '(with which stop mode) or start it, or why it would be skipped. Nothing is ever stopped or started:',
    'only DescribeRegions and DescribeInstances are called. When no schedule is due in the tick window of',
    '--at, says so with the',
    'next fire of each one and any fire a skip date or a calendar removes there. A fire a calendar governs',
    "is read in plain language; a calendar whose base has no data for the fire's year gets a warning on",
    'stderr.',
    '',
    'Options:',
    ...SELECTION_USAGE,
    '  --json             one JSON object per instance instead of the table: instanceId, region,',
    '                     schedule, fireTime, action, decision, reason, stoppedMode, forceStop (null for',
    '                     skips), plus instanceName, modeSource, detail, hint, status, instanceChargeType,',
    '                     instanceTypeId; also the output when stdout is not a terminal',
    '  --table            the table for people even when stdout is not a terminal',
    '',
    ...CLOUD_ENV_USAGE,
    '',
    'Exit codes: 0 planned, 1 the instances could not be listed, 2 bad usage, an invalid configuration,',
    'missing credentials or a bad endpoint.',
  ].join('\n'),
  async run(args, io) {
    const { values } = parseCommandArgs(args, { ...SELECTION_OPTIONS, table: { type: 'boolean' } });
    if (values.json === true && values.table === true) {
      throw new UsageError('--json and --table cannot be used together');
    }
    // Like run and next: JSON lines for a pipe or a file, the table for a terminal or when asked for.
    const json = values.json === true || (!io.isTTY && values.table !== true);
    return withCloud('plan', values, io, async (cloud) => {
      cloud.stderr.write(calendarWarnings(cloud.config, cloud.fires, cloud.request.at));
      if (cloud.fires.length === 0 && inlineWindowFor(cloud.config, cloud.request) === undefined) {
        (json ? cloud.stderr : cloud.stdout).write(noFiresNote(cloud.config, cloud.request.at));
        return ExitCode.Ok;
      }
      const plan = await planRun(cloud.config, cloud.request, cloud.deps);
      cloud.stdout.write(
        json
          ? plan.items.map((item) => `${JSON.stringify(planItemJson(item))}\n`).join('')
          : formatPlanText(plan, firesAsIf(cloud.config, cloud.request), cloud.config),
      );
      return ExitCode.Ok;
    });
  },
};
