/**
 * The `lights-out` command line: dispatches to one module per subcommand. Each command is a function of
 * (args, io) returning an exit code, so tests run it in-process.
 */
import { ConfigError, UsageError } from '../errors.js';
import { closest } from '../suggest.js';
import { VERSION } from '../version.js';
import { daemonCommand } from './daemon.js';
import { demoCommand } from './demo.js';
import { deployCommand } from './deploy.js';
import { emulatorCommand } from './emulator.js';
import { explainTagCommand } from './explain-tag.js';
import { type CliIo, type Command, ExitCode, pipeSafeWriter } from './io.js';
import { nextCommand } from './next.js';
import { planCommand } from './plan.js';
import { runCommand } from './run.js';
import { validateCommand } from './validate.js';

/** Every subcommand, in the order `--help` lists them. */
const commands: Command[] = [
  validateCommand,
  nextCommand,
  planCommand,
  runCommand,
  explainTagCommand,
  daemonCommand,
  emulatorCommand,
  demoCommand,
  deployCommand,
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
  const command = commands.find((c) => c.name === name);
  const io = given ?? defaultIo(command?.handlesSignals === true);
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(usage());
    return name === undefined ? ExitCode.Usage : ExitCode.Ok;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${VERSION}\n`);
    return ExitCode.Ok;
  }
  if (!command) {
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
