/**
 * `lights-out plan`: what a run would do right now (or at `--at`), instance by instance, and why. Lists the
 * tagged instances and never stops anything.
 */
import { formatPlanTable } from '../plan/index.js';
import type { Plan, PlanItem } from '../plan/types.js';
import { inlineWindowFor, planRun } from '../run/index.js';
import { CLOUD_ENV_USAGE, SELECTION_OPTIONS, SELECTION_USAGE, withCloud } from './context.js';
import { type Command, ExitCode, parseCommandArgs } from './io.js';
import { fireLines, guardRefusalLine, noFiresNote } from './report.js';

/** One line of `plan --json`: the contract's fields, then some more for people and scripts. */
export interface PlanItemJson {
  instanceId: string;
  region: string;
  /** The schedule tag's value. */
  schedule: string;
  /** ISO 8601 UTC; null for an instance whose tag names no configured schedule. */
  fireTime: string | null;
  decision: string;
  reason: string;
  /** Null for skips. */
  stoppedMode: string | null;
  /** Null for skips. */
  forceStop: boolean | null;
  instanceName: string;
  /** Where the stop mode came from (`tag`, `schedule`, `defaults`); null for skips. */
  modeSource: string | null;
  /** More about the reason; null when the reason says it all. */
  detail: string | null;
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
    decision: item.decision,
    reason: item.reason,
    stoppedMode: item.stoppedMode ?? null,
    forceStop: item.forceStop ?? null,
    instanceName: item.instanceName,
    modeSource: item.modeSource ?? null,
    detail: item.detail ?? null,
    status: item.status,
    instanceChargeType: item.instanceChargeType,
    instanceTypeId: item.instanceTypeId,
  };
}

/** The plan for people: its fires, the table with its summary and guard lines, and a refusal warning. */
export function formatPlanText(plan: Plan, asIf: boolean): string {
  return `${fireLines(plan, asIf)}\n${formatPlanTable(plan)}${guardRefusalLine(plan)}`;
}

/** The `plan` command. */
export const planCommand: Command = {
  name: 'plan',
  summary: 'Show what a run would stop and why, instance by instance (read-only)',
  usage: [
    'Usage: lights-out plan [-c FILE] [--at ISO] [--schedule NAME] [--json]',
    '',
    'Lists the instances that carry the schedule tag in every configured region and shows, for each one of',
    'a selected schedule (and each whose tag names no configured schedule), whether a run would stop it,',
    'with which stop mode, or why it would be skipped. Nothing is ever stopped: only DescribeInstances is',
    'called. When no schedule is due in the tick window of --at, says so with the next fire of each one.',
    '',
    'Options:',
    ...SELECTION_USAGE,
    '  --json             one JSON object per instance instead of the table: instanceId, region,',
    '                     schedule, fireTime, decision, reason, stoppedMode, forceStop (null for skips),',
    '                     plus instanceName, modeSource, detail, status, instanceChargeType, instanceTypeId',
    '',
    ...CLOUD_ENV_USAGE,
    '',
    'Exit codes: 0 planned, 1 the instances could not be listed, 2 bad usage, an invalid configuration,',
    'missing credentials or a bad endpoint.',
  ].join('\n'),
  async run(args, io) {
    const { values } = parseCommandArgs(args, SELECTION_OPTIONS);
    const json = values.json === true;
    return withCloud('plan', values, io, async (cloud) => {
      if (cloud.fires.length === 0 && inlineWindowFor(cloud.config, cloud.request) === undefined) {
        (json ? cloud.stderr : cloud.stdout).write(noFiresNote(cloud.config, cloud.request.at));
        return ExitCode.Ok;
      }
      const plan = await planRun(cloud.config, cloud.request, cloud.deps);
      cloud.stdout.write(
        json
          ? plan.items.map((item) => `${JSON.stringify(planItemJson(item))}\n`).join('')
          : formatPlanText(plan, cloud.request.schedule !== undefined),
      );
      return ExitCode.Ok;
    });
  },
};
