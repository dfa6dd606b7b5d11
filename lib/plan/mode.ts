/**
 * Stop-mode resolution: which StoppedMode an instance is stopped with, where that came from, and whether the
 * executor may fall back to KeepCharging when the API refuses StopCharging.
 */
import type { Config, ScheduleConfig, StoppedModeSetting } from '../config/index.js';
import type { Instance } from '../volc/index.js';
import { StoppedMode } from '../volc/index.js';
import { isStopChargingEligible } from './eligibility.js';
import { STOPPED_MODE_TAG_SUFFIX, tagValue } from './select.js';
import { ModeSource } from './types.js';

/** A resolved stop mode with its explanation. */
export interface ResolvedMode {
  kind: 'resolved';
  stoppedMode: StoppedMode;
  modeSource: ModeSource;
  /** For people, e.g. `auto: PrePaid keeps charging`. */
  reason: string;
  /** Whether the executor may retry with KeepCharging when the API refuses StopCharging. */
  fallbackToKeepCharging: boolean;
}

/** The instance's `<tagKey>:stopped-mode` tag holds something other than `StopCharging` or `KeepCharging`. */
export interface InvalidOverride {
  kind: 'invalid-override';
  /** The tag's key. */
  tag: string;
  /** The tag's raw value. */
  value: string;
}

export type ModeResolution = ResolvedMode | InvalidOverride;

type ModeConfig = Pick<Config, 'tagKey' | 'defaults'>;
type ModeInstance = Pick<Instance, 'Tags' | 'InstanceChargeType' | 'InstanceTypeId'>;

interface Requested {
  setting: StoppedModeSetting;
  source: ModeSource;
}

/**
 * Resolves the stop mode of one instance: the `<tagKey>:stopped-mode` tag beats the schedule's `stoppedMode`,
 * which beats `defaults.stoppedMode`. `auto` picks StopCharging only for PostPaid instances of an eligible type.
 * An explicit StopCharging on a PrePaid instance resolves to KeepCharging (the API would refuse it anyway);
 * on an ineligible type it stays StopCharging, because it was asked for, and the API may refuse it.
 *
 * @example
 * resolveStoppedMode(instance, schedule, config);
 * // { kind: 'resolved', stoppedMode: 'StopCharging', modeSource: 'defaults',
 * //   reason: 'auto: PostPaid ecs.g3i.large', fallbackToKeepCharging: true }
 */
export function resolveStoppedMode(
  instance: ModeInstance,
  schedule: Pick<ScheduleConfig, 'stoppedMode'>,
  config: ModeConfig,
): ModeResolution {
  const requested = requestedMode(instance, schedule, config);
  if ('kind' in requested) return requested;
  const { setting, source } = requested;
  const resolved = (
    stoppedMode: StoppedMode,
    reason: string,
    fallbackToKeepCharging: boolean,
  ): ResolvedMode => ({
    kind: 'resolved',
    stoppedMode,
    modeSource: source,
    reason,
    fallbackToKeepCharging,
  });
  const charge = instance.InstanceChargeType;
  const type = instance.InstanceTypeId;
  const eligible = isStopChargingEligible(type, config.defaults.stopChargingIneligible);

  if (setting === 'KeepCharging') return resolved(StoppedMode.KeepCharging, 'KeepCharging requested', false);
  if (setting === 'auto') {
    if (charge !== 'PostPaid')
      return resolved(StoppedMode.KeepCharging, `auto: ${charge} keeps charging`, false);
    if (!eligible) {
      return resolved(StoppedMode.KeepCharging, `auto: ${type} is not eligible for StopCharging`, false);
    }
    return resolved(StoppedMode.StopCharging, `auto: PostPaid ${type}`, true);
  }
  if (charge === 'PrePaid') {
    return resolved(StoppedMode.KeepCharging, 'StopCharging on PrePaid resolves to KeepCharging', false);
  }
  const fallback = config.defaults.fallback === 'KeepCharging';
  if (!eligible) {
    return resolved(StoppedMode.StopCharging, `StopCharging requested; ${type} may not support it`, fallback);
  }
  return resolved(StoppedMode.StopCharging, 'StopCharging requested', fallback);
}

/** Where the mode setting comes from: the override tag, else the schedule, else the defaults. */
function requestedMode(
  instance: ModeInstance,
  schedule: Pick<ScheduleConfig, 'stoppedMode'>,
  config: ModeConfig,
): Requested | InvalidOverride {
  const tag = `${config.tagKey}${STOPPED_MODE_TAG_SUFFIX}`;
  const value = tagValue(instance, tag);
  if (value !== undefined) {
    // Exactly these two spellings: a near miss such as `stopcharging` is a mistake to report, not to guess at.
    if (value === StoppedMode.StopCharging || value === StoppedMode.KeepCharging) {
      return { setting: value, source: ModeSource.Tag };
    }
    return { kind: 'invalid-override', tag, value };
  }
  if (schedule.stoppedMode !== undefined)
    return { setting: schedule.stoppedMode, source: ModeSource.Schedule };
  return { setting: config.defaults.stoppedMode, source: ModeSource.Defaults };
}
