/**
 * The error codes the emulator answers with, their HTTP statuses, CodeN values and messages, as
 * docs/volcengine-api.md ("Error codes") records them; and the JSON bodies of answers ("Request shape").
 */

/** Service name in the credential scope and in `ResponseMetadata.Service`. */
export const SERVICE = 'ecs';
/** The only API version the emulator serves. */
export const API_VERSION = '2020-04-01';
/** The ECS actions the emulator serves. */
export const ECS_ACTIONS: readonly string[] = [
  'DescribeInstances',
  'DescribeRegions',
  'StopInstances',
  'StartInstances',
];

interface ErrorSpec {
  httpStatus: number;
  /** Present only where Volcengine documents it (docs/volcengine-api.md); a client must not depend on it. */
  codeN?: number;
  message: string;
}

/** Request-level errors: the call as a whole fails with this HTTP status. */
export const RequestErrors = {
  MissingParameter: { httpStatus: 400, codeN: 100002, message: 'A required parameter is not supplied.' },
  MissingAuthenticationToken: {
    httpStatus: 401,
    codeN: 100003,
    message: 'The request does not carry an Authorization header.',
  },
  MissingSignature: {
    httpStatus: 401,
    codeN: 100005,
    message: 'The Authorization header does not carry a well-formed signature.',
  },
  InvalidTimestamp: {
    httpStatus: 400,
    codeN: 100006,
    message: 'X-Date is missing, malformed or more than 15 minutes from the server time.',
  },
  InvalidActionOrVersion: {
    httpStatus: 404,
    codeN: 100008,
    message: 'The specified Action or Version is not supported.',
  },
  InvalidAccessKey: { httpStatus: 401, codeN: 100009, message: 'The access key is invalid.' },
  SignatureDoesNotMatch: {
    httpStatus: 401,
    codeN: 100010,
    message:
      'The request signature we calculated does not match the signature you provided. Check your secret key and signing method.',
  },
  AccessDenied: { httpStatus: 403, codeN: 100013, message: 'Access denied.' },
  InternalError: { httpStatus: 500, codeN: 100014, message: 'An internal error has occurred.' },
  InternalServiceTimeout: {
    httpStatus: 504,
    codeN: 100016,
    message: 'The service did not answer in time.',
  },
  FlowLimitExceeded: { httpStatus: 429, message: 'The request rate exceeds the limit.' },
  ServiceUnavailableTemp: { httpStatus: 503, message: 'The service is temporarily unavailable.' },
  InvalidArgument: { httpStatus: 400, message: 'The specified argument is invalid.' },
  'LimitExceeded.MaximumRegionIds': {
    httpStatus: 400,
    message: 'The number of RegionIds exceeds the limit of 20.',
  },
  'InvalidCount.Malformed': { httpStatus: 400, message: 'The specified count is malformed.' },
  'InvalidStoppedMode.Malformed': { httpStatus: 400, message: 'The specified StoppedMode is malformed.' },
  'InvalidClientToken.Malformed': { httpStatus: 400, message: 'The specified ClientToken is malformed.' },
  IdempotentParameterMismatch: {
    httpStatus: 400,
    message:
      'The request uses the same client token as a previous, but non-identical request. Do not reuse a client token with different requests, unless the requests are identical.',
  },
  IdempotentProcessing: {
    httpStatus: 412,
    message: 'The request uses the same client token as a previous one that is still in process.',
  },
  // veFaaS (the codes are the emulator's choice: see docs/vefaas-api.md).
  ResourceNotFound: { httpStatus: 404, message: 'The specified resource does not exist.' },
  InvalidParameter: { httpStatus: 400, message: 'The specified parameter is invalid.' },
} as const satisfies Record<string, ErrorSpec>;
export type RequestErrorCode = keyof typeof RequestErrors;

/** Per-instance errors inside `OperationDetails`, with the messages of the StopInstances page. */
export const InstanceErrors = {
  'InvalidInstance.NotFound': 'The specified instance does not exist.',
  'MissingParameter.InstanceId': 'The required parameter InstanceId is not supplied.',
  InvalidInstanceStatus: 'The status of the specified instance does not support this request.',
  'InvalidStoppedMode.Conflict': 'The specified StoppedMode conflicts with instance status.',
  'InvalidStoppedMode.ChargeTypeMismatch': "The specified StopCharging mismatch instance's ChargeType.",
  'InvalidStoppedMode.InstanceTypeMismatch': "The specified StopCharging mismatch instance's InstanceType.",
  'OperationDenied.ResourceLocked':
    'The specified operation is denied as your resource is locked for another operation.',
  'OperationDenied.ResourceCreatedByOtherService':
    'The specified operation is denied as your resource is created by other service. You can check system tags to find the service.',
  'OperationDenied.InstanceIsCreatingImage':
    'The specified operation is denied as your instance is creating image.',
  FlowLimitExceeded: "You've reach the limit on request rate of resources.",
  'Insufficient.InstanceCapacity': 'There is not enough capacity to fulfill your request.',
  InternalError: 'An internal error has occurred.',
} as const;
export type InstanceErrorCode = keyof typeof InstanceErrors;

/** `ResponseMetadata` of every answer. */
export interface ResponseMetadata {
  RequestId: string;
  Action: string;
  Version: string;
  Service: string;
  Region: string;
  Error?: { CodeN?: number; Code: string; Message: string };
}

/** A request-level failure on its way to becoming an answer. */
export interface ApiFailure {
  code: RequestErrorCode;
  /** Replaces the catalogue message when the failure needs to say which parameter. */
  message?: string;
}

/** Builds the body of a request-level error; `CodeN` comes first, as Volcengine's documentation shows it. */
export function errorBody(
  meta: ResponseMetadata,
  failure: ApiFailure,
): { ResponseMetadata: ResponseMetadata } {
  const spec: ErrorSpec = RequestErrors[failure.code];
  const message = failure.message ?? spec.message;
  const error =
    spec.codeN === undefined
      ? { Code: failure.code, Message: message }
      : { CodeN: spec.codeN, Code: failure.code, Message: message };
  return { ResponseMetadata: { ...meta, Error: error } };
}

/** The HTTP status of a request-level error code. */
export function httpStatusOf(code: RequestErrorCode): number {
  return RequestErrors[code].httpStatus;
}
