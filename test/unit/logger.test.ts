import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, maskAuthorization, maskSecrets, writeFixedLine } from '../../lib/logger.js';
import { OutcomeLedger } from '../../lib/stop/ledger.js';
import { makePlan, stopItem } from './stop/helpers.js';

function capture() {
  const lines: string[] = [];
  const writes: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      writes.push(String(chunk));
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, writes, destination: destination as unknown as import('pino').DestinationStream };
}

const SECRET = 'S3cr3t/Key+Value==';
const AUTHORIZATION =
  'HMAC-SHA256 Credential=AKLTexample/20260309/cn-beijing/ecs/request, SignedHeaders=host;x-date, ' +
  `Signature=${'ab12'.repeat(16)}`;

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

describe('writeFixedLine: the road of instance.outcome lines', () => {
  it('writes the layout of a pino line, with the child bindings, at the level asked', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ destination }).child({ requestId: 'req-1' });
    writeFixedLine(
      logger,
      'warn',
      { event: 'instance.outcome', attempts: 2, forceStop: null },
      [],
      'i-1 failed',
    );
    logger.info({ event: 'run.summary' }, 'summary');
    const fixed = JSON.parse(lines[0]!);
    const ordinary = JSON.parse(lines[1]!);
    expect(fixed).toEqual({
      level: 'warn',
      time: fixed.time,
      requestId: 'req-1',
      event: 'instance.outcome',
      attempts: 2,
      forceStop: null,
      msg: 'i-1 failed',
    });
    expect(new Date(fixed.time).toISOString()).toBe(fixed.time);
    expect(Object.keys(ordinary).slice(0, 3)).toEqual(Object.keys(fixed).slice(0, 3));
  });

  it('gathers the lines of one synchronous stretch into one write, before any later ordinary line', async () => {
    const { lines, writes, destination } = capture();
    const logger = createLogger({ destination });
    for (let n = 0; n < 100; n++)
      writeFixedLine(logger, 'info', { event: 'instance.outcome', n }, [], `${n}`);
    expect(writes).toHaveLength(0);
    await Promise.resolve();
    expect(writes).toHaveLength(1);
    for (let n = 100; n < 110; n++)
      writeFixedLine(logger, 'info', { event: 'instance.outcome', n }, [], `${n}`);
    logger.info({ event: 'run.summary' }, 'summary');
    expect(writes).toHaveLength(3);
    expect(lines.map((l) => JSON.parse(l).n ?? 'summary')).toEqual([
      ...Array.from({ length: 110 }, (_, n) => n),
      'summary',
    ]);
  });

  it('honours the level', async () => {
    const { lines, destination } = capture();
    const logger = createLogger({ destination, level: 'warn' });
    writeFixedLine(logger, 'info', { event: 'instance.outcome' }, [], 'quiet');
    writeFixedLine(logger, 'warn', { event: 'instance.outcome' }, [], 'loud');
    await Promise.resolve();
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['loud']);
  });

  it('masks a secret value and an Authorization header in the free-form fields of an outcome', async () => {
    const { lines, destination } = capture();
    const logger = createLogger({ destination, secrets: [SECRET] });
    const plan = makePlan([
      stopItem('i-name', { instanceName: `db ${SECRET} ${AUTHORIZATION}` }),
      stopItem('i-reason'),
    ]);
    const ledger = new OutcomeLedger(plan, logger);
    ledger.settle(0, { outcome: 'stopped', reason: 'stopped' });
    ledger.settle(1, {
      outcome: 'failed',
      reason: `the API said: bad key ${SECRET}; you sent Authorization: ${AUTHORIZATION}`,
      errorCode: 'SignatureDoesNotMatch',
    });
    await Promise.resolve();
    const text = lines.join('\n');
    expect(lines).toHaveLength(2);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('Credential=AKLT');
    expect(text).not.toContain('ab12ab12');
    const [named, failed] = lines.map((l) => JSON.parse(l));
    expect(named.instanceName).toBe('db [Redacted] HMAC-SHA256 [Redacted]');
    expect(failed.reason).toBe(
      'the API said: bad key [Redacted]; you sent Authorization: HMAC-SHA256 [Redacted]',
    );
    expect(failed.level).toBe('warn');
  });

  it('has written every outcome line when an async caller that settled them returns', async () => {
    const { lines, writes, destination } = capture();
    const logger = createLogger({ destination, secrets: [SECRET] });
    const plan = makePlan(Array.from({ length: 250 }, (_, n) => stopItem(`i-${String(n).padStart(4, '0')}`)));
    // The handler's shape: an answer arrives (a later task), its outcomes are settled, the handler returns
    // with no ordinary line after them.
    const handler = async () => {
      const ledger = new OutcomeLedger(plan, logger);
      await new Promise((resolve) => setImmediate(resolve));
      for (let n = 0; n < 250; n++) ledger.settle(n, { outcome: 'stopped', reason: 'stopped' });
      return ledger.outcomes();
    };
    const outcomes = await handler();
    expect(lines).toHaveLength(250);
    expect(lines.map((l) => JSON.parse(l).instanceId)).toEqual(outcomes.map((o) => o.instanceId));
    // One write per answer, split only where the gathered text passes 64 KiB.
    expect(writes.length).toBeLessThanOrEqual(2);
  });

  it('masks an outcome line without changing the outcome the run returns', async () => {
    const { lines, destination } = capture();
    const logger = createLogger({ destination });
    const ledger = new OutcomeLedger(makePlan([stopItem('i-1', { instanceName: AUTHORIZATION })]), logger);
    ledger.settle(0, { outcome: 'failed', reason: `echo ${AUTHORIZATION}`, errorCode: 'X' });
    await Promise.resolve();
    expect(JSON.parse(lines[0]!)).toMatchObject({
      instanceName: 'HMAC-SHA256 [Redacted]',
      reason: 'echo HMAC-SHA256 [Redacted]',
    });
    // The ledger hands its own outcome object to the line writer (no copy): masking must copy, not change it.
    expect(ledger.outcomes()[0]).toMatchObject({
      instanceName: AUTHORIZATION,
      reason: `echo ${AUTHORIZATION}`,
    });
  });

  it('masks an Authorization value and a bare signature in free text', () => {
    expect(maskAuthorization(`x ${AUTHORIZATION}`)).toBe('x HMAC-SHA256 [Redacted]');
    expect(maskAuthorization('Signature=00ff, ok')).toBe('[Redacted], ok');
    expect(maskAuthorization('nothing to hide')).toBe('nothing to hide');
  });
});
