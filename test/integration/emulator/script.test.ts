/**
 * The fault script, short pages and per-instance flags over HTTP: set through `PUT /_emulator/faults` and
 * `POST /_emulator/reset` as a user would, met by the project's own HTTP client.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type EmulatorHandle, startEmulator } from '../../../lib/emulator/index.js';
import type { EcsClient } from '../../../lib/volc/index.js';
import { clientFor, fleetOf, inst, send } from './helpers.js';

let emulator: EmulatorHandle;
let client: EcsClient;

beforeAll(async () => {
  emulator = await startEmulator({ fleet: fleetOf(inst('i-1'), inst('i-2'), inst('i-3')) });
  client = clientFor(emulator, 'cn-beijing', { timeoutMs: 150 });
});
afterAll(async () => {
  await client.close();
  await emulator.close();
});
beforeEach(() => {
  emulator.setFaults({});
  emulator.reset();
});

async function putFaults(yaml: string): Promise<void> {
  const answer = await send(emulator, { method: 'PUT', path: '/_emulator/faults', body: yaml });
  expect(answer.status).toBe(200);
}

describe('faults.script over HTTP', () => {
  it('loses the answer of a request it carried out; the retry under the same token gets the stored result', async () => {
    await putFaults('script:\n  - {action: StopInstances, error: InternalError, applied: true}\n');
    const stop = () => client.stopInstances({ instanceIds: ['i-1', 'i-2'], clientToken: 'tok-1' });
    await expect(stop()).rejects.toMatchObject({ code: 'InternalError', httpStatus: 500, retryable: true });
    expect(emulator.instance('i-1')).toMatchObject({ Status: 'STOPPED', stopAccepted: 1 });
    expect((await stop()).operationDetails).toEqual([{ InstanceId: 'i-1' }, { InstanceId: 'i-2' }]);
    expect(emulator.instance('i-1')?.stopAccepted).toBe(1);
    expect(emulator.calls().map((c) => [c.httpStatus, c.errorCode, c.fault, c.replayed])).toEqual([
      [500, 'InternalError', 'script', undefined],
      [200, undefined, undefined, true],
    ]);
    // The settings show the script as it was set.
    expect((await send(emulator, { path: '/_emulator/faults' })).json.script).toHaveLength(1);
  });

  it('hits the matching requests in order, count times each, and lets the others through', async () => {
    emulator.setFaults({
      script: [
        { action: 'StopInstances', region: 'cn-shanghai', error: 'AccessDenied' },
        { action: 'StopInstances', error: 'FlowLimitExceeded', count: 2 },
        { action: 'StopInstances', answer: 'ok' },
        { action: 'StopInstances', error: 'InternalServiceTimeout' },
      ],
    });
    const codes: string[] = [];
    for (let n = 0; n < 5; n++) {
      await client.stopInstances({ instanceIds: ['i-3'] }).then(
        () => codes.push('ok'),
        (error: { code: string; httpStatus: number }) => codes.push(`${error.code} ${error.httpStatus}`),
      );
    }
    expect(codes).toEqual([
      'FlowLimitExceeded 429',
      'FlowLimitExceeded 429',
      'ok',
      'InternalServiceTimeout 504',
      'ok',
    ]);
  });

  it('never answers a request scripted to hang: the client times out, and the emulator goes on', async () => {
    emulator.setFaults({ script: [{ action: 'DescribeInstances', answer: 'hang' }] });
    await expect(client.describeInstancesPage({})).rejects.toMatchObject({ code: 'Timeout', httpStatus: 0 });
    expect((await client.describeInstancesPage({})).instances).toHaveLength(3);
  });

  it('changes the OperationDetails of an answer, and names the instances left out in the call log', async () => {
    emulator.setFaults({
      script: [{ action: 'StopInstances', details: { omit: ['i-2'], extra: ['i-stranger'], reverse: true } }],
    });
    const result = await client.stopInstances({ instanceIds: ['i-1', 'i-2'] });
    expect(result.operationDetails).toEqual([{ InstanceId: 'i-stranger' }, { InstanceId: 'i-1' }]);
    expect(emulator.instance('i-2')?.Status).toBe('STOPPED');
    expect(emulator.calls()[0]).toMatchObject({ omitted: ['i-2'], fault: 'script' });
  });
});

describe('faults.maxPageSize and a forced NextToken', () => {
  it('answers short pages that the client follows to the end', async () => {
    emulator.setFaults({ maxPageSize: 1 });
    const ids: string[] = [];
    for await (const instance of client.describeInstances({})) ids.push(instance.InstanceId);
    expect(ids).toEqual(['i-1', 'i-2', 'i-3']);
    expect(emulator.calls().map((c) => c.params.MaxResults)).toEqual(['100', '100', '100']);
  });

  it('hands out the scripted NextToken instead of the real one', async () => {
    emulator.setFaults({ script: [{ action: 'DescribeInstances', nextToken: 'again' }] });
    const page = await client.describeInstancesPage({});
    expect(page.nextToken).toBe('again');
    expect(page.instances).toHaveLength(3);
  });
});

describe('per-instance flags errors and transitionMs', () => {
  it('answers the injected codes one per operation, then stops the instance after its own transition time', async () => {
    const reset = await send(emulator, {
      method: 'POST',
      path: '/_emulator/reset',
      body: JSON.stringify(
        fleetOf(
          inst('i-1', { Emulator: { errors: ['OperationDenied.ResourceLocked'] } }),
          inst('i-2', { Emulator: { transitionMs: 3_600_000 } }),
        ),
      ),
    });
    expect(reset.status).toBe(200);
    const codes = async () =>
      (await client.stopInstances({ instanceIds: ['i-1', 'i-2'] })).operationDetails.map(
        (d) => d.Error?.Code ?? 'ok',
      );
    expect(await codes()).toEqual(['OperationDenied.ResourceLocked', 'ok']);
    expect(await codes()).toEqual(['ok', 'InvalidInstanceStatus']);
    expect(emulator.instance('i-2')?.Status).toBe('STOPPING');
  });
});
