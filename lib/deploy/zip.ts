/**
 * The function's code, built in memory: exactly what the handler needs (the entry file, the stop bundle and
 * its chunks, its `package.json` marker, the configuration, and the source map when asked for). The archive is made with
 * fflate, with a fixed modification time and a fixed order, so the same inputs give the same bytes.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { UsageError } from '../errors.js';
import { BUNDLE_CHUNKS_DIR, BUNDLE_FILE, ENTRY_FILE, ENTRY_SOURCE } from './entry.js';

/** Where the configuration goes in the zip; `LIGHTS_OUT_CONFIG` names it in the function. */
export const ZIPPED_CONFIG = 'config/lights-out.yaml';

/** One file of the function's code. */
export interface PackageFile {
  name: string;
  bytes: Uint8Array;
}

/** The function's code. */
export interface FunctionPackage {
  files: PackageFile[];
  zip: Uint8Array;
}

/** Any fixed instant after 1980 (zip's epoch): the archive's bytes then depend only on its files. */
const FIXED_MTIME = new Date('2026-01-01T00:00:00Z');

/**
 * The folder holding the built stop bundle: next to the CLI bundle (`dist/`) when running from it (from
 * `dist/cli.js` itself or from a chunk of it in `dist/cli-lib/`), or the project's `dist/` when running from source.
 */
export function defaultBundleDir(): string {
  const candidates = [
    new URL('./', import.meta.url),
    new URL('../', import.meta.url),
    new URL('../../dist/', import.meta.url),
  ];
  const found = candidates.find((dir) => existsSync(new URL('stop.js', dir)));
  return fileURLToPath(found ?? candidates[candidates.length - 1]!);
}

/**
 * The chunks of the stop bundle (what it imports, eagerly or lazily: undici, the configuration code), as the
 * build left them in `dist/stop-lib/`, which it clears before each build. Taken from the folder, not from a
 * list, so that a chunk the bundler adds or renames is shipped too; source maps only when asked for.
 */
async function bundleChunks(dir: string, sourceMap: boolean): Promise<PackageFile[]> {
  let names: string[];
  try {
    names = await readdir(`${dir}${BUNDLE_CHUNKS_DIR}`);
  } catch (cause) {
    throw new UsageError(
      `the stop bundle's chunks ${dir}${BUNDLE_CHUNKS_DIR} cannot be read (run npm run build first?)`,
      {
        cause,
      },
    );
  }
  const wanted = names.filter((name) => name.endsWith('.js') || (sourceMap && name.endsWith('.js.map')));
  return Promise.all(
    wanted.map(async (name) => ({
      name: `dist/${BUNDLE_CHUNKS_DIR}/${name}`,
      bytes: await read(`${dir}${BUNDLE_CHUNKS_DIR}/${name}`, 'the stop bundle chunk'),
    })),
  );
}

async function read(file: string, what: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (cause) {
    throw new UsageError(`${what} ${file} cannot be read (run npm run build first?)`, { cause });
  }
}

/**
 * Reads and zips the function's code.
 *
 * @param bundleDir the folder of `stop.js` and its `package.json` (see {@link defaultBundleDir})
 * @param configFile the configuration to ship (already validated by the caller)
 * @example
 * const pkg = await buildFunctionPackage({ bundleDir: defaultBundleDir(), configFile: 'schedules/lights-out.yaml' });
 */
export async function buildFunctionPackage(options: {
  bundleDir: string;
  configFile: string;
  sourceMap?: boolean;
}): Promise<FunctionPackage> {
  const dir = options.bundleDir.endsWith('/') ? options.bundleDir : `${options.bundleDir}/`;
  const files: PackageFile[] = [
    { name: ENTRY_FILE, bytes: new TextEncoder().encode(ENTRY_SOURCE) },
    { name: BUNDLE_FILE, bytes: await read(`${dir}stop.js`, 'the stop bundle') },
    { name: 'dist/package.json', bytes: await read(`${dir}package.json`, "the bundle's package.json") },
    { name: ZIPPED_CONFIG, bytes: await read(options.configFile, 'the configuration') },
  ];
  files.push(...(await bundleChunks(dir, options.sourceMap === true)));
  if (options.sourceMap) {
    files.push({ name: `${BUNDLE_FILE}.map`, bytes: await read(`${dir}stop.js.map`, 'the source map') });
  }
  files.sort((a, b) => (a.name < b.name ? -1 : 1));
  const zip = zipSync(
    Object.fromEntries(files.map((f) => [f.name, [f.bytes, { level: 9, mtime: FIXED_MTIME }]])),
  );
  return { files, zip };
}

/** Hex SHA-256. */
export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}
