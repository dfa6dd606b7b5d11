/**
 * The emulator in-process on a virtual clock, with the few conveniences the tests of the layers above the
 * client need: a fleet built up instance by instance, per-instance codes and script entries added one at a time,
 * and the call log read back as the tests ask about it. Every answer is the emulator's: this file keeps no ECS
 * state and decides nothing; it only writes fleets and fault settings and reads the call log.
 */
import {
  type CallRecord,
  createInProcessEmulator,
  DEFAULT_CREDENTIALS,
  type FaultSettings,
  type FleetInstance,
  type InProcessEmulator,
  type InspectedInstance,
  type ScriptedFault,
} from '../../lib/emulator/index.js';
import type { EcsApi } from '../../lib/volc/index.js';
import type { VirtualClock } from './clock.js';

/** One call of the emulator's log, with the parameters the tests read. */
export interface SeenCall {
  action: string;
  region: string;
  /** When the request arrived, on the virtual clock (in-process, when it was sent). */
  atMs: number;
  /** `InstanceIds.N`, in order. */
  instanceIds: string[];
  stoppedMode?: string;
  forceStop?: boolean;
  clientToken?: string;
  /** `ok`, the API error code of the answer, `HTTP <status>` (an answer without one), or `no-answer`. */
  result: string;
  /** True when a ClientToken retry got the stored result and nothing was done again. */
  replayed: boolean;
  /** The call log's entry. */
  record: CallRecord;
}

function seen(record: CallRecord): SeenCall {
  const ids = Object.entries(record.params)
    .filter(([key]) => /^InstanceIds\.\d+$/.test(key))
    .sort(([a], [b]) => Number(a.slice(12)) - Number(b.slice(12)))
    .map(([, id]) => id);
  const call: SeenCall = {
    action: record.action,
    region: record.region,
    atMs: Date.parse(record.time),
    instanceIds: ids,
    result:
      record.errorCode ??
      (record.httpStatus === 0
        ? 'no-answer'
        : record.httpStatus === 200
          ? 'ok'
          : `HTTP ${record.httpStatus}`),
    replayed: record.replayed ?? false,
    record,
  };
  if (record.params.StoppedMode !== undefined) call.stoppedMode = record.params.StoppedMode;
  if (record.params.ForceStop !== undefined) call.forceStop = record.params.ForceStop === 'true';
  if (record.clientToken !== undefined) call.clientToken = record.clientToken;
  return call;
}

/** Fields of a fleet entry, as `add` takes them. */
export type InstanceFields = Partial<Omit<FleetInstance, 'InstanceId' | 'Region'>>;

/**
 * An in-process emulator built up by a test.
 *
 * @example
 * const ecs = new EmulatedEcs(clock, { transitionMs: 5_000 });
 * ecs.add('cn-beijing', ['i-1', 'i-2']).instanceCodes('i-2', 'FlowLimitExceeded');
 * ecs.script({ action: 'StopInstances', error: 'InternalError', applied: true });
 */
export class EmulatedEcs {
  readonly emulator: InProcessEmulator;
  /** Largest number of requests in flight at once, per region (what the client allowed itself). */
  readonly maxInFlight = new Map<string, number>();
  readonly #fleet: FleetInstance[] = [];
  readonly #byId = new Map<string, FleetInstance>();
  readonly #faults: FaultSettings;
  readonly #script: ScriptedFault[] = [];
  readonly #inFlight = new Map<string, number>();
  /** True when the fleet changed since the emulator last loaded it. */
  #dirty = false;

  constructor(clock: VirtualClock, faults: FaultSettings = {}) {
    this.#faults = faults;
    this.emulator = createInProcessEmulator({
      fleet: { credentials: [DEFAULT_CREDENTIALS], instances: [] },
      faults,
      now: clock.nowMs,
      sleep: clock.sleep,
    });
  }

  /** Adds RUNNING PostPaid `ecs.g3i.large` instances (the fleet defaults), with any fields overridden. */
  add(region: string, ids: readonly string[], fields: InstanceFields = {}): this {
    for (const id of ids) {
      const entry = {
        InstanceName: `name-${id}`,
        ...fields,
        InstanceId: id,
        Region: region,
      } as FleetInstance;
      if (fields.Emulator) entry.Emulator = structuredClone(fields.Emulator);
      this.#fleet.push(entry);
      this.#byId.set(id, entry);
    }
    this.#dirty = true;
    return this;
  }

  /** The next operations on `id` answer these per-instance codes, one per operation (the `errors` flag). */
  instanceCodes(id: string, ...codes: string[]): this {
    const entry = this.#byId.get(id);
    if (!entry) throw new Error(`instanceCodes: add ${id} first`);
    entry.Emulator = { ...entry.Emulator, errors: [...(entry.Emulator?.errors ?? []), ...codes] };
    this.#dirty = true;
    return this;
  }

  /** Appends entries to the emulator's fault script. */
  script(...entries: ScriptedFault[]): this {
    this.#script.push(...entries);
    this.emulator.setFaults({ ...this.#faults, script: this.#script });
    return this;
  }

  /** Loads the fleet built so far (once, before the first request: a test builds it, then runs). */
  #sync(): InProcessEmulator {
    if (this.#dirty) this.emulator.reset({ credentials: [DEFAULT_CREDENTIALS], instances: this.#fleet });
    this.#dirty = false;
    return this.emulator;
  }

  /** The instance as the inspection API shows it now. */
  instance(id: string): InspectedInstance | undefined {
    return this.#sync().instance(id);
  }

  /** Every call so far. */
  get calls(): SeenCall[] {
    return this.#sync().calls().map(seen);
  }

  /** StopInstances calls, optionally of one region. */
  stopCalls(region?: string): SeenCall[] {
    return this.calls.filter(
      (c) => c.action === 'StopInstances' && (region === undefined || c.region === region),
    );
  }

  /** DescribeInstances calls. */
  describeCalls(): SeenCall[] {
    return this.calls.filter((c) => c.action === 'DescribeInstances');
  }

  /** How many stops the emulator accepted per instance (instances it never stopped are left out). */
  get stopEffects(): Map<string, number> {
    return new Map(
      this.#sync()
        .instances()
        .filter((i) => i.stopAccepted > 0)
        .map((i) => [i.InstanceId, i.stopAccepted]),
    );
  }

  /** The ECS API of a region, counting its requests in flight. */
  clientFor(region: string): EcsApi {
    const api = this.#sync().clientFor(region);
    const counted =
      <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        const inFlight = (this.#inFlight.get(region) ?? 0) + 1;
        this.#inFlight.set(region, inFlight);
        this.maxInFlight.set(region, Math.max(this.maxInFlight.get(region) ?? 0, inFlight));
        try {
          this.#sync();
          return await call(...args);
        } finally {
          this.#inFlight.set(region, (this.#inFlight.get(region) ?? 1) - 1);
        }
      };
    return {
      region,
      describeInstancesPage: counted(api.describeInstancesPage),
      stopInstances: counted(api.stopInstances),
      startInstances: counted(api.startInstances),
      describeRegionsPage: counted(api.describeRegionsPage),
    };
  }
}
