/**
 * Facts about instance types that the API's behaviour depends on (docs/volcengine-api.md, "StopCharging").
 */

/**
 * Instance-type patterns (`*` matches any run of characters) that StopCharging refuses with
 * InstanceTypeMismatch: local disks (`ecs.i*`, `ecs.d*`), bare metal (`ecs.ebm*`) and HPC (`ecs.hpc*`). No
 * complete list is published: the configuration's `defaults.stopChargingIneligible` starts from this one,
 * and the emulator refuses these by default.
 */
export const STOP_CHARGING_INELIGIBLE_TYPES: readonly string[] = ['ecs.i*', 'ecs.d*', 'ecs.ebm*', 'ecs.hpc*'];
