import { describe, expect, it } from 'vitest';
import { parseAuthorization, signRequest } from '../../../lib/volc/sign.js';

// A POST/JSON vector derived outside this code base: the body hash, the canonical request's hash and the
// signature below were computed with Python's hashlib/hmac from the canonical request written out by hand
// (method, path, the sorted query, the four signed headers, the body hash), following the signing steps of
// docs/vefaas-api.md. The key pair is the ECS vectors' fake one.
const BODY = '{"Id":"fn-123","RevisionNumber":0}';
const BODY_HASH = 'f5fd91d5789bc0caf7b822d2bdd8f1c418bfae5045218bf4e01b7b9713046b18';
const SIGNATURE = 'ac2874631ce833c7e3d7fff8773cbded42e0362603704b6e88da901a5de11ab2';

describe('signing a POST with a JSON body (veFaaS)', () => {
  const headers = signRequest({
    method: 'POST',
    host: 'open.volcengineapi.com',
    query: [
      ['Version', '2024-06-06'],
      ['Action', 'Release'],
    ],
    body: BODY,
    extraHeaders: { 'Content-Type': 'application/json' },
    credentials: { accessKeyId: 'AKLTtest', secretKey: 'dGVzdA==' },
    region: 'cn-beijing',
    service: 'vefaas',
    now: new Date('2026-01-02T03:04:05Z'),
  });

  it('signs the SHA-256 of the body as the payload hash, and sends it', () => {
    expect(headers['x-content-sha256']).toBe(BODY_HASH);
  });

  it('reproduces the derived signature, with the content type among the signed headers', () => {
    const parsed = parseAuthorization(headers.authorization!);
    expect(parsed).toEqual({
      accessKeyId: 'AKLTtest',
      date: '20260102',
      region: 'cn-beijing',
      service: 'vefaas',
      signedHeaders: ['content-type', 'host', 'x-content-sha256', 'x-date'],
      signature: SIGNATURE,
    });
  });

  it('changes the signature when one byte of the body changes', () => {
    const other = signRequest({
      method: 'POST',
      host: 'open.volcengineapi.com',
      query: [
        ['Version', '2024-06-06'],
        ['Action', 'Release'],
      ],
      body: BODY.replace('0', '1'),
      extraHeaders: { 'Content-Type': 'application/json' },
      credentials: { accessKeyId: 'AKLTtest', secretKey: 'dGVzdA==' },
      region: 'cn-beijing',
      service: 'vefaas',
      now: new Date('2026-01-02T03:04:05Z'),
    });
    expect(parseAuthorization(other.authorization!)!.signature).not.toBe(SIGNATURE);
  });
});
