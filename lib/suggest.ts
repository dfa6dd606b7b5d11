/**
 * "Did you mean" suggestions for misspelt keys and values: the closest candidate by edit distance,
 * ignoring case, when it is close enough to be a plausible typo.
 */

/** Levenshtein distance between two strings (insertions, deletions, substitutions each cost 1). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The candidate closest to `input`, compared case-insensitively, or undefined when none is within a third
 * of the input's length (at least 2 edits), which keeps suggestions for typos and drops wild guesses.
 * Failing that, a candidate that starts with the input catches a shortened name (`maxInstances`).
 *
 * @example
 * closest('stopedMode', ['stoppedMode', 'forceStop']); // 'stoppedMode'
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const needle = input.toLowerCase();
  const limit = Math.max(2, Math.floor(needle.length / 3));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(needle, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (bestDistance <= limit) return best;
  if (needle.length < 3) return undefined;
  for (const candidate of candidates) {
    if (candidate.toLowerCase().startsWith(needle)) return candidate;
  }
  return undefined;
}
