import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../lib/errors.js';
import { parseStopEvent } from '../../../lib/run/event.js';

const now = new Date('2026-11-26T10:00:00Z');

const scheduledEvent = {
  version: '0',
  id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2026-03-09T02:00:00Z',
  region: 'ap-southeast-1',
  resources: ['arn:aws:events:ap-southeast-1:123456789012:rule/lights-out'],
  detail: {},
};

const timerEvent = {
  id: 'f3d9c1e2',
  source: '/faas/event/timer/tr-1',
  specversion: '1.0',
  type: 'faas.timer.event',
  time: '2026-03-09T02:00:03+08:00',
  datacontenttype: 'application/octet-stream',
  data: '',
};

describe('parseStopEvent', () => {
  it('takes the tick from an EventBridge ScheduledEvent, not from the clock', () => {
    expect(parseStopEvent(scheduledEvent, now)).toEqual({
      at: new Date('2026-03-09T02:00:00Z'),
      dryRun: false,
      force: false,
      source: 'eventbridge',
    });
  });

  it.each([
    ['empty data', '', {}],
    ['free text data', 'nightly timer', {}],
    [
      'JSON data with manual fields',
      '{"dryRun":true,"schedule":"nightly"}',
      { dryRun: true, schedule: 'nightly' },
    ],
  ])('reads a veFaaS timer CloudEvent with %s', (_name, data, expected) => {
    const request = parseStopEvent({ ...timerEvent, data }, now);
    expect(request).toMatchObject({
      at: new Date('2026-03-08T18:00:03Z'),
      source: 'vefaas-timer',
      ...expected,
    });
  });

  it.each([
    [{}, { at: now, dryRun: false, force: false }],
    [
      { schedule: 'office-hours', at: '2026-03-08T22:00:00+08:00' },
      { schedule: 'office-hours', at: new Date('2026-03-08T14:00:00Z') },
    ],
    [
      { dryRun: true, force: true },
      { dryRun: true, force: true },
    ],
  ])('reads manual input %j', (input, expected) => {
    expect(parseStopEvent(input, now)).toMatchObject({ source: 'manual', ...expected });
  });

  it.each([
    [null, 'the event must be a JSON object'],
    [[], 'the event must be a JSON object'],
    [
      { ...scheduledEvent, time: 'yesterday' },
      'event.time must be an ISO 8601 date-time with Z or an offset, got "yesterday"',
    ],
    [{ at: '2026-02-30T25:00:00Z' }, 'event.at must be an ISO 8601 date-time with Z or an offset'],
    // A time without a zone would be read in the function's local zone: refused like on the command line.
    [{ at: '2026-03-09T22:00:00' }, 'event.at must be an ISO 8601 date-time with Z or an offset'],
    [{ dryrun: true }, 'event: unknown field(s) dryrun; expected schedule, action, at, dryRun, force'],
    [{ dryRun: 'yes' }, 'event.dryRun must be a boolean, got "yes"'],
    [{ schedule: '' }, 'event.schedule must be a schedule name'],
    [{ ...timerEvent, data: '[1,2]' }, 'timer event data must be a JSON object'],
    [{ ...timerEvent, data: '{"force":1}' }, 'event.data.force must be a boolean, got 1'],
  ])('refuses %j with a clear error', (event, message) => {
    expect(() => parseStopEvent(event, now)).toThrow(UsageError);
    expect(() => parseStopEvent(event, now)).toThrow(message);
  });
});
