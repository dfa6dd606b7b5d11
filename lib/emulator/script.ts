/**
 * Scripted faults: what the next matching API requests get, in order. Where the share-based faults strike at
 * random (seeded), a script says "the second StopInstances of cn-beijing is carried out and its answer lost",
 * "the first seven DescribeInstances are throttled" or "this answer leaves i-2 out", for tests that need one
 * exact sequence. A script is part of the fault settings (`script:`), so it is set at start, from a file
 * (`--faults`) or at run time (`PUT /_emulator/faults`); setting the faults starts it again from its first entry.
 */
import type { OperationDetail } from '../volc/index.js';
import { ECS_ACTIONS, type RequestErrorCode, RequestErrors } from './catalog.js';
import { type DocPath, type Issues, isRecord } from './source.js';

/** How a scripted request is answered when not with an API error. */
export const SCRIPTED_ANSWERS = ['ok', 'drop', 'hang', 'nonJson', 'truncatedJson'] as const;
export type ScriptedAnswer = (typeof SCRIPTED_ANSWERS)[number];

/** Changes to the OperationDetails of a Stop/Start answer (the result a ClientToken replays stays intact). */
export interface DetailsChange {
  /** Leaves these instances out of the answer (`all`: every one), though the call acted on them. */
  omit?: string[] | 'all';
  /** Adds accepted details for instances that were not asked for. */
  extra?: string[];
  /** Answers the details in reverse order. */
  reverse?: boolean;
}

/**
 * One entry of a script: which requests it hits and what they get. A request takes the first entry whose
 * `action` and `region` match it, and an entry hits `count` requests before it is used up. A request a script
 * hits draws no share-based fault.
 */
export interface ScriptedFault {
  /** The action it hits. @default any ECS action */
  action?: string;
  /** The region it hits. @default any */
  region?: string;
  /** How many matching requests it hits, one after another. @default 1 */
  count?: number;
  /** Answers with this request-level error of the catalogue (its documented HTTP status). */
  error?: RequestErrorCode;
  /**
   * Answers normally (`ok`, to let a request through in a sequence), drops the connection (`drop`), never
   * answers (`hang`, so the client times out), answers a proxy's HTML 502 (`nonJson`), or answers 200 with
   * JSON cut in the middle (`truncatedJson`, always after acting).
   */
  answer?: ScriptedAnswer;
  /** True: the request is carried out first, then answered with `error` or `answer` (a lost answer). @default false */
  applied?: boolean;
  /** StopInstances/StartInstances: changes the answer's OperationDetails. */
  details?: DetailsChange;
  /** DescribeInstances: answers this NextToken, whatever the next page is (a broken server). */
  nextToken?: string;
}

const KEYS: ReadonlySet<string> = new Set([
  'action',
  'region',
  'count',
  'error',
  'answer',
  'applied',
  'details',
  'nextToken',
]);
const BATCH_ACTIONS: ReadonlySet<string> = new Set(['StopInstances', 'StartInstances']);

const isStringList = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((v) => typeof v === 'string' && v !== '');

function checkDetails(value: unknown, path: DocPath, issues: Issues): void {
  if (!isRecord(value)) {
    issues.add(path, 'must be a mapping of omit, extra, reverse');
    return;
  }
  for (const key of Object.keys(value)) {
    if (!['omit', 'extra', 'reverse'].includes(key)) issues.add([...path, key], 'unknown change');
  }
  if (value.omit !== undefined && value.omit !== 'all' && !isStringList(value.omit))
    issues.add([...path, 'omit'], "must be a list of instance IDs, or 'all'");
  if (value.extra !== undefined && !isStringList(value.extra))
    issues.add([...path, 'extra'], 'must be a list of instance IDs');
  if (value.reverse !== undefined && typeof value.reverse !== 'boolean')
    issues.add([...path, 'reverse'], 'must be true or false');
}

function checkEntry(entry: unknown, path: DocPath, issues: Issues): void {
  if (!isRecord(entry)) {
    issues.add(path, 'must be a mapping such as {action: StopInstances, error: InternalError}');
    return;
  }
  const at = (key: string) => [...path, key];
  for (const key of Object.keys(entry)) if (!KEYS.has(key)) issues.add(at(key), 'unknown key');
  const { action, error, answer, applied, details, nextToken } = entry;
  if (action !== undefined && !(typeof action === 'string' && ECS_ACTIONS.includes(action)))
    issues.add(at('action'), `must be one of ${ECS_ACTIONS.join(', ')}`);
  if (entry.region !== undefined && (typeof entry.region !== 'string' || entry.region === ''))
    issues.add(at('region'), 'must be a region ID such as cn-beijing');
  if (entry.count !== undefined && !(Number.isInteger(entry.count) && (entry.count as number) >= 1))
    issues.add(at('count'), 'must be a whole number of requests, 1 or more');
  if (error !== undefined && !(typeof error === 'string' && Object.hasOwn(RequestErrors, error)))
    issues.add(at('error'), 'must be a request-level error code of the catalogue, such as InternalError');
  if (answer !== undefined && !SCRIPTED_ANSWERS.includes(answer as ScriptedAnswer))
    issues.add(at('answer'), `must be one of ${SCRIPTED_ANSWERS.join(', ')}`);
  if (error !== undefined && answer !== undefined) issues.add(path, 'has both error and answer: give one');
  if (applied !== undefined && typeof applied !== 'boolean')
    issues.add(at('applied'), 'must be true or false');
  if (details !== undefined) {
    checkDetails(details, at('details'), issues);
    if (!BATCH_ACTIONS.has(String(action)))
      issues.add(at('details'), 'needs action StopInstances or StartInstances');
  }
  if (nextToken !== undefined) {
    if (typeof nextToken !== 'string') issues.add(at('nextToken'), 'must be a string');
    if (action !== 'DescribeInstances') issues.add(at('nextToken'), 'needs action DescribeInstances');
  }
  if (error === undefined && answer === undefined && details === undefined && nextToken === undefined)
    issues.add(path, 'says nothing to do: give error, answer, details or nextToken');
}

/** Checks the `script` fault setting, reporting each problem at its place. */
export function checkScript(value: unknown, issues: Issues): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    issues.add(['script'], 'must be a list of scripted faults');
    return;
  }
  value.forEach((entry, index) => {
    checkEntry(entry, ['script', index], issues);
  });
}

/** A script being played: each entry with the requests it still hits. */
export class FaultScript {
  readonly #entries: Array<{ fault: ScriptedFault; left: number }>;

  constructor(entries: readonly ScriptedFault[] = []) {
    this.#entries = entries.map((fault) => ({ fault, left: fault.count ?? 1 }));
  }

  /** The entry that hits this request, if any, used up by one. */
  take(action: string, region: string): ScriptedFault | undefined {
    const i = this.#entries.findIndex(
      ({ fault }) =>
        (fault.action === undefined || fault.action === action) &&
        (fault.region === undefined || fault.region === region),
    );
    if (i < 0) return undefined;
    const entry = this.#entries[i]!;
    entry.left -= 1;
    if (entry.left === 0) this.#entries.splice(i, 1);
    return entry.fault;
  }
}

/** The OperationDetails of an answer after a script's changes. */
export function changeDetails(details: readonly OperationDetail[], change: DetailsChange): OperationDetail[] {
  const omit = change.omit === 'all' ? undefined : new Set(change.omit ?? []);
  let changed = change.omit === 'all' ? [] : details.filter((d) => !omit?.has(d.InstanceId));
  changed = [...changed, ...(change.extra ?? []).map((id) => ({ InstanceId: id }))];
  return change.reverse ? changed.reverse() : changed;
}
