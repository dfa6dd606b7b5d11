import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CREDENTIALS, loadFleet, parseFleet, validateFleet } from '../../../lib/emulator/index.js';
import { ConfigError } from '../../../lib/errors.js';

function issuesOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message.split('\n');
  }
  throw new Error('expected a ConfigError');
}

describe('parseFleet', () => {
  it('reads a YAML fleet and fills in defaults', () => {
    const fleet = parseFleet(
      [
        'credentials:',
        '  - accessKeyId: AKLTa',
        '    secretKey: s3cret',
        'instances:',
        '  - InstanceId: i-1',
        '    Region: cn-beijing',
        '  - InstanceId: i-2',
        '    Region: cn-shanghai',
        '    Status: STOPPED',
        '    InstanceChargeType: PrePaid',
        '    Tags: [{Key: lights-out, Value: nightly}, {Key: empty}]',
        '    Emulator: {locked: 2, creatingImage: true, createdByService: vke}',
      ].join('\n'),
    );
    expect(fleet.credentials).toEqual([{ accessKeyId: 'AKLTa', secretKey: 's3cret' }]);
    expect(fleet.instances[0]).toEqual({
      InstanceId: 'i-1',
      InstanceName: 'i-1',
      Status: 'RUNNING',
      InstanceChargeType: 'PostPaid',
      InstanceTypeId: 'ecs.g3i.large',
      ZoneId: 'cn-beijing-a',
      ProjectName: 'default',
      Tags: [],
      Region: 'cn-beijing',
    });
    expect(fleet.instances[1]).toMatchObject({
      Status: 'STOPPED',
      InstanceChargeType: 'PrePaid',
      ZoneId: 'cn-shanghai-a',
      Tags: [
        { Key: 'lights-out', Value: 'nightly' },
        { Key: 'empty', Value: '' },
      ],
      Emulator: { locked: 2, creatingImage: true, createdByService: 'vke' },
    });
  });

  it('uses the default credentials when the fleet names none', () => {
    expect(parseFleet('{"instances": []}').credentials).toEqual([DEFAULT_CREDENTIALS]);
  });

  it('accepts a captured DescribeInstances answer, taking Region from ResponseMetadata', () => {
    const captured = {
      ResponseMetadata: {
        RequestId: 'r',
        Action: 'DescribeInstances',
        Version: '2020-04-01',
        Service: 'ecs',
        Region: 'cn-beijing',
      },
      Result: {
        Instances: [
          { InstanceId: 'i-cap1', InstanceName: 'web', Status: 'RUNNING', Cpus: 2, VpcId: 'vpc-1', Tags: [] },
          { InstanceId: 'i-cap2', Region: 'cn-shanghai', Status: 'STOPPED', StoppedMode: 'StopCharging' },
        ],
        NextToken: '',
        TotalCount: 2,
      },
    };
    const fleet = parseFleet(JSON.stringify(captured, null, 2), 'page.json');
    expect(fleet.instances.map((i) => [i.InstanceId, i.Region])).toEqual([
      ['i-cap1', 'cn-beijing'],
      ['i-cap2', 'cn-shanghai'],
    ]);
    expect(fleet.instances[0]).toMatchObject({ Cpus: 2, VpcId: 'vpc-1' });
    expect(fleet.instances[1]?.StoppedMode).toBe('StopCharging');
  });

  it('accepts a Result object with a top-level Region, and a bare list', () => {
    expect(parseFleet('Region: cn-beijing\nInstances: [{InstanceId: i-1}]').instances[0]?.Region).toBe(
      'cn-beijing',
    );
    expect(parseFleet('- {InstanceId: i-1, Region: ap-southeast-1}').instances[0]?.Region).toBe(
      'ap-southeast-1',
    );
  });

  it('reports every problem with file:line:column', () => {
    const text = [
      'credentials:',
      '  - accessKeyId: ""',
      '    secretKey: x',
      '    secret: y',
      'instances:',
      '  - InstanceId: i-1',
      '    Region: cn-beijing',
      '    Status: ASLEEP',
      '  - InstanceId: i-1',
      '    Region: cn-beijing',
      '  - InstanceName: no-id',
      '    Region: cn-beijing',
      '  - InstanceId: i-3',
      '  - InstanceId: i-4',
      '    Region: cn-beijing',
      '    Tags: [{Value: x}]',
      '    StoppedMode: Hibernate',
      '    ZoneId: 7',
      '    Emulator: {locked: -1, frozen: true, createdByService: 3}',
    ].join('\n');
    expect(issuesOf(() => parseFleet(text, 'fleet.yaml'))).toEqual([
      expect.stringMatching(/^fleet\.yaml:8:13: instances\.0\.Status: must be one of CREATING, RUNNING/),
      "fleet.yaml:9:17: instances.1.InstanceId: duplicate InstanceId 'i-1'",
      'fleet.yaml:11:5: instances.2.InstanceId: must be a non-empty string',
      'fleet.yaml:13:5: instances.3: Region must be a non-empty string (add Region to the instance)',
      'fleet.yaml:18:13: instances.4.ZoneId: must be a string',
      'fleet.yaml:17:18: instances.4.StoppedMode: must be KeepCharging or StopCharging',
      'fleet.yaml:16:12: instances.4.Tags.0: must be {Key, Value} with a non-empty string Key',
      'fleet.yaml:19:24: instances.4.Emulator.locked: must be true, false or a whole number of operations',
      'fleet.yaml:19:36: instances.4.Emulator.frozen: unknown flag (expected locked, creatingImage, createdByService, errors, transitionMs)',
      'fleet.yaml:19:60: instances.4.Emulator.createdByService: must be true, false or the name of the service',
      'fleet.yaml:4:13: credentials.0.secret: unknown field',
      'fleet.yaml:2:18: credentials.0.accessKeyId: must be a non-empty string',
    ]);
  });

  it('locates problems in JSON too (JSON is read fast, and positioned only when something is wrong)', () => {
    const text = JSON.stringify(
      { instances: [{ InstanceId: 'i-1', Region: 'cn-beijing', Status: 'ASLEEP' }] },
      null,
      2,
    );
    expect(issuesOf(() => parseFleet(text, 'fleet.json'))).toEqual([
      expect.stringMatching(/^fleet\.json:6:17: instances\.0\.Status: must be one of CREATING, RUNNING/),
    ]);
  });

  it('reports a syntax error where it is', () => {
    const [issue] = issuesOf(() => parseFleet('instances:\n  - {InstanceId: i-1\n', 'broken.yaml'));
    expect(issue).toMatch(/^broken\.yaml:3:1: /);
  });

  it('says what shape it expects when there is no instance list', () => {
    expect(issuesOf(() => parseFleet('machines: []', 'f.yaml'))).toEqual([
      'f.yaml:1:1: expected `instances:` (a list), or a DescribeInstances answer with Result.Instances',
    ]);
    expect(issuesOf(() => parseFleet('instances: {}', 'f.yaml'))).toEqual([
      'f.yaml:1:12: instances: must be a list of instances',
    ]);
  });

  it('refuses empty credentials', () => {
    expect(issuesOf(() => parseFleet('credentials: []\ninstances: []', 'f.yaml'))).toEqual([
      'f.yaml:1:14: credentials: must be a non-empty list of {accessKeyId, secretKey}',
    ]);
  });
});

describe('validateFleet', () => {
  it('checks a fleet built in code, pointing at 1:1', () => {
    expect(issuesOf(() => validateFleet({ instances: [{ InstanceId: 'i-1' }] }))).toEqual([
      '<fleet>:1:1: instances.0: Region must be a non-empty string (add Region to the instance)',
    ]);
  });
});

describe('loadFleet', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lights-out-fleet-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads a JSON file', async () => {
    const path = join(dir, 'fleet.json');
    await writeFile(path, JSON.stringify({ instances: [{ InstanceId: 'i-1', Region: 'cn-beijing' }] }));
    expect((await loadFleet(path)).instances).toHaveLength(1);
  });

  it('reports a missing file as a ConfigError naming it', async () => {
    const path = join(dir, 'missing.yaml');
    await expect(loadFleet(path)).rejects.toThrow(ConfigError);
    await expect(loadFleet(path)).rejects.toThrow(`${path}:1:1: no such file`);
  });
});

describe('fleet files: misspelt fields the emulator reads', () => {
  it('warns with the suggestion and a position, keeps the field, and accepts captured extra fields silently', () => {
    const fleet = parseFleet(
      [
        'instances:',
        '  - InstanceId: i-1',
        '    Region: cn-beijing',
        '    Staus: STOPPED',
        '    Cpus: 4',
        '    OsName: Ubuntu',
        '    VpcId: vpc-1',
        '    ImageId: image-1',
        '',
      ].join('\n'),
      'f.yaml',
    );
    expect(fleet.warnings).toEqual([
      "f.yaml:4:12: warning: instances.0.Staus: unknown field, kept as it is (did you mean 'Status'?)",
    ]);
    expect(fleet.instances[0]).toMatchObject({ Status: 'RUNNING', Staus: 'STOPPED', Cpus: 4 });
  });

  it('has no warnings for a clean fleet', () => {
    expect(
      parseFleet('instances:\n  - {InstanceId: i-1, Region: cn-beijing, Status: RUNNING}\n').warnings,
    ).toBeUndefined();
  });
});
