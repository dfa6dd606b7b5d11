/**
 * Loads a configuration file: YAML text to a validated Config, or a ConfigError carrying every issue at
 * once, each located as `FILE:LINE:COLUMN`.
 */
import { readFile, stat } from 'node:fs/promises';
import { type Document, isPair, isScalar, LineCounter, parseDocument, visit } from 'yaml';
import { ConfigError, type ConfigIssue, formatConfigIssue } from '../errors.js';
import { credentialKeyMessage, isCredentialKey } from './credentials.js';
import { AliasLimitExceeded, MAX_ALIAS_COUNT, Source } from './nodes.js';
import { readConfig } from './read.js';
import type { Config } from './types.js';

/** The environment variable naming the configuration file when `-c` is not given. */
export const CONFIG_ENV = 'LIGHTS_OUT_CONFIG';

/** The configuration file used when neither `-c` nor {@link CONFIG_ENV} names one. */
export const DEFAULT_CONFIG_PATH = 'schedules/lights-out.yaml';

/** Largest configuration file read (1 MiB): a real one is a few kilobytes; anything bigger is a mistake. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * Which configuration file to read: the `-c` flag, then `LIGHTS_OUT_CONFIG`, then
 * `schedules/lights-out.yaml`. Empty values count as unset.
 *
 * @example
 * resolveConfigPath(undefined, { LIGHTS_OUT_CONFIG: '/etc/lights-out.yaml' }); // '/etc/lights-out.yaml'
 */
export function resolveConfigPath(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flag !== undefined && flag !== '') return flag;
  const fromEnv = env[CONFIG_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return DEFAULT_CONFIG_PATH;
}

function fileIssue(file: string, message: string): ConfigIssue {
  return { file, line: 1, column: 1, message };
}

function tooLarge(file: string, bytes: number): ConfigError {
  return new ConfigError([
    fileIssue(
      file,
      `the file is ${bytes} bytes; configuration files are limited to ${MAX_CONFIG_BYTES} bytes (1 MiB)`,
    ),
  ]);
}

/**
 * File-wide checks that do not depend on where a node sits: every key that looks like a credential (reported
 * without its value), and every alias without an anchor before it. Returns true when an alias is dangling,
 * which makes the tree unfit for reading.
 */
function scanDocument(doc: Document, reader: Source): boolean {
  let dangling = false;
  visit(doc, {
    Pair(_, pair, path) {
      // A schedule's name is a tag value, not a setting: `ci-secret` or `nightly-token` names no credential.
      if (isScheduleName(path)) return;
      if (isScalar(pair.key) && typeof pair.key.value === 'string' && isCredentialKey(pair.key.value)) {
        reader.report(pair.key, credentialKeyMessage(pair.key.value));
      }
    },
    Alias(_, alias) {
      if (alias.resolve(doc) === undefined) {
        reader.report(alias, `alias '*${alias.source}' has no anchor '&${alias.source}' before it`);
        dangling = true;
      }
    },
  });
  return dangling;
}

/** True for the pairs of the top-level `schedules` mapping, whose keys are schedule names. */
function isScheduleName(path: readonly unknown[]): boolean {
  const owner = path[path.length - 2];
  return path.length === 4 && isPair(owner) && isScalar(owner.key) && owner.key.value === 'schedules';
}

/** Issues sorted by position, each once (a node read through several aliases reports the same issue). */
function distinctIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return [...issues]
    .sort((a, b) => a.line - b.line || a.column - b.column)
    .filter((issue) => {
      const key = formatConfigIssue(issue);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/** The parser's own errors and warnings, in words for someone editing a configuration. */
function reportYamlProblems(doc: Document, reader: Source): void {
  for (const error of doc.errors) {
    const message =
      error.code === 'MULTIPLE_DOCS'
        ? 'the file holds more than one YAML document; a configuration is a single document'
        : error.message;
    reader.report(reader.positionAt(error.pos[0]), `invalid YAML: ${message}`);
  }
  for (const warning of doc.warnings) {
    const message =
      warning.code === 'TAG_RESOLVE_FAILED'
        ? `YAML tags are not supported: ${warning.message}`
        : warning.message;
    reader.report(reader.positionAt(warning.pos[0]), message);
  }
}

/**
 * Parses and validates configuration text. `file` is only used in messages and in `Config.file`.
 *
 * @throws ConfigError with every issue found, sorted by position.
 * @example
 * const config = parseConfig(await readFile(path, 'utf8'), path);
 */
export function parseConfig(text: string, file: string): Config {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_CONFIG_BYTES) throw tooLarge(file, bytes);
  const lines = new LineCounter();
  // The core schema keeps `2026-12-31` a string, and without known tags `!!timestamp` cannot make a Date.
  // Duplicate keys are left to the reader, which reports them with the line of the first definition.
  const doc = parseDocument(text, {
    lineCounter: lines,
    schema: 'core',
    resolveKnownTags: false,
    uniqueKeys: false,
    prettyErrors: false,
  });
  const reader = new Source(file, doc, lines);
  reportYamlProblems(doc, reader);
  const dangling = scanDocument(doc, reader);
  // After a syntax error the tree is a guess: checking it would bury the real problem under follow-on errors.
  const config = doc.errors.length === 0 && !dangling ? readWithAliasGuard(reader) : undefined;
  if (!config || reader.issues.length > 0) throw new ConfigError(distinctIssues(reader.issues));
  return config;
}

function readWithAliasGuard(reader: Source): Config | undefined {
  try {
    return readConfig(reader);
  } catch (error) {
    if (!(error instanceof AliasLimitExceeded)) throw error;
    reader.report(
      error.node,
      `more than ${MAX_ALIAS_COUNT} alias expansions: refusing a possible alias bomb (or an alias inside its own anchor)`,
    );
    return undefined;
  }
}

function readFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}

/**
 * Reads and validates a configuration file. A missing or unreadable file is a ConfigError at `FILE:1:1`.
 *
 * @throws ConfigError
 * @example
 * const config = await loadConfig(resolveConfigPath(flags.config, process.env));
 */
export async function loadConfig(file: string): Promise<Config> {
  let text: string;
  try {
    // Sized before reading, so a huge file (or a device) is refused without loading it.
    const info = await stat(file);
    if (!info.isFile())
      throw new ConfigError([fileIssue(file, 'cannot read the configuration: not a regular file')]);
    if (info.size > MAX_CONFIG_BYTES) throw tooLarge(file, info.size);
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError([fileIssue(file, `cannot read the configuration: ${readFailure(error)}`)], {
      cause: error,
    });
  }
  return parseConfig(text, file);
}
