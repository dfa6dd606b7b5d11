/**
 * `lights-out deploy`: deploys the stop function to veFaaS (or removes it), with its timer from the tick.
 * Progress is one line per step on a terminal and `deploy.step` JSON lines off one. Every line written passes
 * through the secret mask, whatever mode and whatever error.
 */
import { CONFIG_ENV, DEFAULT_CONFIG_PATH, loadConfig, resolveConfigPath } from '../config/index.js';
import {
  buildFunctionPackage,
  DEPLOY_DEFAULTS,
  type DeployDeps,
  type DeploySettings,
  DeployStep,
  defaultBundleDir,
  deploy,
  FunctionCredentialEnv,
  functionCredentialsFromEnv,
  plannedCalls,
  removeDeployment,
  type StepReport,
  StepState,
  ZIPPED_CONFIG,
} from '../deploy/index.js';
import {
  ConfigError,
  errorCodeOf,
  formatConfigIssue,
  SetupError,
  UsageError,
  VolcApiError,
} from '../errors.js';
import { maskSecrets } from '../logger.js';
import { formatTick } from '../schedule/index.js';
import {
  CredentialEnv,
  type Credentials,
  createVefaasClient,
  credentialsFromEnv,
  resolveEndpoint,
  VEFAAS_REGIONS,
} from '../volc/index.js';
import { type CliIo, type Command, ExitCode, parseCommandArgs } from './io.js';

const OPTIONS = {
  config: { type: 'string', short: 'c' },
  region: { type: 'string' },
  name: { type: 'string' },
  'dry-run': { type: 'boolean' },
  remove: { type: 'boolean' },
  memory: { type: 'string' },
  timeout: { type: 'string' },
  'source-map': { type: 'boolean' },
} as const;

/** Output that never shows a secret: every write goes through the mask. */
function maskedIo(io: CliIo): { out(text: string): void; err(text: string): void } {
  const secrets = [...CredentialEnv.secretKey, ...CredentialEnv.sessionToken, FunctionCredentialEnv.secretKey]
    .map((name) => io.env[name])
    .filter((value): value is string => typeof value === 'string' && value.length >= 4);
  return {
    out: (text) => io.stdout.write(maskSecrets(text, secrets)),
    err: (text) => io.stderr.write(maskSecrets(text, secrets)),
  };
}

function wholeNumber(
  flag: string,
  raw: string | undefined,
  min: number,
  max: number,
  fallback: number,
): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new UsageError(`--${flag} must be a whole number from ${min} to ${max} (got '${raw}')`);
  }
  return Number(raw);
}

function region(raw: string | undefined): string {
  const value = raw ?? DEPLOY_DEFAULTS.region;
  if (!(VEFAAS_REGIONS as readonly string[]).includes(value)) {
    throw new UsageError(`--region must be one of ${VEFAAS_REGIONS.join(', ')} (got '${value}')`);
  }
  return value;
}

function name(raw: string | undefined): string {
  const value = raw ?? DEPLOY_DEFAULTS.name;
  if (!/^[a-zA-Z][a-zA-Z0-9_-]{0,62}$/.test(value)) {
    throw new UsageError(
      `--name must start with a letter and hold letters, digits, '-' or '_' (at most 63), got '${value}'`,
    );
  }
  return value;
}

/** Writes each step: an aligned line on a terminal, a `deploy.step` JSON line off one. */
function stepWriter(io: CliIo, out: (text: string) => void, context: Record<string, string>) {
  return (report: StepReport) => {
    if (!io.isTTY) {
      out(`${JSON.stringify({ event: 'deploy.step', ...report, ...context })}\n`);
      return;
    }
    const id = report.functionId ? ` (function ${report.functionId})` : '';
    const detail = report.detail ? `  ${report.detail}` : '';
    out(`  ${report.step.padEnd(9)} ${report.state.padEnd(10)}${detail}${id}\n`);
  };
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

function printDryRun(io: CliIo, out: (text: string) => void, settings: DeploySettings, where: string): void {
  const calls = plannedCalls(settings);
  const files = settings.pkg.files.map((f) => ({ name: f.name, bytes: f.bytes.length }));
  if (!io.isTTY) {
    for (const call of calls) out(`${JSON.stringify({ event: 'deploy.call', ...call })}\n`);
    out(`${JSON.stringify({ event: 'deploy.zip', bytes: settings.pkg.zip.length, files })}\n`);
    return;
  }
  out(`Dry run: nothing is sent. Deploying ${where} would make these calls, as needed:\n`);
  for (const call of calls)
    out(`  ${call.action.padEnd(17)} ${call.when}\n      ${JSON.stringify(call.body)}\n`);
  out(`The zip (${kib(settings.pkg.zip.length)}):\n`);
  for (const file of files) out(`  ${file.name.padEnd(24)} ${kib(file.bytes)}\n`);
}

/** Exit code and message of a failure; platform failures are 1, setup and usage problems 2. */
function failureCode(error: unknown): number {
  if (error instanceof VolcApiError) return ExitCode.Failed;
  if (error instanceof SetupError) return ExitCode.Usage;
  return ExitCode.Failed;
}

interface Parsed {
  values: ReturnType<typeof parseCommandArgs<typeof OPTIONS>>['values'];
  region: string;
  name: string;
}

async function settingsFrom(parsed: Parsed, env: NodeJS.ProcessEnv, deployer?: Credentials) {
  const configFile = resolveConfigPath(parsed.values.config, env);
  const config = await loadConfig(configFile);
  const key = functionCredentialsFromEnv(env, deployer);
  const pkg = await buildFunctionPackage({
    bundleDir: defaultBundleDir(),
    configFile,
    sourceMap: parsed.values['source-map'] === true,
  });
  const settings: DeploySettings = {
    name: parsed.name,
    memoryMB: wholeNumber('memory', parsed.values.memory, 128, 4096, DEPLOY_DEFAULTS.memoryMB),
    timeoutSeconds: wholeNumber('timeout', parsed.values.timeout, 60, 900, DEPLOY_DEFAULTS.timeoutSeconds),
    tickMs: config.tickMs,
    pkg,
    envs: [
      { Key: 'VOLC_ACCESSKEY', Value: key.accessKeyId },
      { Key: 'VOLC_SECRETKEY', Value: key.secretKey },
      { Key: CONFIG_ENV, Value: ZIPPED_CONFIG },
      ...(parsed.values['source-map'] ? [{ Key: 'NODE_OPTIONS', Value: '--enable-source-maps' }] : []),
    ],
  };
  return settings;
}

async function run(args: string[], io: CliIo, out: (text: string) => void): Promise<number> {
  const { values } = parseCommandArgs(args, OPTIONS);
  if (values.remove && values['dry-run']) throw new UsageError('--remove cannot be combined with --dry-run');
  const parsed: Parsed = { values, region: region(values.region), name: name(values.name) };
  const where = `${parsed.name} in ${parsed.region}`;
  if (values['dry-run']) {
    // A dry run sends nothing, so it needs no deployer key; when one is set it is still checked against the function's.
    const deployer = io.env.VOLC_ACCESSKEY ? credentialsFromEnv(io.env) : undefined;
    printDryRun(io, out, await settingsFrom(parsed, io.env, deployer), where);
    return ExitCode.Ok;
  }
  const deployer = credentialsFromEnv(io.env);
  const settings = values.remove ? undefined : await settingsFrom(parsed, io.env, deployer);
  const report = stepWriter(io, out, { name: parsed.name, region: parsed.region });
  const faas = createVefaasClient({
    region: parsed.region,
    credentials: deployer,
    endpoint: resolveEndpoint(undefined, io.env),
  });
  const deps: DeployDeps = {
    faas,
    nowMs: () => io.now().getTime(),
    sleep: io.clock?.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    onStep: report,
  };
  try {
    if (!settings) {
      const id = await removeDeployment(parsed.name, deps);
      if (io.isTTY)
        out(
          id
            ? `Removed ${where} (function ${id}) and its timer\n`
            : `Nothing to remove: no function ${where}\n`,
        );
      return ExitCode.Ok;
    }
    report({
      step: DeployStep.Package,
      state: StepState.Built,
      detail: `${settings.pkg.files.length} files, ${kib(settings.pkg.zip.length)} zip, tick ${formatTick(settings.tickMs)}`,
    });
    const result = await deploy(settings, deps);
    if (io.isTTY) out(`Deployed ${where}: function ID ${result.functionId}\n`);
    return ExitCode.Ok;
  } finally {
    await faas.close();
  }
}

/** The `deploy` command. */
export const deployCommand: Command = {
  name: 'deploy',
  summary: 'Deploy the stop function to veFaaS with a timer on the tick (or --remove it)',
  usage: [
    'Usage: lights-out deploy [-c FILE] [--region R] [--name N] [--dry-run | --remove] [--memory MB] [--timeout S] [--source-map]',
    '',
    'Deploys the stop function to veFaaS (runtime node20/v1): the bundle and the configuration as an inline zip, the',
    "function's own key pair in its environment, and one timer whose crontab comes from the configuration's tick.",
    'Then releases and waits for the release to end. Running it again with nothing changed changes nothing.',
    '',
    'Options:',
    `  -c, --config FILE  the configuration to ship (default: $${CONFIG_ENV}, then ${DEFAULT_CONFIG_PATH})`,
    `  --region R         the function's region: ${VEFAAS_REGIONS.join(', ')} (default: ${DEPLOY_DEFAULTS.region})`,
    `  --name N           the function's name (default: ${DEPLOY_DEFAULTS.name})`,
    '  --dry-run          print the calls a deploy would make and the zip contents; make no call',
    '  --remove           delete the timer and the function',
    `  --memory MB        the function's memory, 128 to 4096 (default: ${DEPLOY_DEFAULTS.memoryMB})`,
    `  --timeout S        the function's timeout in seconds, 60 to 900 (default: ${DEPLOY_DEFAULTS.timeoutSeconds})`,
    '  --source-map       ship dist/stop.js.map and enable source maps in the function',
    '',
    'Environment:',
    '  VOLC_ACCESSKEY, VOLC_SECRETKEY   the deployer key, to call veFaaS (never copied into the function)',
    `  ${FunctionCredentialEnv.accessKeyId}, ${FunctionCredentialEnv.secretKey}`,
    "                                   the function's own key (required; must not be the deployer's)",
    '  VOLC_ENDPOINT                    the OpenAPI endpoint (the local emulator in tests)',
    '',
    'Output: one line per step on a terminal; otherwise JSON lines {"event":"deploy.step","step","state",...}.',
    'Exit codes: 0 deployed (or removed), 1 the platform refused or the release failed, 2 bad usage, an invalid',
    'configuration or missing credentials.',
  ].join('\n'),
  async run(args, io) {
    const { out, err } = maskedIo(io);
    try {
      return await run(args, io, out);
    } catch (error) {
      if (error instanceof ConfigError) {
        err(`${error.issues.map(formatConfigIssue).join('\n')}\n`);
        return ExitCode.Usage;
      }
      if (error instanceof UsageError) {
        err(`lights-out deploy: ${error.message}\nRun \`lights-out deploy --help\` for the options.\n`);
        return ExitCode.Usage;
      }
      const code = errorCodeOf(error);
      const message = error instanceof Error ? error.message : String(error);
      // A VolcApiError's message already names the action, the region and the code.
      const text = error instanceof VolcApiError ? message : `${code}: ${message}`;
      if (!io.isTTY) {
        const line = {
          event: 'deploy.step',
          step: DeployStep.Deploy,
          state: StepState.Failed,
          errorCode: code,
          detail: text,
        };
        out(`${JSON.stringify(line)}\n`);
      }
      err(`lights-out deploy: ${text}\n`);
      return failureCode(error);
    }
  },
};
