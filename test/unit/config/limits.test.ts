import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, MAX_CONFIG_BYTES, parseConfig } from '../../../lib/config/index.js';
import { MAX_ALIAS_COUNT } from '../../../lib/config/nodes.js';
import { ConfigError, formatConfigIssue } from '../../../lib/errors.js';
import { issuesOf } from './issues.js';

const VALID = 'version: 1\nregions: [cn-beijing]\nschedules:\n  nightly:\n    stop: "30 23 * * *"\n';

/** A valid file padded with a trailing comment to exactly `bytes` bytes. */
function paddedTo(bytes: number): string {
  const filler = bytes - VALID.length - 2;
  return `${VALID}#${'x'.repeat(filler)}\n`;
}

describe('file size limit', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lights-out-config-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts a file of exactly 1 MiB', () => {
    const text = paddedTo(MAX_CONFIG_BYTES);
    expect(Buffer.byteLength(text)).toBe(MAX_CONFIG_BYTES);
    expect(parseConfig(text, 'c.yaml').schedules).toHaveLength(1);
  });

  it('refuses text over 1 MiB with one issue at 1:1', () => {
    expect(issuesOf(paddedTo(MAX_CONFIG_BYTES + 1))).toEqual([
      'c.yaml:1:1: the file is 1048577 bytes; configuration files are limited to 1048576 bytes (1 MiB)',
    ]);
  });

  it('counts bytes, not characters', () => {
    const text = `${VALID}# ${'é'.repeat(MAX_CONFIG_BYTES / 2)}\n`;
    expect(text.length).toBeLessThan(MAX_CONFIG_BYTES);
    expect(issuesOf(text)).toHaveLength(1);
    expect(issuesOf(text)[0]).toMatch(/^c\.yaml:1:1: the file is \d+ bytes; configuration files are limited/);
  });

  it('refuses a huge file on disk before reading it', async () => {
    const file = join(dir, 'huge.yaml');
    await writeFile(file, paddedTo(3 * MAX_CONFIG_BYTES));
    const error = await loadConfig(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map(formatConfigIssue)).toEqual([
      `${file}:1:1: the file is ${3 * MAX_CONFIG_BYTES} bytes; configuration files are limited to 1048576 bytes (1 MiB)`,
    ]);
  });
});

describe('aliases', () => {
  /** The "billion laughs": ten levels, each a list of ten aliases to the level below. */
  function laughs(levels: number): string[] {
    const lines = ['l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < levels; i++) {
      lines.push(`l${i}: &l${i} [${Array.from({ length: 10 }, () => `*l${i - 1}`).join(', ')}]`);
    }
    return lines;
  }

  it('answers a billion-laughs file under unknown keys without expanding it', () => {
    const issues = issuesOf(`${laughs(10).join('\n')}\n`);
    expect(issues).toHaveLength(10 + 3);
    expect(issues.slice(0, 4)).toEqual([
      expect.stringMatching(/^c\.yaml:1:1: unknown key 'l0'/),
      "c.yaml:1:1: missing required key 'version'",
      "c.yaml:1:1: missing required key 'regions'",
      "c.yaml:1:1: missing required key 'schedules'",
    ]);
  });

  it('answers a billion-laughs file referenced by a known key without expanding it', () => {
    const text = `${['version: 1', ...laughs(10), 'regions: *l9', 'schedules:', '  a: { stop: "0 1 * * *" }'].join('\n')}\n`;
    // regions' ten items all alias one list (line 10): one issue, reported once, and nothing expanded further.
    const issues = issuesOf(text);
    expect(issues).toHaveLength(10 + 1);
    expect(issues.filter((issue) => !issue.includes('unknown key'))).toEqual([
      'c.yaml:10:9: expected a string, got a list',
    ]);
  });

  it(`refuses a file that follows more than ${MAX_ALIAS_COUNT} aliases`, () => {
    const schedules = Array.from({ length: MAX_ALIAS_COUNT + 1 }, (_, i) => `  s${i}: *body`);
    const text = `${['version: 1', 'regions: [cn-beijing]', 'x: &body { stop: "0 1 * * *" }', 'schedules:', ...schedules].join('\n')}\n`;
    const issues = issuesOf(text);
    expect(issues.filter((issue) => issue.includes('alias'))).toEqual([
      `c.yaml:${5 + MAX_ALIAS_COUNT}:9: more than ${MAX_ALIAS_COUNT} alias expansions: refusing a possible alias bomb (or an alias inside its own anchor)`,
    ]);
  });

  it(`accepts ${MAX_ALIAS_COUNT} aliases`, () => {
    const schedules = Array.from({ length: MAX_ALIAS_COUNT }, (_, i) => `  s${i}: *body`);
    const text = `${['version: 1', 'regions: [cn-beijing]', 'schedules:', '  body: &body { stop: "0 1 * * *" }', ...schedules].join('\n')}\n`;
    expect(parseConfig(text, 'c.yaml').schedules).toHaveLength(MAX_ALIAS_COUNT + 1);
  });
});
