/**
 * Checks the AWS Lambda deployment's timer (serverless.yml's `schedule` events) against the configuration's
 * tick, for `validate` (a warning) and `npm run package` (`validate --strict`, a failure). Reads the file as
 * YAML with positions, so that each problem is located as FILE:LINE:COLUMN.
 */
import { readFile } from 'node:fs/promises';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { UsageError } from '../errors.js';
import { scheduleMismatch } from './schedule-expression.js';

/** The file `validate` reads when it is in the working directory. */
export const SERVERLESS_FILE = 'serverless.yml';

/** One `schedule` expression of serverless.yml, where it is written. */
interface Located {
  expression: string;
  line: number;
  column: number;
}

function expressionsOf(node: unknown, out: unknown[]): void {
  if (isScalar(node)) out.push(node);
  else if (isSeq(node)) for (const item of node.items) expressionsOf(item, out);
  else if (isMap(node)) expressionsOf(node.get('rate', true), out);
}

/** Every `functions.<name>.events[].schedule` expression (a string, or `rate:` of the object form). */
function scheduleExpressions(text: string): Located[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const functions = doc.get('functions', true);
  const found: unknown[] = [];
  if (isMap(functions)) {
    for (const pair of functions.items) {
      const events = isMap(pair.value) ? pair.value.get('events', true) : undefined;
      if (!isSeq(events)) continue;
      for (const event of events.items) if (isMap(event)) expressionsOf(event.get('schedule', true), found);
    }
  }
  return found.flatMap((node) => {
    if (!isScalar(node) || typeof node.value !== 'string') return [];
    const { line, col } = lines.linePos(node.range?.[0] ?? 0);
    return [{ expression: node.value, line, column: col }];
  });
}

/** A timer problem, located. */
export interface TimerProblem {
  /** `FILE:LINE:COLUMN`. */
  where: string;
  message: string;
}

/**
 * The problems of serverless.yml's timers against `tickMs` (empty when every schedule fires on the tick grid,
 * when the file has no schedule, or when there is no such file and it is not `required`).
 *
 * @throws UsageError when the file cannot be read (a missing file only when `required`).
 *
 * @example
 * await checkServerlessTimer('serverless.yml', 60_000);
 * // [{ where: 'serverless.yml:58:19', message: 'schedule rate(5 minutes) (every 5m) does not match tick 1m: ...' }]
 */
export async function checkServerlessTimer(
  file: string,
  tickMs: number,
  options: { required?: boolean } = {},
): Promise<TimerProblem[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !options.required) return [];
    throw new UsageError(`${file} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  return scheduleExpressions(text).flatMap(({ expression, line, column }) => {
    const problem = scheduleMismatch(expression, tickMs);
    return problem ? [{ where: `${file}:${line}:${column}`, message: problem }] : [];
  });
}
