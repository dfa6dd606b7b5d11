/**
 * `npm run package` as CI and a deployer run it: the bundle is built and osls packages it offline, with no AWS
 * credentials. The test works on a copy of the project (sources linked, outputs its own) so that it never
 * rewrites the checkout's dist/ under other tests, then checks the CloudFormation template, the zip, and that
 * the handler unpacked from the zip runs on its own against the emulator.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../lib/config/index.js';
import { awsScheduleExpression } from '../../../lib/deploy/index.js';
import { type EmulatorHandle, generateFleet, startEmulator } from '../../../lib/emulator/index.js';
import type { RunSummary } from '../../../lib/stop/types.js';
import { readZip, type ZipEntry } from './zip.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../../..');
const LINKED = ['lib', 'functions', 'scripts', 'node_modules', 'tsconfig.json'];
const COPIED = ['package.json', 'serverless.yml', 'schedules', 'bin'];
const MAX_BUNDLE_BYTES = 1024 * 1024;

interface CfnResource {
  Type: string;
  Properties: Record<string, unknown>;
}

let workspace: string;
let resources: CfnResource[];
let entries: ZipEntry[];

/** The environment of a machine without AWS credentials or configuration. */
function offlineEnv(home: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
  return {
    ...env,
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'none'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'none'),
  };
}

function ofType(type: string): CfnResource[] {
  return resources.filter((r) => r.Type === type);
}

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'lights-out-package-'));
  for (const name of LINKED) await symlink(join(ROOT, name), join(workspace, name));
  for (const name of COPIED) await cp(join(ROOT, name), join(workspace, name), { recursive: true });
  await mkdir(join(workspace, 'home'));
  await run('npm', ['run', 'package'], {
    cwd: workspace,
    env: offlineEnv(join(workspace, 'home')),
    timeout: 240_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const template = JSON.parse(
    await readFile(join(workspace, '.serverless/cloudformation-template-update-stack.json'), 'utf8'),
  ) as { Resources: Record<string, CfnResource> };
  resources = Object.values(template.Resources);
  entries = readZip(await readFile(join(workspace, '.serverless/lights-out.zip')));
}, 300_000);

afterAll(async () => {
  if (workspace) await rm(workspace, { recursive: true, force: true });
});

describe('npm run package: the CloudFormation template', () => {
  it('has one function on nodejs22.x whose handler is the bundle', () => {
    const functions = ofType('AWS::Lambda::Function');
    expect(functions).toHaveLength(1);
    expect(functions[0]!.Properties).toMatchObject({
      Handler: 'dist/stop.handler',
      Runtime: 'nodejs22.x',
      Timeout: 900,
      MemorySize: 512,
    });
  });

  it("fires the function on a schedule rule at the configuration's tick, with the ScheduledEvent itself", async () => {
    const config = await loadConfig(join(ROOT, 'schedules/lights-out.yaml'));
    const rules = ofType('AWS::Events::Rule');
    expect(rules).toHaveLength(1);
    const rule = rules[0]!.Properties as { ScheduleExpression: string; State: string; Targets: object[] };
    // On the tick grid, in UTC (a rate would count from the rule's creation).
    expect(rule.ScheduleExpression).toBe('cron(0/5 * * * ? *)');
    expect(rule.ScheduleExpression).toBe(awsScheduleExpression(config.tickMs));
    expect(rule.State).toBe('ENABLED');
    expect(rule.Targets).toHaveLength(1);
    // A constant `Input` would replace the event, and with it the scheduled `time` the run plans from.
    expect(rule.Targets[0]).not.toHaveProperty('Input');
    expect(JSON.stringify(rule.Targets[0])).toContain('StopLambdaFunction');
  });

  it('takes the Volcengine credentials from a secret store at deploy time, never from the repository', () => {
    const variables = (
      ofType('AWS::Lambda::Function')[0]!.Properties.Environment as {
        Variables: Record<string, string>;
      }
    ).Variables;
    expect(variables.VOLC_ACCESSKEY).toMatch(
      /^\{\{resolve:secretsmanager:[^}]+:SecretString:accessKeyId\}\}$/,
    );
    expect(variables.VOLC_SECRETKEY).toMatch(/^\{\{resolve:secretsmanager:[^}]+:SecretString:secretKey\}\}$/);
    expect(variables).toMatchObject({
      LIGHTS_OUT_CONFIG: 'schedules/lights-out.yaml',
      NODE_OPTIONS: '--enable-source-maps',
    });
  });

  it('gives the function role nothing but its logs', () => {
    const roles = ofType('AWS::IAM::Role');
    expect(roles).toHaveLength(1);
    const policies = roles[0]!.Properties.Policies as {
      PolicyDocument: { Statement: { Action: string[] }[] };
    }[];
    const actions = policies.flatMap((p) => p.PolicyDocument.Statement.flatMap((s) => s.Action));
    expect(actions.length).toBeGreaterThan(0);
    for (const action of actions) expect(action).toMatch(/^logs:/);
  });
});

describe('npm run package: the zip', () => {
  it('holds the bundle and the configuration, and no node_modules', () => {
    const names = entries.map((e) => e.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'dist/stop.js',
        'dist/stop.js.map',
        'dist/package.json',
        'schedules/lights-out.yaml',
      ]),
    );
    for (const name of names)
      expect(name).toMatch(
        /^(dist\/stop\.js(\.map)?|dist\/stop-lib\/[\w-]+\.js(\.map)?|dist\/package\.json|schedules\/[^/]+\.yaml)$/,
      );
    // The chunks the handler imports lazily travel with it: undici's, the configuration's, notifications'.
    expect(names.some((n) => /^dist\/stop-lib\/undici-[\w-]+\.js$/.test(n))).toBe(true);
    expect(names.some((n) => /^dist\/stop-lib\/config-[\w-]+\.js$/.test(n))).toBe(true);
    expect(names.some((n) => /^dist\/stop-lib\/notify-[\w-]+\.js$/.test(n))).toBe(true);
    expect(names.some((n) => n.includes('node_modules'))).toBe(false);
  });

  it('ships a bundle under 1 MB, its lazily imported chunks included', () => {
    const code = entries.filter((e) => /^dist\/(stop\.js|stop-lib\/.*\.js)$/.test(e.name));
    expect(code.reduce((sum, e) => sum + e.size, 0)).toBeLessThan(MAX_BUNDLE_BYTES);
    for (const entry of code) expect(entry.data()).toHaveLength(entry.size);
  });
});

describe('the packaged handler, unpacked without node_modules', () => {
  let unpacked: string;
  let emulator: EmulatorHandle;

  beforeAll(async () => {
    // Outside the workspace, whose linked node_modules module resolution would otherwise find.
    unpacked = await mkdtemp(join(tmpdir(), 'lights-out-unpacked-'));
    for (let dir = unpacked; dir !== dirname(dir); dir = dirname(dir)) {
      expect(existsSync(join(dir, 'node_modules')), `${dir}/node_modules`).toBe(false);
    }
    for (const entry of entries) {
      await mkdir(join(unpacked, dirname(entry.name)), { recursive: true });
      await writeFile(join(unpacked, entry.name), entry.data());
    }
    emulator = await startEmulator({
      fleet: generateFleet({ count: 60, seed: 5, regions: ['cn-beijing', 'cn-shanghai'] }),
      faults: { transitionMs: 0 },
    });
  });

  afterAll(async () => {
    await emulator?.close();
    if (unpacked) await rm(unpacked, { recursive: true, force: true });
  });

  /** Imports dist/stop.js in a fresh node process in the unpacked folder, invokes it, prints each result. */
  async function invoke(events: unknown[], env: NodeJS.ProcessEnv = {}): Promise<Record<string, unknown>[]> {
    const script = `
      const { handler } = await import('./dist/stop.js');
      const context = { awsRequestId: 'packaged', getRemainingTimeInMillis: () => 120000 };
      for (const event of ${JSON.stringify(events)}) {
        const result = await handler(event, context).then(
          (summary) => ({ summary }),
          (error) => ({ error: { name: error.name, code: error.code, message: error.message } }),
        );
        process.stdout.write(JSON.stringify({ result, handlerType: typeof handler }) + '\\n');
      }`;
    // Without syntax detection, as Lambda's loader: only dist/package.json makes the bundle an ES module.
    const args = ['--no-experimental-detect-module', '--input-type=module', '-e', script];
    const { stdout } = await run(process.execPath, args, {
      cwd: unpacked,
      env: {
        PATH: process.env.PATH,
        NODE_OPTIONS: '--enable-source-maps',
        VOLC_ACCESSKEY: emulator.credentials.accessKeyId,
        VOLC_SECRETKEY: emulator.credentials.secretKey,
        VOLC_ENDPOINT: emulator.url,
        ...env,
      },
      timeout: 60_000,
    });
    return stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  it('plans a dry run, then stops for a ScheduledEvent, reading the bundled configuration', async () => {
    const lines = await invoke([
      { schedule: 'nightly', at: '2026-03-09T15:30:00Z', dryRun: true },
      { 'detail-type': 'Scheduled Event', source: 'aws.events', time: '2026-03-09T15:30:00Z', detail: {} },
    ]);
    const results = lines.filter((l) => 'result' in l) as {
      result: { summary: RunSummary };
      handlerType: string;
    }[];
    expect(results).toHaveLength(2);
    expect(results[0]!.handlerType).toBe('function');
    const [dry, real] = results.map((r) => r.result.summary);
    expect(dry!.dryRun).toBe(true);
    expect(dry!.outcomes['dry-run']).toBeGreaterThan(0);
    // 15:30 UTC is 23:30 in Asia/Shanghai, when the reference configuration's nightly schedule fires.
    expect(real!.fires).toEqual([
      { schedule: 'nightly', fireTime: '2026-03-09T15:30:00.000Z', action: 'stop' },
    ]);
    expect(real!.outcomes.stopped).toBe(dry!.outcomes['dry-run']);
    const stoppedNow = emulator.instances().filter((i) => i.stopAccepted === 1);
    expect(stoppedNow).toHaveLength(real!.outcomes.stopped);
    expect(lines.filter((l) => l.event === 'instance.outcome')).toHaveLength(
      Object.values(dry!.outcomes).reduce((a, b) => a + b, 0) * 2,
    );
  });

  it('fails with file:line:column when LIGHTS_OUT_CONFIG names an invalid file, and calls no API', async () => {
    await writeFile(join(unpacked, 'schedules/broken.yaml'), 'version: 2\n');
    const before = emulator.calls().length;
    const [line] = (await invoke([{ dryRun: true }], { LIGHTS_OUT_CONFIG: 'schedules/broken.yaml' })).filter(
      (l) => 'result' in l,
    ) as { result: { error: { code: string; message: string } } }[];
    expect(line!.result.error.code).toBe('ConfigInvalid');
    expect(line!.result.error.message).toContain(`${join(unpacked, 'schedules/broken.yaml')}:1:`);
    expect(emulator.calls()).toHaveLength(before);
  });
});

describe('npm run package when the timer and the tick disagree', () => {
  it('fails before packaging, naming both the schedule and the tick', async () => {
    const config = join(workspace, 'schedules/lights-out.yaml');
    const text = await readFile(config, 'utf8');
    expect(text).toContain('\ntick: 5m\n');
    await writeFile(config, text.replace('\ntick: 5m\n', '\ntick: 1m\n'));
    await rm(join(workspace, '.serverless'), { recursive: true, force: true });
    const failure = await run('npm', ['run', 'package'], {
      cwd: workspace,
      env: offlineEnv(join(workspace, 'home')),
      timeout: 240_000,
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).not.toBe(0);
    expect(failure?.stderr).toMatch(
      /serverless\.yml:\d+:\d+: error: schedule cron\(0\/5 \* \* \* \? \*\) \(every 5m\) does not match tick 1m: use cron\(\* \* \* \* \? \*\)/,
    );
    expect(existsSync(join(workspace, '.serverless'))).toBe(false);
  }, 300_000);
});
