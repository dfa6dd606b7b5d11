/**
 * Run notifications end to end: a real emulator, a real receiver that checks signatures, and the entry points
 * (runAndNotify, which the daemon calls; the stop handler; `lights-out run`; the daemon command).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDaemonCommand } from '../../../lib/cli/daemon.js';
import type { CliIo } from '../../../lib/cli/io.js';
import { main } from '../../../lib/cli/main.js';
import { type Fleet, startEmulator } from '../../../lib/emulator/index.js';
import { createStopHandler, RunFailedError, runAndNotify, systemClock } from '../../../lib/run/index.js';
import { emulatorEnv } from '../../support/emulator-env.js';
import { AT, linesOf, mergeFleets, runningFleet, startHarness, testConfig } from '../../support/harness.js';
import {
  notifyYaml,
  startReceiver,
  targetEnv,
  WEBHOOK_SECRET,
  WEBHOOK_TOKEN,
} from '../../support/webhooks.js';
import { fakeTicker } from '../../unit/daemon/harness.js';

/** 12 instances that stop, and 2 the API refuses (locked). */
function fleetOf12And2(): Fleet {
  const ok = runningFleet(12, { prefix: 'ok' });
  const locked = runningFleet(2, { prefix: 'lk', emulator: { locked: true } });
  return { ...ok, instances: [...ok.instances, ...locked.instances] };
}

const PRICES = 'prices: { currency: CNY, hourly: { ecs.g3i: 0.5 } }';

/** The text of a Feishu card as posted. */
function cardText(body: Record<string, unknown>): string {
  return JSON.stringify(body.card);
}

function expectNoSecret(text: string): void {
  expect(text).not.toContain(WEBHOOK_SECRET);
  expect(text).not.toContain(WEBHOOK_TOKEN);
}

describe('runAndNotify (what the handler, the CLI and the daemon call)', () => {
  it('12 stopped and 2 failed: one signed Feishu card, verified, with the 2 failures, their codes and the hours saved', async () => {
    const receiver = await startReceiver();
    const h = await startHarness({
      fleet: fleetOf12And2(),
      config: testConfig({ extra: `${notifyYaml([{ type: 'feishu' }])}\n${PRICES}` }),
    });
    const pool = h.openPool();
    const result = await runAndNotify(
      h.config,
      { at: AT, notify: { budgetMs: 5_000 } },
      { ...h.deps(pool), env: targetEnv(receiver, 'feishu') },
    );
    expect(result.summary.outcomes).toMatchObject({ stopped: 12, failed: 2 });
    expect(result.summary.savings).toEqual({
      instanceHours: 288,
      amount: 144,
      currency: 'CNY',
      bySchedule: {
        nightly: {
          instances: 12,
          instanceHours: 288,
          amount: 144,
          until: '2026-03-10T22:00:00.000Z',
          basis: 'same-time-next-day',
        },
      },
    });
    const posts = receiver.received();
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ platform: 'feishu', accepted: true, code: 0 });
    const card = cardText(posts[0]!.body);
    const failures = result.outcomes.filter((o) => o.outcome === 'failed');
    for (const f of failures) {
      expect(card).toContain(f.instanceId);
      expect(card).toContain(f.errorCode);
    }
    expect(card).toContain('12 stopped, 2 failed');
    expect(card).toContain('288 instance-hours, 144.00 CNY');
    expect(card).toContain('tick 2026-03-09T22:00:00Z');
    // The card is sent after the summary, and its delivery logged without the URL or the secret.
    const events = h.log.lines.map((l) => l.event);
    expect(events.indexOf('notify.sent')).toBeGreaterThan(events.indexOf('run.summary'));
    expect(linesOf(h.log.lines, 'notify.sent')[0]).toMatchObject({
      target: 'notify[0]',
      type: 'feishu',
      attempts: 1,
    });
    expectNoSecret(h.log.raw.join('\n'));
    // The summary line logged carries the savings, for log queries.
    expect(linesOf(h.log.lines, 'run.summary')[0]).toMatchObject({
      savings: { instanceHours: 288, amount: 144 },
    });
  });

  it('under when: changes, a run that changes nothing posts nothing', async () => {
    const receiver = await startReceiver();
    const h = await startHarness({
      fleet: runningFleet(3),
      config: testConfig({ extra: notifyYaml([{ type: 'dingtalk' }, { type: 'wecom' }]) }),
    });
    const deps = { ...h.deps(h.openPool()), env: targetEnv(receiver, 'dingtalk', 'wecom') };
    await runAndNotify(h.config, { at: AT }, deps);
    expect(receiver.received().map((r) => [r.platform, r.accepted])).toEqual([
      ['dingtalk', true],
      ['wecom', true],
    ]);
    const again = await runAndNotify(h.config, { at: AT }, deps);
    expect(again.summary.outcomes.stopped).toBe(0);
    expect(receiver.received()).toHaveLength(2);
    expect(linesOf(h.log.lines, 'notify.skipped')).toHaveLength(2);
  });

  it('a target limited to a schedule hears only about that schedule; when: failures stays quiet on success', async () => {
    const receiver = await startReceiver();
    const fleet = runningFleet(2, { schedule: 'nightly', prefix: 'n' });
    fleet.instances.push(...runningFleet(3, { schedule: 'batch', prefix: 'b' }).instances);
    const h = await startHarness({
      fleet,
      config: testConfig({
        schedules: '  nightly: { stop: "0 22 * * *" }\n  batch: { stop: "0 22 * * *" }',
        extra: notifyYaml([
          { type: 'slack', schedules: ['batch'] },
          { type: 'webhook', when: 'failures' },
        ]),
      }),
    });
    await runAndNotify(
      h.config,
      { at: AT },
      { ...h.deps(h.openPool()), env: targetEnv(receiver, 'slack', 'webhook') },
    );
    const posts = receiver.received();
    expect(posts.map((p) => p.platform)).toEqual(['slack']);
    const text = String(posts[0]!.body.text);
    expect(text).toContain('3 stopped');
    expect(text).toContain('batch stop at');
    expect(text).not.toContain('nightly');
  });

  it('a schedule with start: the stop saves until the next start; the start posts what it started', async () => {
    const receiver = await startReceiver();
    const h = await startHarness({
      fleet: runningFleet(3, { schedule: 'office' }),
      config: testConfig({
        schedules: '  office: { start: "30 8 * * *", stop: "0 22 * * *" }',
        extra: `${notifyYaml([{ type: 'feishu' }])}\n${PRICES}`,
      }),
    });
    const deps = { ...h.deps(h.openPool()), env: targetEnv(receiver, 'feishu') };
    const stop = await runAndNotify(h.config, { at: AT }, deps); // 22:00 UTC
    expect(stop.summary.savings).toMatchObject({
      instanceHours: 31.5, // 3 × 10.5 h, until 08:30; × 0.5 CNY = 15.75
      bySchedule: { office: { until: '2026-03-10T08:30:00.000Z', basis: 'next-start' } },
    });
    const start = await runAndNotify(h.config, { at: new Date('2026-03-10T08:30:00Z') }, deps);
    expect(start.summary.outcomes).toMatchObject({ started: 3 });
    const cards = receiver.received().map((p) => cardText(p.body));
    expect(cards).toHaveLength(2);
    expect(cards[0]).toContain('office stop at 2026-03-09 22:00 UTC');
    expect(cards[0]).toContain('31.5 instance-hours, 15.75 CNY (until the next start)');
    expect(cards[1]).toContain('office start at 2026-03-10 08:30 UTC');
    expect(cards[1]).toContain('3 started');
  });

  it('a failed listing is told (and still thrown), with the code', async () => {
    const receiver = await startReceiver();
    const h = await startHarness({
      fleet: runningFleet(2),
      faults: { internalError: 1 },
      config: testConfig({
        retry: { baseMs: 1, capMs: 2, maxAttempts: 2 },
        extra: notifyYaml([{ type: 'lark', when: 'failures' }]),
      }),
    });
    await expect(
      runAndNotify(h.config, { at: AT }, { ...h.deps(h.openPool()), env: targetEnv(receiver, 'lark') }),
    ).rejects.toThrow();
    const [post] = receiver.received();
    expect(post).toMatchObject({ platform: 'lark', accepted: true });
    expect(cardText(post!.body)).toContain('listing failed');
    expect(cardText(post!.body)).toContain('InternalError');
  });
});

describe('the stop handler', () => {
  it.each(['hang', 'server-error'] as const)(
    'a receiver that answers %s forever delays the invocation by at most the budget and changes nothing',
    async (behaviour) => {
      const receiver = await startReceiver({ behaviour });
      const h = await startHarness({
        fleet: fleetOf12And2(),
        config: testConfig({ extra: notifyYaml([{ type: 'feishu' }, { type: 'dingtalk' }]) }),
      });
      const pool = h.openPool();
      const budgetMs = 600;
      const handler = createStopHandler({
        config: async () => h.config,
        clients: () => pool,
        logger: h.log.logger,
        ...systemClock,
        notifyBudgetMs: budgetMs,
        env: targetEnv(receiver, 'feishu', 'dingtalk'),
      });
      const error = await handler({ at: AT.toISOString() }, { getRemainingTimeInMillis: () => 60_000 }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(RunFailedError);
      expect((error as RunFailedError).summary.outcomes).toMatchObject({ stopped: 12, failed: 2 });
      const summaryAt = Date.parse(String(linesOf(h.log.lines, 'run.summary')[0]!.time));
      const failed = linesOf(h.log.lines, 'notify.failed');
      expect(failed.map((l) => [l.type, l.level]).sort()).toEqual([
        ['dingtalk', 'warn'],
        ['feishu', 'warn'],
      ]);
      for (const line of failed) {
        expect(Date.parse(String(line.time)) - summaryAt).toBeLessThanOrEqual(budgetMs + 200);
      }
      const invocationFailed = linesOf(h.log.lines, 'invocation.failed')[0]!;
      expect(invocationFailed).toMatchObject({ errorCode: 'RunFailed', failed: 2 });
      expectNoSecret(h.log.raw.join('\n'));
    },
  );
});

describe('lights-out run and daemon', () => {
  async function setUp(fleet: Fleet, extra: string, options: { schedules?: string } = {}) {
    const dir = await mkdtemp(join(tmpdir(), 'lights-out-notify-'));
    const emulator = await startEmulator({ fleet, faults: { transitionMs: 0 } });
    const file = join(dir, 'lights-out.yaml');
    await writeFile(file, testConfig({ extra, ...options }));
    return {
      file,
      env: emulatorEnv(emulator),
      emulator,
      close: async () => {
        await emulator.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }

  function io(env: NodeJS.ProcessEnv, now: Date, isTTY: boolean) {
    const out: string[] = [];
    const err: string[] = [];
    const controller = new AbortController();
    const cliIo: CliIo = {
      stdout: { write: (chunk: string) => out.push(chunk) },
      stderr: { write: (chunk: string) => err.push(chunk) },
      env,
      isTTY,
      signal: controller.signal,
      now: () => now,
    };
    return { io: cliIo, out, err, abort: () => controller.abort() };
  }

  it('run --notify-preview prints the message and sends nothing; --dry-run stops nothing', async () => {
    const receiver = await startReceiver();
    const s = await setUp(fleetOf12And2(), notifyYaml([{ type: 'feishu' }]));
    try {
      const env = { ...s.env, ...targetEnv(receiver, 'feishu') };
      const dry = io(env, AT, true);
      expect(await main(['run', '-c', s.file, '--notify-preview', '--dry-run'], dry.io)).toBe(0);
      const text = dry.out.join('');
      expect(text).toContain('notify[0] feishu (when: changes): would send nothing');
      expect(text).toContain('lights-out (dry run): 14 dry-run');
      expect(s.emulator.instances().every((i) => i.Status === 'RUNNING')).toBe(true);

      const real = io(env, AT, true);
      expect(await main(['run', '-c', s.file, '--notify-preview'], real.io)).toBe(1);
      const shown = real.out.join('');
      expect(shown).toContain('notify[0] feishu (when: changes): would send');
      expect(shown).toContain('Failed (2)');
      expect(shown).toContain('OperationDenied.ResourceLocked');
      expect(receiver.received()).toEqual([]);
      expectNoSecret(shown + real.err.join(''));
    } finally {
      await s.close();
    }
  });

  it('run --json sends the card and logs notify.sent; the exit code is the run’s', async () => {
    const receiver = await startReceiver();
    const s = await setUp(fleetOf12And2(), notifyYaml([{ type: 'feishu' }]));
    try {
      const run = io({ ...s.env, ...targetEnv(receiver, 'feishu') }, AT, false);
      expect(await main(['run', '-c', s.file, '--json'], run.io)).toBe(1);
      expect(receiver.received().map((r) => r.accepted)).toEqual([true]);
      const events = run.out
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).event);
      expect(events.filter((e) => e === 'notify.sent')).toHaveLength(1);
      expectNoSecret(run.out.join('') + run.err.join(''));
    } finally {
      await s.close();
    }
  });

  it('a bad LIGHTS_OUT_NOTIFY_BUDGET_MS is a usage error (exit 2)', async () => {
    const s = await setUp(runningFleet(1), '');
    try {
      const run = io({ ...s.env, LIGHTS_OUT_NOTIFY_BUDGET_MS: 'soon' }, AT, false);
      expect(await main(['run', '-c', s.file], run.io)).toBe(2);
      expect(run.err.join('')).toContain('LIGHTS_OUT_NOTIFY_BUDGET_MS must be a whole number');
    } finally {
      await s.close();
    }
  });

  it('the daemon notifies once per tick run: one message for the fires of two schedules in the tick', async () => {
    const receiver = await startReceiver();
    const fleet = mergeFleets(runningFleet(4), runningFleet(3, { schedule: 'late', prefix: 'lt' }));
    const s = await setUp(fleet, notifyYaml([{ type: 'wecom' }]), {
      schedules: '  nightly: { stop: "0 22 * * *" }\n  late: { stop: "57 21 * * *" }',
    });
    try {
      const fake = fakeTicker();
      const d = io({ ...s.env, ...targetEnv(receiver, 'wecom') }, new Date(AT.getTime() - 60_000), true);
      const exit = createDaemonCommand({ ticker: fake.ticker }).run(['-c', s.file], d.io);
      await expect.poll(() => fake.jobs.length).toBe(1);
      fake.tick(AT); // the window (21:55, 22:00] holds both schedules' fires: one run
      await expect.poll(() => receiver.received().length).toBe(1);
      d.abort();
      expect(await exit).toBe(0);
      expect(receiver.received()).toHaveLength(1);
      const [post] = receiver.received();
      expect(post).toMatchObject({ platform: 'wecom', accepted: true });
      const body = JSON.stringify(post!.body);
      expect(body).toContain('7 stopped');
      expect(body).toContain('nightly');
      expect(body).toContain('late');
      const lines = d.out
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
      expect(lines.filter((l) => l.event === 'run.summary')).toHaveLength(1);
      expect(lines.filter((l) => l.event === 'notify.sent')).toHaveLength(1);
      expectNoSecret(d.out.join('') + d.err.join(''));
    } finally {
      await s.close();
    }
  });
});
