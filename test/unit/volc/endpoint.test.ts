import { describe, expect, it } from 'vitest';
import { LightsOutError } from '../../../lib/errors.js';
import { createEcsClient } from '../../../lib/volc/client.js';
import { DEFAULT_ENDPOINT, isLoopbackHost, resolveEndpoint } from '../../../lib/volc/endpoint.js';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(LightsOutError);
    return (error as LightsOutError).code;
  }
  return 'no error';
}

describe('resolveEndpoint', () => {
  it('prefers VOLC_ENDPOINT, then the option, then the default', () => {
    expect(resolveEndpoint('https://b.example', { VOLC_ENDPOINT: 'https://a.example' }).href).toBe(
      'https://a.example/',
    );
    expect(resolveEndpoint('https://b.example', {}).href).toBe('https://b.example/');
    expect(resolveEndpoint(undefined, {}).href).toBe(`${DEFAULT_ENDPOINT}/`);
    expect(resolveEndpoint('', { VOLC_ENDPOINT: '' }).href).toBe(`${DEFAULT_ENDPOINT}/`);
  });

  it.each([
    'http://127.0.0.1:8080',
    'http://127.1.2.3',
    'http://localhost:9000',
    'http://LOCALHOST',
    'http://[::1]:8080',
  ])('allows plain http on loopback: %s', (url) => {
    expect(resolveEndpoint(url, {}).protocol).toBe('http:');
  });

  it.each([
    'http://open.volcengineapi.com',
    'http://10.0.0.1',
    'http://128.0.0.1',
    'http://localhost.example.com',
    'http://[::2]',
  ])('refuses plain http off loopback: %s', (url) => {
    expect(codeOf(() => resolveEndpoint(url, {}))).toBe('InsecureEndpoint');
    expect(codeOf(() => resolveEndpoint(undefined, { VOLC_ENDPOINT: url }))).toBe('InsecureEndpoint');
  });

  it('names where a bad endpoint came from', () => {
    expect(() => resolveEndpoint(undefined, { VOLC_ENDPOINT: 'http://example.com' })).toThrow(
      /VOLC_ENDPOINT/,
    );
  });

  it.each([
    'not a url',
    'ftp://127.0.0.1',
    'https://user:pass@example.com',
    'https://example.com/?a=1',
    'https://example.com/#x',
  ])('refuses an unusable URL: %s', (url) => {
    expect(codeOf(() => resolveEndpoint(url, {}))).toBe('InvalidEndpoint');
  });

  it('never quotes a password from the URL', () => {
    let message = '';
    try {
      resolveEndpoint('https://user:hunter2@example.com', {});
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('user name or password');
    expect(message).not.toContain('hunter2');
  });

  it('recognises loopback hosts', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('example.com')).toBe(false);
  });
});

describe('createEcsClient options', () => {
  const credentials = { accessKeyId: 'ak', secretKey: 'sk' };

  it('applies the endpoint rules to the endpoint option', () => {
    expect(
      codeOf(() => createEcsClient({ region: 'cn-beijing', credentials, endpoint: 'http://example.com' })),
    ).toBe('InsecureEndpoint');
    expect(
      codeOf(() =>
        createEcsClient({ region: 'cn-beijing', credentials, endpoint: new URL('http://example.com') }),
      ),
    ).toBe('InsecureEndpoint');
  });

  it('refuses a bad region or timeout', () => {
    expect(codeOf(() => createEcsClient({ region: '', credentials }))).toBe('InvalidParameter');
    expect(codeOf(() => createEcsClient({ region: 'cn/beijing', credentials }))).toBe('InvalidParameter');
    expect(codeOf(() => createEcsClient({ region: 'cn-beijing', credentials, timeoutMs: 0 }))).toBe(
      'InvalidParameter',
    );
  });
});
