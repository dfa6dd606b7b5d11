import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, maskSecrets } from '../../lib/logger.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, destination: destination as unknown as import('pino').DestinationStream };
}

describe('createLogger', () => {
  it('writes JSON lines with an ISO time and a level label', () => {
    const { lines, destination } = capture();
    createLogger({ destination }).info({ event: 'run.summary', outcome: 'stopped' }, 'done');
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ level: 'info', event: 'run.summary', outcome: 'stopped', msg: 'done' });
    expect(new Date(line.time).toISOString()).toBe(line.time);
  });

  it('redacts secret keys by name at any of the first levels', () => {
    const { lines, destination } = capture();
    createLogger({ destination }).info({
      secretKey: 'a',
      headers: { authorization: 'HMAC-SHA256 Credential=x' },
      req: { headers: { Authorization: 'y' } },
    });
    const line = lines[0]!;
    expect(line).not.toContain('HMAC-SHA256');
    expect(JSON.parse(line).secretKey).toBe('[Redacted]');
    expect(JSON.parse(line).req.headers.Authorization).toBe('[Redacted]');
  });

  it('masks known secret values wherever they appear, even inside messages and errors', () => {
    const { lines, destination } = capture();
    const secret = 'S3cr3t/Key+Value==';
    const logger = createLogger({ destination, secrets: [secret, undefined] });
    logger.error({ err: new Error(`boom ${secret}`), note: `x${secret}x` }, `message ${secret}`);
    expect(lines.join('\n')).not.toContain(secret);
    expect(lines.join('\n')).toContain('[Redacted]');
  });

  it('masks JSON-escaped forms of a secret', () => {
    expect(maskSecrets('{"a":"q\\"uote"}', ['q"uote'])).toBe('{"a":"[Redacted]"}');
  });
});
