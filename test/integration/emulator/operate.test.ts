import { describe, expect, it } from 'vitest';
import type { OperationDetail } from '../../../lib/volc/index.js';
import { errorCode, fleetOf, inst, signedGet, useEmulator } from './helpers.js';

const FLEET = fleetOf(
  inst('i-run'),
  inst('i-run2'),
  inst('i-stopped', { Status: 'STOPPED', StoppedMode: 'KeepCharging' }),
  inst('i-economy', { Status: 'STOPPED', StoppedMode: 'StopCharging' }),
  inst('i-prepaid', { InstanceChargeType: 'PrePaid' }),
  inst('i-prepaid-local', { InstanceChargeType: 'PrePaid', InstanceTypeId: 'ecs.i3.xlarge' }),
  inst('i-local', { InstanceTypeId: 'ecs.i3.xlarge' }),
  inst('i-bigdata', { InstanceTypeId: 'ecs.d2.large' }),
  inst('i-metal', { InstanceTypeId: 'ecs.ebmg2.32xlarge' }),
  inst('i-hpc', { InstanceTypeId: 'ecs.hpcg2.large' }),
  inst('i-novel', { InstanceTypeId: 'ecs.x9.large' }),
  inst('i-locked', { Emulator: { locked: true } }),
  inst('i-locked-twice', { Emulator: { locked: 2 } }),
  inst('i-imaging', { Emulator: { creatingImage: true } }),
  inst('i-imaging-once', { Emulator: { creatingImage: 1 } }),
  inst('i-service', { Emulator: { createdByService: 'vke' } }),
  inst('i-service-locked', { Emulator: { createdByService: true, locked: true } }),
  inst('i-imaging-locked', { Emulator: { creatingImage: true, locked: true } }),
  inst('i-locked-stopped', { Status: 'STOPPED', Emulator: { locked: true } }),
  inst('i-sh', { Region: 'cn-shanghai', ZoneId: 'cn-shanghai-a' }),
);

const world = useEmulator(FLEET);

const codeOf = (detail: OperationDetail | undefined) => detail?.Error?.Code;

async function stopOne(id: string, stoppedMode?: 'StopCharging' | 'KeepCharging') {
  const result = await world.client.stopInstances({
    instanceIds: [id],
    ...(stoppedMode ? { stoppedMode } : {}),
  });
  expect(result.operationDetails.map((d) => d.InstanceId)).toEqual([id]);
  return codeOf(result.operationDetails[0]);
}

describe('StopInstances', () => {
  it('accepts a running instance: STOPPED with KeepCharging by default, counted once', async () => {
    expect(await stopOne('i-run')).toBeUndefined();
    expect(world.emulator.instance('i-run')).toMatchObject({
      Status: 'STOPPED',
      StoppedMode: 'KeepCharging',
      stopAccepted: 1,
    });
  });

  it('records StopCharging', async () => {
    expect(await stopOne('i-run', 'StopCharging')).toBeUndefined();
    expect(world.emulator.instance('i-run')).toMatchObject({
      Status: 'STOPPED',
      StoppedMode: 'StopCharging',
    });
  });

  it.each<[string, string, 'StopCharging' | 'KeepCharging' | undefined]>([
    ['i-none', 'InvalidInstance.NotFound', undefined],
    ['i-sh', 'InvalidInstance.NotFound', undefined],
    ['i-stopped', 'InvalidInstanceStatus', undefined],
    ['i-prepaid', 'InvalidStoppedMode.ChargeTypeMismatch', 'StopCharging'],
    ['i-local', 'InvalidStoppedMode.InstanceTypeMismatch', 'StopCharging'],
    ['i-bigdata', 'InvalidStoppedMode.InstanceTypeMismatch', 'StopCharging'],
    ['i-metal', 'InvalidStoppedMode.InstanceTypeMismatch', 'StopCharging'],
    ['i-hpc', 'InvalidStoppedMode.InstanceTypeMismatch', 'StopCharging'],
    ['i-locked', 'OperationDenied.ResourceLocked', undefined],
    ['i-imaging', 'OperationDenied.InstanceIsCreatingImage', undefined],
    ['i-service', 'OperationDenied.ResourceCreatedByOtherService', undefined],
    // The order of the checks: the first that applies wins.
    ['i-service-locked', 'OperationDenied.ResourceCreatedByOtherService', undefined],
    ['i-imaging-locked', 'OperationDenied.InstanceIsCreatingImage', undefined],
    ['i-locked-stopped', 'OperationDenied.ResourceLocked', undefined],
    ['i-prepaid-local', 'InvalidStoppedMode.ChargeTypeMismatch', 'StopCharging'],
  ])('answers %s with %s', async (id, code, mode) => {
    expect(await stopOne(id, mode)).toBe(code);
    expect(world.emulator.instance(id)?.stopAccepted ?? 0).toBe(0);
  });

  it('stops a local-disk instance with KeepCharging', async () => {
    expect(await stopOne('i-local', 'KeepCharging')).toBeUndefined();
  });

  it('refuses StopCharging for families added to stopChargingIneligible', async () => {
    expect(await stopOne('i-novel', 'StopCharging')).toBeUndefined();
    world.emulator.reset();
    world.emulator.setFaults({ stopChargingIneligible: ['ecs.x9.*'] });
    expect(await stopOne('i-novel', 'StopCharging')).toBe('InvalidStoppedMode.InstanceTypeMismatch');
    expect(await stopOne('i-local', 'StopCharging')).toBeUndefined();
  });

  it('clears a counted flag after N refusals, so retries can succeed', async () => {
    expect(await stopOne('i-locked-twice')).toBe('OperationDenied.ResourceLocked');
    expect(world.emulator.instance('i-locked-twice')?.Emulator.locked).toBe(1);
    expect(await stopOne('i-locked-twice')).toBe('OperationDenied.ResourceLocked');
    expect(await stopOne('i-locked-twice')).toBeUndefined();
    expect(await stopOne('i-imaging-once')).toBe('OperationDenied.InstanceIsCreatingImage');
    expect(await stopOne('i-imaging-once')).toBeUndefined();
  });

  it('answers one detail per ID, in order, and logs them', async () => {
    const result = await world.client.stopInstances({
      instanceIds: ['i-run', 'i-none', 'i-stopped', 'i-run2'],
    });
    expect(result.operationDetails.map((d) => [d.InstanceId, codeOf(d)])).toEqual([
      ['i-run', undefined],
      ['i-none', 'InvalidInstance.NotFound'],
      ['i-stopped', 'InvalidInstanceStatus'],
      ['i-run2', undefined],
    ]);
    expect(result.operationDetails[1]?.Error?.Message).toBe('The specified instance does not exist.');
    const [call] = world.emulator.calls();
    expect(call).toMatchObject({ action: 'StopInstances', region: 'cn-beijing', httpStatus: 200 });
    expect(call?.results).toEqual([
      { instanceId: 'i-run' },
      { instanceId: 'i-none', errorCode: 'InvalidInstance.NotFound' },
      { instanceId: 'i-stopped', errorCode: 'InvalidInstanceStatus' },
      { instanceId: 'i-run2' },
    ]);
  });

  it('goes through STOPPING for transitionMs, and refuses a second stop meanwhile', async () => {
    world.emulator.setFaults({ transitionMs: 30_000 });
    expect(await stopOne('i-run')).toBeUndefined();
    expect(world.emulator.instance('i-run')?.Status).toBe('STOPPING');
    expect(await stopOne('i-run')).toBe('InvalidInstanceStatus');
    world.nowMs += 30_000;
    expect(world.emulator.instance('i-run')).toMatchObject({ Status: 'STOPPED', stopAccepted: 1 });
  });
});

describe('StartInstances', () => {
  async function startOne(id: string) {
    const result = await world.client.startInstances({ instanceIds: [id] });
    return codeOf(result.operationDetails[0]);
  }

  it('starts a stopped instance through STARTING and clears its StoppedMode', async () => {
    world.emulator.setFaults({ transitionMs: 5_000 });
    expect(await startOne('i-economy')).toBeUndefined();
    expect(world.emulator.instance('i-economy')).toMatchObject({ Status: 'STARTING', startAccepted: 1 });
    expect(await startOne('i-economy')).toBe('InvalidInstanceStatus');
    world.nowMs += 5_000;
    const instance = world.emulator.instance('i-economy');
    expect(instance?.Status).toBe('RUNNING');
    expect(instance).not.toHaveProperty('StoppedMode');
  });

  it.each([
    ['i-run', 'InvalidInstanceStatus'],
    ['i-none', 'InvalidInstance.NotFound'],
    ['i-locked-stopped', 'OperationDenied.ResourceLocked'],
    ['i-imaging', 'OperationDenied.InstanceIsCreatingImage'],
    ['i-service', 'OperationDenied.ResourceCreatedByOtherService'],
  ])('answers %s with %s', async (id, code) => {
    expect(await startOne(id)).toBe(code);
  });

  it('answers Insufficient.InstanceCapacity for StopCharging-stopped instances when the setting says so', async () => {
    world.emulator.setFaults({ insufficientCapacity: 1 });
    expect(await startOne('i-economy')).toBe('Insufficient.InstanceCapacity');
    expect(await startOne('i-stopped')).toBeUndefined();
    expect(world.emulator.instance('i-economy')).toMatchObject({ Status: 'STOPPED', startAccepted: 0 });
  });

  it('round-trips: stop with StopCharging, then start', async () => {
    expect(await stopOne('i-run', 'StopCharging')).toBeUndefined();
    expect(await startOne('i-run')).toBeUndefined();
    expect(world.emulator.instance('i-run')).toMatchObject({
      Status: 'RUNNING',
      stopAccepted: 1,
      startAccepted: 1,
    });
  });
});

describe('request-level errors of Stop/StartInstances', () => {
  const ids = (n: number) =>
    Array.from({ length: n }, (_, i) => [`InstanceIds.${i + 1}`, `i-${i}`] as [string, string]);

  it.each<[string, string, Array<[string, string]>, number, string]>([
    ['no InstanceIds', 'StopInstances', [], 400, 'MissingParameter'],
    ['no InstanceIds', 'StartInstances', [], 400, 'MissingParameter'],
    ['101 InstanceIds', 'StopInstances', ids(101), 400, 'InvalidCount.Malformed'],
    ['101 InstanceIds', 'StartInstances', ids(101), 400, 'InvalidCount.Malformed'],
    [
      'a bad StoppedMode',
      'StopInstances',
      [...ids(1), ['StoppedMode', 'Hibernate']],
      400,
      'InvalidStoppedMode.Malformed',
    ],
    [
      'a ClientToken of 65 characters',
      'StopInstances',
      [...ids(1), ['ClientToken', 'x'.repeat(65)]],
      400,
      'InvalidClientToken.Malformed',
    ],
    [
      'a non-ASCII ClientToken',
      'StartInstances',
      [...ids(1), ['ClientToken', 'tokén']],
      400,
      'InvalidClientToken.Malformed',
    ],
    [
      'a ForceStop that is not a boolean',
      'StopInstances',
      [...ids(1), ['ForceStop', 'yes']],
      400,
      'InvalidArgument',
    ],
  ])('answers %s to %s with %i %s', async (_label, action, params, status, code) => {
    const answer = await signedGet(world.emulator, action, params);
    expect([answer.status, errorCode(answer)]).toEqual([status, code]);
    expect(answer.json.ResponseMetadata.Action).toBe(action);
    expect(world.emulator.instances().every((i) => i.stopAccepted === 0 && i.startAccepted === 0)).toBe(true);
  });

  it('accepts exactly 100 IDs and an empty StoppedMode as a normal stop', async () => {
    const answer = await signedGet(world.emulator, 'StopInstances', [
      ...ids(99),
      ['InstanceIds.100', 'i-run'],
      ['StoppedMode', ''],
    ]);
    expect(answer.status).toBe(200);
    expect(answer.json.Result.OperationDetails).toHaveLength(100);
    expect(world.emulator.instance('i-run')).toMatchObject({
      Status: 'STOPPED',
      StoppedMode: 'KeepCharging',
    });
  });

  it('answers MissingParameter.InstanceId for an empty ID', async () => {
    const answer = await signedGet(world.emulator, 'StopInstances', [
      ['InstanceIds.1', ''],
      ['InstanceIds.2', 'i-run'],
    ]);
    expect(answer.json.Result.OperationDetails).toEqual([
      {
        InstanceId: '',
        Error: {
          Code: 'MissingParameter.InstanceId',
          Message: 'The required parameter InstanceId is not supplied.',
        },
      },
      { InstanceId: 'i-run' },
    ]);
  });
});
