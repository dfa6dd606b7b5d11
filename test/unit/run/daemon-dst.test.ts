/**
 * Daylight-saving days: the daemon must run exactly the fires lib/schedule's dueFires gives (what the cloud
 * handler runs), although node-cron skips a time the clock skips and, east of Greenwich, fires a time the
 * clock shows twice at its second occurrence. The node-cron wake-ups below are what node-cron 4.6 computes
 * for these crons (its getNextMatch); the alarms are the daemon's own.
 */
import { describe, expect, it } from 'vitest';
import { dueFires } from '../../../lib/schedule/index.js';
import { harness, settle } from './daemon-harness.js';

const config = (cron: string, zone: string) =>
  `version: 1\nregions: [cn-beijing]\ntimezone: ${zone}\nschedules:\n  night: { stop: "${cron}" }\n`;

describe('startDaemon on daylight-saving days', () => {
  it('runs a time the clock skips when the gap ends, on an alarm (node-cron never wakes for it)', async () => {
    // 2026-03-08, America/New_York: 02:00 EST becomes 03:00 EDT at 07:00Z; 02:30 does not happen.
    const h = harness(config('30 2 * * *', 'America/New_York'), '2026-03-08T00:00:00Z');
    expect(h.fake.pendingAlarms().map((a) => a.instant.toISOString())).toEqual(['2026-03-08T07:00:00.000Z']);
    h.clock.nowMs = Date.parse('2026-03-08T07:00:00Z');
    h.fake.ringAlarm();
    await settle();
    const expected = dueFires(h.config, new Date('2026-03-08T00:00:00Z'), new Date('2026-03-09T00:00:00Z'));
    expect(h.runs.map((r) => r.fireTime)).toEqual(expected.map((f) => f.fireTime.toISOString()));
    expect(h.runs.map((r) => r.fireTime)).toEqual(['2026-03-08T07:00:00.000Z']);
    // The next fire (06:30Z on the 9th) is far from any change: node-cron alone wakes for it.
    expect(h.fake.pendingAlarms()).toHaveLength(0);
    h.fake.tick(0, '2026-03-09T06:30:00Z');
    await settle();
    expect(h.runs.map((r) => r.fireTime)).toEqual(['2026-03-08T07:00:00.000Z', '2026-03-09T06:30:00.000Z']);
    await h.daemon.stop();
  });

  it('runs a time the clock shows twice at its first occurrence, and ignores node-cron at the second', async () => {
    // 2026-10-25, Europe/Berlin: 03:00 CEST becomes 02:00 CET at 01:00Z; 02:30 happens at 00:30Z and 01:30Z.
    const h = harness(config('30 2 * * *', 'Europe/Berlin'), '2026-10-24T12:00:00Z');
    expect(h.fake.pendingAlarms().map((a) => a.instant.toISOString())).toEqual(['2026-10-25T00:30:00.000Z']);
    h.fake.ringAlarm();
    h.fake.tick(0, '2026-10-25T01:30:00Z'); // node-cron's choice of the two
    await settle();
    const expected = dueFires(h.config, new Date('2026-10-24T12:00:00Z'), new Date('2026-10-25T12:00:00Z'));
    expect(h.runs.map((r) => r.fireTime)).toEqual(expected.map((f) => f.fireTime.toISOString()));
    expect(h.runs.map((r) => r.fireTime)).toEqual(['2026-10-25T00:30:00.000Z']);
    expect(h.events('schedule.tick-ignored')).toMatchObject([{ tickAt: '2026-10-25T01:30:00.000Z' }]);
    await h.daemon.stop();
  });

  it.each([
    ['node-cron first', ['tick', 'alarm']],
    ['the alarm first', ['alarm', 'tick']],
  ])('runs once when node-cron and the alarm both wake for the same fire (%s)', async (_name, order) => {
    // 2026-11-01, America/New_York: 01:30 happens at 05:30Z (EDT) and 06:30Z (EST); node-cron picks 05:30Z too.
    const h = harness(config('30 1 * * *', 'America/New_York'), '2026-10-31T12:00:00Z');
    const [alarm, ...others] = h.fake.pendingAlarms();
    expect(others).toHaveLength(0);
    expect(alarm!.instant.toISOString()).toBe('2026-11-01T05:30:00.000Z');
    for (const source of order) {
      // Both callbacks may already be queued: the one that comes second is called even if its job was stopped.
      if (source === 'tick') h.fake.crons[0]!.onTick(new Date('2026-11-01T05:30:00Z'));
      else alarm!.onTick(alarm!.instant);
    }
    await settle();
    expect(h.runs.map((r) => r.fireTime)).toEqual(['2026-11-01T05:30:00.000Z']);
    await h.daemon.stop();
  });

  it('runs every fire of a sub-hourly cron through a fall-back night, each once', async () => {
    // Berlin, */30 in hour 2: lib/schedule fires 02:00 and 02:30 CEST (00:00Z, 00:30Z); node-cron wakes at
    // 01:00Z and 01:30Z (the CET occurrences), which must not run again.
    const h = harness(config('*/30 2 * * *', 'Europe/Berlin'), '2026-10-24T12:00:00Z');
    for (const wake of [
      () => h.fake.ringAlarm(), // 00:00Z
      () => h.fake.ringAlarm(), // 00:30Z, armed after the first
      () => h.fake.tick(0, '2026-10-25T01:00:00Z'),
      () => h.fake.tick(0, '2026-10-25T01:30:00Z'),
    ]) {
      wake();
      await settle(); // each run ends before the next wake-up: no overlap in play
    }
    const expected = dueFires(h.config, new Date('2026-10-24T12:00:00Z'), new Date('2026-10-25T12:00:00Z'));
    expect(h.runs.map((r) => r.fireTime)).toEqual(expected.map((f) => f.fireTime.toISOString()));
    expect(h.runs).toHaveLength(2);
    await h.daemon.stop();
  });
});
