/**
 * The cloud's one source of randomness (IDs, MACs, IPv6 addresses and blocks). It is seeded and
 * counter-based, so a world rebuilt by replaying the same requests from the same seed gets the
 * same IDs and addresses — the basis of durable state.
 */
import { createHash, randomBytes } from 'node:crypto';

export class SeededRandom {
  private counter = 0;
  private buffer = Buffer.alloc(0);
  private offset = 0;

  constructor(readonly seed: string = randomBytes(16).toString('hex')) {}

  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) {
      if (this.offset >= this.buffer.length) {
        this.buffer = createHash('sha256').update(`${this.seed}:${this.counter++}`).digest();
        this.offset = 0;
      }
      out[i] = this.buffer[this.offset++]!;
    }
    return out;
  }

  /** Where the stream is: recorded with each journaled request so a replay draws exactly the same values. */
  position(): string {
    return `${this.counter}:${this.offset}`;
  }

  seek(position: string): void {
    const [counter, offset] = position.split(':').map(Number);
    if (!Number.isInteger(counter) || !Number.isInteger(offset) || counter! < 0 || offset! < 0 || offset! > 32) {
      throw new Error(`bad random position ${position}`);
    }
    if (counter === 0) {
      this.counter = 0;
      this.buffer = Buffer.alloc(0);
      this.offset = 0;
      return;
    }
    this.counter = counter! - 1;
    this.buffer = createHash('sha256').update(`${this.seed}:${this.counter++}`).digest();
    this.offset = offset!;
  }

  /** A float in [0, 1), like Math.random. */
  float(): number {
    return this.bytes(6).readUIntBE(0, 6) / 2 ** 48;
  }
}
