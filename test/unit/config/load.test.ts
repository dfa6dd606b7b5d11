import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, resolveConfigPath } from '../../../lib/config/index.js';
import { ConfigError, formatConfigIssue } from '../../../lib/errors.js';

async function issuesOf(file: string): Promise<string[]> {
  const error = await loadConfig(file).catch((e: unknown) => e);
  if (!(error instanceof ConfigError)) throw new Error(`expected a ConfigError, got ${String(error)}`);
  return error.issues.map(formatConfigIssue);
}

describe('resolveConfigPath', () => {
  it.each<[string, string | undefined, NodeJS.ProcessEnv, string]>([
    ['the flag over everything', 'a.yaml', { LIGHTS_OUT_CONFIG: 'b.yaml' }, 'a.yaml'],
    ['the environment without a flag', undefined, { LIGHTS_OUT_CONFIG: 'b.yaml' }, 'b.yaml'],
    ['the default without either', undefined, {}, 'schedules/lights-out.yaml'],
    ['the environment when the flag is empty', '', { LIGHTS_OUT_CONFIG: 'b.yaml' }, 'b.yaml'],
    [
      'the default when the environment is empty',
      undefined,
      { LIGHTS_OUT_CONFIG: '' },
      'schedules/lights-out.yaml',
    ],
  ])('takes %s', (_name, flag, env, expected) => {
    expect(resolveConfigPath(flag, env)).toBe(expected);
  });
});

describe('loadConfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lights-out-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a valid file and records where it came from', async () => {
    const file = join(dir, 'ok.yaml');
    await writeFile(
      file,
      'version: 1\nregions: [cn-beijing]\nschedules:\n  nightly:\n    stop: "30 23 * * *"\n',
    );
    const config = await loadConfig(file);
    expect(config.file).toBe(file);
    expect(config.schedules[0]!.location).toEqual({ file, line: 4, column: 3 });
  });

  it('reports a missing file at 1:1', async () => {
    const file = join(dir, 'missing.yaml');
    expect(await issuesOf(file)).toEqual([`${file}:1:1: cannot read the configuration: file not found`]);
  });

  it('reports a directory at 1:1', async () => {
    expect(await issuesOf(dir)).toEqual([`${dir}:1:1: cannot read the configuration: not a regular file`]);
  });

  it('reports the issues of an invalid file with its path', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(
      file,
      'version: 1\nregions: [cn-beijing]\nschedules:\n  nightly:\n    stop: "30 23 * *"\n',
    );
    const issues = await issuesOf(file);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.startsWith(`${file}:5:11: invalid cron expression '30 23 * *': `)).toBe(true);
  });
});
