import { describe, expect, it } from 'vitest';
import { isCredentialKey, parseConfig } from '../../../lib/config/index.js';
import { ConfigError, formatConfigIssue } from '../../../lib/errors.js';

const SECRET = 'SeCrEt-VaLuE-9f8e7d';
const MESSAGE =
  'looks like a credential: credentials come only from the environment ' +
  '(VOLC_ACCESSKEY, VOLC_SECRETKEY, VOLC_SESSION_TOKEN), never from the configuration file';

function failure(text: string): ConfigError {
  try {
    parseConfig(text, 'c.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('isCredentialKey', () => {
  it.each([
    'accessKey',
    'accessKeyId',
    'access_key_id',
    'ACCESS-KEY',
    'secretKey',
    'secret_key',
    'SecretAccessKey',
    'secret-access-key',
    'sessionToken',
    'session_token',
    'password',
    'PASSWORD',
    'token',
    'ak',
    'AK',
    'sk',
    'Sk',
    'volcAccessKey',
    'VOLC_SECRETKEY',
    'apiToken',
    'clientSecret',
    'credentials',
  ])('flags %s', (key) => {
    expect(isCredentialKey(key)).toBe(true);
  });

  it.each([
    'stoppedMode',
    'forceStop',
    'tasks',
    'skipDates',
    'disk',
    'tagKey',
    'keepCharging',
    'tokens-used',
    'maxInstancesPerRun',
    'maxInstancesPerRegion',
    'description',
    'env',
  ])('leaves %s alone', (key) => {
    expect(isCredentialKey(key)).toBe(false);
  });
});

describe('credential keys in a configuration file', () => {
  it.each<[string, string[], string]>([
    ['at the top level', ['secretKey: VALUE', 'version: 1'], '1:1'],
    ['inside a known section', ['version: 1', 'defaults:', '  access_key: VALUE'], '3:3'],
    ['inside an unknown section', ['version: 1', 'volc:', '  sk: VALUE'], '3:3'],
    ['as a tag filter', ['version: 1', 'x:', '  tags: { sessionToken: VALUE }'], '3:11'],
    ['inside a list', ['version: 1', 'x:', '  - password: VALUE'], '3:5'],
    ['in flow style', ['version: 1', 'x: { AK: VALUE }'], '2:6'],
    ['with a quoted value', ['version: 1', 'token: "VALUE"'], '2:1'],
  ])('are refused %s, without the value', (_where, lines, position) => {
    const error = failure(`${lines.join('\n').replace('VALUE', SECRET)}\n`);
    const issues = error.issues.map(formatConfigIssue);
    expect(issues.filter((issue) => issue.includes('looks like a credential'))).toEqual([
      expect.stringMatching(
        new RegExp(`^c\\.yaml:${position}: '[A-Za-z_-]+' ${MESSAGE.replace(/[()]/g, '\\$&')}$`),
      ),
    ]);
    expect(error.message).not.toContain(SECRET);
    expect(JSON.stringify(error.issues)).not.toContain(SECRET);
  });

  it('reports a credential key once, not also as an unknown key', () => {
    const issues = failure(
      [
        'version: 1',
        'regions: [cn-beijing]',
        `secretKey: ${SECRET}`,
        'schedules:',
        '  a: { stop: "0 1 * * *" }',
        '',
      ].join('\n'),
    ).issues.map(formatConfigIssue);
    expect(issues).toEqual([`c.yaml:3:1: 'secretKey' ${MESSAGE}`]);
  });

  it('still finds credential keys in a file with a syntax error', () => {
    const error = failure(['version: 1', `secretKey: ${SECRET}`, 'regions: [cn-beijing', ''].join('\n'));
    const issues = error.issues.map(formatConfigIssue);
    expect(issues).toContain(`c.yaml:2:1: 'secretKey' ${MESSAGE}`);
    expect(issues.some((issue) => issue.includes('invalid YAML'))).toBe(true);
    expect(error.message).not.toContain(SECRET);
  });

  it('refuses a user name and password in the endpoint without echoing them', () => {
    const error = failure(
      [
        'version: 1',
        'regions: [cn-beijing]',
        `endpoint: https://AKLTuser:${SECRET}@open.volcengineapi.com`,
        'schedules:',
        '  a: { stop: "0 1 * * *" }',
        '',
      ].join('\n'),
    );
    expect(error.issues.map(formatConfigIssue)).toEqual([
      'c.yaml:3:11: endpoint must not contain a user name or password',
    ]);
    expect(error.message).not.toContain(SECRET);
    expect(error.message).not.toContain('AKLTuser');
  });
});
