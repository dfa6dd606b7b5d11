import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../lib/cli/io.js';
import { main } from '../../../lib/cli/main.js';

function fakeIo(env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: { write: (chunk: string) => out.push(chunk) },
    stderr: { write: (chunk: string) => err.push(chunk) },
    env,
    isTTY: false,
    signal: new AbortController().signal,
    now: () => new Date('2026-01-01T00:00:00Z'),
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

const INVALID = 'test/fixtures/config/invalid';

describe('lights-out validate', () => {
  it('prints one summary line and exits 0 for the reference configuration', async () => {
    const { io, stdout, stderr } = fakeIo();
    expect(await main(['validate', '-c', 'schedules/lights-out.yaml'], io)).toBe(0);
    expect(stdout()).toBe(
      'schedules/lights-out.yaml: valid, 3 schedules (office-hours, nightly, weekend), 2 regions, tag lights-out\n',
    );
    expect(stderr()).toBe('');
  });

  it('uses singular words for one schedule and one region', async () => {
    const { io, stdout } = fakeIo();
    expect(await main(['validate', '--config', 'test/fixtures/config/valid/minimal.yaml'], io)).toBe(0);
    expect(stdout()).toBe(
      'test/fixtures/config/valid/minimal.yaml: valid, 1 schedule (nightly), 1 region, tag lights-out\n',
    );
  });

  it('reads LIGHTS_OUT_CONFIG when -c is absent', async () => {
    const { io, stdout } = fakeIo({ LIGHTS_OUT_CONFIG: 'test/fixtures/config/valid/emulator.yaml' });
    expect(await main(['validate'], io)).toBe(0);
    expect(stdout()).toBe(
      'test/fixtures/config/valid/emulator.yaml: valid, 2 schedules (evening, 2nd-shift), 3 regions, tag team/lights\n',
    );
  });

  it('falls back to schedules/lights-out.yaml', async () => {
    const { io, stdout } = fakeIo();
    expect(await main(['validate'], io)).toBe(0);
    expect(stdout()).toMatch(/^schedules\/lights-out\.yaml: valid, /);
  });

  it('prints every issue as FILE:LINE:COLUMN: message and exits 2', async () => {
    const { io, stdout, stderr } = fakeIo();
    const file = `${INVALID}/every-error.yaml`;
    expect(await main(['validate', '-c', file], io)).toBe(2);
    expect(stdout()).toBe('');
    expect(stderr()).toBe(
      [
        `${file}:2:10: version must be 1, got number 2`,
        `${file}:3:11: invalid region id 'Beijing' (expected lowercase like cn-beijing)`,
        `${file}:4:11: unknown time zone 'Asia/Shangai' (did you mean 'Asia/Shanghai'?)`,
        `${file}:7:5: unknown key 'stopedMode' (did you mean 'stoppedMode'?)`,
        `${file}:9:17: invalid date '2026-02-30': 2026-02 has 28 days`,
        '',
      ].join('\n'),
    );
  });

  it.each(readdirSync(INVALID).filter((name) => name.endsWith('.yaml')))(
    'exits 2 for the invalid fixture %s, every stderr line a located issue',
    async (name) => {
      const { io, stdout, stderr } = fakeIo();
      const file = `${INVALID}/${name}`;
      expect(await main(['validate', '-c', file], io)).toBe(2);
      expect(stdout()).toBe('');
      const lines = stderr().split('\n');
      expect(lines.pop()).toBe('');
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines)
        expect(line.startsWith(file) && /^:\d+:\d+: \S/.test(line.slice(file.length))).toBe(true);
    },
  );

  it('exits 2 for a missing file', async () => {
    const { io, stderr } = fakeIo();
    expect(await main(['validate', '-c', 'no/such/file.yaml'], io)).toBe(2);
    expect(stderr()).toBe('no/such/file.yaml:1:1: cannot read the configuration: file not found\n');
  });

  it('never prints a credential value', async () => {
    const { io, stdout, stderr } = fakeIo();
    expect(await main(['validate', '-c', `${INVALID}/credentials.yaml`], io)).toBe(2);
    expect(stdout()).toBe('');
    expect(stderr()).toContain("'accessKeyId' looks like a credential");
    expect(stderr()).not.toMatch(/fixture-|AKLT/);
  });

  it('exits 2 on an unknown flag or a stray argument', async () => {
    for (const args of [['--nope'], ['extra.yaml']]) {
      const { io, stderr } = fakeIo();
      expect(await main(['validate', ...args], io)).toBe(2);
      expect(stderr()).toContain('Usage: lights-out validate [-c FILE]');
    }
  });

  it('prints its usage with --help', async () => {
    const { io, stdout } = fakeIo();
    expect(await main(['validate', '--help'], io)).toBe(0);
    expect(stdout()).toContain('-c, --config FILE');
    expect(stdout()).toContain('LIGHTS_OUT_CONFIG');
  });

  it('is listed in the command overview', async () => {
    const { io, stdout } = fakeIo();
    expect(await main(['--help'], io)).toBe(0);
    expect(stdout()).toMatch(/^ {2}validate +Check a configuration file/m);
  });
});
