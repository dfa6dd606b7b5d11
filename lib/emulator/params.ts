/**
 * Request parameters: the query string plus, for a form POST, the body; flattened lists such as
 * `InstanceIds.N` and `TagFilters.N.Values.M` read back into arrays. A malformed parameter throws an
 * {@link ApiRejection} that the server turns into the matching request-level error.
 */
import type { TagFilter } from '../volc/index.js';
import type { ApiFailure, RequestErrorCode } from './catalog.js';

/** Thrown inside an action to answer with a request-level error. */
export class ApiRejection extends Error {
  readonly failure: ApiFailure;

  constructor(code: RequestErrorCode, message?: string) {
    super(message ?? code);
    this.name = 'ApiRejection';
    this.failure = message === undefined ? { code } : { code, message };
  }
}

/** Decodes `a=1&b=2` as a server does (`+` is a space); keys may repeat. */
export function decodePairs(text: string): Array<[string, string]> {
  return [...new URLSearchParams(text)];
}

/**
 * Merges query and body pairs into one map.
 * @throws ApiRejection InvalidArgument when a parameter is given twice
 */
export function collectParams(pairs: ReadonlyArray<readonly [string, string]>): Map<string, string> {
  const params = new Map<string, string>();
  for (const [key, value] of pairs) {
    if (params.has(key))
      throw new ApiRejection('InvalidArgument', `The parameter ${key} is given more than once.`);
    params.set(key, value);
  }
  return params;
}

/** Reads a 1-based flattened list `<prefix>.N` in index order. @throws ApiRejection on a malformed key */
export function listParam(params: ReadonlyMap<string, string>, prefix: string): string[] {
  const items: Array<[number, string]> = [];
  for (const [key, value] of params) {
    if (!key.startsWith(`${prefix}.`)) continue;
    const index = /^[1-9]\d*$/.test(key.slice(prefix.length + 1)) ? Number(key.slice(prefix.length + 1)) : 0;
    if (!index) throw new ApiRejection('InvalidArgument', `The parameter ${key} is malformed.`);
    items.push([index, value]);
  }
  return items.sort((a, b) => a[0] - b[0]).map(([, value]) => value);
}

/**
 * Reads `TagFilters.N.Key` and `TagFilters.N.Values.M` in index order.
 * @throws ApiRejection on a malformed key or a filter without Key
 */
export function tagFiltersParam(params: ReadonlyMap<string, string>): TagFilter[] {
  const filters = new Map<number, { key?: string; values: Array<[number, string]> }>();
  for (const [key, value] of params) {
    if (!key.startsWith('TagFilters.')) continue;
    const m = /^TagFilters\.([1-9]\d*)\.(?:(Key)|Values\.([1-9]\d*))$/.exec(key);
    if (!m) throw new ApiRejection('InvalidArgument', `The parameter ${key} is malformed.`);
    const n = Number(m[1]);
    const filter = filters.get(n) ?? { values: [] };
    filters.set(n, filter);
    if (m[2]) filter.key = value;
    else filter.values.push([Number(m[3]), value]);
  }
  return [...filters.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([n, filter]) => {
      if (!filter.key)
        throw new ApiRejection('InvalidArgument', `The parameter TagFilters.${n}.Key is required.`);
      const values = filter.values.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
      return values.length > 0 ? { key: filter.key, values } : { key: filter.key };
    });
}

/** Reads `InstanceIds.N` for Stop/Start: 1 to 100 IDs. @throws ApiRejection MissingParameter or InvalidCount.Malformed */
export function instanceIdsParam(params: ReadonlyMap<string, string>): string[] {
  const ids = listParam(params, 'InstanceIds');
  if (ids.length === 0)
    throw new ApiRejection('MissingParameter', 'The required parameter InstanceIds is not supplied.');
  if (ids.length > 100) {
    throw new ApiRejection(
      'InvalidCount.Malformed',
      `The specified count is malformed: ${ids.length} InstanceIds, at most 100.`,
    );
  }
  return ids;
}

/** Reads ClientToken: ASCII (printable), at most 64 characters; empty means none. @throws ApiRejection */
export function clientTokenParam(params: ReadonlyMap<string, string>): string | undefined {
  const token = params.get('ClientToken');
  if (token === undefined || token === '') return undefined;
  if (token.length > 64 || !/^[\x20-\x7e]+$/.test(token))
    throw new ApiRejection('InvalidClientToken.Malformed');
  return token;
}
