/**
 * The cloud entry point: a scheduled function that stops the instances whose schedule fires in this tick.
 * It accepts an EventBridge ScheduledEvent, a veFaaS timer CloudEvent or a manual input (see lib/run/event.ts).
 *
 * Everything lasting is built once per container, at module scope: the logger, the configuration (loaded from
 * the bundled file that `LIGHTS_OUT_CONFIG` names, `schedules/lights-out.yaml` by default, relative to the
 * package root) and, on first use, the ECS clients with their keep-alive dispatcher. Credentials come from the
 * environment only. The work is lib/run's createStopHandler.
 *
 * Cold start: the configuration code (with the YAML parser) is imported by the configuration's loading, which
 * starts at once but does not hold up the import, undici by the first request (lib/volc/http.ts) and the
 * notification code by the first run with targets; the build puts each in chunks of its own next to the
 * bundle (dist/stop-lib/), so importing it reads none of them. Keep this file's value imports to lib/ doors
 * that do not lead to lib/config: test/unit/scripts/bundle.test.ts checks it.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Handler } from 'aws-lambda';
import type { Config } from '../lib/config/index.js';
import { createLogger } from '../lib/logger.js';
import {
  createClientPool,
  createStopHandler,
  deadlineMarginFromEnv,
  loadOnce,
  notifyBudgetFromEnv,
  type StopEvent,
  systemClock,
} from '../lib/run/index.js';
import type { RunSummary } from '../lib/stop/index.js';
import { CredentialEnv } from '../lib/volc/index.js';

const env = process.env;

// The package root is the folder above this file: dist/ in the bundle (/var/task on Lambda), functions/ in
// source. Resolving against it rather than the working directory finds the bundled configuration wherever
// the platform starts the process.
const packageRoot = fileURLToPath(new URL('..', import.meta.url));

async function loadBundledConfig(): Promise<Config> {
  const { loadConfig, resolveConfigPath } = await import('../lib/config/index.js');
  return loadConfig(resolve(packageRoot, resolveConfigPath(undefined, env)));
}

// Synchronous stdout (createLogger's default): a frozen or ending container must not lose buffered lines.
const logger = createLogger({
  secrets: [...CredentialEnv.secretKey, ...CredentialEnv.sessionToken].map((name) => env[name]),
});

/** The stop function, for `handler: dist/stop.handler`. */
export const handler: Handler<StopEvent, RunSummary> = createStopHandler({
  config: loadOnce(loadBundledConfig),
  clients: (config) => createClientPool(config, { env }),
  logger,
  ...systemClock,
  deadlineMarginMs: deadlineMarginFromEnv(env),
  notifyBudgetMs: notifyBudgetFromEnv(env),
  env,
});
