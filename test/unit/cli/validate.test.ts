import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../lib/cli/main.js';
import { fakeCliIo } from '../../support/cli-io.js';

/** validate's clock: 2026-01-01, so 2027 is within the year it looks ahead. */
const fakeIo = (env: NodeJS.ProcessEnv = {}) => fakeCliIo({ env, now: '2026-01-01T00:00:00Z' });

const INVALID = 'test/fixtures/config/invalid';

/** What validate says of the reference configuration's cn-office calendar while 2027 is within a year. */
const GAP_2027 =
  "warning: calendar cn-office: base cn has no data for 2027 in the chinese-days package; its fires in 2027 fall back to Monday to Friday plus the calendar's own holidays and workdays (update chinese-days once the State Council publishes 2027's holidays)\n";

describe('lights-out validate', () => {
  it('prints one summary line and exits 0 for the reference configuration', async () => {
    const { io, stdout, stderr } = fakeIo();
    expect(await main(['validate', '-c', 'schedules/lights-out.yaml'], io)).toBe(0);
    expect(stdout()).toBe(
      'schedules/lights-out.yaml: valid, 3 schedules (office-hours, nightly, weekend), 2 regions, tag lights-out\n',
    );
    // office-hours starts on calendar cn-office (base cn); at 2026-01-01 the year ahead reaches into 2027,
    // which chinese-days has no data for yet: the warning is the one line on stderr.
    expect(stderr()).toBe(GAP_2027);
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

describe("lights-out validate: serverless.yml's timer against the tick", () => {
  const dir = mkdtempSync(join(tmpdir(), 'lights-out-validate-'));
  function serverless(schedule: string): string {
    const file = join(dir, `serverless-${Math.random().toString(36).slice(2)}.yml`);
    writeFileSync(
      file,
      `service: x\nfunctions:\n  stop:\n    handler: dist/stop.handler\n    events:\n      - schedule: ${schedule}\n`,
    );
    return file;
  }
  const config = (tick: string) => {
    const file = join(dir, `config-${tick}.yaml`);
    writeFileSync(
      file,
      `version: 1\nregions: [cn-beijing]\ntick: ${tick}\nschedules:\n  nightly: { stop: "0 22 * * *" }\n`,
    );
    return file;
  };

  it.each([
    [
      'rate(5 minutes)',
      '1m',
      /:6:19: warning: schedule rate\(5 minutes\) \(every 5m\) does not match tick 1m: use cron\(\* \* \* \* \? \*\)/,
    ],
    [
      'cron(0/5 * * * ? *)',
      '10m',
      /:6:19: warning: schedule cron\(0\/5 \* \* \* \? \*\) \(every 5m\) does not match tick 10m: use cron\(0\/10 \* \* \* \? \*\)/,
    ],
    [
      'rate(5 minutes)',
      '5m',
      /warning: schedule rate\(5 minutes\) matches tick 5m but counts from the rule's creation.*use cron\(0\/5 \* \* \* \? \*\)/,
    ],
    [
      'cron(0 0/2 * * ? *)',
      '1h',
      /warning: schedule cron\(0 0\/2 \* \* \? \*\) \(every 2h\) does not match tick 1h: use cron\(0 \* \* \* \? \*\)/,
    ],
  ])(
    'warns about %s with tick %s (exit 0), and fails under --strict (exit 2)',
    async (schedule, tick, message) => {
      const file = serverless(schedule);
      const warned = fakeIo();
      expect(await main(['validate', '-c', config(tick), '--serverless', file], warned.io)).toBe(0);
      expect(warned.stderr()).toMatch(message);
      expect(warned.stdout()).toContain('valid');
      const strict = fakeIo();
      expect(await main(['validate', '-c', config(tick), '--serverless', file, '--strict'], strict.io)).toBe(
        2,
      );
      expect(strict.stderr()).toContain(': error: schedule');
    },
  );

  it.each([
    ['cron(0/5 * * * ? *)', '5m'],
    ['cron(* * * * ? *)', '1m'],
    ['cron(0 0/2 * * ? *)', '2h'],
    ['{ rate: ["cron(0/15 * * * ? *)"] }', '15m'],
  ])('says nothing when %s matches tick %s', async (schedule, tick) => {
    const { io, stderr } = fakeIo();
    expect(
      await main(['validate', '-c', config(tick), '--serverless', serverless(schedule), '--strict'], io),
    ).toBe(0);
    expect(stderr()).toBe('');
  });

  it('exits 2 when --serverless names a file that does not exist', async () => {
    const { io, stderr } = fakeIo();
    expect(await main(['validate', '-c', config('5m'), '--serverless', join(dir, 'none.yml')], io)).toBe(2);
    expect(stderr()).toContain('none.yml cannot be read');
  });

  it("checks the project's own serverless.yml against the reference configuration", async () => {
    const { io, stderr } = fakeIo();
    expect(await main(['validate', '-c', 'schedules/lights-out.yaml', '--strict'], io)).toBe(0);
    // The timer matches the tick; the only line is the calendar's 2027 gap (a warning even with --strict).
    expect(stderr()).toBe(GAP_2027);
  });
});
