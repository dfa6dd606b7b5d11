/**
 * lib/run: one run end to end (fires → listing → plan → stops → summary), the handler's event parsing, the
 * clients a run needs, and the stop handler itself (createStopHandler). Every entry point (handler, CLI, daemon,
 * demo) goes through here; the daemon itself lives in lib/daemon.
 */
export { type ClientPool, type ClientPoolOptions, createClientPool, systemClock } from './clients.js';
export {
  EventSource,
  type FaasTimerEvent,
  type ManualInput,
  parseStopEvent,
  type RunRequest,
  type StopEvent,
} from './event.js';
export {
  type FireRequest,
  firesAsIf,
  firesFor,
  hasAction,
  inlineWindowFor,
  runTick,
} from './fires.js';
export {
  createStopHandler,
  DEADLINE_MARGIN_ENV,
  DEFAULT_DEADLINE_MARGIN_MS,
  deadlineMarginFromEnv,
  loadOnce,
  MAX_DEADLINE_MARGIN_MS,
  RunFailedError,
  type StopContext,
  type StopHandler,
  type StopHandlerDeps,
} from './handler.js';
export { type ListDeps, type ListingRequest, listTaggedInstances } from './list.js';
export {
  DEFAULT_NOTIFY_BUDGET_MS,
  MAX_NOTIFY_BUDGET_MS,
  millisecondsFromEnv,
  NOTIFY_BUDGET_ENV,
  type NotificationPreview,
  type NotifyDeps,
  type NotifySettings,
  notifyBudgetFromEnv,
  notifyRun,
  runAndNotify,
} from './notify.js';
export {
  DEFAULT_RUN_DEADLINE_MS,
  partialRunOf,
  planRun,
  type RunDeps,
  type RunOptions,
  type RunResult,
  runOnce,
} from './run.js';
export {
  computeSavings,
  hourlyPrice,
  NEXT_START_HORIZON_MS,
  type NextStartFn,
  nextStartFor,
  type SavingsInput,
} from './savings.js';
