/**
 * The veFaaS (function service) client of one region: the control-plane actions that deploy one timer-driven
 * function, as docs/vefaas-api.md describes them. Every action is a signed POST with a JSON body. Each call's
 * shape (action name, body fields, result fields) is written here once, so a correction is one edit.
 */
import { VERSION } from '../version.js';
import { clientDispatcher, type EcsClientOptions, resolveEndpointOption } from './client.js';
import { type ApiSuccess, type CallContext, invalidResponse, isRecord } from './response.js';
import { createJsonTransport } from './transport.js';

/** The service name in the signature scope. */
export const VEFAAS_SERVICE = 'vefaas';

/** The veFaaS OpenAPI version this client speaks. */
export const VEFAAS_API_VERSION = '2024-06-06';

/** The regions the official veFaaS tooling accepts. */
export const VEFAAS_REGIONS = ['cn-beijing', 'cn-shanghai', 'cn-guangzhou', 'ap-southeast-1'] as const;

/** The actions this client sends, in one place (the emulator answers the same list). */
export const VefaasAction = {
  ListFunctions: 'ListFunctions',
  GetFunction: 'GetFunction',
  CreateFunction: 'CreateFunction',
  UpdateFunction: 'UpdateFunction',
  DeleteFunction: 'DeleteFunction',
  ListTriggers: 'ListTriggers',
  CreateTimer: 'CreateTimer',
  UpdateTimer: 'UpdateTimer',
  DeleteTimer: 'DeleteTimer',
  Release: 'Release',
  GetReleaseStatus: 'GetReleaseStatus',
} as const;
export type VefaasAction = (typeof VefaasAction)[keyof typeof VefaasAction];

/** One environment variable of a function. */
export interface FaasEnv {
  Key: string;
  Value: string;
}

/** The settings of a function that deploy writes (CreateFunction / UpdateFunction body fields). */
export interface FunctionSpec {
  Name: string;
  Runtime: string;
  Description: string;
  /** The code: a zip archive, base64. */
  Source: string;
  SourceType: 'zip';
  Envs: FaasEnv[];
  MemoryMB: number;
  /** Seconds. */
  RequestTimeout: number;
}

/** A function as GetFunction and ListFunctions return it (the fields read here). */
export interface FaasFunction {
  Id: string;
  Name: string;
  Runtime?: string;
  Description?: string;
  MemoryMB?: number;
  RequestTimeout?: number;
}

/** The settings of a timer trigger (CreateTimer / UpdateTimer body fields). */
export interface TimerSpec {
  Name: string;
  /** Five fields. */
  Crontab: string;
  /** The string delivered as the CloudEvent's `data`. */
  Payload: string;
  Enabled: boolean;
  Description: string;
  Retries: number;
  EnableConcurrency: boolean;
}

/** A trigger as ListTriggers returns it; timers have `Type: "timer"`. */
export interface FaasTrigger {
  Id: string;
  FunctionId: string;
  Type: string;
  Name?: string;
  Crontab?: string;
  Payload?: string;
  Enabled?: boolean;
  Description?: string;
  Retries?: number;
  EnableConcurrency?: boolean;
}

/** Where a release stands, as GetReleaseStatus words it (matched loosely, see {@link releaseState}). */
export interface ReleaseStatus {
  Status: string;
  /** Why it failed, when it did. */
  ErrorMessage?: string;
}

/** How a release's `Status` reads. */
export const ReleaseState = { InProgress: 'in-progress', Succeeded: 'succeeded', Failed: 'failed' } as const;
export type ReleaseState = (typeof ReleaseState)[keyof typeof ReleaseState];

/**
 * Reads a release status. The exact strings are not documented (`Succeeded`, `succeeded`, `Failed`,
 * `InProgress`, ...), so they are matched by meaning: anything neither succeeded nor failed is still going.
 */
export function releaseState(status: string): ReleaseState {
  if (/succe/i.test(status)) return ReleaseState.Succeeded;
  if (/fail|error/i.test(status)) return ReleaseState.Failed;
  return ReleaseState.InProgress;
}

/**
 * Options of {@link createVefaasClient}: the ECS client's, with the same meaning and defaults, except the
 * per-request deadline ({@link DEFAULT_VEFAAS_TIMEOUT_MS}: a CreateFunction carries the whole zip).
 */
export type VefaasClientOptions = Pick<
  EcsClientOptions,
  'region' | 'credentials' | 'endpoint' | 'timeoutMs' | 'dispatcher' | 'now' | 'onRequest'
>;

/** The veFaaS actions deploy uses, typed. One HTTP attempt per call; errors are `VolcApiError`. */
export interface VefaasClient {
  /** The functions named exactly `name` (the server's filter may match more loosely; this one does not). */
  findFunctions(name: string): Promise<FaasFunction[]>;
  getFunction(id: string): Promise<FaasFunction>;
  createFunction(spec: FunctionSpec): Promise<FaasFunction>;
  updateFunction(id: string, spec: FunctionSpec): Promise<FaasFunction>;
  deleteFunction(id: string): Promise<void>;
  listTriggers(functionId: string): Promise<FaasTrigger[]>;
  createTimer(functionId: string, spec: TimerSpec): Promise<FaasTrigger>;
  updateTimer(functionId: string, id: string, spec: TimerSpec): Promise<FaasTrigger>;
  deleteTimer(functionId: string, id: string): Promise<void>;
  /** Publishes the current code and settings as a new revision (`RevisionNumber: 0`). */
  release(functionId: string): Promise<void>;
  getReleaseStatus(functionId: string): Promise<ReleaseStatus>;
  close(): Promise<void>;
}

/** Default per-request deadline: a CreateFunction carries the zip inline. */
export const DEFAULT_VEFAAS_TIMEOUT_MS = 30_000;

/** Page size of ListFunctions and ListTriggers. */
const PAGE_SIZE = 100;
/** A listing longer than this many pages is refused rather than followed for ever. */
const MAX_PAGES = 100;

function stringField(context: CallContext, success: ApiSuccess, record: unknown, field: string): string {
  const value = isRecord(record) ? record[field] : undefined;
  if (typeof value !== 'string' || value === '') {
    throw invalidResponse(
      context,
      success.httpStatus,
      `${field} is missing from the answer`,
      success.requestId,
    );
  }
  return value;
}

function parseFunction(
  context: CallContext,
  success: ApiSuccess,
  record: unknown = success.result,
): FaasFunction {
  stringField(context, success, record, 'Id');
  return record as unknown as FaasFunction;
}

function parseTrigger(
  context: CallContext,
  success: ApiSuccess,
  record: unknown = success.result,
): FaasTrigger {
  stringField(context, success, record, 'Id');
  return record as unknown as FaasTrigger;
}

function parsePage(context: CallContext, success: ApiSuccess): { items: unknown[]; total: number } {
  const { Items, Total } = success.result;
  if (!Array.isArray(Items)) {
    throw invalidResponse(context, success.httpStatus, 'Items is not a list', success.requestId);
  }
  return { items: Items, total: typeof Total === 'number' ? Total : Items.length };
}

const ignore = () => undefined;

/**
 * Creates the veFaaS client of one region.
 *
 * @example
 * const faas = createVefaasClient({ region: 'cn-beijing', credentials, endpoint: resolveEndpoint() });
 * const [existing] = await faas.findFunctions('lights-out');
 * await faas.close();
 */
export function createVefaasClient(options: VefaasClientOptions): VefaasClient {
  const timeoutMs = options.timeoutMs ?? DEFAULT_VEFAAS_TIMEOUT_MS;
  const endpoint = resolveEndpointOption(options.endpoint);
  const agent = clientDispatcher(options.dispatcher, timeoutMs);
  const call = createJsonTransport(
    {
      region: options.region,
      credentials: options.credentials,
      endpoint,
      timeoutMs,
      dispatcher: agent.dispatcher,
      now: options.now ?? (() => new Date()),
      ...(options.onRequest ? { onRequest: options.onRequest } : {}),
      userAgent: `lights-out/${VERSION}`,
    },
    { service: VEFAAS_SERVICE, version: VEFAAS_API_VERSION },
  );

  async function listAll(action: VefaasAction, body: Record<string, unknown>): Promise<unknown[]> {
    const items: unknown[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const answer = await call(action, { ...body, PageNumber: page, PageSize: PAGE_SIZE }, parsePage);
      items.push(...answer.items);
      if (answer.items.length < PAGE_SIZE || items.length >= answer.total) return items;
    }
    throw invalidResponse({ action, region: options.region }, 200, `more than ${MAX_PAGES} pages`);
  }

  return {
    async findFunctions(name) {
      const items = await listAll(VefaasAction.ListFunctions, {
        Filters: [{ Name: 'Name', Values: [name] }],
      });
      return items.filter(
        (f): f is FaasFunction => isRecord(f) && f.Name === name && typeof f.Id === 'string',
      );
    },
    getFunction: (id) => call(VefaasAction.GetFunction, { Id: id }, (c, s) => parseFunction(c, s)),
    createFunction: (spec) => call(VefaasAction.CreateFunction, { ...spec }, (c, s) => parseFunction(c, s)),
    updateFunction: (id, spec) =>
      call(VefaasAction.UpdateFunction, { Id: id, ...spec }, (c, s) => parseFunction(c, s)),
    deleteFunction: (id) => call(VefaasAction.DeleteFunction, { Id: id }, ignore),
    async listTriggers(functionId) {
      const items = await listAll(VefaasAction.ListTriggers, { FunctionId: functionId });
      return items.filter((t): t is FaasTrigger => isRecord(t) && typeof t.Id === 'string');
    },
    createTimer: (functionId, spec) =>
      call(VefaasAction.CreateTimer, { FunctionId: functionId, ...spec }, (c, s) => parseTrigger(c, s)),
    updateTimer: (functionId, id, spec) =>
      call(VefaasAction.UpdateTimer, { Id: id, FunctionId: functionId, ...spec }, (c, s) =>
        parseTrigger(c, s),
      ),
    deleteTimer: (functionId, id) =>
      call(VefaasAction.DeleteTimer, { Id: id, FunctionId: functionId }, ignore),
    release: (functionId) =>
      call(VefaasAction.Release, { FunctionId: functionId, RevisionNumber: 0 }, ignore),
    getReleaseStatus: (functionId) =>
      call(VefaasAction.GetReleaseStatus, { FunctionId: functionId }, (c, s) => ({
        Status: stringField(c, s, s.result, 'Status'),
        ...(typeof s.result.ErrorMessage === 'string' ? { ErrorMessage: s.result.ErrorMessage } : {}),
      })),
    async close() {
      await agent.close();
    },
  };
}
