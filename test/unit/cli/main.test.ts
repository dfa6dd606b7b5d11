import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../lib/cli/io.js';
import { commands, main } from '../../../lib/cli/main.js';

function io(): { io: CliIo; out: () => string } {
  let text = '';
  const stdout = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return {
    io: {
      stdout,
      stderr: stdout,
      env: {},
      isTTY: false,
      signal: new AbortController().signal,
      now: () => new Date('2026-03-09T00:00:00Z'),
    } as CliIo,
    out: () => text,
  };
}

describe('the command table', () => {
  it('lists each command with the summary and signal handling of the module it loads', async () => {
    for (const entry of commands) {
      const command = await entry.load();
      expect(command.name).toBe(entry.name);
      expect(command.summary).toBe(entry.summary);
      expect(command.handlesSignals === true).toBe(entry.handlesSignals === true);
    }
  });

  it('prints every summary in --help, and a command’s own usage in <command> --help', async () => {
    const help = io();
    expect(await main(['--help'], help.io)).toBe(0);
    for (const entry of commands) expect(help.out()).toContain(entry.summary);
    const plan = io();
    expect(await main(['plan', '--help'], plan.io)).toBe(0);
    expect(plan.out()).toContain((await commands.find((c) => c.name === 'plan')!.load()).usage);
  });
});
