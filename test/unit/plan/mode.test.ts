import { describe, expect, it } from 'vitest';
import type { StoppedModeSetting } from '../../../lib/config/types.js';
import { resolveStoppedMode } from '../../../lib/plan/mode.js';
import type { ModeSource } from '../../../lib/plan/types.js';
import { config, instance, schedule } from './fixtures.js';

const MODE_TAG = 'lights-out:stopped-mode';
const ELIGIBLE = 'ecs.g3i.large';
const INELIGIBLE = 'ecs.i3.large';

/** A setting that differs from `setting`, for the levels that must lose. */
function other(setting: StoppedModeSetting): StoppedModeSetting {
  return setting === 'KeepCharging' ? 'StopCharging' : 'KeepCharging';
}

/**
 * Puts `setting` at one level (tag, schedule or defaults) and something else at every level it must beat,
 * so a row passes only when the right level wins.
 */
function place(source: ModeSource, setting: StoppedModeSetting, charge: string, type: string) {
  const loser = other(setting);
  return {
    subject: instance({
      InstanceChargeType: charge,
      InstanceTypeId: type,
      ...(source === 'tag' ? { tags: { [MODE_TAG]: setting } } : {}),
    }),
    sched: schedule(source === 'defaults' ? {} : { stoppedMode: source === 'schedule' ? setting : loser }),
    conf: config({ defaults: { stoppedMode: source === 'defaults' ? setting : loser } }),
  };
}

const STOP_REQUESTED = 'StopCharging requested';
const STOP_INELIGIBLE = `StopCharging requested; ${INELIGIBLE} may not support it`;
const PREPAID = 'StopCharging on PrePaid resolves to KeepCharging';
const KEEP_REQUESTED = 'KeepCharging requested';
const AUTO_STOP = `auto: PostPaid ${ELIGIBLE}`;
const AUTO_INELIGIBLE = `auto: ${INELIGIBLE} is not eligible for StopCharging`;
const AUTO_PREPAID = 'auto: PrePaid keeps charging';

describe('resolveStoppedMode: every source × setting × charge type × family', () => {
  it.each([
    // source, setting, charge, type, mode, reason, fallbackToKeepCharging
    ['tag', 'StopCharging', 'PostPaid', ELIGIBLE, 'StopCharging', STOP_REQUESTED, true],
    ['tag', 'StopCharging', 'PostPaid', INELIGIBLE, 'StopCharging', STOP_INELIGIBLE, true],
    ['tag', 'StopCharging', 'PrePaid', ELIGIBLE, 'KeepCharging', PREPAID, false],
    ['tag', 'StopCharging', 'PrePaid', INELIGIBLE, 'KeepCharging', PREPAID, false],
    ['tag', 'KeepCharging', 'PostPaid', ELIGIBLE, 'KeepCharging', KEEP_REQUESTED, false],
    ['tag', 'KeepCharging', 'PostPaid', INELIGIBLE, 'KeepCharging', KEEP_REQUESTED, false],
    ['tag', 'KeepCharging', 'PrePaid', ELIGIBLE, 'KeepCharging', KEEP_REQUESTED, false],
    ['tag', 'KeepCharging', 'PrePaid', INELIGIBLE, 'KeepCharging', KEEP_REQUESTED, false],
    ['schedule', 'auto', 'PostPaid', ELIGIBLE, 'StopCharging', AUTO_STOP, true],
    ['schedule', 'auto', 'PostPaid', INELIGIBLE, 'KeepCharging', AUTO_INELIGIBLE, false],
    ['schedule', 'auto', 'PrePaid', ELIGIBLE, 'KeepCharging', AUTO_PREPAID, false],
    ['schedule', 'auto', 'PrePaid', INELIGIBLE, 'KeepCharging', AUTO_PREPAID, false],
    ['schedule', 'StopCharging', 'PostPaid', ELIGIBLE, 'StopCharging', STOP_REQUESTED, true],
    ['schedule', 'StopCharging', 'PostPaid', INELIGIBLE, 'StopCharging', STOP_INELIGIBLE, true],
    ['schedule', 'StopCharging', 'PrePaid', ELIGIBLE, 'KeepCharging', PREPAID, false],
    ['schedule', 'StopCharging', 'PrePaid', INELIGIBLE, 'KeepCharging', PREPAID, false],
    ['schedule', 'KeepCharging', 'PostPaid', ELIGIBLE, 'KeepCharging', KEEP_REQUESTED, false],
    ['schedule', 'KeepCharging', 'PostPaid', INELIGIBLE, 'KeepCharging', KEEP_REQUESTED, false],
    ['schedule', 'KeepCharging', 'PrePaid', ELIGIBLE, 'KeepCharging', KEEP_REQUESTED, false],
    ['schedule', 'KeepCharging', 'PrePaid', INELIGIBLE, 'KeepCharging', KEEP_REQUESTED, false],
    ['defaults', 'auto', 'PostPaid', ELIGIBLE, 'StopCharging', AUTO_STOP, true],
    ['defaults', 'auto', 'PostPaid', INELIGIBLE, 'KeepCharging', AUTO_INELIGIBLE, false],
    ['defaults', 'auto', 'PrePaid', ELIGIBLE, 'KeepCharging', AUTO_PREPAID, false],
    ['defaults', 'auto', 'PrePaid', INELIGIBLE, 'KeepCharging', AUTO_PREPAID, false],
    ['defaults', 'StopCharging', 'PostPaid', ELIGIBLE, 'StopCharging', STOP_REQUESTED, true],
    ['defaults', 'StopCharging', 'PostPaid', INELIGIBLE, 'StopCharging', STOP_INELIGIBLE, true],
    ['defaults', 'StopCharging', 'PrePaid', ELIGIBLE, 'KeepCharging', PREPAID, false],
    ['defaults', 'StopCharging', 'PrePaid', INELIGIBLE, 'KeepCharging', PREPAID, false],
    ['defaults', 'KeepCharging', 'PostPaid', ELIGIBLE, 'KeepCharging', KEEP_REQUESTED, false],
    ['defaults', 'KeepCharging', 'PostPaid', INELIGIBLE, 'KeepCharging', KEEP_REQUESTED, false],
    ['defaults', 'KeepCharging', 'PrePaid', ELIGIBLE, 'KeepCharging', KEEP_REQUESTED, false],
    ['defaults', 'KeepCharging', 'PrePaid', INELIGIBLE, 'KeepCharging', KEEP_REQUESTED, false],
  ] as const)(
    '%s %s on %s %s → %s (%s), fallback %s',
    (source, setting, charge, type, mode, reason, fallback) => {
      const { subject, sched, conf } = place(source, setting, charge, type);
      expect(resolveStoppedMode(subject, sched, conf)).toEqual({
        kind: 'resolved',
        stoppedMode: mode,
        modeSource: source,
        reason,
        fallbackToKeepCharging: fallback,
      });
    },
  );
});

describe('resolveStoppedMode: fallback to KeepCharging', () => {
  it.each([
    // setting, type, defaults.fallback, expected fallbackToKeepCharging
    ['auto', ELIGIBLE, 'KeepCharging', true],
    ['auto', ELIGIBLE, 'none', true],
    ['StopCharging', ELIGIBLE, 'KeepCharging', true],
    ['StopCharging', ELIGIBLE, 'none', false],
    ['StopCharging', INELIGIBLE, 'KeepCharging', true],
    ['StopCharging', INELIGIBLE, 'none', false],
  ] as const)('%s on %s with fallback %s → %s', (setting, type, fallback, expected) => {
    const resolved = resolveStoppedMode(
      instance({ InstanceTypeId: type }),
      schedule({ stoppedMode: setting }),
      config({ defaults: { fallback } }),
    );
    expect(resolved).toMatchObject({ stoppedMode: 'StopCharging', fallbackToKeepCharging: expected });
  });

  it('is false for every KeepCharging result, whatever the fallback setting', () => {
    const resolved = resolveStoppedMode(
      instance({ InstanceChargeType: 'PrePaid' }),
      schedule({ stoppedMode: 'auto' }),
      config({ defaults: { fallback: 'KeepCharging' } }),
    );
    expect(resolved).toMatchObject({ stoppedMode: 'KeepCharging', fallbackToKeepCharging: false });
  });
});

describe('resolveStoppedMode: other cases', () => {
  it('uses the configured ineligible patterns, not a built-in list', () => {
    const conf = config({ defaults: { stopChargingIneligible: ['ecs.g3i.*'] } });
    expect(resolveStoppedMode(instance({ InstanceTypeId: 'ecs.g3i.large' }), schedule(), conf)).toMatchObject(
      {
        stoppedMode: 'KeepCharging',
        reason: 'auto: ecs.g3i.large is not eligible for StopCharging',
      },
    );
    expect(resolveStoppedMode(instance({ InstanceTypeId: 'ecs.i3.large' }), schedule(), conf)).toMatchObject({
      stoppedMode: 'StopCharging',
    });
  });

  it('keeps auto at KeepCharging for a charge type it does not know', () => {
    expect(resolveStoppedMode(instance({ InstanceChargeType: 'Spot' }), schedule(), config())).toMatchObject({
      stoppedMode: 'KeepCharging',
      reason: 'auto: Spot keeps charging',
    });
  });

  it('reads the override tag under the configured tag key', () => {
    const subject = instance({ tags: { 'power:stopped-mode': 'KeepCharging' } });
    expect(resolveStoppedMode(subject, schedule(), config({ tagKey: 'power' }))).toMatchObject({
      stoppedMode: 'KeepCharging',
      modeSource: 'tag',
    });
    expect(resolveStoppedMode(subject, schedule(), config())).toMatchObject({ modeSource: 'defaults' });
  });

  it.each([
    'stopcharging',
    'keepcharging',
    'STOPCHARGING',
    'StopCharging ',
    ' KeepCharging',
    'auto',
    '',
    'Stop-Charging',
  ])('marks the override value %j as invalid', (value) => {
    const subject = instance({ tags: { [MODE_TAG]: value } });
    expect(resolveStoppedMode(subject, schedule({ stoppedMode: 'KeepCharging' }), config())).toEqual({
      kind: 'invalid-override',
      tag: MODE_TAG,
      value,
    });
  });
});
