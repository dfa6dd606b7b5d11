/**
 * StopInstances and StartInstances: request-level checks, then one per-instance decision each, in the order
 * the emulator checks them (NotFound, the instance's injected `errors`, other service, creating image, locked,
 * status, StopCharging rules, injected flow limit, capacity), then the state change.
 */
import { InstanceStatus, type OperationDetail, StoppedMode } from '../volc/index.js';
import { type InstanceErrorCode, InstanceErrors } from './catalog.js';
import type { FaultInjector } from './injector.js';
import { ApiRejection, clientTokenParam, instanceIdsParam } from './params.js';
import { consumeFlag, type FleetState, type InstanceRecord } from './state.js';

/** The two batch actions. */
export const BatchAction = { Stop: 'StopInstances', Start: 'StartInstances' } as const;
export type BatchAction = (typeof BatchAction)[keyof typeof BatchAction];

/** A checked Stop/Start request, ready to run. */
export interface BatchRequest {
  action: BatchAction;
  instanceIds: string[];
  /** Stop only; absent or empty means a normal stop (KeepCharging). */
  stoppedMode?: StoppedMode;
  clientToken?: string;
}

/** The `Result` of StopInstances/StartInstances. */
export interface BatchResult {
  OperationDetails: OperationDetail[];
}

/** What the emulator needs to run a batch. */
export interface BatchContext {
  state: FleetState;
  faults: FaultInjector;
}

const STOPPED_MODES: ReadonlySet<string> = new Set(Object.values(StoppedMode));

/** Checks the parameters of a Stop/Start call. @throws ApiRejection with the request-level error */
export function readBatchRequest(action: BatchAction, params: ReadonlyMap<string, string>): BatchRequest {
  const request: BatchRequest = { action, instanceIds: instanceIdsParam(params) };
  if (action === BatchAction.Stop) {
    const mode = params.get('StoppedMode');
    if (mode !== undefined && mode !== '' && !STOPPED_MODES.has(mode)) {
      throw new ApiRejection(
        'InvalidStoppedMode.Malformed',
        `The specified StoppedMode '${mode}' is malformed.`,
      );
    }
    if (mode) request.stoppedMode = mode as StoppedMode;
    const force = params.get('ForceStop');
    if (force !== undefined && force !== '' && !/^(true|false)$/i.test(force)) {
      throw new ApiRejection(
        'InvalidArgument',
        'The specified ForceStop is invalid: it must be true or false.',
      );
    }
  }
  const token = clientTokenParam(params);
  if (token !== undefined) request.clientToken = token;
  return request;
}

/** A per-instance code: one of the catalogue, or any code an instance's `errors` flag injects. */
type DetailCode = InstanceErrorCode | (string & {});

/** The message of a per-instance code. */
function messageOf(code: DetailCode): string {
  return (InstanceErrors as Record<string, string>)[code] ?? `${code} (injected by the emulator)`;
}

/** The checks both actions share, before the status check; an injected code comes first. */
function commonRefusal(record: InstanceRecord): DetailCode | undefined {
  const injected = record.flags.errors.shift();
  if (injected !== undefined) return injected;
  if (record.flags.createdByService) return 'OperationDenied.ResourceCreatedByOtherService';
  if (consumeFlag(record.flags, 'creatingImage')) return 'OperationDenied.InstanceIsCreatingImage';
  if (consumeFlag(record.flags, 'locked')) return 'OperationDenied.ResourceLocked';
  return undefined;
}

function stopOne(
  ctx: BatchContext,
  record: InstanceRecord,
  mode: StoppedMode | undefined,
): DetailCode | undefined {
  const refused = commonRefusal(record);
  if (refused) return refused;
  if (ctx.state.statusOf(record) !== InstanceStatus.Running) return 'InvalidInstanceStatus';
  if (mode === StoppedMode.StopCharging) {
    if (record.base.InstanceChargeType === 'PrePaid') return 'InvalidStoppedMode.ChargeTypeMismatch';
    if (ctx.faults.stopChargingIneligible(String(record.base.InstanceTypeId)))
      return 'InvalidStoppedMode.InstanceTypeMismatch';
  }
  if (ctx.faults.chance(ctx.faults.share('flowLimitPerInstance'))) return 'FlowLimitExceeded';
  ctx.state.beginStop(record, mode ?? StoppedMode.KeepCharging, ctx.faults.transitionMs);
  return undefined;
}

function startOne(ctx: BatchContext, record: InstanceRecord): DetailCode | undefined {
  const refused = commonRefusal(record);
  if (refused) return refused;
  if (ctx.state.statusOf(record) !== InstanceStatus.Stopped) return 'InvalidInstanceStatus';
  if (ctx.faults.chance(ctx.faults.share('flowLimitPerInstance'))) return 'FlowLimitExceeded';
  // StopCharging released the compute; getting it back can fail when the zone lacks stock.
  if (
    record.stoppedMode === StoppedMode.StopCharging &&
    ctx.faults.chance(ctx.faults.share('insufficientCapacity'))
  ) {
    return 'Insufficient.InstanceCapacity';
  }
  ctx.state.beginStart(record, ctx.faults.transitionMs);
  return undefined;
}

/** Runs a checked batch against the fleet of `region` and returns one detail per requested ID, in order. */
export function runBatch(ctx: BatchContext, region: string, request: BatchRequest): BatchResult {
  const details = request.instanceIds.map((id): OperationDetail => {
    const record = id === '' ? undefined : ctx.state.get(id, region);
    let code: DetailCode | undefined;
    if (id === '') code = 'MissingParameter.InstanceId';
    else if (!record) code = 'InvalidInstance.NotFound';
    else
      code =
        request.action === BatchAction.Stop
          ? stopOne(ctx, record, request.stoppedMode)
          : startOne(ctx, record);
    return code ? { InstanceId: id, Error: { Code: code, Message: messageOf(code) } } : { InstanceId: id };
  });
  return { OperationDetails: details };
}

/**
 * Applies the answer-shape faults (for tests of a client's defences): one detail left out, one for an
 * instance not asked for, or another order. The stored result (for idempotent replays) stays intact.
 */
export function distortDetails(faults: FaultInjector, result: BatchResult): BatchResult {
  let details = [...result.OperationDetails];
  if (details.length > 0 && faults.chance(faults.share('omitOperationDetail'))) {
    details.splice(Math.floor(faults.random() * details.length), 1);
  }
  if (faults.chance(faults.share('extraOperationDetail'))) {
    details.push({ InstanceId: `i-notrequested${Math.floor(faults.random() * 1e6)}` });
  }
  if (details.length > 1 && faults.chance(faults.share('shuffleOperationDetails'))) {
    const shift = 1 + Math.floor(faults.random() * (details.length - 1));
    details = [...details.slice(shift), ...details.slice(0, shift)];
  }
  return { OperationDetails: details };
}
