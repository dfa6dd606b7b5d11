/**
 * The API codes the executor reacts to, and the one table that says what each per-instance code means.
 * The API's codes are spelled as Volcengine spells them (see docs/volcengine-api.md, "Error codes"); the
 * executor's own codes (DeadlineExceeded, MissingOperationDetail...) live with every other code in lib/errors.ts.
 */
import { ErrorCode } from '../errors.js';

/** Per-instance and request-level API codes the executor treats specially. */
export const ApiCode = {
  FlowLimitExceeded: 'FlowLimitExceeded',
  InternalError: 'InternalError',
  ResourceLocked: 'OperationDenied.ResourceLocked',
  InstanceIsCreatingImage: 'OperationDenied.InstanceIsCreatingImage',
  InvalidInstanceStatus: 'InvalidInstanceStatus',
  ChargeTypeMismatch: 'InvalidStoppedMode.ChargeTypeMismatch',
  InstanceTypeMismatch: 'InvalidStoppedMode.InstanceTypeMismatch',
  NotFound: 'InvalidInstance.NotFound',
  ResourceCreatedByOtherService: 'OperationDenied.ResourceCreatedByOtherService',
  IdempotentParameterMismatch: 'IdempotentParameterMismatch',
  /** StartInstances: the zone has no stock to give a StopCharging-stopped instance its compute back. */
  InsufficientCapacity: 'Insufficient.InstanceCapacity',
  IdempotentProcessing: 'IdempotentProcessing',
} as const;

/**
 * The per-instance codes that mean "no capacity to start this instance now" (see docs/volcengine-ecs-start.md:
 * the API reference names one such code).
 */
export const CAPACITY_CODES: ReadonlySet<string> = new Set([ApiCode.InsufficientCapacity]);

/** What the executor does with one instance whose OperationDetail carries an error. */
export const InstanceAction = {
  /** Transient: collect it and send it again in a new batch after a backoff. */
  Rebatch: 'rebatch',
  /**
  /**
   * No capacity to start it now: send it again in later batches, with the backoff, until the deadline
   * (stock comes back as other machines stop), then fail it with the code and what to do.
   */
  Capacity: 'capacity',
  /**
   * Look the instance up. After InvalidInstanceStatus, STOPPED or STOPPING (RUNNING or STARTING, for a start)
   * means it was already there; after an answer that left it out, it means this run stopped (started) it, and
   * RUNNING (STOPPED, for a start) means send it again.
   */
  LookUp: 'look-up',
  /** StopCharging refused: send it again with KeepCharging when the plan allows it. */
  Fallback: 'fallback',
  /** The instance does not exist (any more). */
  Gone: 'gone',
  /** Another service manages the instance: not ours to stop. */
  OtherService: 'other-service',
  /** Anything else: the instance failed. */
  Fail: 'fail',
} as const;
export type InstanceAction = (typeof InstanceAction)[keyof typeof InstanceAction];

const INSTANCE_ACTIONS: ReadonlyMap<string, InstanceAction> = new Map<string, InstanceAction>([
  [ApiCode.FlowLimitExceeded, InstanceAction.Rebatch],
  [ApiCode.InternalError, InstanceAction.Rebatch],
  [ApiCode.ResourceLocked, InstanceAction.Rebatch],
  [ApiCode.InstanceIsCreatingImage, InstanceAction.Rebatch],
  [ApiCode.InvalidInstanceStatus, InstanceAction.LookUp],
  [ErrorCode.MissingOperationDetail, InstanceAction.LookUp],
  [ApiCode.ChargeTypeMismatch, InstanceAction.Fallback],
  [ApiCode.InstanceTypeMismatch, InstanceAction.Fallback],
  [ApiCode.NotFound, InstanceAction.Gone],
  [ApiCode.ResourceCreatedByOtherService, InstanceAction.OtherService],
  ...[...CAPACITY_CODES].map((code): [string, InstanceAction] => [code, InstanceAction.Capacity]),
]);

/**
 * What to do with an instance whose StopInstances detail carries `code`.
 *
 * @example
 * instanceAction('OperationDenied.ResourceLocked'); // 'rebatch'
 */
export function instanceAction(code: string): InstanceAction {
  return INSTANCE_ACTIONS.get(code) ?? InstanceAction.Fail;
}
