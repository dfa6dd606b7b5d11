import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type EmulatorHandle, type FaultSettings, startEmulator } from '../../../lib/emulator/index.js';
import type { EcsClient } from '../../../lib/volc/index.js';
import { clientFor, errorCode, fleetOf, inst, send, signedGet } from './helpers.js';

let emulator: EmulatorHandle;
let client: EcsClient;
let nowMs = Date.now();
const slept: number[] = [];

beforeAll(async () => {
  emulator = await startEmulator({
    fleet: fleetOf(
      inst('i-1'),
      inst('i-2'),
      inst('i-3'),
      inst('i-4'),
      inst('i-sh', { Region: 'cn-shanghai' }),
    ),
    now: () => nowMs,
    sleep: async (ms) => {
      slept.push(ms);
    },
  });
  client = clientFor(emulator, 'cn-beijing', { now: () => new Date(nowMs) });
});
afterAll(async () => {
  await client.close();
  await emulator.close();
});
beforeEach(() => {
  nowMs = Date.now();
  slept.length = 0;
  emulator.setFaults({});
  emulator.reset();
});

const untouched = () => emulator.instances().every((i) => i.stopAccepted === 0 && i.Status === 'RUNNING');
const stopAll = () => client.stopInstances({ instanceIds: ['i-1', 'i-2', 'i-3', 'i-4'] });

describe('request-rate quota', () => {
  it('answers 429 FlowLimitExceeded over qps per (access key, region, action), refilling with the clock', async () => {
    emulator.setFaults({ qps: 2 });
    await client.describeInstancesPage({});
    await client.describeInstancesPage({});
    const over = await client.describeInstancesPage({}).catch((e: unknown) => e);
    expect(over).toMatchObject({ code: 'FlowLimitExceeded', httpStatus: 429, retryable: true });
    // Other actions and other regions have buckets of their own.
    await client.stopInstances({ instanceIds: ['i-1'] });
    const shanghai = clientFor(emulator, 'cn-shanghai', { now: () => new Date(nowMs) });
    await shanghai.describeInstancesPage({});
    await shanghai.close();
    nowMs += 500;
    await client.describeInstancesPage({});
    await expect(client.describeInstancesPage({})).rejects.toMatchObject({ code: 'FlowLimitExceeded' });
    expect(emulator.calls().filter((c) => c.httpStatus === 429)).toHaveLength(2);
  });

  it('takes a quota per action from a map', async () => {
    emulator.setFaults({ qps: { StopInstances: 1 } });
    await client.stopInstances({ instanceIds: ['i-1'] });
    await expect(client.stopInstances({ instanceIds: ['i-2'] })).rejects.toMatchObject({
      code: 'FlowLimitExceeded',
    });
    for (let n = 0; n < 5; n++) await client.describeInstancesPage({});
    expect(emulator.instance('i-2')?.stopAccepted).toBe(0);
  });
});

describe('faults before anything is done', () => {
  it.each<[string, FaultSettings, Record<string, unknown>]>([
    [
      'flowLimitPerRequest',
      { flowLimitPerRequest: 1 },
      { code: 'FlowLimitExceeded', httpStatus: 429, retryable: true },
    ],
    ['internalError', { internalError: 1 }, { code: 'InternalError', httpStatus: 500, retryable: true }],
    ['unavailable', { unavailable: 1 }, { code: 'ServiceUnavailableTemp', httpStatus: 503, retryable: true }],
    ['dropConnection', { dropConnection: 1 }, { code: 'ConnectionError', httpStatus: 0, retryable: true }],
    ['nonJson', { nonJson: 1 }, { code: 'InvalidResponse', httpStatus: 502, retryable: true }],
  ])('%s fails the call and changes nothing', async (fault, settings, expected) => {
    emulator.setFaults(settings);
    await expect(stopAll()).rejects.toMatchObject(expected);
    expect(untouched()).toBe(true);
    expect(emulator.calls()[0]).toMatchObject({ fault, httpStatus: expected.httpStatus });
  });

  it('answers InternalError with its documented body', async () => {
    emulator.setFaults({ internalError: 1 });
    const answer = await signedGet(emulator, 'DescribeInstances');
    expect(answer.json.ResponseMetadata.Error).toEqual({
      CodeN: 100014,
      Code: 'InternalError',
      Message: expect.any(String),
    });
  });

  it('answers nonJson with an HTML page', async () => {
    emulator.setFaults({ nonJson: 1 });
    const answer = await signedGet(emulator, 'DescribeInstances');
    expect(answer.status).toBe(502);
    expect(answer.headers['content-type']).toBe('text/html');
    expect(answer.text).toContain('<h1>502 Bad Gateway</h1>');
  });
});

describe('faults after the action is done', () => {
  it('truncatedJson answers 200 with cut JSON after stopping', async () => {
    emulator.setFaults({ truncatedJson: 1 });
    await expect(stopAll()).rejects.toMatchObject({ code: 'InvalidResponse', httpStatus: 200 });
    expect(emulator.instances().filter((i) => i.stopAccepted === 1)).toHaveLength(4);
    const answer = await signedGet(emulator, 'DescribeInstances');
    expect(answer.status).toBe(200);
    expect(answer.json).toBeUndefined();
    expect(answer.text.startsWith('{"ResponseMetadata":')).toBe(true);
  });
});

describe('per-instance faults', () => {
  it('flowLimitPerInstance answers FlowLimitExceeded inside a successful call and does not act', async () => {
    emulator.setFaults({ flowLimitPerInstance: 1 });
    const result = await stopAll();
    expect(result.operationDetails.map((d) => d.Error?.Code)).toEqual(Array(4).fill('FlowLimitExceeded'));
    expect(untouched()).toBe(true);
  });

  it('draws a share reproducibly from the seed', async () => {
    const run = async (seed: number) => {
      emulator.reset();
      emulator.setFaults({ flowLimitPerInstance: 0.5, seed });
      return (await stopAll()).operationDetails.map((d) => d.Error?.Code ?? 'ok').join(',');
    };
    const first = await run(11);
    expect(await run(11)).toBe(first);
    const others = new Set<string>();
    for (const seed of [1, 2, 3, 4, 5, 6]) others.add(await run(seed));
    expect(others.size).toBeGreaterThan(1);
  });
});

describe('reproducible request faults', () => {
  it('fails the same requests for the same seed, and a reset re-seeds', async () => {
    const statuses = async () => {
      const seen: number[] = [];
      for (let n = 0; n < 12; n++) seen.push((await signedGet(emulator, 'DescribeInstances')).status);
      return seen;
    };
    emulator.setFaults({ internalError: 0.3, unavailable: 0.3, seed: 42 });
    const first = await statuses();
    expect(first).toContain(200);
    expect(first.some((s) => s >= 500)).toBe(true);
    emulator.reset();
    expect(await statuses()).toEqual(first);
  });
});

describe('latency', () => {
  it('adds a fixed latency to every API request', async () => {
    emulator.setFaults({ latencyMs: 250 });
    await client.describeInstancesPage({});
    await stopAll();
    expect(slept).toEqual([250, 250]);
  });

  it('draws a latency in [min, max]', async () => {
    emulator.setFaults({ latencyMs: { min: 100, max: 200 } });
    for (let n = 0; n < 5; n++) await client.describeInstancesPage({});
    expect(slept).toHaveLength(5);
    for (const ms of slept) expect(ms >= 100 && ms <= 200).toBe(true);
  });
});

describe('malformed OperationDetails', () => {
  const stopRaw = () =>
    signedGet(emulator, 'StopInstances', [
      ['InstanceIds.1', 'i-1'],
      ['InstanceIds.2', 'i-2'],
      ['InstanceIds.3', 'i-3'],
    ]);
  const idsOf = async () =>
    (await stopRaw()).json.Result.OperationDetails.map((d: { InstanceId: string }) => d.InstanceId);

  it('omitOperationDetail leaves one instance out', async () => {
    emulator.setFaults({ omitOperationDetail: 1 });
    const ids = await idsOf();
    expect(ids).toHaveLength(2);
    expect(emulator.instances().filter((i) => i.stopAccepted === 1)).toHaveLength(3);
    // The call log names the instance left out.
    const [call] = emulator.calls().filter((c) => c.action === 'StopInstances');
    expect(call!.omitted).toEqual(['i-1', 'i-2', 'i-3'].filter((id) => !ids.includes(id)));
  });

  it('extraOperationDetail adds an instance that was not asked for', async () => {
    emulator.setFaults({ extraOperationDetail: 1 });
    const ids: string[] = await idsOf();
    expect(ids.slice(0, 3)).toEqual(['i-1', 'i-2', 'i-3']);
    expect(ids).toHaveLength(4);
    expect(['i-1', 'i-2', 'i-3']).not.toContain(ids[3]);
  });

  it('shuffleOperationDetails answers in another order', async () => {
    emulator.setFaults({ shuffleOperationDetails: 1 });
    const ids: string[] = await idsOf();
    expect(ids).not.toEqual(['i-1', 'i-2', 'i-3']);
    expect([...ids].sort()).toEqual(['i-1', 'i-2', 'i-3']);
  });
});

describe('endlessListing', () => {
  it('answers full pages of new instances, TotalCount 300 and a new NextToken, forever', async () => {
    emulator.setFaults({ endlessListing: true });
    const seen = new Set<string>();
    let nextToken: string | undefined;
    for (let page = 0; page < 6; page++) {
      const answer = await client.describeInstancesPage(
        { tagFilters: [{ key: 'lights-out' }] },
        { maxResults: 100, ...(nextToken && { nextToken }) },
      );
      expect(answer.instances).toHaveLength(100);
      expect(answer.totalCount).toBe(300);
      expect(answer.nextToken).toBeTruthy();
      expect(answer.nextToken).not.toBe(nextToken);
      for (const instance of answer.instances) {
        expect(seen.has(instance.InstanceId)).toBe(false);
        seen.add(instance.InstanceId);
        expect(instance).toMatchObject({ Status: 'RUNNING', Tags: [{ Key: 'lights-out' }] });
      }
      nextToken = answer.nextToken;
    }
  });

  it('is refused when not a boolean', () => {
    expect(() => emulator.setFaults({ endlessListing: 'yes' } as unknown as FaultSettings)).toThrow(
      /endlessListing.*must be true or false/,
    );
  });
});

describe('the inspection API and faults', () => {
  it('is never hit by a fault or the quota', async () => {
    emulator.setFaults({ internalError: 1, dropConnection: 1, nonJson: 1, qps: 1, latencyMs: 1000 });
    for (let n = 0; n < 3; n++) {
      const answer = await send(emulator, { path: '/_emulator/instances' });
      expect(answer.status).toBe(200);
      expect(errorCode(answer)).toBeUndefined();
    }
    expect(slept).toEqual([]);
    expect(emulator.calls()).toEqual([]);
  });
});
