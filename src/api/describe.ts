/**
 * The common shape of a Describe call: explicit ids (each must exist), then filters, then pagination.
 */
import { compileFilters, type Filter, type FilterSpec } from '../engine/filters.js';
import type { RequestContext } from './handler.js';
import { paginate, type PageRequest } from './paginate.js';

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
  const chosen = ids && ids.length > 0 ? [...new Set(ids)].map(get) : all();
  const filtered: T[] = [];
  for (const r of chosen) if (match(r)) filtered.push(r);
  return paginate(ctx, filtered, (r) => r.id, req, ids, idsParam);
}
