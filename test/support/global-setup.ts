/**
 * Runs once before the whole suite: bundles the current sources into dist/ (what `npm ci` does through
 * `prepare`), so tests that spawn `bin/lights-out.js` run today's code, and no two test files rebuild dist/
 * at the same time.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export default async function setup(): Promise<void> {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  await promisify(execFile)(process.execPath, ['scripts/build.mjs'], { cwd: root });
}
