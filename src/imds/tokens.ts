/**
 * IMDSv2 session tokens: opaque, bound to the instance they were issued for, valid for the TTL
 * the PUT asked for (1..21600 seconds) on the server's clock (EC2 User Guide, "How Instance
 * Metadata Service Version 2 works"). Expired tokens are swept lazily; the store is bounded.
 */
import { randomBytes } from 'node:crypto';

export const MIN_TTL_SECONDS = 1;
export const MAX_TTL_SECONDS = 21600;

/** Parses the `X-aws-ec2-metadata-token-ttl-seconds` value; undefined when missing or invalid (→ 400). */
export function parseTtl(value: string | undefined): number | undefined {
  if (value === undefined || !/^[0-9]{1,5}$/.test(value.trim())) return undefined;
  const ttl = Number(value.trim());
  return ttl >= MIN_TTL_SECONDS && ttl <= MAX_TTL_SECONDS ? ttl : undefined;
}

interface Issued {
  readonly instanceId: string;
  readonly expiresAt: number;
}

export class TokenStore {
  private readonly tokens = new Map<string, Issued>();
  private nextSweep = 0;

  /** `maxTokens` bounds memory: beyond it the oldest tokens are forgotten (they then answer 401). */
  constructor(
    private readonly now: () => number,
    private readonly maxTokens = 100_000,
  ) {}

  issue(instanceId: string, ttlSeconds: number): string {
    const now = this.now();
    if (now >= this.nextSweep || this.tokens.size >= this.maxTokens) this.sweep(now);
    while (this.tokens.size >= this.maxTokens) this.tokens.delete(this.tokens.keys().next().value!);
    // 42 random bytes: a 56-character base64 token, the length EC2's tokens have.
    const token = randomBytes(42).toString('base64');
    this.tokens.set(token, { instanceId, expiresAt: now + ttlSeconds * 1000 });
    return token;
  }

  /** Whether `token` is live and was issued for `instanceId`. */
  valid(token: string, instanceId: string): boolean {
    const t = this.tokens.get(token);
    if (!t) return false;
    if (this.now() >= t.expiresAt) {
      this.tokens.delete(token);
      return false;
    }
    return t.instanceId === instanceId;
  }

  get size(): number {
    return this.tokens.size;
  }

  private sweep(now: number): void {
    for (const [token, t] of this.tokens) if (now >= t.expiresAt) this.tokens.delete(token);
    this.nextSweep = now + 60_000;
  }
}
