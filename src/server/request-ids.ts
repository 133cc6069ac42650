/**
 * Request ids: unique per process, shaped like AWS's (a lowercase UUID v4). A random prefix drawn
 * once plus a counter costs a string concatenation per request, where `crypto.randomUUID()` was
 * several percent of a small request's CPU. Request ids are never journaled, so nothing needs to
 * replay them; the random prefix keeps ids of different runs apart in logs.
 */
import { randomBytes } from 'node:crypto';

/** The last group has 12 hex digits: a 48-bit counter, more requests than any process will serve. */
const COUNTER_DIGITS = 12;

export class RequestIds {
  /** `xxxxxxxx-xxxx-4xxx-yxxx-` with y in 8…b: the version and variant bits of a v4 UUID. */
  private readonly prefix: string;
  private counter = 0;

  constructor(random: Buffer = randomBytes(10)) {
    const hex = random.toString('hex');
    const variant = ((parseInt(hex[15]!, 16) & 0x3) | 0x8).toString(16);
    this.prefix = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(12, 15)}-${variant}${hex.slice(16, 19)}-`;
  }

  next(): string {
    const n = (this.counter++).toString(16);
    return this.prefix + (n.length < COUNTER_DIGITS ? '000000000000'.slice(n.length) + n : n.slice(-COUNTER_DIGITS));
  }
}

/** The process's generator, shared by the Query API and the HTTP front (so ids never repeat between them). */
export const requestIds = new RequestIds();
