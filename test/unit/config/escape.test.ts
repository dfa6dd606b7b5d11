import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../lib/config/index.js';
import { ConfigError } from '../../../lib/errors.js';

describe('values echoed in configuration errors', () => {
  it('escapes control and bidi characters, so a value cannot forge an error line or recolour the terminal', () => {
    const text =
      'version: 1\nregions: [cn-beijing]\ntimezone: "Asia/\\e[2JShang\\u202ehai\\a"\nschedules:\n  a: { stop: "0 22 * * *" }\n';
    let error: unknown;
    try {
      parseConfig(text, 'c.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('c.yaml:3:11: unknown time zone');
    expect(message).toContain('\\u{1b}[2J');
    expect(message).toContain('\\u{202e}');
    expect(message).not.toMatch(/[\p{Cc}\u202e]/u);
  });

  it('escapes them in cron errors too, where the parser quotes the bad part', () => {
    const text = 'version: 1\nregions: [cn-beijing]\nschedules:\n  a: { stop: "0 2\\a2 * * *" }\n';
    expect(() => parseConfig(text, 'c.yaml')).toThrow(ConfigError);
    try {
      parseConfig(text, 'c.yaml');
    } catch (error) {
      const message = (error as ConfigError).message;
      expect(message).toContain('c.yaml:4:14: invalid cron expression');
      expect(message).not.toMatch(/[\p{Cc}]/u);
    }
  });
});
