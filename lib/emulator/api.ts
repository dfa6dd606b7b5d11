/**
 * One API request, from bytes to answer: authentication, Action/Version, the rate quota, injected faults,
 * parameters, ClientToken memory and the action itself. Every request leaves one entry in the call log.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { authenticate } from './auth.js';
import type { CallRecord } from './calls.js';
import {
  API_VERSION,
  type ApiFailure,
  ECS_ACTIONS,
  errorBody,
  httpStatusOf,
  type ResponseMetadata,
  SERVICE,
} from './catalog.js';
import type { EmulatorCore } from './core.js';
import { describeInstances, endlessPage } from './describe.js';
import { fingerprintOf, type StoredResult, tokenKey } from './idempotency.js';
import { type BatchAction, type BatchResult, distortDetails, readBatchRequest, runBatch } from './operate.js';
import { ApiRejection, collectParams, decodePairs } from './params.js';
import { describeRegions } from './regions.js';
import { changeDetails, type ScriptedFault } from './script.js';
import { VEFAAS_ACTIONS, VEFAAS_API_VERSION, VEFAAS_SERVICE } from './vefaas.js';

/** How the server must answer: JSON (maybe cut short), a proxy's HTML page, a dropped connection, or nothing. */
export type Answer =
  | { kind: 'json'; status: number; body: unknown; truncate?: boolean; headers?: Record<string, string> }
  | { kind: 'html'; status: number }
  | { kind: 'drop' }
  | { kind: 'hang' };

/** A request as the HTTP server read it. */
export interface RawRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const ACTIONS: ReadonlySet<string> = new Set(ECS_ACTIONS);

const BAD_GATEWAY_HTML =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n';
/** The bytes of an answer that has some: a status, a content type and a body (JSON cut short if asked). */
export function encodeAnswer(answer: Exclude<Answer, { kind: 'drop' } | { kind: 'hang' }>): {
  status: number;
  /** The answer's headers, content-type included (and retry-after when the faults ask for one). */
  headers: Record<string, string>;
  body: string;
} {
  if (answer.kind === 'html')
    return { status: answer.status, headers: { 'content-type': 'text/html' }, body: BAD_GATEWAY_HTML };
  let text = JSON.stringify(answer.body);
  if (answer.truncate) text = text.slice(0, Math.floor(text.length / 2));
  return {
    status: answer.status,
    headers: { ...answer.headers, 'content-type': 'application/json; charset=utf-8' },
    body: text,
  };
}

function requestId(nowMs: number): string {
  const stamp = new Date(nowMs).toISOString().replace(/\D/g, '').slice(0, 14);
  return `${stamp}${randomBytes(9).toString('hex').toUpperCase()}`;
}

/** What one request carries and what the log will say about it. */
interface Exchange {
  core: EmulatorCore;
  meta: ResponseMetadata;
  record: CallRecord;
  params: Map<string, string>;
  /** The scripted fault that hits this request, if any. */
  scripted?: ScriptedFault;
}

function fail(exchange: Exchange, failure: ApiFailure, fault?: string): Answer {
  exchange.record.errorCode = failure.code;
  if (fault) exchange.record.fault = fault;
  const status = httpStatusOf(failure.code);
  const retryAfter = status === 429 ? exchange.core.faults.retryAfterSeconds : undefined;
  return {
    kind: 'json',
    status,
    body: errorBody(exchange.meta, failure),
    ...(retryAfter !== undefined && { headers: { 'retry-after': String(retryAfter) } }),
  };
}

/** Opens the call log entry and the answer's metadata of one request of `pairs`. */
function openExchange(core: EmulatorCore, pairs: ReadonlyArray<readonly [string, string]>): Exchange {
  const nowMs = core.deps.now();
  const first = (key: string) => pairs.find(([k]) => k === key)?.[1] ?? '';
  const id = requestId(nowMs);
  const meta: ResponseMetadata = {
    RequestId: id,
    Action: first('Action'),
    Version: first('Version'),
    Service: SERVICE,
    Region: '',
  };
  const record: CallRecord = {
    time: new Date(nowMs).toISOString(),
    action: meta.Action,
    region: '',
    accessKeyId: '',
    params: Object.fromEntries(pairs),
    httpStatus: 0,
    requestId: id,
  };
  if (first('ClientToken')) record.clientToken = first('ClientToken');
  core.calls.push(record);
  return { core, meta, record, params: new Map() };
}

/** Notes the answer's HTTP status in the call log (0: no answer). */
function closeExchange(exchange: Exchange, answer: Answer): Answer {
  exchange.record.httpStatus = answer.kind === 'drop' || answer.kind === 'hang' ? 0 : answer.status;
  return answer;
}

/**
 * Answers one API request and appends it to the call log.
 * @returns the answer, for the server to send (after any delay it owes)
 */
export async function handleApi(core: EmulatorCore, raw: RawRequest): Promise<Answer> {
  const queryAt = raw.url.indexOf('?');
  const path = queryAt < 0 ? raw.url : raw.url.slice(0, queryAt);
  const query = decodePairs(queryAt < 0 ? '' : raw.url.slice(queryAt + 1));
  const isForm = /^application\/x-www-form-urlencoded/i.test(raw.headers['content-type'] ?? '');
  const pairs = [...query, ...(isForm ? decodePairs(raw.body.toString('utf8')) : [])];
  const exchange = openExchange(core, pairs);
  return closeExchange(exchange, await answerApi(exchange, { ...raw, path, query, pairs }));
}

/** An ECS request from inside the process: its caller, its region and its parameters (Action and Version included). */
export interface InProcessRequest {
  accessKeyId: string;
  region: string;
  pairs: ReadonlyArray<readonly [string, string]>;
}

/**
 * Answers one ECS request made inside the process, past the wire: no bytes to decode and no signature to
 * check (the caller is the fleet's key holder), then exactly what an HTTP request gets once authenticated.
 */
export async function handleInProcess(core: EmulatorCore, request: InProcessRequest): Promise<Answer> {
  const exchange = openExchange(core, request.pairs);
  exchange.meta.Region = exchange.record.region = request.region;
  exchange.record.accessKeyId = request.accessKeyId;
  return closeExchange(exchange, await answerEcs(exchange, request.pairs));
}

async function answerApi(
  exchange: Exchange,
  raw: RawRequest & { path: string; query: Array<[string, string]>; pairs: Array<[string, string]> },
): Promise<Answer> {
  const { core, meta, record } = exchange;
  // veFaaS and ECS share the endpoint, the keys and the signing; the Action says which service it is for.
  const faas = VEFAAS_ACTIONS.has(meta.Action);
  if (faas) meta.Service = VEFAAS_SERVICE;
  const auth = authenticate(
    { method: raw.method, path: raw.path, query: raw.query, headers: raw.headers, body: raw.body },
    core.state.credentials,
    core.deps.now(),
    faas ? VEFAAS_SERVICE : SERVICE,
  );
  meta.Region = record.region = auth.region ?? '';
  record.accessKeyId = auth.accessKeyId ?? '';
  if (auth.failure) return fail(exchange, auth.failure);
  if (faas && meta.Action && meta.Version) return answerFaas(exchange, raw);
  return answerEcs(exchange, raw.pairs);
}

/** An authenticated ECS request: Action and Version, the quota, latency, the script and faults, then the action. */
async function answerEcs(
  exchange: Exchange,
  pairs: ReadonlyArray<readonly [string, string]>,
): Promise<Answer> {
  const { core, meta, record } = exchange;
  if (!meta.Action || !meta.Version) {
    return fail(exchange, {
      code: 'MissingParameter',
      message: `The required parameter ${meta.Action ? 'Version' : 'Action'} is not supplied.`,
    });
  }
  if (meta.Version !== API_VERSION || !ACTIONS.has(meta.Action))
    return fail(exchange, { code: 'InvalidActionOrVersion' });
  const bucket = `${record.accessKeyId}\n${record.region}\n${meta.Action}`;
  if (!core.limiter.take(bucket, core.faults.qpsFor(meta.Action)))
    return fail(exchange, { code: 'FlowLimitExceeded' });
  const latencyMs = core.faults.latencyMs();
  if (latencyMs > 0) await core.deps.sleep(latencyMs);
  const scripted = core.faults.scripted(meta.Action, record.region);
  if (scripted) {
    exchange.scripted = scripted;
    if (scripted.answer !== 'ok' || scripted.details || scripted.nextToken !== undefined)
      record.fault = 'script';
    const early = scripted.applied ? undefined : scriptedAnswer(exchange, scripted);
    if (early) return early;
  }
  const before = scripted ? undefined : core.faults.faultBefore();
  if (before) return faultAnswer(exchange, before);
  try {
    exchange.params = collectParams(pairs);
    return await runAction(exchange);
  } catch (error) {
    if (error instanceof ApiRejection) return fail(exchange, error.failure);
    throw error;
  }
}

/** What the call log keeps of a veFaaS body: no code, and environment variable names without their values. */
function loggedBody(body: Record<string, unknown>): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === 'Source' && typeof value === 'string') params[key] = `<zip, ${value.length} base64 chars>`;
    else if (key === 'Envs' && Array.isArray(value)) params[key] = value.map((e) => e?.Key).join(',');
    else params[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return params;
}

/** A veFaaS action: a POST whose JSON body holds the parameters. Faults and the quota are ECS's only. */
function answerFaas(exchange: Exchange, raw: RawRequest): Answer {
  const { core, meta, record } = exchange;
  if (meta.Version !== VEFAAS_API_VERSION) return fail(exchange, { code: 'InvalidActionOrVersion' });
  let body: unknown;
  try {
    body = raw.method === 'POST' ? JSON.parse(raw.body.toString('utf8')) : undefined;
  } catch {
    body = undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return fail(exchange, {
      code: 'InvalidArgument',
      message: 'veFaaS actions are POST requests whose body is a JSON object.',
    });
  }
  record.params = loggedBody(body as Record<string, unknown>);
  try {
    const result = core.faas.act(meta.Action, meta.Region, body as Record<string, unknown>);
    return { kind: 'json', status: 200, body: { ResponseMetadata: meta, Result: result } };
  } catch (error) {
    if (error instanceof ApiRejection) return fail(exchange, error.failure);
    throw error;
  }
}

/**
 * The answer a scripted `error` or broken `answer` calls for, before acting or (`applied`) after; undefined
 * when the answer is a normal one (`ok`, `truncatedJson`, or only a change of details or NextToken).
 */
function scriptedAnswer(exchange: Exchange, scripted: ScriptedFault): Answer | undefined {
  if (scripted.error) return fail(exchange, { code: scripted.error }, 'script');
  if (scripted.answer === 'drop' || scripted.answer === 'hang') return { kind: scripted.answer };
  if (scripted.answer === 'nonJson') return { kind: 'html', status: 502 };
  return undefined;
}

function faultAnswer(exchange: Exchange, fault: string): Answer {
  exchange.record.fault = fault;
  if (fault === 'dropConnection') return { kind: 'drop' };
  if (fault === 'nonJson') return { kind: 'html', status: 502 };
  if (fault === 'unavailable') return fail(exchange, { code: 'ServiceUnavailableTemp' }, fault);
  if (fault === 'flowLimitPerRequest') return fail(exchange, { code: 'FlowLimitExceeded' }, fault);
  return fail(exchange, { code: 'InternalError' }, fault);
}

async function runAction(exchange: Exchange): Promise<Answer> {
  const { core, meta, params, scripted } = exchange;
  let result: unknown;
  const reads = meta.Action === 'DescribeInstances' || meta.Action === 'DescribeRegions';
  if (meta.Action === 'DescribeInstances') {
    result = core.faults.endlessListing
      ? endlessPage(meta.Region, params)
      : describeInstances(core.state, meta.Region, params, core.deps.now(), core.faults.maxPageSize);
    if (scripted?.nextToken !== undefined) result = { ...(result as object), NextToken: scripted.nextToken };
  } else if (meta.Action === 'DescribeRegions') {
    result = describeRegions(core.state, params);
  } else {
    result = await runBatchAction(exchange, meta.Action as BatchAction);
  }
  if (scripted) {
    // The action is committed; a scripted answer after it is a lost answer, or a changed or cut-short one.
    const lost = scripted.applied ? scriptedAnswer(exchange, scripted) : undefined;
    if (lost) return lost;
    if (scripted.details) result = changed(exchange, result as BatchResult, scripted);
    return {
      kind: 'json',
      status: 200,
      body: { ResponseMetadata: meta, Result: result },
      truncate: scripted.answer === 'truncatedJson',
    };
  }
  const after = core.faults.faultAfter();
  if (after === 'lostResponse') {
    exchange.record.fault = after;
    // The action is committed; only the answer is lost, which is what ClientTokens exist for.
    return core.faults.random() < 0.5 ? { kind: 'drop' } : fail(exchange, { code: 'InternalError' }, after);
  }
  if (!reads) result = distorted(exchange, result as BatchResult);
  if (after === 'truncatedJson') exchange.record.fault = after;
  return {
    kind: 'json',
    status: 200,
    body: { ResponseMetadata: meta, Result: result },
    truncate: after === 'truncatedJson',
  };
}

/** The answer's details after the answer-shape faults; the call log names the instances left out. */
function distorted(exchange: Exchange, result: BatchResult): BatchResult {
  return withOmitted(exchange, result, distortDetails(exchange.core.faults, result));
}

/** The answer's details after a script's changes; the call log names the instances left out. */
function changed(exchange: Exchange, result: BatchResult, scripted: ScriptedFault): BatchResult {
  const details = changeDetails(result.OperationDetails, scripted.details ?? {});
  return withOmitted(exchange, result, { OperationDetails: details });
}

function withOmitted(exchange: Exchange, result: BatchResult, answer: BatchResult): BatchResult {
  const kept = new Set(answer.OperationDetails.map((d) => d.InstanceId));
  const omitted = result.OperationDetails.map((d) => d.InstanceId).filter((id) => !kept.has(id));
  if (omitted.length > 0) exchange.record.omitted = omitted;
  return answer;
}

async function runBatchAction(exchange: Exchange, action: BatchAction): Promise<BatchResult> {
  const { core, meta, record, params } = exchange;
  const request = readBatchRequest(action, params);
  const key = request.clientToken
    ? tokenKey(record.accessKeyId, meta.Region, request.clientToken)
    : undefined;
  if (key) {
    const fingerprint = fingerprintOf(params);
    const stored = core.tokens.lookup(key, fingerprint, core.faults.idempotentProcessingFirstAttempt);
    if (stored) {
      record.replayed = true;
      record.results = stored.results;
      return stored.result as BatchResult;
    }
    core.tokens.claim(key, fingerprint);
  }
  try {
    const result = runBatch(core, meta.Region, request);
    const stored: StoredResult = {
      result,
      results: result.OperationDetails.map((d) =>
        d.Error ? { instanceId: d.InstanceId, errorCode: d.Error.Code } : { instanceId: d.InstanceId },
      ),
    };
    record.results = stored.results;
    if (key) core.tokens.store(key, stored);
    // Same-token requests that arrive during this window get 412 IdempotentProcessing.
    if (core.faults.processingMs > 0) await core.deps.sleep(core.faults.processingMs);
    return result;
  } finally {
    if (key) core.tokens.release(key);
  }
}
