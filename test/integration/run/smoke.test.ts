import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lib/config/index.js';
import { type EmulatorHandle, generateFleet, startEmulator } from '../../../lib/emulator/index.js';
import { createLogger } from '../../../lib/logger.js';
import { createClientPool, runOnce } from '../../../lib/run/index.js';

const CONFIG = `
version: 1
regions: [cn-beijing, cn-shanghai]
timezone: Asia/Shanghai
schedules:
  office-hours: { stop: "0 22 * * 1-5" }
  nightly: { stop: "30 23 * * *" }
  weekend: { stop: "0 20 * * 5", stoppedMode: KeepCharging }
`;

let emulator: EmulatorHandle | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe('runOnce against the emulator', () => {
  it('stops every running tagged instance of the firing schedule, once', async () => {
    emulator = await startEmulator({
      fleet: generateFleet({ count: 300, seed: 7, regions: ['cn-beijing', 'cn-shanghai'] }),
      faults: { transitionMs: 0 },
    });
    const config = parseConfig(CONFIG, 'smoke.yaml');
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk, _e, done) {
        for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
        done();
      },
    });
    const logger = createLogger({ destination: destination as never });
    const pool = createClientPool(config, {
      env: {},
      credentials: emulator.credentials,
      endpoint: new URL(emulator.url),
    });
    const deps = { ...pool, nowMs: Date.now, sleep: async () => {}, random: () => 0.5, logger };
    const at = new Date('2026-03-09T15:30:00Z'); // 23:30 Asia/Shanghai: nightly fires
    const { plan, summary, outcomes } = await runOnce(config, { at }, deps);
    await pool.close();

    expect(plan.fires).toEqual([{ schedule: 'nightly', fireTime: at.toISOString(), action: 'stop' }]);
    const stops = plan.items.filter((i) => i.decision === 'stop');
    expect(stops.length).toBeGreaterThan(0);
    const byId = new Map(emulator.instances().map((i) => [i.InstanceId, i]));
    for (const item of stops) {
      const outcome = outcomes.find((o) => o.instanceId === item.instanceId)!;
      const live = byId.get(item.instanceId)!;
      if (outcome.outcome === 'stopped') {
        expect(live.Status).toBe('STOPPED');
        expect(live.stopAccepted).toBe(1);
        expect(live.StoppedMode).toBe(outcome.stoppedMode);
      }
    }
    for (const live of byId.values()) expect(live.stopAccepted).toBeLessThanOrEqual(1);
    expect(lines.filter((l) => l.event === 'instance.outcome')).toHaveLength(plan.items.length);
    expect(lines.filter((l) => l.event === 'run.summary')).toHaveLength(1);
    expect(summary.outcomes.failed).toBe(0);
  });
});
