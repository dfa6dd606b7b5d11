/**
 * The outcome book of one run: every plan item gets exactly one outcome, logged as exactly one
 * `instance.outcome` line the moment it is settled (so a run cut short by its host still leaves the lines
 * of what it finished). Settling an item twice is refused, which is what makes "exactly one" hold.
 *
 * The lines take the logger's fixed-line road (lib/logger.ts's writeFixedLine): the outcomes settled from one
 * API answer go out in one write at the end of that answer's synchronous handling, before any other line.
 */
import { type Logger, writeFixedLine } from '../logger.js';
import type { Plan, PlanItem } from '../plan/index.js';
import { type InstanceOutcome, Outcome } from './types.js';

/** What the executor says about one item; the rest of the line comes from the plan. */
export interface Settlement {
  outcome: Outcome;
  reason: string;
  stoppedMode?: string | null | undefined;
  forceStop?: boolean | null | undefined;
  errorCode?: string | null;
  attempts?: number;
  requestId?: string | null;
}

/** The outcome line's fields that carry text from outside: the API's message, the user's instance name. */
const OUTCOME_FREE_TEXT = ['reason', 'instanceName'] as const;

/**
 * Collects one outcome per plan item and logs each once. Items come with the plan, or one by one as a
 * listing that overlaps stopping plans them ({@link OutcomeLedger.add}); an item's index is its place here.
 */
export class OutcomeLedger {
  readonly #items: PlanItem[];
  readonly #logger: Logger;
  readonly #outcomes: (InstanceOutcome | undefined)[];

  constructor(plan: Pick<Plan, 'items'>, logger: Logger) {
    this.#items = [...plan.items];
    this.#logger = logger;
    this.#outcomes = new Array(plan.items.length).fill(undefined);
  }

  /** Adds an item still without outcome; returns its index. */
  add(item: PlanItem): number {
    this.#items.push(item);
    this.#outcomes.push(undefined);
    return this.#items.length - 1;
  }

  /** The outcome of item `index`, once settled. */
  outcomeOf(index: number): InstanceOutcome | undefined {
    return this.#outcomes[index];
  }

  /** True when item `index` already has its outcome. */
  isSettled(index: number): boolean {
    return this.#outcomes[index] !== undefined;
  }

  /**
   * Records and logs the outcome of item `index`. Returns false (and changes nothing) when the item was
   * already settled.
   */
  settle(index: number, settlement: Settlement): boolean {
    const item = this.#items[index];
    if (item === undefined || this.isSettled(index)) return false;
    const line: InstanceOutcome = {
      event: 'instance.outcome',
      schedule: item.schedule,
      fireTime: item.fireTime,
      action: item.action,
      region: item.region,
      instanceId: item.instanceId,
      instanceName: item.instanceName,
      outcome: settlement.outcome,
      reason: settlement.reason,
      stoppedMode: settlement.stoppedMode === undefined ? (item.stoppedMode ?? null) : settlement.stoppedMode,
      forceStop: settlement.forceStop === undefined ? (item.forceStop ?? null) : settlement.forceStop,
      errorCode: settlement.errorCode ?? null,
      attempts: settlement.attempts ?? 0,
      requestId: settlement.requestId ?? null,
    };
    if (item.hint !== undefined) line.hint = item.hint;
    this.#outcomes[index] = line;
    const message = `${line.instanceId} ${line.outcome}${line.errorCode ? ` (${line.errorCode})` : ''}`;
    const level = line.outcome === Outcome.Failed ? 'warn' : 'info';
    writeFixedLine(this.#logger, level, { ...line }, OUTCOME_FREE_TEXT, message);
    return true;
  }

  /** Indexes of the items still without an outcome, in plan order. */
  unsettled(): number[] {
    const open: number[] = [];
    this.#outcomes.forEach((outcome, index) => {
      if (outcome === undefined) open.push(index);
    });
    return open;
  }

  /** The outcomes in plan order. Call once every item is settled. */
  outcomes(): InstanceOutcome[] {
    return this.#outcomes.filter((o): o is InstanceOutcome => o !== undefined);
  }
}
