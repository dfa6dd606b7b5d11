import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DeadlineError,
  ErrorCode,
  errorCodeOf,
  LightsOutError,
  RequestError,
  SetupError,
  UsageError,
  VolcApiError,
} from '../../lib/errors.js';
import { credentialsFromEnv, resolveEndpoint } from '../../lib/volc/index.js';

describe('errors', () => {
  it.each([
    [
      'ConfigError',
      new ConfigError([{ file: 'a.yaml', line: 2, column: 3, message: 'bad' }]),
      'ConfigInvalid',
    ],
    ['UsageError', new UsageError('bad flag'), 'UsageError'],
    ['SetupError', new SetupError('InsecureEndpoint', 'http off loopback'), 'InsecureEndpoint'],
    ['RequestError', new RequestError('ClientClosed', 'closed'), 'ClientClosed'],
    ['DeadlineError', new DeadlineError('too late'), 'DeadlineExceeded'],
  ])('%s is a LightsOutError with its name and a code from ErrorCode', (name, error, code) => {
    expect(error).toBeInstanceOf(LightsOutError);
    expect(error.name).toBe(name);
    expect(error.code).toBe(code);
    expect(Object.values(ErrorCode)).toContain(error.code);
    expect(errorCodeOf(error)).toBe(code);
  });

  it('keeps the API code of a VolcApiError, and names anything else UnexpectedError', () => {
    const api = new VolcApiError({
      code: 'FlowLimitExceeded',
      message: 'slow down',
      httpStatus: 429,
      action: 'StopInstances',
      region: 'cn-beijing',
      retryable: true,
    });
    expect(errorCodeOf(api)).toBe('FlowLimitExceeded');
    expect(errorCodeOf(new Error('bug'))).toBe(ErrorCode.Unexpected);
    expect(errorCodeOf('a string')).toBe('UnexpectedError');
  });

  it('passes the cause through', () => {
    const cause = new Error('socket hang up');
    expect(new DeadlineError('deadline', { cause }).cause).toBe(cause);
  });

  it('throws setup problems as SetupError, with their codes', () => {
    expect(() => credentialsFromEnv({})).toThrow(SetupError);
    expect(() => credentialsFromEnv({})).toThrow(expect.objectContaining({ code: 'MissingCredentials' }));
    expect(() => resolveEndpoint('http://example.com', {})).toThrow(
      expect.objectContaining({ name: 'SetupError', code: 'InsecureEndpoint' }),
    );
  });
});
