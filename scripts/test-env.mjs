// @ts-check
/**
 * The colour settings `npm test` hands vitest. vitest's output always goes through a pipe (the wrapper keeps a
 * copy to scan), and its colour library does not reliably see that the final reader is not a terminal, so the
 * wrapper decides: colours when the wrapper writes to a terminal, none otherwise (a CI log, `npm test > file`).
 * A FORCE_COLOR or NO_COLOR the caller set wins.
 *
 * @param {NodeJS.ProcessEnv} env the environment vitest will get (changed in place and returned)
 * @param {boolean} toTerminal whether the wrapper's stdout is a terminal
 * @returns {NodeJS.ProcessEnv}
 */
export function withColourChoice(env, toTerminal) {
  if (env.FORCE_COLOR !== undefined || env.NO_COLOR !== undefined) return env;
  if (toTerminal) env.FORCE_COLOR = '1';
  else {
    env.NO_COLOR = '1';
    env.FORCE_COLOR = '0';
  }
  return env;
}
