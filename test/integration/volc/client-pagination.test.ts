import { afterEach, describe, expect, it } from 'vitest';
import { LightsOutError, VolcApiError } from '../../../lib/errors.js';
import { createEcsClient, type EcsClient, type Instance } from '../../../lib/volc/index.js';
import {
  apiError,
  type Handler,
  type Received,
  sendJson,
  startServer,
  success,
  type TestServer,
} from './server.js';

let server: TestServer | undefined;
let client: EcsClient | undefined;

afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

async function setup(handler: Handler): Promise<EcsClient> {
  server = await startServer(handler);
  client = createEcsClient({
    region: 'cn-beijing',
    credentials: { accessKeyId: 'AKLTtest', secretKey: 'sk' },
    endpoint: server.endpoint,
  });
  return client;
}

const param = (req: Received, key: string) => req.query.find(([k]) => k === key)?.[1];

/** A fleet served in pages: NextToken is `page-<offset>`, absent on the last page. */
function fleetHandler(total: number): Handler {
  const fleet = Array.from({ length: total }, (_, i) => ({ InstanceId: `i-${i}`, Status: 'RUNNING' }));
  return (_q, res, received) => {
    const offset = Number((param(received, 'NextToken') ?? 'page-0').slice('page-'.length));
    const size = Number(param(received, 'MaxResults'));
    const next = offset + size < total ? `page-${offset + size}` : undefined;
    sendJson(
      res,
      200,
      success('DescribeInstances', {
        Instances: fleet.slice(offset, offset + size),
        NextToken: next,
        TotalCount: total,
      }),
    );
  };
}

async function collect(iterator: AsyncIterable<Instance>): Promise<string[]> {
  const ids: string[] = [];
  for await (const instance of iterator) ids.push(instance.InstanceId);
  return ids;
}

describe('describeInstances', () => {
  it('follows NextToken across three pages of 100', async () => {
    const ecs = await setup(fleetHandler(250));
    const ids = await collect(ecs.describeInstances({ tagFilters: [{ key: 'lights-out' }] }));
    expect(ids).toEqual(Array.from({ length: 250 }, (_, i) => `i-${i}`));
    expect(server?.requests.map((r) => [param(r, 'MaxResults'), param(r, 'NextToken')])).toEqual([
      ['100', undefined],
      ['100', 'page-100'],
      ['100', 'page-200'],
    ]);
    expect(server?.requests.every((r) => param(r, 'TagFilters.1.Key') === 'lights-out')).toBe(true);
  });

  it('wraps every page request in callPage, so a retry policy can repeat one page', async () => {
    let failuresLeft = 1;
    const inner = fleetHandler(25);
    const ecs = await setup((req, res, received, index) => {
      if (param(received, 'NextToken') === 'page-10' && failuresLeft > 0) {
        failuresLeft -= 1;
        sendJson(res, 503, apiError('DescribeInstances', 'ServiceUnavailableTemp', 'try again'));
        return;
      }
      inner(req, res, received, index);
    });
    let pages = 0;
    let retries = 0;
    const callPage = async <T>(attempt: () => Promise<T>): Promise<T> => {
      pages += 1;
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof VolcApiError) || !error.retryable) throw error;
        retries += 1;
        return attempt();
      }
    };
    const ids = await collect(ecs.describeInstances({}, { maxResults: 10, callPage }));
    expect(ids).toHaveLength(25);
    expect(pages).toBe(3);
    expect(retries).toBe(1);
    expect(server?.requests).toHaveLength(4);
  });

  it('stops with InvalidResponse when a NextToken repeats', async () => {
    const ecs = await setup((_q, res) =>
      sendJson(
        res,
        200,
        success('DescribeInstances', {
          Instances: [{ InstanceId: 'i-1', Status: 'RUNNING' }],
          NextToken: 'same',
        }),
      ),
    );
    await expect(collect(ecs.describeInstances({}))).rejects.toMatchObject({
      code: 'InvalidResponse',
      retryable: false,
    });
    expect(server?.requests).toHaveLength(2);
  });
});

describe('client-side validation, before any request', () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `i-${i}`);

  it.each<[string, (ecs: EcsClient) => Promise<unknown>]>([
    ['an empty ID list', (ecs: EcsClient) => ecs.stopInstances({ instanceIds: [] })],
    ['101 IDs', (ecs: EcsClient) => ecs.stopInstances({ instanceIds: ids(101) })],
    ['an empty ID', (ecs: EcsClient) => ecs.startInstances({ instanceIds: ['i-1', ''] })],
    [
      'a non-ASCII ClientToken',
      (ecs: EcsClient) => ecs.stopInstances({ instanceIds: ['i-1'], clientToken: 'tök' }),
    ],
    [
      'a ClientToken with a newline',
      (ecs: EcsClient) => ecs.startInstances({ instanceIds: ['i-1'], clientToken: 'a\nb' }),
    ],
    [
      'a 65-character ClientToken',
      (ecs: EcsClient) => ecs.stopInstances({ instanceIds: ['i-1'], clientToken: 'x'.repeat(65) }),
    ],
    [
      'an empty ClientToken',
      (ecs: EcsClient) => ecs.stopInstances({ instanceIds: ['i-1'], clientToken: '' }),
    ],
    [
      'an unknown StoppedMode',
      (ecs: EcsClient) =>
        ecs.stopInstances({ instanceIds: ['i-1'], stoppedMode: 'Hibernate' as 'StopCharging' }),
    ],
    ['MaxResults 0', (ecs: EcsClient) => ecs.describeInstancesPage({}, { maxResults: 0 })],
    ['MaxResults 101', (ecs: EcsClient) => ecs.describeInstancesPage({}, { maxResults: 101 })],
    ['MaxResults 1.5', (ecs: EcsClient) => ecs.describeInstancesPage({}, { maxResults: 1.5 })],
    ['an empty describe ID filter', (ecs: EcsClient) => ecs.describeInstancesPage({ instanceIds: [] })],
    ['101 describe IDs', (ecs: EcsClient) => ecs.describeInstancesPage({ instanceIds: ids(101) })],
    [
      'a tag filter without key',
      (ecs: EcsClient) => ecs.describeInstancesPage({ tagFilters: [{ key: '' }] }),
    ],
    [
      'describeInstances MaxResults 0',
      async (ecs: EcsClient) => collect(ecs.describeInstances({}, { maxResults: 0 })),
    ],
  ])('refuses %s', async (_name, call) => {
    const ecs = await setup((_q, res) =>
      sendJson(res, 200, success('X', { Instances: [], OperationDetails: [] })),
    );
    const error = await Promise.resolve()
      .then((): Promise<unknown> => call(ecs))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(LightsOutError);
    expect(error).toMatchObject({ code: 'InvalidParameter' });
    expect(server?.requests).toHaveLength(0);
  });

  it('accepts exactly 100 IDs and a 64-character ClientToken', async () => {
    const ecs = await setup((_q, res) =>
      sendJson(res, 200, success('StopInstances', { OperationDetails: [] })),
    );
    await ecs.stopInstances({ instanceIds: ids(100), clientToken: 'x'.repeat(64) });
    expect(server?.requests).toHaveLength(1);
  });
});
