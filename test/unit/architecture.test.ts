/**
 * The import graph of lib/ and functions/: no cycle, no import against the flow, and no import from another
 * folder past that folder's index.ts. README's "Architecture" section states the same table.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * What each part may import. `shared` is the loose files of lib/ (errors, logger, suggest, table, version);
 * `time` (ISO dates and instants, calendar dates, time-zone names) is a leaf like it that every part may use. Data flows
 * config → schedule → plan → stop → volc; imports point down: schedule and volc know nothing above them,
 * config validates with their checks, notify turns a finished run into messages (under run, which calls
 * it), and run, daemon, functions and cli sit on top. The emulator stands
 * apart: it shares only volc's wire vocabulary (signing, types), and only the CLI starts it.
 */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  shared: [],
  time: ['shared'],
  volc: ['shared', 'time'],
  schedule: ['shared', 'time'],
  config: ['shared', 'schedule', 'time', 'volc'],
  plan: ['shared', 'config', 'schedule', 'time', 'volc'],
  stop: ['shared', 'config', 'plan', 'schedule', 'time', 'volc'],
  notify: ['shared', 'config', 'plan', 'schedule', 'stop', 'time', 'volc'],
  run: ['shared', 'config', 'notify', 'plan', 'schedule', 'stop', 'time', 'volc'],
  daemon: ['shared', 'config', 'run', 'schedule', 'time'],
  functions: ['shared', 'config', 'run', 'stop', 'time', 'volc'],
  deploy: ['shared', 'config', 'schedule', 'time', 'volc'],
  cli: [
    'shared',
    'config',
    'daemon',
    'deploy',
    'emulator',
    'notify',
    'plan',
    'run',
    'schedule',
    'stop',
    'time',
    'volc',
  ],
  emulator: ['shared', 'time', 'volc'],
};

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s(?:[^'";]*?\sfrom\s)?\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every .ts file under `dir`, relative to the repository root, with `/` separators. */
function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join(dir, file).split('\\').join('/'));
}

/** The part a file belongs to: its folder under lib/, `shared` for lib/'s loose files, or `functions`. */
function partOf(file: string): string {
  const [top, second, third] = file.split('/');
  if (top === 'functions') return 'functions';
  return third === undefined ? 'shared' : (second as string);
}

interface Edge {
  from: string;
  to: string;
}

/** Every relative import of lib/ and functions/, as file → file (`.js` specifiers mapped back to `.ts`). */
function importGraph(): Edge[] {
  const edges: Edge[] = [];
  for (const from of [...sources('lib'), ...sources('functions')]) {
    const text = readFileSync(join(ROOT, from), 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2];
      if (specifier === undefined || !specifier.startsWith('.')) continue;
      const to = normalize(join(dirname(from), specifier))
        .split('\\')
        .join('/')
        .replace(/\.js$/, '.ts');
      edges.push({ from, to });
    }
  }
  return edges;
}

/** The cycles of a graph, each as the list of its nodes (Tarjan's strongly connected components). */
function cycles(edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    for (const to of next.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (stack.includes(to)) {
        low.set(node, Math.min(low.get(node)!, index.get(to)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || next.get(node)?.includes(node)) found.push(component.sort());
    }
  };
  for (const node of next.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('the import graph', () => {
  const edges = importGraph();
  const crossing = edges.filter((e) => partOf(e.from) !== partOf(e.to));

  it('is read from the sources', () => {
    expect(edges.length).toBeGreaterThan(200);
    expect(crossing.length).toBeGreaterThan(50);
  });

  it('has no cycle, between files or between parts', () => {
    expect(cycles(edges)).toEqual([]);
    expect(cycles(crossing.map((e) => ({ from: partOf(e.from), to: partOf(e.to) })))).toEqual([]);
  });

  it('imports only along the flow (the table of ALLOWED)', () => {
    const parts = new Set(edges.flatMap((e) => [partOf(e.from), partOf(e.to)]));
    expect([...parts].filter((part) => !(part in ALLOWED))).toEqual([]);
    const against = crossing
      .filter((e) => !ALLOWED[partOf(e.from)]?.includes(partOf(e.to)))
      .map((e) => `${e.from} → ${e.to}`);
    expect(against).toEqual([]);
  });

  it('enters another folder only through its index.ts', () => {
    const past = crossing
      .filter((e) => partOf(e.to) !== 'shared' && !e.to.endsWith('/index.ts'))
      .map((e) => `${e.from} → ${e.to}`);
    expect(past).toEqual([]);
  });

  it('is checked by a parser that sees what the sources say', () => {
    // The checks above are only as good as the import parser: it must find the forms the sources use.
    const sample = [
      "import { a } from './a.js';",
      "import type { B } from '../b/index.js';",
      "export { c } from './c.js';",
      "export * from './d.js';",
      "import {\n  e,\n  type F,\n} from '../e/index.js';",
      "const g = await import('./g.js');",
      "import './side-effect.js';",
    ].join('\n');
    expect([...sample.matchAll(IMPORT)].map((m) => m[1] ?? m[2])).toEqual([
      './a.js',
      '../b/index.js',
      './c.js',
      './d.js',
      '../e/index.js',
      './g.js',
      './side-effect.js',
    ]);
  });
});

/** The reference folder the project was written from, which the repository must not cite (spelt in parts). */
const OUTSIDE_DOCS = new RegExp(`${['shared', 'reference'].join('\\/')}|StopInstances\\.zh`);

describe('documents the code cites', () => {
  const files = [...sources('lib'), ...sources('functions'), ...sources('test')];
  it('exist in the repository, and nothing cites a document outside it', () => {
    const missing: string[] = [];
    for (const file of files) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      if (OUTSIDE_DOCS.test(text) && file !== relative(ROOT, import.meta.filename)) {
        missing.push(`${file}: cites a document outside the repository`);
      }
      for (const [doc] of text.matchAll(/\bdocs\/[\w.-]+\.(?:md|json)\b/g)) {
        try {
          readFileSync(join(ROOT, doc));
        } catch {
          missing.push(`${file}: ${doc}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
