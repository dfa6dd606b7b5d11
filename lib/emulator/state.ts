/**
 * The emulated instances and their states. Transitions are lazy: an accepted stop records the target state and
 * the instant it is reached, and every read derives the status from the injected clock. No timers run, so a test
 * moves time by moving its clock.
 */
import {
  type Credentials,
  type Instance,
  InstanceStatus,
  KNOWN_REGIONS,
  StoppedMode,
} from '../volc/index.js';
import type { Fleet, FleetInstance } from './types.js';

/** The live flags of an instance; numbers count down as operations hit them. */
export interface LiveFlags {
  locked: boolean | number;
  creatingImage: boolean | number;
  createdByService: boolean | string;
  /** Per-instance error codes still to answer, first one next. */
  errors: string[];
  /** This instance's transition time, when the fleet set one. */
  transitionMs?: number;
}

/** One emulated instance. */
export interface InstanceRecord {
  readonly id: string;
  readonly region: string;
  /** The DescribeInstances fields of the fleet entry, without Region and Emulator. */
  readonly base: Readonly<Record<string, unknown>> & {
    readonly Tags: ReadonlyArray<{ Key: string; Value: string }>;
  };
  /** The status, or the transitional status while `pending` is not reached. */
  status: string;
  pending?: { target: string; atMs: number };
  stoppedMode?: StoppedMode;
  flags: LiveFlags;
  /** Stops this instance accepted since the last reset. */
  stopAccepted: number;
  /** Starts this instance accepted since the last reset. */
  startAccepted: number;
  updatedAt?: string;
}

/** What `GET /_emulator/instances` shows for one instance. */
export interface InspectedInstance {
  InstanceId: string;
  InstanceName: string;
  Region: string;
  ZoneId: string;
  Status: string;
  StoppedMode?: string;
  InstanceChargeType: string;
  InstanceTypeId: string;
  ProjectName: string;
  Tags: Array<{ Key: string; Value: string }>;
  Emulator: LiveFlags;
  stopAccepted: number;
  startAccepted: number;
  UpdatedAt?: string;
}

function toRecord(entry: FleetInstance, nowMs: number): InstanceRecord {
  const { Region, Emulator, StoppedMode: mode, ...base } = entry;
  const record: InstanceRecord = {
    id: entry.InstanceId,
    region: Region,
    base,
    status: entry.Status,
    flags: {
      locked: Emulator?.locked ?? false,
      creatingImage: Emulator?.creatingImage ?? false,
      createdByService: Emulator?.createdByService ?? false,
      errors: [...(Emulator?.errors ?? [])],
      ...(Emulator?.transitionMs === undefined ? {} : { transitionMs: Emulator.transitionMs }),
    },
    stopAccepted: 0,
    startAccepted: 0,
  };
  // A fleet may be captured mid-transition; such instances settle at once, or after their own transitionMs.
  const settleAtMs = nowMs + (Emulator?.transitionMs ?? 0);
  if (entry.Status === InstanceStatus.Stopping)
    record.pending = { target: InstanceStatus.Stopped, atMs: settleAtMs };
  if (entry.Status === InstanceStatus.Starting)
    record.pending = { target: InstanceStatus.Running, atMs: settleAtMs };
  if (entry.Status === InstanceStatus.Stopped || entry.Status === InstanceStatus.Stopping) {
    record.stoppedMode =
      mode === StoppedMode.StopCharging ? StoppedMode.StopCharging : StoppedMode.KeepCharging;
  }
  return record;
}

/** The instances of a fleet, indexed by ID and by region, with the credentials allowed to call. */
export class FleetState {
  readonly #now: () => number;
  readonly #byId = new Map<string, InstanceRecord>();
  readonly #byRegion = new Map<string, InstanceRecord[]>();
  readonly credentials = new Map<string, Credentials>();
  /** The regions DescribeRegions lists: the fleet's `regions`, else the documented ones plus the fleet's own. */
  readonly regions: readonly string[];
  /** Bumped by every change that is not a pure passage of time; caches key on it. */
  version = 0;

  constructor(fleet: Fleet, now: () => number) {
    this.#now = now;
    const nowMs = now();
    for (const pair of fleet.credentials) this.credentials.set(pair.accessKeyId, pair);
    for (const entry of fleet.instances) {
      const record = toRecord(entry, nowMs);
      this.#byId.set(record.id, record);
      const list = this.#byRegion.get(record.region);
      if (list) list.push(record);
      else this.#byRegion.set(record.region, [record]);
    }
    this.regions = fleet.regions ?? [...new Set([...KNOWN_REGIONS, ...this.#byRegion.keys()])];
  }

  /** The instance with this ID in this region, if any (an ID of another region is not found, as in the cloud). */
  get(id: string, region: string): InstanceRecord | undefined {
    const record = this.#byId.get(id);
    return record?.region === region ? record : undefined;
  }

  /** The instance with this ID in any region (for inspection). */
  find(id: string): InstanceRecord | undefined {
    return this.#byId.get(id);
  }

  /** The instances of a region, in fleet order. */
  inRegion(region: string): readonly InstanceRecord[] {
    return this.#byRegion.get(region) ?? [];
  }

  /** Every instance, in fleet order per region. */
  all(): InstanceRecord[] {
    return [...this.#byRegion.values()].flat();
  }

  /** The current status, settling a transition whose time has come. */
  statusOf(record: InstanceRecord): string {
    if (record.pending && this.#now() >= record.pending.atMs) {
      record.status = record.pending.target;
      record.pending = undefined;
    }
    return record.status;
  }

  /** Starts a stop: STOPPING now, STOPPED after the instance's own transition time, else `transitionMs`. */
  beginStop(record: InstanceRecord, mode: StoppedMode, transitionMs: number): void {
    const ms = record.flags.transitionMs ?? transitionMs;
    this.#begin(record, InstanceStatus.Stopping, InstanceStatus.Stopped, ms);
    record.stoppedMode = mode;
    record.stopAccepted += 1;
  }

  /** Starts a start: STARTING now, RUNNING after the instance's own transition time, else `transitionMs`. */
  beginStart(record: InstanceRecord, transitionMs: number): void {
    const ms = record.flags.transitionMs ?? transitionMs;
    this.#begin(record, InstanceStatus.Starting, InstanceStatus.Running, ms);
    record.stoppedMode = undefined;
    record.startAccepted += 1;
  }

  #begin(record: InstanceRecord, during: string, target: string, transitionMs: number): void {
    const nowMs = this.#now();
    record.status = during;
    record.pending = { target, atMs: nowMs + transitionMs };
    record.updatedAt = new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
    this.version += 1;
    this.statusOf(record);
  }

  /** The instance as DescribeInstances returns it. */
  describe(record: InstanceRecord): Instance {
    const status = this.statusOf(record);
    const instance = { ...record.base, Status: status } as unknown as Instance;
    if (record.stoppedMode && (status === InstanceStatus.Stopped || status === InstanceStatus.Stopping)) {
      instance.StoppedMode = record.stoppedMode;
    }
    if (record.updatedAt) instance.UpdatedAt = record.updatedAt;
    return instance;
  }

  /** The instance as the inspection API shows it, counters included. */
  inspect(record: InstanceRecord): InspectedInstance {
    const status = this.statusOf(record);
    const base = record.base as unknown as Instance;
    const inspected: InspectedInstance = {
      InstanceId: record.id,
      InstanceName: base.InstanceName,
      Region: record.region,
      ZoneId: base.ZoneId,
      Status: status,
      InstanceChargeType: base.InstanceChargeType,
      InstanceTypeId: base.InstanceTypeId,
      ProjectName: base.ProjectName,
      Tags: base.Tags.map((tag) => ({ ...tag })),
      Emulator: { ...record.flags, errors: [...record.flags.errors] },
      stopAccepted: record.stopAccepted,
      startAccepted: record.startAccepted,
    };
    if (record.stoppedMode && (status === InstanceStatus.Stopped || status === InstanceStatus.Stopping)) {
      inspected.StoppedMode = record.stoppedMode;
    }
    if (record.updatedAt) inspected.UpdatedAt = record.updatedAt;
    return inspected;
  }
}

/**
 * Checks a countable flag: `true` always answers, a number N answers N times and then clears.
 * @returns true when the operation must be refused
 */
export function consumeFlag(flags: LiveFlags, name: 'locked' | 'creatingImage'): boolean {
  const flag = flags[name];
  if (flag === true) return true;
  if (typeof flag === 'number' && flag > 0) {
    flags[name] = flag - 1;
    return true;
  }
  return false;
}
