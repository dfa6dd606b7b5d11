/**
 * The emulator's HTTP server (node:http): routes `/_emulator/...` to the inspection API and everything else to
 * the OpenAPI (ECS, and veFaaS by Action), and sends answers, including the broken ones that faults call for.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Answer, encodeAnswer, handleApi } from './api.js';
import { errorBody, SERVICE } from './catalog.js';
import { EmulatorCore, type EmulatorView, viewOf } from './core.js';
import { type FaultSettings, validateFaults } from './faults.js';
import { validateFleet } from './fleet.js';
import { generateFleet } from './generate.js';
import { handleInspection } from './inspection.js';
import type { Fleet } from './types.js';

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

/** A running emulator: its address, the view every emulator offers, and `close`. */
export interface EmulatorHandle extends EmulatorView {
  /** `http://host:port`, the endpoint to give a client. */
  readonly url: string;
  readonly port: number;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

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
  // Never answered: the client's own timeout ends the exchange (or close() does).
  if (answer.kind === 'hang') return;
  const { status, headers, body } = encodeAnswer(answer);
  res.writeHead(status, headers).end(body);
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
  // Spread would read the view's getters once: define the address beside them instead.
  return Object.defineProperties(viewOf(core), {
    url: { value: `http://${urlHost}:${port}`, enumerable: true },
    port: { value: port, enumerable: true },
    close: {
      enumerable: true,
      value: () =>
        new Promise<void>((resolve, reject) => {
          server.close((error) => (error ? reject(error) : resolve()));
          server.closeAllConnections();
        }),
    },
  }) as EmulatorHandle;
}
