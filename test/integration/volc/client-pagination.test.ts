import { afterEach, describe, expect, it, vi } from 'vitest';
import { LightsOutError, VolcApiError } from '../../../lib/errors.js';
import { createEcsClient, type EcsClient, type Instance } from '../../../lib/volc/index.js';
import {
  apiError,
  type Handler,
  type Received,
  sendJson,
  startWireServer,
  success,
  type WireServer,
} from './wire-server.js';

let server: WireServer | undefined;
let client: EcsClient | undefined;

afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

async function setup(handler: Handler): Promise<EcsClient> {
  server = await startWireServer(handler);
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

  it('asks for the next page while the caller still holds this one, and for no page past the last', async () => {
    const ecs = await setup(fleetHandler(250));
    const iterator = ecs.describeInstances({})[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ InstanceId: 'i-0' });
    // The caller has not asked for more, yet page 2 is on its way: planning a page costs the chain no time.
    await vi.waitFor(() => expect(server?.requests).toHaveLength(2));
    const rest: string[] = [];
    for (let next = await iterator.next(); !next.done; next = await iterator.next())
      rest.push(next.value.InstanceId);
    expect(rest).toHaveLength(249);
    expect(server?.requests).toHaveLength(3);
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
});

/**
 * The rules of the one DescribeInstances reader (lib/volc/listing.ts), each tested here once: listing a
 * region and looking instances up by ID both read through it.
 */
describe('the reader stops a listing it cannot trust', () => {
  /** Request n gets `perPage` instances never seen before, NextToken `token(n + 1)` and TotalCount `total`. */
  function endless(options: { perPage: number; total?: number; token?: (n: number) => string }): Handler {
    return (_q, res, _received, n) => {
      const instances = Array.from({ length: options.perPage }, (_, k) => ({
        InstanceId: `i-${n}-${k}`,
        Status: 'RUNNING',
      }));
      sendJson(
        res,
        200,
        success('DescribeInstances', {
          Instances: instances,
          NextToken: options.token ? options.token(n + 1) : `t${n + 1}`,
          ...(options.total !== undefined && { TotalCount: options.total }),
        }),
      );
    };
  }

  it('when the pages hold more instances than the TotalCount they announced', async () => {
    const ecs = await setup(endless({ perPage: 100, total: 300 }));
    const error = await collect(ecs.describeInstances({})).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'InvalidResponse', retryable: false, action: 'DescribeInstances' });
    expect((error as Error).message).toMatch(
      /the pages hold 400 instances, more than the TotalCount of 300 they announced; listing stopped after 4 page\(s\)/,
    );
    expect(server?.requests).toHaveLength(4);
  });

  it('when a page adds no instance not seen before but hands out another NextToken', async () => {
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
      message: expect.stringMatching(/page 2 adds no instance not seen before/),
    });
    expect(server?.requests).toHaveLength(2);
  });

  it('when a NextToken repeats an earlier one, even with new instances', async () => {
    // Tokens t1, t0, t1: new instances on each page, no TotalCount.
    const ecs = await setup(endless({ perPage: 10, token: (n) => `t${n % 2}` }));
    await expect(collect(ecs.describeInstances({}))).rejects.toMatchObject({
      code: 'InvalidResponse',
      message: expect.stringMatching(/the NextToken of page 3 repeats an earlier page's/),
    });
  });

  it('past maxInstances, counted from the pages when no TotalCount is announced', async () => {
    const ecs = await setup(endless({ perPage: 100 }));
    const error = await collect(
      ecs.describeInstances({}, { maxInstances: 250, maxInstancesName: 'listing.maxInstancesPerRegion' }),
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ListingTooLarge', retryable: false });
    expect((error as Error).message).toMatch(
      /the pages hold 300 instances, more than listing\.maxInstancesPerRegion \(250\)/,
    );
    expect(server?.requests).toHaveLength(3);
  });

  it('at the first page whose TotalCount announces more than maxInstances', async () => {
    const ecs = await setup(fleetHandler(1000));
    await expect(collect(ecs.describeInstances({}, { maxInstances: 999 }))).rejects.toMatchObject({
      code: 'ListingTooLarge',
      message: expect.stringMatching(/TotalCount announces 1000 instances, more than maxInstances \(999\)/),
    });
    expect(server?.requests).toHaveLength(1);
  });

  it('hands an instance listed on two pages out once', async () => {
    const inner = fleetHandler(150);
    const ecs = await setup((req, res, received, index) => {
      if (param(received, 'NextToken') !== 'page-100') return inner(req, res, received, index);
      // The second page repeats the last instance of the first (the fleet shifted under the listing).
      const fleet = Array.from({ length: 51 }, (_, i) => ({ InstanceId: `i-${99 + i}`, Status: 'RUNNING' }));
      sendJson(res, 200, success('DescribeInstances', { Instances: fleet, TotalCount: 150 }));
    });
    const ids = await collect(ecs.describeInstances({}));
    expect(ids).toEqual(Array.from({ length: 150 }, (_, i) => `i-${i}`));
  });

  it('ends a reading by instance IDs once every named ID was seen, whatever NextToken follows', async () => {
    const ecs = await setup((_q, res) =>
      sendJson(
        res,
        200,
        success('DescribeInstances', {
          Instances: [
            { InstanceId: 'i-1', Status: 'RUNNING' },
            { InstanceId: 'i-2', Status: 'STOPPED' },
          ],
          NextToken: 'more',
        }),
      ),
    );
    expect(await collect(ecs.describeInstances({ instanceIds: ['i-1', 'i-2'] }))).toEqual(['i-1', 'i-2']);
    expect(server?.requests).toHaveLength(1);
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
