/**
 * The daemon and the handler plan the same fires: over a year of ticks in four zones, daylight-saving days
 * included, the fires the daemon's runs cover (some runs outlasting several ticks) are exactly the fires the
 * handler's runs cover, tick by tick, each once. Fake ticks, no waiting.
 */
import { describe, expect, it } from 'vitest';
import { firesFor } from '../../../lib/run/index.js';
import { deferred, harness, settle } from './harness.js';

const YAML = `
version: 1
regions: [cn-beijing]
tick: 30m
schedules:
  shanghai: { stop: ["0 22 * * 1-5", "45 23 * * 6"], timezone: Asia/Shanghai, skipDates: ["2026-10-01"] }
  berlin: { stop: ["30 2 * * *", "*/30 2 * * 0"], timezone: Europe/Berlin }
  new-york: { stop: ["30 1 * * *", "30 2 * * *"], timezone: America/New_York }
  lord-howe: { stop: ["15 2 * * *", "0 */6 * * 3"], timezone: Australia/Lord_Howe }
`;

const START = Date.parse('2026-01-01T00:00:00Z');
const END = Date.parse('2027-01-01T00:00:00Z');

const key = (fire: { schedule: string; fireTime: Date }) => `${fire.fireTime.toISOString()} ${fire.schedule}`;

describe('the daemon and the handler over a year', () => {
  it('plan the same fires, daylight-saving days included, with runs that outlast ticks', async () => {
    const holds: { release: () => void; ticksLeft: number }[] = [];
    const daemonFires: string[] = [];
    let runs = 0;
    const h = harness(YAML, new Date(START).toISOString(), async (run) => {
      // What runOnce plans for this window.
      daemonFires.push(...firesFor(h.config, { at: run.at, since: run.since }).map(key));
      runs += 1;
      if (runs % 7 === 0) {
        // Every seventh run lasts three more ticks.
        const held = deferred();
        holds.push({ release: held.resolve, ticksLeft: 3 });
        await held.promise;
      }
    });
    const handlerFires: string[] = [];
    const tickMs = h.config.tickMs;
    for (let atMs = START + tickMs; atMs <= END; atMs += tickMs) {
      const at = new Date(atMs);
      handlerFires.push(...firesFor(h.config, { at }).map(key));
      h.fake.tick(at);
      for (const hold of holds) if (--hold.ticksLeft === 0) hold.release();
      await settle();
    }
    for (const hold of holds) hold.release();
    await h.daemon.stop();

    expect(h.events('tick.deferred').length).toBeGreaterThan(100);
    expect(new Set(daemonFires).size).toBe(daemonFires.length);
    expect(daemonFires).toEqual(handlerFires);
    // The daylight-saving days are in: the New York gap fire moves to 03:00 EDT, the doubled 01:30 runs once,
    // the Lord Howe half-hour change keeps its 02:15 fire.
    expect(daemonFires).toContain('2026-03-08T07:00:00.000Z new-york');
    expect(daemonFires.filter((f) => f.startsWith('2026-11-01T0') && f.endsWith('new-york'))).toHaveLength(2);
    expect(daemonFires.filter((f) => f.endsWith('lord-howe') && f.startsWith('2026-10-03T1'))).toHaveLength(
      1,
    );
    expect(daemonFires.filter((f) => f.endsWith('berlin') && f.startsWith('2026-10-25'))).toHaveLength(2);
  });
});
