import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../../lib/cli/io.js';
import { main } from '../../../lib/cli/main.js';
import { DEFAULT_CREDENTIALS } from '../../../lib/emulator/index.js';
import { createEcsClient, type Instance } from '../../../lib/volc/index.js';

interface FakeIo extends CliIo {
  out: string[];
  err: string[];
  stop(): void;
}

function fakeIo(): FakeIo {
  const controller = new AbortController();
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stop: () => controller.abort(),
    stdout: { write: (chunk: string) => out.push(chunk) },
    stderr: { write: (chunk: string) => err.push(chunk) },
    env: {},
    isTTY: false,
    signal: controller.signal,
    now: () => new Date(),
  };
}

/** Starts `lights-out emulator ...args` in-process and waits for its JSON line. */
async function runEmulator(args: string[]) {
  const io = fakeIo();
  const exit = main(['emulator', ...args], io);
  await expect.poll(() => io.out.length, { timeout: 5000 }).toBe(1);
  const line = JSON.parse(io.out[0]!) as { url: string; accessKeyId: string; secretKey: string };
  const client = createEcsClient({
    region: 'cn-beijing',
    credentials: { accessKeyId: line.accessKeyId, secretKey: line.secretKey },
    endpoint: line.url,
  });
  const finish = async () => {
    await client.close();
    io.stop();
    return exit;
  };
  return { io, line, client, finish };
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lights-out-cli-emulator-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('lights-out emulator', () => {
  it('prints exactly one JSON line with url, accessKeyId and secretKey, serves the generated fleet, and exits 0 on abort', async () => {
    const run = await runEmulator(['--generate', '50', '--seed', '2']);
    expect(Object.keys(run.line)).toEqual(['url', 'accessKeyId', 'secretKey']);
    expect(run.line.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(run.line).toMatchObject(DEFAULT_CREDENTIALS);
    expect(run.io.out[0]!.endsWith('}\n')).toBe(true);
    const all: Instance[] = [];
    for await (const instance of run.client.describeInstances({})) all.push(instance);
    // 50 instances over four regions, filled in turn: 13 in cn-beijing.
    expect(all).toHaveLength(13);
    expect(run.io.err.join('')).toContain('50 instances in 4 regions');
    expect(await run.finish()).toBe(0);
    expect(run.io.out).toHaveLength(1);
  });

  it('serves a fleet file, with its credentials', async () => {
    const path = join(dir, 'fleet.yaml');
    await writeFile(
      path,
      'credentials: [{accessKeyId: AKLTfile, secretKey: ZmlsZQ==}]\ninstances:\n  - {InstanceId: i-file, Region: cn-beijing}\n',
    );
    const run = await runEmulator(['--fleet', path]);
    expect(run.line).toMatchObject({ accessKeyId: 'AKLTfile', secretKey: 'ZmlsZQ==' });
    expect((await run.client.describeInstancesPage({})).instances.map((i) => i.InstanceId)).toEqual([
      'i-file',
    ]);
    expect(await run.finish()).toBe(0);
  });

  it('applies --qps and --faults', async () => {
    const path = join(dir, 'faults.yaml');
    await writeFile(path, 'flowLimitPerInstance: 1\nqps: 100\n');
    const run = await runEmulator(['--qps', '1', '--faults', path]);
    const [first] = (await run.client.describeInstancesPage({}, { maxResults: 1 })).instances;
    const stop = await run.client.stopInstances({ instanceIds: [first!.InstanceId] });
    expect(stop.operationDetails[0]?.Error?.Code).toBe('FlowLimitExceeded');
    await expect(run.client.describeInstancesPage({})).rejects.toMatchObject({
      code: 'FlowLimitExceeded',
      httpStatus: 429,
    });
    expect(await run.finish()).toBe(0);
  });

  it('listens on the port it is given', async () => {
    const probe = await runEmulator([]);
    const port = Number(new URL(probe.line.url).port);
    await probe.finish();
    const run = await runEmulator(['--port', String(port)]);
    expect(run.line.url).toBe(`http://127.0.0.1:${port}`);
    expect(await run.finish()).toBe(0);
  });

  it.each([
    [['--fleet', 'f.yaml', '--generate', '5'], '--fleet cannot be combined'],
    [['--port', 'eighty'], '--port must be a whole number'],
    [['--port', '70000'], '--port must be a whole number'],
    [['--generate=-5'], '--generate must be a whole number'],
    [['--qps', 'fast'], '--qps must be a number'],
    [['--verbose'], "Unknown option '--verbose'"],
  ])('exits 2 on bad usage: %j', async (args, message) => {
    const io = fakeIo();
    expect(await main(['emulator', ...args], io)).toBe(2);
    expect(io.err.join('')).toContain(message);
    expect(io.out).toEqual([]);
  });

  it('exits 2 naming the port when it is in use', async () => {
    const running = await runEmulator([]);
    const port = Number(new URL(running.line.url).port);
    const io = fakeIo();
    expect(await main(['emulator', '--port', String(port)], io)).toBe(2);
    expect(io.err.join('')).toBe(
      `lights-out emulator: port ${port} on 127.0.0.1 is already in use (another emulator?); choose another --port, or 0 for a free one\n`,
    );
    expect(io.out).toEqual([]);
    expect(await running.finish()).toBe(0);
  });

  it('exits 2 with one located line for a missing fleet file', async () => {
    const path = join(dir, 'missing.yaml');
    const io = fakeIo();
    expect(await main(['emulator', '--fleet', path], io)).toBe(2);
    expect(io.err.join('')).toBe(`${path}:1:1: no such file\n`);
  });

  it('exits 2 with file:line:column for an invalid fleet file', async () => {
    const path = join(dir, 'bad-fleet.yaml');
    await writeFile(path, 'instances:\n  - InstanceId: i-1\n    Region: cn-beijing\n    Status: ASLEEP\n');
    const io = fakeIo();
    expect(await main(['emulator', '--fleet', path], io)).toBe(2);
    expect(io.err.join('')).toContain(`${path}:4:13: instances.0.Status: must be one of`);
  });

  it('prints its usage with --help', async () => {
    const io = fakeIo();
    expect(await main(['emulator', '--help'], io)).toBe(0);
    expect(io.out.join('')).toContain('Usage: lights-out emulator [--port N]');
  });
});
