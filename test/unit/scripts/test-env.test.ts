import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withColourChoice } from '../../../scripts/test-env.mjs';

const choose = withColourChoice as (env: NodeJS.ProcessEnv, toTerminal: boolean) => NodeJS.ProcessEnv;

describe('npm test colours', () => {
  it.each([
    [{}, false, { NO_COLOR: '1', FORCE_COLOR: '0' }],
    [{}, true, { FORCE_COLOR: '1' }],
    [{ FORCE_COLOR: '1' }, false, { FORCE_COLOR: '1' }],
    [{ NO_COLOR: '1' }, true, { NO_COLOR: '1' }],
  ])('env %j, terminal %s: %j', (env, toTerminal, expected) => {
    expect(choose({ ...env }, toTerminal)).toEqual(expected);
  });

  it("leaves no colour codes in the colour library vitest uses when it is told so (the wrapper's choice)", () => {
    // tinyrainbow is what vitest colours its report with; ask it, in a child with the chosen environment,
    // to colour a word while writing to a pipe.
    const require = createRequire(join(dirname(require_resolve('vitest/package.json')), 'index.js'));
    const tinyrainbow = require.resolve('tinyrainbow');
    const script = `import(${JSON.stringify(`file://${tinyrainbow}`)}).then((m) => process.stdout.write((m.default ?? m).red('x')))`;
    const run = (env: NodeJS.ProcessEnv) =>
      spawnSync(process.execPath, ['-e', script], {
        env: { PATH: process.env.PATH, TERM: 'xterm', ...env },
      }).stdout.toString('utf8');
    expect(run(choose({}, false))).toBe('x');
    expect(run(choose({}, true))).toContain('\u001b[');
  });
});

function require_resolve(id: string): string {
  return createRequire(import.meta.url).resolve(id);
}
