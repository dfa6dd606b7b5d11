import { describe, expect, it } from 'vitest';
import { chunk, makeBatches, newWork } from '../../../lib/stop/batches.js';
import { ids, stopItem } from './helpers.js';

describe('makeBatches', () => {
  it('cuts one group into calls of at most 100 IDs', () => {
    const works = ids(250).map((id, i) => newWork(stopItem(id), i));
    expect(makeBatches(works, 0).map((b) => b.works.length)).toEqual([100, 100, 50]);
  });

  it('groups by region, schedule, fireTime, stoppedMode and forceStop', () => {
    const items = [
      stopItem('i-1'),
      stopItem('i-2', { region: 'cn-shanghai' }),
      stopItem('i-3', { schedule: 'nightly' }),
      stopItem('i-4', { fireTime: '2026-01-06T18:00:00.000Z' }),
      stopItem('i-5', { stoppedMode: 'KeepCharging' }),
      stopItem('i-6', { forceStop: true }),
      stopItem('i-7'),
    ];
    const batches = makeBatches(
      items.map((item, i) => newWork(item, i)),
      0,
    );
    expect(batches).toHaveLength(6);
    expect(batches.map((b) => b.works.map((w) => w.item.instanceId)).sort()).toEqual(
      [['i-1', 'i-7'], ['i-2'], ['i-3'], ['i-4'], ['i-5'], ['i-6']].sort(),
    );
    expect(new Set(batches.map((b) => b.clientToken)).size).toBe(6);
  });

  it('gives the same batches and tokens whatever order the plan lists the instances in', () => {
    const all = ids(230);
    const forward = makeBatches(
      all.map((id, i) => newWork(stopItem(id), i)),
      0,
    );
    const shuffled = [...all].reverse();
    const backward = makeBatches(
      shuffled.map((id, i) => newWork(stopItem(id), i)),
      0,
    );
    expect(backward.map((b) => b.clientToken)).toEqual(forward.map((b) => b.clientToken));
    expect(backward.map((b) => b.works.map((w) => w.item.instanceId))).toEqual(
      forward.map((b) => b.works.map((w) => w.item.instanceId)),
    );
  });

  it('gives a re-batch round a new token even for the same IDs', () => {
    const works = ['i-1', 'i-2'].map((id, i) => newWork(stopItem(id), i));
    expect(makeBatches(works, 1)[0]!.clientToken).not.toBe(makeBatches(works, 0)[0]!.clientToken);
  });
});

describe('chunk', () => {
  it('splits and keeps order', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 100)).toEqual([]);
  });
});
