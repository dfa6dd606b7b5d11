import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateFleet } from '../../../lib/emulator/index.js';
import { cli, cliFixture, emulatorEnv, jsonLines } from './helpers.js';

const AT = new Date('2026-03-09T14:02:00Z');
const CONFIG = `
version: 1
regions: [cn-beijing]
timezone: Asia/Shanghai
retry: { baseMs: 1, capMs: 2, maxAttempts: 2 }
schedules:
  office-hours: { stop: "0 22 * * 1-5" }
  nightly: { stop: "0 22 * * *" }
`;
/** Credentials that look real enough; these cases fail before any request. */
const ENV = { VOLC_ACCESSKEY: 'AKLTtest0000000000', VOLC_SECRETKEY: 'c2VjcmV0LW9mLXRoZS10ZXN0cw==' };

const fixture = cliFixture();
beforeEach(() => fixture.setUp());
afterEach(() => fixture.tearDown());

describe.each(['plan', 'run'])('lights-out %s: usage and setup errors', (command) => {
  it.each([
    ['a time without a zone', '2026-03-09T22:00:00'],
    ['an impossible date', '2026-02-30T22:00:00Z'],
    ['free text', 'tonight'],
  ])('exits 2 for --at with %s', async (_, at) => {
    const file = await fixture.config(CONFIG);
    const { code, stdout, stderr } = await cli([command, '-c', file, '--at', at], { env: ENV, now: AT });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      `lights-out ${command}: --at must be an ISO 8601 date-time with Z or an offset (2026-03-09T22:00:00+08:00), or a date alone`,
    );
    expect(stderr).toContain(`got '${at}'`);
  });

  it('exits 2 for an unknown --schedule, naming the known ones', async () => {
    const file = await fixture.config(CONFIG);
    const { code, stderr } = await cli([command, '-c', file, '--schedule', 'nigthly'], { env: ENV, now: AT });
    expect(code).toBe(2);
    expect(stderr).toContain(`no schedule named 'nigthly' in ${file} (known: office-hours, nightly)`);
  });

  it('exits 2 for an unknown flag', async () => {
    const file = await fixture.config(CONFIG);
    const { code, stderr } = await cli([command, '-c', file, '--dryrun'], { env: ENV, now: AT });
    expect(code).toBe(2);
    expect(stderr).toContain("Unknown option '--dryrun'");
    if (command === 'run') expect(stderr).toContain("(did you mean '--dry-run'?)");
    // A short usage, not the whole help.
    expect(stderr).toContain(`Run \`lights-out ${command} --help\` for every option.`);
    expect(stderr).not.toContain('Environment:');
    expect(stderr.split('\n').length).toBeLessThanOrEqual(4);
  });

  it('exits 2 for an invalid configuration with every issue as FILE:LINE:COLUMN', async () => {
    const file = 'test/fixtures/config/invalid/every-error.yaml';
    const { code, stdout, stderr } = await cli([command, '-c', file], { env: ENV, now: AT });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    for (const line of lines)
      expect(line).toMatch(/^test\/fixtures\/config\/invalid\/every-error\.yaml:\d+:\d+: /);
  });

  it('exits 2 when credentials are missing, naming the variables', async () => {
    const file = await fixture.config(CONFIG);
    const { code, stdout, stderr } = await cli([command, '-c', file], {
      env: { VOLC_ACCESSKEY: ENV.VOLC_ACCESSKEY },
      now: AT,
    });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `lights-out ${command}: Volcengine credentials are missing: set VOLC_SECRETKEY or VOLCENGINE_SECRET_KEY ` +
        '(VOLC_SESSION_TOKEN or VOLCENGINE_SESSION_TOKEN is optional, for STS credentials)\n',
    );
  });

  it.each([
    ['plain http off loopback', 'http://ecs.example.com', 'plain http:// is refused for ecs.example.com'],
    ['not a URL', 'open.volcengineapi.com', 'is not a valid URL'],
  ])('exits 2 for a VOLC_ENDPOINT that is %s', async (_, endpoint, message) => {
    const file = await fixture.config(CONFIG);
    const { code, stderr } = await cli([command, '-c', file], {
      env: { ...ENV, VOLC_ENDPOINT: endpoint },
      now: AT,
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(
      new RegExp(`^lights-out ${command}: VOLC_ENDPOINT: .*${message.replace(/\./g, '\\.')}`),
    );
  });

  it('exits 1 with the error code when the instances cannot be listed', async () => {
    const emulator = await fixture.start(generateFleet({ count: 10, seed: 1, regions: ['cn-beijing'] }));
    emulator.setFaults({ internalError: 1 });
    const file = await fixture.config(CONFIG);
    const { code, stdout, stderr } = await cli([command, '-c', file, '--json'], {
      env: emulatorEnv(emulator),
      now: AT,
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(
      new RegExp(
        `^lights-out ${command}: could not list instances: InternalError: DescribeRegions in cn-beijing: `,
      ),
    );
    const describes = emulator.calls().filter((c) => c.action === 'DescribeRegions');
    expect(describes).toHaveLength(2);
    expect(emulator.calls().filter((c) => c.action === 'StopInstances')).toEqual([]);
    // A run still logs its summary, with the error; a plan prints no objects.
    const lines = jsonLines(stdout);
    if (command === 'run') {
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ event: 'run.summary', level: 'error', errorCode: 'InternalError' });
    } else {
      expect(lines).toEqual([]);
    }
  });
});

describe.each(['plan', 'run'])('lights-out %s: a region the API does not know', (command) => {
  it('fails the listing with UnknownRegion instead of listing zero instances, and stops nothing', async () => {
    const emulator = await fixture.start(generateFleet({ count: 10, seed: 1, regions: ['cn-beijing'] }));
    // Accepted by validation (newer than the documented list), but the account has no such region.
    const file = await fixture.config(
      CONFIG.replace(
        'regions: [cn-beijing]',
        'regions: [cn-beijing, cn-wulanchabu]\nallowUnknownRegions: true',
      ),
    );
    const { code, stderr } = await cli([command, '-c', file, '--json', '--schedule', 'nightly'], {
      env: emulatorEnv(emulator),
      now: AT,
    });
    expect(code).toBe(1);
    expect(stderr).toContain(
      `lights-out ${command}: could not list instances: UnknownRegion: region 'cn-wulanchabu' is not a region the API knows`,
    );
    const calls = emulator.calls();
    expect(calls.filter((c) => c.action === 'DescribeRegions').map((c) => c.params['RegionIds.1'])).toEqual(
      expect.arrayContaining(['cn-beijing', 'cn-wulanchabu']),
    );
    // The first page is read alongside the check (read-only); nothing beyond it, and nothing is stopped.
    expect(
      calls.filter((c) => c.action === 'DescribeInstances' && c.region === 'cn-wulanchabu').length,
    ).toBeLessThanOrEqual(1);
    expect(calls.filter((c) => c.action === 'StopInstances')).toEqual([]);
  });
});

describe('lights-out help', () => {
  it('answers an unknown command with a suggestion and a short usage, exit 2', async () => {
    const { code, stdout, stderr } = await cli(['plna'], { env: {}, now: AT });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      "lights-out: unknown command 'plna' (did you mean 'plan'?)\n" +
        'Usage: lights-out <command> [options]; commands: validate, next, plan, run, explain-tag, daemon, emulator, demo, deploy\n' +
        'Run `lights-out --help` for what each one does.\n',
    );
  });

  it('lists plan and run after validate and next', async () => {
    const { code, stdout } = await cli(['--help'], { env: {}, now: AT });
    expect(code).toBe(0);
    const names = stdout
      .split('\n')
      .filter((line) => /^ {2}\S/.test(line))
      .map((line) => line.trim().split(/\s+/)[0]);
    expect(names.slice(0, 4)).toEqual(['validate', 'next', 'plan', 'run']);
  });

  it.each([
    [
      'plan',
      [
        '--at ISO',
        '--schedule NAME',
        '--json',
        'VOLC_SECRETKEY',
        'VOLC_ENDPOINT',
        'LIGHTS_OUT_CONFIG',
        'Exit codes: 0',
      ],
    ],
    ['run', ['--dry-run', '--force', '--json', 'VOLC_SESSION_TOKEN', 'VOLC_ENDPOINT', '3 the guard refused']],
  ])('%s --help documents its flags, environment and exit codes', async (command, expected) => {
    const { code, stdout } = await cli([command, '--help'], { env: {}, now: AT });
    expect(code).toBe(0);
    for (const text of expected) expect(stdout).toContain(text);
  });
});
