/**
 * Deploying the stop function to veFaaS, idempotently: find the function by name, create or update it, create
 * or update its one timer (crontab from the tick), release, and wait for the release to end. A content hash of
 * the code and settings is kept in the function's description, so a deploy with nothing changed creates,
 * updates and releases nothing. Every step is reported through `onStep`; time and sleep are injected.
 */
import { ErrorCode, LightsOutError } from '../errors.js';
import { formatTick, tickCrontab } from '../schedule/index.js';
import { VERSION } from '../version.js';
import {
  type FaasEnv,
  type FaasTrigger,
  type FunctionSpec,
  ReleaseState,
  releaseState,
  type TimerSpec,
  type VefaasClient,
} from '../volc/index.js';
import { FUNCTION_RUNTIME } from './entry.js';
import { type FunctionPackage, sha256 } from './zip.js';

/** The steps a deploy reports, in order. */
export const DeployStep = {
  Package: 'package',
  Function: 'function',
  Timer: 'timer',
  Release: 'release',
  Deploy: 'deploy',
} as const;
export type DeployStep = (typeof DeployStep)[keyof typeof DeployStep];

/** What became of a step. */
export const StepState = {
  Running: 'running',
  Built: 'built',
  Created: 'created',
  Updated: 'updated',
  Unchanged: 'unchanged',
  Released: 'released',
  Skipped: 'skipped',
  Deleted: 'deleted',
  Absent: 'absent',
  Failed: 'failed',
  Done: 'done',
} as const;
export type StepState = (typeof StepState)[keyof typeof StepState];

/** One progress report. */
export interface StepReport {
  step: DeployStep;
  state: StepState;
  functionId?: string;
  timerId?: string;
  /** A short human detail (the crontab, the zip size, why it failed). */
  detail?: string;
  errorCode?: string;
}

/** The name of the one timer deploy manages on its function. */
export const TIMER_NAME = 'lights-out-tick';

/** Defaults of {@link DeploySettings}. */
export const DEPLOY_DEFAULTS = {
  name: 'lights-out',
  region: 'cn-beijing',
  /** A run holds one page of instances per region and the outcomes: 512 MB is the Lambda figure. */
  memoryMB: 512,
  /** A large fleet's run takes minutes at the rate limit; the handler keeps its margin before this. */
  timeoutSeconds: 900,
  /** How often the release is polled. */
  pollMs: 1_000,
  /** How long a release may take before deploy gives up. */
  releaseTimeoutMs: 10 * 60_000,
} as const;

/** What one deploy writes. */
export interface DeploySettings {
  /** The function's name. @default 'lights-out' */
  name: string;
  /** The function's memory. @default 512 */
  memoryMB: number;
  /** The function's request timeout. @default 900 */
  timeoutSeconds: number;
  /** The configuration's tick: the timer's crontab comes from it. */
  tickMs: number;
  pkg: FunctionPackage;
  /** The function's environment (its own key pair, LIGHTS_OUT_CONFIG, ...). */
  envs: FaasEnv[];
}

/** What a deploy touches, injected. */
export interface DeployDeps {
  faas: VefaasClient;
  nowMs(): number;
  sleep(ms: number): Promise<void>;
  onStep(report: StepReport): void;
  /** @default 1000 */
  pollMs?: number;
  /** @default 600000 */
  releaseTimeoutMs?: number;
}

/** What a deploy did. */
export interface DeployResult {
  functionId: string;
  function: StepState;
  timer: StepState;
  release: StepState;
}

/** What the platform did wrong in a deploy (exit 1): a release that failed or did not end, an ambiguous name. */
export class DeployError extends LightsOutError {
  constructor(code: typeof ErrorCode.ReleaseFailed | typeof ErrorCode.AmbiguousFunction, message: string) {
    super(code, message);
    this.name = 'DeployError';
  }
}

/**
 * The hash of everything deployed: each file's bytes and every setting. It changes when the code, the
 * configuration, the runtime, the memory, the timeout or the environment change (the function's key
 * included: the description shows only this one-way digest of it, never the key).
 */
export function contentHash(settings: DeploySettings): string {
  const files = settings.pkg.files.map((f) => [f.name, sha256(f.bytes)]);
  const envs = settings.envs.map((e) => [e.Key, e.Value]).sort();
  return sha256(
    JSON.stringify({
      files,
      envs,
      runtime: FUNCTION_RUNTIME,
      memoryMB: settings.memoryMB,
      timeoutSeconds: settings.timeoutSeconds,
    }),
  );
}

function hashTag(settings: DeploySettings): string {
  return `sha256:${contentHash(settings).slice(0, 32)}`;
}

/**
 * The CreateFunction/UpdateFunction body: runtime, inline zip, description with the content hash, settings.
 *
 * @example
 * functionSpec(settings).Runtime; // 'node20/v1'
 */
export function functionSpec(settings: DeploySettings): FunctionSpec {
  return {
    Name: settings.name,
    Runtime: FUNCTION_RUNTIME,
    Description: `lights-out ${VERSION}: stops tagged ECS instances on schedules (deploy ${hashTag(settings)})`,
    Source: Buffer.from(settings.pkg.zip).toString('base64'),
    SourceType: 'zip',
    Envs: settings.envs,
    MemoryMB: settings.memoryMB,
    RequestTimeout: settings.timeoutSeconds,
  };
}

/**
 * The timer's body: fires on the tick grid. The payload is an empty JSON object (no manual fields), so the
 * handler plans the tick of the event's time; retries are safe because a retried run sends the same ClientTokens.
 *
 * @example
 * timerSpec(300_000).Crontab; // '*\/5 * * * *'
 */
export function timerSpec(tickMs: number): TimerSpec {
  return {
    Name: TIMER_NAME,
    Crontab: tickCrontab(tickMs),
    Payload: '{}',
    Enabled: true,
    Description: `lights-out tick ${formatTick(tickMs)}`,
    Retries: 2,
    EnableConcurrency: false,
  };
}

function sameTimer(existing: FaasTrigger, spec: TimerSpec): boolean {
  return (
    existing.Crontab === spec.Crontab &&
    existing.Payload === spec.Payload &&
    existing.Enabled === spec.Enabled &&
    existing.Retries === spec.Retries &&
    existing.EnableConcurrency === spec.EnableConcurrency
  );
}

/** The one function named `name`; more than one is ambiguous and refused. */
async function findFunction(faas: VefaasClient, name: string): Promise<string | undefined> {
  const found = await faas.findFunctions(name);
  if (found.length > 1) {
    throw new DeployError(
      ErrorCode.AmbiguousFunction,
      `${found.length} functions are named ${JSON.stringify(name)} (${found.map((f) => f.Id).join(', ')}): ` +
        'delete the extra ones or deploy under another --name',
    );
  }
  return found[0]?.Id;
}

async function putFunction(settings: DeploySettings, deps: DeployDeps): Promise<[string, StepState]> {
  const { faas } = deps;
  const spec = functionSpec(settings);
  const id = await findFunction(faas, settings.name);
  if (id === undefined) return [(await faas.createFunction(spec)).Id, StepState.Created];
  const existing = await faas.getFunction(id);
  if (existing.Description?.includes(hashTag(settings))) return [id, StepState.Unchanged];
  await faas.updateFunction(id, spec);
  return [id, StepState.Updated];
}

async function putTimer(
  functionId: string,
  tickMs: number,
  faas: VefaasClient,
): Promise<[string, StepState]> {
  const spec = timerSpec(tickMs);
  const timers = (await faas.listTriggers(functionId)).filter(
    (t) => t.Type === 'timer' && t.Name === TIMER_NAME,
  );
  const [timer] = timers;
  if (!timer) return [(await faas.createTimer(functionId, spec)).Id, StepState.Created];
  if (sameTimer(timer, spec)) return [timer.Id, StepState.Unchanged];
  await faas.updateTimer(functionId, timer.Id, spec);
  return [timer.Id, StepState.Updated];
}

async function waitForRelease(functionId: string, deps: DeployDeps): Promise<void> {
  const pollMs = deps.pollMs ?? DEPLOY_DEFAULTS.pollMs;
  const deadlineMs = deps.nowMs() + (deps.releaseTimeoutMs ?? DEPLOY_DEFAULTS.releaseTimeoutMs);
  for (;;) {
    const status = await deps.faas.getReleaseStatus(functionId);
    const state = releaseState(status.Status);
    if (state === ReleaseState.Succeeded) return;
    if (state === ReleaseState.Failed) {
      throw new DeployError(
        ErrorCode.ReleaseFailed,
        `the release of function ${functionId} failed (${status.Status})` +
          (status.ErrorMessage ? `: ${status.ErrorMessage}` : ''),
      );
    }
    if (deps.nowMs() + pollMs > deadlineMs) {
      throw new DeployError(
        ErrorCode.ReleaseFailed,
        `the release of function ${functionId} did not end in time (still ${status.Status})`,
      );
    }
    await deps.sleep(pollMs);
  }
}

/**
 * Deploys (or re-deploys) the function and its timer, releases when anything changed or the last release did
 * not succeed, and waits for the release to end.
 *
 * @throws VolcApiError when the platform refuses a call; DeployError when the release fails.
 */
export async function deploy(settings: DeploySettings, deps: DeployDeps): Promise<DeployResult> {
  deps.onStep({ step: DeployStep.Function, state: StepState.Running });
  const [functionId, fnState] = await putFunction(settings, deps);
  deps.onStep({ step: DeployStep.Function, state: fnState, functionId });
  deps.onStep({ step: DeployStep.Timer, state: StepState.Running, functionId });
  const [timerId, timerState] = await putTimer(functionId, settings.tickMs, deps.faas);
  deps.onStep({
    step: DeployStep.Timer,
    state: timerState,
    functionId,
    timerId,
    detail: timerSpec(settings.tickMs).Crontab,
  });
  // An unchanged function still needs a release when its last one did not succeed (a deploy cut short).
  const lastRelease =
    fnState === StepState.Unchanged
      ? releaseState((await deps.faas.getReleaseStatus(functionId)).Status)
      : undefined;
  let release: StepState = StepState.Skipped;
  if (lastRelease !== ReleaseState.Succeeded) {
    deps.onStep({ step: DeployStep.Release, state: StepState.Running, functionId });
    await deps.faas.release(functionId);
    await waitForRelease(functionId, deps);
    release = StepState.Released;
  }
  deps.onStep({ step: DeployStep.Release, state: release, functionId });
  deps.onStep({ step: DeployStep.Deploy, state: StepState.Done, functionId });
  return { functionId, function: fnState, timer: timerState, release };
}

/**
 * Removes the timer and the function (`deploy --remove`). A function that does not exist is not an error.
 *
 * @returns the function's ID, or undefined when there was none
 */
export async function removeDeployment(name: string, deps: DeployDeps): Promise<string | undefined> {
  const functionId = await findFunction(deps.faas, name);
  if (functionId === undefined) {
    deps.onStep({ step: DeployStep.Function, state: StepState.Absent, detail: name });
    return undefined;
  }
  for (const timer of await deps.faas.listTriggers(functionId)) {
    if (timer.Type !== 'timer' || timer.Name !== TIMER_NAME) continue;
    await deps.faas.deleteTimer(functionId, timer.Id);
    deps.onStep({ step: DeployStep.Timer, state: StepState.Deleted, functionId, timerId: timer.Id });
  }
  await deps.faas.deleteFunction(functionId);
  deps.onStep({ step: DeployStep.Function, state: StepState.Deleted, functionId });
  deps.onStep({ step: DeployStep.Deploy, state: StepState.Done, functionId });
  return functionId;
}
