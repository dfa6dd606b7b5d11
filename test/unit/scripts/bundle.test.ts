/**
 * What importing a bundle evaluates: the handler's and the CLI's entries, with every chunk they import
 * statically, as esbuild's metafile of the very build scripts/build.mjs runs. What a cold start does not need
 * (undici, the configuration code and its YAML parser, notifications, node:crypto) must stay behind a dynamic
 * import or a first call, or the cold start creeps back up one innocent-looking import at a time (README.md, "Cold start").
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { HANDLER_BUNDLE, NODE_BUNDLE } from '../../../scripts/bundle-options.mjs';

const ROOT = join(import.meta.dirname, '..', '..', '..');

/** Builds in memory (nothing is written) and returns the metafile. */
async function metafileOf(options: object): Promise<Metafile> {
  const result = await build({
    ...options,
    outdir: 'dist',
    absWorkingDir: ROOT,
    write: false,
    metafile: true,
    sourcemap: false,
    logLevel: 'silent',
  });
  return result.metafile;
}

interface Loaded {
  /** The input files evaluated (or at least parsed) by importing the entry. */
  inputs: Set<string>;
  /** Outputs reached only through a dynamic import. */
  lazyOutputs: string[];
}

/** What importing `entry` loads: the outputs reachable from it through static imports. */
function loadedByImporting(metafile: Metafile, entry: string): Loaded {
  const outputs = metafile.outputs;
  const reached = new Set([entry]);
  const queue = [entry];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const imported of outputs[next]?.imports ?? []) {
      if (imported.kind !== 'import-statement' || imported.external || reached.has(imported.path)) continue;
      reached.add(imported.path);
      queue.push(imported.path);
    }
  }
  const inputs = new Set<string>();
  for (const output of reached) {
    for (const input of Object.keys(outputs[output]?.inputs ?? {})) inputs.add(input);
  }
  const lazyOutputs = Object.keys(outputs).filter((o) => o.endsWith('.js') && !reached.has(o));
  return { inputs, lazyOutputs };
}

function inputsOf(metafile: Metafile, outputs: readonly string[]): Set<string> {
  return new Set(outputs.flatMap((o) => Object.keys(metafile.outputs[o]?.inputs ?? {})));
}

const under = (inputs: Set<string>, prefix: string) => [...inputs].filter((i) => i.startsWith(prefix));

describe('the handler bundle (dist/stop.js)', () => {
  let metafile: Metafile;
  let loaded: Loaded;

  beforeAll(async () => {
    metafile = await metafileOf({ ...HANDLER_BUNDLE, entryPoints: { stop: 'functions/stop.ts' } });
    loaded = loadedByImporting(metafile, 'dist/stop.js');
  });

  it('does not load undici at import: the first request does', () => {
    expect(under(loaded.inputs, 'node_modules/undici/')).toEqual([]);
  });

  it('does not load the configuration code or its parser at import: loading the configuration does', () => {
    // A value import from lib/config/index.ts anywhere on the handler's static path brings every file
    // that index re-exports (esbuild splits by file), and with them the YAML parser and the schema library.
    expect(under(loaded.inputs, 'lib/config/')).toEqual([]);
    expect(under(loaded.inputs, 'node_modules/yaml/')).toEqual([]);
  });

  it('does not load notifications at import: a run with targets does', () => {
    expect(under(loaded.inputs, 'lib/notify/')).toEqual([]);
  });

  it('keeps each of them in a chunk of its own next to the bundle, which the function package ships', () => {
    const lazy = inputsOf(metafile, loaded.lazyOutputs);
    expect(under(lazy, 'node_modules/undici/').length).toBeGreaterThan(0);
    expect(under(lazy, 'node_modules/yaml/').length).toBeGreaterThan(0);
    expect(lazy).toContain('lib/config/load.ts');
    expect(lazy).toContain('lib/notify/index.ts');
    for (const output of loaded.lazyOutputs) expect(output).toMatch(/^dist\/stop-lib\/[\w-]+\.js$/);
  });

  it("holds only the parts of undici the client calls (its Agent and request), not undici's index", () => {
    const everything = inputsOf(metafile, Object.keys(metafile.outputs));
    expect(everything).toContain('node_modules/undici/lib/dispatcher/agent.js');
    expect(everything).not.toContain('node_modules/undici/index.js');
    // fetch, WebSocket, EventSource, the caches and the mocks: what undici's index evaluates besides.
    expect(everything).not.toContain('node_modules/undici/lib/web/fetch/index.js');
    for (const part of ['lib/web/websocket/', 'lib/web/eventsource/', 'lib/cache/', 'lib/mock/']) {
      expect(under(everything, `node_modules/undici/${part}`), part).toEqual([]);
    }
  });
});

describe('importing the built dist/stop.js', () => {
  // Built by the suite's global set-up (scripts/build.mjs), like the bundle the function package ships.
  const PROBE = `
    const before = new Set(process.moduleLoadList);
    const loadedSince = (known) => process.moduleLoadList
      .filter((m) => !known.has(m) && m.startsWith('NativeModule ') && !m.startsWith('NativeModule internal/'))
      .map((m) => m.slice('NativeModule '.length));
    const { handler } = await import(process.argv[1]);
    const atImport = loadedSince(before);
    const known = new Set(process.moduleLoadList);
    // Without credentials the handler loads its configuration, then fails before any request.
    await handler({ dryRun: true }).catch(() => {});
    const report = JSON.stringify({ atImport, withConfig: loadedSince(known) });
    process.stderr.write(report); // only now: touching process.stderr loads Node's stream modules`;

  it('loads no costly Node module; loading the configuration adds only its file reading', () => {
    const child = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', PROBE, pathToFileURL(join(ROOT, 'dist', 'stop.js')).href],
      { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } },
    );
    expect(child.status, child.stderr).toBe(0);
    const { atImport, withConfig } = JSON.parse(child.stderr) as { atImport: string[]; withConfig: string[] };
    // Each of these costs milliseconds to load (Node's stream stack, for one, comes with touching
    // process.stdout); they belong to the first request (undici: http, net, tls; signing: crypto) or to
    // code paths a synchronous logger never takes (assert, worker_threads).
    const costly = ['assert', 'crypto', 'http', 'https', 'net', 'stream', 'tls', 'worker_threads', 'zlib'];
    expect(atImport.filter((m) => costly.includes(m))).toEqual([]);
    expect(withConfig.filter((m) => costly.includes(m))).toEqual([]);
  });
});

describe('the CLI bundle (dist/cli.js)', () => {
  it('reads no subcommand at import, so `--help` evaluates only the entry', async () => {
    const metafile = await metafileOf({
      ...NODE_BUNDLE,
      entryPoints: { cli: 'lib/cli/main.ts' },
      splitting: true,
      chunkNames: 'cli-lib/[name]-[hash]',
    });
    const loaded = loadedByImporting(metafile, 'dist/cli.js');
    for (const part of [
      'lib/config/',
      'lib/run/',
      'lib/stop/',
      'lib/emulator/',
      'lib/deploy/',
      'node_modules/',
    ]) {
      expect(under(loaded.inputs, part), part).toEqual([]);
    }
    expect(loaded.lazyOutputs.length).toBeGreaterThan(5);
  });
});
