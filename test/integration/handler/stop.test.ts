import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScheduledEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { type Config, loadConfig, parseConfig } from '../../../lib/config/index.js';
import {
  type EmulatorHandle,
  type EmulatorOptions,
  type Fleet,
  generateFleet,
} from '../../../lib/emulator/index.js';
import { ConfigError, UsageError } from '../../../lib/errors.js';
import {
  type ClientPool,
  createClientPool,
  type FaasTimerEvent,
  loadOnce,
  planRun,
  RunFailedError,
  type StopContext,
} from '../../../lib/run/index.js';
import {
  closeHandlerHarnesses,
  type HandlerHarness,
  startHandlerHarness,
} from '../../support/handler-harness.js';

const REGIONS = ['cn-beijing', 'cn-shanghai'];
const CONFIG = `
version: 1
regions: [cn-beijing, cn-shanghai]
timezone: UTC
tick: 5m
schedules:
  office-hours: { stop: "0 22 * * 1-5" }
  nightly: { stop: "30 23 * * *" }
  weekend: { stop: "0 20 * * 5", stoppedMode: KeepCharging }
`;
const config = parseConfig(CONFIG, 'handler.yaml');

/** EventBridge's event for the rule's tick at `time`. */
function scheduledEvent(time: string): ScheduledEvent {
  return {
    version: '0',
    id: '89d1a02d-5ec7-412e-82f5-13505f849b41',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '123456789012',
    time,
    region: 'ap-southeast-1',
    resources: ['arn:aws:events:ap-southeast-1:123456789012:rule/lights-out-dev-stop'],
    detail: {},
  };
}

function timerEvent(time: string, data = ''): FaasTimerEvent {
  return {
    id: 'c2f0b3a8-timer',
    source: '/faas/event/timer/tr-lights-out',
    specversion: '1.0',
    type: 'faas.timer.event',
    time,
    datacontenttype: 'application/octet-stream',
    data,
  };
}

function lambdaContext(remainingMs: number): StopContext {
  return { awsRequestId: 'req-1', getRemainingTimeInMillis: () => remainingMs };
}

const pools: ClientPool[] = [];
const tempDirs: string[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
  await closeHandlerHarnesses();
  await Promise.all(tempDirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

type Harness = HandlerHarness;

/** The handler against an emulator of 200 instances in two regions, on a clock at 2026-03-09 22:01 UTC. */
function harness(
  options: {
    fleet?: Fleet;
    emulator?: EmulatorOptions;
    config?: () => Promise<Config>;
    env?: (emulator: EmulatorHandle) => NodeJS.ProcessEnv;
    deadlineMarginMs?: number;
    clock?: { ms: number };
  } = {},
): Promise<Harness> {
  return startHandlerHarness({
    ...options,
    fleet: options.fleet ?? generateFleet({ count: 200, seed: 11, regions: REGIONS }),
    config: options.config ?? (async () => config),
    clock: options.clock ?? { ms: Date.parse('2026-03-09T22:01:00Z') },
  });
}

/** The ids the plan stops for a request, listed from the emulator as it is now. */
async function plannedStops(h: Harness, request: { at: Date; schedule?: string }): Promise<string[]> {
  const pool = createClientPool(config, {
    env: {},
    credentials: h.emulator.credentials,
    endpoint: new URL(h.emulator.url),
  });
  pools.push(pool);
  const plan = await planRun(config, request, {
    ...pool,
    nowMs: () => h.clock.ms,
    sleep: async () => {},
    random: () => 0.5,
  });
  return plan.items
    .filter((i) => i.decision === 'stop')
    .map((i) => i.instanceId)
    .sort();
}

function stoppedOnce(h: Harness): string[] {
  return h.emulator
    .instances()
    .filter((i) => i.stopAccepted === 1)
    .map((i) => i.InstanceId)
    .sort();
}

function stopCalls(h: Harness, fromIndex = 0) {
  return h.emulator
    .calls()
    .slice(fromIndex)
    .filter((c) => c.action === 'StopInstances');
}

function events(h: Harness, name: string) {
  return h.lines.filter((l) => l.event === name);
}

/** Invokes twice with the same event: the second must stop nothing new. */
async function expectRepeatStopsNothingNew(h: Harness, invoke: () => Promise<unknown>): Promise<void> {
  const before = stoppedOnce(h);
  const callsBefore = h.emulator.calls().length;
  await invoke();
  expect(stoppedOnce(h)).toEqual(before);
  for (const live of h.emulator.instances()) expect(live.stopAccepted).toBeLessThanOrEqual(1);
  for (const call of stopCalls(h, callsBefore)) {
    expect(call.replayed === true || (call.results ?? []).every((r) => r.errorCode !== undefined)).toBe(true);
  }
}

describe('the stop handler against the emulator', () => {
  it('stops what the plan says for an EventBridge ScheduledEvent, and nothing new when it is delivered again', async () => {
    const h = await harness();
    const at = new Date('2026-03-09T22:00:00Z'); // a Monday: office-hours fires
    const expected = await plannedStops(h, { at });
    expect(expected.length).toBeGreaterThan(0);

    const event = scheduledEvent('2026-03-09T22:00:00Z');
    const summary = await h.handler(event, lambdaContext(600_000));

    expect(stoppedOnce(h)).toEqual(expected);
    expect(summary.fires).toEqual([{ schedule: 'office-hours', fireTime: at.toISOString(), action: 'stop' }]);
    expect(summary.outcomes.stopped).toBe(expected.length);
    expect(summary.outcomes.failed).toBe(0);
    expect(events(h, 'invocation.start')).toEqual([
      expect.objectContaining({ source: 'eventbridge', tick: at.toISOString(), requestId: 'req-1' }),
    ]);
    expect(events(h, 'run.summary')).toHaveLength(1);

    await expectRepeatStopsNothingNew(h, () => h.handler(event, lambdaContext(600_000)));
    expect(h.poolsBuilt()).toBe(1);
    const secret = h.emulator.credentials.secretKey;
    expect(h.lines.some((l) => JSON.stringify(l).includes(secret))).toBe(false);
  });

  it('has written every instance.outcome line, a batch per write, when its promise resolves', async () => {
    const h = await harness();
    const at = new Date('2026-03-09T22:00:00Z');
    const expected = await plannedStops(h, { at });
    let atResolution: { outcomes: number; last: unknown; writes: number } | undefined;
    const summary = await h.handler(scheduledEvent(at.toISOString()), lambdaContext(600_000)).then((s) => {
      atResolution = {
        outcomes: events(h, 'instance.outcome').length,
        last: h.lines.at(-1)?.event,
        writes: h.writes(),
      };
      return s;
    });
    const total = Object.values(summary.outcomes).reduce((sum, n) => sum + n, 0);
    expect(total).toBeGreaterThanOrEqual(expected.length);
    expect(atResolution).toMatchObject({ outcomes: total, last: 'run.summary' });
    // One write per answer (or per stretch of settled items), not one per line.
    expect(atResolution!.writes).toBeLessThan(total);
  });

  it('plans a late delivery from the tick, not the clock: the same fires and the same ClientTokens', async () => {
    const h = await harness();
    await h.handler(scheduledEvent('2026-03-09T22:00:00Z'), lambdaContext(600_000));
    const onTime = stopCalls(h).map((c) => c.clientToken);
    expect(onTime.length).toBeGreaterThan(0);

    h.emulator.reset();
    h.clock.ms += 3_600_000;
    const summary = await h.handler(scheduledEvent('2026-03-09T22:04:59Z'), lambdaContext(600_000));

    expect(summary.fires).toEqual([
      { schedule: 'office-hours', fireTime: '2026-03-09T22:00:00.000Z', action: 'stop' },
    ]);
    expect(
      stopCalls(h)
        .map((c) => c.clientToken)
        .sort(),
    ).toEqual([...onTime].sort());
    expect(events(h, 'invocation.start').at(-1)).toMatchObject({ tick: '2026-03-09T22:00:00.000Z' });
  });

  it('stops what the plan says for a veFaaS timer event, and nothing new when it is delivered again', async () => {
    const h = await harness();
    const event = timerEvent('2026-03-10T07:30:00+08:00'); // 23:30 UTC: nightly fires
    const expected = await plannedStops(h, { at: new Date('2026-03-09T23:30:00Z') });
    expect(expected.length).toBeGreaterThan(0);

    // veFaaS passes a context without getRemainingTimeInMillis: the run's own deadline applies.
    const summary = await h.handler(event);

    expect(stoppedOnce(h)).toEqual(expected);
    expect(summary.fires).toEqual([
      { schedule: 'nightly', fireTime: '2026-03-09T23:30:00.000Z', action: 'stop' },
    ]);
    expect(events(h, 'invocation.start')[0]).toMatchObject({ source: 'vefaas-timer' });
    await expectRepeatStopsNothingNew(h, () => h.handler(event));
  });

  it('warns, naming the tick, when a timer event is off the tick grid by more than a minute', async () => {
    const h = await harness();
    // A rate(5 minutes) rule created at 23:03:27 fires at :03:27, :08:27...; the config's tick is 5m.
    await h.handler(timerEvent('2026-03-09T23:33:27Z', '{"dryRun": true}'));
    await h.handler(scheduledEvent('2026-03-09T23:38:27Z'));
    const warnings = events(h, 'timer.off-grid');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatchObject({
      level: 'warn',
      tick: '5m',
      eventTime: '2026-03-09T23:33:27.000Z',
      offGridMs: 93_000,
    });
    expect(warnings[0]!.msg).toContain('tick 5m');

    // On the grid (within a minute: delivery jitter), and manual invocations at any time: no warning.
    await h.handler(timerEvent('2026-03-09T23:40:40Z', '{"dryRun": true}'));
    await h.handler({ at: '2026-03-09T23:33:27Z', dryRun: true });
    expect(events(h, 'timer.off-grid')).toHaveLength(2);
  });

  it('reads manual fields from the timer payload: a dry run stops nothing', async () => {
    const h = await harness();
    const summary = await h.handler(timerEvent('2026-03-09T23:30:00Z', '{"dryRun": true}'));

    expect(summary.dryRun).toBe(true);
    expect(summary.outcomes['dry-run']).toBeGreaterThan(0);
    expect(stopCalls(h)).toHaveLength(0);
  });

  it('runs a manual input for one schedule at a given instant, once', async () => {
    const h = await harness();
    const input = { schedule: 'weekend', at: '2026-03-09T12:00:00Z' };
    const expected = await plannedStops(h, { at: new Date(input.at), schedule: 'weekend' });
    expect(expected.length).toBeGreaterThan(0);

    const summary = await h.handler(input, lambdaContext(600_000));

    expect(stoppedOnce(h)).toEqual(expected);
    expect(summary.fires).toEqual([
      { schedule: 'weekend', fireTime: '2026-03-09T12:00:00.000Z', action: 'stop' },
    ]);
    expect(events(h, 'invocation.start')[0]).toMatchObject({
      source: 'manual',
      schedule: 'weekend',
      tick: '2026-03-09T12:00:00.000Z',
    });
    for (const live of h.emulator.instances().filter((i) => i.stopAccepted === 1)) {
      expect(live.StoppedMode).toBe('KeepCharging');
    }
    await expectRepeatStopsNothingNew(h, () => h.handler(input, lambdaContext(600_000)));
  });

  it('rejects with the summary when an instance fails, after every outcome was logged', async () => {
    const fleet = generateFleet({ count: 200, seed: 11, regions: REGIONS });
    const h0 = await harness({ fleet });
    const [lockedId, ...others] = await plannedStops(h0, { at: new Date('2026-03-09T22:00:00Z') });
    await h0.close();
    const locked = fleet.instances.find((i) => i.InstanceId === lockedId)!;
    locked.Emulator = { locked: true };
    const h = await harness({ fleet });

    const failure = await h.handler(scheduledEvent('2026-03-09T22:00:00Z'), lambdaContext(600_000)).then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(RunFailedError);
    const error = failure as RunFailedError;
    expect(error.code).toBe('RunFailed');
    expect(error.message).toMatch(/^1 of \d+ instance\(s\) failed/);
    expect(error.summary.outcomes.failed).toBe(1);
    expect(error.summary.outcomes.stopped).toBe(others.length);
    expect(stoppedOnce(h)).toEqual([...others].sort());
    const outcomeLines = events(h, 'instance.outcome');
    expect(outcomeLines).toHaveLength(Object.values(error.summary.outcomes).reduce((a, b) => a + b, 0));
    expect(outcomeLines.filter((l) => l.outcome === 'failed')).toEqual([
      expect.objectContaining({ instanceId: lockedId, errorCode: 'OperationDenied.ResourceLocked' }),
    ]);
    expect(h.lines.at(-1)).toMatchObject({ event: 'invocation.failed', errorCode: 'RunFailed', failed: 1 });
    expect(h.lines.at(-2)).toMatchObject({ event: 'run.summary' });

    // The platform's retry delivers the same event: the locked instance fails again, nothing is stopped twice.
    await expect(
      h.handler(scheduledEvent('2026-03-09T22:00:00Z'), lambdaContext(600_000)),
    ).rejects.toBeInstanceOf(RunFailedError);
    for (const live of h.emulator.instances()) expect(live.stopAccepted).toBeLessThanOrEqual(1);
  });

  it('fails every invocation of a container with an invalid configuration, and calls no API', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lights-out-handler-'));
    tempDirs.push(dir);
    const file = join(dir, 'lights-out.yaml');
    await writeFile(
      file,
      'version: 1\nregions: [cn-beijing]\nschedules:\n  nightly: { stop: "61 23 * * *" }\n',
    );
    const h = await harness({ config: loadOnce(() => loadConfig(file)) });

    const first = await h.handler(scheduledEvent('2026-03-09T22:00:00Z')).catch((e: unknown) => e);
    const second = await h.handler({ schedule: 'nightly' }).catch((e: unknown) => e);

    expect(first).toBeInstanceOf(ConfigError);
    expect((first as ConfigError).message).toMatch(new RegExp(`^${file.replace(/[.\\]/g, '\\$&')}:4:\\d+: `));
    expect(second).toBe(first);
    expect(h.emulator.calls()).toHaveLength(0);
    expect(h.poolsBuilt()).toBe(0);
    expect(events(h, 'invocation.failed')).toEqual([
      expect.objectContaining({ errorCode: 'ConfigInvalid' }),
      expect.objectContaining({ errorCode: 'ConfigInvalid' }),
    ]);
  });

  it.each([
    ['a non-object', 'tick'],
    ['an unknown manual field', { schedule: 'nightly', dryrun: true }],
    ['a bad instant', { at: 'yesterday' }],
    ['a timer without a time', { type: 'faas.timer.event', id: 't', source: 's', specversion: '1.0' }],
    ['an unknown schedule', { schedule: 'lunch', at: '2026-03-09T12:00:00Z' }],
  ])('rejects %s with a UsageError and stops nothing', async (_name, event) => {
    const h = await harness();
    await expect(h.handler(event as never, lambdaContext(600_000))).rejects.toBeInstanceOf(UsageError);
    expect(stopCalls(h)).toHaveLength(0);
    expect(events(h, 'invocation.failed')).toEqual([expect.objectContaining({ errorCode: 'UsageError' })]);
  });

  it('fails clearly when the credentials are missing, and calls no API', async () => {
    const h = await harness({ env: (e) => ({ VOLC_ENDPOINT: e.url }) });
    const error = await h.handler(scheduledEvent('2026-03-09T22:00:00Z')).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'MissingCredentials' });
    expect((error as Error).message).toContain('VOLC_ACCESSKEY');
    expect(h.emulator.calls()).toHaveLength(0);
  });

  it('keeps the deadline margin back from the remaining time: stops not sent in time fail as DeadlineExceeded', async () => {
    // Every API request takes one simulated second on the shared fake clock (two regions: two seconds a
    // round). With 2500 ms left after the margin, the region checks (started at once) and the listings
    // (started at 2 s) complete, but no stop may start.
    const clock = { ms: Date.parse('2026-03-09T22:01:00Z') };
    const h = await harness({
      clock,
      fleet: generateFleet({ count: 40, seed: 11, regions: REGIONS }),
      emulator: {
        faults: { transitionMs: 0, latencyMs: 1000 },
        sleep: async (ms) => {
          clock.ms += ms;
        },
      },
      deadlineMarginMs: 5_000,
    });

    const error = await h
      .handler(scheduledEvent('2026-03-09T22:00:00Z'), lambdaContext(7_500))
      .catch((e) => e);

    expect(error).toBeInstanceOf(RunFailedError);
    const summary = (error as RunFailedError).summary;
    const outcomes = events(h, 'instance.outcome');
    const stops = outcomes.filter((l) => l.outcome === 'failed');
    expect(stops.length).toBeGreaterThan(0);
    expect(summary.outcomes.failed).toBe(stops.length);
    for (const line of stops) expect(line.errorCode).toBe('DeadlineExceeded');
    expect(outcomes).toHaveLength(Object.values(summary.outcomes).reduce((a, b) => a + b, 0));
    expect(new Set(outcomes.map((l) => l.instanceId)).size).toBe(outcomes.length);
    expect(stopCalls(h)).toHaveLength(0);
  });
});
