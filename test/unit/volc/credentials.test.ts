import { describe, expect, it } from 'vitest';
import { LightsOutError } from '../../../lib/errors.js';
import { credentialsFromEnv } from '../../../lib/volc/credentials.js';

const SECRET = 'sk-SECRET-never-printed';

function errorOf(env: NodeJS.ProcessEnv): LightsOutError {
  try {
    credentialsFromEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(LightsOutError);
    return error as LightsOutError;
  }
  throw new Error('expected credentialsFromEnv to throw');
}

describe('credentialsFromEnv', () => {
  it('reads VOLC_ACCESSKEY, VOLC_SECRETKEY and VOLC_SESSION_TOKEN', () => {
    expect(
      credentialsFromEnv({ VOLC_ACCESSKEY: 'ak', VOLC_SECRETKEY: SECRET, VOLC_SESSION_TOKEN: 'tok' }),
    ).toEqual({
      accessKeyId: 'ak',
      secretKey: SECRET,
      sessionToken: 'tok',
    });
  });

  it('leaves sessionToken out when it is not set', () => {
    expect(credentialsFromEnv({ VOLC_ACCESSKEY: 'ak', VOLC_SECRETKEY: SECRET })).toEqual({
      accessKeyId: 'ak',
      secretKey: SECRET,
    });
  });

  it('accepts the VOLCENGINE_* spellings, and prefers VOLC_* when both are set', () => {
    const env = {
      VOLCENGINE_ACCESS_KEY: 'ak2',
      VOLCENGINE_SECRET_KEY: 'sk2',
      VOLCENGINE_SESSION_TOKEN: 'tok2',
    };
    expect(credentialsFromEnv(env)).toEqual({ accessKeyId: 'ak2', secretKey: 'sk2', sessionToken: 'tok2' });
    expect(credentialsFromEnv({ ...env, VOLC_ACCESSKEY: 'ak1', VOLC_SECRETKEY: 'sk1' })).toMatchObject({
      accessKeyId: 'ak1',
      secretKey: 'sk1',
    });
  });

  it.each([
    ['nothing set', {}, ['VOLC_ACCESSKEY', 'VOLC_SECRETKEY']],
    ['no secret key', { VOLC_ACCESSKEY: 'ak' }, ['VOLC_SECRETKEY', 'VOLCENGINE_SECRET_KEY']],
    [
      'an empty access key',
      { VOLC_ACCESSKEY: '', VOLC_SECRETKEY: SECRET },
      ['VOLC_ACCESSKEY', 'VOLCENGINE_ACCESS_KEY'],
    ],
  ])('throws MissingCredentials naming the variables when %s', (_name, env, names) => {
    const error = errorOf(env);
    expect(error.code).toBe('MissingCredentials');
    for (const name of names) expect(error.message).toContain(name);
    expect(error.message).not.toContain(SECRET);
  });

  it('refuses a value with whitespace, naming the variable but not the value', () => {
    const error = errorOf({ VOLC_ACCESSKEY: 'ak', VOLC_SECRETKEY: `${SECRET}\r` });
    expect(error.code).toBe('InvalidCredentials');
    expect(error.message).toContain('VOLC_SECRETKEY');
    expect(error.message).not.toContain(SECRET);
  });
});
