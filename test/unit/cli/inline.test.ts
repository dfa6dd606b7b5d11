import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../lib/cli/main.js';
import { fakeCliIo } from '../../support/cli-io.js';

const fakeIo = (env: NodeJS.ProcessEnv = {}) => fakeCliIo({ env, isTTY: true, now: '2026-03-09T12:00:00Z' });

let dir = '';
let configFile = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lights-out-inline-'));
  configFile = join(dir, 'c.yaml');
  await writeFile(
    configFile,
    `version: 1
regions: [cn-beijing]
timezone: Asia/Shanghai
schedules:
  nightly: { stop: "0 22 * * *" }
inline:
  off: 20
  on: null
`,
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('lights-out explain-tag', () => {
  it('explains a valid value in plain language, with its next fires, and exits 0', async () => {
    const { io, stdout } = fakeIo();
    expect(await main(['explain-tag', 'off=(M-F,19);tz=pt', '--from', '2026-03-09T00:00:00Z'], io)).toBe(0);
    expect(stdout()).toContain('normalised: off=(m-f,19);tz=pt');
    expect(stdout()).toContain('schedule:   inline:off=(m-f,19);tz=pt');
    expect(stdout()).toContain('stops at 19:00 Monday to Friday');
    expect(stdout()).toContain('starts at 07:00 Monday to Friday (the configured default)');
    expect(stdout()).toContain('time zone America/Los_Angeles');
    // 07:00 in Los Angeles on Monday 2026-03-09 (summer time since the 8th) is 14:00Z.
    expect(stdout()).toMatch(
      /start {2}Mon 2026-03-09 07:00 America\/Los_Angeles {3}2026-03-09T14:00:00.000Z/,
    );
  });

  it('says why a value is invalid on stderr and exits 2', async () => {
    const { io, stdout, stderr } = fakeIo();
    expect(await main(['explain-tag', 'off=(m-f,19);tz=ist'], io)).toBe(2);
    expect(stdout()).toBe('');
    expect(stderr()).toMatch(/invalid: 'ist' is ambiguous.*Europe\/Dublin.*Asia\/Kolkata/);
    expect(stderr()).toContain('invalid-inline-schedule');
  });

  it('takes the defaults from the configuration given', async () => {
    const { io, stdout } = fakeIo({ LIGHTS_OUT_CONFIG: configFile });
    expect(await main(['explain-tag', ''], io)).toBe(0);
    expect(stdout()).toContain('stops at 20:00 Monday to Friday (the configured default)');
    expect(stdout()).toContain('never starts it');
    expect(stdout()).toContain('time zone Asia/Shanghai (the configured default)');
  });

  it('applies the configured calendar: a value naming no days fires on its working days, make-up ones too', async () => {
    const file = join(dir, 'calendar.yaml');
    await writeFile(
      file,
      `version: 1
regions: [cn-beijing]
timezone: Asia/Shanghai
schedules:
  nightly: { stop: "0 22 * * *" }
calendars:
  cn-office: { base: cn }
inline: { calendar: cn-office, on: null }
`,
    );
    // From Friday 2026-10-09: the next stops are that Friday, the make-up Saturday 10-10, then Monday 10-12.
    const { io, stdout } = fakeIo();
    const args = ['explain-tag', '-c', file, '--from', '2026-10-09T00:00:00Z', ''];
    expect(await main(args, io)).toBe(0);
    expect(stdout()).toContain('calendar:   cn-office (base cn) decides the days');
    expect(stdout()).toMatch(
      /stop {3}Fri 2026-10-09 19:00[^\n]*\n {2}stop {3}Sat 2026-10-10 19:00[^\n]*\n {2}stop {3}Mon 2026-10-12 19:00/,
    );
    const named = fakeIo();
    expect(
      await main(['explain-tag', '-c', file, '--from', '2026-10-09T00:00:00Z', 'off=(m-f,19)'], named.io),
    ).toBe(0);
    expect(named.stdout()).toContain('fires only on the named days that are its working days');
    expect(named.stdout()).not.toContain('Sat 2026-10-10');
  });

  it('says that off opts out', async () => {
    const { io, stdout } = fakeIo();
    expect(await main(['explain-tag', "'OFF'"], io)).toBe(0);
    expect(stdout()).toContain('opts the instance out');
  });

  it('refuses no value or two', async () => {
    expect(await main(['explain-tag'], fakeIo().io)).toBe(2);
    expect(await main(['explain-tag', 'a', 'b'], fakeIo().io)).toBe(2);
  });

  it('escapes control characters of the value', async () => {
    const { io, stderr } = fakeIo();
    expect(await main(['explain-tag', 'off=(m-f,19)\u001b[31m'], io)).toBe(2);
    expect(stderr()).not.toContain('\u001b');
  });
});

describe('lights-out next --tag', () => {
  it('lists inline values with their stop and start fires, and the configured defaults', async () => {
    const { io, stdout } = fakeIo();
    const args = ['next', '-c', configFile, '--from', '2026-03-09T00:00:00Z', '--days', '1', '--json'];
    expect(await main([...args, '--tag', 'off=(m-f,19);on=(m-f,8);tz=asia/shanghai'], io)).toBe(0);
    const fires = stdout()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { schedule: string; fireTime: string; action: string });
    expect(fires.filter((f) => f.schedule.startsWith('inline:'))).toEqual([
      expect.objectContaining({
        schedule: 'inline:off=(m-f,19);on=(m-f,8);tz=asia/shanghai',
        fireTime: '2026-03-09T11:00:00.000Z',
        action: 'stop',
      }),
      expect.objectContaining({
        schedule: 'inline:(default)',
        fireTime: '2026-03-09T12:00:00.000Z',
        action: 'stop',
      }),
      expect.objectContaining({
        schedule: 'inline:off=(m-f,19);on=(m-f,8);tz=asia/shanghai',
        fireTime: '2026-03-10T00:00:00.000Z',
        action: 'start',
      }),
    ]);
  });

  it('refuses an invalid value', async () => {
    const { io } = fakeIo();
    expect(await main(['next', '-c', configFile, '--tag', 'off=(m-f,99)'], io)).toBe(2);
  });
});
