import { describe, expect, it } from 'vitest';
import { type ClientTokenInput, clientToken } from '../../../lib/stop/token.js';

const base: ClientTokenInput = {
  schedule: 'office-hours',
  fireTime: '2026-01-05T18:00:00.000Z',
  action: 'StopInstances',
  stoppedMode: 'StopCharging',
  forceStop: false,
  instanceIds: ['i-c', 'i-a', 'i-b'],
};

describe('clientToken', () => {
  it('is ASCII, prefixed, and exactly 64 characters', () => {
    const token = clientToken(base);
    expect(token).toMatch(/^lo1-[0-9a-f]{60}$/);
    expect(token).toHaveLength(64);
  });

  it('does not depend on the order of the IDs', () => {
    expect(clientToken({ ...base, instanceIds: ['i-b', 'i-c', 'i-a'] })).toBe(clientToken(base));
  });

  it.each<[string, Partial<ClientTokenInput>]>([
    ['schedule', { schedule: 'nightly' }],
    ['fireTime', { fireTime: '2026-01-06T18:00:00.000Z' }],
    ['action', { action: 'StartInstances' }],
    ['stoppedMode', { stoppedMode: 'KeepCharging' }],
    ['no stoppedMode', { stoppedMode: undefined }],
    ['forceStop', { forceStop: true }],
    ['one ID fewer', { instanceIds: ['i-a', 'i-b'] }],
    ['another ID', { instanceIds: ['i-a', 'i-b', 'i-d'] }],
    ['a re-batch round', { round: 1 }],
  ])('changes when %s differs', (_field, change) => {
    expect(clientToken({ ...base, ...change })).not.toBe(clientToken(base));
  });

  it('treats round 0 as the first request', () => {
    expect(clientToken({ ...base, round: 0 })).toBe(clientToken(base));
  });

  it('names the run in a re-batch only: every invocation of a tick shares round 0, not its re-batches', () => {
    expect(clientToken({ ...base, runId: 'run-a' })).toBe(clientToken(base));
    const rebatch = { ...base, round: 2 };
    expect(clientToken({ ...rebatch, runId: 'run-a' })).toBe(clientToken({ ...rebatch, runId: 'run-a' }));
    expect(clientToken({ ...rebatch, runId: 'run-a' })).not.toBe(clientToken({ ...rebatch, runId: 'run-b' }));
  });

  it('cannot be confused by separators inside fields', () => {
    const a = clientToken({ ...base, schedule: 'a","b', instanceIds: ['i-1'] });
    const b = clientToken({ ...base, schedule: 'a', instanceIds: ['b', 'i-1'] });
    expect(a).not.toBe(b);
  });
});
