import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configJsonSchema, configJsonSchemaText, JSON_SCHEMA_PATH } from '../../../scripts/json-schema.js';

const SCHEMA_LINE = /^# yaml-language-server: \$schema=(\S+)\n/;

/** The reference configuration and every configuration the demo and the tests ship as valid. */
const CONFIGS = [
  'schedules/lights-out.yaml',
  ...['test/fixtures/config/valid', 'test/fixtures/schedule'].flatMap((dir) =>
    readdirSync(dir)
      .filter((name) => name.endsWith('.yaml'))
      .map((name) => join(dir, name)),
  ),
];

// A real JSON Schema validator, as an editor's would be: strict, so an unknown keyword fails too. Only
// strictRequired is off: a schedule's `anyOf: [{ required: [stop] }, { required: [start] }]` names properties
// its enclosing schema declares, which is plain JSON Schema.
const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(
  configJsonSchema(),
);
const parseYaml = (text: string) => parse(text, { schema: 'core', resolveKnownTags: false });

describe('the shipped JSON Schema', () => {
  it('is what the configuration schema generates', () => {
    const shipped = readFileSync(JSON_SCHEMA_PATH, 'utf8');
    const message = `${JSON_SCHEMA_PATH} is out of date: run \`npm run schema\` and commit the result`;
    expect(shipped === configJsonSchemaText(), message).toBe(true);
  });

  it.each(CONFIGS)('accepts %s, which names it on its first line', (file) => {
    const text = readFileSync(file, 'utf8');
    const line = SCHEMA_LINE.exec(text);
    expect(line, `${file} starts with # yaml-language-server: $schema=...`).not.toBeNull();
    expect(resolve(dirname(file), line![1]!)).toBe(resolve(JSON_SCHEMA_PATH));
    expect(validate(parseYaml(text)), JSON.stringify(validate.errors)).toBe(true);
  });

  const head = 'version: 1\nregions: [cn-beijing]\n';
  const nightly = 'schedules:\n  nightly:\n    stop: "0 22 * * *"\n';
  it.each([
    ['an unknown top-level key', `${head}regoins: [cn-beijing]\n${nightly}`, 'additionalProperties'],
    ['a misspelt stopped mode', `${head}defaults: { stoppedMode: stopcharging }\n${nightly}`, 'enum'],
    ['no schedules', head, 'required'],
    ['a qps written as a string', `${head}rateLimit: { qps: "10" }\n${nightly}`, 'type'],
    ['a schedule name with capitals', `${head}schedules:\n  Nightly: { stop: "0 22 * * *" }\n`, 'pattern'],
    [
      'an unknown key in a schedule',
      `${head}schedules:\n  nightly: { stop: "0 22 * * *", stopp: x }\n`,
      'additionalProperties',
    ],
    [
      'a schedule with neither stop nor start',
      `${head}schedules:\n  nightly: { timezone: UTC }\n`,
      'required',
    ],
    ['an empty schedules section', `${head}schedules:\n`, 'type'],
    ['a notify target without urlEnv', `${head}${nightly}notify:\n  - { type: slack }\n`, 'required'],
  ])('refuses %s', (_name, text, keyword) => {
    expect(validate(parseYaml(text))).toBe(false);
    expect(validate.errors?.map((error) => error.keyword)).toContain(keyword);
  });
});
