import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFaults, parseFaults, validateFaults } from '../../../lib/emulator/index.js';
import { ConfigError } from '../../../lib/errors.js';

describe('fault settings', () => {
  it('accepts every setting', () => {
    const settings = {
      seed: 9,
      qps: { DescribeInstances: 20, StopInstances: 5 },
      flowLimitPerInstance: 0.1,
      flowLimitPerRequest: 0.1,
      internalError: 0.01,
      unavailable: 0.01,
      lostResponse: 0.05,
      dropConnection: 0.01,
      nonJson: 0.01,
      truncatedJson: 0.01,
      latencyMs: { min: 5, max: 50 },
      processingMs: 100,
      idempotentProcessingFirstAttempt: true,
      insufficientCapacity: 0.2,
      transitionMs: 0,
      omitOperationDetail: 0,
      extraOperationDetail: 0,
      shuffleOperationDetails: 1,
      stopChargingIneligible: ['ecs.i*', 'ecs.gni*'],
    };
    expect(validateFaults(settings)).toEqual(settings);
    expect(parseFaults('')).toEqual({});
    expect(parseFaults('qps: 10\nlatencyMs: 30\n')).toEqual({ qps: 10, latencyMs: 30 });
  });

  it('reports each bad setting where it is', () => {
    const text = [
      'internalError: 1.5',
      'qps: {DescribeInstances: -1}',
      'latencyMs: {min: 9, max: 1}',
      'transitionMs: soon',
      'seed: 1.5',
      'idempotentProcessingFirstAttempt: yes',
      'stopChargingIneligible: ecs.i*',
      'dropConection: 0.1',
    ].join('\n');
    let error: unknown;
    try {
      parseFaults(text, 'faults.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => `${i.line}:${i.column} ${i.message}`)).toEqual([
      '8:16 dropConection: unknown setting',
      '1:16 internalError: must be a share between 0 and 1',
      '4:15 transitionMs: must be a number of milliseconds, 0 or more',
      '5:7 seed: must be a whole number',
      '2:26 qps.DescribeInstances: must be requests per second, 0 or more',
      '3:12 latencyMs: must be milliseconds, or {min, max} with 0 <= min <= max',
      '6:35 idempotentProcessingFirstAttempt: must be true or false',
      '7:25 stopChargingIneligible: must be a list of instance-type patterns such as ecs.i*',
    ]);
  });

  it('refuses a document that is not a mapping', () => {
    expect(() => parseFaults('- 1')).toThrow(ConfigError);
  });

  it('loads a file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lights-out-faults-'));
    const path = join(dir, 'faults.json');
    await writeFile(path, '{"nonJson": 0.5}');
    expect(await loadFaults(path)).toEqual({ nonJson: 0.5 });
    await rm(dir, { recursive: true, force: true });
  });
});
