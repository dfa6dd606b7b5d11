#!/usr/bin/env node
// The `lights-out` command. It runs the bundle that `npm ci` builds (the `prepare` script).
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write('lights-out: dist/cli.js is missing; run `npm run build` (npm ci runs it for you).\n');
  process.exit(2);
}
const { main } = await import(bundle.href);
process.exitCode = await main(process.argv.slice(2));
