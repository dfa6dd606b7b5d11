import { afterEach, describe, expect, it } from 'vitest';
import { VERSION } from '../../../lib/version.js';
import { createEcsClient, type EcsClient, type RequestEvent } from '../../../lib/volc/index.js';
import { parseAuthorization, sha256Hex } from '../../../lib/volc/sign.js';
import { sendJson, signatureMatches, startWireServer, success, type WireServer } from './wire-server.js';

const AK = 'AKLTtestaccess';
const SK = 'sk-SECRET-value-never-shown-0123456789';
const TOKEN = 'sts-token-value-abc';
const NOW = new Date('2026-01-02T03:04:05Z');

let server: WireServer | undefined;
let client: EcsClient | undefined;

afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

async function setup(
  result: unknown,
  sessionToken?: string,
  events?: RequestEvent[],
): Promise<[WireServer, EcsClient]> {
  server = await startWireServer((_req, res, received) => {
    const action = received.query.find(([k]) => k === 'Action')?.[1] ?? '';
    sendJson(res, 200, success(action, result));
  });
  client = createEcsClient({
    region: 'cn-beijing',
    credentials: { accessKeyId: AK, secretKey: SK, ...(sessionToken ? { sessionToken } : {}) },
    endpoint: server.endpoint,
    now: () => NOW,
    onRequest: (event) => events?.push(event),
  });
  return [server, client];
}

describe('request shape', () => {
  it('sends StopInstances as a signed GET with lists flattened 1-based and booleans as true/false', async () => {
    const [srv, ecs] = await setup({ OperationDetails: [] });
    const ids = Array.from({ length: 12 }, (_, i) => `i-${i + 1}`);
    await ecs.stopInstances({
      instanceIds: ids,
      stoppedMode: 'StopCharging',
      forceStop: true,
      clientToken: 'tok-1',
    });
    expect(srv.requests).toHaveLength(1);
    const [req] = srv.requests;
    expect(req?.method).toBe('GET');
    expect(req?.path).toBe('/');
    expect(req?.query).toEqual([
      ['Action', 'StopInstances'],
      ['Version', '2020-04-01'],
      ...ids.map((id, i) => [`InstanceIds.${i + 1}`, id]),
      ['StoppedMode', 'StopCharging'],
      ['ForceStop', 'true'],
      ['ClientToken', 'tok-1'],
    ]);
    expect(req?.headers['user-agent']).toBe(`lights-out/${VERSION}`);
    expect(req?.headers['x-date']).toBe('20260102T030405Z');
    expect(req?.headers['x-content-sha256']).toBe(sha256Hex(''));
    expect(req?.headers.host).toBe(new URL(srv.endpoint).host);
    expect(req?.headers['x-security-token']).toBeUndefined();
    const auth = parseAuthorization(String(req?.headers.authorization));
    expect(auth).toMatchObject({ accessKeyId: AK, date: '20260102', region: 'cn-beijing', service: 'ecs' });
    expect(auth?.signedHeaders).toEqual(['host', 'x-content-sha256', 'x-date']);
    expect(signatureMatches(req!, SK)).toBe(true);
    expect(signatureMatches(req!, 'another-secret')).toBe(false);
  });

  it('flattens DescribeInstances filters, encodes special characters, and the signature still verifies', async () => {
    const [srv, ecs] = await setup({ Instances: [] });
    await ecs.describeInstancesPage(
      {
        instanceIds: ['i-a', 'i-b'],
        status: 'RUNNING',
        tagFilters: [{ key: 'lights-out', values: ['office hours', 'a/b*c'] }, { key: 'team' }],
        instanceChargeType: 'PostPaid',
        zoneId: 'cn-beijing-a',
        projectName: 'default',
      },
      { nextToken: 'tok+=&x', maxResults: 50 },
    );
    const [req] = srv.requests;
    expect(req?.query).toEqual([
      ['Action', 'DescribeInstances'],
      ['Version', '2020-04-01'],
      ['InstanceIds.1', 'i-a'],
      ['InstanceIds.2', 'i-b'],
      ['Status', 'RUNNING'],
      ['TagFilters.1.Key', 'lights-out'],
      ['TagFilters.1.Values.1', 'office hours'],
      ['TagFilters.1.Values.2', 'a/b*c'],
      ['TagFilters.2.Key', 'team'],
      ['InstanceChargeType', 'PostPaid'],
      ['ZoneId', 'cn-beijing-a'],
      ['ProjectName', 'default'],
      ['MaxResults', '50'],
      ['NextToken', 'tok+=&x'],
    ]);
    expect(signatureMatches(req!, SK)).toBe(true);
  });

  it('sends StartInstances with its IDs and ClientToken only', async () => {
    const [srv, ecs] = await setup({ OperationDetails: [{ InstanceId: 'i-a' }] });
    const result = await ecs.startInstances({ instanceIds: ['i-a'], clientToken: 'start-1' });
    expect(result).toEqual({ requestId: 'req-ok', operationDetails: [{ InstanceId: 'i-a' }] });
    expect(srv.requests[0]?.query).toEqual([
      ['Action', 'StartInstances'],
      ['Version', '2020-04-01'],
      ['InstanceIds.1', 'i-a'],
      ['ClientToken', 'start-1'],
    ]);
  });

  it('sends and signs X-Security-Token for STS credentials', async () => {
    const [srv, ecs] = await setup({ Instances: [] }, TOKEN);
    await ecs.describeInstancesPage({});
    const [req] = srv.requests;
    expect(req?.headers['x-security-token']).toBe(TOKEN);
    const auth = parseAuthorization(String(req?.headers.authorization));
    expect(auth?.signedHeaders).toEqual(['host', 'x-content-sha256', 'x-date', 'x-security-token']);
    expect(signatureMatches(req!, SK)).toBe(true);
  });

  it('uses MaxResults=100 by default and honours a custom User-Agent', async () => {
    server = await startWireServer((_req, res) =>
      sendJson(res, 200, success('DescribeInstances', { Instances: [] })),
    );
    client = createEcsClient({
      region: 'cn-shanghai',
      credentials: { accessKeyId: AK, secretKey: SK },
      endpoint: new URL(server.endpoint),
      userAgent: 'custom/1',
    });
    await client.describeInstancesPage({});
    const [req] = server.requests;
    expect(req?.query).toContainEqual(['MaxResults', '100']);
    expect(req?.headers['user-agent']).toBe('custom/1');
    expect(parseAuthorization(String(req?.headers.authorization))?.region).toBe('cn-shanghai');
  });
});

describe('success results', () => {
  it('parses instances, defaulting absent descriptive fields and Tags', async () => {
    const [, ecs] = await setup({
      Instances: [
        {
          InstanceId: 'i-1',
          InstanceName: 'web',
          Status: 'STOPPED',
          StoppedMode: 'StopCharging',
          InstanceChargeType: 'PostPaid',
          InstanceTypeId: 'ecs.g3i.large',
          ZoneId: 'cn-beijing-a',
          ProjectName: 'default',
          Tags: [{ Key: 'lights-out', Value: 'office' }],
          CreatedAt: '2026-01-01T00:00:00Z',
          Extra: 'ignored',
        },
        { InstanceId: 'i-2', Status: 'RUNNING', Tags: null },
      ],
      NextToken: '',
      TotalCount: 2,
    });
    const page = await ecs.describeInstancesPage({});
    expect(page).toEqual({
      requestId: 'req-ok',
      totalCount: 2,
      instances: [
        {
          InstanceId: 'i-1',
          InstanceName: 'web',
          Status: 'STOPPED',
          StoppedMode: 'StopCharging',
          InstanceChargeType: 'PostPaid',
          InstanceTypeId: 'ecs.g3i.large',
          ZoneId: 'cn-beijing-a',
          ProjectName: 'default',
          Tags: [{ Key: 'lights-out', Value: 'office' }],
          CreatedAt: '2026-01-01T00:00:00Z',
        },
        {
          InstanceId: 'i-2',
          InstanceName: '',
          Status: 'RUNNING',
          InstanceChargeType: '',
          InstanceTypeId: '',
          ZoneId: '',
          ProjectName: '',
          Tags: [],
        },
      ],
    });
  });

  it('keeps per-instance errors of a successful StopInstances', async () => {
    const details = [
      { InstanceId: 'i-1', Error: { Code: 'InvalidInstanceStatus', Message: 'status does not allow' } },
      { InstanceId: 'i-2', Error: null },
      { InstanceId: 'i-3' },
    ];
    const [, ecs] = await setup({ OperationDetails: details });
    const result = await ecs.stopInstances({ instanceIds: ['i-1', 'i-2', 'i-3'] });
    expect(result.operationDetails).toEqual([
      { InstanceId: 'i-1', Error: { Code: 'InvalidInstanceStatus', Message: 'status does not allow' } },
      { InstanceId: 'i-2' },
      { InstanceId: 'i-3' },
    ]);
  });

  it('reports every attempt to onRequest with its status and request ID', async () => {
    const events: RequestEvent[] = [];
    const [, ecs] = await setup({ OperationDetails: [] }, undefined, events);
    await ecs.stopInstances({ instanceIds: ['i-1'] });
    await ecs.startInstances({ instanceIds: ['i-1'] });
    expect(events.map(({ durationMs: _, ...e }) => e)).toEqual([
      { action: 'StopInstances', region: 'cn-beijing', httpStatus: 200, requestId: 'req-ok' },
      { action: 'StartInstances', region: 'cn-beijing', httpStatus: 200, requestId: 'req-ok' },
    ]);
    expect(events.every((e) => e.durationMs >= 0)).toBe(true);
  });
});
