/**
 * The pieces of nftables rules the filters are made of: address sets, protocol and port matches,
 * per-interface dispatch. Pure text, so the rules are tested without root.
 */
import type { RegionState } from '../engine/cloud.js';
import { formatIpv4, formatIpv6, parseIpv4Cidr, parseIpv6Cidr } from '../engine/cidr.js';
import type { NetworkInterface } from '../engine/model.js';
import type { InterfacePicture } from './picture.js';

/** One interface as the filters see it: its router-side link and the control plane's record. */
export interface FilteredInterface {
  readonly picture: InterfacePicture;
  readonly eni: NetworkInterface;
  readonly region: RegionState;
}

/** One address, an aligned block as a CIDR (as the rule said it), or else a range. */
function rangeText(first: number, last: number): string {
  if (first === last) return formatIpv4(first);
  const size = last - first + 1;
  const bits = Math.log2(size);
  return Number.isInteger(bits) && first % size === 0 ? `${formatIpv4(first)}/${32 - bits}` : `${formatIpv4(first)}-${formatIpv4(last)}`;
}

/**
 * IPv4 CIDRs as nft set elements, merged into disjoint ranges (nft refuses overlapping elements
 * in one set): `all` when they cover every address, an empty list when there are none.
 */
export function ipv4Elements(cidrs: Iterable<string>): string[] | 'all' {
  const ranges: [number, number][] = [];
  for (const c of cidrs) {
    const cidr = parseIpv4Cidr(c.includes('/') ? c : `${c}/32`);
    if (cidr) ranges.push([cidr.base, cidr.base + cidr.size - 1]);
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  if (merged.length === 1 && merged[0]![0] === 0 && merged[0]![1] === 0xffffffff) return 'all';
  return merged.map(([a, b]) => rangeText(a, b));
}

/** An nft set expression for IPv4 CIDRs: `all`, one element, `{ … }`, or undefined when there are none. */
export function ipv4Set(cidrs: Iterable<string>): string | undefined {
  const items = ipv4Elements(cidrs);
  if (items === 'all') return 'all';
  if (items.length === 0) return undefined;
  return items.length === 1 ? items[0] : `{ ${items.join(', ')} }`;
}

/** `ip saddr|daddr <set>`, or the IPv4 family alone for 0.0.0.0/0; undefined when the set is empty. */
export function addressMatch(side: 'saddr' | 'daddr', cidrs: Iterable<string>): string | undefined {
  const set = ipv4Set(cidrs);
  if (set === undefined) return undefined;
  return set === 'all' ? 'meta nfproto ipv4' : `ip ${side} ${set}`;
}

/** One IPv6 address, an aligned block as a CIDR, or else a range. */
function range6Text(first: bigint, last: bigint): string {
  if (first === last) return formatIpv6(first);
  const size = last - first + 1n;
  const bits = size.toString(2).length - 1;
  return size === 1n << BigInt(bits) && first % size === 0n ? `${formatIpv6(first)}/${128 - bits}` : `${formatIpv6(first)}-${formatIpv6(last)}`;
}

/** IPv6 CIDRs as nft set elements, merged into disjoint ranges: as ipv4Elements. */
export function ipv6Elements(cidrs: Iterable<string>): string[] | 'all' {
  const ranges: [bigint, bigint][] = [];
  for (const c of cidrs) {
    const cidr = parseIpv6Cidr(c.includes('/') ? c : `${c}/128`);
    if (cidr) ranges.push([cidr.first, cidr.last]);
  }
  ranges.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const merged: [bigint, bigint][] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1] + 1n) last[1] = last[1] > r[1] ? last[1] : r[1];
    else merged.push([r[0], r[1]]);
  }
  if (merged.length === 1 && merged[0]![0] === 0n && merged[0]![1] === (1n << 128n) - 1n) return 'all';
  return merged.map(([a, b]) => range6Text(a, b));
}

/** `ip6 saddr|daddr <set>`, or the IPv6 family alone for ::/0; undefined when the set is empty. */
export function address6Match(side: 'saddr' | 'daddr', cidrs: Iterable<string>): string | undefined {
  const items = ipv6Elements(cidrs);
  if (items === 'all') return 'meta nfproto ipv6';
  if (items.length === 0) return undefined;
  return `ip6 ${side} ${items.length === 1 ? items[0] : `{ ${items.join(', ')} }`}`;
}

/** `address6Match` or `addressMatch`, by the family of the CIDRs (all of one family). */
export const familyMatch = (side: 'saddr' | 'daddr', cidrs: readonly string[]) =>
  cidrs.some((c) => c.includes(':')) ? address6Match(side, cidrs) : addressMatch(side, cidrs);

/** ICMPv6 by type and code (-1: any), as security groups and network ACLs say them. */
export function icmpv6Match(type: number, code: number): string {
  if (type === -1) return 'meta l4proto ipv6-icmp';
  return code === -1 ? `icmpv6 type ${type}` : `icmpv6 type ${type} icmpv6 code ${code}`;
}

/** The match for a protocol and its ports (TCP/UDP destination port range) or ICMP type and code; undefined for a protocol that is not one. */
export function protocolMatch(protocol: string, from: number, to: number): string | undefined {
  switch (protocol) {
    case '-1':
      return '';
    case 'tcp':
    case 'udp':
      return `${protocol} dport ${from === to ? from : `${from}-${to}`}`;
    case 'icmp':
      if (from === -1) return 'meta l4proto icmp';
      return to === -1 ? `icmp type ${from}` : `icmp type ${from} icmp code ${to}`;
    case 'icmpv6':
      return icmpv6Match(from, to);
    default:
      return /^[0-9]{1,3}$/.test(protocol) ? `meta l4proto ${protocol}` : undefined;
  }
}

/** A `vmap` line sending each interface's packets to its own chain, or nothing without interfaces. */
export function dispatch(key: 'iifname' | 'oifname', chains: readonly [string, string][]): string[] {
  if (chains.length === 0) return [];
  return [`    ${key} vmap { ${chains.map(([dev, chain]) => `"${dev}" : jump ${chain}`).join(', ')} }`];
}
