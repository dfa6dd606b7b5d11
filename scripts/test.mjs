// @ts-check
/**
 * `npm test`: runs `vitest run` (extra arguments are passed on, `npm test -- test/unit`) with sentinel credentials
 * in its environment, shows its output as it comes while keeping a copy, then scans that copy and the log files
 * tests kept under $LIGHTS_OUT_TEST_LOG_DIR for the secret keys and for signed Authorization headers. The exit
 * code is vitest's, or 1 when vitest passed but the scan found something.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  emulatorSecretKey,
  formatFinding,
  scanText,
  sentinelCredentials,
  sentinelWebhook,
} from './secret-scan.mjs';
import { withColourChoice } from './test-env.mjs';

/** @typedef {import('./secret-scan.mjs').Secret} Secret */
/** @typedef {import('./secret-scan.mjs').Finding} Finding */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Where tests may keep the log lines and command output they capture in memory (test/support/test-log.ts). */
const LOG_DIR_ENV = 'LIGHTS_OUT_TEST_LOG_DIR';
/** How long to wait for vitest's pipes to close after it exits. */
const CLOSE_GRACE_MS = 5000;
/** Findings listed in full; the rest are counted. */
const MAX_LISTED = 40;

/** @returns {string} the path of vitest's command-line script */
function vitestBin() {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('vitest/package.json');
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8'));
  return join(dirname(manifest), typeof bin === 'string' ? bin : bin.vitest);
}

/**
 * The values to look for. Real credentials of the calling environment are scanned for too, though vitest never
 * sees them: the sentinels replace them.
 * @param {Record<string, string>} sentinels
 * @returns {Secret[]}
 */
function secretsToFind(sentinels) {
  const emulator = emulatorSecretKey(readFileSync(join(ROOT, 'lib/emulator/types.ts'), 'utf8'));
  /** @type {Secret[]} */
  const secrets = [
    { name: 'the sentinel VOLC_SECRETKEY', value: sentinels.VOLC_SECRETKEY ?? '' },
    { name: 'the sentinel VOLC_SESSION_TOKEN', value: sentinels.VOLC_SESSION_TOKEN ?? '' },
    { name: "the emulator's default secret key", value: emulator },
    { name: 'the sentinel webhook URL token', value: sentinels.LIGHTS_OUT_TEST_WEBHOOK_TOKEN ?? '' },
    { name: 'the sentinel webhook signing secret', value: sentinels.LIGHTS_OUT_TEST_WEBHOOK_SECRET ?? '' },
  ];
  for (const name of ['VOLC_SECRETKEY', 'VOLC_SESSION_TOKEN']) {
    const value = process.env[name];
    if (value) secrets.push({ name: `${name} of the calling environment`, value });
  }
  return secrets;
}

/**
 * vitest's closing "Tests" line as the plain `tests: N passed, N failed[, N skipped]` that any CI reads.
 * @param {string} output vitest's stdout
 * @returns {string | undefined}
 */
function plainCounts(output) {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing the terminal's colour codes
  const lines = output.replace(/\u001b\[[0-9;]*m/g, '').split('\n');
  const line = lines.reverse().find((l) => /^\s*Tests\s/.test(l));
  if (line === undefined) return undefined;
  const count = (/** @type {string} */ word) => Number(new RegExp(`(\\d+) ${word}`).exec(line)?.[1] ?? 0);
  const skipped = count('skipped') + count('todo');
  return `tests: ${count('passed')} passed, ${count('failed')} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
}

/** @param {string} dir @returns {string[]} every file under dir */
function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : entry.isFile() ? [path] : [];
  });
}

/**
 * Runs vitest, copying its stdout and stderr through while keeping them.
 * @param {NodeJS.ProcessEnv} env
 * @returns {Promise<{ code: number, stdout: Buffer, stderr: Buffer }>}
 */
function runVitest(env) {
  const child = spawn(process.execPath, [vitestBin(), 'run', ...process.argv.slice(2)], {
    cwd: ROOT,
    env,
    stdio: ['inherit', 'pipe', 'pipe'],
  });
  /** @type {Buffer[]} */
  const out = [];
  /** @type {Buffer[]} */
  const err = [];
  child.stdout.on('data', (/** @type {Buffer} */ chunk) => {
    out.push(chunk);
    process.stdout.write(chunk);
  });
  child.stderr.on('data', (/** @type {Buffer} */ chunk) => {
    err.push(chunk);
    process.stderr.write(chunk);
  });
  // Ctrl-C reaches vitest from the terminal; the wrapper waits for it to finish and still scans what it printed.
  const forward = (/** @type {NodeJS.Signals} */ signal) => child.kill(signal);
  process.on('SIGINT', () => {});
  process.on('SIGTERM', forward);
  return new Promise((resolve, reject) => {
    const finish = (/** @type {number | null} */ code, /** @type {string | null} */ signal) =>
      resolve({ code: code ?? (signal ? 1 : 0), stdout: Buffer.concat(out), stderr: Buffer.concat(err) });
    child.on('error', reject);
    child.on('close', finish);
    // A process a test left behind may hold the pipes open after vitest exits: stop waiting for it.
    child.on('exit', (code, signal) => {
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish(code, signal);
      }, CLOSE_GRACE_MS).unref();
    });
  });
}

const sentinels = {
  ...sentinelCredentials(randomBytes(16).toString('hex')),
  ...sentinelWebhook(randomBytes(16).toString('hex')),
};
const secrets = secretsToFind(sentinels);
const logDir = mkdtempSync(join(tmpdir(), 'lights-out-test-logs-'));
/** @type {NodeJS.ProcessEnv} */
// Output goes through a pipe now: colours only when the wrapper itself writes to a terminal.
const env = withColourChoice(
  { ...process.env, ...sentinels, [LOG_DIR_ENV]: logDir },
  Boolean(process.stdout.isTTY),
);

const result = await runVitest(env);
/** @type {Finding[]} */
const findings = [
  ...scanText(result.stdout.toString('utf8'), 'vitest stdout', secrets),
  ...scanText(result.stderr.toString('utf8'), 'vitest stderr', secrets),
];
const logFiles = filesUnder(logDir);
let bytes = result.stdout.length + result.stderr.length;
for (const file of logFiles) {
  const text = readFileSync(file);
  bytes += text.length;
  findings.push(...scanText(text.toString('utf8'), join(logDir, relative(logDir, file)), secrets));
}

if (findings.length === 0) {
  rmSync(logDir, { recursive: true, force: true });
  const logs = logFiles.length === 0 ? '' : ` and ${logFiles.length} log files`;
  process.stdout.write(`\nsecret scan: clean (${bytes} bytes of output${logs} scanned)\n`);
} else {
  const listed = findings.slice(0, MAX_LISTED).map((f) => `  ${formatFinding(f)}`);
  if (findings.length > MAX_LISTED) listed.push(`  ... and ${findings.length - MAX_LISTED} more`);
  process.stderr.write(
    `\nsecret scan: FAILED: ${findings.length} secret(s) or Authorization header(s) in the test output ` +
      `(positions are LINE:COLUMN of the output; the log files are kept in ${logDir}):\n${listed.join('\n')}\n`,
  );
}
const counts = plainCounts(result.stdout.toString('utf8'));
if (counts !== undefined) process.stdout.write(`${counts}\n`);
process.exitCode = result.code !== 0 ? result.code : findings.length > 0 ? 1 : 0;
