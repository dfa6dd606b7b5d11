/**
 * A small scripted in-memory ECS for the executor's tests. It keeps instance state and answers like the API
 * (per-instance codes from the real rules: not found, not running, StopCharging refused, another service's
 * instance), honours ClientToken idempotency (same token + same parameters replays the first answer; other
 * parameters throw IdempotentParameterMismatch), and records every call. Tests script it further: throw a
 * VolcApiError on a call (optionally after applying it, as when only the answer is lost), mangle a call's
 * OperationDetails, or answer given per-instance codes to an instance's next stops.
 */
import { VolcApiError } from '../../../lib/errors.js';
import type {
  DescribeInstancesFilters,
  DescribeInstancesPage,
  EcsApi,
  Instance,
  OperationDetail,
  OperationResult,
  StopInstancesParams,
} from '../../../lib/volc/types.js';
import type { VirtualClock } from '../../support/clock.js';

export type FakeAction = 'DescribeInstances' | 'StopInstances' | 'StartInstances';

/** One recorded call. */
export interface FakeCall {
  action: FakeAction;
  region: string;
  atMs: number;
  instanceIds: string[];
  stoppedMode?: string | undefined;
  forceStop?: boolean | undefined;
  clientToken?: string | undefined;
  /** `ok`, or the code the call threw. */
  result: string;
  /** True when the answer was replayed for a known ClientToken (nothing was done). */
  replayed: boolean;
  details?: OperationDetail[];
}

/** A scripted reaction to one call. */
export type CallStep =
  | { throw: VolcApiError; applied?: boolean }
  | { mangle: (details: OperationDetail[]) => OperationDetail[] };

const RETRYABLE_CODES = new Set(['FlowLimitExceeded', 'IdempotentProcessing', 'InternalError', 'Timeout']);

/** A VolcApiError as the client would build it; `retryable` follows the client's rules unless given. */
export function apiError(
  code: string,
  httpStatus: number,
  options: { retryable?: boolean; requestId?: string; action?: string; region?: string } = {},
): VolcApiError {
  return new VolcApiError({
    code,
    message: `${code} (scripted)`,
    httpStatus,
    requestId: options.requestId,
    action: options.action ?? 'StopInstances',
    region: options.region ?? 'cn-beijing',
    retryable:
      options.retryable ??
      (RETRYABLE_CODES.has(code) || httpStatus === 429 || httpStatus >= 500 || httpStatus === 0),
  });
}

interface FakeInstance extends Instance {
  region: string;
  otherService?: boolean;
  /** Overrides the fake's `stopDelayMs` for this instance. */
  stopDelayMs?: number;
  stoppedAtMs?: number;
}

const STOP_CHARGING_INELIGIBLE = /^ecs\.(i|d|ebm|hpc)/;

export class FakeEcs {
  readonly calls: FakeCall[] = [];
  /** How many times each instance was really moved to STOPPING/STOPPED. */
  readonly stopEffects = new Map<string, number>();
  /** Largest number of calls in flight at once, per region. */
  readonly maxInFlight = new Map<string, number>();
  readonly #instances = new Map<string, FakeInstance>();
  readonly #steps: { action: FakeAction; region?: string; step: CallStep }[] = [];
  readonly #codes = new Map<string, string[]>();
  readonly #tokens = new Map<string, { key: string; result: OperationResult }>();
  readonly #inFlight = new Map<string, number>();
  #requests = 0;

  /**
   * @param latencyMs fake time each call takes
   * @param stopDelayMs fake time from STOPPING to STOPPED (0: STOPPED at once)
   * @param stuckNextToken a broken server: every DescribeInstances page names this NextToken
   */
  constructor(
    readonly clock: VirtualClock,
    readonly options: { latencyMs?: number; stopDelayMs?: number; stuckNextToken?: string } = {},
  ) {}

  /** Adds RUNNING PostPaid instances (fields can be overridden). */
  add(region: string, ids: string[], fields: Partial<FakeInstance> = {}): this {
    for (const id of ids) {
      this.#instances.set(id, {
        InstanceId: id,
        InstanceName: `name-${id}`,
        Status: 'RUNNING',
        InstanceChargeType: 'PostPaid',
        InstanceTypeId: 'ecs.g3i.large',
        ZoneId: `${region}-a`,
        ProjectName: 'default',
        Tags: [],
        ...fields,
        region,
      });
    }
    return this;
  }

  /** The current state of an instance. */
  instance(id: string): FakeInstance | undefined {
    const instance = this.#instances.get(id);
    if (instance?.Status === 'STOPPING' && (instance.stoppedAtMs ?? 0) <= this.clock.nowMs())
      instance.Status = 'STOPPED';
    return instance;
  }

  /** Queues a reaction for the next matching call (in order). */
  script(action: FakeAction, step: CallStep, region?: string): this {
    this.#steps.push(region === undefined ? { action, step } : { action, step, region });
    return this;
  }

  /** The next stops carrying `id` answer these per-instance codes, one per call, before normal behaviour. */
  instanceCodes(id: string, ...codes: string[]): this {
    this.#codes.set(id, [...(this.#codes.get(id) ?? []), ...codes]);
    return this;
  }

  /** StopInstances calls, optionally of one region. */
  stopCalls(region?: string): FakeCall[] {
    return this.calls.filter(
      (c) => c.action === 'StopInstances' && (region === undefined || c.region === region),
    );
  }

  clientFor(region: string): EcsApi {
    return {
      region,
      describeInstancesPage: (filters, page) =>
        this.#call(region, (at) => this.#describe(region, at, filters, page)),
      stopInstances: (params) => this.#stopCall(region, params),
      startInstances: () => {
        throw new Error('StartInstances is not used by the executor');
      },
      describeRegionsPage: () => {
        throw new Error('DescribeRegions is not used by the executor');
      },
    };
  }

  #takeStep(action: FakeAction, region: string): CallStep | undefined {
    const i = this.#steps.findIndex(
      (s) => s.action === action && (s.region === undefined || s.region === region),
    );
    return i < 0 ? undefined : this.#steps.splice(i, 1)[0]!.step;
  }

  /** `answer` gets the time the request was sent (calls are recorded with it, not with the answer's time). */
  async #call<T>(region: string, answer: (sentAtMs: number) => T): Promise<T> {
    const sentAtMs = this.clock.nowMs();
    const inFlight = (this.#inFlight.get(region) ?? 0) + 1;
    this.#inFlight.set(region, inFlight);
    this.maxInFlight.set(region, Math.max(this.maxInFlight.get(region) ?? 0, inFlight));
    try {
      if (this.options.latencyMs) await this.clock.sleep(this.options.latencyMs);
      return answer(sentAtMs);
    } finally {
      this.#inFlight.set(region, (this.#inFlight.get(region) ?? 1) - 1);
    }
  }

  #nextRequestId(): string {
    this.#requests += 1;
    return `req-${this.#requests}`;
  }

  #describe(
    region: string,
    atMs: number,
    filters: DescribeInstancesFilters,
    page?: { nextToken?: string; maxResults?: number },
  ): DescribeInstancesPage {
    const ids = filters.instanceIds ?? [];
    const call: FakeCall = {
      action: 'DescribeInstances',
      region,
      atMs,
      instanceIds: [...ids],
      result: 'ok',
      replayed: false,
    };
    this.calls.push(call);
    const step = this.#takeStep('DescribeInstances', region);
    if (step && 'throw' in step) {
      call.result = step.throw.code;
      throw step.throw;
    }
    if (ids.length > 100) {
      call.result = 'InvalidArgument';
      throw apiError('InvalidArgument', 400, { action: 'DescribeInstances', region });
    }
    const matching = [...this.#instances.keys()]
      .map((id) => this.instance(id)!)
      .filter((i) => i.region === region && (ids.length === 0 || ids.includes(i.InstanceId)));
    const start = Number(page?.nextToken ?? 0);
    const size = page?.maxResults ?? 10;
    const slice = matching
      .slice(start, start + size)
      .map(({ region: _r, otherService: _o, stopDelayMs: _d, stoppedAtMs: _s, ...rest }) => ({ ...rest }));
    const next = start + size < matching.length ? String(start + size) : '';
    return {
      instances: slice,
      nextToken: this.options.stuckNextToken ?? next,
      totalCount: matching.length,
      requestId: this.#nextRequestId(),
    };
  }

  #stopCall(region: string, params: StopInstancesParams): Promise<OperationResult> {
    return this.#call(region, (at) => this.#stop(region, at, params));
  }

  #stop(region: string, atMs: number, params: StopInstancesParams): OperationResult {
    const call: FakeCall = {
      action: 'StopInstances',
      region,
      atMs,
      instanceIds: [...params.instanceIds],
      stoppedMode: params.stoppedMode,
      forceStop: params.forceStop,
      clientToken: params.clientToken,
      result: 'ok',
      replayed: false,
    };
    this.calls.push(call);
    const fail = (error: VolcApiError): never => {
      call.result = error.code;
      throw error;
    };
    const token = params.clientToken;
    if (params.instanceIds.length < 1 || params.instanceIds.length > 100)
      fail(apiError('InvalidCount.Malformed', 400));
    if (token !== undefined && (token.length > 64 || !/^[\x20-\x7e]*$/.test(token)))
      fail(apiError('InvalidClientToken.Malformed', 400));
    const key = JSON.stringify([
      [...params.instanceIds].sort(),
      params.stoppedMode ?? '',
      params.forceStop ?? false,
    ]);
    const known = token === undefined ? undefined : this.#tokens.get(token);
    if (known && known.key !== key) fail(apiError('IdempotentParameterMismatch', 400, { retryable: false }));
    const step = this.#takeStep('StopInstances', region);
    if (step && 'throw' in step && !step.applied) fail(step.throw);
    let result: OperationResult;
    if (known) {
      call.replayed = true;
      result = known.result;
    } else {
      let details = params.instanceIds.map((id) => this.#stopOne(region, id, params));
      if (step && 'mangle' in step) details = step.mangle(details);
      result = { requestId: this.#nextRequestId(), operationDetails: details };
      if (token !== undefined) this.#tokens.set(token, { key, result });
    }
    call.details = result.operationDetails;
    if (step && 'throw' in step) fail(step.throw);
    return result;
  }

  #stopOne(region: string, id: string, params: StopInstancesParams): OperationDetail {
    const error = (Code: string): OperationDetail => ({
      InstanceId: id,
      Error: { Code, Message: `${Code}: ${id}` },
    });
    const scripted = this.#codes.get(id);
    if (scripted && scripted.length > 0) return error(scripted.shift()!);
    const instance = this.instance(id);
    if (!instance || instance.region !== region) return error('InvalidInstance.NotFound');
    if (instance.otherService) return error('OperationDenied.ResourceCreatedByOtherService');
    if (instance.Status !== 'RUNNING') return error('InvalidInstanceStatus');
    if (params.stoppedMode === 'StopCharging') {
      if (instance.InstanceChargeType !== 'PostPaid') return error('InvalidStoppedMode.ChargeTypeMismatch');
      if (STOP_CHARGING_INELIGIBLE.test(instance.InstanceTypeId))
        return error('InvalidStoppedMode.InstanceTypeMismatch');
    }
    const delayMs = instance.stopDelayMs ?? this.options.stopDelayMs ?? 0;
    instance.Status = delayMs > 0 ? 'STOPPING' : 'STOPPED';
    instance.stoppedAtMs = this.clock.nowMs() + delayMs;
    instance.StoppedMode = params.stoppedMode ?? 'KeepCharging';
    this.stopEffects.set(id, (this.stopEffects.get(id) ?? 0) + 1);
    return { InstanceId: id };
  }
}
