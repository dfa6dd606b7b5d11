/**
 * The one pino logger of lights-out. Logs are data: JSON lines with stable field names
 * (`event`, `instanceId`, `outcome`, `errorCode`, ...). Secrets are removed twice: by key (pino's `redact`)
 * and by value (every known secret string is masked in the serialized line before it is written).
 */
import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/** Keys whose values are never logged, at the top level or one or two levels down. */
const SECRET_KEYS = [
  'secretKey',
  'secretAccessKey',
  'sessionToken',
  'authorization',
  'Authorization',
  'credentials',
  'x-security-token',
  'VOLC_SECRETKEY',
  'VOLC_SESSION_TOKEN',
  'VOLCENGINE_SECRET_KEY',
];
const REDACT_PATHS = SECRET_KEYS.flatMap((k) => [`["${k}"]`, `*["${k}"]`, `*.*["${k}"]`]);

export interface LoggerOptions {
  /** @default 'info' */
  level?: string;
  /** Where lines go. @default a synchronous stdout destination (what Lambda needs) */
  destination?: DestinationStream;
  /** Secret values (the secret key, the session token) to mask wherever they would appear. */
  secrets?: ReadonlyArray<string | undefined>;
  /** Fields on every line. */
  base?: Record<string, unknown>;
}

/** Replaces each secret value in a serialized line; secrets shorter than 4 characters are not scanned for. */
export function maskSecrets(line: string, secrets: readonly string[]): string {
  let out = line;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join('[Redacted]');
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret && out.includes(escaped)) out = out.split(escaped).join('[Redacted]');
  }
  return out;
}

/**
 * Creates the logger. Call once per process (per Lambda container) and make a child per run.
 *
 * @example
 * const logger = createLogger({ secrets: [process.env.VOLC_SECRETKEY] });
 * logger.child({ schedule: 'office-hours', fireTime, region }).info({ event: 'run.start' }, 'run start');
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = (options.secrets ?? []).filter((s): s is string => typeof s === 'string' && s.length >= 4);
  return pino(
    {
      level: options.level ?? 'info',
      base: options.base ?? null,
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'msg',
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[Redacted]' },
      hooks: secrets.length > 0 ? { streamWrite: (line) => maskSecrets(line, secrets) } : {},
    },
    options.destination ?? pino.destination({ fd: 1, sync: true }),
  );
}
