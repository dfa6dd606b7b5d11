import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createEcsClient } from '../../../lib/volc/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

let child: ChildProcess | undefined;

afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

function firstLine(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffered += chunk;
      const end = buffered.indexOf('\n');
      if (end >= 0) resolve(buffered.slice(0, end));
    });
    stream.on('end', () => reject(new Error(`stdout ended before a line: ${JSON.stringify(buffered)}`)));
  });
}

describe('node bin/lights-out.js emulator', () => {
  it('starts a 1000-instance emulator, prints its JSON line, answers DescribeInstances, and exits 0 on SIGTERM', async () => {
    const started = spawn(
      process.execPath,
      ['bin/lights-out.js', 'emulator', '--generate', '1000', '--seed', '1'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child = started;
    const line = JSON.parse(await firstLine(started.stdout!)) as {
      url: string;
      accessKeyId: string;
      secretKey: string;
    };
    expect(line.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const client = createEcsClient({
      region: 'cn-beijing',
      credentials: { accessKeyId: line.accessKeyId, secretKey: line.secretKey },
      endpoint: line.url,
    });
    const first = await client.describeInstancesPage({}, { maxResults: 100 });
    expect(first.instances).toHaveLength(100);
    // 1000 instances filled into four regions in turn.
    expect(first.totalCount).toBe(250);
    let count = 0;
    for await (const _ of client.describeInstances({})) count += 1;
    expect(count).toBe(250);
    await client.close();
    const exited = once(started, 'exit');
    started.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
  }, 30_000);
});
