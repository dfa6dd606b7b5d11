/**
 * Error codes the executor reacts to, and the one table that says what each per-instance code means.
 * The API's codes are spelled as Volcengine spells them (see shared/reference/volcengine-ecs.md, section 4);
 * the executor's own codes name situations that have no API code.
 */

/** Codes the executor itself puts in `errorCode`. */
export const StopErrorCode = {
  /** The run's deadline came before the instance got a final answer. */
  DeadlineExceeded: 'DeadlineExceeded',
  /** The guard refused the run: more stops than `guard.maxInstancesPerRun`, and not forced. */
  GuardRefused: 'GuardRefused',
  /** A StopInstances or StartInstances answer said nothing about an instance it was asked about. */
  MissingOperationDetail: 'MissingOperationDetail',
  /** A failure that is not an API error (a bug, or a fake that throws something else). */
  Unexpected: 'UnexpectedError',
} as const;
export type StopErrorCode = (typeof StopErrorCode)[keyof typeof StopErrorCode];

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
   * No capacity to start it now: send it again in later batches, with the backoff, until the deadline
   * (stock comes back as other machines stop), then fail it with the code and what to do.
   */
  Capacity: 'capacity',
  /** Look the instance up: STOPPED or STOPPING (RUNNING or STARTING, for a start) means it was already there. */
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
  [StopErrorCode.MissingOperationDetail, InstanceAction.Rebatch],
  [ApiCode.InvalidInstanceStatus, InstanceAction.LookUp],
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
