/**
 * The function's own key pair. The deployer's key (`VOLC_ACCESSKEY`/`VOLC_SECRETKEY`) may create functions and
 * must never run inside one: the function gets a second key, whose user holds only the stop policy of
 * docs/volcengine-iam-policy.json. Errors name variables, never values.
 */
import { UsageError } from '../errors.js';
import type { Credentials } from '../volc/index.js';

/** The variables the function's key pair is read from. */
export const FunctionCredentialEnv = {
  accessKeyId: 'LIGHTS_OUT_FUNCTION_ACCESSKEY',
  secretKey: 'LIGHTS_OUT_FUNCTION_SECRETKEY',
} as const;

const PRINTABLE_NO_SPACE = /^[\x21-\x7e]+$/;

/**
 * Reads the function's key pair and checks it is not the deployer's.
 *
 * @param deployer the deployer's key, when known (a dry run may have none)
 * @throws UsageError when a variable is missing or malformed, or the pair is the deployer's.
 * @example
 * const key = functionCredentialsFromEnv(process.env, credentialsFromEnv(process.env));
 */
export function functionCredentialsFromEnv(env: NodeJS.ProcessEnv, deployer?: Credentials): Credentials {
  const accessKeyId = env[FunctionCredentialEnv.accessKeyId] ?? '';
  const secretKey = env[FunctionCredentialEnv.secretKey] ?? '';
  const missing = Object.values(FunctionCredentialEnv).filter((name) => (env[name] ?? '') === '');
  if (missing.length > 0) {
    throw new UsageError(
      `the function's own key pair is missing: set ${missing.join(' and ')} to the key of a user that holds ` +
        'only the policy in docs/volcengine-iam-policy.json (the deployer key in VOLC_ACCESSKEY is never ' +
        'copied into the function)',
    );
  }
  for (const [name, value] of [
    [FunctionCredentialEnv.accessKeyId, accessKeyId],
    [FunctionCredentialEnv.secretKey, secretKey],
  ] as const) {
    if (!PRINTABLE_NO_SPACE.test(value)) {
      throw new UsageError(
        `${name} contains whitespace or non-printable characters (its value is not shown)`,
      );
    }
  }
  if (deployer && (deployer.accessKeyId === accessKeyId || deployer.secretKey === secretKey)) {
    throw new UsageError(
      `${FunctionCredentialEnv.accessKeyId}/${FunctionCredentialEnv.secretKey} are the deployer's own key ` +
        '(VOLC_ACCESSKEY/VOLC_SECRETKEY): give the function a key of its own, whose user holds only the policy in ' +
        'docs/volcengine-iam-policy.json, so that the function cannot create or change functions',
    );
  }
  return { accessKeyId, secretKey };
}
