/**
 * The order test files start in: files that start child processes first (the CLI as a process, npx, the
 * packaged handler, `npm run package`), then vitest's own order (the longest first when a previous run
 * timed them, else the largest first). Such files are the suite's longest and mostly wait on their
 * processes; started last, one of them would leave the other worker idle at the end. A fresh checkout (CI)
 * has no timings, so file size alone would start some of them last.
 */
import { readFileSync } from 'node:fs';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** True when a test file imports node:child_process (it spawns, execs or forks). */
function startsProcesses(file: string): boolean {
  try {
    return /from 'node:child_process'/.test(readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
}

export class ProcessesFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const first = sorted.filter((spec) => startsProcesses(spec.moduleId));
    return [...first, ...sorted.filter((spec) => !first.includes(spec))];
  }
}
