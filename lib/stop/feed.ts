/**
 * Forms a region's plan batches from instances that arrive over time (a listing that overlaps stopping):
 * each batch group collects its instances, and every 100 of a group become a batch at once; the rest of a
 * group (fewer than 100) becomes its last batch when the region's listing ends. So the calls stay the
 * optimum (one per 100 instances of a group, as if the whole plan had been batched at once), and the first
 * batches go out while later pages are still read. Given the whole region at once it forms exactly the
 * batches (and tokens) of {@link makeBatches} over the region's work.
 */
import { groupKey, MAX_IDS_PER_CALL, makeBatches, type StopBatch, type StopWork } from './batches.js';

/** One region's groups still filling. */
export class BatchFiller {
  readonly #runId: string;
  /** Instances of each group not in a batch yet. */
  readonly #pending = new Map<string, StopWork[]>();
  /** Groups that got instances since the last {@link BatchFiller.full}. */
  readonly #touched = new Set<string>();

  constructor(runId: string) {
    this.#runId = runId;
  }

  add(work: StopWork): void {
    const key = groupKey(work);
    const group = this.#pending.get(key);
    if (group) group.push(work);
    else this.#pending.set(key, [work]);
    this.#touched.add(key);
  }

  /**
   * The batches of 100 the groups added to since the last call can fill: each such group's instances sorted
   * by ID and cut into 100s, the rest kept for later.
   */
  full(): StopBatch[] {
    const batches: StopBatch[] = [];
    for (const key of [...this.#touched].sort()) {
      const group = this.#pending.get(key)!;
      const whole = group.length - (group.length % MAX_IDS_PER_CALL);
      if (whole === 0) continue;
      group.sort((a, b) => compareIds(a.item.instanceId, b.item.instanceId));
      batches.push(...makeBatches(group.splice(0, whole), 0, this.#runId));
      if (group.length === 0) this.#pending.delete(key);
    }
    this.#touched.clear();
    return batches;
  }

  /** Every batch still to form, the last (partial) batch of each group included; nothing is left. */
  rest(): StopBatch[] {
    const batches = [...this.full(), ...makeBatches([...this.#pending.values()].flat(), 0, this.#runId)];
    this.#pending.clear();
    return batches;
  }
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
