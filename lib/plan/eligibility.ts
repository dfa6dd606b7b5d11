/**
 * Which instance types can use StopCharging. Volcengine does not publish the exact list, so this is a prediction
 * from configurable patterns (`defaults.stopChargingIneligible`); the executor still handles the API's refusal.
 */

/**
 * Whether `text` matches `pattern` as a whole, where `*` matches any run of characters (also none) and every
 * other character matches itself, case-sensitively.
 *
 * A two-pointer scan that remembers the last `*`: linear in practice and never backtracks exponentially,
 * whatever the pattern, unlike a pattern translated into a regular expression.
 */
export function matchesPattern(text: string, pattern: string): boolean {
  let t = 0;
  let p = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === text[t]) {
      t++;
      p++;
    } else if (p < pattern.length && pattern[p] === '*') {
      starP = p++;
      starT = t;
    } else if (starP >= 0) {
      // Let the last `*` swallow one more character and retry from there.
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

/**
 * Whether an instance type may be stopped with StopCharging: true unless it matches one of the ineligible
 * patterns (for example `ecs.i*`: `*` matches any run of characters; anchored; case-sensitive).
 *
 * @example
 * isStopChargingEligible('ecs.g3i.large', ['ecs.i*', 'ecs.d*']); // true
 * isStopChargingEligible('ecs.i3.large', ['ecs.i*', 'ecs.d*']); // false
 */
export function isStopChargingEligible(instanceTypeId: string, patterns: readonly string[]): boolean {
  return !patterns.some((pattern) => matchesPattern(instanceTypeId, pattern));
}
