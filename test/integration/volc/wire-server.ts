/**
 * A generic HTTP peer for the wire tests of the client itself (lib/volc): a real node:http server on
 * 127.0.0.1 port 0 that records every request byte for byte and answers with whatever the test's handler
 * writes, including what no ECS would send (a malformed envelope, a body that stops half-way, a proxy's page
 * echoing the request's headers, nothing at all, a destroyed socket).
 *
 * It is not an ECS: it keeps no instances, no tokens and no state, checks no signature unless a test asks
 * (`signatureMatches`), and knows no action. How ECS behaves is modelled once, by the emulator (lib/emulator),
 * whose faults and script cover the broken answers a caller of the client has to survive; this server is for
 * the client's own parsing, signing, timeouts and headers, where a test needs exact control of the bytes.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { canonicalRequest, computeSignature, parseAuthorization, sha256Hex } from '../../../lib/volc/sign.js';

/** One request as the server saw it. */
export interface Received {
  method: string;
  path: string;
  /** Decoded query pairs in the order they were sent. */
  query: Array<[string, string]>;
  headers: IncomingHttpHeaders;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, received: Received, index: number) => void;

export interface WireServer {
  endpoint: string;
  requests: Received[];
  close(): Promise<void>;
}

function parseQuery(search: string): Array<[string, string]> {
  if (search === '') return [];
  return search.split('&').map((pair) => {
    const at = pair.indexOf('=');
    const [k, v] = at < 0 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
    return [decodeURIComponent(k), decodeURIComponent(v)];
  });
}

/** Starts a wire server; `close()` also ends connections a handler left hanging. */
export async function startWireServer(handler: Handler): Promise<WireServer> {
  const requests: Received[] = [];
  const server = createServer((req, res) => {
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const received: Received = {
      method: req.method ?? '',
      path: q < 0 ? raw : raw.slice(0, q),
      query: parseQuery(q < 0 ? '' : raw.slice(q + 1)),
      headers: req.headers,
    };
    requests.push(received);
    handler(req, res, received, requests.length - 1);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers with a JSON body. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** The `ResponseMetadata` of a hand-written answer. */
function metadata(action: string, requestId: string) {
  return {
    RequestId: requestId,
    Action: action,
    Version: '2020-04-01',
    Service: 'ecs',
    Region: 'cn-beijing',
  };
}

/** A success envelope in the OpenAPI's shape, for an answer the test writes by hand. */
export function success(action: string, result: unknown, requestId = 'req-ok'): unknown {
  return { ResponseMetadata: metadata(action, requestId), Result: result };
}

/** A request-level error envelope in the OpenAPI's shape, for an answer the test writes by hand. */
export function apiError(action: string, code: string, message: string, requestId = 'req-err'): unknown {
  return { ResponseMetadata: { ...metadata(action, requestId), Error: { Code: code, Message: message } } };
}

/** Recomputes the signature of a received request with the shared signer; true when it matches. */
export function signatureMatches(received: Received, secretKey: string): boolean {
  const auth = parseAuthorization(String(received.headers.authorization ?? ''));
  if (!auth) return false;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(received.headers)) {
    if (typeof value === 'string') headers[name] = value;
  }
  const canonical = canonicalRequest({
    method: received.method,
    path: received.path,
    query: received.query,
    headers,
    signedHeaders: auth.signedHeaders,
    payloadHash: sha256Hex(''),
  });
  const xDate = headers['x-date'] ?? '';
  return computeSignature(secretKey, xDate, auth.region, auth.service, canonical) === auth.signature;
}
