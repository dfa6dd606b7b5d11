/** Shared helpers of the emulator tests: small fleets, the project's client, and raw signed requests. */
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import {
  type EmulatorHandle,
  type Fleet,
  type FleetInstance,
  startEmulator,
} from '../../../lib/emulator/index.js';
import {
  type Credentials,
  canonicalRequest,
  computeSignature,
  createEcsClient,
  credentialScope,
  type EcsClient,
  encodeRfc3986,
  formatXDate,
  type QueryPairs,
  sha256Hex,
  signRequest,
} from '../../../lib/volc/index.js';

/** The credentials of every test fleet. */
export const TEST_CREDENTIALS: Credentials = { accessKeyId: 'AKLTtestkey', secretKey: 'dGVzdC1zZWNyZXQ=' };

/** A fleet instance with defaults; `id` doubles as the name. */
export function inst(id: string, fields: Partial<FleetInstance> = {}): FleetInstance {
  return {
    InstanceId: id,
    InstanceName: id,
    Status: 'RUNNING',
    InstanceChargeType: 'PostPaid',
    InstanceTypeId: 'ecs.g3i.large',
    ZoneId: 'cn-beijing-a',
    ProjectName: 'default',
    Tags: [],
    Region: 'cn-beijing',
    ...fields,
  };
}

/** A fleet of the given instances, signed for with {@link TEST_CREDENTIALS}. */
export function fleetOf(...instances: FleetInstance[]): Fleet {
  return { credentials: [{ ...TEST_CREDENTIALS }], instances };
}

/** The project's ECS client, pointed at the emulator. */
export function clientFor(
  emulator: EmulatorHandle,
  region = 'cn-beijing',
  options: { now?: () => Date; timeoutMs?: number } = {},
): EcsClient {
  return createEcsClient({ region, credentials: emulator.credentials, endpoint: emulator.url, ...options });
}

/** An HTTP answer read as text, with its JSON when it parses. */
export interface RawAnswer {
  status: number;
  text: string;
  /** The parsed body; tests read answers of every shape by path. */
  // biome-ignore lint/suspicious/noExplicitAny: answers of every shape are read by path in assertions
  json: any;
  headers: Record<string, unknown>;
}

/** Sends one request as given; nothing is added. */
export async function send(
  emulator: EmulatorHandle,
  init: { method?: string; path?: string; query?: string; headers?: Record<string, string>; body?: string },
): Promise<RawAnswer> {
  const url = `${emulator.url}${init.path ?? '/'}${init.query ? `?${init.query}` : ''}`;
  const response = await request(url, {
    method: (init.method ?? 'GET') as 'GET',
    headers: init.headers,
    body: init.body,
  });
  const text = await response.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.statusCode, text, json, headers: response.headers };
}

/** The encoded query string of pairs, as the client would send it. */
export function encodeQuery(pairs: QueryPairs): string {
  return pairs.map(([k, v]) => `${encodeRfc3986(k)}=${encodeRfc3986(v)}`).join('&');
}

/** A signed GET of `Action` with `params`, as the project's signer makes it. */
export async function signedGet(
  emulator: EmulatorHandle,
  action: string,
  params: QueryPairs = [],
  options: { region?: string; credentials?: Credentials; now?: Date; version?: string } = {},
): Promise<RawAnswer> {
  const query: QueryPairs = [['Action', action], ['Version', options.version ?? '2020-04-01'], ...params];
  const host = new URL(emulator.url).host;
  const headers = signRequest({
    method: 'GET',
    host,
    query,
    credentials: options.credentials ?? emulator.credentials,
    region: options.region ?? 'cn-beijing',
    service: 'ecs',
    now: options.now ?? new Date(),
  });
  return send(emulator, { query: encodeQuery(query), headers });
}

/** A request signed over exactly `signedHeaders`, as the various official SDKs sign. */
export interface StyledRequest {
  method: 'GET' | 'POST';
  query: QueryPairs;
  body?: string;
  headers: Record<string, string>;
}

/** Signs `req` over `signedHeaders` (names lower-case) and returns the headers to send. */
export function signStyled(
  emulator: EmulatorHandle,
  req: StyledRequest,
  signedHeaders: string[],
  options: { region?: string; now?: Date } = {},
): Record<string, string> {
  const xDate = formatXDate(options.now ?? new Date());
  const region = options.region ?? 'cn-beijing';
  const headers: Record<string, string> = {
    host: new URL(emulator.url).host,
    'x-date': xDate,
    ...req.headers,
  };
  const payloadHash = sha256Hex(req.body ?? '');
  if (signedHeaders.includes('x-content-sha256')) headers['x-content-sha256'] = payloadHash;
  const canonical = canonicalRequest({
    method: req.method,
    path: '/',
    query: req.query,
    headers,
    signedHeaders,
    payloadHash,
  });
  const signature = computeSignature(emulator.credentials.secretKey, xDate, region, 'ecs', canonical);
  headers.authorization =
    `HMAC-SHA256 Credential=${emulator.credentials.accessKeyId}/${credentialScope(xDate, region, 'ecs')}, ` +
    `SignedHeaders=${[...signedHeaders].sort().join(';')}, Signature=${signature}`;
  return headers;
}

/** Answers `Code` of a raw error answer. */
export function errorCode(answer: RawAnswer): string | undefined {
  return answer.json?.ResponseMetadata?.Error?.Code;
}

/** An emulator, a cn-beijing client and a clock the test moves, shared by the tests of one file. */
export interface EmulatorWorld {
  emulator: EmulatorHandle;
  client: EcsClient;
  /** The emulator's and the clients' clock; reset to real time before each test. */
  nowMs: number;
  /** Another client on the same clock, for another region. */
  clientIn(region: string): EcsClient;
}

/**
 * Starts an emulator over `fleet` for the file's tests, with faults, fleet and clock reset before each test.
 *
 * @example
 * const world = useEmulator(fleetOf(inst('i-1')));
 * it('...', async () => { await world.client.describeInstancesPage({}); world.nowMs += 30_000; });
 */
export function useEmulator(fleet: Fleet): EmulatorWorld {
  const world = {
    nowMs: Date.now(),
    clientIn: (region: string) => clientFor(world.emulator, region, { now: () => new Date(world.nowMs) }),
  } as EmulatorWorld;
  beforeAll(async () => {
    world.emulator = await startEmulator({ fleet, now: () => world.nowMs });
    world.client = world.clientIn('cn-beijing');
  });
  afterAll(async () => {
    await world.client.close();
    await world.emulator.close();
  });
  beforeEach(() => {
    world.nowMs = Date.now();
    world.emulator.setFaults({});
    world.emulator.reset();
  });
  return world;
}
