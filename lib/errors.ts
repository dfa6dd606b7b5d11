/**
 * The one error hierarchy of lights-out, and the one home of every error code it gives. Every error has a
 * stable `code` string that scripts and log queries can match on; messages are for people and never contain
 * credentials. Code matches a class with `instanceof`; {@link errorCodeOf} names any thrown value's code.
 */

/**
 * Every code lights-out itself gives. A {@link VolcApiError} may also carry any code the Volcengine API
 * returns (`FlowLimitExceeded`, `InvalidInstance.NotFound`: see docs/volcengine-api.md).
 */
export const ErrorCode = {
  /** The configuration (or fleet) file cannot be used ({@link ConfigError}). */
  ConfigInvalid: 'ConfigInvalid',
  /** A cron expression cannot be used (lib/schedule's CronError). */
  CronInvalid: 'CronInvalid',
  /** Bad command-line usage, event or argument ({@link UsageError}). */
  UsageError: 'UsageError',
  /** No Volcengine credentials in the environment ({@link SetupError}). */
  MissingCredentials: 'MissingCredentials',
  /** Credentials with whitespace or non-printable characters ({@link SetupError}). */
  InvalidCredentials: 'InvalidCredentials',
  /** An endpoint that is not a usable URL ({@link SetupError}). */
  InvalidEndpoint: 'InvalidEndpoint',
  /** A plain http:// endpoint off loopback ({@link SetupError}). */
  InsecureEndpoint: 'InsecureEndpoint',
  /** A request the client refuses to send: a parameter the API would refuse ({@link RequestError}). */
  InvalidParameter: 'InvalidParameter',
  /** A call on a closed client ({@link RequestError}). */
  ClientClosed: 'ClientClosed',
  /** An answer that is not the API's JSON ({@link VolcApiError}). */
  InvalidResponse: 'InvalidResponse',
  /** No answer within the client's timeout ({@link VolcApiError}). */
  Timeout: 'Timeout',
  /** The connection failed before an answer ({@link VolcApiError}). */
  ConnectionError: 'ConnectionError',
  /** A listing holds (or announces) more instances than `listing.maxInstancesPerRegion` ({@link VolcApiError}). */
  ListingTooLarge: 'ListingTooLarge',
  /** A configured region that DescribeRegions does not list: its listing fails instead of finding nothing ({@link RegionError}). */
  UnknownRegion: 'UnknownRegion',
  /** A veFaaS release failed or did not end in time (lib/deploy's DeployError). */
  ReleaseFailed: 'ReleaseFailed',
  /** More than one veFaaS function has the name deploy was given (lib/deploy's DeployError). */
  AmbiguousFunction: 'AmbiguousFunction',
  /** The run's deadline came before the work was done ({@link DeadlineError}). */
  DeadlineExceeded: 'DeadlineExceeded',
  /** The guard refused the run: more stops than `guard.maxInstancesPerRun`, and not forced. */
  GuardRefused: 'GuardRefused',
  /** A StopInstances or StartInstances answer said nothing about an instance it was asked about. */
  MissingOperationDetail: 'MissingOperationDetail',
  /** At least one instance of the run failed (lib/run's RunFailedError). */
  RunFailed: 'RunFailed',
  /** A notify target's `urlEnv` names a variable that is unset or empty (`notify.failed`, lib/notify). */
  NotifyUrlUnset: 'NotifyUrlUnset',
  /** A notify target's URL is not an https:// URL (or http:// on a loopback host) (`notify.failed`). */
  NotifyUrlInvalid: 'NotifyUrlInvalid',
  /** `secretEnv` names a variable that is unset or empty: an unsigned post to a signed bot would be refused. */
  NotifySecretUnset: 'NotifySecretUnset',
  /** The chat platform answered a notification with an error (HTTP status or body code) (`notify.failed`). */
  NotifyRejected: 'NotifyRejected',
  /** No answer to a notification within the attempt's timeout (`notify.failed`). */
  NotifyTimeout: 'NotifyTimeout',
  /** The connection to a notify target failed (`notify.failed`). */
  NotifyUnreachable: 'NotifyUnreachable',
  /** The run's notification budget ran out before an attempt could start (`notify.failed`). */
  NotifyBudgetExhausted: 'NotifyBudgetExhausted',
  /** A failure that is not a LightsOutError (a bug, or a fake that throws something else). */
  Unexpected: 'UnexpectedError',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The base of every error lights-out throws; never thrown itself: throw the subclass that says what failed. */
export abstract class LightsOutError extends Error {
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
  return error instanceof LightsOutError ? error.code : ErrorCode.Unexpected;
}

/** The environment cannot be used as it is (credentials, endpoint): the operator's to fix, exit 2 at the CLI. */
export class SetupError extends LightsOutError {
  declare readonly code: 'MissingCredentials' | 'InvalidCredentials' | 'InvalidEndpoint' | 'InsecureEndpoint';

  constructor(code: SetupError['code'], message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'SetupError';
  }
}

/** A request the client refuses to send (a parameter the API would refuse) or cannot send (closed). */
export class RequestError extends LightsOutError {
  declare readonly code: 'InvalidParameter' | 'ClientClosed';

  constructor(code: RequestError['code'], message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'RequestError';
  }
}

/** A configured region the API does not know (DescribeRegions does not list it). */
export class RegionError extends LightsOutError {
  declare readonly code: 'UnknownRegion';
  readonly region: string;

  constructor(region: string, message: string) {
    super(ErrorCode.UnknownRegion, message);
    this.name = 'RegionError';
    this.region = region;
  }
}

/** The run's deadline stopped the work; `cause` is the last failure before it, if any. */
export class DeadlineError extends LightsOutError {
  declare readonly code: 'DeadlineExceeded';

  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.DeadlineExceeded, message, options);
    this.name = 'DeadlineError';
  }
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
    super(ErrorCode.ConfigInvalid, issues.map(formatConfigIssue).join('\n'), options);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** Bad command-line usage or a bad argument to a public function (exit code 2 at the CLI). */
export class UsageError extends LightsOutError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.UsageError, message, options);
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
  /** How long the server asked to wait before the next request (its Retry-After header), in ms. */
  retryAfterMs?: number;
  cause?: unknown;
}

/** A Volcengine OpenAPI call that failed as a whole (not one instance inside a successful call). */
export class VolcApiError extends LightsOutError {
  readonly httpStatus: number;
  readonly requestId: string | undefined;
  readonly action: string;
  readonly region: string;
  readonly retryable: boolean;
  /** How long the server asked to wait before the next request (its Retry-After header), in ms; absent when it did not say. */
  readonly retryAfterMs?: number;

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
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
  }
}
