import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CREDENTIALS,
  generateFleet,
  mulberry32,
  validateFleet,
} from '../../../lib/emulator/index.js';
import { UsageError } from '../../../lib/errors.js';

describe('mulberry32', () => {
  it('gives the same numbers for the same seed, and others for another seed', () => {
    const a = mulberry32(1);
    const b = mulberry32(1);
    const c = mulberry32(2);
    const first = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(first);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(first);
    for (const n of first) expect(n >= 0 && n < 1).toBe(true);
  });

  it('spreads numbers evenly enough to draw shares', () => {
    const random = mulberry32(7);
    const hits = Array.from({ length: 10_000 }, () => random()).filter((n) => n < 0.3).length;
    expect(hits).toBeGreaterThan(2_800);
    expect(hits).toBeLessThan(3_200);
  });
});

describe('generateFleet', () => {
  const fleet = generateFleet({ count: 1000, seed: 1 });
  const values = (key: string) =>
    fleet.instances.flatMap((i) => i.Tags.filter((t) => t.Key === key).map((t) => t.Value));

  it('is reproducible from (count, seed)', () => {
    expect(generateFleet({ count: 1000, seed: 1 })).toEqual(fleet);
    expect(generateFleet({ count: 1000, seed: 2 }).instances[0]).not.toEqual(fleet.instances[0]);
  });

  it('is a valid fleet with unique IDs and the default credentials', () => {
    expect(validateFleet(fleet).instances).toHaveLength(1000);
    expect(new Set(fleet.instances.map((i) => i.InstanceId)).size).toBe(1000);
    expect(fleet.credentials).toEqual([DEFAULT_CREDENTIALS]);
  });

  it('spreads instances over regions, two zones each, charge types, projects and families', () => {
    const regions = new Set(fleet.instances.map((i) => i.Region));
    expect([...regions]).toEqual(['cn-beijing', 'cn-shanghai', 'cn-guangzhou', 'ap-southeast-1']);
    for (const i of fleet.instances) expect(i.ZoneId).toMatch(new RegExp(`^${i.Region}-[ab]$`));
    expect(new Set(fleet.instances.map((i) => i.ZoneId)).size).toBe(8);
    expect(new Set(fleet.instances.map((i) => i.InstanceChargeType))).toEqual(
      new Set(['PostPaid', 'PrePaid']),
    );
    expect(new Set(fleet.instances.map((i) => i.ProjectName))).toEqual(new Set(['default', 'data']));
    const families = new Set(fleet.instances.map((i) => i.InstanceTypeId.split('.')[1]));
    expect(families).toEqual(new Set(['g3i', 'c3i', 'r3i', 'i3', 'd2', 'ebmg2', 'hpcg2']));
  });

  it('has mostly RUNNING instances and some STOPPED ones with a StoppedMode', () => {
    const running = fleet.instances.filter((i) => i.Status === 'RUNNING').length;
    expect(running).toBeGreaterThan(700);
    expect(running).toBeLessThan(900);
    for (const i of fleet.instances.filter((x) => x.Status === 'STOPPED')) {
      expect(['KeepCharging', 'StopCharging']).toContain(i.StoppedMode);
      if (i.InstanceChargeType === 'PrePaid') expect(i.StoppedMode).toBe('KeepCharging');
    }
  });

  it('tags most instances with a schedule, and has typos, untagged ones, snoozes and stop modes', () => {
    const schedules = values('lights-out');
    expect(schedules.length).toBeGreaterThan(900);
    expect(new Set(schedules)).toEqual(
      new Set(['office-hours', 'nightly', 'weekend', 'ofice-hours', 'nghtly', 'wekend']),
    );
    expect(
      fleet.instances.some((i) => i.Tags.length === 0 || !i.Tags.some((t) => t.Key === 'lights-out')),
    ).toBe(true);
    expect(new Set(values('env'))).toEqual(new Set(['dev', 'prod']));
    expect(values('lights-out:skip-until').every((v) => /^\d{4}-\d\d-\d\d$/.test(v))).toBe(true);
    expect(values('lights-out:skip-until').length).toBeGreaterThan(10);
    const modes = values('lights-out:stopped-mode');
    expect(modes.filter((m) => m === 'StopCharge').length).toBeGreaterThan(0);
    expect(modes.filter((m) => m === 'StopCharge').length).toBeLessThan(modes.length / 2);
  });

  it('takes regions, a tag key and schedule names', () => {
    const custom = generateFleet({
      count: 40,
      seed: 3,
      regions: ['eu-west-1'],
      tagKey: 'power',
      schedules: ['weekday'],
    });
    expect(new Set(custom.instances.map((i) => i.Region))).toEqual(new Set(['eu-west-1']));
    const keys = new Set(custom.instances.flatMap((i) => i.Tags.map((t) => t.Key)));
    expect(keys.has('power')).toBe(true);
    expect(keys.has('lights-out')).toBe(false);
  });

  it('refuses a count that is not a whole number', () => {
    expect(() => generateFleet({ count: -1 })).toThrow(UsageError);
    expect(() => generateFleet({ count: 1.5 })).toThrow(UsageError);
  });
});
