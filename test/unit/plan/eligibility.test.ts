import { describe, expect, it } from 'vitest';
import { isStopChargingEligible, matchesPattern } from '../../../lib/plan/eligibility.js';
import { config } from './fixtures.js';

const DEFAULT_PATTERNS = config().defaults.stopChargingIneligible;

describe('isStopChargingEligible with the default patterns', () => {
  it.each([
    ['ecs.g3i.large', true, 'general purpose'],
    ['ecs.c3i.xlarge', true, 'compute optimised'],
    ['ecs.r1ie.2xlarge', true, 'memory optimised'],
    ['ecs.i2.xlarge', false, 'local SSD (ecs.i*)'],
    ['ecs.ini2.large', false, 'anything starting ecs.i'],
    ['ecs.d1.large', false, 'big data (ecs.d*)'],
    ['ecs.ebmg2.32xlarge', false, 'bare metal (ecs.ebm*)'],
    ['ecs.hpcg1.large', false, 'HPC (ecs.hpc*)'],
    ['ECS.I2.XLARGE', true, 'case-sensitive'],
    ['x-ecs.i2.xlarge', true, 'anchored at the start'],
    ['', true, 'empty type'],
  ])('%s → %s (%s)', (type, eligible) => {
    expect(isStopChargingEligible(type, DEFAULT_PATTERNS)).toBe(eligible);
  });

  it('is eligible when no pattern is configured', () => {
    expect(isStopChargingEligible('ecs.i2.xlarge', [])).toBe(true);
  });
});

describe('matchesPattern', () => {
  it.each([
    ['ecs.i2.xlarge', 'ecs.i*', true],
    ['ecs.i', 'ecs.i*', true],
    ['ecs.g3i.large', '*.large', true],
    ['ecs.g3i.xlarge', '*.large', false],
    ['ecs.g3i.large', 'ecs.g3i.large', true],
    ['ecs.g3i.large.extra', 'ecs.g3i.large', false],
    ['ecs.g3i.large', 'ecs.*.large', true],
    ['ecs.g3i.large', 'ecs.*i*', true],
    ['ecs.g3i.large', '*', true],
    ['', '*', true],
    ['', '', true],
    ['a', '', false],
    ['ecs.iX', 'ecs.i?', false],
    ['ecs.i?', 'ecs.i?', true],
    ['ecs.ii', 'ecs.i+', false],
    ['ecsXi2', 'ecs.i*', false],
    ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'a*a*a*a*a*a*a*a*a*a*b', false],
    ['abcabd', '*abd', true],
  ])('%j against %j → %s', (text, pattern, expected) => {
    expect(matchesPattern(text, pattern)).toBe(expected);
  });
});
