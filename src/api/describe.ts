/**
 * The common shape of a Describe call: explicit ids (each must exist), then filters, then pagination.
 */
import { compileFilters, type Filter, type FilterSpec } from '../engine/filters.js';
import type { RequestContext } from './handler.js';
import { paginateOwned, type PageRequest } from './paginate.js';

export interface DescribeRequest extends PageRequest {
  Filters?: Filter[];
}

/**
 * Selects resources: by `ids` (looked up with `get`, which throws AWS's NotFound/Malformed errors),
 * else all of `all()`; then filters; then one page ordered by id.
 */
export function describe<T extends { id: string }>(
  ctx: RequestContext,
  req: DescribeRequest,
  spec: FilterSpec<T>,
  ids: readonly string[] | undefined,
  get: (id: string) => T,
  all: () => Iterable<T>,
  idsParam: string,
): { items: T[]; nextToken?: string } {
  const match = compileFilters(spec, req.Filters);
  const filtered: T[] = [];
  if (ids && ids.length > 0) {
    // Each id once, looked up (and so checked) in the order given.
    const seen = ids.length > 1 ? new Set<string>() : undefined;
    for (const id of ids) {
      if (seen) {
        if (seen.has(id)) continue;
        seen.add(id);
      }
      const r = get(id);
      if (match(r)) filtered.push(r);
    }
  } else {
    for (const r of all()) if (match(r)) filtered.push(r);
  }
  return paginateOwned(ctx, filtered, byId, req, ids, idsParam);
}

const byId = (r: { id: string }) => r.id;
