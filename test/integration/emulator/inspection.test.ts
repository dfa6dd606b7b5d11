import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type EmulatorHandle, startEmulator } from '../../../lib/emulator/index.js';
import { clientFor, fleetOf, inst, send, TEST_CREDENTIALS } from './helpers.js';

let emulator: EmulatorHandle;

beforeAll(async () => {
  emulator = await startEmulator({
    fleet: fleetOf(inst('i-1'), inst('i-2'), inst('i-sh', { Region: 'cn-shanghai' })),
  });
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.setFaults({});
  emulator.reset();
});

describe('GET /_emulator/', () => {
  it('lists the endpoints', async () => {
    const answer = await send(emulator, { path: '/_emulator/' });
    expect(answer.status).toBe(200);
    expect(answer.json.endpoints).toEqual(
      expect.arrayContaining([expect.stringContaining('/_emulator/calls')]),
    );
  });

  it('answers 404 for an unknown endpoint and 405 for a wrong method', async () => {
    expect((await send(emulator, { path: '/_emulator/nothing' })).status).toBe(404);
    expect((await send(emulator, { path: '/_emulator/reset' })).status).toBe(405);
  });
});

describe('GET /_emulator/instances', () => {
  it('shows every instance with its state and counters, per region on request', async () => {
    const client = clientFor(emulator);
    await client.stopInstances({ instanceIds: ['i-2'], stoppedMode: 'StopCharging' });
    await client.close();
    const all = await send(emulator, { path: '/_emulator/instances' });
    expect(all.json.instances.map((i: { InstanceId: string }) => i.InstanceId)).toEqual([
      'i-1',
      'i-2',
      'i-sh',
    ]);
    expect(all.json.instances[1]).toMatchObject({
      InstanceId: 'i-2',
      Region: 'cn-beijing',
      Status: 'STOPPED',
      StoppedMode: 'StopCharging',
      stopAccepted: 1,
      startAccepted: 0,
      Emulator: { locked: false, creatingImage: false, createdByService: false },
    });
    const shanghai = await send(emulator, { path: '/_emulator/instances', query: 'region=cn-shanghai' });
    expect(shanghai.json.instances.map((i: { InstanceId: string }) => i.InstanceId)).toEqual(['i-sh']);
  });
});

describe('GET /_emulator/calls', () => {
  it('logs every API call with its parameters, token, status, error code and request ID', async () => {
    const client = clientFor(emulator);
    const stop = await client.stopInstances({ instanceIds: ['i-1', 'i-x'], clientToken: 'tok' });
    await client.describeInstancesPage({ status: 'STOPPED' }, { maxResults: 5 });
    await client.close();
    const { json } = await send(emulator, { path: '/_emulator/calls' });
    expect(json.calls).toEqual([
      {
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        action: 'StopInstances',
        region: 'cn-beijing',
        accessKeyId: TEST_CREDENTIALS.accessKeyId,
        params: {
          Action: 'StopInstances',
          Version: '2020-04-01',
          'InstanceIds.1': 'i-1',
          'InstanceIds.2': 'i-x',
          ClientToken: 'tok',
        },
        clientToken: 'tok',
        httpStatus: 200,
        requestId: stop.requestId,
        results: [{ instanceId: 'i-1' }, { instanceId: 'i-x', errorCode: 'InvalidInstance.NotFound' }],
      },
      expect.objectContaining({
        action: 'DescribeInstances',
        httpStatus: 200,
        params: expect.objectContaining({ Status: 'STOPPED' }),
      }),
    ]);
  });
});

describe('POST /_emulator/reset', () => {
  it('resets to the start fleet when the body is empty', async () => {
    const client = clientFor(emulator);
    await client.stopInstances({ instanceIds: ['i-1'] });
    await client.close();
    const answer = await send(emulator, { method: 'POST', path: '/_emulator/reset' });
    expect(answer.json).toEqual({ instances: 3 });
    expect(emulator.instance('i-1')).toMatchObject({ Status: 'RUNNING', stopAccepted: 0 });
    expect(emulator.calls()).toEqual([]);
  });

  it('resets to a fleet given as YAML', async () => {
    const yaml = [
      'credentials:',
      `  - {accessKeyId: ${TEST_CREDENTIALS.accessKeyId}, secretKey: "${TEST_CREDENTIALS.secretKey}"}`,
      'instances:',
      '  - {InstanceId: i-new, Region: cn-beijing, Status: STOPPED}',
      '',
    ].join('\n');
    const answer = await send(emulator, { method: 'POST', path: '/_emulator/reset', body: yaml });
    expect(answer.json).toEqual({ instances: 1 });
    const client = clientFor(emulator);
    expect((await client.describeInstancesPage({})).instances.map((i) => [i.InstanceId, i.Status])).toEqual([
      ['i-new', 'STOPPED'],
    ]);
    await client.close();
  });

  it('refuses an invalid fleet with its positions and keeps the current one', async () => {
    const answer = await send(emulator, {
      method: 'POST',
      path: '/_emulator/reset',
      body: '{"instances": [{"InstanceId": "i-bad", "Region": "cn-beijing", "Status": "ASLEEP"}]}',
    });
    expect(answer.status).toBe(400);
    expect(answer.json.error.code).toBe('ConfigInvalid');
    expect(answer.json.error.issues[0]).toMatchObject({
      file: 'reset body',
      line: 1,
      message: expect.stringContaining('Status'),
    });
    expect(emulator.instances()).toHaveLength(3);
  });
});

describe('/_emulator/faults', () => {
  it('reads and replaces the fault settings at run time', async () => {
    expect((await send(emulator, { path: '/_emulator/faults' })).json).toEqual({});
    const put = await send(emulator, {
      method: 'PUT',
      path: '/_emulator/faults',
      body: '{"internalError": 1, "seed": 5}',
    });
    expect(put.json).toEqual({ internalError: 1, seed: 5 });
    expect(emulator.faults()).toEqual({ internalError: 1, seed: 5 });
    const client = clientFor(emulator);
    await expect(client.describeInstancesPage({})).rejects.toMatchObject({ code: 'InternalError' });
    await send(emulator, { method: 'PUT', path: '/_emulator/faults', body: 'transitionMs: 0\n' });
    expect((await client.describeInstancesPage({})).instances).toHaveLength(2);
    await client.close();
  });

  it('refuses invalid settings and keeps the current ones', async () => {
    emulator.setFaults({ latencyMs: 0 });
    const answer = await send(emulator, {
      method: 'PUT',
      path: '/_emulator/faults',
      body: 'internalError: 2\nunknownThing: 1\n',
    });
    expect(answer.status).toBe(400);
    expect(
      answer.json.error.issues.map((i: { line: number; message: string }) => [i.line, i.message]),
    ).toEqual([
      [2, 'unknownThing: unknown setting'],
      [1, 'internalError: must be a share between 0 and 1'],
    ]);
    expect(emulator.faults()).toEqual({ latencyMs: 0 });
  });
});
