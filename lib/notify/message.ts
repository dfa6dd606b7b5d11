/**
 * The content of a run notification, before any platform's format: what fired (in local time), the counts per
 * outcome, the failures with their codes, the guard's refusal, capacity refusals, instances whose tag names
 * an unknown schedule or carries an invalid inline value, a failed listing, the savings, and the run's tick.
 * Pure: built from the run's result (or its listing error) and one target's schedule filter.
 */
import type { Config, NotifyTarget } from '../config/index.js';
import { NotifyWhen } from '../config/index.js';
import type { Plan } from '../plan/index.js';
import { type Action, wallTime } from '../schedule/index.js';
import type { InstanceOutcome, RunSavings, RunSummary, ScheduleSavings } from '../stop/index.js';

/** At most this many failed instances are listed; the rest are counted ("and N more"). */
export const MAX_LISTED_FAILURES = 20;

/** At most this many unknown-schedule or invalid-inline instances are named. */
export const MAX_LISTED_STRAYS = 10;

/** Skip reasons of instances whose tag cannot be followed: told to the team, which can fix the tag. */
const STRAY_REASONS: ReadonlySet<string> = new Set(['unknown-schedule', 'invalid-inline-schedule']);

/** One failed instance as the message lists it. */
export interface FailureLine {
  instanceId: string;
  instanceName: string;
  region: string;
  schedule: string;
  errorCode: string;
}

/** The content of one notification, for one target. */
export interface RunMessage {
  /** The run's tick (ISO 8601 UTC): a platform retry of the same tick may post twice, and this tells them apart. */
  tick: string;
  /** True when nothing was sent to the API (`--dry-run`). */
  dryRun: boolean;
  /** `ok`, or `failed` when an instance failed, the guard refused or the listing failed. */
  status: 'ok' | 'failed';
  fires: { schedule: string; fireTime: string; action: Action; local: string }[];
  /** Instances per outcome, only outcomes that happened: changes first (stopped, started, failed). */
  counts: { outcome: string; count: number }[];
  failures: FailureLine[];
  /** Failed instances not listed. */
  moreFailures: number;
  guard?: { stops: number; starts: number; maxInstancesPerRun: number };
  capacityRefusals?: number;
  strays: { instanceId: string; region: string; reason: string; tag: string }[];
  moreStrays: number;
  listingError?: { code: string; message: string };
  savings?: {
    instanceHours: number;
    amount?: number;
    currency?: string;
    /** What the hours run until: each schedule's next start, the same time the next day (no start), or both. */
    basis: 'next-start' | 'same-time-next-day' | 'mixed';
    unpriced: number;
  };
}

/** The order counts are told in: changes first, then what was left alone; outcomes not listed come last. */
const OUTCOME_ORDER = [
  'stopped',
  'started',
  'failed',
  'dry-run',
  'already-stopped',
  'already-running',
  'gone',
  'skipped',
];

const rank = (outcome: string) => {
  const i = OUTCOME_ORDER.indexOf(outcome);
  return i === -1 ? OUTCOME_ORDER.length : i;
};

/** What a message is built from: a finished run, or a run whose listing failed. */
export interface RunReport {
  tick: string;
  dryRun: boolean;
  /** The fires (also known when the listing failed). */
  fires: Plan['fires'];
  outcomes: readonly InstanceOutcome[];
  summary?: RunSummary;
  plan?: Pick<Plan, 'guard'>;
  listingError?: { code: string; message: string };
}

/** `2026-03-09 22:00 Asia/Shanghai`: a fire as the team reads it. */
export function localTime(instant: Date, timeZone: string): string {
  const w = wallTime(instant, timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${w.year}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)} ${timeZone}`;
}

/** One basis when every schedule counted has it, else `mixed`. */
function basisOf(bases: readonly ScheduleSavings['basis'][]): 'next-start' | 'same-time-next-day' | 'mixed' {
  const [first] = bases;
  return first !== undefined && bases.every((b) => b === first) ? first : 'mixed';
}

/** The savings of the schedules a target hears about. */
function savingsFor(savings: RunSavings | undefined, inScope: (schedule: string) => boolean, all: boolean) {
  if (!savings) return undefined;
  const entries = Object.entries(savings.bySchedule).filter(([name]) => inScope(name));
  if (entries.length === 0) return undefined;
  const hours = all ? savings.instanceHours : entries.reduce((sum, [, s]) => sum + s.instanceHours, 0);
  const amount = all ? savings.amount : entries.reduce((sum, [, s]) => sum + (s.amount ?? 0), 0);
  return {
    instanceHours: Math.round(hours * 100) / 100,
    ...(savings.currency !== undefined &&
      amount !== undefined && { amount: Math.round(amount * 100) / 100, currency: savings.currency }),
    basis: basisOf(entries.map(([, s]) => s.basis)),
    unpriced: savings.unpriced ?? 0,
  };
}

/**
 * The message one target gets about a run. A target limited to some schedules hears only about their fires,
 * instances and savings; instances that name no configured schedule are told to unlimited targets only.
 *
 * @example
 * const message = buildMessage(config, report, config.notify[0]);
 */
export function buildMessage(
  config: Pick<Config, 'schedules' | 'timezone'>,
  report: RunReport,
  target: Pick<NotifyTarget, 'schedules'>,
): RunMessage {
  const scope = target.schedules;
  const inScope = (schedule: string) => scope === undefined || scope.includes(schedule);
  const zoneOf = (name: string) => config.schedules.find((s) => s.name === name)?.timezone ?? config.timezone;
  const fires = report.fires
    .filter((f) => inScope(f.schedule))
    .map((f) => ({ ...f, local: localTime(new Date(f.fireTime), zoneOf(f.schedule)) }));
  const counts = new Map<string, number>();
  const failed: FailureLine[] = [];
  const strays: RunMessage['strays'] = [];
  for (const o of report.outcomes) {
    const stray = STRAY_REASONS.has(o.reason);
    if (stray ? scope !== undefined : !inScope(o.schedule)) continue;
    counts.set(o.outcome, (counts.get(o.outcome) ?? 0) + 1);
    if (o.outcome === 'failed') {
      failed.push({
        instanceId: o.instanceId,
        instanceName: o.instanceName,
        region: o.region,
        schedule: o.schedule,
        errorCode: o.errorCode ?? 'Unknown',
      });
    }
    if (stray) strays.push({ instanceId: o.instanceId, region: o.region, reason: o.reason, tag: o.schedule });
  }
  const guardRefused = report.summary?.guardRefused === true && report.plan !== undefined;
  const capacity = report.summary?.capacityRefusals ?? 0;
  const message: RunMessage = {
    tick: report.tick,
    dryRun: report.dryRun,
    status: failed.length > 0 || guardRefused || report.listingError ? 'failed' : 'ok',
    fires,
    counts: [...counts]
      .map(([outcome, count]) => ({ outcome, count }))
      .sort((a, b) => rank(a.outcome) - rank(b.outcome)),
    failures: failed.slice(0, MAX_LISTED_FAILURES),
    moreFailures: Math.max(0, failed.length - MAX_LISTED_FAILURES),
    strays: strays.slice(0, MAX_LISTED_STRAYS),
    moreStrays: Math.max(0, strays.length - MAX_LISTED_STRAYS),
  };
  if (guardRefused && report.plan) {
    message.guard = {
      stops: report.plan.guard.stops,
      starts: report.plan.guard.starts,
      maxInstancesPerRun: report.plan.guard.maxInstancesPerRun,
    };
  }
  if (capacity > 0) message.capacityRefusals = capacity;
  if (report.listingError) message.listingError = report.listingError;
  const savings = savingsFor(report.summary?.savings, inScope, scope === undefined);
  if (savings) message.savings = savings;
  return message;
}

/** The outcomes that count as a change: an instance stopped, started or failed. */
const CHANGE_OUTCOMES: ReadonlySet<string> = new Set(['stopped', 'started', 'failed']);

/**
 * Whether a target with `when` hears about this message. Nothing is sent for a run in which none of the
 * target's schedules fired (the cloud timer ticks every few minutes), whatever `when` says.
 *
 * @example
 * shouldSend(message, 'changes'); // true when an instance was stopped, started or failed
 */
export function shouldSend(message: RunMessage, when: NotifyWhen): boolean {
  if (message.fires.length === 0) return false;
  if (when === NotifyWhen.Always) return true;
  if (message.status === 'failed') return true;
  if (when === NotifyWhen.Failures) return false;
  return message.counts.some((c) => CHANGE_OUTCOMES.has(c.outcome) && c.count > 0);
}
