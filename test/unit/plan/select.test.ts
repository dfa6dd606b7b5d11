import { describe, expect, it } from 'vitest';
import { selectionFilters, selectMismatch, tagValue } from '../../../lib/plan/select.js';
import { config, instance } from './fixtures.js';

describe('selectionFilters', () => {
  it('asks for the tag key with no values, so instances of unknown schedules are listed too', () => {
    expect(selectionFilters(config())).toEqual({ tagFilters: [{ key: 'lights-out' }] });
  });

  it('uses the configured tag key', () => {
    expect(selectionFilters(config({ tagKey: 'office/power' }))).toEqual({
      tagFilters: [{ key: 'office/power' }],
    });
  });
});

describe('tagValue', () => {
  it('finds a tag by its exact key', () => {
    const subject = instance({ tags: { env: 'prod' } });
    expect(tagValue(subject, 'env')).toBe('prod');
    expect(tagValue(subject, 'ENV')).toBeUndefined();
    expect(tagValue(subject, 'missing')).toBeUndefined();
  });
});

describe('selectMismatch', () => {
  const subject = instance({
    tags: { env: 'prod', team: 'web' },
    ProjectName: 'shop',
    ZoneId: 'cn-beijing-a',
  });

  it.each([
    ['no filter', { tags: {} }],
    ['one matching tag', { tags: { env: 'prod' } }],
    ['every tag matching', { tags: { env: 'prod', team: 'web' } }],
    ['a listed project', { tags: {}, projects: ['other', 'shop'] }],
    ['a listed zone', { tags: {}, zones: ['cn-beijing-a'] }],
    ['all of them', { tags: { team: 'web' }, projects: ['shop'], zones: ['cn-beijing-a', 'cn-beijing-b'] }],
  ])('matches %s', (_, select) => {
    expect(selectMismatch(subject, select)).toBeNull();
  });

  it.each([
    ['an absent tag', { tags: { owner: 'me' } }, 'tag owner is absent'],
    ['a different tag value', { tags: { env: 'dev' } }, 'tag env is not "dev"'],
    ['a tag value differing in case', { tags: { env: 'Prod' } }, 'tag env is not "Prod"'],
    ['one of two tags', { tags: { env: 'prod', team: 'data' } }, 'tag team is not "data"'],
    ['an unlisted project', { tags: {}, projects: ['other'] }, 'project "shop" is not selected'],
    ['an empty project list', { tags: {}, projects: [] }, 'project "shop" is not selected'],
    ['an unlisted zone', { tags: {}, zones: ['cn-beijing-b'] }, 'zone "cn-beijing-a" is not selected'],
  ])('does not match %s', (_, select, why) => {
    expect(selectMismatch(subject, select)).toBe(why);
  });
});
