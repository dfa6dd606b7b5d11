/**
 * The one DescribeInstances reader: follows NextToken page by page and decides, in this one place, when a
 * server's pages cannot be trusted any more. Listing a region and looking instances up by ID both read
 * through it, so a broken or hostile server meets the same rules everywhere, and memory stays bounded
 * whatever it answers: the reader keeps only the IDs it has seen (and the hashes of the tokens it followed),
 * and it stops, with an error, when
 * - the pages hold more distinct instances than the largest `TotalCount` they announced;
 * - a page adds no instance not seen before, yet hands out another NextToken;
 * - a NextToken repeats one followed before (the loop would never end);
 * - the pages hold more instances than `maxInstances`, or a `TotalCount` announces more (`ListingTooLarge`);
 * - once the caller says so (`firstCountBinds`), the pages hold more than the first page's `TotalCount`.
 * A reading by instance IDs ends as soon as every named ID was seen: no later page could add one.
 */
import { createHash } from 'node:crypto';
import { ErrorCode, VolcApiError } from '../errors.js';
import { validateDescribeFilters, validateMaxResults } from './ecs.js';
import type { DescribeInstancesFilters, DescribeInstancesPage, EcsApi, Instance } from './types.js';

/** Default page size of a reading (the API's own default is 10). */
export const DEFAULT_MAX_RESULTS = 100;

/** Options of {@link readInstancePages}. */
export interface ReadInstancesOptions {
  /**
   * Page size, 1 to 100.
   * @default 100
   */
  maxResults?: number;
  /**
   * Wraps each page request, so the caller can apply its rate limit and retry policy per page.
   * @default calls `attempt` once
   */
  callPage?: <T>(attempt: () => Promise<T>) => Promise<T>;
  /**
   * The most distinct instances one reading may hold; more (or a `TotalCount` above it) fails the reading
   * with `ListingTooLarge` before the offending page is handed out.
   * @default no limit besides the rules above
   */
  maxInstances?: number;
  /**
   * How messages name `maxInstances` (a configuration key, say).
   * @default 'maxInstances'
   */
  maxInstancesName?: string;
  /**
   * Called with each page's `TotalCount` (undefined when the page gives none) once the page passed the
   * rules, before its instances are handed out.
   */
  onTotalCount?: (totalCount: number | undefined, page: number) => void;
  /**
   * Consulted at every page: once it returns true, the first page's `TotalCount` binds, so pages holding more
   * distinct instances fail the reading with `InvalidResponse` even when a later page announces more. For a
   * listing that overlaps stopping, whose guard was checked against the first pages' counts (a first page
   * without `TotalCount` binds nothing). @default never
   */
  firstCountBinds?: () => boolean;
}

/** What the reader knows about the pages read so far. */
interface Progress {
  pages: number;
  /** IDs of every instance handed out. */
  seen: Set<string>;
  /** The largest TotalCount a page announced, if any did. */
  announced: number | undefined;
  /** The first page's TotalCount, if it gave one. */
  first: number | undefined;
}

function refuse(
  api: EcsApi,
  page: DescribeInstancesPage,
  code: string,
  message: string,
  progress: Progress,
): VolcApiError {
  return new VolcApiError({
    code,
    message: `${message}; listing stopped after ${progress.pages} page(s) and ${progress.seen.size} instance(s)`,
    httpStatus: 200,
    requestId: page.requestId || undefined,
    action: 'DescribeInstances',
    region: api.region,
    retryable: false,
  });
}

/** The instances of `page` not seen before (also not twice within the page), now marked seen. */
function freshInstances(page: DescribeInstancesPage, seen: Set<string>): Instance[] {
  const fresh: Instance[] = [];
  for (const instance of page.instances) {
    if (seen.has(instance.InstanceId)) continue;
    seen.add(instance.InstanceId);
    fresh.push(instance);
  }
  return fresh;
}

/** Throws when the pages so far break a count rule: more than announced, or more than allowed. */
function checkCounts(
  api: EcsApi,
  page: DescribeInstancesPage,
  progress: Progress,
  limit: { maxInstances: number; name: string; firstBinds: boolean },
): void {
  const { seen, announced, first } = progress;
  if (announced !== undefined && seen.size > announced) {
    throw refuse(
      api,
      page,
      ErrorCode.InvalidResponse,
      `the pages hold ${seen.size} instances, more than the TotalCount of ${announced} they announced`,
      progress,
    );
  }
  // Checked after the rule above, so a listing that breaks both is told the ordinary way.
  if (limit.firstBinds && first !== undefined && seen.size > first) {
    throw refuse(
      api,
      page,
      ErrorCode.InvalidResponse,
      `the pages hold ${seen.size} instances, more than the TotalCount of ${first} the first page announced, ` +
        'on which stopping started while the listing went on',
      progress,
    );
  }
  const claimed = Math.max(seen.size, announced ?? 0);
  if (claimed > limit.maxInstances) {
    const what = seen.size > limit.maxInstances ? 'the pages hold' : 'TotalCount announces';
    throw refuse(
      api,
      page,
      ErrorCode.ListingTooLarge,
      `${what} ${claimed} instances, more than ${limit.name} (${limit.maxInstances})`,
      progress,
    );
  }
}

function tokenHash(token: string): string {
  // A token can be as long as the server likes; its hash keeps the memory per page small.
  return createHash('sha256').update(token).digest('base64');
}

async function* pages(
  api: EcsApi,
  filters: DescribeInstancesFilters,
  maxResults: number,
  options: ReadInstancesOptions,
): AsyncGenerator<Instance[], void, undefined> {
  const callPage = options.callPage ?? ((attempt) => attempt());
  const limit = {
    maxInstances: options.maxInstances ?? Number.POSITIVE_INFINITY,
    name: options.maxInstancesName ?? 'maxInstances',
  };
  const named = filters.instanceIds === undefined ? undefined : new Set(filters.instanceIds);
  const progress: Progress = { pages: 0, seen: new Set(), announced: undefined, first: undefined };
  const followed = new Set<string>();
  const request = (token: string | undefined) =>
    callPage(() => api.describeInstancesPage(filters, { nextToken: token, maxResults }));
  // The next page's request, sent before this page is handed out: what the caller does with a page (plan
  // it, send its stops) then costs no round trip of the chain. Only a page the rules let the reading go on
  // from is requested; a caller that stops early wastes at most this one request.
  let pending: Promise<DescribeInstancesPage> | undefined;
  for (;;) {
    const page = await (pending ?? request(undefined));
    pending = undefined;
    progress.pages += 1;
    if (page.totalCount !== undefined) {
      progress.announced = Math.max(progress.announced ?? 0, page.totalCount);
    }
    if (progress.pages === 1) progress.first = page.totalCount;
    const fresh = freshInstances(page, progress.seen);
    checkCounts(api, page, progress, { ...limit, firstBinds: options.firstCountBinds?.() ?? false });
    options.onTotalCount?.(page.totalCount, progress.pages);
    const nextToken = page.nextToken || undefined;
    const ends =
      nextToken === undefined || (named !== undefined && [...named].every((id) => progress.seen.has(id)));
    const refusal = ends ? undefined : refusalToFollow(api, page, fresh, nextToken!, followed, progress);
    if (!ends && refusal === undefined) {
      pending = request(nextToken);
      // Awaited on the next turn; until then (or if the caller never asks) its failure is not unhandled.
      pending.catch(() => {});
    }
    // The caller gets this page's instances even when the next step is refused, as before the look-ahead.
    yield fresh;
    if (ends) return;
    if (refusal !== undefined) throw refusal;
  }
}

/** Why the reading must not follow `nextToken` after `page`, if it must not; remembers the token otherwise. */
function refusalToFollow(
  api: EcsApi,
  page: DescribeInstancesPage,
  fresh: readonly Instance[],
  nextToken: string,
  followed: Set<string>,
  progress: Progress,
): VolcApiError | undefined {
  if (fresh.length === 0) {
    return refuse(
      api,
      page,
      ErrorCode.InvalidResponse,
      `page ${progress.pages} adds no instance not seen before, yet hands out another NextToken`,
      progress,
    );
  }
  const hash = tokenHash(nextToken);
  if (followed.has(hash)) {
    return refuse(
      api,
      page,
      ErrorCode.InvalidResponse,
      `the NextToken of page ${progress.pages} repeats an earlier page's`,
      progress,
    );
  }
  followed.add(hash);
  return undefined;
}

/**
 * Reads every instance matching `filters`, one page per request, yielding each page's instances not seen
 * before. Arguments are checked when called, before any request. Throws `VolcApiError` (not retryable)
 * when the pages break one of the rules above; whatever `callPage` throws passes through.
 *
 * @example
 * for await (const instances of readInstancePages(api, { tagFilters: [{ key: 'lights-out' }] }, { maxInstances: 200_000 }))
 *   fleet.push(...instances);
 */
export function readInstancePages(
  api: EcsApi,
  filters: DescribeInstancesFilters,
  options: ReadInstancesOptions = {},
): AsyncGenerator<Instance[], void, undefined> {
  const maxResults = options.maxResults ?? DEFAULT_MAX_RESULTS;
  validateDescribeFilters(filters);
  validateMaxResults(maxResults);
  return pages(api, filters, maxResults, options);
}
