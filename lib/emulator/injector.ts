/** Turns fault settings into decisions, drawing from one seeded PRNG so that a run is reproducible. */
import { DEFAULT_STOP_CHARGING_INELIGIBLE, type FaultSettings } from './faults.js';
import { mulberry32, type Random } from './prng.js';
import { FaultScript, type ScriptedFault } from './script.js';

/** A share-based fault of a whole API request. */
export type RequestFault =
  | 'flowLimitPerRequest'
  | 'dropConnection'
  | 'internalError'
  | 'unavailable'
  | 'nonJson'
  | 'lostResponse'
  | 'truncatedJson';

/** Faults that stop a request before it is carried out, in the order they are tried. */
const BEFORE: readonly RequestFault[] = [
  'flowLimitPerRequest',
  'dropConnection',
  'internalError',
  'unavailable',
  'nonJson',
];
/** Faults that hit the answer of a request that was carried out. */
const AFTER: readonly RequestFault[] = ['lostResponse', 'truncatedJson'];

function patternToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

/** The current fault settings and the PRNG they draw from. */
export class FaultInjector {
  #settings: FaultSettings = {};
  #random: Random = mulberry32(1);
  #ineligible: RegExp[] = [];
  #script = new FaultScript();

  constructor(settings: FaultSettings = {}) {
    this.set(settings);
  }

  /** Replaces the settings, re-seeds the PRNG and starts the script from its first entry. */
  set(settings: FaultSettings): void {
    this.#settings = { ...settings };
    this.#random = mulberry32(settings.seed ?? 1);
    this.#script = new FaultScript(settings.script);
    this.#ineligible = (settings.stopChargingIneligible ?? DEFAULT_STOP_CHARGING_INELIGIBLE).map(
      patternToRegExp,
    );
  }

  /** A copy of the current settings. */
  get settings(): FaultSettings {
    return structuredClone(this.#settings);
  }

  /** True with probability `share`; draws only when the share is above 0, so fault-free runs draw nothing. */
  chance(share: number | undefined): boolean {
    if (!share || share <= 0) return false;
    return this.#random() < share;
  }

  /** A number in [0, 1) from the same PRNG. */
  random(): number {
    return this.#random();
  }

  /** The scripted fault (if any) that hits this request; it is used up by one. */
  scripted(action: string, region: string): ScriptedFault | undefined {
    return this.#script.take(action, region);
  }

  /** The fault (if any) that stops this request before it is carried out. */
  faultBefore(): RequestFault | undefined {
    return BEFORE.find((fault) => this.chance(this.#settings[fault]));
  }

  /** The fault (if any) that hits the answer of a request that was carried out. */
  faultAfter(): RequestFault | undefined {
    return AFTER.find((fault) => this.chance(this.#settings[fault]));
  }

  /** Requests per second allowed for `action`; 0 means unlimited. */
  qpsFor(action: string): number {
    const qps = this.#settings.qps;
    if (typeof qps === 'number') return qps;
    return qps?.[action] ?? 0;
  }

  /** Milliseconds to add to this request. */
  latencyMs(): number {
    const latency = this.#settings.latencyMs;
    if (latency === undefined) return 0;
    if (typeof latency === 'number') return latency;
    return latency.min + this.#random() * (latency.max - latency.min);
  }

  /** True when StopCharging refuses this instance type. */
  stopChargingIneligible(instanceTypeId: string): boolean {
    return this.#ineligible.some((re) => re.test(instanceTypeId));
  }

  get transitionMs(): number {
    return this.#settings.transitionMs ?? 0;
  }

  get processingMs(): number {
    return this.#settings.processingMs ?? 0;
  }

  /** The most instances a DescribeInstances page holds; 0 means as many as MaxResults. */
  get maxPageSize(): number {
    return this.#settings.maxPageSize ?? 0;
  }

  /** The Retry-After of a 429 answer, in whole seconds, when the settings ask for one. */
  get retryAfterSeconds(): number | undefined {
    return this.#settings.retryAfterSeconds;
  }

  get endlessListing(): boolean {
    return this.#settings.endlessListing ?? false;
  }

  get idempotentProcessingFirstAttempt(): boolean {
    return this.#settings.idempotentProcessingFirstAttempt ?? false;
  }

  /** The share of a named setting, for the per-instance and answer-shape faults. */
  share(
    name:
      | 'flowLimitPerInstance'
      | 'insufficientCapacity'
      | 'omitOperationDetail'
      | 'extraOperationDetail'
      | 'shuffleOperationDetails',
  ): number {
    return this.#settings[name] ?? 0;
  }
}
