/**
 * Posts one payload to one target: signs it as the platform wants, sends it with undici under a short timeout,
 * reads the answer (Feishu, DingTalk and WeCom answer HTTP 200 with a code in the body: a non-zero code is a
 * refusal), and retries with backoff on 429, 5xx, a timeout and the platforms' rate-limit codes, never past
 * the deadline. It never throws: the result says what happened, with no URL token or secret in it.
 */
import type { Dispatcher } from 'undici';
import { type NotifyTarget, NotifyType } from '../config/index.js';
import { ErrorCode } from '../errors.js';
import { maskSecrets } from '../logger.js';
import { isLoopbackHost, loadUndici } from '../volc/index.js';
import type { Payload } from './render.js';
import {
  dingtalkSign,
  feishuSign,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  webhookSign,
} from './sign.js';

/** The codes of a notification that was not delivered (the `errorCode` of `notify.failed`): lib/errors' `Notify*`. */
export type NotifyErrorCode = Extract<ErrorCode, `Notify${string}`>;

/**
 * The delivery policy: a few attempts, full-jitter exponential backoff, and a per-attempt timeout. A repeated
 * post is a repeated message in the chat, which is why attempts are few; every retry is for an answer that
 * means "not posted" (429, 5xx, a rate-limit code) or no answer at all.
 */
export const NOTIFY_RETRY = {
  /** Attempts per target, the first included. */
  maxAttempts: 4,
  /** First backoff ceiling. */
  baseMs: 500,
  /** Largest backoff ceiling. */
  capMs: 4_000,
  /** One attempt's timeout (connect, headers and body). */
  attemptTimeoutMs: 5_000,
  /** An attempt with less time than this left is not started. */
  minAttemptMs: 50,
} as const;

/** Body codes that mean "rate limited, try later" (HTTP 200 or 400 with this code in the body). */
const RATE_LIMIT_CODES: Readonly<Record<NotifyType, readonly number[]>> = {
  [NotifyType.Feishu]: [11232],
  [NotifyType.Lark]: [11232],
  [NotifyType.DingTalk]: [130101],
  [NotifyType.WeCom]: [45009],
  [NotifyType.Slack]: [],
  [NotifyType.Webhook]: [],
};

/** A target ready to send to: its URL and secret read from the environment. */
export interface ResolvedTarget {
  /** `notify[0]`: which target, for logs (never the URL). */
  name: string;
  type: NotifyType;
  url: URL;
  secret?: string;
}

/** What happened to one target. */
export interface DeliveryResult {
  ok: boolean;
  attempts: number;
  errorCode?: NotifyErrorCode;
  /** The last HTTP status; 0 when none arrived. */
  httpStatus: number;
  /** The platform's body code (`19021`, `310000`, ...), when it gave one. */
  platformCode?: string;
  /** The platform's answer (or the failure), cut short, with the URL and secret masked. */
  answer: string;
}

/**
 * Reads a target's URL and secret from `env`; the error names the variable, never its value.
 *
 * @example
 * resolveTarget(config.notify[0], 0, process.env);
 */
export function resolveTarget(
  target: NotifyTarget,
  index: number,
  env: NodeJS.ProcessEnv,
): ResolvedTarget | { name: string; errorCode: NotifyErrorCode; answer: string } {
  const name = `notify[${index}]`;
  const raw = env[target.urlEnv]?.trim();
  if (!raw) return { name, errorCode: ErrorCode.NotifyUrlUnset, answer: `${target.urlEnv} is not set` };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { name, errorCode: ErrorCode.NotifyUrlInvalid, answer: `${target.urlEnv} does not hold a URL` };
  }
  const problem =
    url.username !== '' || url.password !== ''
      ? 'holds a user name or password'
      : url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))
        ? undefined
        : `must be https:// (http:// only on a loopback host), got ${url.protocol}//${url.host}`;
  if (problem) return { name, errorCode: ErrorCode.NotifyUrlInvalid, answer: `${target.urlEnv} ${problem}` };
  if (target.secretEnv === undefined) return { name, type: target.type, url };
  const secret = env[target.secretEnv];
  if (!secret) {
    return { name, errorCode: ErrorCode.NotifySecretUnset, answer: `${target.secretEnv} is not set` };
  }
  return { name, type: target.type, url, secret };
}

/** The request of one attempt: signed at the attempt's time, so a retry never carries a stale timestamp. */
function signedRequest(target: ResolvedTarget, payload: Payload, nowMs: number) {
  const url = new URL(target.url);
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  let body = payload;
  const seconds = Math.floor(nowMs / 1000);
  if (target.secret !== undefined) {
    if (target.type === NotifyType.Feishu || target.type === NotifyType.Lark) {
      body = { timestamp: String(seconds), sign: feishuSign(seconds, target.secret), ...payload };
    } else if (target.type === NotifyType.DingTalk) {
      url.searchParams.set('timestamp', String(nowMs));
      url.searchParams.set('sign', dingtalkSign(nowMs, target.secret));
    }
  }
  const text = JSON.stringify(body);
  if (target.secret !== undefined && target.type === NotifyType.Webhook) {
    headers[WEBHOOK_TIMESTAMP_HEADER] = String(seconds);
    headers[WEBHOOK_SIGNATURE_HEADER] = webhookSign(seconds, text, target.secret);
  }
  return { url, headers, body: text };
}

/** One answer, read. */
interface Answer {
  ok: boolean;
  retryable: boolean;
  httpStatus: number;
  platformCode?: string;
  errorCode?: NotifyErrorCode;
  text: string;
  retryAfterMs?: number;
}

/** The body code of a JSON answer: `code` (Feishu/Lark, also `StatusCode`), `errcode` (DingTalk, WeCom). */
function bodyCode(text: string): number | undefined {
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    const code = json.code ?? json.StatusCode ?? json.errcode;
    return typeof code === 'number'
      ? code
      : typeof code === 'string' && /^\d+$/.test(code)
        ? Number(code)
        : undefined;
  } catch {
    return undefined;
  }
}

/** `Retry-After` in seconds or as an HTTP date, in milliseconds from `nowMs`. */
function retryAfterMs(value: string | string[] | undefined, nowMs: number): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return undefined;
  if (/^\d+$/.test(text.trim())) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** What an HTTP answer means for a platform. */
export function readAnswer(type: NotifyType, httpStatus: number, text: string): Omit<Answer, 'retryAfterMs'> {
  const transient = httpStatus === 429 || httpStatus >= 500;
  const success = httpStatus >= 200 && httpStatus < 300;
  if (type === NotifyType.Slack || type === NotifyType.Webhook) {
    const ok = success && (type === NotifyType.Webhook || text.trim() === 'ok');
    return {
      ok,
      retryable: !ok && transient,
      httpStatus,
      text,
      ...(!ok && { errorCode: ErrorCode.NotifyRejected }),
    };
  }
  const code = bodyCode(text);
  const ok = success && code === 0;
  const rateLimited = code !== undefined && RATE_LIMIT_CODES[type].includes(code);
  return {
    ok,
    retryable: !ok && (transient || rateLimited),
    httpStatus,
    text,
    ...(code !== undefined && { platformCode: String(code) }),
    ...(!ok && { errorCode: ErrorCode.NotifyRejected }),
  };
}

/** Reads at most 16 KiB of an answer: enough for any platform's JSON, and a bound on a hostile one. */
async function readBody(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size >= 16_384) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, 16_384);
}

/** What delivery takes from outside. */
export interface DeliverDeps {
  nowMs(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
  dispatcher: Dispatcher;
}

async function attempt(
  target: ResolvedTarget,
  payload: Payload,
  timeoutMs: number,
  deps: DeliverDeps,
): Promise<Answer> {
  const nowMs = deps.nowMs();
  const req = signedRequest(target, payload, nowMs);
  try {
    // undici loads with the first request of the process (lib/volc's loadUndici), not at import.
    const { request } = await loadUndici();
    const res = await request(req.url, {
      method: 'POST',
      headers: req.headers,
      body: req.body,
      dispatcher: deps.dispatcher,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await readBody(res.body);
    const answer = readAnswer(target.type, res.statusCode, text);
    const after = retryAfterMs(res.headers['retry-after'], nowMs);
    return after === undefined ? answer : { ...answer, retryAfterMs: after };
  } catch (error) {
    const name = (error as Error).name;
    const timedOut =
      name === 'TimeoutError' ||
      name === 'AbortError' ||
      /Timeout/.test((error as { code?: string }).code ?? '');
    return {
      ok: false,
      retryable: true,
      httpStatus: 0,
      errorCode: timedOut ? ErrorCode.NotifyTimeout : ErrorCode.NotifyUnreachable,
      text: timedOut
        ? `no answer within ${timeoutMs} ms`
        : `connection failed (${(error as { code?: string }).code ?? name})`,
    };
  }
}

/** The answer as logged: cut to 300 characters, URL, its token and the secret masked. */
function loggable(target: ResolvedTarget, text: string): string {
  const hidden = [target.url.href, target.url.pathname, target.url.search, target.secret ?? '']
    .filter((s) => s.length >= 8)
    .concat([...target.url.searchParams.values()].filter((v) => v.length >= 8));
  return maskSecrets(text.replace(/\s+/g, ' ').trim().slice(0, 300), hidden);
}

/**
 * Posts `payload` to `target` until it is accepted, refused for good, out of attempts, or out of time.
 *
 * @example
 * const result = await deliver(target, renderPayload('feishu', message), { deadlineAtMs: nowMs() + 10_000 }, deps);
 */
export async function deliver(
  target: ResolvedTarget,
  payload: Payload,
  options: { deadlineAtMs: number },
  deps: DeliverDeps,
): Promise<DeliveryResult> {
  let last: Answer | undefined;
  let attempts = 0;
  while (attempts < NOTIFY_RETRY.maxAttempts) {
    const remainingMs = options.deadlineAtMs - deps.nowMs();
    if (remainingMs < NOTIFY_RETRY.minAttemptMs) break;
    attempts += 1;
    last = await attempt(target, payload, Math.min(NOTIFY_RETRY.attemptTimeoutMs, remainingMs), deps);
    if (last.ok || !last.retryable || attempts >= NOTIFY_RETRY.maxAttempts) break;
    const ceiling = Math.min(NOTIFY_RETRY.capMs, NOTIFY_RETRY.baseMs * 2 ** (attempts - 1));
    const delayMs = last.retryAfterMs ?? Math.floor(deps.random() * ceiling);
    if (deps.nowMs() + delayMs + NOTIFY_RETRY.minAttemptMs > options.deadlineAtMs) break;
    await deps.sleep(delayMs);
  }
  if (!last) {
    return {
      ok: false,
      attempts,
      errorCode: ErrorCode.NotifyBudgetExhausted,
      httpStatus: 0,
      answer: 'no time left in the notification budget',
    };
  }
  return {
    ok: last.ok,
    attempts,
    httpStatus: last.httpStatus,
    ...(last.errorCode !== undefined && !last.ok && { errorCode: last.errorCode }),
    ...(last.platformCode !== undefined && { platformCode: last.platformCode }),
    answer: loggable(target, last.text),
  };
}
