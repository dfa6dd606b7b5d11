import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type EmulatorHandle, startEmulator } from '../../../lib/emulator/index.js';
import type { VolcApiError } from '../../../lib/errors.js';
import type { EcsClient } from '../../../lib/volc/index.js';
import { clientFor, fleetOf, inst, signedGet, TEST_CREDENTIALS } from './helpers.js';

/** A sleep the test releases by hand, so "still in process" needs no real waiting. */
function gatedSleep() {
  const waiting: Array<() => void> = [];
  return {
    sleep: (_ms: number) => new Promise<void>((resolve) => waiting.push(resolve)),
    pending: () => waiting.length,
    releaseAll: () => {
      for (const resolve of waiting.splice(0)) resolve();
    },
  };
}

const OTHER_KEY = { accessKeyId: 'AKLTother', secretKey: 'b3RoZXI=' };
const FLEET = {
  credentials: [{ ...TEST_CREDENTIALS }, OTHER_KEY],
  instances: fleetOf(inst('i-1'), inst('i-2'), inst('i-sh', { Region: 'cn-shanghai' })).instances,
};

let emulator: EmulatorHandle;
let client: EcsClient;
const gate = gatedSleep();

beforeAll(async () => {
  emulator = await startEmulator({ fleet: FLEET, sleep: gate.sleep });
  client = clientFor(emulator);
});
afterAll(async () => {
  gate.releaseAll();
  await client.close();
  await emulator.close();
});
beforeEach(() => {
  emulator.setFaults({});
  emulator.reset();
});

const stopAccepted = (id: string) => emulator.instance(id)?.stopAccepted;

describe('ClientToken', () => {
  it('answers a retry with the stored result and does not act twice', async () => {
    const first = await client.stopInstances({ instanceIds: ['i-1'], clientToken: 'tok-1' });
    const again = await client.stopInstances({ instanceIds: ['i-1'], clientToken: 'tok-1' });
    expect(again.operationDetails).toEqual(first.operationDetails);
    expect(again.operationDetails).toEqual([{ InstanceId: 'i-1' }]);
    expect(stopAccepted('i-1')).toBe(1);
    expect(emulator.calls().map((c) => [c.clientToken, c.httpStatus, c.replayed ?? false])).toEqual([
      ['tok-1', 200, false],
      ['tok-1', 200, true],
    ]);
  });

  it('acts again without a token (and the second stop is refused by status)', async () => {
    await client.stopInstances({ instanceIds: ['i-1'] });
    const again = await client.stopInstances({ instanceIds: ['i-1'] });
    expect(again.operationDetails[0]?.Error?.Code).toBe('InvalidInstanceStatus');
  });

  it.each([
    ['other IDs', { instanceIds: ['i-2'] }],
    ['the same IDs in another order', { instanceIds: ['i-2', 'i-1'] }],
    ['another StoppedMode', { instanceIds: ['i-1', 'i-2'], stoppedMode: 'StopCharging' as const }],
  ])('answers IdempotentParameterMismatch for the same token with %s', async (_label, params) => {
    await client.stopInstances({ instanceIds: ['i-1', 'i-2'], clientToken: 'tok-2' });
    const error = (await client
      .stopInstances({ ...params, clientToken: 'tok-2' })
      .catch((e: unknown) => e)) as VolcApiError;
    expect(error).toMatchObject({ code: 'IdempotentParameterMismatch', httpStatus: 400, retryable: false });
    expect(stopAccepted('i-1')).toBe(1);
    expect(stopAccepted('i-2')).toBe(1);
  });

  it('answers IdempotentParameterMismatch when a stop token is reused for a start', async () => {
    await client.stopInstances({ instanceIds: ['i-1'], clientToken: 'tok-3' });
    await expect(client.startInstances({ instanceIds: ['i-1'], clientToken: 'tok-3' })).rejects.toMatchObject(
      {
        code: 'IdempotentParameterMismatch',
      },
    );
    expect(emulator.instance('i-1')).toMatchObject({ Status: 'STOPPED', startAccepted: 0 });
  });

  it('keeps tokens apart per access key and per region', async () => {
    await client.stopInstances({ instanceIds: ['i-1'], clientToken: 'shared' });
    const shanghai = clientFor(emulator, 'cn-shanghai');
    const result = await shanghai.stopInstances({ instanceIds: ['i-sh'], clientToken: 'shared' });
    expect(result.operationDetails).toEqual([{ InstanceId: 'i-sh' }]);
    const other = await signedGet(
      emulator,
      'StopInstances',
      [
        ['InstanceIds.1', 'i-2'],
        ['ClientToken', 'shared'],
      ],
      {
        credentials: OTHER_KEY,
      },
    );
    expect(other.json.Result.OperationDetails).toEqual([{ InstanceId: 'i-2' }]);
    await shanghai.close();
  });

  it('answers 412 IdempotentProcessing while the first request with the token is in process', async () => {
    emulator.setFaults({ processingMs: 1000 });
    const first = client.stopInstances({ instanceIds: ['i-1'], clientToken: 'tok-4' });
    await expect.poll(() => gate.pending()).toBe(1);
    const concurrent = await client
      .stopInstances({ instanceIds: ['i-1'], clientToken: 'tok-4' })
      .catch((e: unknown) => e);
    expect(concurrent).toMatchObject({ code: 'IdempotentProcessing', httpStatus: 412, retryable: true });
    const mismatch = await client
      .stopInstances({ instanceIds: ['i-2'], clientToken: 'tok-4' })
      .catch((e: unknown) => e);
    expect(mismatch).toMatchObject({ code: 'IdempotentParameterMismatch' });
    gate.releaseAll();
    expect((await first).operationDetails).toEqual([{ InstanceId: 'i-1' }]);
    expect(stopAccepted('i-1')).toBe(1);
    const replay = client.stopInstances({ instanceIds: ['i-1'], clientToken: 'tok-4' });
    expect((await replay).operationDetails).toEqual([{ InstanceId: 'i-1' }]);
  });

  it('answers 412 to the first request of every new token when idempotentProcessingFirstAttempt is set', async () => {
    emulator.setFaults({ idempotentProcessingFirstAttempt: true });
    await expect(client.stopInstances({ instanceIds: ['i-1'], clientToken: 'tok-5' })).rejects.toMatchObject({
      code: 'IdempotentProcessing',
      httpStatus: 412,
    });
    expect(stopAccepted('i-1')).toBe(0);
    expect(
      (await client.stopInstances({ instanceIds: ['i-1'], clientToken: 'tok-5' })).operationDetails,
    ).toEqual([{ InstanceId: 'i-1' }]);
    expect(stopAccepted('i-1')).toBe(1);
  });

  it('commits a stop whose answer is lost, and a retry with the token gets its result without acting twice', async () => {
    emulator.setFaults({ lostResponse: 1, seed: 3 });
    const kinds = new Set<string>();
    for (const id of ['i-1', 'i-2']) {
      const lost = (await client
        .stopInstances({ instanceIds: [id], clientToken: `lost-${id}` })
        .catch((e: unknown) => e)) as VolcApiError;
      expect(lost.retryable).toBe(true);
      kinds.add(`${lost.code}/${lost.httpStatus}`);
      expect(emulator.instance(id)).toMatchObject({ Status: 'STOPPED', stopAccepted: 1 });
    }
    emulator.setFaults({});
    for (const id of ['i-1', 'i-2']) {
      const retry = await client.stopInstances({ instanceIds: [id], clientToken: `lost-${id}` });
      expect(retry.operationDetails).toEqual([{ InstanceId: id }]);
      expect(stopAccepted(id)).toBe(1);
    }
    for (const kind of kinds) expect(['InternalError/500', 'ConnectionError/0']).toContain(kind);
  });

  it('forgets tokens on reset', async () => {
    await client.stopInstances({ instanceIds: ['i-1'], clientToken: 'tok-6' });
    emulator.reset();
    await client.stopInstances({ instanceIds: ['i-2'], clientToken: 'tok-6' });
    expect(stopAccepted('i-2')).toBe(1);
  });
});
