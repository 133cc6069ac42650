/**
 * The cloud's one source of randomness (IDs, MACs, IPv6 addresses and blocks). It is seeded and
 * counter-based, so a world rebuilt by replaying the same requests from the same seed gets the
 * same IDs and addresses — the basis of durable state.
 *
 * The stream is AES-128-CTR keyed by the seed, drawn in 4 KiB blocks (one cipher call per block,
 * where hashing 32 bytes at a time was ~10 % of a RunInstances). Seeds made before that change
 * (exactly 32 hex digits: journals and exports written by older versions) keep their SHA-256
 * stream, so their worlds replay to the same IDs.
 */
import { createCipheriv, createHash, randomBytes, type Cipher } from 'node:crypto';

/** Marks seeds of the AES-CTR stream; unmarked 32-hex seeds are legacy (see isLegacySeed). */
const SEED_PREFIX = 'ctr-';
const BLOCK_BYTES = 4096;
const ZEROS = Buffer.alloc(BLOCK_BYTES);

/** The only seeds older versions made: `randomBytes(16)` in hex. */
const isLegacySeed = (seed: string) => /^[0-9a-f]{32}$/.test(seed);

/** A deterministic byte stream cut in numbered blocks; block k depends only on the seed and k. */
interface BlockSource {
  readonly blockBytes: number;
  /** Block `k`; called for k, k+1, k+2… between seeks, which a source may exploit. */
  block(k: number): Buffer;
}

class AesCtrBlocks implements BlockSource {
  readonly blockBytes = BLOCK_BYTES;
  private readonly key: Buffer;
  private cipher?: Cipher;
  /** The block the cipher's counter stands at (it encrypts consecutive blocks without reset). */
  private next = -1;

  constructor(seed: string) {
    this.key = createHash('sha256').update(seed).digest().subarray(0, 16);
  }

  block(k: number): Buffer {
    if (k !== this.next || !this.cipher) {
      // The counter block of AES block i is i, big-endian; block k of ours starts at AES block k·256.
      const iv = Buffer.alloc(16);
      iv.writeUIntBE(k * (BLOCK_BYTES / 16), 10, 6);
      this.cipher = createCipheriv('aes-128-ctr', this.key, iv);
    }
    this.next = k + 1;
    return this.cipher.update(ZEROS);
  }
}

class Sha256Blocks implements BlockSource {
  readonly blockBytes = 32;
  constructor(private readonly seed: string) {}
  block(k: number): Buffer {
    return createHash('sha256').update(`${this.seed}:${k}`).digest();
  }
}

export class SeededRandom {
  private readonly source: BlockSource;
  /** Blocks drawn so far; the current one is number `counter - 1`. */
  private counter = 0;
  private buffer: Buffer = Buffer.alloc(0);
  private offset = 0;

  constructor(readonly seed: string = `${SEED_PREFIX}${randomBytes(16).toString('hex')}`) {
    this.source = isLegacySeed(seed) ? new Sha256Blocks(seed) : new AesCtrBlocks(seed);
  }

  /**
   * The next `n` bytes of the stream. The result may be a view of the stream's own block: read it,
   * do not write to it.
   */
  bytes(n: number): Buffer {
    if (this.offset + n <= this.buffer.length) {
      const out = this.buffer.subarray(this.offset, this.offset + n);
      this.offset += n;
      return out;
    }
    const out = Buffer.alloc(n);
    for (let i = 0; i < n;) {
      if (this.offset >= this.buffer.length) this.load(this.counter);
      const take = Math.min(n - i, this.buffer.length - this.offset);
      this.buffer.copy(out, i, this.offset, this.offset + take);
      this.offset += take;
      i += take;
    }
    return out;
  }

  /** Where the stream is: recorded with each journaled request so a replay draws exactly the same values. */
  position(): string {
    return `${this.counter}:${this.offset}`;
  }

  seek(position: string): void {
    const [counter, offset] = position.split(':').map(Number);
    if (!Number.isInteger(counter) || !Number.isInteger(offset) || counter! < 0 || offset! < 0 || offset! > this.source.blockBytes) {
      throw new Error(`bad random position ${position}`);
    }
    if (counter === 0) {
      this.counter = 0;
      this.buffer = Buffer.alloc(0);
      this.offset = 0;
      return;
    }
    this.load(counter! - 1);
    this.offset = offset!;
  }

  /** A float in [0, 1), like Math.random. */
  float(): number {
    return this.bytes(6).readUIntBE(0, 6) / 2 ** 48;
  }

  private load(block: number): void {
    this.buffer = this.source.block(block);
    this.counter = block + 1;
    this.offset = 0;
  }
}
