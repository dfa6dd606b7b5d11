/**
 * A tiny seeded pseudo-random generator, so that generated fleets and injected faults are reproducible from a
 * seed without a dependency.
 */

/** A source of numbers in [0, 1). */
export type Random = () => number;

/**
 * mulberry32: 32 bits of state, good enough spread for picking faults and fleet attributes.
 *
 * @example
 * const random = mulberry32(1);
 * random(); // always the same first number for seed 1
 */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One element of a non-empty list, chosen by `random`. */
export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}
