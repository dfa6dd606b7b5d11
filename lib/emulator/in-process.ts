/**
 * The emulator without a socket: the same core (fleet state, ClientToken memory, rate quota, faults, script,
 * call log) and the same handling of an authenticated request as the HTTP server, reached through the client's
 * own ECS actions (argument checks, parameter flattening) and answer parser (the answer's JSON, errors and
 * their retryability). Only the wire is left out: the TCP connection, the URL encoding and the signature (the
 * caller is the fleet's first key holder; signatures are the HTTP server's to check, and its tests check them).
 * Tests of the layers above the client (the executor, the listing) run on it in-process and on an injected
 * clock, so a run that backs off for minutes takes milliseconds, and what they meet is the emulator's
 * behaviour, not a fake's.
 *
 * What the socket would add is modelled as the HTTP client sees it: a dropped connection is a retryable
 * `ConnectionError`, and a request the emulator never answers (the `hang` answer) a retryable `Timeout` once
 * `timeoutMs` has passed on the injected clock. Latency is waited out in full: only `hang` times out.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode, VolcApiError } from '../errors.js';
import {
  type CallApi,
  type CallContext,
  createEcsApi,
  DEFAULT_MAX_RESULTS,
  DEFAULT_TIMEOUT_MS,
  ECS_API_VERSION,
  type EcsApi,
  parseResponse,
  parseRetryAfter,
  type QueryPairs,
} from '../volc/index.js';
import { encodeAnswer, handleInProcess } from './api.js';
import { EmulatorCore, type EmulatorView, viewOf } from './core.js';
import { type FaultSettings, validateFaults } from './faults.js';
import { validateFleet } from './fleet.js';
import { generateFleet } from './generate.js';
import type { Fleet } from './types.js';

/** Options of {@link createInProcessEmulator}. */
export interface InProcessEmulatorOptions {
  /** The fleet (checked with validateFleet). @default generateFleet({ count: 20, seed: 1 }) */
  fleet?: Fleet;
  /** Timing, rate quota, injected faults and the script. @default {} (instant, unlimited, fault-free) */
  faults?: FaultSettings;
  /** The clock of the emulator and of the clients' signatures, in milliseconds since the epoch. @default Date.now */
  now?: () => number;
  /** How latency, processing time and timeouts are waited out. @default node:timers/promises setTimeout */
  sleep?: (ms: number) => Promise<void>;
  /** How long a client waits for an answer the emulator never gives (`hang`). @default 10000, as the HTTP client */
  timeoutMs?: number;
}

/** An emulator in this process: the view every emulator offers, and ECS clients that reach it without a socket. */
export interface InProcessEmulator extends EmulatorView {
  /** The ECS API of one region, as the fleet's first key pair's holder: the HTTP client's methods, without the wire. */
  clientFor(region: string): EcsApi;
}

/**
 * Makes an emulator that lives in this process.
 *
 * @example
 * const clock = virtualClock();
 * const emulator = createInProcessEmulator({ fleet, faults: { transitionMs: 5_000 }, now: clock.nowMs, sleep: clock.sleep });
 * const result = await executePlan(plan, { clientFor: emulator.clientFor, ...clock, logger }, options);
 */
export function createInProcessEmulator(options: InProcessEmulatorOptions = {}): InProcessEmulator {
  const fleet = options.fleet ? validateFleet(options.fleet) : generateFleet({ count: 20, seed: 1 });
  const core = new EmulatorCore(fleet, validateFaults(options.faults ?? {}), {
    now: options.now ?? Date.now,
    sleep: options.sleep ?? ((ms) => sleep(ms)),
  });
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const view = viewOf(core);
  return Object.defineProperties(view, {
    clientFor: {
      value: (region: string) =>
        createEcsApi(region, inProcessCall(core, region, timeoutMs), DEFAULT_MAX_RESULTS),
      enumerable: true,
    },
  }) as InProcessEmulator;
}

/** One ECS request of `region`, from the fleet's first key holder, handled as the server handles it once signed. */
function inProcessCall(core: EmulatorCore, region: string, timeoutMs: number): CallApi {
  return async (action, params, parse) => {
    const context: CallContext = { action, region };
    const pairs: QueryPairs = [['Action', action], ['Version', ECS_API_VERSION], ...params];
    const { accessKeyId } = core.state.credentials.values().next().value!;
    const answer = await handleInProcess(core, { accessKeyId, region, pairs });
    if (answer.kind === 'drop') {
      throw new VolcApiError({
        ...context,
        code: ErrorCode.ConnectionError,
        message: 'ECONNRESET: the emulator dropped the connection',
        httpStatus: 0,
        retryable: true,
      });
    }
    if (answer.kind === 'hang') {
      await core.deps.sleep(timeoutMs);
      throw new VolcApiError({
        ...context,
        code: ErrorCode.Timeout,
        message: `no complete answer within ${timeoutMs} ms`,
        httpStatus: 0,
        retryable: true,
      });
    }
    const { status, headers, body } = encodeAnswer(answer);
    // As over the wire: a Retry-After the faults ask for reaches the limiter on the error.
    const retryAfterMs = parseRetryAfter(headers['retry-after'], core.deps.now());
    const answered = retryAfterMs === undefined ? context : { ...context, retryAfterMs };
    return parse(context, parseResponse(answered, status, Buffer.from(body)));
  };
}
