import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CREDENTIALS } from '../../../lib/emulator/index.js';
import { signRequest } from '../../../lib/volc/sign.js';
import {
  AUTHORIZATION_KIND,
  emulatorSecretKey,
  formatFinding,
  MIN_SECRET_LENGTH,
  scanText,
  sentinelCredentials,
} from '../../../scripts/secret-scan.mjs';

const SECRET = { name: 'the sentinel VOLC_SECRETKEY', value: 'c2VudGluZWwtc2VjcmV0deadbeef' };
const TOKEN = { name: 'the sentinel VOLC_SESSION_TOKEN', value: 'STSsentinelTokenfeedface' };

describe('scanText', () => {
  it('passes clean output', () => {
    const output = ' ✓ test/unit/volc/sign.test.ts (24 tests) 31ms\n Test Files  1 passed (1)\n';
    expect(scanText(output, 'vitest stdout', [SECRET, TOKEN])).toEqual([]);
  });

  it('finds each secret value by line and column', () => {
    const output = `first line\nkey=${SECRET.value} and ${TOKEN.value}\n\n  ${SECRET.value}`;
    expect(scanText(output, 'vitest stdout', [SECRET, TOKEN])).toEqual([
      { kind: SECRET.name, source: 'vitest stdout', line: 2, column: 5 },
      { kind: TOKEN.name, source: 'vitest stdout', line: 2, column: 38 },
      { kind: SECRET.name, source: 'vitest stdout', line: 4, column: 3 },
    ]);
  });

  it('finds every occurrence on one line', () => {
    const findings = scanText(`${SECRET.value}${SECRET.value}`, 'log', [SECRET]);
    expect(findings.map((f) => f.column)).toEqual([1, SECRET.value.length + 1]);
  });

  it('finds a value escaped inside a JSON string', () => {
    const secret = { name: 'quoted', value: 'a"secret\\value' };
    const line = JSON.stringify({ msg: `oops ${secret.value}` });
    expect(scanText(line, 'pino.log', [secret])).toEqual([
      { kind: 'quoted', source: 'pino.log', line: 1, column: 14 },
    ]);
  });

  it('sees through terminal colour codes', () => {
    const output = `\u001b[31m${SECRET.value.slice(0, 10)}\u001b[39m${SECRET.value.slice(10)}`;
    expect(scanText(output, 'vitest stderr', [SECRET])).toHaveLength(1);
  });

  it('finds a signed Authorization header whatever its credentials', () => {
    const headers = signRequest({
      method: 'POST',
      host: 'open.volcengineapi.com',
      query: [
        ['Action', 'StopInstances'],
        ['Version', '2020-04-01'],
      ],
      body: 'InstanceIds.1=i-1',
      region: 'cn-beijing',
      service: 'ecs',
      credentials: { accessKeyId: 'AKLTother', secretKey: 'b3RoZXI=' },
      now: new Date('2026-03-09T15:30:00Z'),
    });
    const output = `headers: ${JSON.stringify(headers)}\nauthorization: hmac-sha256 credential=AK/x`;
    expect(scanText(output, 'vitest stdout', [])).toEqual([
      { kind: AUTHORIZATION_KIND, source: 'vitest stdout', line: 1, column: expect.any(Number) },
      { kind: AUTHORIZATION_KIND, source: 'vitest stdout', line: 2, column: 16 },
    ]);
  });

  it(`ignores values shorter than ${MIN_SECRET_LENGTH} characters`, () => {
    expect(scanText('x = 1234567', 'stdout', [{ name: 'short', value: '1234567' }])).toEqual([]);
  });

  it('names the last test file before a finding, as vitest heads console output with it', () => {
    const output = [
      ' ✓ test/unit/a.test.ts (2 tests) 3ms',
      'stdout | test/unit/b.test.ts > suite > prints',
      `sk ${SECRET.value}`,
    ].join('\n');
    expect(scanText(output, 'vitest stdout', [SECRET])).toEqual([
      { kind: SECRET.name, source: 'vitest stdout', line: 3, column: 4, after: 'test/unit/b.test.ts' },
    ]);
  });
});

describe('formatFinding', () => {
  it('names the kind and the place, never the value', () => {
    const [finding] = scanText(`leak: ${SECRET.value}`, 'vitest stdout', [SECRET]);
    const line = formatFinding(finding!);
    expect(line).toBe('vitest stdout:1:7: the sentinel VOLC_SECRETKEY');
    expect(line).not.toContain(SECRET.value);
    expect(formatFinding({ ...finding!, after: 'test/unit/b.test.ts' })).toBe(
      'vitest stdout:1:7: the sentinel VOLC_SECRETKEY (after test/unit/b.test.ts)',
    );
  });
});

describe('sentinelCredentials', () => {
  it('makes values that differ per nonce and are long enough to scan for', () => {
    const a = sentinelCredentials('0123456789abcdef0123456789abcdef');
    const b = sentinelCredentials('fedcba9876543210fedcba9876543210');
    for (const key of ['VOLC_ACCESSKEY', 'VOLC_SECRETKEY', 'VOLC_SESSION_TOKEN'] as const) {
      expect(a[key]).not.toBe(b[key]);
      expect(a[key].length).toBeGreaterThanOrEqual(MIN_SECRET_LENGTH);
    }
  });
});

describe('emulatorSecretKey', () => {
  it('reads the default secret key from the emulator source', () => {
    const source = readFileSync('lib/emulator/types.ts', 'utf8');
    expect(emulatorSecretKey(source)).toBe(DEFAULT_CREDENTIALS.secretKey);
  });

  it('refuses to guess when the literal is gone', () => {
    expect(() => emulatorSecretKey('export const DEFAULT_CREDENTIALS = loadSomehow();')).toThrow(
      /cannot find the secretKey literal/,
    );
  });
});
