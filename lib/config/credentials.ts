/**
 * Recognises configuration keys that would hold a credential. Credentials come only from the environment,
 * so such a key is an error wherever it appears, and its value is never echoed.
 */

/** The variables that do carry credentials, named in the error so the user knows where they belong. */
export const CREDENTIAL_ENV_HINT = 'VOLC_ACCESSKEY, VOLC_SECRETKEY, VOLC_SESSION_TOKEN';

// Compared after lower-casing and dropping `_`, `-`, `.` and spaces, so `secret_key`, `Secret-Key` and
// `secretKey` are one name. Short names must match exactly (`ak` alone is a credential, `tasks` is not);
// the distinctive long ones may appear inside a longer name (`volcAccessKey`, `awsSecretAccessKey`).
const EXACT = new Set(['ak', 'sk', 'token', 'password', 'passwd', 'secret', 'credential', 'credentials']);
const CONTAINED = ['accesskey', 'secretkey', 'sessiontoken', 'password', 'passwd', 'privatekey'];
const SUFFIXES = ['token', 'secret'];

/**
 * True when a mapping key looks like it names a credential (`accessKey`, `secret_key`, `SK`, `password`, ...).
 *
 * @example
 * isCredentialKey('secret-access-key'); // true
 * isCredentialKey('stoppedMode'); // false
 */
export function isCredentialKey(key: string): boolean {
  const name = key.toLowerCase().replace(/[-_.\s]/g, '');
  if (EXACT.has(name)) return true;
  if (CONTAINED.some((part) => name.includes(part))) return true;
  return SUFFIXES.some((suffix) => name.endsWith(suffix));
}

/**
 * The issue message for a credential-looking key; it names the key, never the value. A key that is not a
 * plain name (in a broken file, a key can swallow the text around it) is not quoted either.
 */
export function credentialKeyMessage(key: string): string {
  const name = /^[A-Za-z0-9_.-]{1,64}$/.test(key) ? `'${key}'` : 'this key';
  return (
    `${name} looks like a credential: credentials come only from the environment ` +
    `(${CREDENTIAL_ENV_HINT}), never from the configuration file`
  );
}
