/**
 * Notifications around a run: {@link runAndNotify} is runOnce followed by one message per `notify:` target,
 * posted after every outcome line and the summary are logged, all targets in parallel, within a time budget.
 * The handler, `lights-out run` and the daemon all call it, so each notifies the same way. A notification that
 * fails is a `notify.failed` warning and nothing more: it never changes an outcome, the summary or an exit code.
 */
import type { Dispatcher } from 'undici';
import type { Config, NotifyTarget } from '../config/index.js';
import { errorCodeOf, LightsOutError, UsageError } from '../errors.js';
import type { DeliveryResult, Payload, RunReport } from '../notify/index.js';
import { loadUndici } from '../volc/index.js';
import { firesFor, runTick } from './fires.js';
import { partialRunOf, type RunDeps, type RunOptions, type RunResult, runOnce } from './run.js';

/** The environment variable that overrides {@link DEFAULT_NOTIFY_BUDGET_MS}. */
export const NOTIFY_BUDGET_ENV = 'LIGHTS_OUT_NOTIFY_BUDGET_MS';

/**
 * Time for every notification of a run, retries included. The handler keeps it back from its deadline, so a
 * slow webhook delays the invocation by at most this and never costs an outcome line.
 */
export const DEFAULT_NOTIFY_BUDGET_MS = 10_000;

/** The largest budget accepted: 5 minutes, already far beyond any webhook worth waiting for. */
export const MAX_NOTIFY_BUDGET_MS = 5 * 60_000;

/**
 * Reads the notification budget from `LIGHTS_OUT_NOTIFY_BUDGET_MS`. `0` sends nothing (each target is
 * logged as `NotifyBudgetExhausted`).
 *
 * @throws UsageError naming the variable when it is not a whole number of milliseconds in 0..300000.
 * @example
 * notifyBudgetFromEnv({ LIGHTS_OUT_NOTIFY_BUDGET_MS: '3000' }); // 3000
 */
export function notifyBudgetFromEnv(env: NodeJS.ProcessEnv): number {
  return millisecondsFromEnv(env, NOTIFY_BUDGET_ENV, DEFAULT_NOTIFY_BUDGET_MS, MAX_NOTIFY_BUDGET_MS);
}

/**
 * A whole number of milliseconds from an environment variable, or `fallback` when it is unset or blank.
 *
 * @throws UsageError naming the variable when the value is not a whole number in 0..max.
 */
export function millisecondsFromEnv(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  max: number,
): number {
  const value = env[name];
  if (value === undefined || value.trim() === '') return fallback;
  const ms = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(ms) || ms > max) {
    throw new UsageError(
      `${name} must be a whole number of milliseconds from 0 to ${max}, got ${JSON.stringify(value)}`,
    );
  }
  return ms;
}

/** How a run notifies. */
export interface NotifySettings {
  /** Time for all targets together, from the end of the run. @default 10000 ({@link DEFAULT_NOTIFY_BUDGET_MS}) */
  budgetMs?: number;
  /** A hard end on the `nowMs` clock (the handler's deadline); the earlier of it and now + budget wins. */
  deadlineAtMs?: number;
  /** Show the messages instead of sending them (`--notify-preview`). */
  preview?: (previews: NotificationPreview[]) => void;
}

/** One target's message as `--notify-preview` shows it. */
export interface NotificationPreview {
  /** `notify[0]`, or null for the message shown when no target is configured. */
  target: string | null;
  type: NotifyTarget['type'] | null;
  when: NotifyTarget['when'] | null;
  /** Whether the target's `when` would send this message. */
  send: boolean;
  text: string;
  payload: Payload | null;
}

/** What notifying needs beyond a run's deps. */
export interface NotifyDeps {
  /** Where the targets' `urlEnv` and `secretEnv` are read. @default {} (every target is logged as unset) */
  env?: NodeJS.ProcessEnv;
  /** @default an undici Agent made for this run's notifications and destroyed after them */
  dispatcher?: Dispatcher;
}

/**
 * lib/notify, imported by the first run that has something to notify. The handler's bundle then neither reads
 * nor evaluates it (nor the configuration vocabulary it uses) at import: most configurations have no targets.
 */
type Notify = typeof import('../notify/index.js');
let notifyModule: Promise<Notify> | undefined;
function loadNotify(): Promise<Notify> {
  notifyModule ??= import('../notify/index.js');
  return notifyModule;
}

function previews(
  { buildMessage, messageText, renderPayload, shouldSend }: Notify,
  config: Config,
  report: RunReport,
): NotificationPreview[] {
  const targets = config.notify ?? [];
  if (targets.length === 0) {
    const message = buildMessage(config, report, {});
    return [{ target: null, type: null, when: null, send: false, text: messageText(message), payload: null }];
  }
  return targets.map((t, i) => {
    const message = buildMessage(config, report, t);
    return {
      target: `notify[${i}]`,
      type: t.type,
      when: t.when,
      send: shouldSend(message, t.when),
      text: messageText(message),
      payload: renderPayload(t.type, message),
    };
  });
}

/**
 * Sends (or previews) the notifications of a finished run. Never throws; returns one result per target sent to.
 *
 * @example
 * await notifyRun(config, report, { ...deps, env: process.env }, { budgetMs: 10_000 });
 */
export async function notifyRun(
  config: Config,
  report: RunReport,
  deps: RunDeps & NotifyDeps,
  settings: NotifySettings = {},
): Promise<DeliveryResult[]> {
  try {
    const notify = await loadNotify();
    const { buildMessage, deliver, renderPayload, resolveTarget, shouldSend } = notify;
    if (settings.preview) {
      settings.preview(previews(notify, config, report));
      return [];
    }
    const deadlineAtMs = Math.min(
      settings.deadlineAtMs ?? Number.POSITIVE_INFINITY,
      deps.nowMs() + (settings.budgetMs ?? DEFAULT_NOTIFY_BUDGET_MS),
    );
    const due = (config.notify ?? []).flatMap((target, index) => {
      const message = buildMessage(config, report, target);
      if (shouldSend(message, target.when)) return [{ target, index, message }];
      deps.logger.debug(
        { event: 'notify.skipped', target: `notify[${index}]`, type: target.type, when: target.when },
        `notify[${index}] (${target.type}): nothing to send under when: ${target.when}`,
      );
      return [];
    });
    if (due.length === 0) return [];
    const dispatcher = deps.dispatcher ?? new (await loadUndici()).Agent({ connections: 2 });
    try {
      return await Promise.all(
        due.map(async ({ target, index, message }) => {
          const resolved = resolveTarget(target, index, deps.env ?? {});
          const result: DeliveryResult =
            'url' in resolved
              ? await deliver(
                  resolved,
                  renderPayload(target.type, message),
                  { deadlineAtMs },
                  { ...deps, dispatcher },
                )
              : {
                  ok: false,
                  attempts: 0,
                  errorCode: resolved.errorCode,
                  httpStatus: 0,
                  answer: resolved.answer,
                };
          logDelivery(deps, `notify[${index}]`, target, result);
          return result;
        }),
      );
    } finally {
      if (deps.dispatcher === undefined) await dispatcher.destroy();
    }
  } catch (error) {
    deps.logger.warn(
      { event: 'notify.failed', errorCode: errorCodeOf(error), err: error },
      'notifications failed unexpectedly; the run is not affected',
    );
    return [];
  }
}

function logDelivery(deps: RunDeps, name: string, target: NotifyTarget, result: DeliveryResult): void {
  const fields = {
    target: name,
    type: target.type,
    attempts: result.attempts,
    httpStatus: result.httpStatus,
    ...(result.platformCode !== undefined && { platformCode: result.platformCode }),
  };
  if (result.ok) {
    deps.logger.info({ event: 'notify.sent', ...fields }, `${name} (${target.type}): notification sent`);
    return;
  }
  deps.logger.warn(
    { event: 'notify.failed', ...fields, errorCode: result.errorCode, answer: result.answer },
    `${name} (${target.type}): notification not delivered (${result.errorCode}): ${result.answer}; the run is not affected`,
  );
}

/**
 * One run, then its notifications: {@link runOnce}, and once its outcome lines and summary are logged, one
 * message per `notify:` target whose `when` the run meets. A run whose listing failed is told too (and its
 * error rethrown). This is the one call the handler, `lights-out run` and the daemon make.
 *
 * @example
 * const result = await runAndNotify(config, { at, notify: { budgetMs: 10_000 } }, { ...deps, env: process.env });
 */
export async function runAndNotify(
  config: Config,
  options: RunOptions & { notify?: NotifySettings },
  deps: RunDeps & NotifyDeps,
): Promise<RunResult> {
  const { notify: settings = {}, ...runOptions } = options;
  if ((config.notify ?? []).length === 0 && !settings.preview) return runOnce(config, runOptions, deps);
  const tick = runTick(config, runOptions);
  const dryRun = runOptions.dryRun ?? false;
  let result: RunResult;
  try {
    result = await runOnce(config, runOptions, deps);
  } catch (error) {
    if (!(error instanceof UsageError)) {
      const fires = firesFor(config, runOptions).map((f) => ({
        schedule: f.schedule,
        fireTime: f.fireTime.toISOString(),
        action: f.action,
      }));
      const message = error instanceof LightsOutError ? error.message : 'see the run.summary log line';
      const listingError = { code: errorCodeOf(error), message };
      // A listing that failed after stopping started: the message counts what the run did before it.
      const partial = partialRunOf(error);
      const done = partial === undefined ? { outcomes: [] } : { ...partial, fires: partial.plan.fires };
      await notifyRun(config, { tick, dryRun, fires, ...done, listingError }, deps, settings);
    }
    throw error;
  }
  await notifyRun(
    config,
    {
      tick,
      dryRun,
      fires: result.plan.fires,
      outcomes: result.outcomes,
      summary: result.summary,
      plan: result.plan,
    },
    deps,
    settings,
  );
  return result;
}
