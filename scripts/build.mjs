// Bundles the CLI and each cloud handler into one ESM file apiece under dist/, with source maps.
// The bundles need no node_modules at run time, which is what the function package ships.
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { HANDLER_BUNDLE, NODE_BUNDLE } from './bundle-options.mjs';

const common = { ...NODE_BUNDLE, outdir: 'dist' };

const handlers = {};
for (const name of existsSync('functions') ? readdirSync('functions') : []) {
  if (name.endsWith('.ts')) handlers[name.slice(0, -3)] = `functions/${name}`;
}

// Chunks are named by content hash: clear the old ones, or stale chunks would pile up (and be packaged).
for (const dir of ['dist/cli-lib', 'dist/stop-lib']) rmSync(dir, { recursive: true, force: true });

// Each subcommand is imported when asked for (lib/cli/main.ts): its code goes into chunks under dist/cli-lib/,
// so `lights-out --help` reads a small dist/cli.js only.
await build({
  ...common,
  entryPoints: { cli: 'lib/cli/main.ts' },
  splitting: true,
  chunkNames: 'cli-lib/[name]-[hash]',
});
if (Object.keys(handlers).length > 0) {
  // See HANDLER_BUNDLE: minified, and what a handler imports lazily in chunks of its own under dist/stop-lib/.
  await build({ ...HANDLER_BUNDLE, outdir: 'dist', entryPoints: handlers });
}

// The bundles are ES modules with a .js name. Lambda (and Node without syntax detection) reads a .js file as
// CommonJS unless the nearest package.json says otherwise, and the function package ships no package.json of
// the project's: this one travels with the bundle.
writeFileSync('dist/package.json', `${JSON.stringify({ type: 'module' })}\n`);
