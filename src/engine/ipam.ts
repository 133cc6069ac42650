/**
 * Per-subnet address management: which addresses of a subnet are reserved by AWS, taken by
 * an interface (one by one) or delegated as a prefix (IPv4 /28, IPv6 /80).
 *
 * Reserved addresses follow the VPC user guide ("Subnet CIDR blocks" / subnet sizing): the
 * first four (network, router, DNS, future use) and the last one of every subnet, for both
 * IPv4 and IPv6.
 *
 * Errors a caller can cause are `Ec2Error`s (the API layer may re-map the code, e.g. AWS
 * answers `InvalidParameterValue` for an in-use secondary IP); misuse that only a bug can
 * cause (releasing what was never allocated) throws a plain `Error`.
 */
import { Ec2Error, invalidValue } from './errors.js';
import { formatIpv4, formatIpv6, Ipv4Cidr, Ipv6Cidr } from './cidr.js';

/**
 * How EC2 picks a private IPv4 it is not given: `random` scatters them over the subnet as AWS does
 * (callers that name addresses by hand meet AWS's odds of a collision); `lowest` takes the lowest
 * free one, as every ec2net world made before the choice existed did (they keep it).
 */
export type IpAllocation = 'random' | 'lowest';

export const IP_ALLOCATIONS: readonly IpAllocation[] = ['random', 'lowest'];

const FULL = 0xffffffff;

/** Index of the lowest set bit of a non-zero 32-bit value. */
const ctz = (x: number): number => 31 - Math.clz32(x & -x);

const inUse = (what: string) => new Ec2Error('InvalidIPAddress.InUse', `${what} is in use.`);

export const insufficientFree = () =>
  new Ec2Error('InsufficientFreeAddressesInSubnet', 'The specified subnet does not have enough free addresses to satisfy the request.');

// ---------------------------------------------------------------------------------------
// IPv4

/**
 * Data structure: two bitmaps of one bit per address (`occ`: reserved, allocated, inside a
 * delegated prefix, or padding past the end of a small subnet; `own`: allocated one by one)
 * and two summary bitmaps of one bit per 32-bit word of `occ` ("word is full", "word has a
 * completely free aligned /28 half"). Finding the lowest free address or the lowest free /28
 * therefore scans at most size/1024 summary words (64 for a /16) plus one word, instead of
 * the addresses themselves; every change updates the summary bits of the one word it touches.
 * Memory: 2 bits per address (16 KiB for a /16).
 */
export class Ipv4Pool {
  readonly cidr: Ipv4Cidr;
  /** Total addresses in the subnet, reserved ones included. */
  readonly size: number;
  readonly reservedCount = 5;

  private readonly occ: Uint32Array;
  private readonly own: Uint32Array;
  private readonly fullSum: Uint32Array;
  private readonly free28Sum: Uint32Array;
  /** Delegated prefixes: offset of the block → prefix length. */
  private readonly prefixMap = new Map<number, number>();
  private used = 0;

  /** AWS subnets are /16../28; anything from /8 to /28 is accepted here. */
  constructor(cidr: Ipv4Cidr) {
    if (cidr.prefix < 8 || cidr.prefix > 28) throw new RangeError(`unsupported IPv4 subnet size ${cidr.toString()}`);
    this.cidr = cidr;
    this.size = cidr.size;
    const words = Math.ceil(this.size / 32);
    this.occ = new Uint32Array(words);
    this.own = new Uint32Array(words);
    const sumWords = Math.ceil(words / 32);
    this.fullSum = new Uint32Array(sumWords);
    this.free28Sum = new Uint32Array(sumWords);
    // Summary bits of words that do not exist read as "full" and "no free /28".
    if (words % 32 !== 0) this.fullSum[sumWords - 1] = (FULL << (words % 32)) >>> 0;
    // Bits of the last word past the end of the subnet (only for /28: 16 addresses) are padding.
    if (this.size < 32) this.occ[0] = (FULL << this.size) >>> 0;
    for (const off of [0, 1, 2, 3, this.size - 1]) this.occ[off >>> 5] |= 1 << (off & 31);
    for (let w = 0; w < words; w++) this.updateSummary(w);
  }

  get reserved(): number[] {
    const b = this.cidr.base;
    return [b, b + 1, b + 2, b + 3, b + this.size - 1];
  }

  /** Addresses taken by callers (one by one or inside delegated prefixes). */
  get usedCount(): number {
    return this.used;
  }

  get freeCount(): number {
    return this.size - this.reservedCount - this.used;
  }

  get prefixCount(): number {
    return this.prefixMap.size;
  }

  /** Aligned /28 blocks with all 16 addresses free: how many prefixes `allocatePrefix28` could still give. */
  get freePrefix28Count(): number {
    let n = 0;
    for (const v of this.occ) n += ((v & 0xffff) === 0 ? 1 : 0) + (v >>> 16 === 0 ? 1 : 0);
    return n;
  }

  canAllocateCount(n: number): boolean {
    return n <= this.freeCount;
  }

  contains(ip: number): boolean {
    return this.cidr.contains(ip);
  }

  isReserved(ip: number): boolean {
    if (!this.cidr.contains(ip)) return false;
    const off = ip - this.cidr.base;
    return off < 4 || off === this.size - 1;
  }

  /** True when the address is taken by a caller, one by one or as part of a delegated prefix. */
  isAllocated(ip: number): boolean {
    return this.cidr.contains(ip) && !this.isReserved(ip) && this.bit(this.occ, ip - this.cidr.base);
  }

  /** True when the address was allocated one by one (`allocate`/`allocateLowest`). */
  isAllocatedSingly(ip: number): boolean {
    return this.cidr.contains(ip) && this.bit(this.own, ip - this.cidr.base);
  }

  isFree(ip: number): boolean {
    return this.cidr.contains(ip) && !this.bit(this.occ, ip - this.cidr.base);
  }

  /** Lowest free, non-reserved address, now allocated; undefined when the subnet is full. */
  allocateLowest(): number | undefined {
    const sum = this.fullSum;
    for (let s = 0; s < sum.length; s++) {
      const v = sum[s]!;
      if (v === FULL) continue;
      const w = (s << 5) + ctz(~v);
      const off = (w << 5) + ctz(~this.occ[w]!);
      this.take(off);
      return this.cidr.base + off;
    }
    return undefined;
  }

  /**
   * A free, non-reserved address drawn from anywhere in the subnet, now allocated; undefined when
   * the subnet is full. AWS hands out scattered addresses, not the lowest free one: `draw` (a
   * float in [0, 1) from the cloud's seeded source, so a replay picks the same) chooses a point,
   * and the first free address at or after it (wrapping round) is taken.
   */
  allocateScattered(draw: () => number): number | undefined {
    return this.allocateFrom(Math.floor(draw() * this.size));
  }

  /** The first free address at offset `start` or after it, wrapping round to the subnet's start. */
  allocateFrom(start: number): number | undefined {
    if (this.freeCount <= 0) return undefined;
    const w = start >>> 5;
    // The word holding `start`, from its bit on; then the next word with a free bit, via the summary.
    const here = ~this.occ[w]! & (FULL << (start & 31));
    const word = here !== 0 ? w : (this.nextNonFullWord(w + 1) ?? this.nextNonFullWord(0)!);
    const free = here !== 0 ? here : ~this.occ[word]!;
    const off = (word << 5) + ctz(free);
    this.take(off);
    return this.cidr.base + off;
  }

  /** Allocates a specific address; throws `Ec2Error` (and changes nothing) if it can't. */
  allocate(ip: number): void {
    if (!this.cidr.contains(ip)) {
      throw invalidValue(`Address ${fmt4(ip)} does not fall within the subnet's address range`);
    }
    if (this.isReserved(ip)) throw invalidValue(`Address ${formatIpv4(ip)} is in subnet's reserved address range`);
    const off = ip - this.cidr.base;
    if (this.bit(this.occ, off)) throw inUse(`Address ${formatIpv4(ip)}`);
    this.take(off);
  }

  /** Releases an address allocated one by one. Anything else is a programming error. */
  release(ip: number): void {
    if (!this.isAllocatedSingly(ip)) throw new Error(`Ipv4Pool.release: ${fmt4(ip)} is not allocated`);
    const off = ip - this.cidr.base;
    const w = off >>> 5;
    const m = ~(1 << (off & 31));
    this.occ[w] &= m;
    this.own[w] &= m;
    this.used--;
    this.updateSummary(w);
  }

  /** Lowest aligned /28 whose 16 addresses are all free, now delegated; undefined if none. */
  allocatePrefix28(): number | undefined {
    const sum = this.free28Sum;
    for (let s = 0; s < sum.length; s++) {
      const v = sum[s]!;
      if (v === 0) continue;
      const w = (s << 5) + ctz(v);
      const off = (w << 5) + ((this.occ[w]! & 0xffff) === 0 ? 0 : 16);
      this.takeBlock(off, 16, 28);
      return this.cidr.base + off;
    }
    return undefined;
  }

  /**
   * Delegates the aligned block `base/prefixLen` (AWS uses /28). Throws `Ec2Error` if the block
   * is outside the subnet, misaligned, overlaps a reserved address or anything taken.
   */
  allocatePrefix(base: number, prefixLen = 28): void {
    const what = `${fmt4(base)}/${prefixLen}`;
    if (!Number.isInteger(prefixLen) || prefixLen < this.cidr.prefix || prefixLen > 32 || !this.cidr.contains(base)) {
      throw invalidValue(`Prefix ${what} does not fall within the subnet's address range`);
    }
    const off = base - this.cidr.base;
    const bs = 2 ** (32 - prefixLen);
    if (off % bs !== 0) throw invalidValue(`Prefix ${what} is not aligned to a /${prefixLen} boundary`);
    if (off < 4 || off + bs === this.size) {
      throw invalidValue(`Prefix ${what} overlaps the subnet's reserved address range`);
    }
    if (!this.blockFree(off, bs)) throw inUse(`Prefix ${what}`);
    this.takeBlock(off, bs, prefixLen);
  }

  /** Releases a prefix delegated by `allocatePrefix`/`allocatePrefix28`; `base` is its first address. */
  releasePrefix(base: number): void {
    const off = base - this.cidr.base;
    const len = this.cidr.contains(base) ? this.prefixMap.get(off) : undefined;
    if (len === undefined) throw new Error(`Ipv4Pool.releasePrefix: ${fmt4(base)} is not a delegated prefix`);
    const bs = 2 ** (32 - len);
    this.prefixMap.delete(off);
    this.setBlock(off, bs, false);
    this.used -= bs;
  }

  /** Addresses allocated one by one, ascending (delegated prefixes are in `prefixes()`). */
  *allocated(): IterableIterator<number> {
    const own = this.own;
    const base = this.cidr.base;
    for (let w = 0; w < own.length; w++) {
      let v = own[w]!;
      while (v !== 0) {
        yield base + (w << 5) + ctz(v);
        v &= v - 1;
      }
    }
  }

  /** Delegated prefixes, ascending by base. */
  prefixes(): { base: number; prefixLen: number }[] {
    return [...this.prefixMap].sort((a, b) => a[0] - b[0]).map(([off, prefixLen]) => ({ base: this.cidr.base + off, prefixLen }));
  }

  // -- internals ------------------------------------------------------------------------

  private bit(map: Uint32Array, off: number): boolean {
    return (map[off >>> 5]! & (1 << (off & 31))) !== 0;
  }

  private take(off: number): void {
    const w = off >>> 5;
    const b = 1 << (off & 31);
    this.occ[w] |= b;
    this.own[w] |= b;
    this.used++;
    this.updateSummary(w);
  }

  private takeBlock(off: number, bs: number, prefixLen: number): void {
    this.setBlock(off, bs, true);
    this.prefixMap.set(off, prefixLen);
    this.used += bs;
  }

  /** Aligned block [off, off+bs): either inside one word (bs ≤ 32) or whole words. */
  private blockFree(off: number, bs: number): boolean {
    if (bs < 32) return (this.occ[off >>> 5]! & blockMask(off, bs)) === 0;
    for (let w = off >>> 5, end = (off + bs) >>> 5; w < end; w++) if (this.occ[w] !== 0) return false;
    return true;
  }

  private setBlock(off: number, bs: number, on: boolean): void {
    if (bs < 32) {
      const w = off >>> 5;
      const m = blockMask(off, bs);
      if (on) this.occ[w] |= m;
      else this.occ[w] &= ~m;
      this.updateSummary(w);
      return;
    }
    for (let w = off >>> 5, end = (off + bs) >>> 5; w < end; w++) {
      this.occ[w] = on ? FULL : 0;
      this.updateSummary(w);
    }
  }

  /** The first word at index `from` or after it that has a free bit (summary bits of missing words read full). */
  private nextNonFullWord(from: number): number | undefined {
    const sum = this.fullSum;
    for (let s = from >>> 5, mask = FULL << (from & 31); s < sum.length; s++, mask = FULL) {
      const v = ~sum[s]! & mask;
      if (v !== 0) return (s << 5) + ctz(v);
    }
    return undefined;
  }

  private updateSummary(w: number): void {
    const v = this.occ[w]!;
    const s = w >>> 5;
    const b = 1 << (w & 31);
    if (v === FULL) this.fullSum[s] |= b;
    else this.fullSum[s] &= ~b;
    if ((v & 0xffff) === 0 || v >>> 16 === 0) this.free28Sum[s] |= b;
    else this.free28Sum[s] &= ~b;
  }
}

const blockMask = (off: number, bs: number): number => (((1 << bs) - 1) << (off & 31)) >>> 0;

/** Formats for messages without throwing on garbage input. */
const fmt4 = (ip: number): string => {
  try {
    return formatIpv4(ip);
  } catch {
    return String(ip);
  }
};

// ---------------------------------------------------------------------------------------
// IPv6

/** 32 random bits from a [0,1) generator. */
const rand32 = (rng: () => number): bigint => BigInt(Math.floor(rng() * 0x1_0000_0000) >>> 0);

function randomBits(rng: () => number, bits: number): bigint {
  let x = 0n;
  for (let got = 0; got < bits; got += 32) x = (x << 32n) | rand32(rng);
  return x & ((1n << BigInt(bits)) - 1n);
}

const RANDOM_TRIES = 64;
const PD6 = 80;

/**
 * Data structure: the address space (2^64 for a /64) is far too big for a bitmap and almost
 * empty, so allocations are a Set of addresses plus a Map of delegated prefixes. Random picks
 * collide with probability used/2^64, so a handful of retries suffices; the sequential
 * fallback (only reachable in tiny test CIDRs) skips at most the taken addresses. A count of
 * single addresses per /80 block makes the /80 prefix checks O(1).
 */
export class Ipv6Pool {
  readonly cidr: Ipv6Cidr;
  readonly size: bigint;
  readonly reservedCount = 5;

  private readonly own = new Set<bigint>();
  /** Delegated prefixes: base address → prefix length. */
  private readonly prefixMap = new Map<bigint, number>();
  /** Prefix length → number of delegated prefixes of that length. */
  private readonly prefixLens = new Map<number, number>();
  /** /80 block base → number of single addresses inside it (only when the subnet is ≤ /80). */
  private readonly per80 = new Map<bigint, number>();
  private prefixAddrs = 0n;

  /** AWS subnets are /64; anything from /0 to /120 is accepted here. */
  constructor(cidr: Ipv6Cidr) {
    if (cidr.prefix > 120) throw new RangeError(`unsupported IPv6 subnet size ${cidr.toString()}`);
    this.cidr = cidr;
    this.size = cidr.size;
  }

  get reserved(): bigint[] {
    const b = this.cidr.base;
    return [b, b + 1n, b + 2n, b + 3n, b + this.size - 1n];
  }

  /** Addresses allocated one by one (delegated prefixes are counted by `prefixCount`). */
  get usedCount(): number {
    return this.own.size;
  }

  get prefixCount(): number {
    return this.prefixMap.size;
  }

  /** Free, non-reserved addresses (prefix blocks count all their addresses as taken). */
  get freeCount(): bigint {
    return this.size - 5n - BigInt(this.own.size) - this.prefixAddrs;
  }

  contains(ip: bigint): boolean {
    return typeof ip === 'bigint' && this.cidr.contains(ip);
  }

  isReserved(ip: bigint): boolean {
    if (!this.contains(ip)) return false;
    const off = ip - this.cidr.base;
    return off < 4n || off === this.size - 1n;
  }

  /** True when the address is taken by a caller, one by one or as part of a delegated prefix. */
  isAllocated(ip: bigint): boolean {
    return this.own.has(ip) || (this.contains(ip) && this.inPrefix(ip));
  }

  isAllocatedSingly(ip: bigint): boolean {
    return this.own.has(ip);
  }

  isFree(ip: bigint): boolean {
    return this.contains(ip) && !this.isReserved(ip) && !this.isAllocated(ip);
  }

  /**
   * A random free address inside the subnet (AWS hands out random-looking addresses), now
   * allocated. `rng` returns [0,1) like Math.random. Throws InsufficientFreeAddressesInSubnet
   * when nothing is left.
   */
  allocateRandom(rng: () => number): bigint {
    if (this.freeCount <= 0n) throw insufficientFree();
    const bits = 128 - this.cidr.prefix;
    let off = randomBits(rng, bits);
    for (let i = 0; i < RANDOM_TRIES; i++) {
      if (this.isFree(this.cidr.base + off)) return this.take(this.cidr.base + off);
      off = randomBits(rng, bits);
    }
    // Sequential walk from the last random point; each step passes a taken address/prefix.
    for (;;) {
      const ip = this.cidr.base + off;
      if (this.isFree(ip)) return this.take(ip);
      const p = this.prefixOf(ip);
      off = p ? p.base + (1n << BigInt(128 - p.len)) - this.cidr.base : off + 1n;
      if (off >= this.size) off = 0n;
    }
  }

  /** Allocates a specific address; throws `Ec2Error` (and changes nothing) if it can't. */
  allocate(ip: bigint): void {
    if (!this.contains(ip)) throw invalidValue(`Address ${fmt6(ip)} does not fall within the subnet's address range`);
    if (this.isReserved(ip)) throw invalidValue(`Address ${formatIpv6(ip)} is in subnet's reserved address range`);
    if (this.isAllocated(ip)) throw inUse(`Address ${formatIpv6(ip)}`);
    this.take(ip);
  }

  release(ip: bigint): void {
    if (!this.own.has(ip)) throw new Error(`Ipv6Pool.release: ${fmt6(ip)} is not allocated`);
    this.own.delete(ip);
    if (this.cidr.prefix <= PD6) {
      const k = ip & ~((1n << BigInt(128 - PD6)) - 1n);
      const n = this.per80.get(k)! - 1;
      if (n === 0) this.per80.delete(k);
      else this.per80.set(k, n);
    }
  }

  /** A random free aligned /80 inside the subnet, now delegated; undefined if none is free. */
  allocatePrefix80(rng: () => number): bigint | undefined {
    if (this.cidr.prefix > PD6) return undefined;
    const bits = PD6 - this.cidr.prefix;
    const blocks = 1n << BigInt(bits);
    const shift = BigInt(128 - PD6);
    let idx = randomBits(rng, bits);
    for (let i = 0; i < RANDOM_TRIES; i++) {
      const base = this.cidr.base + (idx << shift);
      if (this.prefixProblem(base, PD6) === undefined) return this.takeBlock(base, PD6);
      idx = randomBits(rng, bits);
    }
    for (let n = 0n; n < blocks; n++) {
      const base = this.cidr.base + (((idx + n) % blocks) << shift);
      if (this.prefixProblem(base, PD6) === undefined) return this.takeBlock(base, PD6);
    }
    return undefined;
  }

  /**
   * Delegates the aligned block `base/prefixLen` (AWS uses /80). Throws `Ec2Error` if the block
   * is outside the subnet, misaligned, overlaps a reserved address or anything taken.
   */
  allocatePrefix(base: bigint, prefixLen = PD6): void {
    const what = `${fmt6(base)}/${prefixLen}`;
    switch (this.prefixProblem(base, prefixLen)) {
      case 'outside':
        throw invalidValue(`Prefix ${what} does not fall within the subnet's address range`);
      case 'misaligned':
        throw invalidValue(`Prefix ${what} is not aligned to a /${prefixLen} boundary`);
      case 'reserved':
        throw invalidValue(`Prefix ${what} overlaps the subnet's reserved address range`);
      case 'inuse':
        throw inUse(`Prefix ${what}`);
      case undefined:
        this.takeBlock(base, prefixLen);
    }
  }

  releasePrefix(base: bigint): void {
    const len = this.prefixMap.get(base);
    if (len === undefined) throw new Error(`Ipv6Pool.releasePrefix: ${fmt6(base)} is not a delegated prefix`);
    this.prefixMap.delete(base);
    const n = this.prefixLens.get(len)! - 1;
    if (n === 0) this.prefixLens.delete(len);
    else this.prefixLens.set(len, n);
    this.prefixAddrs -= 1n << BigInt(128 - len);
  }

  /** Addresses allocated one by one, ascending (delegated prefixes are in `prefixes()`). */
  allocated(): bigint[] {
    return [...this.own].sort(cmpBig);
  }

  /** Delegated prefixes, ascending by base. */
  prefixes(): { base: bigint; prefixLen: number }[] {
    return [...this.prefixMap].sort((a, b) => cmpBig(a[0], b[0])).map(([base, prefixLen]) => ({ base, prefixLen }));
  }

  // -- internals ------------------------------------------------------------------------

  private take(ip: bigint): bigint {
    this.own.add(ip);
    if (this.cidr.prefix <= PD6) {
      const k = ip & ~((1n << BigInt(128 - PD6)) - 1n);
      this.per80.set(k, (this.per80.get(k) ?? 0) + 1);
    }
    return ip;
  }

  private takeBlock(base: bigint, len: number): bigint {
    this.prefixMap.set(base, len);
    this.prefixLens.set(len, (this.prefixLens.get(len) ?? 0) + 1);
    this.prefixAddrs += 1n << BigInt(128 - len);
    return base;
  }

  /** The delegated prefix containing `ip`, if any. */
  private prefixOf(ip: bigint): { base: bigint; len: number } | undefined {
    for (const len of this.prefixLens.keys()) {
      const base = ip & ~((1n << BigInt(128 - len)) - 1n);
      if (this.prefixMap.get(base) === len) return { base, len };
    }
    return undefined;
  }

  private inPrefix(ip: bigint): boolean {
    return this.prefixMap.size !== 0 && this.prefixOf(ip) !== undefined;
  }

  private prefixProblem(base: bigint, len: number): 'outside' | 'misaligned' | 'reserved' | 'inuse' | undefined {
    if (!Number.isInteger(len) || len < this.cidr.prefix || len > 128 || !this.contains(base)) return 'outside';
    const bs = 1n << BigInt(128 - len);
    const off = base - this.cidr.base;
    if (off % bs !== 0n) return 'misaligned';
    if (off < 4n || off + bs === this.size) return 'reserved';
    const end = base + bs;
    // Another prefix containing the block (same or shorter length) or inside it (longer).
    if (this.inPrefix(base)) return 'inuse';
    for (const [pb, pl] of this.prefixMap) if (pl > len && pb >= base && pb < end) return 'inuse';
    // Single addresses inside the block.
    if (len === PD6 && this.cidr.prefix <= PD6) {
      if (this.per80.has(base)) return 'inuse';
    } else {
      for (const a of this.own) if (a >= base && a < end) return 'inuse';
    }
    return undefined;
  }
}

const cmpBig = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

const fmt6 = (ip: bigint): string => {
  try {
    return formatIpv6(ip);
  } catch {
    return String(ip);
  }
};
