/** The call log: one entry per API request, for tests and users to see what a client did. */

/** One API call as the emulator saw and answered it. Holds no credentials (the Authorization header is never kept). */
export interface CallRecord {
  /** ISO 8601 time of arrival, from the emulator's clock. */
  time: string;
  action: string;
  /** From the credential scope; empty when the request was not signed. */
  region: string;
  /** From the credential scope; empty when the request was not signed. */
  accessKeyId: string;
  /** Query and form parameters. */
  params: Record<string, string>;
  clientToken?: string;
  /** 0 when the connection was dropped or never answered (`hang`). */
  httpStatus: number;
  /** The request-level error code, if any. */
  errorCode?: string;
  requestId: string;
  /** The injected fault, if any (`lostResponse`, `dropConnection`, `FlowLimitExceeded`..., `script` for a scripted one). */
  fault?: string;
  /** True when a ClientToken retry got the stored result without acting again. */
  replayed?: boolean;
  /** Stop/Start: instances the answer left out (the `omitOperationDetail` fault), though the call acted on them. */
  omitted?: string[];
  /** Stop/Start: what each instance got (no `errorCode` means accepted). */
  results?: Array<{ instanceId: string; errorCode?: string }>;
}
