/**
 * The ECS actions: client-side validation, query flattening (lists 1-based: `InstanceIds.1`,
 * `TagFilters.1.Values.2`), and one transport call per method. Bad arguments are refused before any request,
 * so a mistake never costs an API call or reaches the server half-formed.
 */
import { RequestError } from '../errors.js';
import { DESCRIBE_REGIONS_MAX_RESULTS, MAX_REGION_IDS } from './regions.js';
import { parseDescribeInstancesResult, parseDescribeRegionsResult, parseOperationResult } from './results.js';
import type { QueryPairs } from './sign.js';
import type { CallApi } from './transport.js';
import {
  type DescribeInstancesFilters,
  type EcsApi,
  type StartInstancesParams,
  type StopInstancesParams,
  StoppedMode,
} from './types.js';

/** The most instance IDs one call (or one DescribeInstances filter) may carry. */
export const MAX_INSTANCE_IDS = 100;

/** The longest ClientToken the API accepts. */
export const MAX_CLIENT_TOKEN_LENGTH = 64;

/** The bounds of DescribeInstances `MaxResults`. */
export const MAX_RESULTS_RANGE = { min: 1, max: 100 } as const;

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

function invalidParameter(message: string): RequestError {
  return new RequestError('InvalidParameter', message);
}

/** Refuses an ID list that is empty, longer than {@link MAX_INSTANCE_IDS}, or holds an empty ID. */
export function validateInstanceIds(action: string, ids: unknown): asserts ids is string[] {
  if (!Array.isArray(ids) || ids.length === 0) {
    throw invalidParameter(`${action}: instanceIds must hold at least one instance ID`);
  }
  if (ids.length > MAX_INSTANCE_IDS) {
    throw invalidParameter(
      `${action}: instanceIds holds ${ids.length} IDs; at most ${MAX_INSTANCE_IDS} per call`,
    );
  }
  const bad = ids.findIndex((id) => typeof id !== 'string' || id === '');
  if (bad >= 0) throw invalidParameter(`${action}: instanceIds[${bad}] is not a non-empty string`);
}

/** Refuses a ClientToken that is empty, not printable ASCII, or longer than {@link MAX_CLIENT_TOKEN_LENGTH}. */
export function validateClientToken(action: string, token: unknown): void {
  if (token === undefined) return;
  if (typeof token !== 'string' || !PRINTABLE_ASCII.test(token) || token.length > MAX_CLIENT_TOKEN_LENGTH) {
    throw invalidParameter(
      `${action}: clientToken must be 1 to ${MAX_CLIENT_TOKEN_LENGTH} printable ASCII characters`,
    );
  }
}

/** Refuses a MaxResults that is not an integer from 1 to 100. */
export function validateMaxResults(maxResults: unknown): asserts maxResults is number {
  const { min, max } = MAX_RESULTS_RANGE;
  if (
    typeof maxResults !== 'number' ||
    !Number.isInteger(maxResults) ||
    maxResults < min ||
    maxResults > max
  ) {
    throw invalidParameter(`DescribeInstances: maxResults must be an integer from ${min} to ${max}`);
  }
}

/** Validates DescribeInstances filters; an empty `instanceIds` is refused rather than read as "all instances". */
export function validateDescribeFilters(filters: DescribeInstancesFilters): void {
  if (filters.instanceIds !== undefined) validateInstanceIds('DescribeInstances', filters.instanceIds);
  (filters.tagFilters ?? []).forEach((filter, i) => {
    if (typeof filter?.key !== 'string' || filter.key === '') {
      throw invalidParameter(`DescribeInstances: tagFilters[${i}].key is not a non-empty string`);
    }
    if (filter.values !== undefined && !filter.values.every((v) => typeof v === 'string')) {
      throw invalidParameter(`DescribeInstances: tagFilters[${i}].values must be strings`);
    }
  });
}

function pushList(pairs: Array<[string, string]>, prefix: string, values: readonly string[]): void {
  values.forEach((value, i) => {
    pairs.push([`${prefix}.${i + 1}`, value]);
  });
}

function pushIfSet(pairs: Array<[string, string]>, key: string, value: string | undefined): void {
  if (value !== undefined && value !== '') pairs.push([key, value]);
}

/** The query parameters of one DescribeInstances page (without Action and Version). */
export function describeInstancesQuery(
  filters: DescribeInstancesFilters,
  page: { nextToken?: string; maxResults: number },
): QueryPairs {
  const pairs: Array<[string, string]> = [];
  pushList(pairs, 'InstanceIds', filters.instanceIds ?? []);
  pushIfSet(pairs, 'Status', filters.status);
  (filters.tagFilters ?? []).forEach((filter, i) => {
    pairs.push([`TagFilters.${i + 1}.Key`, filter.key]);
    pushList(pairs, `TagFilters.${i + 1}.Values`, filter.values ?? []);
  });
  pushIfSet(pairs, 'InstanceChargeType', filters.instanceChargeType);
  pushIfSet(pairs, 'ZoneId', filters.zoneId);
  pushIfSet(pairs, 'ProjectName', filters.projectName);
  pairs.push(['MaxResults', String(page.maxResults)]);
  pushIfSet(pairs, 'NextToken', page.nextToken);
  return pairs;
}

/** The query parameters of StopInstances, after validation. */
export function stopInstancesQuery(params: StopInstancesParams): QueryPairs {
  validateInstanceIds('StopInstances', params.instanceIds);
  validateClientToken('StopInstances', params.clientToken);
  const modes: readonly string[] = Object.values(StoppedMode);
  if (params.stoppedMode !== undefined && !modes.includes(params.stoppedMode)) {
    throw invalidParameter(`StopInstances: stoppedMode must be one of ${modes.join(', ')}`);
  }
  if (params.forceStop !== undefined && typeof params.forceStop !== 'boolean') {
    throw invalidParameter('StopInstances: forceStop must be a boolean');
  }
  const pairs: Array<[string, string]> = [];
  pushList(pairs, 'InstanceIds', params.instanceIds);
  pushIfSet(pairs, 'StoppedMode', params.stoppedMode);
  if (params.forceStop !== undefined) pairs.push(['ForceStop', params.forceStop ? 'true' : 'false']);
  pushIfSet(pairs, 'ClientToken', params.clientToken);
  return pairs;
}

/** The query parameters of StartInstances, after validation. */
export function startInstancesQuery(params: StartInstancesParams): QueryPairs {
  validateInstanceIds('StartInstances', params.instanceIds);
  validateClientToken('StartInstances', params.clientToken);
  const pairs: Array<[string, string]> = [];
  pushList(pairs, 'InstanceIds', params.instanceIds);
  pushIfSet(pairs, 'ClientToken', params.clientToken);
  return pairs;
}

/** The query parameters of one DescribeRegions page, after validation. */
export function describeRegionsQuery(page: {
  regionIds?: string[];
  nextToken?: string;
  maxResults?: number;
}): QueryPairs {
  const ids = page.regionIds ?? [];
  if (ids.length > MAX_REGION_IDS || !ids.every((id) => typeof id === 'string' && id !== '')) {
    throw invalidParameter(`DescribeRegions: regionIds must hold at most ${MAX_REGION_IDS} non-empty IDs`);
  }
  const { min, max } = DESCRIBE_REGIONS_MAX_RESULTS;
  const maxResults = page.maxResults ?? max;
  if (!Number.isInteger(maxResults) || maxResults < min || maxResults > max) {
    throw invalidParameter(`DescribeRegions: maxResults must be an integer from ${min} to ${max}`);
  }
  const pairs: Array<[string, string]> = [];
  pushList(pairs, 'RegionIds', ids);
  pairs.push(['MaxResults', String(maxResults)]);
  pushIfSet(pairs, 'NextToken', page.nextToken);
  return pairs;
}

/**
 * The {@link EcsApi} of one region over a transport: each method validates its arguments, then makes
 * exactly one request.
 */
export function createEcsApi(region: string, call: CallApi, defaultMaxResults: number): EcsApi {
  return {
    region,
    async describeInstancesPage(filters, page) {
      validateDescribeFilters(filters);
      const maxResults = page?.maxResults ?? defaultMaxResults;
      validateMaxResults(maxResults);
      const query = describeInstancesQuery(filters, { nextToken: page?.nextToken, maxResults });
      return call('DescribeInstances', query, parseDescribeInstancesResult);
    },
    async stopInstances(params) {
      return call('StopInstances', stopInstancesQuery(params), parseOperationResult);
    },
    async startInstances(params) {
      return call('StartInstances', startInstancesQuery(params), parseOperationResult);
    },
    async describeRegionsPage(page) {
      return call('DescribeRegions', describeRegionsQuery(page ?? {}), parseDescribeRegionsResult);
    },
  };
}
