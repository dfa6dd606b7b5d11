/**
 * Selection: which instances belong to which schedule. The listing itself (DescribeInstances, NextToken) is I/O
 * and lives elsewhere; this file only says what to ask the server for and how to narrow what came back.
 */
import type { Config, InlineConfig, SelectFilter } from '../config/index.js';
import type { DescribeInstancesFilters, Instance } from '../volc/index.js';

/** Suffix of the per-instance tag that overrides the schedule's stop mode: `<tagKey>:stopped-mode`. */
export const STOPPED_MODE_TAG_SUFFIX = ':stopped-mode';
/** Suffix of the per-instance snooze tag: `<tagKey>:skip-until`. */
export const SKIP_UNTIL_TAG_SUFFIX = ':skip-until';

/**
 * The server-side filter of the one DescribeInstances listing per region: the tag key with no values, so that
 * instances naming no configured schedule (a typo, a removed schedule) are listed too and can be reported.
 *
 * @example
 * selectionFilters(config); // { tagFilters: [{ key: 'lights-out' }] }
 */
export function selectionFilters(config: Pick<Config, 'tagKey'>): DescribeInstancesFilters {
  return { tagFilters: [{ key: config.tagKey }] };
}

/**
 * The server-side filters of the inline listing of a region: the inline tag key with no values; or, with
 * `optOut`, the scope itself (one listing per project, per zone, or per project and zone), because untagged
 * instances of the scope take part too. The listing is never a whole region: `optOut` requires a scope.
 *
 * @example
 * inlineSelectionFilters({ tagKey: 'maid_offhours', optOut: false, select: { tags: {} } });
 * // [{ tagFilters: [{ key: 'maid_offhours' }] }]
 */
export function inlineSelectionFilters(
  inline: Pick<InlineConfig, 'tagKey' | 'optOut' | 'select'>,
): DescribeInstancesFilters[] {
  if (!inline.optOut) return [{ tagFilters: [{ key: inline.tagKey }] }];
  const projects: (string | undefined)[] = inline.select.projects ?? [undefined];
  const zones: (string | undefined)[] = inline.select.zones ?? [undefined];
  return projects.flatMap((projectName) =>
    zones.map((zoneId) => ({
      ...(projectName !== undefined && { projectName }),
      ...(zoneId !== undefined && { zoneId }),
    })),
  );
}

/**
 * The value of the instance's tag `key`, or `undefined` when the instance does not carry it.
 * Keys compare exactly (case-sensitive), as the API does.
 */
export function tagValue(instance: Pick<Instance, 'Tags'>, key: string): string | undefined {
  return instance.Tags.find((tag) => tag.Key === key)?.Value;
}

/**
 * Why the instance falls outside a schedule's `select` filter, or `null` when it matches. Every tag must be
 * present with an equal value; `projects` and `zones`, when present, must contain the instance's value
 * (an empty list therefore matches nothing, which errs on the side of not stopping).
 */
export function selectMismatch(instance: Instance, select: SelectFilter): string | null {
  for (const [key, value] of Object.entries(select.tags)) {
    const actual = tagValue(instance, key);
    if (actual !== value) {
      return actual === undefined ? `tag ${key} is absent` : `tag ${key} is not ${JSON.stringify(value)}`;
    }
  }
  if (select.projects !== undefined && !select.projects.includes(instance.ProjectName)) {
    return `project ${JSON.stringify(instance.ProjectName)} is not selected`;
  }
  if (select.zones !== undefined && !select.zones.includes(instance.ZoneId)) {
    return `zone ${JSON.stringify(instance.ZoneId)} is not selected`;
  }
  return null;
}
