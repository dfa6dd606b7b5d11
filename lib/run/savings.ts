/**
 * What a run saved: for each instance it stopped, the hours until its schedule's next start fire (or, for a
 * schedule without a start, until the same time the next day, and said as such), and with a `prices` table
 * the money those hours cost. StopCharging stops the compute bill, so its hours count at the compute price;
 * KeepCharging keeps billing, so its hours count at zero. Pure: the next start is an injected function.
 */
import type { Config, PricesConfig } from '../config/index.js';
import type { PlanItem } from '../plan/index.js';
import { Action, nextFires } from '../schedule/index.js';
import { type InstanceOutcome, Outcome, type RunSavings, type ScheduleSavings } from '../stop/index.js';
import { StoppedMode } from '../volc/index.js';
import { hasAction } from './fires.js';

/** The next time `schedule` starts its instances after `fireTime`, or null when it has no start. */
export type NextStartFn = (scheduleName: string, fireTime: Date) => Date | null;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * How far ahead a next start is looked for: a month holds the longest run of non-working days a calendar
 * has (Spring Festival, National Day), and a bounded window keeps the look-up one pass over the crons.
 */
export const NEXT_START_HORIZON_MS = 31 * DAY_MS;

/**
 * The next start of a schedule of `config`: the first fire of its `start:` crons strictly after `fireTime`,
 * through lib/schedule's fires, so the start's calendar and the schedule's skip dates apply (a Friday stop on a
 * working-day start counts until Monday's start). Null for a schedule without `start:`, or with no start
 * within {@link NEXT_START_HORIZON_MS}. Memoized per schedule and fire time: a run asks once per stopped
 * instance.
 *
 * @example
 * nextStartFor(config)('office-hours', new Date('2026-03-09T12:00:00Z')); // 2026-03-10T00:30:00Z for 08:30 Shanghai
 */
export function nextStartFor(config: Pick<Config, 'schedules'>): NextStartFn {
  // A start-only view of each schedule: nextFires counts the fires of both actions.
  const starts = new Map(
    config.schedules
      .filter((schedule) => hasAction(schedule, Action.Start))
      .map((schedule) => [schedule.name, { ...schedule, stop: [] }]),
  );
  const known = new Map<string, Date | null>();
  return (scheduleName, fireTime) => {
    const schedule = starts.get(scheduleName);
    if (schedule === undefined) return null;
    const key = `${scheduleName}\n${fireTime.getTime()}`;
    let next = known.get(key);
    if (next === undefined) {
      const horizon = new Date(fireTime.getTime() + NEXT_START_HORIZON_MS);
      next = nextFires(schedule, fireTime, horizon)[0]?.fireTime ?? null;
      known.set(key, next);
    }
    return next;
  };
}

/**
 * The hourly price of an instance type: its own entry, else its family's (`ecs.g3i.large` → `ecs.g3i`).
 *
 * @example
 * hourlyPrice({ currency: 'CNY', hourly: { 'ecs.g3i': 0.5 } }, 'ecs.g3i.large'); // 0.5
 */
export function hourlyPrice(prices: PricesConfig, instanceType: string): number | undefined {
  if (Object.hasOwn(prices.hourly, instanceType)) return prices.hourly[instanceType];
  const family = instanceType.split('.').slice(0, 2).join('.');
  return Object.hasOwn(prices.hourly, family) ? prices.hourly[family] : undefined;
}

/** Two decimals: hours and money are read by people and summed by log queries. */
const round2 = (n: number) => Math.round(n * 100) / 100;

/** What savings are computed from. */
export interface SavingsInput {
  items: readonly PlanItem[];
  outcomes: readonly InstanceOutcome[];
  prices?: PricesConfig | undefined;
  nextStartAfter: NextStartFn;
}

/**
 * The run's savings: only `stopped` outcomes count (a dry run, a skip or a failure saves nothing).
 *
 * @example
 * computeSavings({ items: plan.items, outcomes, prices: config.prices, nextStartAfter: nextStartFor(config) });
 */
export function computeSavings(input: SavingsInput): RunSavings {
  // Instance types matter only for prices; without a table the run's 50,000 outcomes need no look-up map.
  const typeOf = input.prices
    ? new Map(input.items.map((i) => [`${i.region}/${i.instanceId}`, i.instanceTypeId]))
    : undefined;
  // Every outcome of one fire has the same schedule and fire time: worked out once per fire, not per line.
  const fires = new Map<string, { next: Date | null; until: Date; instanceHours: number }>();
  const bySchedule: Record<string, ScheduleSavings> = {};
  let hours = 0;
  let amount = 0;
  let unpriced = 0;
  for (const o of input.outcomes) {
    if (o.outcome !== Outcome.Stopped || o.fireTime === null) continue;
    const fireKey = `${o.schedule}\n${o.fireTime}`;
    let fire = fires.get(fireKey);
    if (fire === undefined) {
      const fireTime = new Date(o.fireTime);
      const next = input.nextStartAfter(o.schedule, fireTime);
      const until = next ?? new Date(fireTime.getTime() + DAY_MS);
      fire = { next, until, instanceHours: Math.max(0, until.getTime() - fireTime.getTime()) / HOUR_MS };
      fires.set(fireKey, fire);
    }
    const { next, until, instanceHours } = fire;
    let cost = 0;
    if (input.prices && typeOf && o.stoppedMode === StoppedMode.StopCharging) {
      const price = hourlyPrice(input.prices, typeOf.get(`${o.region}/${o.instanceId}`) ?? '');
      if (price === undefined) unpriced += 1;
      else cost = price * instanceHours;
    }
    let entry = bySchedule[o.schedule];
    if (entry === undefined) {
      entry = {
        instances: 0,
        instanceHours: 0,
        ...(input.prices && { amount: 0 }),
        until: until.toISOString(),
        basis: next === null ? 'same-time-next-day' : 'next-start',
      };
      bySchedule[o.schedule] = entry;
    }
    entry.instances += 1;
    entry.instanceHours += instanceHours;
    if (entry.amount !== undefined) entry.amount += cost;
    hours += instanceHours;
    amount += cost;
  }
  for (const entry of Object.values(bySchedule)) {
    entry.instanceHours = round2(entry.instanceHours);
    if (entry.amount !== undefined) entry.amount = round2(entry.amount);
  }
  return {
    instanceHours: round2(hours),
    ...(input.prices && { amount: round2(amount), currency: input.prices.currency }),
    ...(unpriced > 0 && { unpriced }),
    bySchedule,
  };
}
