/**
 * The one error hierarchy of lights-out. Every error has a stable `code` string that scripts and
 * log queries can match on; messages are for people and never contain credentials.
 */
export class LightsOutError extends Error {
  /** A stable, machine-readable code such as `ConfigInvalid` or `FlowLimitExceeded`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LightsOutError';
    this.code = code;
  }
}

/**
 * The code of any thrown value: a LightsOutError's own code, `UnexpectedError` for anything else.
 *
 * @example
 * logger.error({ errorCode: errorCodeOf(error), err: error }, 'run failed');
 */
export function errorCodeOf(error: unknown): string {
  return error instanceof LightsOutError ? error.code : 'UnexpectedError';
}

/** One problem found in a configuration file, located as `file:line:column`. */
export interface ConfigIssue {
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
  message: string;
}

/** Formats an issue the way compilers do, so editors and terminals can jump to it. */
export function formatConfigIssue(issue: ConfigIssue): string {
  return `${issue.file}:${issue.line}:${issue.column}: ${issue.message}`;
}

/** A configuration (or fleet) file that cannot be used. Carries every issue found, not just the first. */
export class ConfigError extends LightsOutError {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], options?: { cause?: unknown }) {
    super('ConfigInvalid', issues.map(formatConfigIssue).join('\n'), options);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** Bad command-line usage or a bad argument to a public function (exit code 2 at the CLI). */
export class UsageError extends LightsOutError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('UsageError', message, options);
    this.name = 'UsageError';
  }
}

/** Details of a failed Volcengine OpenAPI call. */
export interface VolcApiErrorDetails {
  /** The API's error code (`FlowLimitExceeded`), or one of ours: `InvalidResponse`, `Timeout`, `ConnectionError`. */
  code: string;
  message: string;
  /** HTTP status, or 0 when no response arrived. */
  httpStatus: number;
  requestId?: string;
  action: string;
  region: string;
  /** True when sending the same request again may succeed (throttling, server errors, timeouts). */
  retryable: boolean;
  cause?: unknown;
}

/** A Volcengine OpenAPI call that failed as a whole (not one instance inside a successful call). */
export class VolcApiError extends LightsOutError {
  readonly httpStatus: number;
  readonly requestId: string | undefined;
  readonly action: string;
  readonly region: string;
  readonly retryable: boolean;

  constructor(details: VolcApiErrorDetails) {
    super(details.code, `${details.action} in ${details.region}: ${details.code}: ${details.message}`, {
      cause: details.cause,
    });
    this.name = 'VolcApiError';
    this.httpStatus = details.httpStatus;
    this.requestId = details.requestId;
    this.action = details.action;
    this.region = details.region;
    this.retryable = details.retryable;
  }
}
