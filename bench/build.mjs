// Bundles bench/main.ts into dist-bench/bench.js, the way scripts/build.mjs bundles the CLI, so that
// `npm run bench` needs nothing beyond esbuild, which the project already builds with.
import { build } from 'esbuild';
import { NODE_BUNDLE } from '../scripts/bundle-options.mjs';

await build({ ...NODE_BUNDLE, entryPoints: { bench: 'bench/main.ts' }, outdir: 'dist-bench' });
