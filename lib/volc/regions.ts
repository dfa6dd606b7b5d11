/**
 * The Volcengine regions this version knows ECS to run in (docs/volcengine-regions.md). Not the authority:
 * DescribeRegions is, and a region newer than this list is allowed with `allowUnknownRegions: true`.
 */

/** Region IDs with ECS, as docs/volcengine-regions.md lists them. */
export const KNOWN_REGIONS: readonly string[] = [
  'cn-beijing',
  'cn-shanghai',
  'cn-guangzhou',
  'cn-hongkong',
  'ap-southeast-1',
  'ap-southeast-3',
];

/** The most RegionIds one DescribeRegions call may carry. */
export const MAX_REGION_IDS = 20;

/** The bounds of DescribeRegions `MaxResults` (default 10). */
export const DESCRIBE_REGIONS_MAX_RESULTS = { min: 1, max: 20, default: 10 } as const;
