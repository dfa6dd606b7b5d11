// Bundles bench/main.ts into dist-bench/bench.js, the way scripts/build.mjs bundles the CLI, so that
// `npm run bench` needs nothing beyond esbuild, which the project already builds with.
import { build } from 'esbuild';

await build({
  entryPoints: { bench: 'bench/main.ts' },
  outdir: 'dist-bench',
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
