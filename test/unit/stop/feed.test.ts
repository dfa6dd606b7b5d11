import { describe, expect, it } from 'vitest';
import { makeBatches, newWork } from '../../../lib/stop/batches.js';
import { BatchFiller } from '../../../lib/stop/feed.js';
import { ids, stopItem } from './helpers.js';

const tokens = (batches: { clientToken: string }[]) => batches.map((b) => b.clientToken).sort();

describe('BatchFiller', () => {
  it('given a region at once, forms exactly the batches and tokens of makeBatches', () => {
    const works = [
      ...ids(250).map((id, i) => newWork(stopItem(id), i)),
      ...ids(130, 'k').map((id, i) => newWork(stopItem(id, { stoppedMode: 'KeepCharging' }), 250 + i)),
    ];
    const filler = new BatchFiller('run-1');
    for (const work of works) filler.add(work);
    const full = filler.full();
    expect(full.map((b) => b.works.length)).toEqual([100, 100, 100]);
    const all = [...full, ...filler.rest()];
    expect(tokens(all)).toEqual(tokens(makeBatches(works, 0, 'run-1')));
    expect(filler.rest()).toEqual([]);
  });

  it('page by page, sends every 100 of a group at once and keeps the rest for the end: the optimum of calls', () => {
    const filler = new BatchFiller('run-1');
    const sent: number[] = [];
    const all = ids(370);
    for (let page = 0; page < 4; page += 1) {
      const slice = all.slice(page * 100, page * 100 + 100);
      // Two groups per page: 70 of one, 30 (or fewer) of another.
      for (const [i, id] of slice.entries()) {
        filler.add(newWork(stopItem(id, i < 70 ? {} : { forceStop: true }), page * 100 + i));
      }
      sent.push(...filler.full().map((b) => b.works.length));
    }
    // The plain group (280 in all) fills a batch after the second page and another after the third; the
    // forced one (90) never does.
    expect(sent).toEqual([100, 100]);
    const rest = filler.rest();
    expect(rest.map((b) => b.works.length).sort((a, b) => a - b)).toEqual([80, 90]);
    // ceil(280 / 100) + ceil(90 / 100) calls: as many as batching the whole listing at once.
    expect(sent.length + rest.length).toBe(4);
  });
});
