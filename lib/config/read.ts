/**
 * Reads a parsed document into a Config: the schema checks the structure (every issue placed at its node
 * through the issue's path), then the checks that span sections run on what the schema accepted, and the
 * Config is built only from a file without any issue.
 */
import * as v from 'valibot';
import { isMap } from 'yaml';
import { Action, formatTick, startStopOverlap } from '../schedule/index.js';
import { closest } from '../suggest.js';
import { KNOWN_REGIONS } from '../volc/index.js';
import { isCredentialKey } from './credentials.js';
import { type Path, quoted, type Source, unknownKeyMessage } from './nodes.js';
import { NO_URL_KEY_MESSAGE, reportLiteralUrls, URL_LIKE, unsignedSecretProblem } from './notify.js';
import { checkGovernedCrons, governed, type Reporter, resolveCalendars } from './resolve.js';
import { NO_ACTION_MESSAGE } from './schedules.js';
import { type ConfigDraft, configSchema } from './schema.js';
import { isMapping } from './sections.js';
import type { CalendarConfig, Config, InlineConfig, NotifyTarget, ScheduleConfig } from './types.js';

type Plain = Record<string, unknown>;
type AnySchema = { entries?: Record<string, AnySchema>; wrapped?: AnySchema; pipe?: AnySchema[] } & Plain;

/** The forms a schema takes once its wrappers (optional, nullable, pipe, union) are looked through. */
function* forms(schema: AnySchema): Generator<AnySchema> {
  yield schema;
  if (schema.wrapped) yield* forms(schema.wrapped);
  for (const item of schema.pipe ?? [])
    if (item !== schema.pipe?.[0] && item.kind === 'schema') yield* forms(item);
  for (const option of (schema.options as AnySchema[] | undefined) ?? []) yield* forms(option);
}

/** The schema of the value at `path`, for the known keys of an unknown key's mapping. */
function schemaAt(schema: AnySchema, path: Path): AnySchema | undefined {
  let at: AnySchema | undefined = schema;
  for (const key of path) {
    const current: AnySchema = at;
    at = undefined;
    for (const form of forms(current)) {
      const next =
        form.entries?.[key] ??
        (form.type === 'record' || form.type === 'array' ? (form.value ?? form.item) : undefined);
      if (next) {
        at = next as AnySchema;
        break;
      }
    }
    if (!at) return undefined;
  }
  return at;
}

function knownKeys(path: Path): string[] {
  const schema = schemaAt(configSchema as unknown as AnySchema, path);
  for (const form of schema ? forms(schema) : []) if (form.entries) return Object.keys(form.entries);
  return [];
}

/** A mapping's owner, where a missing key is reported: the file's start, a named entry's name, or itself. */
function ownerOf(path: Path, source: Source): unknown {
  if (path.length === 0) return { line: 1, column: 1 };
  if (path.length === 2 && (path[0] === 'schedules' || path[0] === 'calendars'))
    return source.keyNodeAt(path);
  return source.nodeAt(path);
}

/** Places each schema issue at its node, in the project's words; returns the paths that had one. */
function reportSchemaIssues(issues: readonly v.BaseIssue<unknown>[], source: Source): Path[] {
  const paths: Path[] = [];
  // A mapping's missing keys come after its unknown ones (which may be the same keys, misspelt).
  const missing: [unknown, string][] = [];
  for (const issue of issues) {
    const path = (issue.path ?? []).map((item) => item.key as string | number);
    const last = issue.path?.[issue.path.length - 1];
    paths.push(path);
    const key = String(last?.key);
    if (issue.type === 'never') {
      // A credential-looking key was reported by the file-wide scan, without its value.
      if (isCredentialKey(key)) continue;
      if (path[0] === 'notify' && key === 'url') {
        // A URL there is reported as a literal URL; anything else is told where the URL goes.
        if (!(typeof last?.value === 'string' && URL_LIKE.test(last.value))) {
          source.report(source.nodeAt(path), NO_URL_KEY_MESSAGE);
        }
        continue;
      }
      source.report(source.keyNodeAt(path), unknownKeyMessage(key, knownKeys(path.slice(0, -1))));
    } else if (last?.origin === 'key' && issue.input === undefined) {
      missing.push([ownerOf(path.slice(0, -1), source), `missing required key '${key}'`]);
    } else {
      source.report(last?.origin === 'key' ? source.keyNodeAt(path) : source.nodeAt(path), issue.message);
    }
  }
  for (const [at, message] of missing) source.report(at, message);
  return paths;
}

/**
 * Reads the document's root node. Returns undefined when anything was reported: nothing runs with an
 * invalid file, so no partial Config ever leaves this function.
 */
export function readConfig(source: Source): Config | undefined {
  const root = source.doc.contents;
  if (root === null) {
    source.report(
      { line: 1, column: 1 },
      'the file is empty: expected a mapping with version, regions and schedules',
    );
    return undefined;
  }
  const input = source.toPlain();
  const notifyNode = isMap(root) ? root.get('notify', true) : undefined;
  if (notifyNode !== undefined) reportLiteralUrls(source.resolve(notifyNode), source);
  const result = v.safeParse(configSchema, input);
  const failed = result.issues ? reportSchemaIssues(result.issues, source) : [];
  const clean = (path: Path) =>
    !failed.some((bad) => path.every((key, i) => i >= bad.length || bad[i] === key));
  const draft = result.output as ConfigDraft;
  const reporter: Reporter = {
    report: (path, message, onKey) =>
      source.report(onKey ? source.keyNodeAt(path) : source.nodeAt(path), message),
  };
  checkAcrossSections(draft, input as Plain, clean, reporter);
  if (source.issues.length > 0) return undefined;
  return build(draft, source, reporter);
}

/** The checks that need more than one section, each on values the schema accepted. */
function checkAcrossSections(
  draft: ConfigDraft,
  input: Plain,
  clean: (p: Path) => boolean,
  r: Reporter,
): void {
  const written = (path: Path) => valueAt(input, path) !== undefined;
  for (const [name, low, high] of [
    ['retry', 'baseMs', 'capMs'],
    ['verify', 'intervalMs', 'timeoutMs'],
  ] as const) {
    // A setting that is written but invalid was reported already; comparing its default would mislead.
    const values = draft[name] as Record<string, number>;
    if (!isMapping(values) || !clean([name, low]) || !clean([name, high]) || values[low]! <= values[high]!)
      continue;
    const at = written([name, high]) ? [name, high] : written([name, low]) ? [name, low] : [name];
    r.report(at, `${high} must be at least ${low} (${values[low]}), got ${values[high]}`);
  }
  if (
    isMapping(draft.inline) &&
    clean(['inline', 'tagKey']) &&
    clean(['tagKey']) &&
    draft.inline.tagKey === draft.tagKey
  ) {
    r.report(['inline', 'tagKey'], `inline tagKey must differ from the schedule tag ${quoted(draft.tagKey)}`);
  }
  if (clean(['allowUnknownRegions']) && draft.allowUnknownRegions !== true) {
    (Array.isArray(draft.regions) ? draft.regions : []).forEach((region, index) => {
      if (!clean(['regions', index]) || typeof region !== 'string' || KNOWN_REGIONS.includes(region)) return;
      // A misspelt region would list no instances and the run would stop nothing, silently.
      const guess = closest(region, KNOWN_REGIONS);
      r.report(
        ['regions', index],
        `unknown region ${quoted(region)}${guess ? ` (did you mean '${guess}'?)` : ''}: ` +
          `known regions are ${KNOWN_REGIONS.join(', ')}; ` +
          'set allowUnknownRegions: true for a region newer than this list',
      );
    });
  }
  const schedules = isMapping(draft.schedules) ? draft.schedules : {};
  const names = Object.keys(schedules);
  (Array.isArray(draft.notify) ? draft.notify : []).forEach((target, index) => {
    const secretProblem = clean(['notify', index]) ? unsignedSecretProblem(target) : undefined;
    if (secretProblem) r.report(['notify', index, 'secretEnv'], secretProblem);
    if (!clean(['notify', index]) || !clean(['schedules'])) return;
    for (const name of target.schedules ?? []) {
      // A URL was reported as such already; naming it again would echo its token.
      if (names.includes(name) || URL_LIKE.test(name)) continue;
      r.report(
        ['notify', index],
        `notify target ${target.type} names schedule ${quoted(name)}, which is not configured (schedules: ${names.join(', ')})`,
      );
    }
  });
  for (const [name, body] of Object.entries(schedules)) {
    const path = ['schedules', name];
    if (!clean(path)) continue;
    if (!written([...path, 'stop']) && !written([...path, 'start'])) {
      r.report(path, NO_ACTION_MESSAGE, true);
      continue;
    }
    if (body.calendar === undefined) continue;
    const refs = governed(body.calendar, { stop: body.stop, start: body.start }, path, r);
    for (const action of [Action.Stop, Action.Start]) {
      const ref = refs[action];
      const crons = body[action];
      const at = [...path, action];
      if (ref && crons) checkGovernedCrons(crons, valueAt(input, at), at, action, ref.name, r);
    }
  }
}

/** The plain value at `path`, or undefined where the file has none. */
function valueAt(input: unknown, path: Path): unknown {
  let at = input;
  for (const key of path) at = typeof at === 'object' && at !== null ? (at as Plain)[key] : undefined;
  return at;
}

/** The Config of a file without issues: names become fields, zones and calendars are resolved. */
function build(draft: ConfigDraft, source: Source, r: Reporter): Config | undefined {
  const located = (path: Path, onKey = false) => ({
    file: source.file,
    ...source.position(onKey ? source.keyNodeAt(path) : source.nodeAt(path)),
  });
  const calendars: CalendarConfig[] = Object.entries(draft.calendars).map(([name, body]) => ({
    name,
    ...body,
  }));
  const schedules: ScheduleConfig[] = [];
  for (const [name, body] of Object.entries(draft.schedules)) {
    const path = ['schedules', name];
    const { calendar: written, stop, start, ...rest } = body;
    const schedule: ScheduleConfig = {
      name,
      ...rest,
      stop: stop ?? [],
      ...(start !== undefined && { start }),
      timezone: body.timezone ?? draft.timezone,
      location: located(path, true),
      ...(start !== undefined && { startLocation: located([...path, 'start']) }),
    };
    const refs = written === undefined ? {} : governed(written, { stop, start }, path, r);
    const calendar = resolveCalendars(refs, calendars, r);
    if (calendar && Object.keys(calendar).length > 0) schedule.calendar = calendar;
    schedules.push(schedule);
  }
  let inline: InlineConfig | undefined;
  if (draft.inline) {
    const { calendar: name, ...rest } = draft.inline;
    inline = { ...rest, timezone: rest.timezone ?? draft.timezone };
    if (name !== undefined) {
      const calendar = resolveCalendars({ stop: { name, path: ['inline', 'calendar'] } }, calendars, r)?.stop;
      if (calendar) inline.calendar = calendar;
    }
  }
  if (source.issues.length > 0) return undefined;
  const { tick: tickMs, calendars: _, schedules: __, notify, prices, inline: ___, ...settings } = draft;
  for (const schedule of schedules) {
    const overlap = startStopOverlap(schedule, tickMs);
    if (overlap === undefined) continue;
    // A run carries one action per schedule, so one of the two would be lost.
    source.report(
      schedule.startLocation ?? schedule.location!,
      `start ${quoted(overlap.start)} (${overlap.startTime}) and stop ${quoted(overlap.stop)} (${overlap.stopTime}) ` +
        `can fire in the same ${formatTick(tickMs)} tick; move one of them at least one tick away from the other, or shorten tick`,
    );
  }
  if (source.issues.length > 0) return undefined;
  const targets: NotifyTarget[] | undefined = notify?.map((target, index) => ({
    ...target,
    location: located(['notify', index]),
  }));
  return {
    file: source.file,
    ...settings,
    tickMs,
    calendars,
    schedules,
    ...(targets !== undefined && targets.length > 0 && { notify: targets }),
    ...(prices !== undefined && { prices }),
    ...(inline !== undefined && { inline }),
  };
}
