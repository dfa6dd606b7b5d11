import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  buildMessage,
  cutToBytes,
  dingtalkSign,
  feishuSign,
  inert,
  MAX_LISTED_FAILURES,
  messageText,
  type RunReport,
  readAnswer,
  renderPayload,
  shouldSend,
  WECOM_MAX_BYTES,
} from '../../../lib/notify/index.js';
import type { InstanceOutcome, RunSummary } from '../../../lib/stop/types.js';

const FIRE = '2026-03-09T14:00:00.000Z';
const CONFIG = {
  timezone: 'UTC',
  schedules: [
    { name: 'office-hours', timezone: 'Asia/Shanghai' },
    { name: 'batch', timezone: 'UTC' },
  ] as never,
};

function outcome(id: string, outcome: string, extra: Partial<InstanceOutcome> = {}): InstanceOutcome {
  return {
    event: 'instance.outcome',
    schedule: 'office-hours',
    fireTime: FIRE,
    action: 'stop',
    region: 'cn-beijing',
    instanceId: id,
    instanceName: id,
    outcome: outcome as InstanceOutcome['outcome'],
    reason: '',
    stoppedMode: null,
    forceStop: null,
    errorCode: outcome === 'failed' ? 'OperationDenied.ResourceLocked' : null,
    attempts: 1,
    requestId: null,
    ...extra,
  };
}

function report(outcomes: InstanceOutcome[], summary: Partial<RunSummary> = {}): RunReport {
  return {
    tick: FIRE,
    dryRun: false,
    fires: [
      { schedule: 'office-hours', fireTime: FIRE, action: 'stop' },
      { schedule: 'batch', fireTime: FIRE, action: 'stop' },
    ],
    outcomes,
    summary: { guardRefused: false, ...summary } as RunSummary,
    plan: { guard: { stops: outcomes.length, starts: 0, maxInstancesPerRun: 1000, exceeded: false } },
  };
}

describe('buildMessage', () => {
  it('counts every outcome present, changes first, with the fires in local time', () => {
    const m = buildMessage(
      CONFIG,
      report([
        outcome('a', 'skipped'),
        outcome('b', 'started'),
        outcome('c', 'stopped'),
        outcome('d', 'already-running'),
      ]),
      {},
    );
    expect(m.counts).toEqual([
      { outcome: 'stopped', count: 1 },
      { outcome: 'started', count: 1 },
      { outcome: 'already-running', count: 1 },
      { outcome: 'skipped', count: 1 },
    ]);
    expect(m.fires[0]?.local).toBe('2026-03-09 22:00 Asia/Shanghai');
    expect(messageText(m)).toContain('lights-out: 1 stopped, 1 started, 1 already-running, 1 skipped');
  });

  it(`lists at most ${MAX_LISTED_FAILURES} failures, then "and N more"`, () => {
    const failed = Array.from({ length: 23 }, (_, i) => outcome(`i-f${i}`, 'failed'));
    const m = buildMessage(CONFIG, report(failed), {});
    expect(m.failures).toHaveLength(20);
    expect(m.moreFailures).toBe(3);
    const text = messageText(m);
    expect(text).toContain('Failed (23)');
    expect(text).toContain('and 3 more');
    expect(text).not.toContain('i-f20');
  });

  it('tells the guard, capacity refusals, strays and savings', () => {
    const m = buildMessage(
      CONFIG,
      {
        ...report(
          [outcome('x', 'skipped', { reason: 'unknown-schedule', schedule: 'office-hour', fireTime: null })],
          {
            guardRefused: true,
            capacityRefusals: 3,
            savings: {
              instanceHours: 48,
              amount: 26.88,
              currency: 'CNY',
              bySchedule: {
                'office-hours': {
                  instances: 2,
                  instanceHours: 48,
                  amount: 26.88,
                  until: FIRE,
                  basis: 'same-time-next-day',
                },
              },
            },
          } as Partial<RunSummary>,
        ),
        plan: { guard: { stops: 1200, starts: 0, maxInstancesPerRun: 1000, exceeded: true } },
      },
      {},
    );
    const text = messageText(m);
    expect(text).toContain('the guard refused the run');
    expect(text).toContain('1200 stops exceed guard.maxInstancesPerRun 1000');
    expect(text).toContain('Capacity refusals: 3 instances');
    expect(text).toContain('names no configured schedule (office-hour)');
    expect(text).toContain('Saved: 48 instance-hours, 26.88 CNY (until the same time the next day');
    expect(text).toContain('tick 2026-03-09T14:00:00Z');
  });

  it('a target limited to schedules hears only about them, and not about strays', () => {
    const m = buildMessage(
      CONFIG,
      report([
        outcome('a', 'stopped'),
        outcome('b', 'stopped', { schedule: 'batch' }),
        outcome('x', 'skipped', { reason: 'unknown-schedule', schedule: 'nope', fireTime: null }),
      ]),
      { schedules: ['batch'] },
    );
    expect(m.fires.map((f) => f.schedule)).toEqual(['batch']);
    expect(m.counts).toEqual([{ outcome: 'stopped', count: 1 }]);
    expect(m.strays).toEqual([]);
  });

  it.each([
    ['always', [], true],
    ['changes', [], false],
    ['changes', ['stopped'], true],
    ['changes', ['started'], true],
    ['changes', ['skipped', 'dry-run'], false],
    ['failures', ['stopped'], false],
    ['failures', ['failed'], true],
  ] as const)('when: %s with %j sends: %s', (when, outcomes, expected) => {
    const m = buildMessage(CONFIG, report(outcomes.map((o, i) => outcome(`i-${i}`, o))), {});
    expect(shouldSend(m, when)).toBe(expected);
  });

  it('sends nothing for a run in which none of the target’s schedules fired, whatever when says', () => {
    const m = buildMessage(CONFIG, report([]), { schedules: ['weekly'] });
    expect(shouldSend(m, 'always')).toBe(false);
  });
});

describe('rendering', () => {
  const m = buildMessage(
    CONFIG,
    report([
      outcome('i-1', 'stopped'),
      outcome('i-2', 'failed', { instanceName: '<at user_id="all">*boom*</at> @all' }),
    ]),
    {},
  );

  it('makes outside text inert: no markup, no mention', () => {
    expect(inert('<at user_id="all">*x*</at> @all')).not.toMatch(/[<>*@]/);
    for (const type of ['feishu', 'dingtalk', 'wecom', 'slack'] as const) {
      const text = JSON.stringify(renderPayload(type, m));
      expect(text).not.toContain('@all');
      expect(text).not.toContain('<at');
    }
  });

  it('each platform gets its own shape', () => {
    expect(renderPayload('feishu', m)).toMatchObject({
      msg_type: 'interactive',
      card: { header: { template: 'red' } },
    });
    expect(renderPayload('lark', m)).toMatchObject({ msg_type: 'interactive' });
    expect(renderPayload('dingtalk', m)).toMatchObject({
      msgtype: 'markdown',
      markdown: { title: expect.any(String) },
    });
    expect(renderPayload('wecom', m)).toMatchObject({
      msgtype: 'markdown',
      markdown: { content: expect.any(String) },
    });
    expect(renderPayload('slack', m)).toMatchObject({ text: expect.any(String), blocks: expect.any(Array) });
    expect(renderPayload('webhook', m)).toMatchObject({ source: 'lights-out', message: { tick: FIRE } });
  });

  it('WeCom content stays under 4096 bytes', () => {
    const many = Array.from({ length: 200 }, (_, i) => outcome(`i-${'x'.repeat(30)}${i}`, 'failed'));
    const big = buildMessage(CONFIG, report(many), {});
    const content = (renderPayload('wecom', big) as { markdown: { content: string } }).markdown.content;
    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(WECOM_MAX_BYTES);
    expect(cutToBytes('短'.repeat(2000), 100)).toMatch(/cut/);
  });
});

describe('signing and answers', () => {
  it('Feishu: base64(HMAC-SHA256(key = "<s>\\n<secret>", message = ""))', () => {
    expect(feishuSign(1_700_000_000, 's')).toBe(
      createHmac('sha256', '1700000000\ns').update('').digest('base64'),
    );
  });

  it('DingTalk: base64(HMAC-SHA256(key = secret, message = "<ms>\\n<secret>"))', () => {
    expect(dingtalkSign(1_700_000_000_000, 's')).toBe(
      createHmac('sha256', 's').update('1700000000000\ns').digest('base64'),
    );
  });

  it.each([
    ['feishu', 200, '{"code":0,"msg":"success"}', { ok: true }],
    ['feishu', 200, '{"StatusCode":0,"StatusMessage":"success"}', { ok: true }],
    [
      'feishu',
      200,
      '{"code":19021,"msg":"sign match fail"}',
      { ok: false, retryable: false, platformCode: '19021' },
    ],
    ['feishu', 400, '{"code":11232,"msg":"frequency limited"}', { ok: false, retryable: true }],
    ['dingtalk', 200, '{"errcode":130101,"errmsg":"send too fast"}', { ok: false, retryable: true }],
    ['dingtalk', 200, '{"errcode":310000,"errmsg":"sign not match"}', { ok: false, retryable: false }],
    ['wecom', 200, '{"errcode":45009,"errmsg":"api freq out of limit"}', { ok: false, retryable: true }],
    ['slack', 200, 'ok', { ok: true }],
    ['slack', 404, 'no_service', { ok: false, retryable: false }],
    ['slack', 429, 'rate_limited', { ok: false, retryable: true }],
    ['webhook', 503, '', { ok: false, retryable: true }],
    ['webhook', 204, '', { ok: true }],
  ] as const)('%s %i %s', (type, status, body, expected) => {
    expect(readAnswer(type, status, body)).toMatchObject(expected);
  });
});
