/**
 * The JSON Schema of the configuration, generated from the valibot schema that validates it, for editors
 * (the `# yaml-language-server: $schema=...` line of a configuration). `npm run schema` writes it to
 * schemas/lights-out.schema.json; test/unit/config/json-schema.test.ts fails when the shipped file differs.
 *
 * Only what a JSON Schema can say is in it: types, keys, enums, ranges, patterns, defaults and descriptions.
 * The checks a schema cannot state (a real time zone, a cron the parser accepts, known regions, calendar
 * references) are the loader's: `lights-out validate` runs them.
 */
import { toJsonSchema } from '@valibot/to-json-schema';
import { configSchema } from '../lib/config/index.js';

/** Where the schema is shipped, relative to the repository root. */
export const JSON_SCHEMA_PATH = 'schemas/lights-out.schema.json';

type Json = { [key: string]: unknown };

/** `additionalProperties: { not: {} }` (valibot's never) as the `false` editors understand best. */
function tidy(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(tidy);
  if (typeof node !== 'object' || node === null) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    const never = key === 'additionalProperties' && JSON.stringify(value) === '{"not":{}}';
    out[key] = never ? false : tidy(value);
  }
  return out;
}

/**
 * What the valibot schema checks in code and a JSON Schema can state: `schedules` holds at least one schedule
 * (a mapping, not an empty value), and each schedule has `stop`, `start` or both.
 */
function stateScheduleRules(schema: Json): void {
  const properties = schema.properties as Json;
  const { anyOf, ...about } = properties.schedules as { anyOf: Json[] };
  const schedules = anyOf[0]!;
  const body = ((schedules.additionalProperties as Json).anyOf as Json[])[0]!;
  body.anyOf = [{ required: ['stop'] }, { required: ['start'] }];
  properties.schedules = { ...schedules, minProperties: 1, additionalProperties: body, ...about };
}

/** The JSON Schema (draft-07) of a lights-out configuration file. */
export function configJsonSchema(): Json {
  // The root is never empty (the loader says so before the schema runs), so it is the mapping alone.
  const generated = toJsonSchema(configSchema.wrapped, { errorMode: 'ignore' }) as Json;
  const { $schema, ...rest } = tidy(generated) as Json;
  stateScheduleRules(rest);
  return { $schema, title: 'lights-out configuration', ...rest };
}

/** The file's text: the schema with two-space indents and a final newline. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
