// `npm run schema`: writes schemas/lights-out.schema.json from the configuration's valibot schema
// (scripts/json-schema.ts), bundled with esbuild as the other scripts are, so no TypeScript runner is needed.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { NODE_BUNDLE } from './bundle-options.mjs';

const outfile = resolve('node_modules/.cache/lights-out/json-schema.mjs');
await build({ ...NODE_BUNDLE, sourcemap: false, entryPoints: ['scripts/json-schema.ts'], outfile });
const { configJsonSchemaText, JSON_SCHEMA_PATH } = await import(pathToFileURL(outfile).href);
writeFileSync(JSON_SCHEMA_PATH, configJsonSchemaText());
console.log(`wrote ${JSON_SCHEMA_PATH}`);
