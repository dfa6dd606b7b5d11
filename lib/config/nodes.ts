/**
 * The position-tracking side of the YAML reader: turns a parsed document into plain values for the schema,
 * and maps an issue's path (`['schedules', 'nightly', 'stop', 0]`) back to the node it came from, so every
 * message is located as `FILE:LINE:COLUMN`.
 */
import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter } from 'yaml';
import type { ConfigIssue } from '../errors.js';
import { closest } from '../suggest.js';
import { printable } from '../table.js';

/** A 1-based position in the file. */
export interface Position {
  line: number;
  column: number;
}

/** Where a value sits in the document: mapping keys and list indexes from the root. */
export type Path = readonly (string | number)[];

/**
 * Most aliases followed while reading one file: the default of yaml's `maxAliasCount`. The reader converts
 * nodes itself (it never calls `toJS`, where yaml enforces that limit), so it enforces the same bound.
 */
export const MAX_ALIAS_COUNT = 100;

/** Thrown (and caught by the loader) when a file follows more than {@link MAX_ALIAS_COUNT} aliases. */
export class AliasLimitExceeded extends Error {
  constructor(readonly node: unknown) {
    super(`more than ${MAX_ALIAS_COUNT} alias expansions`);
    this.name = 'AliasLimitExceeded';
  }
}

const PREVIEW_CHARS = 40;

/**
 * A string quoted for a message: cut at 40 characters, newlines shown as `\n`, other control and bidi
 * characters escaped, so a value cannot forge a `FILE:LINE:COLUMN` line or recolour the terminal.
 */
export function quoted(text: string): string {
  const cut = text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
  return `'${printable(cut.replace(/\n/g, '\\n'), Number.POSITIVE_INFINITY)}'`;
}

/** Describes a value for "expected X, got Y" messages: `string 'yes'`, `number 0`, `a list`, `null`. */
export function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'a mapping';
  if (typeof value === 'string') return `string ${quoted(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return 'null';
}

/** "unknown key 'x'" with a did-you-mean, or with the list of known keys when nothing is close. */
export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const guess = closest(key, known);
  return guess
    ? `unknown key ${quoted(key)} (did you mean '${guess}'?)`
    : `unknown key ${quoted(key)} (expected one of: ${known.join(', ')})`;
}

/** One parsed file: collects issues, and locates nodes by position or by path. */
export class Source {
  readonly issues: ConfigIssue[] = [];
  private aliasesFollowed = 0;

  constructor(
    readonly file: string,
    readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Where a node starts; nodes without a range (none in a parsed file) map to 1:1. */
  position(node: unknown): Position {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? this.positionAt(range[0]) : { line: 1, column: 1 };
  }

  /** The position of a character offset in the source text. */
  positionAt(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  /** Records an issue at a node, or at an explicit position. */
  report(at: unknown, message: string): void {
    const { line, column } = isPosition(at) ? at : this.position(at);
    this.issues.push({ file: this.file, line, column, message });
  }

  /** Follows an alias to the node its anchor names, counting against {@link MAX_ALIAS_COUNT}. */
  resolve(node: unknown): unknown {
    if (!isAlias(node)) return node;
    this.aliasesFollowed += 1;
    if (this.aliasesFollowed > MAX_ALIAS_COUNT) throw new AliasLimitExceeded(node);
    return node.resolve(this.doc) ?? node;
  }

  /**
   * The node at `path` (aliases followed, without counting: the path was walked once already), or the
   * deepest node on the way when the path leaves the document (a missing key).
   */
  nodeAt(path: Path): unknown {
    let node: unknown = this.doc.contents;
    for (const key of path) {
      const next = childOf(node, key, this.doc);
      if (next === undefined) return node;
      node = next.value;
    }
    return node;
  }

  /** The key node of the mapping entry at `path` (for unknown keys and names), else the value's node. */
  keyNodeAt(path: Path): unknown {
    const parent = this.nodeAt(path.slice(0, -1));
    const key = path[path.length - 1];
    return (key !== undefined && childOf(parent, key, this.doc)?.key) || this.nodeAt(path);
  }

  /**
   * The document as plain values for the schema. Mappings become objects (keys set with defineProperty, so
   * `__proto__` stays a key), with non-string and duplicate keys reported and left out. An alias yields the
   * same value as its anchor, converted once: a "billion laughs" file costs no more than its text.
   */
  toPlain(): unknown {
    const done = new Map<unknown, unknown>();
    const convert = (raw: unknown, path: Path): unknown => {
      const node = this.resolve(raw);
      if (done.has(node)) {
        // An alias inside its own anchor: the value would contain itself.
        if (done.get(node) === IN_PROGRESS) throw new AliasLimitExceeded(raw);
        return done.get(node);
      }
      if (isScalar(node)) return node.value ?? null;
      done.set(node, IN_PROGRESS);
      const value = isSeq(node)
        ? node.items.map((item, index) => convert(item, [...path, index]))
        : isMap(node)
          ? this.mapping(node, path, convert)
          : null;
      done.set(node, value);
      return value;
    };
    return convert(this.doc.contents, []);
  }

  private mapping(
    node: { items: { key: unknown; value: unknown }[] },
    path: Path,
    convert: (node: unknown, path: Path) => unknown,
  ): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const seen = new Map<string, unknown>();
    for (const pair of node.items) {
      const keyNode = this.resolve(pair.key);
      if (!isScalar(keyNode) || typeof keyNode.value !== 'string') {
        this.report(
          keyNode,
          `expected a string key, got ${describe(isScalar(keyNode) ? keyNode.value : [])}`,
        );
        continue;
      }
      const key = keyNode.value;
      const first = seen.get(key);
      if (first !== undefined) {
        this.report(
          keyNode,
          `duplicate ${keyNoun(path)} ${quoted(key)} (first defined at line ${this.position(first).line})`,
        );
        continue;
      }
      seen.set(key, keyNode);
      defineEntry(out, key, convert(pair.value ?? null, [...path, key]));
    }
    return out;
  }
}

const IN_PROGRESS = Symbol('in progress');

/** Sets `key` as an own enumerable property, even `__proto__` (which `=` would turn into the prototype). */
export function defineEntry<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** What the keys of the mapping at `path` are, for the duplicate-key message. */
function keyNoun(path: Path): string {
  const owner = path.length === 1 ? path[0] : path[path.length - 1];
  if (path.length === 1 && owner === 'schedules') return 'schedule name';
  if (path.length === 1 && owner === 'calendars') return 'calendar name';
  if (owner === 'tags') return 'tag';
  if (path.length === 2 && path[0] === 'prices' && owner === 'hourly') return 'instance type';
  return 'key';
}

/** The pair (map) or item (list) of `node` at `key`, aliases followed. */
function childOf(
  node: unknown,
  key: string | number,
  doc: Document,
): { key?: unknown; value: unknown } | undefined {
  const unalias = (n: unknown) => (isAlias(n) ? (n.resolve(doc) ?? n) : n);
  if (isSeq(node) && typeof key === 'number') {
    const item = node.items[key];
    return item === undefined ? undefined : { value: unalias(item) };
  }
  if (!isMap(node)) return undefined;
  const pair = node.items.find((p) => {
    const k = unalias(p.key);
    return isScalar(k) && k.value === key;
  });
  return pair && { key: unalias(pair.key), value: unalias(pair.value ?? null) };
}

function isPosition(at: unknown): at is Position {
  return typeof at === 'object' && at !== null && 'line' in at && 'column' in at && !('range' in at);
}
