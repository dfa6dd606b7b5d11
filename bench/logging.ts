/**
 * Logging cost: 50,000 `instance.outcome` lines written through the run's own road (OutcomeLedger, which
 * batches the lines of each synchronous stretch into one write and scans no key paths) and, for reference,
 * through pino's ordinary road (every redaction path, one synchronous write per line), both to /dev/null with
 * a synchronous destination as in Lambda. CPU time is reported beside wall time: the machine may be shared.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { createLogger, type Logger } from '../lib/logger.js';
import type { Plan, PlanItem } from '../lib/plan/index.js';
import { OutcomeLedger } from '../lib/stop/ledger.js';
import { median } from './bound.js';

/** The result of {@link measureLogging}. */
export interface LoggingResult {
  lines: number;
  repetitions: number;
  /** Lines settled per API answer: the outcomes of one StopInstances call of 100 IDs. */
  linesPerAnswer: number;
  /** OutcomeLedger's road. */
  fixed: { wallMs: number; cpuMs: number };
  /** `logger.info(line, msg)` per line, the road every outcome took before. */
  ordinary: { wallMs: number; cpuMs: number };
}

const SECRET = 'bench-secret-key-0123456789';

function planOf(lines: number): Plan {
  const items: PlanItem[] = Array.from({ length: lines }, (_, n) => ({
    instanceId: `i-${String(n).padStart(20, '0')}`,
    instanceName: `web-${n}`,
    region: 'cn-beijing',
    schedule: 'office-hours',
    fireTime: '2026-03-09T14:00:00.000Z',
    decision: 'stop',
    reason: 'auto: PostPaid ecs.g3i.large',
    stoppedMode: 'StopCharging',
    modeSource: 'defaults',
    forceStop: false,
    fallbackToKeepCharging: true,
  })) as PlanItem[];
  return { fires: [], items, guard: { maxInstancesPerRun: lines, stops: lines, starts: 0, exceeded: false } };
}

function logger(fd: number): Logger {
  return createLogger({
    secrets: [SECRET],
    destination: { write: (line: string) => void writeSync(fd, line) },
  }).child({ requestId: 'bench', runId: 'bench-run' });
}

async function timed(work: () => Promise<void>): Promise<{ wallMs: number; cpuMs: number }> {
  const cpu = process.cpuUsage();
  const startedMs = performance.now();
  await work();
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - startedMs, cpuMs: (used.user + used.system) / 1000 };
}

/**
 * Logs `lines` outcome lines both ways, `repetitions` times each after a warm-up, and reports the medians.
 *
 * @example
 * const { fixed, ordinary } = await measureLogging(50_000, 5);
 */
export async function measureLogging(lines: number, repetitions: number): Promise<LoggingResult> {
  const plan = planOf(lines);
  const fd = openSync('/dev/null', 'w');
  const linesPerAnswer = 100;
  const settlement = {
    outcome: 'stopped',
    reason: 'stopped',
    attempts: 1,
    requestId: '20260309140000000000000000000000',
  } as const;
  const viaLedger = async () => {
    const ledger = new OutcomeLedger(plan, logger(fd));
    for (let start = 0; start < lines; start += linesPerAnswer) {
      for (let n = start; n < Math.min(start + linesPerAnswer, lines); n++) ledger.settle(n, settlement);
      await Promise.resolve(); // the next answer arrives in a later task
    }
  };
  const viaPino = async () => {
    const log = logger(fd);
    for (let start = 0; start < lines; start += linesPerAnswer) {
      for (let n = start; n < Math.min(start + linesPerAnswer, lines); n++) {
        const item = plan.items[n]!;
        log.info(
          {
            event: 'instance.outcome',
            schedule: item.schedule,
            fireTime: item.fireTime,
            region: item.region,
            instanceId: item.instanceId,
            instanceName: item.instanceName,
            ...settlement,
            stoppedMode: item.stoppedMode,
            forceStop: item.forceStop,
            errorCode: null,
          },
          `${item.instanceId} stopped`,
        );
      }
      await Promise.resolve();
    }
  };
  const fixed: { wallMs: number; cpuMs: number }[] = [];
  const ordinary: { wallMs: number; cpuMs: number }[] = [];
  await viaLedger();
  await viaPino();
  for (let n = 0; n < repetitions; n++) {
    fixed.push(await timed(viaLedger));
    ordinary.push(await timed(viaPino));
  }
  closeSync(fd);
  const medians = (runs: { wallMs: number; cpuMs: number }[]) => ({
    wallMs: median(runs.map((r) => r.wallMs)),
    cpuMs: median(runs.map((r) => r.cpuMs)),
  });
  return { lines, repetitions, linesPerAnswer, fixed: medians(fixed), ordinary: medians(ordinary) };
}
