/**
 * The one pino logger of lights-out. Logs are data: JSON lines with stable field names
 * (`event`, `instanceId`, `outcome`, `errorCode`, ...). Secrets are removed twice: by key (pino's `redact`)
 * and by value (every known secret string is masked in the serialized line before it is written).
 *
 * Lines of a fixed shape written by the thousand (`instance.outcome`) take a faster road, {@link writeFixedLine}:
 * no key scan (their keys are known and none is secret), free-form values masked by value and for anything
 * that looks like an Authorization header, and the lines of one synchronous stretch of work (one API answer)
 * gathered into one write. Such lines are written before any later line of the same logger and at the latest
 * at the end of the current microtask, so a run that returns has written every one of them.
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

/**
 * Masks what a free-form text (an API's error message, a user's instance name) could carry of a signed
 * request: an `HMAC-SHA256 Credential=..., Signature=...` value and any `Signature=<hex>`.
 *
 * @example
 * maskAuthorization('echo: HMAC-SHA256 Credential=AK/20260101/cn-beijing/ecs/request'); // 'echo: HMAC-SHA256 [Redacted]'
 */
export function maskAuthorization(text: string): string {
  if (!text.includes('HMAC-SHA256') && !text.includes('Signature=')) return text;
  return text
    .replace(/HMAC-SHA256[^"<\r\n]*/g, 'HMAC-SHA256 [Redacted]')
    .replace(/Signature=[0-9a-fA-F]+/g, '[Redacted]');
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
  // `dest: 1` rather than `fd: 1`: given no `dest`, pino reads process.stdout.fd, and touching process.stdout
  // builds Node's stdout stream (its stream modules, and net's for a pipe), a few ms of every cold start.
  const sink = new LineSink(options.destination ?? pino.destination({ dest: 1, sync: true }), secrets);
  const logger = pino(
    {
      level: options.level ?? 'info',
      base: options.base ?? null,
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'msg',
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[Redacted]' },
      hooks: secrets.length > 0 ? { streamWrite: (line) => maskSecrets(line, secrets) } : {},
    },
    // pino's own lines first let the fixed lines gathered before them out, so the order of lines is kept.
    { write: (line: string) => sink.write(line) },
  );
  // Children inherit it through their prototype.
  Object.defineProperty(logger, SINK, { value: sink });
  return logger;
}

const SINK = Symbol('lights-out.lineSink');

/** Fixed lines gathered up to this size are written at once, so a long synchronous stretch stays bounded. */
const MAX_PENDING_CHARS = 64 * 1024;

/** The destination of one logger and its children, with the fixed lines not yet written. */
class LineSink {
  readonly #destination: DestinationStream;
  readonly #secrets: readonly string[];
  #pending = '';
  #scheduled = false;

  constructor(destination: DestinationStream, secrets: readonly string[]) {
    this.#destination = destination;
    this.#secrets = secrets;
  }

  /** Writes a line pino serialized (and masked) after whatever fixed lines are pending. */
  write(line: string): void {
    this.flush();
    this.#destination.write(line);
  }

  /** Adds a serialized fixed line; it is written with the others at the end of this microtask. */
  add(line: string): void {
    this.#pending += line;
    if (this.#pending.length >= MAX_PENDING_CHARS) this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  /** Writes the pending fixed lines in one write, each secret value masked. */
  flush(): void {
    this.#scheduled = false;
    if (this.#pending === '') return;
    const text = this.#secrets.length > 0 ? maskSecrets(this.#pending, this.#secrets) : this.#pending;
    this.#pending = '';
    this.#destination.write(text);
  }
}

/** The `,"time":"..."` of the last fixed line and its millisecond: the lines of one answer share it. */
let lastTime = { ms: Number.NaN, field: '' };

/** pino's isoTime field, formatted once per millisecond rather than once per line. */
function timeField(): string {
  const ms = Date.now();
  if (ms !== lastTime.ms) lastTime = { ms, field: `,"time":"${new Date(ms).toISOString()}"` };
  return lastTime.field;
}

/** The value types of a fixed line's fields. */
export type FixedValue = string | number | boolean | null;

/**
 * Logs one line of a fixed shape: `fields` holds only the keys the caller declares (never a secret's key) and
 * flat values (an `undefined` one is left out, as JSON.stringify does); `freeText` names the fields that hold free-form text from outside (an API message, user data),
 * which are masked for anything that looks like an Authorization header; every secret value is masked in the
 * written text as on any line. The line has the layout of a pino line (level, time, the child's bindings,
 * the fields, msg). A logger not made by {@link createLogger} logs it the ordinary way.
 *
 * @example
 * writeFixedLine(logger, 'info', { event: 'instance.outcome', instanceId, reason }, ['reason'], `${instanceId} stopped`);
 */
export function writeFixedLine<T extends { [K in keyof T]: FixedValue | undefined }>(
  logger: Logger,
  level: 'info' | 'warn',
  fields: T,
  freeText: readonly (keyof T)[],
  msg: string,
): void {
  const sink = (logger as unknown as { [SINK]?: LineSink })[SINK];
  if (sink === undefined) {
    logger[level](fields as Record<string, unknown>, msg);
    return;
  }
  if (!logger.isLevelEnabled(level)) return;
  // Copied only when a value must be masked: the caller's object is never changed.
  let safe: T = fields;
  for (const key of freeText) {
    const value = fields[key];
    if (typeof value === 'string' && maskAuthorization(value) !== value) {
      if (safe === fields) safe = { ...fields };
      safe[key] = maskAuthorization(value) as T[keyof T];
    }
  }
  const bindings = (logger as unknown as Record<symbol, string>)[pino.symbols.chindingsSym] ?? '';
  const body = JSON.stringify(safe);
  sink.add(
    `{"level":"${level}"${timeField()}${bindings}${body.length > 2 ? `,${body.slice(1, -1)}` : ''},"msg":${JSON.stringify(maskAuthorization(msg))}}\n`,
  );
}
