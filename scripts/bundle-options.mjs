// The esbuild options every bundle of the project shares (the CLI, the handlers, the benchmark): one ESM file
// for Node 20+, with a source map, that needs no node_modules at run time. And the handlers' own: what keeps
// their cold start short (measured by `npm run bench -- --cold-start`; the reasons are in README.md's
// "Cold start").
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const resolvePackage = createRequire(import.meta.url).resolve;

/**
 * yaml as the ES module it also publishes (the code of its `default` export condition), instead of the
 * CommonJS files Node's condition picks. The same sources, but an ES module is hoisted into the bundle rather
 * than wrapped module by module, which halves what evaluating yaml costs (about 10 ms of a cold start on
 * the reference machine). What differs is Node-only and unused here: its debug variables (LOG_TOKENS,
 * LOG_STREAM), warnings through console.warn instead of process.emitWarning, and YAML 1.1 `!!binary`.
 */
const yamlAsEsm = {
  name: 'yaml-as-esm',
  setup(build) {
    const esm = join(dirname(resolvePackage('yaml/package.json')), 'browser', 'index.js');
    build.onResolve({ filter: /^yaml$/ }, () => ({ path: esm }));
  },
};

export const NODE_BUNDLE = {
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
  plugins: [yamlAsEsm],
};

/**
 * Node built-ins that only a request needs, and the names the handler's code imports from each. Loading
 * node:crypto costs about 7 ms and node:net about 6 ms, and nothing the handler does before its first request
 * (importing, loading the configuration) uses them. In a handler bundle each name becomes a function that
 * requires the module on its first call. A name missing here fails the build ("No matching export"), so
 * the list cannot silently fall behind the code.
 */
const LAZY_BUILTINS = {
  'node:crypto': ['createHash', 'createHmac', 'randomUUID'],
  'node:net': ['isIPv4'],
};

const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(build) {
    const filter = new RegExp(`^(${Object.keys(LAZY_BUILTINS).join('|')})$`);
    build.onResolve({ filter }, (args) =>
      args.kind === 'import-statement' ? { path: args.path, namespace: 'lazy-builtin' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, ({ path }) => ({
      contents: [
        `let loaded;`,
        `const load = () => (loaded ??= require(${JSON.stringify(path)}));`,
        ...LAZY_BUILTINS[path].map(
          (name) => `export function ${name}(...args) { return load().${name}(...args); }`,
        ),
      ].join('\n'),
      loader: 'js',
    }));
  },
};

/**
 * Requires in pino and its dependencies that a synchronous stdout logger (lib/logger.ts) never reaches, moved
 * from the top of their module to the one place that uses them, so that they load on first use instead of
 * with pino: Node's `assert` (about 9 ms; sonic-boom asserts when a destination closes), `worker_threads`
 * (about 5 ms; pino asks whether it runs on the main thread for asynchronous destinations only) and
 * thread-stream (worker-thread transports, never used). Each edit must match exactly once, so an upgrade
 * that changes the code fails the build instead of silently loading them again.
 */
const DEFERRED_REQUIRES = [
  {
    file: /[\\/]node_modules[\\/]sonic-boom[\\/]index\.js$/,
    edits: [
      ["const assert = require('assert')\n", ''],
      ['  assert(typeof sonic.fd', "  require('assert')(typeof sonic.fd"],
    ],
  },
  {
    file: /[\\/]node_modules[\\/]pino[\\/]lib[\\/]tools\.js$/,
    edits: [
      ["const { isMainThread } = require('worker_threads')\n", ''],
      ['if (!opts.sync && isMainThread) {', "if (!opts.sync && require('worker_threads').isMainThread) {"],
    ],
  },
  {
    file: /[\\/]node_modules[\\/]pino[\\/]lib[\\/]transport\.js$/,
    edits: [
      ["const ThreadStream = require('thread-stream')\n", ''],
      ['const stream = new ThreadStream({', "const stream = new (require('thread-stream'))({"],
    ],
  },
];

const deferredRequires = {
  name: 'deferred-requires',
  setup(build) {
    for (const { file, edits } of DEFERRED_REQUIRES) {
      build.onLoad({ filter: file }, async ({ path }) => {
        let contents = await readFile(path, 'utf8');
        for (const [from, to] of edits) {
          const found = contents.split(from).length - 1;
          if (found !== 1)
            throw new Error(`${path}: expected ${JSON.stringify(from)} once, found it ${found} times`);
          contents = contents.replace(from, () => to);
        }
        return { contents, loader: 'js' };
      });
    }
  },
};

/**
 * A handler's bundle: minified to stay small (undici alone is 1 MB unminified), which keeps cold starts and
 * the upload small; its stack traces stay readable through the source map (NODE_OPTIONS=--enable-source-maps),
 * and keepNames keeps class names such as ConfigError in logs. What a handler imports lazily (undici, the
 * configuration code, notifications) goes into chunks of its own under dist/stop-lib/, so that importing
 * the handler neither evaluates nor even reads it.
 */
export const HANDLER_BUNDLE = {
  ...NODE_BUNDLE,
  minify: true,
  keepNames: true,
  splitting: true,
  chunkNames: 'stop-lib/[name]-[hash]',
  plugins: [...NODE_BUNDLE.plugins, lazyBuiltins, deferredRequires],
};
