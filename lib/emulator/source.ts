/**
 * Reads a YAML or JSON document (JSON is YAML) and remembers where each value came from, so that a fleet or
 * fault-settings problem is reported as `file:line:column`.
 */
import { readFile } from 'node:fs/promises';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { ConfigError, type ConfigIssue } from '../errors.js';

/** A path into a document: mapping keys and sequence indexes. */
export type DocPath = ReadonlyArray<string | number>;

/** A parsed document and a way to locate any value in it. */
export interface SourceDoc {
  file: string;
  value: unknown;
  /** Line and column (1-based) of the value at `path`, or of its nearest located ancestor. */
  locate(path: DocPath): { line: number; column: number };
}

/** Parses YAML or JSON text; a syntax error is a ConfigError that points at the spot. */
export function parseSource(text: string, file: string): SourceDoc {
  // Large fleets are JSON (the benchmarks' 50,000 instances): JSON.parse is many times faster than building a
  // YAML document with positions, which is then built only if a problem has to be located.
  const json = parseJson(text);
  if (json !== undefined) {
    let located: SourceDoc | undefined;
    const locate: SourceDoc['locate'] = (path) => {
      located ??= parseYaml(text, file);
      return located.locate(path);
    };
    return { file, value: json.value, locate };
  }
  return parseYaml(text, file);
}

function parseJson(text: string): { value: unknown } | undefined {
  if (!/^\s*[[{]/.test(text)) return undefined;
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

function parseYaml(text: string, file: string): SourceDoc {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((error) => ({
        file,
        line: error.linePos?.[0].line ?? 1,
        column: error.linePos?.[0].col ?? 1,
        message: error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''),
      })),
    );
  }
  const locate = (path: DocPath) => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
      if (isNode(node) && node.range) {
        const pos = lineCounter.linePos(node.range[0]);
        return { line: pos.line, column: pos.col };
      }
    }
    return { line: 1, column: 1 };
  };
  return { file, value: doc.toJS(), locate };
}

/** Reads and parses a file; an unreadable file is a ConfigError too. */
export async function readSource(path: string): Promise<SourceDoc> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'cannot be read (permission denied)'
          : code === 'EISDIR'
            ? 'is a directory, not a file'
            : `cannot be read (${code ?? (error as Error).message})`;
    throw new ConfigError([{ file: path, line: 1, column: 1, message }], { cause: error });
  }
  return parseSource(text, path);
}

/** Wraps a value built in code: it has no positions, so every issue points at 1:1. */
export function objectSource(value: unknown, file: string): SourceDoc {
  return { file, value, locate: () => ({ line: 1, column: 1 }) };
}

/** Collects every issue of one document, then throws them together. */
export class Issues {
  readonly #doc: SourceDoc;
  readonly #issues: ConfigIssue[] = [];
  /** Problems that do not stop the file from being used, as `file:line:column: message` lines. */
  readonly warnings: string[] = [];

  constructor(doc: SourceDoc) {
    this.#doc = doc;
  }

  /** Records a problem with the value at `path`. */
  add(path: DocPath, message: string): void {
    const where = path.length > 0 ? `${path.join('.')}: ` : '';
    this.#issues.push({ file: this.#doc.file, ...this.#doc.locate(path), message: `${where}${message}` });
  }

  /** Records a warning about the key or value at `path`. */
  warn(path: DocPath, message: string): void {
    const { line, column } = this.#doc.locate(path);
    this.warnings.push(`${this.#doc.file}:${line}:${column}: warning: ${path.join('.')}: ${message}`);
  }

  /** Throws a ConfigError carrying every recorded issue, if any. */
  throwIfAny(): void {
    if (this.#issues.length > 0) throw new ConfigError(this.#issues);
  }
}

/** True for a plain object (a YAML mapping). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
