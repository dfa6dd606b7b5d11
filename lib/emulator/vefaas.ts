/**
 * The veFaaS control plane, as much of it as deploy uses (docs/vefaas-api.md): functions with their code and
 * settings, timer triggers, and releases that take a moment. Where the public facts are silent (error codes,
 * the release status strings, how the runtime finds the handler) the emulator takes the strict choice and says
 * so in docs/vefaas-api.md: an unknown function is 404 `ResourceNotFound`, an unknown runtime or a malformed
 * field 400 `InvalidParameter`, and a release of a `node20/v1` zip without `index.js` at its root fails.
 */
import { randomBytes } from 'node:crypto';
import { unzipSync } from 'fflate';
import type { TimerSpec } from '../volc/index.js';
import { ApiRejection } from './params.js';

/** The veFaaS API version the emulator serves. */
export const VEFAAS_API_VERSION = '2024-06-06';
/** The service name of the veFaaS credential scope. */
export const VEFAAS_SERVICE = 'vefaas';

/** The actions the emulator answers for veFaaS; any other Action in this version is InvalidActionOrVersion. */
export const VEFAAS_ACTIONS: ReadonlySet<string> = new Set([
  'ListFunctions',
  'GetFunction',
  'CreateFunction',
  'UpdateFunction',
  'DeleteFunction',
  'ListTriggers',
  'CreateTimer',
  'UpdateTimer',
  'DeleteTimer',
  'Release',
  'GetReleaseStatus',
]);

/** The runtimes veFaaS lists; any other is refused. */
export const VEFAAS_RUNTIMES: ReadonlySet<string> = new Set([
  'golang/v1',
  'node14/v1',
  'node20/v1',
  'nodeprime14/v1',
  'python3.8/v1',
  'python3.9/v1',
  'python3.12/v1',
  'native-node20/v1',
  'native-python3.8/v1',
  'native-python3.9/v1',
  'native-python3.12/v1',
  'native/v1',
]);

/** How long a release takes when none is set. */
export const DEFAULT_RELEASE_MS = 200;

/** One function as the emulator keeps it; `Source` is kept decoded, for inspection. */
export interface EmulatedFunction {
  Id: string;
  Name: string;
  Runtime: string;
  Description: string;
  MemoryMB: number;
  RequestTimeout: number;
  Envs: Array<{ Key: string; Value: string }>;
  SourceType: string;
  /** The zip archive of the code. */
  code: Uint8Array;
  region: string;
  /** The last release: when it started and what came of it (undefined before the first). */
  release?: { startedMs: number; failure?: string };
}

/** One timer trigger: the settings the client sends (TimerSpec), and the IDs the platform gives it. */
export interface EmulatedTimer extends TimerSpec {
  Id: string;
  FunctionId: string;
  Type: 'timer';
}

const FUNCTION_FIELDS = [
  'Name',
  'Runtime',
  'Description',
  'MemoryMB',
  'RequestTimeout',
  'Envs',
  'SourceType',
];
const TIMER_FIELDS = ['Name', 'Crontab', 'Payload', 'Enabled', 'Description', 'Retries', 'EnableConcurrency'];

function invalid(message: string): ApiRejection {
  return new ApiRejection('InvalidParameter', message);
}

function str(body: Record<string, unknown>, key: string, required = true): string | undefined {
  const value = body[key];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || (required && value === ''))
    throw invalid(`${key} must be a non-empty string.`);
  return value;
}

function positiveInt(body: Record<string, unknown>, key: string): number | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || (value as number) <= 0)
    throw invalid(`${key} must be a positive integer.`);
  return value as number;
}

function envs(value: unknown): Array<{ Key: string; Value: string }> {
  if (
    !Array.isArray(value) ||
    !value.every((e) => typeof e?.Key === 'string' && e.Key !== '' && typeof e?.Value === 'string')
  ) {
    throw invalid('Envs must be a list of {Key, Value} strings.');
  }
  return value.map((e) => ({ Key: e.Key, Value: e.Value }));
}

function decodeZip(body: Record<string, unknown>): Uint8Array {
  const source = str(body, 'Source')!;
  if (body.SourceType !== 'zip') throw invalid('SourceType must be zip for an inline Source.');
  const bytes = Buffer.from(source, 'base64');
  if (bytes.toString('base64') !== source) throw invalid('Source must be base64.');
  try {
    unzipSync(bytes, { filter: () => false });
  } catch {
    throw invalid('Source is not a zip archive.');
  }
  return bytes;
}

const CRONTAB = /^\S+ \S+ \S+ \S+ \S+$/;

/** Why a release of this code fails, or undefined: a handler runtime needs `index.js` at the zip's root. */
function releaseFailure(fn: EmulatedFunction): string | undefined {
  if (!/^node\d+\/v1$/.test(fn.Runtime)) return undefined;
  const names = Object.keys(unzipSync(fn.code, { filter: (file) => file.name === 'index.js' }));
  return names.includes('index.js')
    ? undefined
    : `the ${fn.Runtime} runtime loads index.js from the root of the code, and the zip has none`;
}

/** The functions and timers of one emulator (all regions; each function belongs to the region it was made in). */
export class FaasState {
  readonly functions = new Map<string, EmulatedFunction>();
  readonly timers = new Map<string, EmulatedTimer>();
  readonly #now: () => number;
  readonly #releaseMs: () => number;

  constructor(now: () => number, releaseMs: () => number) {
    this.#now = now;
    this.#releaseMs = releaseMs;
  }

  /** Answers one veFaaS action with its `Result`, or throws ApiRejection. */
  act(action: string, region: string, body: Record<string, unknown>): Record<string, unknown> {
    switch (action) {
      case 'ListFunctions':
        return this.#listFunctions(region, body);
      case 'GetFunction':
        return this.#view(this.#function(region, body, 'Id'));
      case 'CreateFunction':
        return this.#create(region, body);
      case 'UpdateFunction':
        return this.#update(this.#function(region, body, 'Id'), body);
      case 'DeleteFunction':
        return this.#delete(this.#function(region, body, 'Id'));
      case 'ListTriggers':
        return this.#listTriggers(this.#function(region, body, 'FunctionId'), body);
      case 'CreateTimer':
      case 'UpdateTimer':
        return this.#putTimer(this.#function(region, body, 'FunctionId'), body, action === 'CreateTimer');
      case 'DeleteTimer': {
        const timer = this.#timer(this.#function(region, body, 'FunctionId'), body);
        this.timers.delete(timer.Id);
        return {};
      }
      case 'Release':
        return this.#release(this.#function(region, body, 'FunctionId'), body);
      default:
        return this.#releaseStatus(this.#function(region, body, 'FunctionId'));
    }
  }

  #function(region: string, body: Record<string, unknown>, key: string): EmulatedFunction {
    const id = str(body, key)!;
    const fn = this.functions.get(id);
    if (!fn || fn.region !== region) {
      throw new ApiRejection('ResourceNotFound', `The function ${JSON.stringify(id)} does not exist.`);
    }
    return fn;
  }

  #timer(fn: EmulatedFunction, body: Record<string, unknown>): EmulatedTimer {
    const id = str(body, 'Id')!;
    const timer = this.timers.get(id);
    if (!timer || timer.FunctionId !== fn.Id) {
      throw new ApiRejection('ResourceNotFound', `The trigger ${JSON.stringify(id)} does not exist.`);
    }
    return timer;
  }

  #view(fn: EmulatedFunction): Record<string, unknown> {
    const view: Record<string, unknown> = { Id: fn.Id };
    for (const key of FUNCTION_FIELDS) view[key] = fn[key as keyof EmulatedFunction];
    return { ...view, CodeSize: fn.code.length };
  }

  #page(items: unknown[], body: Record<string, unknown>): Record<string, unknown> {
    const number = positiveInt(body, 'PageNumber') ?? 1;
    const size = Math.min(positiveInt(body, 'PageSize') ?? 10, 100);
    return { Items: items.slice((number - 1) * size, number * size), Total: items.length };
  }

  #listFunctions(region: string, body: Record<string, unknown>): Record<string, unknown> {
    const filters = body.Filters === undefined ? [] : body.Filters;
    if (!Array.isArray(filters)) throw invalid('Filters must be a list.');
    const names = filters.find((f) => f?.Name === 'Name')?.Values as unknown;
    if (names !== undefined && !Array.isArray(names)) throw invalid('Filters.Values must be a list.');
    // The platform's name filter matches part of a name; a client must compare names itself.
    const matches = [...this.functions.values()].filter(
      (fn) =>
        fn.region === region &&
        (names === undefined ||
          (names as unknown[]).some((n) => typeof n === 'string' && fn.Name.includes(n))),
    );
    return this.#page(
      matches.map((fn) => this.#view(fn)),
      body,
    );
  }

  #settings(fn: EmulatedFunction, body: Record<string, unknown>): void {
    if (body.Runtime !== undefined) {
      const runtime = str(body, 'Runtime')!;
      if (!VEFAAS_RUNTIMES.has(runtime))
        throw invalid(`The runtime ${JSON.stringify(runtime)} is not supported.`);
      fn.Runtime = runtime;
    }
    if (body.Description !== undefined) fn.Description = str(body, 'Description', false)!;
    fn.MemoryMB = positiveInt(body, 'MemoryMB') ?? fn.MemoryMB;
    fn.RequestTimeout = positiveInt(body, 'RequestTimeout') ?? fn.RequestTimeout;
    if (body.Envs !== undefined) fn.Envs = envs(body.Envs);
    if (body.Source !== undefined) {
      fn.code = decodeZip(body);
      fn.SourceType = 'zip';
    }
  }

  #create(region: string, body: Record<string, unknown>): Record<string, unknown> {
    const name = str(body, 'Name')!;
    if ([...this.functions.values()].some((fn) => fn.region === region && fn.Name === name)) {
      throw invalid(`A function named ${JSON.stringify(name)} already exists.`);
    }
    if (body.Runtime === undefined) throw invalid('Runtime is required.');
    if (body.Source === undefined) throw invalid('Source is required.');
    const fn: EmulatedFunction = {
      Id: randomBytes(4).toString('hex'),
      Name: name,
      Runtime: '',
      Description: '',
      MemoryMB: 1024,
      RequestTimeout: 30,
      Envs: [],
      SourceType: 'zip',
      code: new Uint8Array(),
      region,
    };
    this.#settings(fn, body);
    this.functions.set(fn.Id, fn);
    return this.#view(fn);
  }

  #update(fn: EmulatedFunction, body: Record<string, unknown>): Record<string, unknown> {
    if (body.Name !== undefined && body.Name !== fn.Name) throw invalid('A function cannot be renamed.');
    this.#settings(fn, body);
    return this.#view(fn);
  }

  #delete(fn: EmulatedFunction): Record<string, unknown> {
    this.functions.delete(fn.Id);
    for (const timer of [...this.timers.values()])
      if (timer.FunctionId === fn.Id) this.timers.delete(timer.Id);
    return {};
  }

  #listTriggers(fn: EmulatedFunction, body: Record<string, unknown>): Record<string, unknown> {
    return this.#page(
      [...this.timers.values()].filter((t) => t.FunctionId === fn.Id),
      body,
    );
  }

  #putTimer(fn: EmulatedFunction, body: Record<string, unknown>, create: boolean): Record<string, unknown> {
    const timer: EmulatedTimer = create
      ? {
          Id: randomBytes(4).toString('hex'),
          FunctionId: fn.Id,
          Type: 'timer',
          Name: str(body, 'Name')!,
          Crontab: '',
          Payload: '',
          Enabled: true,
          Description: '',
          Retries: 0,
          EnableConcurrency: false,
        }
      : { ...this.#timer(fn, body) };
    for (const key of TIMER_FIELDS) {
      const value = body[key];
      if (value === undefined) continue;
      const expected = typeof timer[key as keyof EmulatedTimer];
      if (typeof value !== expected) throw invalid(`${key} must be a ${expected}.`);
      (timer as unknown as Record<string, unknown>)[key] = value;
    }
    if (!CRONTAB.test(timer.Crontab)) throw invalid('Crontab must have 5 fields.');
    this.timers.set(timer.Id, timer);
    return { ...timer };
  }

  #release(fn: EmulatedFunction, body: Record<string, unknown>): Record<string, unknown> {
    if (body.RevisionNumber !== 0) throw invalid('RevisionNumber must be 0 (publish the current code).');
    const failure = releaseFailure(fn);
    fn.release = { startedMs: this.#now(), ...(failure ? { failure } : {}) };
    return { FunctionId: fn.Id, Status: 'InProgress' };
  }

  #releaseStatus(fn: EmulatedFunction): Record<string, unknown> {
    if (!fn.release) return { FunctionId: fn.Id, Status: 'NotReleased' };
    if (this.#now() - fn.release.startedMs < this.#releaseMs())
      return { FunctionId: fn.Id, Status: 'InProgress' };
    return fn.release.failure
      ? { FunctionId: fn.Id, Status: 'Failed', ErrorMessage: fn.release.failure }
      : { FunctionId: fn.Id, Status: 'Succeeded' };
  }
}
