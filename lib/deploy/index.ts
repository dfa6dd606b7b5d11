/**
 * Deploying the stop function: to veFaaS in one command (`lights-out deploy`: the zip, the function, its timer
 * from the tick, the release), and the checks that keep the AWS Lambda deployment's timer on the tick.
 */
export { FunctionCredentialEnv, functionCredentialsFromEnv } from './credentials.js';
export {
  contentHash,
  DEPLOY_DEFAULTS,
  type DeployDeps,
  DeployError,
  type DeployResult,
  type DeploySettings,
  DeployStep,
  deploy,
  functionSpec,
  removeDeployment,
  type StepReport,
  StepState,
  TIMER_NAME,
  timerSpec,
} from './deploy.js';
export { type PlannedCall, plannedCalls } from './dry-run.js';
export { BUNDLE_FILE, ENTRY_FILE, ENTRY_SOURCE, FUNCTION_RUNTIME } from './entry.js';
export { awsScheduleExpression, scheduleMismatch, schedulePeriod } from './schedule-expression.js';
export { checkServerlessTimer, SERVERLESS_FILE, type TimerProblem } from './serverless.js';
export {
  buildFunctionPackage,
  defaultBundleDir,
  type FunctionPackage,
  type PackageFile,
  sha256,
  ZIPPED_CONFIG,
} from './zip.js';
