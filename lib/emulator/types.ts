/** The shapes the emulator is configured with: a fleet of instances, credentials and emulator-only flags. */
import type { Credentials, Tag } from '../volc/index.js';

/**
 * Emulator-only conditions of one instance, answered as the matching per-instance error of Stop/StartInstances.
 * `true` means always; a number N means the next N operations on the instance fail, then the condition clears
 * (so that a caller's retries can be tested).
 */
export interface EmulatorFlags {
  /** OperationDenied.ResourceLocked. @default false */
  locked?: boolean | number;
  /** OperationDenied.InstanceIsCreatingImage. @default false */
  creatingImage?: boolean | number;
  /** OperationDenied.ResourceCreatedByOtherService; a string names the service. @default false */
  createdByService?: boolean | string;
  /**
   * Per-instance error codes the next Stop/Start operations on the instance answer, one code per operation,
   * before any other check and without acting; then the instance behaves as usual. A code of the catalogue
   * (`FlowLimitExceeded`, `InternalError`, ...) carries its documented message; any other code-shaped name is
   * answered too (with the message `<code> (injected by the emulator)`), so that a client's handling of codes it
   * does not know can be tested. A replay of a ClientToken does not use one up. @default []
   */
  errors?: string[];
  /**
   * How long this instance's STOPPING and STARTING last, overriding the `transitionMs` fault; an instance
   * written STOPPING or STARTING in the fleet reaches STOPPED or RUNNING this long after the fleet is loaded.
   * @default the `transitionMs` fault (0 for a fleet's STOPPING/STARTING instances)
   */
  transitionMs?: number;
}

/**
 * One instance of a fleet, written with the DescribeInstances field names plus `Region`. Any other field (of a
 * captured real page, say) is kept and returned by DescribeInstances as it is.
 */
export interface FleetInstance {
  InstanceId: string;
  /** @default the InstanceId */
  InstanceName: string;
  /** @default 'RUNNING' */
  Status: string;
  /** For stopped instances. @default 'KeepCharging' when Status is STOPPED */
  StoppedMode?: string;
  /** @default 'PostPaid' */
  InstanceChargeType: string;
  /** @default 'ecs.g3i.large' */
  InstanceTypeId: string;
  /** @default `${Region}-a` */
  ZoneId: string;
  /** @default 'default' */
  ProjectName: string;
  /** @default [] */
  Tags: Tag[];
  Region: string;
  Emulator?: EmulatorFlags;
  [field: string]: unknown;
}

/** What the emulator serves: who may sign requests, and which instances exist. */
export interface Fleet {
  /** At least one pair; the first is the one the CLI prints. */
  credentials: Credentials[];
  instances: FleetInstance[];
  /**
   * The regions the account has, as DescribeRegions lists them.
   * @default the regions of docs/volcengine-regions.md plus those of the instances
   */
  regions?: string[];
  /** What a fleet file got wrong without being unusable (`file:line:column: warning: ...`), for the CLI to show. */
  warnings?: string[];
}

/** The credentials used when a fleet names none. The secret is a fixed fake: it guards nothing. */
export const DEFAULT_CREDENTIALS: Credentials = Object.freeze({
  accessKeyId: 'AKLTemulator0000000000',
  secretKey: 'emulator-secret-not-a-real-key-0000',
});
