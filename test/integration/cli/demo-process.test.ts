import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);

describe('node bin/lights-out.js demo (what `npm start` runs)', () => {
  it('prints the outcome tables and the summary and exits 0, whatever credentials the environment holds', async () => {
    const secret = 'TmV2ZXItc2VudC1ub3ItcHJpbnRlZC1ieS10aGUtZGVtbw==';
    const { stdout, stderr } = await run(process.execPath, ['bin/lights-out.js', 'demo'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        VOLC_ACCESSKEY: 'AKLTZmFrZS1idXQtcmVhbC1sb29raW5nLWtleQ',
        VOLC_SECRETKEY: secret,
        VOLC_ENDPOINT: 'https://example.invalid',
      },
      timeout: 30_000,
    });
    // execFile rejects on a non-zero exit, so reaching here means exit 0.
    expect(stderr).toBe('');
    expect(stdout.match(/^INSTANCE +NAME +REGION +SCHEDULE +OUTCOME +MODE/gm)).toHaveLength(5);
    expect(stdout).toContain('== All 5 runs');
    expect(stdout).toMatch(
      /outcomes {3}stopped \d+, already-stopped 0, skipped \d+, gone 0, failed 0, dry-run 0/,
    );
    expect(stdout).not.toContain(secret);
  }, 40_000);
});
