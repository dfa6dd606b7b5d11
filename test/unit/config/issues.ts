/** What the configuration tests share: YAML from numbered lines, and the formatted issues of a text. */
import { parseConfig } from '../../../lib/config/index.js';
import { ConfigError, formatConfigIssue } from '../../../lib/errors.js';

/** YAML text from lines, so that a test's line numbers can be read off the array. */
export const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;

/** The issues parsing `text` reports, as `FILE:LINE:COLUMN: message`; fails when the text is valid. */
export function issuesOf(text: string, file = 'c.yaml'): string[] {
  try {
    parseConfig(text, file);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map(formatConfigIssue);
    throw error;
  }
  throw new Error('expected a ConfigError');
}
