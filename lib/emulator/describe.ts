/**
 * DescribeInstances: the filters of docs/volcengine-api.md ("DescribeInstances"), MaxResults 1..100 (default 10) and an opaque NextToken.
 * Built for fleets of tens of thousands: the matching instances of one (region, filters) are computed once and
 * cached (until the fleet's statuses change, for a Status filter), so paging through N instances costs O(N), not
 * O(N²), even while stops change the fleet between pages.
 */
import { createHash } from 'node:crypto';
import type { DescribeInstancesFilters, Instance } from '../volc/index.js';
import { validateFleet } from './fleet.js';
import { ApiRejection, listParam, tagFiltersParam } from './params.js';
import type { FleetState, InstanceRecord } from './state.js';

/** The `Result` of DescribeInstances. */
export interface DescribeInstancesResult {
  Instances: Instance[];
  /** Empty on the last page. */
  NextToken: string;
  TotalCount: number;
}

interface CachedMatch {
  version: number;
  /** The matches stay valid until this instant (a pending transition can change a Status match). */
  validUntilMs: number;
  records: InstanceRecord[];
}

const CACHE_SIZE = 64;
const caches = new WeakMap<FleetState, Map<string, CachedMatch>>();

/** Reads the filters of a DescribeInstances request. @throws ApiRejection */
export function readFilters(params: ReadonlyMap<string, string>): DescribeInstancesFilters {
  const filters: DescribeInstancesFilters = {};
  const ids = listParam(params, 'InstanceIds');
  if (ids.length > 100) {
    throw new ApiRejection(
      'InvalidCount.Malformed',
      `The specified count is malformed: ${ids.length} InstanceIds, at most 100.`,
    );
  }
  if (ids.length > 0) filters.instanceIds = ids;
  const tagFilters = tagFiltersParam(params);
  if (tagFilters.length > 0) filters.tagFilters = tagFilters;
  const status = params.get('Status');
  if (status) filters.status = status;
  const chargeType = params.get('InstanceChargeType');
  if (chargeType) filters.instanceChargeType = chargeType;
  const zoneId = params.get('ZoneId');
  if (zoneId) filters.zoneId = zoneId;
  const projectName = params.get('ProjectName');
  if (projectName) filters.projectName = projectName;
  return filters;
}

function matcher(filters: DescribeInstancesFilters, state: FleetState): (record: InstanceRecord) => boolean {
  const ids = filters.instanceIds ? new Set(filters.instanceIds) : undefined;
  const tagFilters = (filters.tagFilters ?? []).map((f) => ({
    key: f.key,
    values: f.values?.length ? new Set(f.values) : undefined,
  }));
  return (record) => {
    const base = record.base;
    if (ids && !ids.has(record.id)) return false;
    if (filters.instanceChargeType !== undefined && base.InstanceChargeType !== filters.instanceChargeType)
      return false;
    if (filters.zoneId !== undefined && base.ZoneId !== filters.zoneId) return false;
    if (filters.projectName !== undefined && base.ProjectName !== filters.projectName) return false;
    // Filters AND together; the values of one filter OR together; no values means any value of the key.
    for (const filter of tagFilters) {
      const hit = base.Tags.some(
        (tag) => tag.Key === filter.key && (!filter.values || filter.values.has(tag.Value)),
      );
      if (!hit) return false;
    }
    return filters.status === undefined || state.statusOf(record) === filters.status;
  };
}

function matches(
  state: FleetState,
  region: string,
  filters: DescribeInstancesFilters,
  key: string,
  nowMs: number,
): InstanceRecord[] {
  let cache = caches.get(state);
  if (!cache) {
    cache = new Map();
    caches.set(state, cache);
  }
  const cached = cache.get(key);
  // Only a Status filter's matches follow the fleet's changes (stops and starts): membership and tags do not
  // change within a fleet, so a listing that overlaps stopping is not recomputed at every page.
  const current = cached && (filters.status === undefined || cached.version === state.version);
  if (current && nowMs < cached.validUntilMs) return cached.records;
  const match = matcher(filters, state);
  const records: InstanceRecord[] = [];
  let validUntilMs = Number.POSITIVE_INFINITY;
  for (const record of state.inRegion(region)) {
    if (match(record)) records.push(record);
    if (filters.status !== undefined && record.pending)
      validUntilMs = Math.min(validUntilMs, record.pending.atMs);
  }
  cache.delete(key);
  cache.set(key, { version: state.version, validUntilMs, records });
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return records;
}

function encodeToken(offset: number, filterHash: string): string {
  return Buffer.from(JSON.stringify({ o: offset, h: filterHash })).toString('base64url');
}

function decodeToken(token: string, filterHash: string): number {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    const { o, h } = decoded as { o?: unknown; h?: unknown };
    if (h === filterHash && Number.isInteger(o) && (o as number) >= 0) return o as number;
  } catch {
    // Falls through to the rejection below: garbage is as invalid as a token of other filters.
  }
  throw new ApiRejection('InvalidArgument', 'The specified NextToken is invalid for this request.');
}

function readMaxResults(params: ReadonlyMap<string, string>): number {
  const raw = params.get('MaxResults');
  if (raw === undefined || raw === '') return 10;
  const value = /^\d{1,4}$/.test(raw) ? Number(raw) : 0;
  if (value < 1 || value > 100) {
    throw new ApiRejection(
      'InvalidArgument',
      'The specified MaxResults is invalid: it must be from 1 to 100.',
    );
  }
  return value;
}

/**
 * Answers one DescribeInstances page for `region`, of at most `maxPageSize` instances when above 0 (the
 * `maxPageSize` fault: short pages).
 * @throws ApiRejection on malformed filters, MaxResults or NextToken
 */
export function describeInstances(
  state: FleetState,
  region: string,
  params: ReadonlyMap<string, string>,
  nowMs: number,
  maxPageSize = 0,
): DescribeInstancesResult {
  const filters = readFilters(params);
  const asked = readMaxResults(params);
  const maxResults = maxPageSize > 0 ? Math.min(asked, maxPageSize) : asked;
  const filterHash = createHash('sha256')
    .update(JSON.stringify([region, filters]))
    .digest('hex')
    .slice(0, 16);
  const token = params.get('NextToken');
  const offset = token ? decodeToken(token, filterHash) : 0;
  const records = matches(state, region, filters, filterHash, nowMs);
  const page = records.slice(offset, offset + maxResults);
  const end = offset + page.length;
  return {
    Instances: page.map((record) => state.describe(record)),
    NextToken: end < records.length ? encodeToken(end, filterHash) : '',
    TotalCount: records.length,
  };
}

/** What an endless listing claims its TotalCount is (see the `endlessListing` fault). */
export const ENDLESS_TOTAL_COUNT = 300;

const ENDLESS_TOKEN = /^endless-(\d{1,9})$/;

/**
 * One page of the `endlessListing` fault: MaxResults instances never listed before (tagged with each tag
 * filter's key and first value; every other field a fleet file's default, RUNNING included), `TotalCount`
 * {@link ENDLESS_TOTAL_COUNT}, and a new NextToken.
 * @throws ApiRejection on malformed filters or MaxResults
 */
export function endlessPage(region: string, params: ReadonlyMap<string, string>): DescribeInstancesResult {
  const filters = readFilters(params);
  const maxResults = readMaxResults(params);
  const page = Number(ENDLESS_TOKEN.exec(params.get('NextToken') ?? '')?.[1] ?? '0');
  const tags = (filters.tagFilters ?? []).map((f) => ({ Key: f.key, Value: f.values?.[0] ?? 'endless' }));
  // The fleet reader fills in every field left out, as for a fleet file.
  const { instances: filled } = validateFleet(
    Array.from({ length: maxResults }, (_, k) => ({
      InstanceId: `i-endless${page}x${k}`,
      Region: region,
      Tags: tags,
    })),
  );
  const instances = filled.map(({ Region: _region, Emulator: _flags, ...instance }): Instance => instance);
  return { Instances: instances, NextToken: `endless-${page + 1}`, TotalCount: ENDLESS_TOTAL_COUNT };
}
