// @ts-check
/**
 * The secret scan of `npm test`: finds secret values and signed Authorization headers in the test suite's
 * captured output and log files. Pure functions only; scripts/test.mjs does the I/O. A finding names its kind
 * and where it is (source, line, column), never the text it found.
 */

/**
 * A value that must never be printed, with the name a report uses for it.
 * @typedef {{ name: string, value: string }} Secret
 */

/**
 * One place where something secret was found. `after` is the last test file named in the text before it (vitest
 * heads a test's console output with its file), a hint at which test printed it.
 * @typedef {{ kind: string, source: string, line: number, column: number, after?: string }} Finding
 */

/** Values shorter than this are not scanned for: they would match ordinary text. */
export const MIN_SECRET_LENGTH = 8;

/** The kind of a finding that is a signed request's Authorization header rather than a known value. */
export const AUTHORIZATION_KIND = 'Authorization header (HMAC-SHA256 Credential=...)';

// The start of every Volcengine signature (lib/volc/sign.ts); the scope and signature that follow vary.
const AUTHORIZATION = /HMAC-SHA256\s+Credential=/gi;
// Colours and cursor moves of the reporter: an escape sequence must not hide a value from the scan.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape character is the point.
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;
const TEST_FILE = /[\w./-]+\.test\.[cm]?[jt]sx?/g;

/**
 * The forms a value can take in output: as it is, and escaped inside a JSON string (a pino line, say).
 * @param {string} value
 * @returns {string[]}
 */
function spellings(value) {
  const escaped = JSON.stringify(value).slice(1, -1);
  return escaped === value ? [value] : [value, escaped];
}

/**
 * Every finding in one text: each occurrence of a secret value and each Authorization header, by line.
 *
 * @param {string} text the captured output or the contents of a log file
 * @param {string} source where the text came from, for the report (`stdout`, a file path)
 * @param {readonly Secret[]} secrets values to look for; those under {@link MIN_SECRET_LENGTH} are ignored
 * @returns {Finding[]}
 * @example
 * scanText(output, 'stdout', [{ name: 'VOLC_SECRETKEY', value: sentinel }]); // [] when clean
 */
export function scanText(text, source, secrets) {
  const wanted = secrets.filter((secret) => secret.value.length >= MIN_SECRET_LENGTH);
  /** @type {Finding[]} */
  const findings = [];
  /** @type {string | undefined} */
  let testFile;
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.replace(ANSI, '');
    testFile = [...line.matchAll(TEST_FILE)].at(-1)?.[0] ?? testFile;
    const after = testFile;
    const at = (/** @type {string} */ kind, /** @type {number} */ offset) =>
      findings.push({
        kind,
        source,
        line: index + 1,
        column: offset + 1,
        ...(after === undefined ? {} : { after }),
      });
    for (const secret of wanted) {
      for (const form of spellings(secret.value)) {
        for (let offset = line.indexOf(form); offset >= 0; offset = line.indexOf(form, offset + 1)) {
          at(secret.name, offset);
        }
      }
    }
    for (const match of line.matchAll(AUTHORIZATION)) at(AUTHORIZATION_KIND, match.index);
  }
  return findings;
}

/**
 * A finding as one line for people: the kind and the place, never the value.
 *
 * @param {Finding} finding
 * @returns {string}
 * @example
 * formatFinding({ kind: 'VOLC_SECRETKEY', source: 'stdout', line: 12, column: 5 }); // 'stdout:12:5: VOLC_SECRETKEY'
 */
export function formatFinding(finding) {
  const after = finding.after === undefined ? '' : ` (after ${finding.after})`;
  return `${finding.source}:${finding.line}:${finding.column}: ${finding.kind}${after}`;
}

/**
 * Sentinel credentials for the test run: random each run, so that a value found in the output can only have
 * been copied there from the environment.
 *
 * @param {string} nonce random hexadecimal text
 * @returns {{ VOLC_ACCESSKEY: string, VOLC_SECRETKEY: string, VOLC_SESSION_TOKEN: string }}
 */
export function sentinelCredentials(nonce) {
  return {
    VOLC_ACCESSKEY: `AKLTsentinel${nonce.slice(0, 16)}`,
    VOLC_SECRETKEY: `c2VudGluZWwtc2VjcmV0${nonce}`,
    VOLC_SESSION_TOKEN: `STSsentinelToken${nonce}`,
  };
}

/**
 * The emulator's default secret key, read from the source of lib/emulator/types.ts (the wrapper runs before
 * anything is built, and cannot import TypeScript).
 *
 * @param {string} source the text of lib/emulator/types.ts
 * @returns {string}
 * @throws Error when DEFAULT_CREDENTIALS or its secretKey literal is not found, so the scan never runs blind
 */
export function emulatorSecretKey(source) {
  const block = /DEFAULT_CREDENTIALS\b[^=]*=\s*Object\.freeze\(\{([^}]*)\}/.exec(source);
  const literal = block && /\bsecretKey:\s*(['"])([^'"]+)\1/.exec(block[1] ?? '');
  if (!literal?.[2]) {
    throw new Error('cannot find the secretKey literal of DEFAULT_CREDENTIALS in lib/emulator/types.ts');
  }
  return literal[2];
}

/**
 * Sentinel webhook values for the test run: the URL token and the signing secret the notification tests give
 * their local receiver (test/support/webhooks.ts reads them), random each run like the credentials, so that one
 * found in the output was copied there by lights-out or a test.
 *
 * @param {string} nonce random hexadecimal text
 * @returns {{ LIGHTS_OUT_TEST_WEBHOOK_TOKEN: string, LIGHTS_OUT_TEST_WEBHOOK_SECRET: string }}
 */
export function sentinelWebhook(nonce) {
  return {
    LIGHTS_OUT_TEST_WEBHOOK_TOKEN: `hooktoken${nonce.slice(0, 24)}`,
    LIGHTS_OUT_TEST_WEBHOOK_SECRET: `SEChooksecret${nonce}`,
  };
}
