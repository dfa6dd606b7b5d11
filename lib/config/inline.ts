/**
 * The `inline:` section, which turns inline (tag) schedules on: where the value is read from, the defaults a
 * value leaves open, how inline instances stop, and whether instances without the tag take part.
 */
import * as v from 'valibot';
import { SETTING_DEFAULTS } from '../defaults.js';
import { parseDays } from '../schedule/index.js';
import { calendarName } from './calendars.js';
import { about, boolean, integerIn, problem, string, tagKey, timeZone } from './fields.js';
import { quoted } from './nodes.js';
import { stopSettings } from './schedules.js';
import { mapping } from './sections.js';

/** The values of the settings an `inline:` section leaves out (`timezone` defaults to the config's). */
export const INLINE_DEFAULTS = SETTING_DEFAULTS.inline;

const hour = integerIn(0, 23, 'an hour 0 to 23');

/** Days in the inline grammar's letters: `m-f`, `f-m`, `s-u`, `w`. */
const days = v.pipe(
  string('days such as m-f'),
  problem((value: string) => {
    const parsed = parseDays(value);
    return typeof parsed === 'string' ? `invalid days ${quoted(value)}: ${parsed}` : undefined;
  }),
);

const I = INLINE_DEFAULTS;

/**
 * The `inline:` section. Cross-checks: `on` differs from `off`; `optOut: true` needs a `select` of projects or
 * zones (so it never sweeps a whole region). That `tagKey` differs from the schedule tag, and that `calendar`
 * names a defined calendar, are checked with the whole file.
 */
export const inline = v.optional(
  v.pipe(
    mapping(
      {
        tagKey: v.optional(
          v.pipe(tagKey, about('The tag holding inline schedules (offhours grammar).')),
          I.tagKey,
        ),
        timezone: v.optional(
          v.pipe(timeZone, about('Zone of a value that names none. Default: the config’s.')),
        ),
        off: v.optional(v.pipe(hour, about('Default stop hour, 0-23.')), I.off),
        on: v.optional(v.pipe(v.nullable(hour), about('Default start hour, 0-23; null: never start.')), I.on),
        days: v.optional(v.pipe(days, about('Default days in the grammar’s letters (m-f, f-m, u).')), I.days),
        calendar: v.optional(v.pipe(calendarName, about('The calendar (from calendars:) of inline fires.'))),
        ...stopSettings,
        optOut: v.optional(
          v.pipe(boolean, about('true: every instance in select takes part unless its tag says otherwise.')),
          I.optOut,
        ),
      },
      'Inline schedules: instances that carry their own schedule in a tag (off=(M-F,19);on=(M-F,7);tz=pt).',
    ),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const draft = dataset.value;
      const at = (key: string) =>
        [{ type: 'object', origin: 'value', input: draft, key, value: undefined }] as [v.ObjectPathItem];
      if (draft.on !== null && draft.on === draft.off) {
        addIssue({
          path: at('on'),
          message: `inline on (${draft.on}) must differ from off (${draft.off}): a stop and a start at the same hour contradict each other`,
        });
      }
      if (draft.optOut && draft.select.projects === undefined && draft.select.zones === undefined) {
        addIssue({
          path: at('optOut'),
          message:
            'inline optOut: true needs select.projects or select.zones, so that it never takes in a whole region by accident',
        });
      }
    }),
  ),
);
