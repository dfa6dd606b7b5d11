import { describe, expect, it } from 'vitest';
import {
  createInProcessEmulator,
  DEFAULT_CREDENTIALS,
  parseFaults,
  parseFleet,
  validateFaults,
} from '../../../lib/emulator/index.js';
import { ConfigError } from '../../../lib/errors.js';
import { virtualClock } from '../../support/clock.js';

function issuesOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map((i) => `${i.line}:${i.column} ${i.message}`);
  }
  throw new Error('expected a ConfigError');
}

describe('fault script and short pages: settings', () => {
  it('accepts every kind of entry, and maxPageSize', () => {
    const settings = {
      maxPageSize: 1,
      script: [
        { action: 'StopInstances', error: 'InternalError', applied: true },
        { action: 'StopInstances', region: 'cn-beijing', answer: 'hang', count: 2 },
        { action: 'StartInstances', details: { omit: 'all', extra: ['i-x'], reverse: true } },
        { action: 'DescribeInstances', nextToken: 'again', count: 10 },
        { answer: 'ok' },
        { error: 'InternalServiceTimeout' },
      ],
    };
    expect(validateFaults(settings)).toEqual(settings);
  });

  it('reports each bad entry where it is', () => {
    const text = [
      'maxPageSize: 1.5',
      'script:',
      '  - {action: StopInstance, error: InternalError}',
      '  - {error: NoSuchCode}',
      '  - {answer: slow}',
      '  - {error: InternalError, answer: drop}',
      '  - {action: DescribeInstances, details: {omit: all}}',
      '  - {action: StopInstances, nextToken: x}',
      '  - {action: StopInstances, count: 0, applied: yes}',
      '  - {action: StopInstances}',
      '  - {action: StopInstances, details: {drop: [i-1]}, when: later}',
    ].join('\n');
    expect(issuesOf(() => parseFaults(text, 'faults.yaml'))).toEqual([
      '1:14 maxPageSize: must be a whole number, 0 or more',
      '3:14 script.0.action: must be one of DescribeInstances, DescribeRegions, StopInstances, StartInstances',
      '4:13 script.1.error: must be a request-level error code of the catalogue, such as InternalError',
      '5:14 script.2.answer: must be one of ok, drop, hang, nonJson, truncatedJson',
      '6:5 script.3: has both error and answer: give one',
      '7:42 script.4.details: needs action StopInstances or StartInstances',
      '8:40 script.5.nextToken: needs action DescribeInstances',
      '9:36 script.6.count: must be a whole number of requests, 1 or more',
      '9:48 script.6.applied: must be true or false',
      '9:5 script.6: says nothing to do: give error, answer, details or nextToken',
      '10:5 script.7: says nothing to do: give error, answer, details or nextToken',
      '11:59 script.8.when: unknown key',
      '11:45 script.8.details.drop: unknown change',
    ]);
    expect(issuesOf(() => parseFaults('script: {error: InternalError}', 'f.yaml'))).toEqual([
      '1:9 script: must be a list of scripted faults',
    ]);
  });

  it('checks the per-instance flags errors and transitionMs of a fleet', () => {
    const fleet = parseFleet(
      'instances:\n  - {InstanceId: i-1, Region: cn-beijing, Emulator: {errors: [FlowLimitExceeded, SomethingNew], transitionMs: 500}}\n',
    );
    expect(fleet.instances[0]!.Emulator).toEqual({
      errors: ['FlowLimitExceeded', 'SomethingNew'],
      transitionMs: 500,
    });
    const text = [
      'instances:',
      '  - {InstanceId: i-1, Region: cn-beijing, Emulator: {errors: [not a code]}}',
      '  - {InstanceId: i-2, Region: cn-beijing, Emulator: {transitionMs: -1}}',
    ].join('\n');
    expect(issuesOf(() => parseFleet(text, 'fleet.yaml'))).toEqual([
      '2:62 instances.0.Emulator.errors: must be a list of error codes such as FlowLimitExceeded',
      '3:68 instances.1.Emulator.transitionMs: must be a number of milliseconds, 0 or more',
    ]);
  });
});

describe('the emulator in-process', () => {
  function emulator(faults = {}) {
    const clock = virtualClock({ startMs: Date.UTC(2026, 0, 5, 18, 0, 0) });
    const instances = ['i-1', 'i-2', 'i-3'].map((id) => ({ InstanceId: id, Region: 'cn-beijing' }));
    instances.push({ InstanceId: 'i-sh', Region: 'cn-shanghai' });
    const emu = createInProcessEmulator({
      fleet: { credentials: [DEFAULT_CREDENTIALS], instances } as never,
      faults,
      now: clock.nowMs,
      sleep: clock.sleep,
    });
    return { clock, emu, ecs: emu.clientFor('cn-beijing') };
  }

  it('answers as the HTTP emulator does: the call log, ClientToken replays, regions apart', async () => {
    const { emu, ecs } = emulator();
    const first = await ecs.stopInstances({ instanceIds: ['i-1', 'i-sh'], clientToken: 't-1' });
    expect(first.operationDetails).toEqual([
      { InstanceId: 'i-1' },
      { InstanceId: 'i-sh', Error: { Code: 'InvalidInstance.NotFound', Message: expect.any(String) } },
    ]);
    const again = await ecs.stopInstances({ instanceIds: ['i-1', 'i-sh'], clientToken: 't-1' });
    expect(again.operationDetails).toEqual(first.operationDetails);
    expect(again.requestId).not.toBe(first.requestId);
    await expect(ecs.stopInstances({ instanceIds: ['i-2'], clientToken: 't-1' })).rejects.toMatchObject({
      code: 'IdempotentParameterMismatch',
      httpStatus: 400,
      retryable: false,
    });
    expect(emu.instance('i-1')).toMatchObject({ Status: 'STOPPED', stopAccepted: 1 });
    expect(emu.calls().map((c) => [c.action, c.region, c.httpStatus, c.replayed ?? false])).toEqual([
      ['StopInstances', 'cn-beijing', 200, false],
      ['StopInstances', 'cn-beijing', 200, true],
      ['StopInstances', 'cn-beijing', 400, false],
    ]);
    expect(emu.calls()[0]!.accessKeyId).toBe(DEFAULT_CREDENTIALS.accessKeyId);
  });

  it('turns a dropped connection into ConnectionError, and no answer into Timeout after timeoutMs of its clock', async () => {
    const { clock, emu, ecs } = emulator({
      script: [
        { action: 'DescribeInstances', answer: 'drop' },
        { action: 'DescribeInstances', answer: 'hang' },
      ],
    });
    await expect(ecs.describeInstancesPage({})).rejects.toMatchObject({
      code: 'ConnectionError',
      httpStatus: 0,
      retryable: true,
    });
    const t0 = clock.nowMs();
    await expect(ecs.describeInstancesPage({})).rejects.toMatchObject({
      code: 'Timeout',
      httpStatus: 0,
      retryable: true,
    });
    expect(clock.nowMs() - t0).toBe(10_000);
    expect((await ecs.describeInstancesPage({})).instances).toHaveLength(3);
    expect(emu.calls().map((c) => [c.httpStatus, c.fault])).toEqual([
      [0, 'script'],
      [0, 'script'],
      [200, undefined],
    ]);
  });

  it('keeps an instance STOPPING for its own transitionMs, and answers its injected codes first', async () => {
    const { clock, emu, ecs } = emulator({ transitionMs: 1_000 });
    emu.reset({
      credentials: [DEFAULT_CREDENTIALS],
      instances: [
        { InstanceId: 'i-slow', Region: 'cn-beijing', Emulator: { transitionMs: 60_000 } },
        {
          InstanceId: 'i-coded',
          Region: 'cn-beijing',
          Emulator: { errors: ['InternalError', 'SomethingNew'] },
        },
        { InstanceId: 'i-fast', Region: 'cn-beijing' },
      ],
    } as never);
    const ids = ['i-slow', 'i-coded', 'i-fast'];
    const codes = async () =>
      (await ecs.stopInstances({ instanceIds: ids })).operationDetails.map((d) => d.Error?.Code ?? 'ok');
    expect(await codes()).toEqual(['ok', 'InternalError', 'ok']);
    expect(emu.instance('i-coded')?.Emulator.errors).toEqual(['SomethingNew']);
    expect((await ecs.stopInstances({ instanceIds: ['i-coded'] })).operationDetails[0]!.Error).toEqual({
      Code: 'SomethingNew',
      Message: 'SomethingNew (injected by the emulator)',
    });
    await clock.sleep(1_000);
    expect(emu.instance('i-fast')?.Status).toBe('STOPPED');
    expect(emu.instance('i-slow')?.Status).toBe('STOPPING');
    await clock.sleep(59_000);
    expect(emu.instance('i-slow')?.Status).toBe('STOPPED');
    expect((await ecs.stopInstances({ instanceIds: ['i-coded'] })).operationDetails[0]).toEqual({
      InstanceId: 'i-coded',
    });
  });
});
