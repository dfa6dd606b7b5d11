import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { VolcApiError } from '../../../lib/errors.js';
import { createEcsClient, type EcsClient, type RequestEvent } from '../../../lib/volc/index.js';
import {
  apiError,
  type Handler,
  sendJson,
  startWireServer,
  success,
  type WireServer,
} from './wire-server.js';

const SK = 'sk-SECRET-value-never-shown-0123456789';
const TOKEN = 'sts-token-value-abc';

let server: WireServer | undefined;
let client: EcsClient | undefined;
let events: RequestEvent[] = [];

afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
  events = [];
});

async function setup(handler: Handler, timeoutMs = 2_000): Promise<EcsClient> {
  server = await startWireServer(handler);
  client = createEcsClient({
    region: 'cn-beijing',
    credentials: { accessKeyId: 'AKLTtest', secretKey: SK, sessionToken: TOKEN },
    endpoint: server.endpoint,
    timeoutMs,
    onRequest: (event) => events.push(event),
  });
  return client;
}

/** Runs the call, expects a VolcApiError, and checks that nothing secret is anywhere in it or its causes. */
async function failure(call: Promise<unknown>): Promise<VolcApiError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VolcApiError);
  const text = [
    inspect(error, { depth: 20, showHidden: true }),
    JSON.stringify(error),
    String((error as Error).stack),
  ].join('\n');
  for (const secret of [SK, TOKEN, 'HMAC-SHA256 Credential', 'Signature='])
    expect(text).not.toContain(secret);
  return error as VolcApiError;
}

const stop = (ecs: EcsClient) => ecs.stopInstances({ instanceIds: ['i-1'], clientToken: 'tok' });

describe('API errors', () => {
  it('turns a 429 FlowLimitExceeded into a retryable error with its request ID', async () => {
    const ecs = await setup((_q, res) =>
      sendJson(res, 429, apiError('StopInstances', 'FlowLimitExceeded', 'slow down')),
    );
    const error = await failure(stop(ecs));
    expect(error).toMatchObject({
      code: 'FlowLimitExceeded',
      httpStatus: 429,
      requestId: 'req-err',
      action: 'StopInstances',
      region: 'cn-beijing',
      retryable: true,
    });
    expect(error.message).toBe('StopInstances in cn-beijing: FlowLimitExceeded: slow down');
    expect(events).toMatchObject([
      { action: 'StopInstances', httpStatus: 429, errorCode: 'FlowLimitExceeded' },
    ]);
  });

  it('reads ResponseMetadata.Error from a 200', async () => {
    const ecs = await setup((_q, res) => sendJson(res, 200, apiError('StopInstances', 'AccessDenied', 'no')));
    const error = await failure(stop(ecs));
    expect(error).toMatchObject({ code: 'AccessDenied', httpStatus: 200, retryable: false });
  });

  it('marks a retryable API code retryable whatever the status', async () => {
    const ecs = await setup((_q, res) =>
      sendJson(res, 412, apiError('StopInstances', 'IdempotentProcessing', 'busy')),
    );
    expect(await failure(stop(ecs))).toMatchObject({
      code: 'IdempotentProcessing',
      httpStatus: 412,
      retryable: true,
    });
  });

  it('does not retry a 404 InvalidActionOrVersion', async () => {
    const ecs = await setup((_q, res) =>
      sendJson(res, 404, apiError('StopInstances', 'InvalidActionOrVersion', 'unknown action')),
    );
    expect(await failure(stop(ecs))).toMatchObject({
      code: 'InvalidActionOrVersion',
      httpStatus: 404,
      retryable: false,
    });
  });

  it('turns a 500 HTML page into a retryable InvalidResponse quoting the start of the body', async () => {
    const html = `<html><body>${'Internal Server Error '.repeat(30)}</body></html>`;
    const ecs = await setup((_q, res) => {
      res.writeHead(500, { 'content-type': 'text/html' });
      res.end(html);
    });
    const error = await failure(stop(ecs));
    expect(error).toMatchObject({ code: 'InvalidResponse', httpStatus: 500, retryable: true });
    expect(error.message).toContain('HTTP 500');
    expect(error.message).toContain('<html><body>Internal Server Error');
    expect(error.message.length).toBeLessThan(html.length);
  });
});

describe('quoted bodies', () => {
  it('never quote a signature that a proxy echoed back in its error page', async () => {
    const echoed =
      '<pre>Authorization: HMAC-SHA256 Credential=AKLTx/20260102/cn-beijing/ecs/request, SignedHeaders=host;x-date, Signature=' +
      'ab'.repeat(32) +
      '</pre>';
    const ecs = await setup((_q, res) => {
      res.writeHead(502);
      res.end(echoed);
    });
    const error = await failure(stop(ecs));
    expect(error).toMatchObject({ code: 'InvalidResponse', httpStatus: 502 });
    expect((error as Error).message).not.toContain('Credential=');
    expect((error as Error).message).not.toContain('ab'.repeat(32));
    expect((error as Error).message).toContain('[Redacted]');
  });
});

describe('malformed answers', () => {
  it.each([
    ['a 200 that is not JSON (cut short on the way: retryable)', 200, '{"ResponseMetadata":{"Req', true],
    ['a 200 that is plain text', 200, 'OK', true],
    ['an HTML 404 (a wrong endpoint path: not transient)', 404, '<html>Not Found</html>', false],
    ['an HTML 403 from a firewall', 403, '<html>Forbidden</html>', false],
    ['JSON without ResponseMetadata', 200, '{"Result":{}}', false],
    ['a 503 JSON without Error', 503, JSON.stringify({ ResponseMetadata: { RequestId: 'r' } }), true],
    ['a 429 that is not JSON', 429, 'Too Many Requests', true],
    ['a 200 without Result', 200, JSON.stringify({ ResponseMetadata: { RequestId: 'r' } }), false],
    [
      'OperationDetails not an array',
      200,
      JSON.stringify(success('StopInstances', { OperationDetails: {} })),
      false,
    ],
    [
      'an OperationDetail without InstanceId',
      200,
      JSON.stringify(success('StopInstances', { OperationDetails: [{ Error: { Code: 'X', Message: '' } }] })),
      false,
    ],
  ])('refuses %s', async (_name, status, body, retryable) => {
    const ecs = await setup((_q, res) => {
      res.writeHead(status);
      res.end(body);
    });
    expect(await failure(stop(ecs))).toMatchObject({
      code: 'InvalidResponse',
      httpStatus: status,
      retryable,
    });
    expect(events).toMatchObject([{ httpStatus: status, errorCode: 'InvalidResponse' }]);
  });

  it.each([
    ['Instances not an array', { Instances: null }, 'Result.Instances is not an array'],
    ['an instance without Status', { Instances: [{ InstanceId: 'i-1' }] }, 'Result.Instances[0].Status'],
    [
      'a tag without Key',
      { Instances: [{ InstanceId: 'i-1', Status: 'RUNNING', Tags: [{}] }] },
      'Tags[0].Key',
    ],
    ['TotalCount not a number', { Instances: [], TotalCount: 'many' }, 'Result.TotalCount'],
  ])('refuses a DescribeInstances result with %s', async (_name, result, where) => {
    const ecs = await setup((_q, res) => sendJson(res, 200, success('DescribeInstances', result)));
    const error = await failure(ecs.describeInstancesPage({}));
    expect(error).toMatchObject({ code: 'InvalidResponse', requestId: 'req-ok', retryable: false });
    expect(error.message).toContain(where);
  });
});

describe('transport failures', () => {
  it('times out a server that never answers, within the per-request setting', {
    timeout: 5_000,
  }, async () => {
    const ecs = await setup(() => {}, 200);
    const error = await failure(stop(ecs));
    expect(error).toMatchObject({ code: 'Timeout', httpStatus: 0, retryable: true });
    expect(error.message).toContain('200 ms');
    expect(events).toMatchObject([{ action: 'StopInstances', httpStatus: 0, errorCode: 'Timeout' }]);
  });

  it('times out a body that stops half-way', { timeout: 5_000 }, async () => {
    const ecs = await setup((_q, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"ResponseMetadata":');
    }, 200);
    expect(await failure(stop(ecs))).toMatchObject({ code: 'Timeout', retryable: true });
  });

  it('turns a reset connection into a retryable ConnectionError', async () => {
    const ecs = await setup((req) => req.socket.destroy());
    expect(await failure(stop(ecs))).toMatchObject({
      code: 'ConnectionError',
      httpStatus: 0,
      retryable: true,
    });
    expect(events).toMatchObject([{ httpStatus: 0, errorCode: 'ConnectionError' }]);
  });

  it('turns a refused connection into a retryable ConnectionError', async () => {
    const ecs = await setup(() => {});
    await server?.close();
    server = undefined;
    expect(await failure(stop(ecs))).toMatchObject({ code: 'ConnectionError', retryable: true });
  });

  it('refuses calls after close() without sending them', async () => {
    const ecs = await setup((_q, res) =>
      sendJson(res, 200, success('StopInstances', { OperationDetails: [] })),
    );
    await ecs.close();
    await expect(stop(ecs)).rejects.toMatchObject({ code: 'ClientClosed' });
    expect(server?.requests).toHaveLength(0);
  });
});
