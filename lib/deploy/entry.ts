/**
 * How the veFaaS `node20/v1` runtime finds the handler, in one place so that a correction is one edit.
 *
 * The platform's own Node.js 20 template (see docs/vefaas-api.md, "The handler of node20/v1") is a CommonJS
 * `index.js` at the root of the code that assigns `exports.handler = async (event, context) => ...`. The stop
 * function is an ES module (`dist/stop.js`, marked by `dist/package.json`), so the zip's `index.js` is a small
 * CommonJS file that loads it with `import()` as the container starts and hands each event to it.
 */

/** The runtime deploy creates the function with. */
export const FUNCTION_RUNTIME = 'node20/v1';

/** The file the runtime loads, at the zip's root. */
export const ENTRY_FILE = 'index.js';

/** Where the stop bundle goes in the zip, relative to its root (the bundle resolves its config from here). */
export const BUNDLE_FILE = 'dist/stop.js';

/** The folder, next to the stop bundle, of the chunks it imports (the build splits them off: see scripts/build.mjs). */
export const BUNDLE_CHUNKS_DIR = 'stop-lib';

/**
 * The entry file. veFaaS passes a context with `requestId`; the stop handler reads Lambda's `awsRequestId` and
 * `getRemainingTimeInMillis`, so the context is translated rather than passed through.
 */
export const ENTRY_SOURCE = `'use strict';
// lights-out on veFaaS ${FUNCTION_RUNTIME}: the runtime loads this file from the root of the code and calls
// exports.handler(event, context). The stop function itself is the ES module ${BUNDLE_FILE}, loaded once per
// container, as soon as the container starts.
const stop = import('./${BUNDLE_FILE}');
stop.catch(() => {});

exports.handler = async function handler(event, context) {
  const { handler: run } = await stop;
  const remaining = context && typeof context.getRemainingTimeInMillis === 'function'
    ? () => context.getRemainingTimeInMillis()
    : undefined;
  return run(event, {
    awsRequestId: context ? context.requestId || context.awsRequestId : undefined,
    getRemainingTimeInMillis: remaining,
  });
};
`;
