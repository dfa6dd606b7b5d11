/**
 * Builds the ECS clients of a run from the configuration and the environment: credentials from the
 * environment only, the endpoint from `VOLC_ENDPOINT` or the config, one keep-alive dispatcher for every region.
 */
import type { Config } from '../config/index.js';
import {
  type Credentials,
  clientDispatcher,
  createEcsClient,
  credentialsFromEnv,
  DEFAULT_TIMEOUT_MS,
  type DispatcherSource,
  type EcsClient,
  resolveEndpoint,
} from '../volc/index.js';

/** Options of {@link createClientPool}. */
export interface ClientPoolOptions {
  /** Where credentials and `VOLC_ENDPOINT` are read. */
  env: NodeJS.ProcessEnv;
  /** Overrides the environment's credentials (the demo passes the emulator's). @default credentialsFromEnv(env) */
  credentials?: Credentials;
  /** Overrides env and config (the demo passes the emulator's URL). */
  endpoint?: URL;
  /** @default 10000 */
  timeoutMs?: number;
  /** @default a keep-alive Agent owned by the pool, created (with undici) by the first request */
  dispatcher?: DispatcherSource;
}

/** Clients per region, created on first use and closed together. */
export interface ClientPool {
  clientFor(region: string): EcsClient;
  close(): Promise<void>;
}

/**
 * Creates the pool. Reads and checks credentials and the endpoint at once, so a missing variable or an
 * insecure endpoint fails before any work.
 *
 * @example
 * const pool = createClientPool(config, { env: process.env });
 * try { await runOnce(config, { at }, { ...pool, ...clock, logger }); } finally { await pool.close(); }
 */
export function createClientPool(config: Config, options: ClientPoolOptions): ClientPool {
  const credentials = options.credentials ?? credentialsFromEnv(options.env);
  const endpoint = options.endpoint ?? resolveEndpoint(config.endpoint, options.env);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // Built lazily (undici loads with the first request); the clients borrow it, the pool closes it.
  const agent = clientDispatcher(options.dispatcher, timeoutMs);
  const dispatcher = agent.dispatcher;
  const clients = new Map<string, EcsClient>();
  return {
    clientFor(region) {
      let client = clients.get(region);
      if (!client) {
        client = createEcsClient({ region, credentials, endpoint, timeoutMs, dispatcher });
        clients.set(region, client);
      }
      return client;
    },
    async close() {
      await Promise.all([...clients.values()].map((c) => c.close()));
      await agent.close();
    },
  };
}

/** The real clock, sleep and randomness, for production entry points. */
export const systemClock = {
  nowMs: () => Date.now(),
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};
