/**
 * DescribeRegions (docs/volcengine-regions.md): the account's regions, `RegionIds.N` (at most 20) narrowing
 * them, `MaxResults` 1..20 (default 10) and an opaque `NextToken` (empty on the last page). A RegionId the
 * account does not have is left out of the answer rather than refused: the reference documents no error for
 * it, and an empty answer is what a caller must handle anyway.
 */
import { DESCRIBE_REGIONS_MAX_RESULTS, MAX_REGION_IDS } from '../volc/index.js';
import { ApiRejection, listParam } from './params.js';
import type { FleetState } from './state.js';

const TOKEN_PREFIX = 'regions:';

function readMaxResults(params: ReadonlyMap<string, string>): number {
  const raw = params.get('MaxResults');
  const { min, max } = DESCRIBE_REGIONS_MAX_RESULTS;
  if (raw === undefined) return DESCRIBE_REGIONS_MAX_RESULTS.default;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw new ApiRejection(
      'InvalidArgument',
      `The specified MaxResults is invalid: it must be from ${min} to ${max}.`,
    );
  }
  return value;
}

function readOffset(params: ReadonlyMap<string, string>, total: number): number {
  const token = params.get('NextToken');
  if (token === undefined || token === '') return 0;
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const offset = text.startsWith(TOKEN_PREFIX) ? Number(text.slice(TOKEN_PREFIX.length)) : Number.NaN;
  if (!Number.isInteger(offset) || offset <= 0 || offset >= total) {
    throw new ApiRejection('InvalidArgument', 'The specified NextToken is invalid for this request.');
  }
  return offset;
}

/**
 * Answers one DescribeRegions page.
 * @throws ApiRejection on more than 20 RegionIds, a bad MaxResults or NextToken
 */
export function describeRegions(
  state: FleetState,
  params: ReadonlyMap<string, string>,
): { Regions: Array<{ RegionId: string }>; NextToken: string } {
  const ids = listParam(params, 'RegionIds');
  if (ids.length > MAX_REGION_IDS) throw new ApiRejection('LimitExceeded.MaximumRegionIds');
  const wanted = new Set(ids);
  const regions = ids.length === 0 ? state.regions : state.regions.filter((r) => wanted.has(r));
  const maxResults = readMaxResults(params);
  const offset = readOffset(params, regions.length);
  const page = regions.slice(offset, offset + maxResults);
  const next = offset + page.length;
  return {
    Regions: page.map((RegionId) => ({ RegionId })),
    NextToken: next < regions.length ? Buffer.from(`${TOKEN_PREFIX}${next}`).toString('base64url') : '',
  };
}
