/**
 * The shapes the configuration's sections share: a mapping of known keys (an empty `key:` reads as an empty
 * mapping, so a section whose every line is commented out keeps its defaults), an optional section, and a
 * value written either as a string or as something larger (`stop: "0 19 * * *"` or a list of them).
 */
import * as v from 'valibot';
import { about, expected } from './fields.js';

/** True for a YAML mapping (a list is an object too, but never a mapping). */
export const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A mapping of known keys: an unknown key is an issue (reported with the closest known key), a missing
 * required key is an issue, and an empty value (`key:` alone) reads as an empty mapping.
 */
export function mapping<E extends v.ObjectEntries>(entries: E, text: string) {
  return v.nullable(
    v.pipe(
      v.custom<Record<string, unknown>>(isMapping, expected('a mapping')),
      v.objectWithRest(entries, v.never()),
      about(text),
    ),
    {},
  );
}

/** An optional mapping whose settings all have defaults: left out, it is all defaults. */
export function section<E extends v.ObjectEntries>(text: string, entries: E) {
  return v.optional(mapping(entries, text), {});
}

/**
 * A value written as a string (run through `text`) or as something else (run through `other`, when
 * `isOther` says so); anything else is an issue worded by `message`. Unlike a union, an issue inside either
 * form is reported as it is, at its own position. The JSON Schema sees the union of the two.
 */
export function either<A extends v.GenericSchema, B extends v.GenericSchema>(
  text: A,
  other: B,
  isOther: (value: unknown) => boolean,
  message: (issue: { input: unknown }) => string,
) {
  const base = v.union([text, other], message);
  return {
    ...base,
    '~run'(dataset: v.UnknownDataset, config: v.Config<v.BaseIssue<unknown>>) {
      if (typeof dataset.value === 'string') return text['~run'](dataset, config);
      if (isOther(dataset.value)) return other['~run'](dataset, config);
      v._addIssue(base, 'type', dataset, config);
      return dataset;
    },
  } as unknown as v.UnionSchema<[A, B], typeof message>;
}
