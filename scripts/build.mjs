// Bundles the CLI and each cloud handler into one ESM file apiece under dist/, with source maps.
// The bundles need no node_modules at run time, which is what the function package ships.
import { existsSync, readdirSync } from 'node:fs';
import { build } from 'esbuild';

const entryPoints = { cli: 'lib/cli/main.ts' };
for (const name of existsSync('functions') ? readdirSync('functions') : []) {
  if (name.endsWith('.ts')) entryPoints[name.slice(0, -3)] = `functions/${name}`;
}

await build({
  entryPoints,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
  // Some dependencies are CommonJS and call require(); give the ESM bundle one.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
});
