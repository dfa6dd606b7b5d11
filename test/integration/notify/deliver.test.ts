/**
 * Delivery against the local receiver (a real HTTP server that checks each platform's token and signature and
 * answers as the platform does): every platform accepts a signed message, a wrong secret is refused with the
 * platform's code and not retried, rate limits and 5xx are retried within the budget, a hang costs at most it.
 */
import { Agent } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import type { NotifyType } from '../../../lib/config/types.js';
import type { WebhookPlatform } from '../../../lib/emulator/index.js';
import { ErrorCode } from '../../../lib/errors.js';
import {
  buildMessage,
  deliver,
  NOTIFY_RETRY,
  renderPayload,
  resolveTarget,
} from '../../../lib/notify/index.js';
import { systemClock } from '../../../lib/run/index.js';
import { virtualClock } from '../../support/clock.js';
import { startReceiver, WEBHOOK_SECRET, WEBHOOK_TOKEN } from '../../support/webhooks.js';

const dispatcher = new Agent();
afterAll(() => dispatcher.destroy());

const message = buildMessage(
  { schedules: [{ name: 'nightly', timezone: 'Asia/Shanghai' } as never], timezone: 'UTC' },
  {
    tick: '2026-03-09T14:00:00.000Z',
    dryRun: false,
    fires: [{ schedule: 'nightly', fireTime: '2026-03-09T14:00:00.000Z', action: 'stop' }],
    outcomes: [
      {
        event: 'instance.outcome',
        schedule: 'nightly',
        fireTime: '2026-03-09T14:00:00.000Z',
        action: 'stop',
        region: 'cn-beijing',
        instanceId: 'i-one',
        instanceName: 'one',
        outcome: 'failed',
        reason: 'locked',
        stoppedMode: null,
        forceStop: null,
        errorCode: 'OperationDenied.ResourceLocked',
        attempts: 1,
        requestId: null,
      },
    ],
  },
  {},
);

function target(type: WebhookPlatform, url: string, secret?: string) {
  const resolved = resolveTarget(
    {
      type: type as NotifyType,
      urlEnv: 'URL',
      ...(secret !== undefined && { secretEnv: 'SECRET' }),
      when: 'always',
    },
    0,
    { URL: url, ...(secret !== undefined && { SECRET: secret }) },
  );
  if (!('url' in resolved)) throw new Error(resolved.answer);
  return resolved;
}

const SIGNING: WebhookPlatform[] = ['feishu', 'lark', 'dingtalk', 'webhook'];
const ALL: WebhookPlatform[] = [...SIGNING, 'wecom', 'slack'];

describe('deliver to the local receiver', () => {
  it.each(ALL)('%s: the receiver verifies the token and signature and accepts the message', async (type) => {
    const receiver = await startReceiver();
    const t = target(type, receiver.urlFor(type), SIGNING.includes(type) ? WEBHOOK_SECRET : undefined);
    const clock = virtualClock();
    const result = await deliver(
      t,
      renderPayload(type as NotifyType, message),
      { deadlineAtMs: clock.nowMs() + 5_000 },
      { ...clock, dispatcher },
    );
    expect(result).toMatchObject({ ok: true, attempts: 1 });
    const [got] = receiver.received();
    expect(got).toMatchObject({ platform: type, accepted: true });
    expect(JSON.stringify(got?.body)).toContain('OperationDenied.ResourceLocked');
  });

  it.each([
    ['feishu', '19021'],
    ['lark', '19021'],
    ['dingtalk', '310000'],
  ] as const)(
    '%s: a wrong secret is refused with code %s, once, and the answer hides the token',
    async (type, code) => {
      const receiver = await startReceiver();
      const clock = virtualClock();
      const result = await deliver(
        target(type, receiver.urlFor(type), 'not-the-secret'),
        renderPayload(type, message),
        { deadlineAtMs: clock.nowMs() + 5_000 },
        { ...clock, dispatcher },
      );
      expect(result).toMatchObject({
        ok: false,
        attempts: 1,
        errorCode: ErrorCode.NotifyRejected,
        platformCode: code,
      });
      expect(receiver.received()[0]?.refusal).toBe('bad-signature');
      expect(JSON.stringify(result)).not.toContain(WEBHOOK_TOKEN);
    },
  );

  it('a signed webhook with a wrong secret is refused with 401', async () => {
    const receiver = await startReceiver();
    const clock = virtualClock();
    const result = await deliver(
      target('webhook', receiver.urlFor('webhook'), 'not-the-secret'),
      renderPayload('webhook', message),
      { deadlineAtMs: clock.nowMs() + 5_000 },
      { ...clock, dispatcher },
    );
    expect(result).toMatchObject({ ok: false, attempts: 1, httpStatus: 401 });
  });

  it.each(ALL)('%s: a rate-limit answer is retried with backoff, and the retry is accepted', async (type) => {
    const receiver = await startReceiver();
    receiver.behave('rate-limit', 2);
    const clock = virtualClock();
    const result = await deliver(
      target(type, receiver.urlFor(type), SIGNING.includes(type) ? WEBHOOK_SECRET : undefined),
      renderPayload(type as NotifyType, message),
      { deadlineAtMs: clock.nowMs() + 10_000 },
      { ...clock, dispatcher },
    );
    expect(result).toMatchObject({ ok: true, attempts: 3 });
    expect(receiver.received().map((r) => r.refusal ?? 'accepted')).toEqual([
      'rate-limit',
      'rate-limit',
      'accepted',
    ]);
    expect(clock.elapsedMs()).toBeGreaterThan(0);
  });

  it('5xx forever: a bounded number of attempts, all inside the budget', async () => {
    const receiver = await startReceiver({ behaviour: 'server-error' });
    const clock = virtualClock();
    const deadlineAtMs = clock.nowMs() + 3_000;
    const result = await deliver(
      target('feishu', receiver.urlFor('feishu'), WEBHOOK_SECRET),
      renderPayload('feishu', message),
      { deadlineAtMs },
      { ...clock, dispatcher },
    );
    expect(result.ok).toBe(false);
    expect(result.httpStatus).toBe(500);
    expect(result.attempts).toBeLessThanOrEqual(NOTIFY_RETRY.maxAttempts);
    expect(receiver.received()).toHaveLength(result.attempts);
    expect(clock.nowMs()).toBeLessThanOrEqual(deadlineAtMs);
  });

  it('a hang costs at most the budget, then gives up with NotifyTimeout', async () => {
    const receiver = await startReceiver({ behaviour: 'hang' });
    const budgetMs = 400;
    const startedMs = Date.now();
    const result = await deliver(
      target('dingtalk', receiver.urlFor('dingtalk'), WEBHOOK_SECRET),
      renderPayload('dingtalk', message),
      { deadlineAtMs: Date.now() + budgetMs },
      { ...systemClock, dispatcher },
    );
    expect(result).toMatchObject({ ok: false, errorCode: ErrorCode.NotifyTimeout, httpStatus: 0 });
    expect(Date.now() - startedMs).toBeLessThan(budgetMs + 250);
  });

  it('no time left: nothing is sent', async () => {
    const receiver = await startReceiver();
    const clock = virtualClock();
    const result = await deliver(
      target('slack', receiver.urlFor('slack')),
      renderPayload('slack', message),
      { deadlineAtMs: clock.nowMs() },
      { ...clock, dispatcher },
    );
    expect(result).toMatchObject({ ok: false, attempts: 0, errorCode: ErrorCode.NotifyBudgetExhausted });
    expect(receiver.received()).toEqual([]);
  });

  it.each([
    ['unset', {}, ErrorCode.NotifyUrlUnset],
    ['not a URL', { URL: 'feishu bot' }, ErrorCode.NotifyUrlInvalid],
    [
      'plain http off loopback',
      { URL: 'http://open.feishu.cn/open-apis/bot/v2/hook/x' },
      ErrorCode.NotifyUrlInvalid,
    ],
    [
      'a secret variable unset',
      { URL: 'https://open.feishu.cn/open-apis/bot/v2/hook/x' },
      ErrorCode.NotifySecretUnset,
    ],
  ])(
    'a target whose URL is %s is not sent to, and the reason names the variable only',
    (_name, env, code) => {
      const resolved = resolveTarget(
        { type: 'feishu', urlEnv: 'URL', secretEnv: 'SECRET', when: 'always' },
        2,
        env,
      );
      expect(resolved).toMatchObject({ name: 'notify[2]', errorCode: code });
      expect(JSON.stringify(resolved)).not.toContain('/hook/x');
    },
  );
});
