import { describe, expect, it } from 'vitest';
import { closest, editDistance } from '../../lib/suggest.js';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['kitten', 'sitting', 3],
    ['stopedMode', 'stoppedMode', 1],
    ['same', 'same', 0],
  ])('%j to %j is %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('closest', () => {
  const keys = ['stoppedMode', 'forceStop', 'fallback', 'stopChargingIneligible'];
  it.each<[string, string | undefined]>([
    ['stopedMode', 'stoppedMode'],
    ['StoppedMode', 'stoppedMode'],
    ['force_stop', 'forceStop'],
    ['fallbak', 'fallback'],
    ['stopCharging', 'stopChargingIneligible'],
    ['colour', undefined],
    ['x', undefined],
  ])('suggests for %j: %j', (input, expected) => {
    expect(closest(input, keys)).toBe(expected);
  });
});
