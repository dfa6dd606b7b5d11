/** Everything one emulator holds: the fleet state, faults, rate buckets, tokens and the call log. */
import type { CallRecord } from './calls.js';
import type { FaultSettings } from './faults.js';
import { IdempotencyStore } from './idempotency.js';
import { FaultInjector } from './injector.js';
import { RateLimiter } from './ratelimit.js';
import { FleetState } from './state.js';
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
