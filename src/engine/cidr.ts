/**
 * Address arithmetic for the engine: IPv4 addresses are unsigned 32-bit numbers, IPv6
 * addresses are bigints in [0, 2^128). Parsing is strict (what AWS accepts on the wire);
 * formatting is canonical (dotted quad, RFC 5952 for IPv6 — the form AWS prints).
 */

const U32 = 0x1_0000_0000;
const MAX128 = (1n << 128n) - 1n;

// ---------------------------------------------------------------------------------------
// IPv4

/** Strict dotted quad: four decimal octets 0..255, no leading zeros, nothing else. */
export function parseIpv4(s: string): number | undefined {
  if (typeof s !== 'string' || s.length < 7 || s.length > 15) return undefined;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let parts = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46; /* '.' terminates the last octet */
    if (c === 46) {
      if (digits === 0 || parts === 4) return undefined;
      value = value * 256 + octet;
      parts++;
      octet = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return undefined; // leading zero ("010", "00")
      octet = octet * 10 + (c - 48);
      if (octet > 255) return undefined;
      digits++;
    } else {
      return undefined;
    }
  }
  return parts === 4 ? value : undefined;
}

export function formatIpv4(n: number): string {
  if (!isIpv4Number(n)) throw new RangeError(`not an IPv4 address number: ${n}`);
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export const isIpv4Number = (n: number): boolean => Number.isInteger(n) && n >= 0 && n < U32;

/** Netmask of a prefix length as an unsigned 32-bit number (/0 → 0, /32 → 0xffffffff). */
export const ipv4Mask = (prefix: number): number => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);

function parsePrefixLen(s: string, max: number): number | undefined {
  if (!/^(0|[1-9][0-9]{0,2})$/.test(s)) return undefined;
  const n = Number(s);
  return n <= max ? n : undefined;
}

export class Ipv4Cidr {
  /** Network address (always canonical: host bits are zero). */
  readonly base: number;
  readonly prefix: number;
  /** Number of addresses, 2^(32-prefix). */
  readonly size: number;
  readonly mask: number;

  /** Host bits of `base` are cleared, so any address of the block may be passed. */
  constructor(base: number, prefix: number) {
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32) throw new RangeError(`bad IPv4 prefix length ${prefix}`);
    if (!isIpv4Number(base)) throw new RangeError(`not an IPv4 address number: ${base}`);
    this.prefix = prefix;
    this.mask = ipv4Mask(prefix);
    this.base = (base & this.mask) >>> 0;
    this.size = 2 ** (32 - prefix);
  }

  get first(): number {
    return this.base;
  }

  get last(): number {
    return this.base + this.size - 1;
  }

  contains(ip: number): boolean {
    return ip >= this.base && ip - this.base < this.size && Number.isInteger(ip);
  }

  containsCidr(o: Ipv4Cidr): boolean {
    return o.prefix >= this.prefix && this.contains(o.base);
  }

  overlaps(o: Ipv4Cidr): boolean {
    return this.contains(o.base) || o.contains(this.base);
  }

  equals(o: Ipv4Cidr): boolean {
    return this.base === o.base && this.prefix === o.prefix;
  }

  toString(): string {
    return `${formatIpv4(this.base)}/${this.prefix}`;
  }
}

/** `a.b.c.d/n`, n 0..32; host bits are dropped (`100.68.0.18/18` → `100.68.0.0/18`). */
export function parseIpv4Cidr(s: string): Ipv4Cidr | undefined {
  if (typeof s !== 'string') return undefined;
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIpv4(s.slice(0, slash));
  const prefix = parsePrefixLen(s.slice(slash + 1), 32);
  if (ip === undefined || prefix === undefined) return undefined;
  return new Ipv4Cidr(ip, prefix);
}

/** The `index`-th sub-block of length `newPrefix` inside `parent` (e.g. the k-th /24 of a /16). */
export function nthSubCidr4(parent: Ipv4Cidr, newPrefix: number, index: number): Ipv4Cidr {
  if (!Number.isInteger(newPrefix) || newPrefix < parent.prefix || newPrefix > 32) {
    throw new RangeError(`cannot take a /${newPrefix} out of ${parent.toString()}`);
  }
  const count = 2 ** (newPrefix - parent.prefix);
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new RangeError(`${parent.toString()} has no /${newPrefix} number ${index}`);
  }
  return new Ipv4Cidr(parent.base + index * 2 ** (32 - newPrefix), newPrefix);
}

// ---------------------------------------------------------------------------------------
// IPv6

const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

function parseGroups(part: string, allowIpv4Tail: boolean): number[] | undefined {
  if (part === '') return [];
  const pieces = part.split(':');
  const out: number[] = [];
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i]!;
    if (allowIpv4Tail && i === pieces.length - 1 && p.includes('.')) {
      const v4 = parseIpv4(p);
      if (v4 === undefined) return undefined;
      out.push(v4 >>> 16, v4 & 0xffff);
    } else if (HEX_GROUP.test(p)) {
      out.push(parseInt(p, 16));
    } else {
      return undefined;
    }
  }
  return out;
}

/**
 * Textual IPv6 (RFC 4291 §2.2: full, `::`-compressed, optional trailing dotted quad).
 * Zone ids (`%eth0`) and brackets are rejected.
 */
export function parseIpv6(s: string): bigint | undefined {
  if (typeof s !== 'string' || s.length < 2 || s.length > 45) return undefined;
  const dbl = s.indexOf('::');
  let groups: number[];
  if (dbl < 0) {
    const g = parseGroups(s, true);
    if (!g || g.length !== 8) return undefined;
    groups = g;
  } else {
    if (s.indexOf('::', dbl + 1) >= 0) return undefined;
    const head = parseGroups(s.slice(0, dbl), false);
    const tail = parseGroups(s.slice(dbl + 2), true);
    if (!head || !tail || head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  }
  let v = 0n;
  for (const g of groups) v = (v << 16n) | BigInt(g);
  return v;
}

/** RFC 5952 canonical text: lowercase, no leading zeros, longest (first) run of ≥2 zero groups as `::`. */
export function formatIpv6(b: bigint): string {
  if (typeof b !== 'bigint' || b < 0n || b > MAX128) throw new RangeError(`not an IPv6 address number: ${String(b)}`);
  const groups = new Array<number>(8);
  for (let i = 7; i >= 0; i--) {
    groups[i] = Number(b & 0xffffn);
    b >>= 16n;
  }
  let bestStart = -1;
  let bestLen = 1; // a single zero group is not compressed
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLen))}`;
}

export const isIpv6Number = (b: bigint): boolean => typeof b === 'bigint' && b >= 0n && b <= MAX128;

export const ipv6Mask = (prefix: number): bigint => MAX128 ^ ((1n << BigInt(128 - prefix)) - 1n);

export class Ipv6Cidr {
  /** Network address (host bits zero). */
  readonly base: bigint;
  readonly prefix: number;
  /** Number of addresses, 2^(128-prefix). */
  readonly size: bigint;
  readonly mask: bigint;

  /** Host bits of `base` are cleared. */
  constructor(base: bigint, prefix: number) {
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > 128) throw new RangeError(`bad IPv6 prefix length ${prefix}`);
    if (!isIpv6Number(base)) throw new RangeError(`not an IPv6 address number: ${String(base)}`);
    this.prefix = prefix;
    this.mask = ipv6Mask(prefix);
    this.base = base & this.mask;
    this.size = 1n << BigInt(128 - prefix);
  }

  get first(): bigint {
    return this.base;
  }

  get last(): bigint {
    return this.base + this.size - 1n;
  }

  contains(ip: bigint): boolean {
    return ip >= this.base && ip - this.base < this.size;
  }

  containsCidr(o: Ipv6Cidr): boolean {
    return o.prefix >= this.prefix && this.contains(o.base);
  }

  overlaps(o: Ipv6Cidr): boolean {
    return this.contains(o.base) || o.contains(this.base);
  }

  equals(o: Ipv6Cidr): boolean {
    return this.base === o.base && this.prefix === o.prefix;
  }

  toString(): string {
    return `${formatIpv6(this.base)}/${this.prefix}`;
  }
}

/** `addr/n`, n 0..128; host bits are dropped. */
export function parseIpv6Cidr(s: string): Ipv6Cidr | undefined {
  if (typeof s !== 'string') return undefined;
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIpv6(s.slice(0, slash));
  const prefix = parsePrefixLen(s.slice(slash + 1), 128);
  if (ip === undefined || prefix === undefined) return undefined;
  return new Ipv6Cidr(ip, prefix);
}

/** The `index`-th sub-block of length `newPrefix` inside `parent` (e.g. the k-th /64 of a /56). */
export function nthSubCidr6(parent: Ipv6Cidr, newPrefix: number, index: bigint | number): Ipv6Cidr {
  if (!Number.isInteger(newPrefix) || newPrefix < parent.prefix || newPrefix > 128) {
    throw new RangeError(`cannot take a /${newPrefix} out of ${parent.toString()}`);
  }
  if (typeof index === 'number' && !Number.isSafeInteger(index)) throw new RangeError(`bad index ${index}`);
  const i = BigInt(index);
  const count = 1n << BigInt(newPrefix - parent.prefix);
  if (i < 0n || i >= count) throw new RangeError(`${parent.toString()} has no /${newPrefix} number ${i}`);
  return new Ipv6Cidr(parent.base + (i << BigInt(128 - newPrefix)), newPrefix);
}
