/**
 * Secondary addresses: Assign/UnassignPrivateIpAddresses and Assign/UnassignIpv6Addresses.
 * The rules that matter most to failover scripts (the user's ENI notes, "Secondary IP address
 * Re-Assignment"): a reassigned address MOVES with its Elastic IP; an unassigned address LOSES
 * its Elastic IP, which stays allocated. Reassign is different from unassign.
 */
import { formatIpv4 } from './cidr.js';
import type { RegionState } from './cloud.js';
import { Ec2Error, invalidCombination, invalidValue } from './errors.js';
import { insufficientFree } from './ipam.js';
import type { NetworkInterface, PrivateIp } from './model.js';
import {
  AllocationTxn,
  holderOf,
  indexIp,
  ipv4Count,
  ipv4Limit,
  ipv6Count,
  ipv6Limit,
  ipv6Record,
  parsePrefix28,
  parsePrefixes80,
  prefix80Text,
  readPrefix80,
  subnetIpv6Block,
  parseSubnetIpv4,
  privateAddressLimitExceeded,
  subnetOf,
  unindexIp,
} from './network-interface.js';
import { disassociateElasticIp, followMovedIp } from './elastic-ip.js';
import { parseIpv6 } from './cidr.js';

export interface AssignPrivateParams {
  readonly addresses?: readonly string[];
  readonly count?: number;
  readonly prefixes?: readonly string[];
  readonly prefixCount?: number;
  readonly allowReassignment?: boolean;
}

export interface AssignPrivateResult {
  readonly addresses: string[];
  readonly prefixes: string[];
}

/** Shared empty lists for the common case (a count, no explicit addresses or prefixes); never written to. */
const NONE: readonly never[] = Object.freeze([]);
const NO_MOVES: readonly { ip: PrivateIp; from: NetworkInterface }[] = NONE;

export function assignPrivateIps(region: RegionState, eni: NetworkInterface, p: AssignPrivateParams): AssignPrivateResult {
  // Plain tests rather than arrays of options: this runs once per Assign request.
  const ways = (p.addresses?.length ? 1 : 0) + (p.count !== undefined ? 1 : 0) + (p.prefixes?.length ? 1 : 0) + (p.prefixCount !== undefined ? 1 : 0);
  if (ways === 0)
    throw new Ec2Error('MissingParameter', 'Either PrivateIpAddress, SecondaryPrivateIpAddressCount, Ipv4Prefix or Ipv4PrefixCount must be specified.');
  if (ways > 1) throw invalidCombination('Only one of PrivateIpAddress, SecondaryPrivateIpAddressCount, Ipv4Prefix or Ipv4PrefixCount may be specified.');
  if (p.count !== undefined && p.count < 1) throw badCount(p.count);
  if (p.prefixCount !== undefined && p.prefixCount < 1) throw badCount(p.prefixCount);
  const subnet = subnetOf(region, eni);

  // Validate every explicit address first: in the subnet, and either free or movable.
  let moves = NO_MOVES;
  let fresh: readonly number[] = NONE;
  if (p.addresses?.length) {
    const moving: { ip: PrivateIp; from: NetworkInterface }[] = (moves = []);
    const free: number[] = (fresh = []);
    const seen = new Set<string>();
    for (const text of p.addresses) {
      const address = parseSubnetIpv4(subnet, text);
      const canonical = formatIpv4(address);
      if (seen.has(canonical)) throw invalidValue(`The address ${canonical} is specified more than once.`);
      seen.add(canonical);
      const holder = holderOf(region, subnet, canonical);
      if (holder === eni) throw invalidValue(`Address ${canonical} is already assigned to the network interface ${eni.id}.`);
      if (holder) {
        const ip = holder.privateIps.find((x) => x.text === canonical)!;
        if (ip.primary) throw new Ec2Error('InvalidIPAddress.InUse', `Address ${canonical} is in use.`);
        if (!p.allowReassignment) {
          // AWS's message says "move is not allowed": amazon.aws's ec2_eni target (run against AWS) asserts that phrase.
          throw invalidValue(`Address ${canonical} is already assigned to another network interface and move is not allowed: set AllowReassignment.`);
        }
        moving.push({ ip, from: holder });
      } else {
        if (subnet.pool.isAllocated(address)) throw new Ec2Error('InvalidIPAddress.InUse', `Address ${canonical} is in use.`);
        free.push(address);
      }
    }
  }
  const prefixBases = p.prefixes?.length ? p.prefixes.map((t) => parsePrefix28(subnet, t)) : NONE;
  const count = p.count ?? 0;
  const prefixCount = p.prefixCount ?? 0;
  const adding = (p.addresses?.length ?? 0) + count + prefixBases.length + prefixCount;
  if (ipv4Count(eni) + adding > ipv4Limit(region, eni)) throw privateAddressLimitExceeded(eni.id);
  if (!subnet.pool.canAllocateCount(fresh.length + count)) throw insufficientFree();

  // Addresses EC2 picks draw from the cloud's seeded source in a world that scatters them (none when lowest first).
  const txn = new AllocationTxn(subnet, () => region.cloud.random.float(), region.ipAllocation);
  const singles: number[] = [];
  const prefixes: number[] = [];
  txn.run(() => {
    for (const a of fresh) singles.push(txn.ipv4(a));
    for (let i = 0; i < count; i++) singles.push(txn.pickedIpv4());
    for (const b of prefixBases) prefixes.push(txn.ipv4Prefix(b));
    for (let i = 0; i < prefixCount; i++) prefixes.push(txn.ipv4Prefix());
  });

  // Nothing can fail from here on.
  const added: string[] = [];
  for (const { ip, from } of moves) {
    from.privateIps.splice(from.privateIps.indexOf(ip), 1);
    unindexIp(region, from, ip);
    eni.privateIps.push(ip);
    indexIp(region, eni, ip);
    followMovedIp(region, ip, eni, from);
    added.push(ip.text);
  }
  for (const address of singles) {
    const ip: PrivateIp = { address, text: formatIpv4(address), primary: false };
    eni.privateIps.push(ip);
    indexIp(region, eni, ip);
    added.push(ip.text);
  }
  for (const b of prefixes) eni.ipv4Prefixes.push(b);
  return { addresses: added, prefixes: prefixes.map((b) => `${formatIpv4(b)}/28`) };
}

const badCount = (n: number) => invalidValue(`Value (${n}) for the address count is invalid. Expecting a value greater than 0.`);

export function unassignPrivateIps(region: RegionState, eni: NetworkInterface, addresses: readonly string[], prefixes: readonly string[]): void {
  if (addresses.length === 0 && prefixes.length === 0) {
    throw new Ec2Error('MissingParameter', 'Either PrivateIpAddress or Ipv4Prefix must be specified.');
  }
  const subnet = subnetOf(region, eni);
  const ips = addresses.map((text) => {
    const ip = eni.privateIps.find((x) => x.text === text);
    if (!ip) throw invalidValue(`Some of the specified addresses are not assigned to interface ${eni.id}`);
    if (ip.primary) throw invalidValue(`The primary private IP address ${text} of ${eni.id} cannot be unassigned.`);
    return ip;
  });
  const bases = prefixes.map((text) => {
    const base = parsePrefix28(subnet, text);
    if (!eni.ipv4Prefixes.includes(base)) throw invalidValue(`Some of the specified prefixes are not assigned to interface ${eni.id}`);
    return base;
  });
  for (const ip of new Set(ips)) {
    // Unassign is not reassign: the Elastic IP is disassociated and stays allocated.
    if (ip.elasticIp) disassociateElasticIp(region, region.elasticIps.get(ip.elasticIp)!);
    eni.privateIps.splice(eni.privateIps.indexOf(ip), 1);
    unindexIp(region, eni, ip);
    subnet.pool.release(ip.address);
  }
  for (const base of new Set(bases)) {
    eni.ipv4Prefixes.splice(eni.ipv4Prefixes.indexOf(base), 1);
    subnet.pool.releasePrefix(base);
  }
}

export interface AssignIpv6Params {
  readonly addresses?: readonly string[];
  readonly count?: number;
  readonly prefixes?: readonly string[];
  readonly prefixCount?: number;
}

export interface Ipv6Change {
  readonly addresses: string[];
  readonly prefixes: string[];
}

/**
 * AssignIpv6Addresses. Its reference makes addresses exclude an address count and prefixes exclude a
 * prefix count, but (unlike CreateNetworkInterface's) does not make addresses exclude prefixes.
 * Each /80 prefix counts one against the interface's IPv6 limit (EC2 User Guide, "Assign prefixes").
 */
export function assignIpv6(region: RegionState, eni: NetworkInterface, p: AssignIpv6Params): Ipv6Change {
  const addresses = p.addresses ?? NONE;
  const prefixTexts = p.prefixes ?? NONE;
  const { count, prefixCount } = p;
  if (addresses.length > 0 && count !== undefined) throw invalidCombination('Only one of Ipv6Addresses or Ipv6AddressCount may be specified.');
  if (prefixTexts.length > 0 && prefixCount !== undefined) throw invalidCombination('Only one of Ipv6Prefixes or Ipv6PrefixCount may be specified.');
  if (addresses.length === 0 && count === undefined && prefixTexts.length === 0 && prefixCount === undefined) {
    throw new Ec2Error('MissingParameter', 'Either Ipv6Addresses, Ipv6AddressCount, Ipv6Prefixes or Ipv6PrefixCount must be specified.');
  }
  if (count !== undefined && count < 1) throw invalidValue(`Value (${count}) for parameter Ipv6AddressCount is invalid. Expecting a value greater than 0.`);
  if (prefixCount !== undefined && prefixCount < 1) {
    throw invalidValue(`Value (${prefixCount}) for parameter Ipv6PrefixCount is invalid. Expecting a value greater than 0.`);
  }
  const subnet = subnetOf(region, eni);
  const bases = prefixTexts.length ? parsePrefixes80(subnet, prefixTexts) : NONE;
  if (prefixCount !== undefined) subnetIpv6Block(subnet);
  const adding = addresses.length + (count ?? 0) + bases.length + (prefixCount ?? 0);
  if (ipv6Count(eni) + adding > ipv6Limit(region, eni)) throw privateAddressLimitExceeded(eni.id);
  for (const text of addresses) {
    const a = parseIpv6(text);
    if (a !== undefined && eni.ipv6Addresses.some((x) => x.address === a)) {
      throw invalidValue(`Address ${text} is already assigned to the network interface ${eni.id}.`);
    }
  }
  const txn = new AllocationTxn(subnet, () => region.cloud.random.float());
  const { got, delegated } = txn.run(() => {
    const got = addresses.map((t) => txn.ipv6(t));
    for (let i = 0; i < (count ?? 0); i++) got.push(txn.ipv6());
    const delegated = bases.map((b) => txn.ipv6Prefix(b));
    for (let i = 0; i < (prefixCount ?? 0); i++) delegated.push(txn.ipv6Prefix());
    return { got, delegated };
  });
  const records = got.map(ipv6Record);
  eni.ipv6Addresses.push(...records);
  eni.ipv6Prefixes.push(...delegated);
  return { addresses: records.map((r) => r.text), prefixes: delegated.map(prefix80Text) };
}

/** UnassignIpv6Addresses: addresses and/or prefixes, each on the interface; all or nothing. */
export function unassignIpv6(region: RegionState, eni: NetworkInterface, addresses: readonly string[], prefixes: readonly string[]): Ipv6Change {
  if (addresses.length === 0 && prefixes.length === 0) {
    throw new Ec2Error('MissingParameter', 'The request must contain the parameter Ipv6Addresses or Ipv6Prefixes');
  }
  const records = addresses.map((text) => {
    const a = parseIpv6(text);
    const rec = a === undefined ? undefined : eni.ipv6Addresses.find((x) => x.address === a);
    if (!rec) throw invalidValue(`Some of the specified addresses are not assigned to interface ${eni.id}`);
    return rec;
  });
  const bases = prefixes.map((text) => {
    const base = readPrefix80(text);
    if (base === undefined || !eni.ipv6Prefixes.includes(base)) throw invalidValue(`Some of the specified prefixes are not assigned to interface ${eni.id}`);
    return base;
  });
  const assoc = subnetOf(region, eni).ipv6.find((x) => x.state === 'associated');
  for (const rec of new Set(records)) {
    eni.ipv6Addresses.splice(eni.ipv6Addresses.indexOf(rec), 1);
    assoc?.pool.release(rec.address);
  }
  for (const base of new Set(bases)) {
    eni.ipv6Prefixes.splice(eni.ipv6Prefixes.indexOf(base), 1);
    assoc?.pool.releasePrefix(base);
  }
  return { addresses: [...new Set(records)].map((r) => r.text), prefixes: [...new Set(bases)].map(prefix80Text) };
}
