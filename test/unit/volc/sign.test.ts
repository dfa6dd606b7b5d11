import { describe, expect, it } from 'vitest';
import {
  canonicalQuery,
  canonicalRequest,
  computeSignature,
  encodeRfc3986,
  formatXDate,
  parseAuthorization,
  parseXDate,
  sha256Hex,
  signRequest,
} from '../../../lib/volc/sign.js';

// Test vectors of docs/volcengine-api.md ("Signing"), produced by the official @volcengine/openapi signer.
const AK = 'AKLTtest';
const SK = 'dGVzdA==';
const X_DATE = '20260102T030405Z';
const EMPTY_HASH = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

describe('signing test vectors', () => {
  it('reproduces V1 (GET, SignedHeaders x-date)', () => {
    const canonical = canonicalRequest({
      method: 'GET',
      path: '/',
      query: [
        ['Action', 'StopInstances'],
        ['Version', '2020-04-01'],
        ['InstanceIds.2', 'i-def'],
        ['InstanceIds.1', 'i-abc'],
      ],
      headers: { 'X-Date': X_DATE },
      signedHeaders: ['x-date'],
      payloadHash: sha256Hex(''),
    });
    expect(canonical).toBe(
      `GET\n/\nAction=StopInstances&InstanceIds.1=i-abc&InstanceIds.2=i-def&Version=2020-04-01\nx-date:${X_DATE}\n\nx-date\n${EMPTY_HASH}`,
    );
    expect(sha256Hex(canonical)).toBe('00d4ee1d99258a816b9301db1a4807eaad3f1c5cce89c93bca4e00e6606a75cd');
    expect(computeSignature(SK, X_DATE, 'cn-beijing', 'ecs', canonical)).toBe(
      '1b9a1969ff66fca6b728d226c9cf3b7095e490a32cc2a505e29a48ef00bd8626',
    );
  });

  it('signs with each secret its own key when two share a day, region and service', () => {
    // The derived key of a scope is kept between requests: a second secret must not reuse the first's.
    const canonical = `GET\n/\nAction=DescribeRegions\nx-date:${X_DATE}\n\nx-date\n${EMPTY_HASH}`;
    const first = computeSignature(SK, X_DATE, 'cn-beijing', 'ecs', canonical);
    const other = computeSignature('b3RoZXI=', X_DATE, 'cn-beijing', 'ecs', canonical);
    expect(other).not.toBe(first);
    expect(computeSignature(SK, X_DATE, 'cn-beijing', 'ecs', canonical)).toBe(first);
    expect(computeSignature('b3RoZXI=', X_DATE, 'cn-beijing', 'ecs', canonical)).toBe(other);
    expect(computeSignature(SK, '20260103T030405Z', 'cn-beijing', 'ecs', canonical)).not.toBe(first);
  });

  it('reproduces V3 (POST form body, SignedHeaders x-content-sha256;x-date)', () => {
    const body = 'InstanceIds.1=i-abc&InstanceIds.2=i-def';
    const payloadHash = sha256Hex(body);
    expect(payloadHash).toBe('63d8f68cfbdc34fac527a7fa4a5b9c7d64e60ee9f0773105efc80c64e6682985');
    const canonical = canonicalRequest({
      method: 'POST',
      path: '/',
      query: [
        ['Action', 'StopInstances'],
        ['Version', '2020-04-01'],
      ],
      headers: { 'X-Date': X_DATE, 'X-Content-Sha256': payloadHash },
      signedHeaders: ['x-content-sha256', 'x-date'],
      payloadHash,
    });
    expect(computeSignature(SK, X_DATE, 'cn-beijing', 'ecs', canonical)).toBe(
      'bd0cb6ece4b45fdf0b34808a1d294c91c842225bef20ebc2f88471aa4a6fb8be',
    );
  });
});

describe('query encoding', () => {
  it.each([
    ['a b', 'a%20b'],
    ['~-_.', '~-_.'],
    ["*!'()", '%2A%21%27%28%29'],
    ['/+=&', '%2F%2B%3D%26'],
    ['环境', '%E7%8E%AF%E5%A2%83'],
    ['é', '%C3%A9'],
    ['😀', '%F0%9F%98%80'],
  ])('encodes %j as %s', (raw, encoded) => {
    expect(encodeRfc3986(raw)).toBe(encoded);
  });

  it('refuses a lone surrogate with a clear error instead of a bare URIError', () => {
    expect(() => encodeRfc3986('a\uD800b')).toThrow(/not well-formed Unicode/);
    expect(encodeRfc3986('\uD83D\uDE00')).toBe('%F0%9F%98%80');
  });

  it('leaves unreserved characters as they are and encodes every other one', () => {
    expect(encodeRfc3986('i-abc_DEF.0~9')).toBe('i-abc_DEF.0~9');
    expect(encodeRfc3986("a b!'()*/é")).toBe('a%20b%21%27%28%29%2A%2F%C3%A9');
    expect(encodeRfc3986('')).toBe('');
  });

  it('sorts keys in byte order, so InstanceIds.10 comes before InstanceIds.2', () => {
    const pairs: [string, string][] = Array.from({ length: 11 }, (_, i) => [
      `InstanceIds.${i + 1}`,
      `i-${i + 1}`,
    ]);
    const order = canonicalQuery(pairs)
      .split('&')
      .map((p) => p.split('=')[0]);
    expect(order.slice(0, 4)).toEqual(['InstanceIds.1', 'InstanceIds.10', 'InstanceIds.11', 'InstanceIds.2']);
  });

  it('encodes tag filter values with spaces and non-ASCII characters', () => {
    expect(
      canonicalQuery([
        ['TagFilters.1.Values.1', 'dev team'],
        ['TagFilters.1.Key', 'lights-out'],
        ['TagFilters.1.Values.2', '开发'],
      ]),
    ).toBe(
      'TagFilters.1.Key=lights-out&TagFilters.1.Values.1=dev%20team&TagFilters.1.Values.2=%E5%BC%80%E5%8F%91',
    );
  });
});

describe('signRequest', () => {
  const now = new Date('2026-01-02T03:04:05Z');
  const base = {
    method: 'GET',
    host: 'open.volcengineapi.com',
    query: [
      ['Action', 'DescribeInstances'],
      ['Version', '2020-04-01'],
    ] as [string, string][],
    region: 'cn-beijing',
    service: 'ecs',
    now,
  };

  it('signs host;x-content-sha256;x-date and produces a header the parser reads back', () => {
    const headers = signRequest({ ...base, credentials: { accessKeyId: AK, secretKey: SK } });
    expect(headers['x-date']).toBe(X_DATE);
    expect(headers['x-content-sha256']).toBe(EMPTY_HASH);
    const parsed = parseAuthorization(headers.authorization!);
    expect(parsed).toMatchObject({
      accessKeyId: AK,
      date: '20260102',
      region: 'cn-beijing',
      service: 'ecs',
      signedHeaders: ['host', 'x-content-sha256', 'x-date'],
    });
    const canonical = canonicalRequest({
      method: 'GET',
      path: '/',
      query: base.query,
      headers,
      signedHeaders: parsed!.signedHeaders,
      payloadHash: EMPTY_HASH,
    });
    expect(parsed!.signature).toBe(computeSignature(SK, X_DATE, 'cn-beijing', 'ecs', canonical));
  });

  it('sends and signs X-Security-Token for STS credentials', () => {
    const headers = signRequest({
      ...base,
      credentials: { accessKeyId: AK, secretKey: SK, sessionToken: 'tok' },
    });
    expect(headers['x-security-token']).toBe('tok');
    expect(parseAuthorization(headers.authorization!)!.signedHeaders).toContain('x-security-token');
  });

  it('never puts the secret key into the headers', () => {
    const headers = signRequest({ ...base, credentials: { accessKeyId: AK, secretKey: 'SUPERSECRETVALUE' } });
    expect(JSON.stringify(headers)).not.toContain('SUPERSECRETVALUE');
  });
});

describe('X-Date', () => {
  it('formats and parses UTC instants', () => {
    const date = new Date('2026-01-02T03:04:05.678Z');
    expect(formatXDate(date)).toBe(X_DATE);
    expect(parseXDate(X_DATE)?.toISOString()).toBe('2026-01-02T03:04:05.000Z');
    expect(parseXDate('2026-01-02T03:04:05Z')).toBeUndefined();
    expect(parseXDate('20261399T030405Z')).toBeUndefined();
  });

  it('rejects malformed Authorization headers', () => {
    expect(parseAuthorization('Bearer abc')).toBeUndefined();
    expect(
      parseAuthorization('HMAC-SHA256 Credential=AK/2026/cn/ecs/request, SignedHeaders=x-date, Signature=00'),
    ).toBeUndefined();
  });
});
