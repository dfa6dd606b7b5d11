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
  errorBody,
  httpStatusOf,
  type ResponseMetadata,
  SERVICE,
} from './catalog.js';
import type { EmulatorCore } from './core.js';
import { describeInstances, endlessPage } from './describe.js';
import { fingerprintOf, type StoredResult, tokenKey } from './idempotency.js';
import { BatchAction, type BatchResult, distortDetails, readBatchRequest, runBatch } from './operate.js';
import { ApiRejection, collectParams, decodePairs } from './params.js';
import { describeRegions } from './regions.js';
import { VEFAAS_ACTIONS, VEFAAS_API_VERSION, VEFAAS_SERVICE } from './vefaas.js';

/** How the server must answer. */
export type Answer =
  | { kind: 'json'; status: number; body: unknown; truncate?: boolean; headers?: Record<string, string> }
  | { kind: 'html'; status: number }
  | { kind: 'drop' };

/** A request as the HTTP server read it. */
export interface RawRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const ACTIONS: ReadonlySet<string> = new Set([
  'DescribeInstances',
  'DescribeRegions',
  BatchAction.Stop,
  BatchAction.Start,
]);

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

/**
 * Answers one API request and appends it to the call log.
 * @returns the answer, for the server to send (after any delay it owes)
 */
export async function handleApi(core: EmulatorCore, raw: RawRequest): Promise<Answer> {
  const nowMs = core.deps.now();
  const queryAt = raw.url.indexOf('?');
  const path = queryAt < 0 ? raw.url : raw.url.slice(0, queryAt);
  const query = decodePairs(queryAt < 0 ? '' : raw.url.slice(queryAt + 1));
  const isForm = /^application\/x-www-form-urlencoded/i.test(raw.headers['content-type'] ?? '');
  const pairs = [...query, ...(isForm ? decodePairs(raw.body.toString('utf8')) : [])];
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
  const exchange: Exchange = { core, meta, record, params: new Map() };
  core.calls.push(record);
  const answer = await answerApi(exchange, { ...raw, path, query, pairs });
  record.httpStatus = answer.kind === 'drop' ? 0 : answer.status;
  return answer;
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
  if (!meta.Action || !meta.Version) {
    return fail(exchange, {
      code: 'MissingParameter',
      message: `The required parameter ${meta.Action ? 'Version' : 'Action'} is not supplied.`,
    });
  }
  if (faas) return answerFaas(exchange, raw);
  if (meta.Version !== API_VERSION || !ACTIONS.has(meta.Action))
    return fail(exchange, { code: 'InvalidActionOrVersion' });
  const bucket = `${record.accessKeyId}\n${record.region}\n${meta.Action}`;
  if (!core.limiter.take(bucket, core.faults.qpsFor(meta.Action)))
    return fail(exchange, { code: 'FlowLimitExceeded' });
  const latencyMs = core.faults.latencyMs();
  if (latencyMs > 0) await core.deps.sleep(latencyMs);
  const before = core.faults.faultBefore();
  if (before) return faultAnswer(exchange, before);
  try {
    exchange.params = collectParams(raw.pairs);
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

function faultAnswer(exchange: Exchange, fault: string): Answer {
  exchange.record.fault = fault;
  if (fault === 'dropConnection') return { kind: 'drop' };
  if (fault === 'nonJson') return { kind: 'html', status: 502 };
  if (fault === 'unavailable') return fail(exchange, { code: 'ServiceUnavailableTemp' }, fault);
  if (fault === 'flowLimitPerRequest') return fail(exchange, { code: 'FlowLimitExceeded' }, fault);
  return fail(exchange, { code: 'InternalError' }, fault);
}

async function runAction(exchange: Exchange): Promise<Answer> {
  const { core, meta, params } = exchange;
  let result: unknown;
  const reads = meta.Action === 'DescribeInstances' || meta.Action === 'DescribeRegions';
  if (meta.Action === 'DescribeInstances') {
    result = core.faults.endlessListing
      ? endlessPage(meta.Region, params)
      : describeInstances(core.state, meta.Region, params, core.deps.now());
  } else if (meta.Action === 'DescribeRegions') {
    result = describeRegions(core.state, params);
  } else {
    result = await runBatchAction(exchange, meta.Action as BatchAction);
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
  const answer = distortDetails(exchange.core.faults, result);
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
