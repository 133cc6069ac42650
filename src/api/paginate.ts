/**
 * MaxResults/NextToken pagination. Results come in a stable order (by id); the token names the
 * operation, the world and the last id returned, so a token from another operation or account
 * is refused with InvalidPaginationToken, and deletions between pages do not skip anything.
 */
import { Ec2Error, invalidCombination, invalidValue } from '../engine/errors.js';
import type { RequestContext } from './handler.js';

interface TokenBody {
  o: string;
  w: string;
  k: string;
}

const world = (ctx: RequestContext) => `${ctx.accountId}/${ctx.region.name}`;

function invalidToken(token: string): Ec2Error {
  return new Ec2Error('InvalidPaginationToken', `Invalid pagination token: ${token.length > 64 ? `${token.slice(0, 64)}…` : token}`);
}

function readToken(ctx: RequestContext, token: string): string {
  let body: TokenBody;
  try {
    body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as TokenBody;
  } catch {
    throw invalidToken(token);
  }
  if (!body || typeof body !== 'object' || body.o !== ctx.operation || body.w !== world(ctx) || typeof body.k !== 'string') {
    throw invalidToken(token);
  }
  return body.k;
}

export interface PageRequest {
  MaxResults?: number;
  NextToken?: string;
}

/**
 * Returns one page of `items` (already filtered) ordered by `key`. When `ids` were given
 * explicitly, AWS refuses MaxResults alongside them.
 */
export function paginate<T>(
  ctx: RequestContext,
  items: Iterable<T>,
  key: (item: T) => string,
  page: PageRequest,
  explicitIds?: readonly unknown[],
  idsParam = 'ids',
): { items: T[]; nextToken?: string } {
  return paginateOwned(ctx, [...items], key, page, explicitIds, idsParam);
}

/** paginate() for an array the caller hands over: it is filtered and sorted in place, not copied. */
export function paginateOwned<T>(
  ctx: RequestContext,
  items: T[],
  key: (item: T) => string,
  page: PageRequest,
  explicitIds?: readonly unknown[],
  idsParam = 'ids',
): { items: T[]; nextToken?: string } {
  if (explicitIds && explicitIds.length > 0 && page.MaxResults !== undefined) {
    throw invalidCombination(`The parameter ${idsParam} cannot be used with the parameter maxResults`);
  }
  // A page of nothing would have no last id to continue from (and loops a paginating client).
  if (page.MaxResults !== undefined && page.MaxResults < 1) {
    throw invalidValue(`Value (${page.MaxResults}) for parameter maxResults is invalid. Expecting a value greater than 0.`);
  }
  const after = page.NextToken ? readToken(ctx, page.NextToken) : undefined;
  // Dropping what came before the token first leaves less to sort; the order is the same.
  let sorted = after === undefined ? items : items.filter((i) => key(i) > after);
  if (sorted.length > 1) {
    sorted = sorted.sort((a, b) => {
      const x = key(a);
      const y = key(b);
      return x < y ? -1 : x > y ? 1 : 0;
    });
  }
  const max = page.MaxResults;
  if (max === undefined || sorted.length <= max) return { items: sorted };
  const pageItems = sorted.slice(0, max);
  const body: TokenBody = { o: ctx.operation, w: world(ctx), k: key(pageItems[pageItems.length - 1]!) };
  return { items: pageItems, nextToken: Buffer.from(JSON.stringify(body)).toString('base64url') };
}
