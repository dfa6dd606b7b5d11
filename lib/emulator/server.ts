/**
 * The emulator's HTTP server (node:http): routes `/_emulator/...` to the inspection API and everything else to
 * the OpenAPI (ECS, and veFaaS by Action), and sends answers, including the broken ones that faults call for.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Credentials } from '../volc/index.js';
import { type Answer, handleApi } from './api.js';
import type { CallRecord } from './calls.js';
import { errorBody, SERVICE } from './catalog.js';
import { EmulatorCore } from './core.js';
import { type FaultSettings, validateFaults } from './faults.js';
import { validateFleet } from './fleet.js';
import { generateFleet } from './generate.js';
import { handleInspection } from './inspection.js';
import type { FleetState, InspectedInstance } from './state.js';
import type { Fleet } from './types.js';
import type { FaasState } from './vefaas.js';

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** Address to bind. @default '127.0.0.1' */
  host?: string;
  /** Port; 0 picks a free one. @default 0 */
  port?: number;
  /** The fleet (checked with validateFleet). @default generateFleet({ count: 20, seed: 1 }) */
  fleet?: Fleet;
  /** Timing, rate quota and injected faults. @default {} (instant, unlimited, fault-free) */
  faults?: FaultSettings;
  /** The clock, in milliseconds since the epoch; transitions and X-Date checks use it. @default Date.now */
  now?: () => number;
  /** How latency and processing time are waited out. @default node:timers/promises setTimeout */
  sleep?: (ms: number) => Promise<void>;
  /** How long a veFaaS release stays in progress, on the `now` clock. @default 200 */
  releaseMs?: number;
}

/** A running emulator. */
export interface EmulatorHandle {
  /** `http://host:port`, the endpoint to give a client. */
  readonly url: string;
  readonly port: number;
  /** The first credential pair of the current fleet. */
  readonly credentials: Credentials;
  /** The live fleet state (replaced by reset). */
  readonly state: FleetState;
  /** Every instance as `GET /_emulator/instances` shows it. */
  instances(): InspectedInstance[];
  /** One instance as the inspection API shows it. */
  instance(id: string): InspectedInstance | undefined;
  /** The call log. */
  calls(): CallRecord[];
  /** The veFaaS functions and timers that deploy made (replaced by reset). */
  readonly faas: FaasState;
  /** The current fault settings. */
  faults(): FaultSettings;
  /** Replaces the fault settings (re-seeds the PRNG). @throws ConfigError */
  setFaults(settings: FaultSettings): void;
  /** Replaces the fleet (the start fleet when none is given) and forgets tokens, rate buckets, calls and functions. */
  reset(fleet?: Fleet): void;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

const BAD_GATEWAY_HTML =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n';
const MAX_BODY_BYTES = 1 << 20;

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, answer: Answer): void {
  if (answer.kind === 'drop') {
    res.socket?.destroy();
    return;
  }
  if (answer.kind === 'html') {
    res.writeHead(answer.status, { 'content-type': 'text/html' }).end(BAD_GATEWAY_HTML);
    return;
  }
  let text = JSON.stringify(answer.body);
  if (answer.truncate) text = text.slice(0, Math.floor(text.length / 2));
  res
    .writeHead(answer.status, { ...answer.headers, 'content-type': 'application/json; charset=utf-8' })
    .end(text);
}

async function serve(core: EmulatorCore, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  const url = req.url ?? '/';
  if (url === '/_emulator' || url.startsWith('/_emulator/') || url.startsWith('/_emulator?')) {
    const answer = body
      ? handleInspection(core, req.method ?? 'GET', new URL(url, 'http://emulator'), body.toString('utf8'))
      : { status: 413, body: { error: { code: 'TooLarge', message: 'The body is over 1 MiB.' } } };
    send(res, { kind: 'json', ...answer });
    return;
  }
  if (!body) {
    const meta = { RequestId: '', Action: '', Version: '', Service: SERVICE, Region: '' };
    send(res, {
      kind: 'json',
      status: 400,
      body: errorBody(meta, { code: 'InvalidArgument', message: 'The body is over 1 MiB.' }),
    });
    return;
  }
  send(res, await handleApi(core, { method: req.method ?? 'GET', url, headers: req.headers, body }));
}

/**
 * Starts an emulator of the Volcengine ECS OpenAPI on a real HTTP port.
 *
 * @example
 * const emulator = await startEmulator({ fleet: generateFleet({ count: 10, seed: 1 }), faults: { transitionMs: 0 } });
 * const client = createEcsClient({ region: 'cn-beijing', credentials: emulator.credentials, endpoint: emulator.url });
 * await emulator.close();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const fleet = options.fleet ? validateFleet(options.fleet) : generateFleet({ count: 20, seed: 1 });
  const core = new EmulatorCore(fleet, validateFaults(options.faults ?? {}), {
    now: options.now ?? Date.now,
    sleep: options.sleep ?? ((ms) => sleep(ms)),
    ...(options.releaseMs === undefined ? {} : { releaseMs: options.releaseMs }),
  });
  const server = createServer((req, res) => {
    serve(core, req, res).catch((error: unknown) => {
      const meta = { RequestId: '', Action: '', Version: '', Service: SERVICE, Region: '' };
      const message = error instanceof Error ? error.message : String(error);
      if (!res.headersSent)
        send(res, { kind: 'json', status: 500, body: errorBody(meta, { code: 'InternalError', message }) });
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    get credentials() {
      return { ...core.state.credentials.values().next().value! };
    },
    get state() {
      return core.state;
    },
    instances: () => core.state.all().map((r) => core.state.inspect(r)),
    instance: (id) => {
      const record = core.state.find(id);
      return record ? core.state.inspect(record) : undefined;
    },
    calls: () => [...core.calls],
    get faas() {
      return core.faas;
    },
    faults: () => core.faults.settings,
    setFaults: (settings) => core.faults.set(validateFaults(settings)),
    reset: (next) => core.reset(next ? validateFleet(next) : undefined),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
