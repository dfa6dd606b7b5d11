/**
 * What the handler can be invoked with, and how each becomes one run request. Pure: the clock is an argument.
 * A timer's scheduled instant (not the clock) is the tick, so a late or repeated delivery of the same tick
 * plans the same fires and sends the same ClientTokens.
 */
import type { ScheduledEvent } from 'aws-lambda';
import { UsageError } from '../errors.js';
import { Action } from '../schedule/index.js';
import { parseIsoInstant } from '../time/index.js';

/** The veFaaS timer trigger's CloudEvent. `data` is the timer's payload string, which may hold JSON input. */
export interface FaasTimerEvent {
  id: string;
  source: string;
  specversion: string;
  type: 'faas.timer.event';
  time: string;
  datacontenttype?: string;
  data?: string;
}

/** A manual invocation (console, CLI `invoke`, or a schedule's constant `input`). */
export interface ManualInput {
  /**
   * Only this schedule, instead of every schedule due in the tick of `at`: its fires in that tick (a schedule
   * with only one of start and stop: that one, as if it fired at `at`).
   */
  schedule?: string;
  /** With `schedule`: `start` or `stop`, as if the schedule's cron for it fired at `at`. */
  action?: Action;
  /** ISO 8601 instant. @default the invocation time */
  at?: string;
  /** Plan and log, stop nothing. @default false */
  dryRun?: boolean;
  /** Run even when the guard would refuse. @default false */
  force?: boolean;
}

/** Every event the stop handler accepts. */
export type StopEvent = ScheduledEvent | FaasTimerEvent | ManualInput;

/** Where a run request came from, for logs. */
export const EventSource = {
  EventBridge: 'eventbridge',
  FaasTimer: 'vefaas-timer',
  Manual: 'manual',
} as const;
export type EventSource = (typeof EventSource)[keyof typeof EventSource];

/** One run, as the handler and the CLI ask for it. */
export interface RunRequest {
  /** The tick instant (or the fire time when `schedule` asks for one action). */
  at: Date;
  schedule?: string;
  action?: Action;
  dryRun: boolean;
  force: boolean;
  source: EventSource;
}

const MANUAL_KEYS = new Set(['schedule', 'action', 'at', 'dryRun', 'force']);
const ACTIONS: readonly string[] = Object.values(Action);

function parseInstant(value: unknown, where: string): Date {
  const date = typeof value === 'string' ? parseIsoInstant(value) : undefined;
  if (date === undefined) {
    throw new UsageError(
      `${where} must be an ISO 8601 date-time with Z or an offset, got ${JSON.stringify(value)}`,
    );
  }
  return date;
}

function parseManual(
  input: Record<string, unknown>,
  where: string,
  fallbackAt: Date,
): Omit<RunRequest, 'source'> {
  const unknown = Object.keys(input).filter((k) => !MANUAL_KEYS.has(k));
  if (unknown.length > 0) {
    throw new UsageError(
      `${where}: unknown field(s) ${unknown.join(', ')}; expected schedule, action, at, dryRun, force`,
    );
  }
  for (const key of ['dryRun', 'force'] as const) {
    if (input[key] !== undefined && typeof input[key] !== 'boolean') {
      throw new UsageError(`${where}.${key} must be a boolean, got ${JSON.stringify(input[key])}`);
    }
  }
  if (input.schedule !== undefined && (typeof input.schedule !== 'string' || input.schedule === '')) {
    throw new UsageError(`${where}.schedule must be a schedule name, got ${JSON.stringify(input.schedule)}`);
  }
  if (input.action !== undefined) {
    if (typeof input.action !== 'string' || !ACTIONS.includes(input.action)) {
      throw new UsageError(`${where}.action must be start or stop, got ${JSON.stringify(input.action)}`);
    }
    if (input.schedule === undefined) {
      throw new UsageError(
        `${where}.action needs ${where}.schedule: the schedule whose instances to ${input.action}`,
      );
    }
  }
  return {
    at: input.at === undefined ? fallbackAt : parseInstant(input.at, `${where}.at`),
    ...(input.schedule === undefined ? {} : { schedule: input.schedule as string }),
    ...(input.action === undefined ? {} : { action: input.action as Action }),
    dryRun: input.dryRun === true,
    force: input.force === true,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The timer payload may be empty, free text (ignored), or a JSON object of manual fields. */
function parseTimerData(data: unknown): Record<string, unknown> {
  if (typeof data !== 'string' || data.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return {};
  }
  if (!isRecord(parsed)) throw new UsageError('timer event data must be a JSON object when it is JSON');
  return parsed;
}

/**
 * Turns a handler event into a run request. Throws UsageError for an event it cannot read, so that a malformed
 * event fails the invocation instead of stopping anything.
 *
 * @param now the invocation time, used when a manual input names no `at`.
 * @example
 * parseStopEvent({ 'detail-type': 'Scheduled Event', source: 'aws.events', time: '2026-03-09T02:00:00Z', ... }, now)
 * // → { at: 2026-03-09T02:00:00Z, dryRun: false, force: false, source: 'eventbridge' }
 */
export function parseStopEvent(event: unknown, now: Date): RunRequest {
  if (!isRecord(event)) throw new UsageError('the event must be a JSON object');
  if (event['detail-type'] === 'Scheduled Event' || event.source === 'aws.events') {
    return {
      at: parseInstant(event.time, 'event.time'),
      dryRun: false,
      force: false,
      source: EventSource.EventBridge,
    };
  }
  if (event.type === 'faas.timer.event') {
    const at = parseInstant(event.time, 'event.time');
    return { ...parseManual(parseTimerData(event.data), 'event.data', at), source: EventSource.FaasTimer };
  }
  return { ...parseManual(event, 'event', now), source: EventSource.Manual };
}
