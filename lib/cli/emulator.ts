/**
 * `lights-out emulator`: runs the local Volcengine ECS emulator until SIGINT/SIGTERM. Once it listens it prints
 * one JSON line, `{"url","accessKeyId","secretKey"}`, so scripts can read where it is and how to sign for it.
 */
import {
  type FaultSettings,
  type Fleet,
  generateFleet,
  INSPECTION_ENDPOINTS,
  loadFaults,
  loadFleet,
  startEmulator,
} from '../emulator/index.js';
import { UsageError } from '../errors.js';
import { type Command, ExitCode, parseCommandArgs, untilAborted, untilParentGone } from './io.js';

/** Instances generated when neither --fleet nor --generate is given. */
export const DEFAULT_GENERATED_COUNT = 20;

function wholeNumber(flag: string, raw: string | undefined, max: number): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) > max)
    throw new UsageError(`--${flag} must be a whole number from 0 to ${max} (got '${raw}')`);
  return Number(raw);
}

function rate(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0)
    throw new UsageError(`--qps must be a number, 0 or more (got '${raw}')`);
  return value;
}

/** The `emulator` command. */
export const emulatorCommand: Command = {
  name: 'emulator',
  handlesSignals: true,
  summary: 'Run a local Volcengine ECS emulator (no cloud account needed)',
  usage: [
    'Usage: lights-out emulator [--port N] [--host ADDR] [--fleet FILE | --generate N --seed S] [--qps N] [--faults FILE]',
    '',
    'Serves the ECS OpenAPI (DescribeInstances, StopInstances, StartInstances) with signature checks, and prints',
    'one JSON line once it listens: {"url":"http://127.0.0.1:PORT","accessKeyId":"...","secretKey":"..."}.',
    'Runs until SIGINT or SIGTERM, or until the process that started it ends (so killing `npx` ends it too).',
    '',
    'Options:',
    '  --port N         the port to listen on; 0 picks a free one (default: 0)',
    '  --host ADDR      the address to bind (default: 127.0.0.1)',
    '  --fleet FILE     the instances and credentials, YAML or JSON (a captured DescribeInstances answer works)',
    `  --generate N     generate a reproducible fleet of N instances (default: ${DEFAULT_GENERATED_COUNT})`,
    '  --seed S         the seed of the generated fleet (default: 1)',
    '  --qps N          requests per second per access key, region and action; over it, 429 (default: unlimited)',
    '  --faults FILE    timing and injected faults, YAML or JSON (seed, qps, internalError, lostResponse, ...)',
    '',
    'Inspection (unsigned, never faulted):',
    ...INSPECTION_ENDPOINTS.map((line) => `  ${line}`),
  ].join('\n'),
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      port: { type: 'string' },
      host: { type: 'string' },
      fleet: { type: 'string' },
      generate: { type: 'string' },
      seed: { type: 'string' },
      qps: { type: 'string' },
      faults: { type: 'string' },
    });
    const port = wholeNumber('port', values.port, 65_535) ?? 0;
    const count = wholeNumber('generate', values.generate, 10_000_000);
    const seed = wholeNumber('seed', values.seed, 2 ** 32 - 1);
    const qps = rate(values.qps);
    if (values.fleet !== undefined && (count !== undefined || seed !== undefined)) {
      throw new UsageError('--fleet cannot be combined with --generate or --seed');
    }
    const fleet: Fleet = values.fleet
      ? await loadFleet(values.fleet)
      : generateFleet({ count: count ?? DEFAULT_GENERATED_COUNT, seed: seed ?? 1 });
    for (const warning of fleet.warnings ?? []) io.stderr.write(`${warning}\n`);
    const faults: FaultSettings = values.faults ? await loadFaults(values.faults) : {};
    if (qps !== undefined) faults.qps = qps;
    const host = values.host ?? '127.0.0.1';
    let emulator: Awaited<ReturnType<typeof startEmulator>>;
    try {
      emulator = await startEmulator({ host, port, fleet, faults, now: () => io.now().getTime() });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EADDRINUSE' && code !== 'EACCES' && code !== 'EADDRNOTAVAIL') throw error;
      const why =
        code === 'EADDRINUSE'
          ? 'is already in use (another emulator?); choose another --port, or 0 for a free one'
          : code === 'EACCES'
            ? 'may not be used by this user (ports below 1024 need privileges)'
            : `is not available: ${host} is not an address of this machine`;
      io.stderr.write(`lights-out emulator: port ${port} on ${host} ${why}\n`);
      return ExitCode.Usage;
    }
    const { accessKeyId, secretKey } = emulator.credentials;
    io.stdout.write(`${JSON.stringify({ url: emulator.url, accessKeyId, secretKey })}\n`);
    const regions = new Set(fleet.instances.map((i) => i.Region)).size;
    io.stderr.write(
      `lights-out emulator: ${fleet.instances.length} instances in ${regions} regions at ${emulator.url} ` +
        `(inspection: ${emulator.url}/_emulator/); stop with Ctrl-C\n`,
    );
    // Ctrl-C, SIGTERM, or the parent that started it going away (see untilParentGone).
    const parent = untilParentGone();
    await Promise.race([untilAborted(io.signal), parent.gone]);
    parent.cancel();
    await emulator.close();
    return ExitCode.Ok;
  },
};
