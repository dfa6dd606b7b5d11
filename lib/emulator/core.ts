/** Everything one emulator holds: the fleet state, faults, rate buckets, tokens and the call log. */
import type { Credentials } from '../volc/index.js';
import type { CallRecord } from './calls.js';
import { type FaultSettings, validateFaults } from './faults.js';
import { validateFleet } from './fleet.js';
import { IdempotencyStore } from './idempotency.js';
import { FaultInjector } from './injector.js';
import { RateLimiter } from './ratelimit.js';
import { FleetState, type InspectedInstance } from './state.js';
import type { Fleet } from './types.js';
import { DEFAULT_RELEASE_MS, FaasState } from './vefaas.js';

/** The clock and the sleep of an emulator, injected so that tests control time. */
export interface EmulatorDeps {
  /** Milliseconds since the epoch. */
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** How long a veFaaS release takes. @default 200 */
  releaseMs?: number;
}

/** The mutable heart of an emulator, shared by the HTTP server and the in-process handle. */
export class EmulatorCore {
  readonly deps: EmulatorDeps;
  readonly faults: FaultInjector;
  readonly limiter: RateLimiter;
  readonly tokens = new IdempotencyStore();
  calls: CallRecord[] = [];
  state: FleetState;
  /** The veFaaS functions and timers (deploy's side of the emulator). */
  faas: FaasState;
  #startFleet: Fleet;

  constructor(fleet: Fleet, faults: FaultSettings, deps: EmulatorDeps) {
    this.deps = deps;
    this.faults = new FaultInjector(faults);
    this.limiter = new RateLimiter(deps.now);
    this.#startFleet = fleet;
    this.state = new FleetState(fleet, deps.now);
    this.faas = this.#newFaas();
  }

  #newFaas(): FaasState {
    return new FaasState(this.deps.now, () => this.deps.releaseMs ?? DEFAULT_RELEASE_MS);
  }

  /** Replaces the fleet (the start fleet when none is given) and forgets tokens, rate buckets, calls and functions. */
  reset(fleet?: Fleet): void {
    this.state = new FleetState(fleet ?? this.#startFleet, this.deps.now);
    this.tokens.clear();
    this.limiter.clear();
    this.calls = [];
    this.faas = this.#newFaas();
    this.faults.set(this.faults.settings);
  }
}

/** What every emulator offers its starter, over HTTP or in-process: inspection and control of its core. */
export interface EmulatorView {
  /** The first credential pair of the current fleet. */
  readonly credentials: Credentials;
  /** The live fleet state (replaced by reset). */
  readonly state: FleetState;
  /** Every instance as `GET /_emulator/instances` shows it. */
  instances(): InspectedInstance[];
  /** One instance as the inspection API shows it. */
  instance(id: string): InspectedInstance | undefined;
  /** The call log. */
  calls(): CallRecord[];
  /** The veFaaS functions and timers that deploy made (replaced by reset). */
  readonly faas: FaasState;
  /** The current fault settings. */
  faults(): FaultSettings;
  /** Replaces the fault settings (re-seeds the PRNG, starts the script again). @throws ConfigError */
  setFaults(settings: FaultSettings): void;
  /** Replaces the fleet (the start fleet when none is given) and forgets tokens, rate buckets, calls and functions. */
  reset(fleet?: Fleet): void;
}

/** The {@link EmulatorView} of a core. */
export function viewOf(core: EmulatorCore): EmulatorView {
  return {
    get credentials() {
      return { ...core.state.credentials.values().next().value! };
    },
    get state() {
      return core.state;
    },
    instances: () => core.state.all().map((r) => core.state.inspect(r)),
    instance: (id) => {
      const record = core.state.find(id);
      return record ? core.state.inspect(record) : undefined;
    },
    calls: () => [...core.calls],
    get faas() {
      return core.faas;
    },
    faults: () => core.faults.settings,
    setFaults: (settings) => core.faults.set(validateFaults(settings)),
    reset: (next) => core.reset(next ? validateFleet(next) : undefined),
  };
}
