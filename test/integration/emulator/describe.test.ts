import { describe, expect, it } from 'vitest';
import { generateFleet } from '../../../lib/emulator/index.js';
import type { DescribeInstancesFilters } from '../../../lib/volc/index.js';
import { errorCode, fleetOf, inst, signedGet, useEmulator } from './helpers.js';

const tag = (Key: string, Value: string) => ({ Key, Value });

const FLEET = fleetOf(
  inst('i-1', { Tags: [tag('lights-out', 'office-hours'), tag('env', 'dev')] }),
  inst('i-2', { Tags: [tag('lights-out', 'nightly'), tag('env', 'prod')], ZoneId: 'cn-beijing-b' }),
  inst('i-3', { Tags: [tag('lights-out', 'weekend')], Status: 'STOPPED', StoppedMode: 'StopCharging' }),
  inst('i-4', { Tags: [tag('env', 'dev')], InstanceChargeType: 'PrePaid', ProjectName: 'data' }),
  inst('i-5', { Tags: [tag('lights-out', 'office-hours'), tag('env', 'prod')], Cpus: 4, OsName: 'Ubuntu' }),
  inst('i-sh', { Region: 'cn-shanghai', ZoneId: 'cn-shanghai-a', Tags: [tag('lights-out', 'office-hours')] }),
);

const world = useEmulator(FLEET);

async function ids(filters: DescribeInstancesFilters): Promise<string[]> {
  const found: string[] = [];
  for await (const instance of world.client.describeInstances(filters)) found.push(instance.InstanceId);
  return found;
}

describe('DescribeInstances filters', () => {
  it.each<[string, DescribeInstancesFilters, string[]]>([
    ['no filter: the whole region, in fleet order', {}, ['i-1', 'i-2', 'i-3', 'i-4', 'i-5']],
    ['Status', { status: 'STOPPED' }, ['i-3']],
    ['InstanceChargeType', { instanceChargeType: 'PrePaid' }, ['i-4']],
    ['ZoneId', { zoneId: 'cn-beijing-b' }, ['i-2']],
    ['ProjectName', { projectName: 'data' }, ['i-4']],
    [
      'InstanceIds (an ID of another region is not found)',
      { instanceIds: ['i-5', 'i-1', 'i-sh', 'i-none'] },
      ['i-1', 'i-5'],
    ],
    [
      'a tag key and one value',
      { tagFilters: [{ key: 'lights-out', values: ['office-hours'] }] },
      ['i-1', 'i-5'],
    ],
    [
      'values of one filter OR',
      { tagFilters: [{ key: 'lights-out', values: ['nightly', 'weekend'] }] },
      ['i-2', 'i-3'],
    ],
    [
      'a key without values matches any value',
      { tagFilters: [{ key: 'lights-out' }] },
      ['i-1', 'i-2', 'i-3', 'i-5'],
    ],
    [
      'a key with an empty value list matches any value',
      { tagFilters: [{ key: 'env', values: [] }] },
      ['i-1', 'i-2', 'i-4', 'i-5'],
    ],
    [
      'filters AND',
      { tagFilters: [{ key: 'lights-out' }, { key: 'env', values: ['prod'] }] },
      ['i-2', 'i-5'],
    ],
    [
      'tag filters AND other filters',
      { tagFilters: [{ key: 'env', values: ['dev'] }], instanceChargeType: 'PostPaid' },
      ['i-1'],
    ],
    ['a value of another key does not match', { tagFilters: [{ key: 'env', values: ['office-hours'] }] }, []],
  ])('%s', async (_label, filters, expected) => {
    expect(await ids(filters)).toEqual(expected);
  });

  it('returns the instance fields as a captured page has them, without Region or Emulator', async () => {
    const answer = await signedGet(world.emulator, 'DescribeInstances', [
      ['InstanceIds.1', 'i-5'],
      ['InstanceIds.2', 'i-3'],
    ]);
    expect(answer.json.Result.Instances[1]).toEqual({
      InstanceId: 'i-5',
      InstanceName: 'i-5',
      Status: 'RUNNING',
      InstanceChargeType: 'PostPaid',
      InstanceTypeId: 'ecs.g3i.large',
      ZoneId: 'cn-beijing-a',
      ProjectName: 'default',
      Tags: [tag('lights-out', 'office-hours'), tag('env', 'prod')],
      Cpus: 4,
      OsName: 'Ubuntu',
    });
    expect(answer.json.Result.Instances[0]).toMatchObject({ Status: 'STOPPED', StoppedMode: 'StopCharging' });
    expect(answer.json.Result).toMatchObject({ TotalCount: 2, NextToken: '' });
  });

  it('shows each region its own instances', async () => {
    const shanghai = world.clientIn('cn-shanghai');
    expect((await shanghai.describeInstancesPage({})).instances.map((i) => i.InstanceId)).toEqual(['i-sh']);
    const nowhere = world.clientIn('ap-southeast-1');
    expect(await nowhere.describeInstancesPage({})).toMatchObject({ instances: [], totalCount: 0 });
    await shanghai.close();
    await nowhere.close();
  });
});

describe('DescribeInstances paging', () => {
  it('pages with an opaque NextToken and ends with an empty one', async () => {
    const first = await world.client.describeInstancesPage({}, { maxResults: 2 });
    expect(first.instances.map((i) => i.InstanceId)).toEqual(['i-1', 'i-2']);
    expect(first.totalCount).toBe(5);
    expect(first.nextToken).toMatch(/^[A-Za-z0-9_-]+$/);
    const second = await world.client.describeInstancesPage(
      {},
      { maxResults: 2, nextToken: first.nextToken! },
    );
    expect(second.instances.map((i) => i.InstanceId)).toEqual(['i-3', 'i-4']);
    const third = await world.client.describeInstancesPage(
      {},
      { maxResults: 2, nextToken: second.nextToken! },
    );
    expect(third.instances.map((i) => i.InstanceId)).toEqual(['i-5']);
    expect(third.nextToken ?? '').toBe('');
  });

  it('defaults MaxResults to 10', async () => {
    world.emulator.reset(fleetOf(...Array.from({ length: 12 }, (_, n) => inst(`i-${n}`))));
    const answer = await signedGet(world.emulator, 'DescribeInstances');
    expect(answer.json.Result.Instances).toHaveLength(10);
    expect(answer.json.Result.TotalCount).toBe(12);
    expect(answer.json.Result.NextToken).not.toBe('');
  });

  it.each(['0', '101', 'ten', '-1', '1.5'])('answers InvalidArgument for MaxResults=%s', async (value) => {
    const answer = await signedGet(world.emulator, 'DescribeInstances', [['MaxResults', value]]);
    expect(answer.status).toBe(400);
    expect(errorCode(answer)).toBe('InvalidArgument');
    expect(answer.json.ResponseMetadata.Error.Message).toContain('MaxResults');
  });

  it.each([
    ['garbage', () => 'not-a-token'],
    [
      'a token of other filters',
      async () =>
        (await world.client.describeInstancesPage({ status: 'RUNNING' }, { maxResults: 1 })).nextToken!,
    ],
  ])('answers InvalidArgument naming NextToken for %s, through the world.client', async (_label, token) => {
    const nextToken = await token();
    const error = await world.client
      .describeInstancesPage({}, { maxResults: 1, nextToken })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'InvalidArgument', httpStatus: 400, retryable: false });
    expect((error as Error).message).toContain('NextToken');
  });

  it('pages through a large generated fleet, every instance once', async () => {
    const fleet = generateFleet({ count: 4000, seed: 7 });
    world.emulator.reset(fleet);
    const big = world.clientIn('cn-beijing');
    const seen: string[] = [];
    for await (const instance of big.describeInstances({ tagFilters: [{ key: 'lights-out' }] }))
      seen.push(instance.InstanceId);
    const expected = fleet.instances
      .filter((i) => i.Region === 'cn-beijing' && i.Tags.some((t) => t.Key === 'lights-out'))
      .map((i) => i.InstanceId);
    expect(seen).toEqual(expected);
    expect(new Set(seen).size).toBe(seen.length);
    const pages = world.emulator.calls().filter((c) => c.action === 'DescribeInstances');
    expect(pages).toHaveLength(Math.ceil(expected.length / 100));
    await big.close();
  });
});

describe('DescribeInstances request errors', () => {
  it('answers InvalidCount.Malformed for more than 100 InstanceIds', async () => {
    const params = Array.from(
      { length: 101 },
      (_, n) => [`InstanceIds.${n + 1}`, `i-${n}`] as [string, string],
    );
    const answer = await signedGet(world.emulator, 'DescribeInstances', params);
    expect([answer.status, errorCode(answer)]).toEqual([400, 'InvalidCount.Malformed']);
  });

  it.each([
    ['InstanceIds.0', 'i-1'],
    ['InstanceIds.x', 'i-1'],
    ['TagFilters.1.Value', 'a'],
    ['TagFilters.1.Values.1', 'without a key'],
  ])('answers InvalidArgument for the malformed parameter %s', async (key, value) => {
    const answer = await signedGet(world.emulator, 'DescribeInstances', [[key, value]]);
    expect([answer.status, errorCode(answer)]).toEqual([400, 'InvalidArgument']);
  });

  it('answers InvalidArgument for a parameter given twice', async () => {
    const answer = await signedGet(world.emulator, 'DescribeInstances', [
      ['Status', 'RUNNING'],
      ['Status', 'STOPPED'],
    ]);
    expect([answer.status, errorCode(answer)]).toEqual([400, 'InvalidArgument']);
  });
});

describe('DescribeInstances and the clock', () => {
  it('shows STOPPING until the transition time passes, then STOPPED, also under a Status filter', async () => {
    world.emulator.setFaults({ transitionMs: 60_000 });
    await world.client.stopInstances({ instanceIds: ['i-1'] });
    expect(await ids({ status: 'STOPPING' })).toEqual(['i-1']);
    expect(await ids({ status: 'STOPPED' })).toEqual(['i-3']);
    world.nowMs += 59_999;
    expect(await ids({ status: 'STOPPING' })).toEqual(['i-1']);
    world.nowMs += 1;
    expect(await ids({ status: 'STOPPING' })).toEqual([]);
    expect(await ids({ status: 'STOPPED' })).toEqual(['i-1', 'i-3']);
    const [stopped] = (await world.client.describeInstancesPage({ instanceIds: ['i-1'] })).instances;
    expect(stopped).toMatchObject({
      Status: 'STOPPED',
      StoppedMode: 'KeepCharging',
      UpdatedAt: expect.any(String),
    });
  });

  it("keeps a listing's pages while stops change the fleet between them, each page showing the status now", async () => {
    const filters = { tagFilters: [{ key: 'lights-out' }] };
    const first = await world.client.describeInstancesPage(filters, { maxResults: 2 });
    expect(first.instances.map((i) => [i.InstanceId, i.Status])).toEqual([
      ['i-1', 'RUNNING'],
      ['i-2', 'RUNNING'],
    ]);
    await world.client.stopInstances({ instanceIds: ['i-1', 'i-5'] });
    const second = await world.client.describeInstancesPage(filters, {
      maxResults: 2,
      nextToken: first.nextToken,
    });
    expect(second.instances.map((i) => [i.InstanceId, i.Status])).toEqual([
      ['i-3', 'STOPPED'],
      ['i-5', 'STOPPED'],
    ]);
    expect(second.nextToken).toBeUndefined();
    // A Status filter follows the change at once.
    expect(await ids({ ...filters, status: 'RUNNING' })).toEqual(['i-2']);
  });
});
