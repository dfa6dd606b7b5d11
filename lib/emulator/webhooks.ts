/**
 * A local receiver for run notifications: a real node:http server that answers as Feishu, Lark, DingTalk,
 * WeCom, Slack and a generic webhook do (docs/notifications.md), so that lights-out's delivery is tested, and
 * a user can try a `notify:` configuration, without a real bot. It checks each platform's token and signature,
 * records what it received, and can be told to rate-limit, fail with 5xx or hang.
 *
 * Paths: `/feishu/<token>`, `/lark/<token>`, `/dingtalk?access_token=<token>`, `/wecom?key=<token>`,
 * `/slack/<token>`, `/webhook/<token>`. A URL for a target is `receiver.urlFor(type)`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The platforms the receiver speaks. */
export type WebhookPlatform = 'feishu' | 'lark' | 'dingtalk' | 'wecom' | 'slack' | 'webhook';

/** How the receiver answers the next requests; a valid request is answered `ok`, else the platform's error. */
export type WebhookBehaviour = 'ok' | 'rate-limit' | 'server-error' | 'hang';

/** One request as received. */
export interface ReceivedWebhook {
  platform: WebhookPlatform;
  /** True when the token matched and, with a secret, the signature checked. */
  accepted: boolean;
  /** Why it was refused (`bad-token`, `bad-signature`, `stale-timestamp`, `rate-limit`, ...), when it was. */
  refusal?: string;
  /** What the receiver answered: HTTP status (0 for a hang) and the platform's body code, when it has one. */
  httpStatus: number;
  code?: number;
  /** The parsed JSON body (signing fields included). */
  body: Record<string, unknown>;
  /** When it arrived, on the receiver's clock. */
  atMs: number;
}

/** Options of {@link startWebhookReceiver}. */
export interface WebhookReceiverOptions {
  /** The token each URL carries. @default a fixed test token */
  token?: string;
  /** Signing secrets per platform (feishu, lark, dingtalk, webhook): signed requests are required where set. */
  secrets?: Partial<Record<WebhookPlatform, string>>;
  /** How requests are answered, until {@link WebhookReceiver.behave} says otherwise. @default 'ok' */
  behaviour?: WebhookBehaviour;
  /** The receiver's clock, for timestamp checks. @default Date.now */
  nowMs?: () => number;
}

/** A running receiver. */
export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** The URL a target of `platform` posts to (the token included). */
  urlFor(platform: WebhookPlatform): string;
  /** Every request, in arrival order. */
  received(): ReceivedWebhook[];
  /** Answers the next `times` requests (all, when omitted) with `behaviour`, then goes back to the previous one. */
  behave(behaviour: WebhookBehaviour, times?: number): void;
  /** Stops listening and drops every connection, hanging ones included. */
  close(): Promise<void>;
}

/** Signed timestamps older or newer than this are refused, as the platforms do (one hour). */
const MAX_SKEW_MS = 3_600_000;

/** The platforms' answers (docs/notifications.md). */
const ANSWERS = {
  feishu: {
    ok: { status: 200, body: { code: 0, msg: 'success', data: {} } },
    'bad-token': {
      status: 200,
      body: { code: 19001, msg: 'param invalid: incoming webhook access token invalid' },
    },
    'bad-signature': {
      status: 200,
      body: { code: 19021, msg: 'sign match fail or timestamp is not within one hour from current time' },
    },
    'rate-limit': { status: 200, body: { code: 11232, msg: 'frequency limited' } },
  },
  dingtalk: {
    ok: { status: 200, body: { errcode: 0, errmsg: 'ok' } },
    'bad-token': { status: 200, body: { errcode: 300001, errmsg: 'token is not exist' } },
    'bad-signature': { status: 200, body: { errcode: 310000, errmsg: 'sign not match' } },
    'rate-limit': {
      status: 200,
      body: { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' },
    },
  },
  wecom: {
    ok: { status: 200, body: { errcode: 0, errmsg: 'ok' } },
    'bad-token': { status: 200, body: { errcode: 93000, errmsg: 'invalid webhook url' } },
    'bad-signature': { status: 200, body: { errcode: 93000, errmsg: 'invalid webhook url' } },
    'rate-limit': { status: 200, body: { errcode: 45009, errmsg: 'api freq out of limit' } },
  },
  slack: {
    ok: { status: 200, text: 'ok' },
    'bad-token': { status: 403, text: 'invalid_token' },
    'bad-signature': { status: 403, text: 'invalid_token' },
    'rate-limit': { status: 429, text: 'rate_limited', retryAfter: '1' },
  },
  webhook: {
    ok: { status: 200, body: { ok: true } },
    'bad-token': { status: 404, body: { ok: false, error: 'unknown hook' } },
    'bad-signature': { status: 401, body: { ok: false, error: 'bad signature' } },
    'rate-limit': { status: 429, body: { ok: false, error: 'rate limited' }, retryAfter: '1' },
  },
} as const;

type Answer = { status: number; body?: object; text?: string; retryAfter?: string };
type Verdict = 'ok' | 'bad-token' | 'bad-signature' | 'stale-timestamp';

const equal = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Checks the token and the signature the way the platform does. */
function verify(
  platform: WebhookPlatform,
  url: URL,
  headers: IncomingMessage['headers'],
  raw: string,
  body: Record<string, unknown>,
  options: { token: string; secret: string | undefined; nowMs: number },
): Verdict {
  const [, , pathToken] = url.pathname.split('/');
  const token =
    platform === 'dingtalk'
      ? url.searchParams.get('access_token')
      : platform === 'wecom'
        ? url.searchParams.get('key')
        : pathToken;
  if (token === null || token === undefined || !equal(token, options.token)) return 'bad-token';
  const secret = options.secret;
  if (secret === undefined) return 'ok';
  const fresh = (ms: number) => Math.abs(options.nowMs - ms) <= MAX_SKEW_MS;
  if (platform === 'feishu' || platform === 'lark') {
    const seconds = Number(body.timestamp);
    if (!Number.isSafeInteger(seconds) || typeof body.sign !== 'string') return 'bad-signature';
    const expected = createHmac('sha256', `${seconds}\n${secret}`).update('').digest('base64');
    if (!equal(body.sign, expected)) return 'bad-signature';
    return fresh(seconds * 1000) ? 'ok' : 'stale-timestamp';
  }
  if (platform === 'dingtalk') {
    const ms = Number(url.searchParams.get('timestamp'));
    const sign = url.searchParams.get('sign');
    if (!Number.isSafeInteger(ms) || sign === null) return 'bad-signature';
    const expected = createHmac('sha256', secret).update(`${ms}\n${secret}`).digest('base64');
    if (!equal(sign, expected)) return 'bad-signature';
    return fresh(ms) ? 'ok' : 'stale-timestamp';
  }
  if (platform === 'webhook') {
    const seconds = Number(headers['x-lights-out-timestamp']);
    const sign = headers['x-lights-out-signature'];
    if (!Number.isSafeInteger(seconds) || typeof sign !== 'string') return 'bad-signature';
    const expected = `sha256=${createHmac('sha256', secret).update(`${seconds}.${raw}`).digest('hex')}`;
    if (!equal(sign, expected)) return 'bad-signature';
    return fresh(seconds * 1000) ? 'ok' : 'stale-timestamp';
  }
  return 'ok';
}

function answersOf(platform: WebhookPlatform) {
  return platform === 'lark' ? ANSWERS.feishu : ANSWERS[platform];
}

function send(res: ServerResponse, answer: Answer): void {
  const headers: Record<string, string> = {
    'content-type': answer.text === undefined ? 'application/json' : 'text/plain',
  };
  if (answer.retryAfter !== undefined) headers['retry-after'] = answer.retryAfter;
  res.writeHead(answer.status, headers);
  res.end(answer.text ?? JSON.stringify(answer.body));
}

const PLATFORMS: readonly WebhookPlatform[] = ['feishu', 'lark', 'dingtalk', 'wecom', 'slack', 'webhook'];

/**
 * Starts a receiver on 127.0.0.1 and a free port.
 *
 * @example
 * const receiver = await startWebhookReceiver({ secrets: { feishu: 'test-secret' } });
 * env.FEISHU_URL = receiver.urlFor('feishu');
 */
export async function startWebhookReceiver(options: WebhookReceiverOptions = {}): Promise<WebhookReceiver> {
  const token = options.token ?? 'receiver-token-0000';
  const nowMs = options.nowMs ?? Date.now;
  const received: ReceivedWebhook[] = [];
  let standing: WebhookBehaviour = options.behaviour ?? 'ok';
  const queue: WebhookBehaviour[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const platform = PLATFORMS.find((p) => url.pathname === `/${p}` || url.pathname.startsWith(`/${p}/`));
      if (req.method !== 'POST' || platform === undefined) {
        send(res, { status: 404, text: 'not found' });
        return;
      }
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        send(res, { status: 400, text: 'invalid json' });
        return;
      }
      const atMs = nowMs();
      const behaviour = queue.shift() ?? standing;
      const record = (accepted: boolean, answer: Answer | undefined, refusal?: string) => {
        const code = (answer?.body as { code?: number; errcode?: number } | undefined) ?? {};
        const bodyCode = code.code ?? code.errcode;
        received.push({
          platform,
          accepted,
          ...(refusal !== undefined && { refusal }),
          httpStatus: answer?.status ?? 0,
          ...(bodyCode !== undefined && { code: bodyCode }),
          body,
          atMs,
        });
      };
      if (behaviour === 'hang') {
        record(false, undefined, 'hang');
        return; // never answered; close() drops the connection
      }
      if (behaviour === 'server-error') {
        const answer = { status: 500, text: 'internal error' };
        record(false, answer, 'server-error');
        send(res, answer);
        return;
      }
      const answers = answersOf(platform);
      if (behaviour === 'rate-limit') {
        record(false, answers['rate-limit'], 'rate-limit');
        send(res, answers['rate-limit']);
        return;
      }
      const verdict = verify(platform, url, req.headers, raw, body, {
        token,
        secret: options.secrets?.[platform],
        nowMs: atMs,
      });
      const answer =
        verdict === 'ok'
          ? answers.ok
          : verdict === 'bad-token'
            ? answers['bad-token']
            : answers['bad-signature'];
      record(verdict === 'ok', answer, verdict === 'ok' ? undefined : verdict);
      send(res, answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return {
    url: base,
    urlFor(platform) {
      if (platform === 'dingtalk') return `${base}/dingtalk/robot/send?access_token=${token}`;
      if (platform === 'wecom') return `${base}/wecom/cgi-bin/webhook/send?key=${token}`;
      return `${base}/${platform}/${token}`;
    },
    received: () => [...received],
    behave(behaviour, times) {
      if (times === undefined) {
        standing = behaviour;
        queue.length = 0;
      } else {
        for (let i = 0; i < times; i++) queue.push(behaviour);
      }
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
