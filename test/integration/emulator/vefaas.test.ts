/**
 * The emulator's veFaaS side as a client meets it: the same signature checks as ECS (service vefaas, the body
 * hash signed), functions and timers kept, releases that take a moment, and the documented refusals.
 */
import { zipSync } from 'fflate';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmulatorHandle, startEmulator } from '../../../lib/emulator/index.js';
import { VolcApiError } from '../../../lib/errors.js';
import {
  createVefaasClient,
  type FunctionSpec,
  signRequest,
  type VefaasClient,
} from '../../../lib/volc/index.js';

let emulator: EmulatorHandle;
let faas: VefaasClient;
let nowMs = Date.parse('2026-03-09T12:00:00Z');

function spec(files: Record<string, string>, runtime = 'node20/v1'): FunctionSpec {
  const zip = zipSync(
    Object.fromEntries(Object.entries(files).map(([k, v]) => [k, new TextEncoder().encode(v)])),
  );
  return {
    Name: `fn-${Math.random().toString(36).slice(2, 8)}`,
    Runtime: runtime,
    Description: 'test',
    Source: Buffer.from(zip).toString('base64'),
    SourceType: 'zip',
    Envs: [{ Key: 'A', Value: 'b' }],
    MemoryMB: 256,
    RequestTimeout: 60,
  };
}

async function refusal(promise: Promise<unknown>): Promise<VolcApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VolcApiError);
  return error as VolcApiError;
}

beforeAll(async () => {
  emulator = await startEmulator({ now: () => nowMs, releaseMs: 5_000 });
  faas = createVefaasClient({
    region: 'cn-beijing',
    credentials: emulator.credentials,
    endpoint: emulator.url,
    now: () => new Date(nowMs),
  });
});

afterAll(async () => {
  await faas?.close();
  await emulator?.close();
});

describe('the emulated veFaaS control plane', () => {
  it('keeps a function and its timer, and releases after a moment on its clock', async () => {
    const created = await faas.createFunction(spec({ 'index.js': 'exports.handler = async () => 1;' }));
    expect(await faas.findFunctions(created.Name)).toEqual([expect.objectContaining({ Id: created.Id })]);
    expect(await faas.getFunction(created.Id)).toMatchObject({ Runtime: 'node20/v1', MemoryMB: 256 });
    const timer = await faas.createTimer(created.Id, {
      Name: 't',
      Crontab: '*/5 * * * *',
      Payload: '{}',
      Enabled: true,
      Description: '',
      Retries: 2,
      EnableConcurrency: false,
    });
    expect(await faas.listTriggers(created.Id)).toEqual([
      expect.objectContaining({ Id: timer.Id, Type: 'timer' }),
    ]);
    expect((await faas.getReleaseStatus(created.Id)).Status).toBe('NotReleased');
    await faas.release(created.Id);
    expect((await faas.getReleaseStatus(created.Id)).Status).toBe('InProgress');
    nowMs += 5_000;
    expect((await faas.getReleaseStatus(created.Id)).Status).toBe('Succeeded');
  });

  it('fails the release of node20/v1 code without index.js at the root of the zip', async () => {
    const created = await faas.createFunction(spec({ 'dist/stop.js': 'export const handler = 1;' }));
    await faas.release(created.Id);
    nowMs += 5_000;
    const status = await faas.getReleaseStatus(created.Id);
    expect(status.Status).toBe('Failed');
    expect(status.ErrorMessage).toContain('index.js');
  });

  it('answers 404 ResourceNotFound for a function that does not exist (or lives in another region)', async () => {
    const missing = await refusal(faas.getFunction('nope'));
    expect(missing).toMatchObject({ code: 'ResourceNotFound', httpStatus: 404, retryable: false });
    const created = await faas.createFunction(spec({ 'index.js': '' }));
    const other = createVefaasClient({
      region: 'cn-shanghai',
      credentials: emulator.credentials,
      endpoint: emulator.url,
      now: () => new Date(nowMs),
    });
    try {
      expect((await refusal(other.release(created.Id))).code).toBe('ResourceNotFound');
    } finally {
      await other.close();
    }
  });

  it('answers 400 InvalidParameter for a runtime it does not have, or a bad crontab', async () => {
    const runtime = await refusal(faas.createFunction(spec({ 'index.js': '' }, 'node99/v1')));
    expect(runtime).toMatchObject({ code: 'InvalidParameter', httpStatus: 400 });
    expect(runtime.message).toContain('node99/v1');
    const created = await faas.createFunction(spec({ 'index.js': '' }));
    const crontab = await refusal(
      faas.createTimer(created.Id, {
        Name: 't',
        Crontab: '*/5 * * *',
        Payload: '',
        Enabled: true,
        Description: '',
        Retries: 0,
        EnableConcurrency: false,
      }),
    );
    expect(crontab.code).toBe('InvalidParameter');
  });
});

describe('veFaaS signatures, checked as ECS ones are', () => {
  async function send(options: { body: string; sent?: string; service?: string }) {
    const url = new URL(emulator.url);
    const query: [string, string][] = [
      ['Action', 'ListFunctions'],
      ['Version', '2024-06-06'],
    ];
    const headers = signRequest({
      method: 'POST',
      host: url.host,
      query,
      body: options.body,
      extraHeaders: { 'content-type': 'application/json' },
      credentials: emulator.credentials,
      region: 'cn-beijing',
      service: options.service ?? 'vefaas',
      now: new Date(nowMs),
    });
    const response = await request(`${emulator.url}/?Action=ListFunctions&Version=2024-06-06`, {
      method: 'POST',
      headers,
      body: options.sent ?? options.body,
    });
    return {
      status: response.statusCode,
      json: (await response.body.json()) as {
        ResponseMetadata: { Service: string; Error?: { Code: string } };
      },
    };
  }

  it('accepts a correctly signed POST', async () => {
    const { status, json } = await send({ body: '{"PageNumber":1,"PageSize":10}' });
    expect(status).toBe(200);
    expect(json.ResponseMetadata.Service).toBe('vefaas');
  });

  it('refuses a body changed after signing (the body hash is signed)', async () => {
    const { status, json } = await send({ body: '{"PageNumber":1}', sent: '{"PageNumber":2}' });
    expect(status).toBe(401);
    expect(json.ResponseMetadata.Error?.Code).toBe('SignatureDoesNotMatch');
  });

  it('refuses a veFaaS action signed for the ecs service', async () => {
    const { status, json } = await send({ body: '{}', service: 'ecs' });
    expect(status).toBe(401);
    expect(json.ResponseMetadata.Error?.Code).toBe('SignatureDoesNotMatch');
  });
});
