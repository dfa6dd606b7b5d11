/**
 * Credentials come only from the environment. Errors name the variables involved and never print a value.
 */
import { SetupError } from '../errors.js';
import type { Credentials } from './sign.js';

/** Environment variable names, in order of precedence: the short `VOLC_*` names win over `VOLCENGINE_*`. */
export const CredentialEnv = {
  accessKeyId: ['VOLC_ACCESSKEY', 'VOLCENGINE_ACCESS_KEY'],
  secretKey: ['VOLC_SECRETKEY', 'VOLCENGINE_SECRET_KEY'],
  sessionToken: ['VOLC_SESSION_TOKEN', 'VOLCENGINE_SESSION_TOKEN'],
} as const;

// Keys and tokens are printable ASCII without spaces; a stray `\r` from a Windows .env file would otherwise
// surface later as a puzzling SignatureDoesNotMatch or an invalid-header error.
const PRINTABLE_NO_SPACE = /^[\x21-\x7e]+$/;

function pick(env: NodeJS.ProcessEnv, names: readonly string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== '') return { name, value };
  }
  return undefined;
}

function checkValue(found: { name: string; value: string }): string {
  if (!PRINTABLE_NO_SPACE.test(found.value)) {
    throw new SetupError(
      'InvalidCredentials',
      `${found.name} contains whitespace or non-printable characters (its value is not shown)`,
    );
  }
  return found.value;
}

/**
 * Reads Volcengine credentials from the environment: `VOLC_ACCESSKEY`, `VOLC_SECRETKEY` and the optional
 * STS `VOLC_SESSION_TOKEN` (or their `VOLCENGINE_ACCESS_KEY`, `VOLCENGINE_SECRET_KEY`,
 * `VOLCENGINE_SESSION_TOKEN` spellings). Empty variables count as unset.
 *
 * @throws SetupError `MissingCredentials` naming the missing variables, or `InvalidCredentials`.
 * @example
 * const credentials = credentialsFromEnv(process.env);
 */
export function credentialsFromEnv(env: NodeJS.ProcessEnv): Credentials {
  const accessKey = pick(env, CredentialEnv.accessKeyId);
  const secretKey = pick(env, CredentialEnv.secretKey);
  const missing: string[] = [];
  if (!accessKey) missing.push(CredentialEnv.accessKeyId.join(' or '));
  if (!secretKey) missing.push(CredentialEnv.secretKey.join(' or '));
  if (!accessKey || !secretKey) {
    throw new SetupError(
      'MissingCredentials',
      `Volcengine credentials are missing: set ${missing.join(' and ')} ` +
        `(${CredentialEnv.sessionToken.join(' or ')} is optional, for STS credentials)`,
    );
  }
  const sessionToken = pick(env, CredentialEnv.sessionToken);
  return {
    accessKeyId: checkValue(accessKey),
    secretKey: checkValue(secretKey),
    ...(sessionToken ? { sessionToken: checkValue(sessionToken) } : {}),
  };
}
