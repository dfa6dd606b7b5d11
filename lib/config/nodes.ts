/**
 * Reads a parsed YAML document node by node, checking types and collecting every problem as an issue at the
 * offending node's `line:column`. Readers return `undefined` for a value they reported, so callers go on
 * checking the rest of the file instead of stopping at the first error.
 */
import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter } from 'yaml';
import type { ConfigIssue } from '../errors.js';
import { closest } from '../suggest.js';
import { printable } from '../table.js';
import { isCredentialKey } from './credentials.js';

/** A 1-based position in the file. */
export interface Position {
  line: number;
  column: number;
}

/** Reads one value node; returns undefined after reporting why the value is unusable. */
export type Field<T> = (node: unknown, reader: NodeReader) => T | undefined;

/** One entry of a YAML mapping whose key is a string. */
export interface Entry {
  key: string;
  keyNode: unknown;
  /** The value node, aliases already followed. */
  value: unknown;
}

/**
 * Most aliases followed while reading one file: the default of yaml's `maxAliasCount`. The reader walks
 * nodes itself (it never calls `toJS`, where yaml enforces that limit), so it enforces the same bound: a
 * "billion laughs" file or an alias that contains itself stops here instead of exhausting memory or the stack.
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

/** Describes a node for "expected X, got Y" messages: `string 'yes'`, `number 0`, `a list`, `null`. */
export function describe(node: unknown): string {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (!isScalar(node) || node.value === null || node.value === undefined) return 'null';
  const value = node.value;
  if (typeof value === 'string') return `string ${quoted(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value;
}

/** Collects issues against one parsed document and reads its nodes with type checks. */
export class NodeReader {
  readonly issues: ConfigIssue[] = [];
  private aliasesFollowed = 0;

  constructor(
    readonly file: string,
    private readonly doc: Document,
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
    // The loader refuses a file with an alias to a missing anchor before reading it; should one get here
    // anyway, the alias node itself keeps a position for whatever issue follows.
    return node.resolve(this.doc) ?? node;
  }

  /** A string scalar, or undefined after an "expected a string, got ..." issue. */
  string(node: unknown, expected = 'a string'): string | undefined {
    return this.typed(node, 'string', expected) as string | undefined;
  }

  /** A number scalar (`.inf` and `.nan` included: callers check the range). */
  number(node: unknown, expected = 'a number'): number | undefined {
    return this.typed(node, 'number', expected) as number | undefined;
  }

  /** `true` or `false`; YAML 1.2 reads `yes`, `on` and `off` as strings, which are issues here. */
  boolean(node: unknown): boolean | undefined {
    return this.typed(node, 'boolean', 'a boolean') as boolean | undefined;
  }

  private typed(node: unknown, type: 'string' | 'number' | 'boolean', expected: string): unknown {
    if (isScalar(node) && typeof node.value === type) return node.value;
    this.report(node, `expected ${expected}, got ${describe(node)}`);
    return undefined;
  }

  /** The items of a list (aliases followed), or undefined after an issue. */
  list(node: unknown, expected = 'a list'): unknown[] | undefined {
    if (isSeq(node)) return node.items.map((item) => this.resolve(item));
    this.report(node, `expected ${expected}, got ${describe(node)}`);
    return undefined;
  }

  /**
   * The string-keyed entries of a mapping, in order. An empty value (`key:` with nothing after it) reads as
   * an empty mapping, so a section whose every line is commented out stays valid. Non-string and duplicate
   * keys are issues; `noun` names the keys in the duplicate message (`schedule name`).
   */
  entries(node: unknown, noun = 'key'): Entry[] | undefined {
    if (isScalar(node) && node.value === null) return [];
    if (!isMap(node)) {
      this.report(node, `expected a mapping, got ${describe(node)}`);
      return undefined;
    }
    const seen = new Map<string, unknown>();
    const entries: Entry[] = [];
    for (const pair of node.items) {
      const keyNode = this.resolve(pair.key);
      if (!isScalar(keyNode) || typeof keyNode.value !== 'string') {
        this.report(keyNode, `expected a string key, got ${describe(keyNode)}`);
        continue;
      }
      const key = keyNode.value;
      const first = seen.get(key);
      if (first !== undefined) {
        this.report(
          keyNode,
          `duplicate ${noun} ${quoted(key)} (first defined at line ${this.position(first).line})`,
        );
        continue;
      }
      seen.set(key, keyNode);
      entries.push({ key, keyNode, value: this.resolve(pair.value ?? null) });
    }
    return entries;
  }

  /**
   * Reads a mapping against a table of known keys: each known key's value goes through its field reader;
   * an unknown key is an issue with the closest known key as a suggestion; a missing required key is an issue
   * at `owner` (the key that holds this mapping, or a position). Credential-looking keys are left to the
   * file-wide credential check, which reports them once without their value.
   */
  struct<S extends Record<string, Field<unknown>>>(
    node: unknown,
    fields: S,
    options: { required?: readonly (keyof S & string)[]; owner?: unknown } = {},
  ): { [K in keyof S]?: Exclude<ReturnType<S[K]>, undefined> } | undefined {
    const entries = this.entries(node);
    if (!entries) return undefined;
    const known = Object.keys(fields);
    const out: Record<string, unknown> = {};
    for (const { key, keyNode, value } of entries) {
      const field = Object.hasOwn(fields, key) ? fields[key] : undefined;
      if (field) {
        const read = field(value, this);
        if (read !== undefined) out[key] = read;
      } else if (!isCredentialKey(key)) {
        this.report(keyNode, unknownKeyMessage(key, known));
      }
    }
    for (const key of options.required ?? []) {
      if (!entries.some((entry) => entry.key === key)) {
        this.report(options.owner ?? node, `missing required key '${key}'`);
      }
    }
    return out as { [K in keyof S]?: Exclude<ReturnType<S[K]>, undefined> };
  }
}

function isPosition(at: unknown): at is Position {
  return typeof at === 'object' && at !== null && 'line' in at && 'column' in at && !('range' in at);
}

/** "unknown key 'x'" with a did-you-mean, or with the list of known keys when nothing is close. */
export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const guess = closest(key, known);
  return guess
    ? `unknown key ${quoted(key)} (did you mean '${guess}'?)`
    : `unknown key ${quoted(key)} (expected one of: ${known.join(', ')})`;
}
