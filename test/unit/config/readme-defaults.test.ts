import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_DEFAULTS, INLINE_DEFAULTS } from '../../../lib/config/index.js';
import { formatTick } from '../../../lib/schedule/index.js';

/** The `| \`key\` | \`default\` |` rows of the README's configuration tables. */
const README = readFileSync('README.md', 'utf8');

/** Every setting of a defaults object, as [dotted key, value]. */
function leaves(value: object, prefix = ''): [string, unknown][] {
  return Object.entries(value).flatMap(([key, item]) =>
    typeof item === 'object' && item !== null && !Array.isArray(item)
      ? leaves(item, `${prefix}${key}.`)
      : [[`${prefix}${key}`, item] as [string, unknown]],
  );
}

const shown = (value: unknown) => (Array.isArray(value) ? `[${value.join(', ')}]` : String(value));

describe('the README configuration tables', () => {
  const { tickMs, ...settings } = CONFIG_DEFAULTS;
  it.each([...leaves(settings), ['tick', formatTick(tickMs)], ...leaves(INLINE_DEFAULTS, 'inline.')])(
    'give %s the default the schema has',
    (key, value) => {
      expect(README).toContain(`| \`${key}\` | \`${shown(value)}\` |`);
    },
  );
});
