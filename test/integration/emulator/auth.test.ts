import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmulatorHandle, startEmulator } from '../../../lib/emulator/index.js';
import { VolcApiError } from '../../../lib/errors.js';
import { createEcsClient, type QueryPairs } from '../../../lib/volc/index.js';
import {
  clientFor,
  encodeQuery,
  errorCode,
  fleetOf,
  inst,
  type RawAnswer,
  type StyledRequest,
  send,
  signedGet,
  signStyled,
  TEST_CREDENTIALS,
} from './helpers.js';

let emulator: EmulatorHandle;

beforeAll(async () => {
  emulator = await startEmulator({
    fleet: fleetOf(
      inst('i-bj1'),
      inst('i-bj2'),
      inst('i-bj3'),
      inst('i-sh1', { Region: 'cn-shanghai', ZoneId: 'cn-shanghai-a' }),
    ),
  });
});
afterAll(() => emulator.close());

const FORM = 'application/x-www-form-urlencoded; charset=utf-8';

function expectError(answer: RawAnswer, code: string, status: number, codeN?: number) {
  expect(answer.status).toBe(status);
  const meta = answer.json.ResponseMetadata;
  expect(Object.keys(meta)).toEqual(['RequestId', 'Action', 'Version', 'Service', 'Region', 'Error']);
  expect(meta.Service).toBe('ecs');
  expect(meta.RequestId).toMatch(/^\d{14}[0-9A-F]{18}$/);
  expect(meta.Error.Code).toBe(code);
  expect(meta.Error.Message).toEqual(expect.any(String));
  if (codeN === undefined) expect(meta.Error).not.toHaveProperty('CodeN');
  else expect(meta.Error.CodeN).toBe(codeN);
}

describe('signatures as the official SDKs make them', () => {
  const describeQuery: QueryPairs = [
    ['Action', 'DescribeInstances'],
    ['Version', '2020-04-01'],
    ['MaxResults', '2'],
  ];

  it.each([
    ['old Node SDK', ['x-date']],
    ['new Node SDK', ['host', 'x-date']],
    ['Go/Python SDKs on a GET', ['content-type', 'host', 'x-content-sha256', 'x-date']],
  ])('accepts a GET signed like the %s', async (_name, signed) => {
    const req: StyledRequest = { method: 'GET', query: describeQuery, headers: { 'content-type': FORM } };
    const headers = signStyled(emulator, req, signed);
    const answer = await send(emulator, { query: encodeQuery(describeQuery), headers });
    expect(answer.status).toBe(200);
    expect(answer.json.Result.Instances).toHaveLength(2);
    expect(answer.json.Result.TotalCount).toBe(3);
  });

  it('accepts a form POST signed like the Go/Python SDKs and acts on the body parameters', async () => {
    emulator.reset();
    const req: StyledRequest = {
      method: 'POST',
      query: [
        ['Action', 'StopInstances'],
        ['Version', '2020-04-01'],
      ],
      body: 'InstanceIds.1=i-bj1&StoppedMode=StopCharging',
      headers: { 'content-type': FORM },
    };
    const headers = signStyled(emulator, req, ['content-type', 'host', 'x-content-sha256', 'x-date']);
    const answer = await send(emulator, {
      method: 'POST',
      query: encodeQuery(req.query),
      headers,
      body: req.body!,
    });
    expect(answer.status).toBe(200);
    expect(answer.json.Result.OperationDetails).toEqual([{ InstanceId: 'i-bj1' }]);
    expect(emulator.instance('i-bj1')).toMatchObject({ Status: 'STOPPED', StoppedMode: 'StopCharging' });
  });

  it("accepts the project's own signing (host;x-content-sha256;x-date) through the client", async () => {
    const client = clientFor(emulator);
    const page = await client.describeInstancesPage({}, { maxResults: 10 });
    expect(page.instances.map((i) => i.InstanceId)).toEqual(['i-bj1', 'i-bj2', 'i-bj3']);
    await client.close();
  });

  it('keeps query values with reserved characters intact through encode, decode and re-encode', async () => {
    const answer = await signedGet(emulator, 'DescribeInstances', [
      ['TagFilters.1.Key', "team name/*!'()"],
      ['TagFilters.1.Values.1', 'a b+c=d&e'],
    ]);
    expect(answer.status).toBe(200);
    expect(answer.json.Result.TotalCount).toBe(0);
  });
});

describe('one byte changed in any signed part is SignatureDoesNotMatch', () => {
  const base: StyledRequest = {
    method: 'POST',
    query: [
      ['Action', 'DescribeInstances'],
      ['Version', '2020-04-01'],
      ['ZoneId', 'cn-beijing-a'],
    ],
    body: 'MaxResults=5',
    headers: { 'content-type': FORM },
  };
  const flip = (text: string, index: number) =>
    text.slice(0, index) + (text[index] === '1' ? '2' : '1') + text.slice(index + 1);
  type Sent = { method: string; path: string; query: string; headers: Record<string, string>; body: string };
  const tamperings: Array<[string, (r: Sent) => void]> = [
    ['the method', (r) => (r.method = 'PUT')],
    ['the path', (r) => (r.path = '/1')],
    ['a query key', (r) => (r.query = r.query.replace('ZoneId', 'ZoneIe'))],
    ['a query value', (r) => (r.query = r.query.replace('cn-beijing-a', 'cn-beijing-b'))],
    ['the body', (r) => (r.body = 'MaxResults=6')],
    ['the host header', (r) => (r.headers.host = r.headers.host!.replace('127.0.0.1', '127.0.0.2'))],
    ['the content-type header', (r) => (r.headers['content-type'] = FORM.replace('utf-8', 'utf-9'))],
    [
      'the x-content-sha256 header',
      (r) => (r.headers['x-content-sha256'] = flip(r.headers['x-content-sha256']!, 0)),
    ],
    ['the x-date header', (r) => (r.headers['x-date'] = flip(r.headers['x-date']!, 14))],
    [
      'the signature',
      (r) =>
        (r.headers.authorization = r.headers.authorization!.replace(/.$/, (c) => (c === '0' ? '1' : '0'))),
    ],
  ];

  it('accepts the untampered request', async () => {
    const headers = signStyled(emulator, base, ['content-type', 'host', 'x-content-sha256', 'x-date']);
    const answer = await send(emulator, {
      method: 'POST',
      query: encodeQuery(base.query),
      headers,
      body: base.body!,
    });
    expect(answer.status).toBe(200);
    expect(answer.json.Result.Instances).toHaveLength(3);
  });

  it.each(tamperings)('rejects a change of %s', async (_part, tamper) => {
    const headers = signStyled(emulator, base, ['content-type', 'host', 'x-content-sha256', 'x-date']);
    const sent: Sent = {
      method: 'POST',
      path: '/',
      query: encodeQuery(base.query),
      headers,
      body: base.body!,
    };
    tamper(sent);
    const answer = await send(emulator, sent);
    expectError(answer, 'SignatureDoesNotMatch', 401, 100010);
  });
});

describe('authentication errors', () => {
  it('answers MissingAuthenticationToken when there is no Authorization header', async () => {
    const answer = await send(emulator, { query: 'Action=DescribeInstances&Version=2020-04-01' });
    expectError(answer, 'MissingAuthenticationToken', 401, 100003);
    expect(answer.json.ResponseMetadata).toMatchObject({
      Action: 'DescribeInstances',
      Version: '2020-04-01',
    });
  });

  it('answers MissingSignature when the Authorization header carries no well-formed signature', async () => {
    const headers = signStyled(emulator, { method: 'GET', query: [], headers: {} }, ['x-date']);
    headers.authorization = headers.authorization!.replace(/, Signature=[0-9a-f]+$/, '');
    const answer = await send(emulator, { headers });
    expectError(answer, 'MissingSignature', 401, 100005);
  });

  it('answers InvalidAccessKey for an access key it does not know', async () => {
    const answer = await signedGet(emulator, 'DescribeInstances', [], {
      credentials: { accessKeyId: 'AKLTunknown', secretKey: TEST_CREDENTIALS.secretKey },
    });
    expectError(answer, 'InvalidAccessKey', 401, 100009);
  });

  it('answers SignatureDoesNotMatch for a wrong secret key, through the client', async () => {
    const client = createEcsClient({
      region: 'cn-beijing',
      credentials: { accessKeyId: TEST_CREDENTIALS.accessKeyId, secretKey: 'wrong' },
      endpoint: emulator.url,
    });
    const error = await client.describeInstancesPage({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VolcApiError);
    expect(error).toMatchObject({ code: 'SignatureDoesNotMatch', httpStatus: 401, retryable: false });
    await client.close();
  });

  it('rejects a SignedHeaders list without x-date', async () => {
    const query: QueryPairs = [
      ['Action', 'DescribeInstances'],
      ['Version', '2020-04-01'],
    ];
    const headers = signStyled(emulator, { method: 'GET', query, headers: {} }, ['host']);
    const answer = await send(emulator, { query: encodeQuery(query), headers });
    expectError(answer, 'SignatureDoesNotMatch', 401, 100010);
    expect(answer.json.ResponseMetadata.Error.Message).toContain('x-date');
  });

  it('rejects a credential scope of another service', async () => {
    const query: QueryPairs = [
      ['Action', 'DescribeInstances'],
      ['Version', '2020-04-01'],
    ];
    const headers = signStyled(emulator, { method: 'GET', query, headers: {} }, ['x-date']);
    headers.authorization = headers.authorization!.replace('/ecs/request', '/vpc/request');
    expectError(
      await send(emulator, { query: encodeQuery(query), headers }),
      'SignatureDoesNotMatch',
      401,
      100010,
    );
  });

  it('takes the region from the credential scope', async () => {
    const answer = await signedGet(emulator, 'DescribeInstances', [], { region: 'cn-shanghai' });
    expect(answer.json.ResponseMetadata.Region).toBe('cn-shanghai');
    expect(answer.json.Result.Instances.map((i: { InstanceId: string }) => i.InstanceId)).toEqual(['i-sh1']);
  });
});

describe('X-Date against the server clock', () => {
  const serverNowMs = Date.UTC(2026, 2, 8, 22, 0, 0);
  let clocked: EmulatorHandle;
  beforeAll(async () => {
    clocked = await startEmulator({ fleet: fleetOf(inst('i-1')), now: () => serverNowMs });
  });
  afterAll(() => clocked.close());

  it.each([
    ['14 minutes behind', 200, -14],
    ['14 minutes ahead', 200, 14],
    ['16 minutes behind', 400, -16],
    ['16 minutes ahead', 400, 16],
  ])('a request signed %s gets HTTP %i', async (_label, status, minutes) => {
    const answer = await signedGet(clocked, 'DescribeInstances', [], {
      now: new Date(serverNowMs + minutes * 60_000),
    });
    expect(answer.status).toBe(status);
    if (status !== 200) expectError(answer, 'InvalidTimestamp', 400, 100006);
  });

  it('is InvalidTimestamp through the client when the client clock is off', async () => {
    const client = clientFor(clocked, 'cn-beijing', { now: () => new Date(serverNowMs - 3_600_000) });
    await expect(client.describeInstancesPage({})).rejects.toMatchObject({
      code: 'InvalidTimestamp',
      httpStatus: 400,
    });
    await client.close();
  });
});

describe('STS credentials', () => {
  const sts = { accessKeyId: 'AKLTsts', secretKey: 'c3RzLXNlY3JldA==', sessionToken: 'session-token-1' };
  let stsEmulator: EmulatorHandle;
  beforeAll(async () => {
    stsEmulator = await startEmulator({ fleet: { credentials: [sts], instances: [inst('i-1')] } });
  });
  afterAll(() => stsEmulator.close());

  it('accepts a request carrying the matching X-Security-Token', async () => {
    const client = clientFor(stsEmulator);
    expect((await client.describeInstancesPage({})).instances).toHaveLength(1);
    await client.close();
  });

  it.each([
    ['without X-Security-Token', { accessKeyId: sts.accessKeyId, secretKey: sts.secretKey }],
    ['with another X-Security-Token', { ...sts, sessionToken: 'session-token-2' }],
  ])('answers InvalidAccessKey %s', async (_label, credentials) => {
    const answer = await signedGet(stsEmulator, 'DescribeInstances', [], { credentials });
    expectError(answer, 'InvalidAccessKey', 401, 100009);
  });

  it('answers SignatureDoesNotMatch when the X-Security-Token is sent but not signed', async () => {
    const query: QueryPairs = [
      ['Action', 'DescribeInstances'],
      ['Version', '2020-04-01'],
    ];
    const headers = signStyled(
      stsEmulator,
      { method: 'GET', query, headers: { 'x-security-token': sts.sessionToken } },
      ['host', 'x-date'],
    );
    expectError(
      await send(stsEmulator, { query: encodeQuery(query), headers }),
      'SignatureDoesNotMatch',
      401,
      100010,
    );
  });
});

describe('Action and Version', () => {
  it.each([
    ['Action', [['Version', '2020-04-01']]],
    ['Version', [['Action', 'DescribeInstances']]],
  ] as const)('answers MissingParameter without %s', async (missing, query) => {
    const headers = signStyled(
      emulator,
      { method: 'GET', query: query as unknown as QueryPairs, headers: {} },
      ['host', 'x-date'],
    );
    const answer = await send(emulator, { query: encodeQuery(query as unknown as QueryPairs), headers });
    expectError(answer, 'MissingParameter', 400, 100002);
    expect(answer.json.ResponseMetadata.Error.Message).toContain(missing);
  });

  it('answers InvalidActionOrVersion for an unknown action', async () => {
    expectError(await signedGet(emulator, 'RebootInstances'), 'InvalidActionOrVersion', 404, 100008);
  });

  it('answers InvalidActionOrVersion for another version', async () => {
    const answer = await signedGet(emulator, 'DescribeInstances', [], { version: '2019-01-01' });
    expectError(answer, 'InvalidActionOrVersion', 404, 100008);
  });
});

describe('the call log of authentication failures', () => {
  it('records each one, and never the secret or the signature', async () => {
    emulator.reset();
    const headers = signStyled(emulator, { method: 'GET', query: [], headers: {} }, ['x-date']);
    const signature = headers.authorization!.split('Signature=')[1]!;
    await send(emulator, {
      query: 'Action=DescribeInstances&Version=2020-04-01',
      headers: { ...headers, 'x-date': '20200101T000000Z' },
    });
    await send(emulator, { query: 'Action=DescribeInstances&Version=2020-04-01' });
    const calls = emulator.calls();
    expect(calls.map((c) => [c.action, c.httpStatus, c.errorCode])).toEqual([
      ['DescribeInstances', 400, 'InvalidTimestamp'],
      ['DescribeInstances', 401, 'MissingAuthenticationToken'],
    ]);
    expect(calls[0]).toMatchObject({ accessKeyId: TEST_CREDENTIALS.accessKeyId, region: 'cn-beijing' });
    const logged = JSON.stringify(calls);
    expect(logged).not.toContain(TEST_CREDENTIALS.secretKey);
    expect(logged).not.toContain(signature);
    expect(errorCode(await send(emulator, { path: '/_emulator/calls' }))).toBeUndefined();
  });
});
