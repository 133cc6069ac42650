/**
 * ClientToken idempotency (EC2 "Ensuring idempotency"): the same token with the same request
 * returns the original resource; the same token with a different request is
 * IdempotentParameterMismatch. Tokens are scoped to the caller's account × region.
 */
import { Ec2Error } from '../engine/errors.js';
import type { RequestContext } from './handler.js';

/** A canonical text of the request without the token itself and DryRun. */
function fingerprint(input: object): string {
  const { ClientToken: _t, DryRun: _d, ...rest } = input as Record<string, unknown>;
  return JSON.stringify(rest, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/**
 * Runs `create` unless the token was seen: then `existing(id)` gives back the first result.
 * `create` returns the new resource's id along with its output.
 */
export function idempotent<T>(ctx: RequestContext, input: { ClientToken?: string }, create: () => { id: string; output: T }, existing: (id: string) => T): T {
  const token = input.ClientToken;
  if (token === undefined) return create().output;
  if (token.length > 64)
    throw new Ec2Error('InvalidParameterValue', `Value (${token}) for parameter clientToken is invalid. It must be at most 64 characters.`);
  const fp = fingerprint(input);
  const seen = ctx.region.clientTokens.get(token);
  if (seen) {
    if (seen.operation !== ctx.operation || seen.fingerprint !== fp) {
      throw new Ec2Error('IdempotentParameterMismatch', `The client token '${token}' was already used with different request parameters.`);
    }
    return existing(seen.resourceId);
  }
  const { id, output } = create();
  ctx.region.clientTokens.set(token, { operation: ctx.operation, fingerprint: fp, resourceId: id });
  return output;
}
