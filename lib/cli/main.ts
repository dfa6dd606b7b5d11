/**
 * The `lights-out` command line: dispatches to one module per subcommand. Each command is a function of
 * (args, io) returning an exit code, so tests run it in-process.
 */
import { ConfigError, UsageError } from '../errors.js';
import { closest } from '../suggest.js';
import { VERSION } from '../version.js';
import { type CliIo, type Command, ExitCode, pipeSafeWriter } from './io.js';

/**
 * A subcommand as `--help` lists it. Its module (and what only it needs: the emulator, the daemon's cron, the
 * HTTP client) is imported when the command is asked for, so `--help` and `--version` evaluate almost nothing;
 * the build puts each in a chunk of its own. `summary` and `handlesSignals` repeat the command's own (a test
 * keeps them equal).
 */
export interface CommandEntry {
  name: string;
  summary: string;
  handlesSignals?: boolean;
  load(): Promise<Command>;
}

/** Every subcommand, in the order `--help` lists them. */
export const commands: CommandEntry[] = [
  {
    name: 'validate',
    summary: 'Check a configuration file and print a one-line summary',
    load: async () => (await import('./validate.js')).validateCommand,
  },
  {
    name: 'next',
    summary: 'Show when each schedule fires in the coming days, in local time and UTC',
    load: async () => (await import('./next.js')).nextCommand,
  },
  {
    name: 'plan',
    summary: 'Show what a run would stop or start and why, instance by instance (read-only)',
    load: async () => (await import('./plan.js')).planCommand,
  },
  {
    name: 'run',
    summary: 'Stop (or start) the instances of the schedules due now (or at --at); --dry-run to only log',
    load: async () => (await import('./run.js')).runCommand,
  },
  {
    name: 'explain-tag',
    summary: 'Explain an inline schedule tag value (Cloud Custodian offhours grammar) or why it is invalid',
    load: async () => (await import('./explain-tag.js')).explainTagCommand,
  },
  {
    name: 'daemon',
    summary: 'Run the schedules in this process (self-hosted, node-cron), until SIGINT/SIGTERM',
    handlesSignals: true,
    load: async () => (await import('./daemon.js')).daemonCommand,
  },
  {
    name: 'emulator',
    summary: 'Run a local Volcengine ECS emulator (no cloud account needed)',
    handlesSignals: true,
    load: async () => (await import('./emulator.js')).emulatorCommand,
  },
  {
    name: 'demo',
    summary: 'Fire every schedule once against the local emulator and a demo fleet (no account needed)',
    load: async () => (await import('./demo.js')).demoCommand,
  },
  {
    name: 'deploy',
    summary: 'Deploy the stop function to veFaaS with a timer on the tick (or --remove it)',
    load: async () => (await import('./deploy.js')).deployCommand,
  },
];

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 8);
  return [
    `lights-out ${VERSION}: stops tagged Volcengine ECS instances on a schedule.`,
    '',
    'Usage: lights-out <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `lights-out <command> --help` for the options of one command.',
    'Credentials come from VOLC_ACCESSKEY, VOLC_SECRETKEY and optionally VOLC_SESSION_TOKEN.',
    '',
  ].join('\n');
}

/** The process's io. Signals are caught only for a command that handles them; others end as usual. */
function defaultIo(catchSignals: boolean): CliIo {
  const controller = new AbortController();
  if (catchSignals) {
    const abort = () => controller.abort();
    process.once('SIGINT', abort);
    process.once('SIGTERM', abort);
  }
  return {
    stdout: pipeSafeWriter(process.stdout),
    stderr: pipeSafeWriter(process.stderr),
    env: process.env,
    isTTY: Boolean(process.stdout.isTTY),
    signal: controller.signal,
    now: () => new Date(),
  };
}

/** The first line of a command's usage, and where the rest is: bad usage gets this, not the whole help. */
function shortUsage(command: Command): string {
  const first = command.usage.split('\n')[0] ?? '';
  return `${first}\nRun \`lights-out ${command.name} --help\` for every option.`;
}

/** ` (did you mean '--dry-run'?)` for an unknown flag close to one of the command's. */
function flagHint(error: UsageError, command: Command): string {
  const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(error.message)?.[1];
  if (unknown === undefined) return '';
  const flags = [...new Set(command.usage.match(/(?<![\w-])--?[a-z][a-z-]*/g) ?? [])];
  const guess = closest(unknown, flags);
  return guess ? ` (did you mean '${guess}'?)` : '';
}

/**
 * Runs `lights-out` with the given arguments and returns the exit code.
 *
 * @example
 * process.exitCode = await main(process.argv.slice(2));
 */
export async function main(argv: string[], given?: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  const entry = commands.find((c) => c.name === name);
  const io = given ?? defaultIo(entry?.handlesSignals === true);
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(usage());
    return name === undefined ? ExitCode.Usage : ExitCode.Ok;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${VERSION}\n`);
    return ExitCode.Ok;
  }
  if (!entry) {
    const guess = closest(
      name,
      commands.map((c) => c.name),
    );
    io.stderr.write(
      `lights-out: unknown command '${name}'${guess ? ` (did you mean '${guess}'?)` : ''}\n` +
        `Usage: lights-out <command> [options]; commands: ${commands.map((c) => c.name).join(', ')}\n` +
        'Run `lights-out --help` for what each one does.\n',
    );
    return ExitCode.Usage;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(command.usage.endsWith('\n') ? command.usage : `${command.usage}\n`);
    return ExitCode.Ok;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(
        `lights-out ${name}: ${error.message}${flagHint(error, command)}\n${shortUsage(command)}\n`,
      );
      return ExitCode.Usage;
    }
    if (error instanceof ConfigError) {
      io.stderr.write(`${error.message}\n`);
      return ExitCode.Usage;
    }
    io.stderr.write(`lights-out ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return ExitCode.Failed;
  }
}
