import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../lib/config/index.js';
import { ConfigError, formatConfigIssue } from '../../../lib/errors.js';

const root = 'test/fixtures/config';
const yamlFiles = (dir: string) =>
  readdirSync(join(root, dir))
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => join(root, dir, name));

/** The `# expect: LINE:COLUMN: message` comments of a fixture, as full issue lines. */
function expectations(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('# expect: '))
    .map((line) => `${file}:${line.slice('# expect: '.length)}`);
}

async function issuesOf(file: string): Promise<string[]> {
  try {
    await loadConfig(file);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map(formatConfigIssue);
    throw error;
  }
  throw new Error(`${file} loaded without an issue`);
}

describe('configuration fixtures', () => {
  it.each(yamlFiles('valid'))('%s is valid', async (file) => {
    const config = await loadConfig(file);
    expect(config.file).toBe(file);
    expect(config.schedules.length).toBeGreaterThan(0);
  });

  it.each(yamlFiles('invalid'))('%s yields exactly its expected issues', async (file) => {
    const expected = expectations(file);
    expect(expected.length).toBeGreaterThan(0);
    const actual = await issuesOf(file);
    expect(actual).toHaveLength(expected.length);
    expected.forEach((line, index) => {
      if (line.endsWith('...')) expect(actual[index]!.startsWith(line.slice(0, -3))).toBe(true);
      else expect(actual[index]).toBe(line);
    });
  });

  it('never puts a credential value from the credential fixtures into a message', async () => {
    for (const file of [
      join(root, 'invalid/credentials.yaml'),
      join(root, 'invalid/endpoint-credentials.yaml'),
    ]) {
      const error = await loadConfig(file).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).not.toMatch(/fixture-|AKLT/);
    }
  });
});
