/**
 * Elastic network interfaces: creation with addresses and groups, attributes, deletion.
 * Rules: the user's ENI notes (../shared/reference/eni-notes.md), aws-behaviour.md §4.1–4.6,
 * and the EC2 API reference for CreateNetworkInterface. Every mutating function validates the
 * whole request first and only then changes state; address allocation rolls back on failure.
 */
import { formatIpv4, formatIpv6, parseIpv4, parseIpv4Cidr, parseIpv6, parseIpv6Cidr } from './cidr.js';
import type { RegionState } from './cloud.js';
import { Ec2Error, invalidCombination, invalidValue } from './errors.js';
import { checkId, ID_KINDS, notFound } from './ids.js';
import { findInstanceType, largestIpv4PerInterface } from './instance-types.js';
import { insufficientFree, type IpAllocation } from './ipam.js';
import type { Ipv6Address, NetworkInterface, PrivateIp, Subnet, Tags } from './model.js';
import { defaultSecurityGroup, getSecurityGroup } from './security-group.js';
import { disassociateElasticIp } from './elastic-ip.js';

export function getNetworkInterface(region: RegionState, id: string): NetworkInterface {
  checkId(ID_KINDS.networkInterface, id);
  const eni = region.networkInterfaces.get(id);
  if (!eni) throw notFound(ID_KINDS.networkInterface, id);
  return eni;
}

/** The interface's subnet (always present: a subnet with interfaces cannot be deleted). */
export const subnetOf = (region: RegionState, eni: NetworkInterface): Subnet => region.subnets.get(eni.subnetId)!;

// ---- limits ---------------------------------------------------------------------------------

/** IPv4 addresses (primary included, each /28 prefix counting one) allowed on this interface now. */
export function ipv4Limit(region: RegionState, eni: NetworkInterface): number {
  const type = eni.attachment ? region.instanceTypeOf(eni.attachment.instanceId) : undefined;
  const info = type ? findInstanceType(type) : undefined;
  return info ? info.ipv4AddressesPerInterface : largestIpv4PerInterface();
}

export function ipv6Limit(region: RegionState, eni: NetworkInterface): number {
  const type = eni.attachment ? region.instanceTypeOf(eni.attachment.instanceId) : undefined;
  const info = type ? findInstanceType(type) : undefined;
  if (!info) return largestIpv4PerInterface();
  return info.ipv6Supported ? (info.ipv6AddressesPerInterface ?? info.ipv4AddressesPerInterface) : 0;
}

export const ipv4Count = (eni: NetworkInterface) => eni.privateIps.length + eni.ipv4Prefixes.length;

/** IPv6 addresses held against the per-interface limit: each /80 prefix counts one (EC2 User Guide, "Assign prefixes"). */
export const ipv6Count = (eni: NetworkInterface) => eni.ipv6Addresses.length + eni.ipv6Prefixes.length;

export function privateAddressLimitExceeded(eniId: string): Ec2Error {
  return new Ec2Error('PrivateIpAddressLimitExceeded', `${eniId}: Number of private addresses will exceed limit.`);
}

// ---- security groups --------------------------------------------------------------------------

/** Checks a requested group set: each exists, all in the interface's VPC, within the per-interface quota. */
export function resolveGroups(region: RegionState, vpcId: string, subnetId: string, groupIds: readonly string[]): string[] {
  const unique = [...new Set(groupIds)];
  if (unique.length > region.cloud.quotas.securityGroupsPerInterface) {
    throw new Ec2Error('SecurityGroupsPerInterfaceLimitExceeded', 'The maximum number of security groups per interface has been reached.');
  }
  for (const id of unique) {
    const g = getSecurityGroup(region, id);
    if (g.vpcId !== vpcId) {
      throw new Ec2Error('InvalidParameter', `Security group ${id} and subnet ${subnetId} belong to different networks.`);
    }
  }
  return unique;
}

// ---- address bookkeeping (the only place the IP index changes) ---------------------------------

export function indexIp(region: RegionState, eni: NetworkInterface, ip: PrivateIp): void {
  region.interfacesByPrivateIp.add(ip.text, eni);
}

export function unindexIp(region: RegionState, eni: NetworkInterface, ip: PrivateIp): void {
  region.interfacesByPrivateIp.delete(ip.text, eni);
}

/** The interface in `subnet` that holds `ip` (as primary or secondary), if any. */
export function holderOf(region: RegionState, subnet: Subnet, text: string): NetworkInterface | undefined {
  return region.interfacesByPrivateIp.get(text).find((e) => e.subnetId === subnet.id);
}

/** Parses an IPv4 address that must lie in the subnet and not be one of its reserved addresses. */
export function parseSubnetIpv4(subnet: Subnet, text: string): number {
  const ip = parseIpv4(text);
  if (ip === undefined) throw invalidValue(`Invalid value '${text}' for IP address. The address is not a valid IPv4 address.`);
  if (!subnet.cidr.contains(ip)) throw invalidValue(`Address ${text} does not fall within the subnet's address range`);
  if (subnet.pool.isReserved(ip)) throw invalidValue(`Address ${text} is in subnet's reserved address range`);
  return ip;
}

/**
 * Allocates addresses from a subnet all-or-nothing: runs `steps`, and if any throws, releases
 * every address the earlier steps took before rethrowing.
 */
export class AllocationTxn {
  private readonly undo: (() => void)[] = [];
  /**
   * `random` must be the cloud's seeded source, so replayed requests pick the same addresses;
   * `ipv4Order` is the world's (RegionState.ipAllocation): IPv4 addresses EC2 picks are scattered, or lowest first.
   */
  constructor(
    private readonly subnet: Subnet,
    private readonly random: () => number,
    private readonly ipv4Order: IpAllocation = 'lowest',
  ) {}

  ipv4(ip: number): number {
    this.subnet.pool.allocate(ip);
    this.undo.push(() => this.subnet.pool.release(ip));
    return ip;
  }

  /** An address EC2 picks: scattered over the subnet (drawing from `random`), or the lowest free one. */
  pickedIpv4(): number {
    const pool = this.subnet.pool;
    const ip = this.ipv4Order === 'random' ? pool.allocateScattered(this.random) : pool.allocateLowest();
    if (ip === undefined) throw insufficientFree();
    this.undo.push(() => this.subnet.pool.release(ip));
    return ip;
  }

  ipv4Prefix(base?: number): number {
    const pool = this.subnet.pool;
    let got: number;
    if (base === undefined) {
      const b = pool.allocatePrefix28();
      if (b === undefined) throw insufficientFree();
      got = b;
    } else {
      pool.allocatePrefix(base, 28);
      got = base;
    }
    this.undo.push(() => pool.releasePrefix(got));
    return got;
  }

  ipv6(text?: string): bigint {
    const assoc = subnetIpv6Block(this.subnet);
    let ip: bigint;
    if (text === undefined) {
      ip = assoc.pool.allocateRandom(this.random);
    } else {
      const parsed = parseIpv6(text);
      if (parsed === undefined) throw invalidValue(`Invalid value '${text}' for IPv6 address.`);
      assoc.pool.allocate(parsed);
      ip = parsed;
    }
    this.undo.push(() => assoc.pool.release(ip));
    return ip;
  }

  /** A delegated /80: the one given (already parsed by `parsePrefix80`), or a free one EC2 picks at random. */
  ipv6Prefix(base?: bigint): bigint {
    const assoc = subnetIpv6Block(this.subnet);
    let got: bigint;
    if (base === undefined) {
      const b = assoc.pool.allocatePrefix80(this.random);
      if (b === undefined) throw insufficientFree();
      got = b;
    } else {
      assoc.pool.allocatePrefix(base, 80);
      got = base;
    }
    this.undo.push(() => assoc.pool.releasePrefix(got));
    return got;
  }

  run<T>(steps: () => T): T {
    try {
      return steps();
    } catch (e) {
      for (const u of this.undo.reverse()) u();
      throw e;
    }
  }
}

/** The subnet's live IPv6 block, or AWS's refusal for a subnet without one. */
export function subnetIpv6Block(subnet: Subnet) {
  const assoc = subnet.ipv6.find((a) => a.state === 'associated');
  if (!assoc) throw invalidValue(`The subnet ${subnet.id} has no IPv6 CIDR block; IPv6 addresses cannot be assigned.`);
  return assoc;
}

// ---- create -----------------------------------------------------------------------------------

export interface CreateInterfaceParams {
  readonly subnet: Subnet;
  /** Who created it, when a principal did (CreateNetworkInterface): shown as RequesterId. */
  readonly requesterId?: string;
  readonly description?: string;
  readonly primaryIp?: string;
  readonly secondaryIps?: readonly string[];
  readonly secondaryCount?: number;
  readonly ipv6Addresses?: readonly string[];
  readonly ipv6Count?: number;
  readonly ipv4Prefixes?: readonly string[];
  readonly ipv4PrefixCount?: number;
  readonly ipv6Prefixes?: readonly string[];
  readonly ipv6PrefixCount?: number;
  readonly groupIds?: readonly string[];
  readonly interfaceType?: string;
  readonly tags?: Tags;
  /** Made by an AWS service in the user's subnet (a NAT gateway…): no security groups, source/dest check off. */
  readonly managed?: {
    readonly interfaceType: string;
    readonly requesterId: string;
    readonly attachmentId: string;
    /** The groups the service's interface gets (a VPC endpoint's); none when absent (a NAT gateway's). */
    readonly groupIds?: readonly string[];
    /** Source/destination checking (off unless the service keeps it on, as VPC endpoints do). */
    readonly sourceDestCheck?: boolean;
  };
}

const SUPPORTED_INTERFACE_TYPES = new Set(['interface', 'efa', 'trunk', 'branch']);
const NO_NUMBERS: readonly number[] = Object.freeze([]);

function nonNegative(name: string, n: number | undefined): void {
  if (n !== undefined && n < 0) throw invalidValue(`Value (${n}) for parameter ${name} is invalid. Expecting a non-negative integer.`);
}

export function createNetworkInterface(region: RegionState, p: CreateInterfaceParams): NetworkInterface {
  const { subnet } = p;
  if (region.networkInterfaces.size >= region.cloud.quotas.networkInterfacesPerRegion) {
    throw new Ec2Error(
      'NetworkInterfaceLimitExceeded',
      `You have reached the maximum number of network interfaces (${region.cloud.quotas.networkInterfacesPerRegion}) in this region.`,
    );
  }
  const v4Ways =
    (p.secondaryIps?.length ? 1 : 0) + (p.secondaryCount !== undefined ? 1 : 0) + (p.ipv4Prefixes?.length ? 1 : 0) + (p.ipv4PrefixCount !== undefined ? 1 : 0);
  if (v4Ways > 1) {
    throw invalidCombination(
      'Only one of secondary private IP addresses, a secondary private IP address count, IPv4 prefixes or an IPv4 prefix count may be specified.',
    );
  }
  // CreateNetworkInterface's reference: IPv6 addresses, an address count, IPv6 prefixes and a prefix count exclude each other.
  if (ipv6Ways(p) > 1) {
    throw invalidCombination('Only one of Ipv6Addresses, Ipv6AddressCount, Ipv6Prefixes or Ipv6PrefixCount may be specified.');
  }
  nonNegative('SecondaryPrivateIpAddressCount', p.secondaryCount);
  nonNegative('Ipv6AddressCount', p.ipv6Count);
  nonNegative('Ipv4PrefixCount', p.ipv4PrefixCount);
  nonNegative('Ipv6PrefixCount', p.ipv6PrefixCount);
  const interfaceType = p.managed?.interfaceType ?? p.interfaceType ?? 'interface';
  if (!p.managed && !SUPPORTED_INTERFACE_TYPES.has(interfaceType)) {
    throw new Ec2Error('UnsupportedOperation', `Interface type ${interfaceType} is not supported by ec2net yet.`);
  }
  const groupIds = p.managed
    ? p.managed.groupIds
      ? [...p.managed.groupIds]
      : []
    : p.groupIds?.length
      ? resolveGroups(region, subnet.vpcId, subnet.id, p.groupIds)
      : [defaultSecurityGroup(region, subnet.vpcId).id];

  // Explicit addresses: parsed and checked before anything is taken.
  const primary = p.primaryIp !== undefined ? parseSubnetIpv4(subnet, p.primaryIp) : undefined;
  const secondaries = p.secondaryIps?.length ? p.secondaryIps.map((t) => parseSubnetIpv4(subnet, t)) : NO_NUMBERS;
  const all = primary !== undefined ? [primary, ...secondaries] : secondaries;
  if (all.length > 1 && new Set(all).size !== all.length) throw invalidValue('The same private IP address may not be specified more than once.');
  const prefixes = p.ipv4Prefixes?.length ? p.ipv4Prefixes.map((t) => parsePrefix28(subnet, t)) : NO_NUMBERS;
  const v6Prefixes = p.ipv6Prefixes?.length ? parsePrefixes80(subnet, p.ipv6Prefixes) : NO_BIGINTS;
  if (p.ipv6PrefixCount) subnetIpv6Block(subnet);

  const total = 1 + secondaries.length + (p.secondaryCount ?? 0) + prefixes.length + (p.ipv4PrefixCount ?? 0);
  if (total > largestIpv4PerInterface()) throw new Ec2Error('PrivateIpAddressLimitExceeded', 'Number of private addresses will exceed limit.');
  const v6Total = (p.ipv6Addresses?.length ?? 0) + (p.ipv6Count ?? 0) + v6Prefixes.length + (p.ipv6PrefixCount ?? 0);
  if (v6Total > largestIpv4PerInterface()) throw new Ec2Error('PrivateIpAddressLimitExceeded', 'Number of IPv6 addresses will exceed limit.');
  const singles = (primary === undefined ? 1 : 0) + (p.secondaryCount ?? 0);
  if (!subnet.pool.canAllocateCount(singles + all.length)) throw insufficientFree();

  const wantsV6Default = ipv6Ways(p) === 0 && subnet.assignIpv6AddressOnCreation;
  const txn = new AllocationTxn(subnet, () => region.cloud.random.float(), region.ipAllocation);
  const { ips, v6, v4Prefixes, delegated6 } = txn.run(() => {
    const ips: number[] = [];
    ips.push(primary !== undefined ? txn.ipv4(primary) : txn.pickedIpv4());
    for (const s of secondaries) ips.push(txn.ipv4(s));
    for (let i = 0; i < (p.secondaryCount ?? 0); i++) ips.push(txn.pickedIpv4());
    const v4Prefixes = prefixes.map((b) => txn.ipv4Prefix(b));
    for (let i = 0; i < (p.ipv4PrefixCount ?? 0); i++) v4Prefixes.push(txn.ipv4Prefix());
    const v6: bigint[] = (p.ipv6Addresses ?? []).map((t) => txn.ipv6(t));
    const v6Count = p.ipv6Count ?? (wantsV6Default ? 1 : 0);
    for (let i = 0; i < v6Count; i++) v6.push(txn.ipv6());
    // Prefix draws come after every earlier draw, so states saved before prefixes existed replay the same.
    const delegated6 = v6Prefixes.map((b) => txn.ipv6Prefix(b));
    for (let i = 0; i < (p.ipv6PrefixCount ?? 0); i++) delegated6.push(txn.ipv6Prefix());
    return { ips, v6, v4Prefixes, delegated6 };
  });

  const eni: NetworkInterface = {
    id: region.ids.next(ID_KINDS.networkInterface),
    resourceType: 'network-interface',
    ownerId: region.accountId,
    subnetId: subnet.id,
    vpcId: subnet.vpcId,
    zone: subnet.zone,
    macAddress: region.ids.nextMac(),
    interfaceType,
    requesterManaged: p.managed !== undefined,
    // A service's interface shows the service as requester; one a principal made shows that principal.
    requesterId: p.managed?.requesterId ?? p.requesterId,
    serviceAttachmentId: p.managed?.attachmentId,
    createdAt: region.now(),
    publicIpOnLaunch: subnet.mapPublicIpOnLaunch,
    description: p.description ?? '',
    sourceDestCheck: p.managed === undefined || p.managed.sourceDestCheck === true,
    status: p.managed ? 'in-use' : 'available',
    privateIps: ips.map((address, i) => ({ address, text: formatIpv4(address), primary: i === 0 })),
    ipv6Addresses: v6.map(ipv6Record),
    ipv4Prefixes: v4Prefixes,
    ipv6Prefixes: delegated6,
    groupIds,
    tags: p.tags ?? new Map(),
  };
  region.networkInterfaces.set(eni.id, region.register(eni));
  for (const ip of eni.privateIps) indexIp(region, eni, ip);
  return eni;
}

export function ipv6Record(address: bigint): Ipv6Address {
  return { address, text: formatIpv6(address) };
}

/** An explicit IPv4 prefix: a /28 CIDR inside the subnet. */
export function parsePrefix28(subnet: Subnet, text: string): number {
  const cidr = parseIpv4Cidr(text);
  if (!cidr || cidr.prefix !== 28 || `${formatIpv4(cidr.base)}/28` !== text) {
    throw invalidValue(`Invalid value '${text}' for IPv4 prefix. Prefixes must be /28 CIDR blocks.`);
  }
  if (!subnet.cidr.containsCidr(cidr)) throw invalidValue(`Prefix ${text} does not fall within the subnet's address range`);
  return cidr.base;
}

const NO_BIGINTS: readonly bigint[] = Object.freeze([]);

/** How many of the four ways of giving IPv6 a request uses (addresses, address count, prefixes, prefix count). */
function ipv6Ways(p: CreateInterfaceParams): number {
  return (p.ipv6Addresses?.length ? 1 : 0) + (p.ipv6Count !== undefined ? 1 : 0) + (p.ipv6Prefixes?.length ? 1 : 0) + (p.ipv6PrefixCount !== undefined ? 1 : 0);
}

/** The /80 written in `text` (any RFC 4291 spelling, host bits zero), or undefined when it is none. */
export function readPrefix80(text: string): bigint | undefined {
  const cidr = parseIpv6Cidr(text);
  if (!cidr || cidr.prefix !== 80 || parseIpv6(text.slice(0, text.indexOf('/'))) !== cidr.base) return undefined;
  return cidr.base;
}

export const prefix80Text = (base: bigint) => `${formatIpv6(base)}/80`;

/**
 * Explicit IPv6 prefixes: each a /80 (EC2 User Guide, "Assign prefixes": "The IPv6 prefix that you can
 * specify is /80"), in a subnet with an IPv6 block, inside it, none given twice.
 */
export function parsePrefixes80(subnet: Subnet, texts: readonly string[]): bigint[] {
  const assoc = subnetIpv6Block(subnet);
  const out: bigint[] = [];
  for (const text of texts) {
    const base = readPrefix80(text);
    if (base === undefined) throw invalidValue(`Invalid value '${text}' for IPv6 prefix. Prefixes must be /80 CIDR blocks.`);
    if (!assoc.cidr.contains(base)) throw invalidValue(`Prefix ${text} does not fall within the subnet's address range`);
    if (out.includes(base)) throw invalidValue(`The prefix ${prefix80Text(base)} is specified more than once.`);
    out.push(base);
  }
  return out;
}

// ---- delete -----------------------------------------------------------------------------------

/**
 * Releases every address; Elastic IPs on it are disassociated and stay allocated. Refused while
 * attached with InvalidNetworkInterface.InUse (AWS's error page; it is the code client code in
 * the wild catches around DeleteNetworkInterface, e.g. for Lambda-managed interfaces), with the
 * observed wording "Network interface 'eni-x' is currently in use." (an older AWS answered
 * InvalidParameterValue, which the error page still mentions as possible).
 */
export function deleteNetworkInterface(region: RegionState, eni: NetworkInterface): void {
  if (eni.attachment || eni.serviceAttachmentId !== undefined) {
    throw new Ec2Error('InvalidNetworkInterface.InUse', `Network interface '${eni.id}' is currently in use.`);
  }
  destroyNetworkInterface(region, eni);
}

/** Removes an interface and everything it holds, without the attachment check (termination uses it). */
export function destroyNetworkInterface(region: RegionState, eni: NetworkInterface): void {
  const subnet = subnetOf(region, eni);
  for (const ip of eni.privateIps) {
    if (ip.elasticIp) disassociateElasticIp(region, region.elasticIps.get(ip.elasticIp)!);
    unindexIp(region, eni, ip);
    subnet.pool.release(ip.address);
  }
  for (const base of eni.ipv4Prefixes) subnet.pool.releasePrefix(base);
  const v6 = subnet.ipv6.find((a) => a.state === 'associated');
  for (const a of eni.ipv6Addresses) v6?.pool.release(a.address);
  for (const b of eni.ipv6Prefixes) v6?.pool.releasePrefix(b);
  if (eni.autoPublicIp) region.cloud.publicIps.release(region.name, eni.autoPublicIp);
  region.networkInterfaces.delete(eni.id);
  region.unregister(eni.id);
  // Its permissions cease with it (DescribeNetworkInterfacePermissions no longer lists them).
  for (const [id, p] of region.interfacePermissions) if (p.networkInterfaceId === eni.id) region.interfacePermissions.delete(id);
}

// ---- attributes -------------------------------------------------------------------------------

export function setGroups(region: RegionState, eni: NetworkInterface, groupIds: readonly string[]): void {
  if (groupIds.length === 0) throw invalidValue('At least one security group must be specified.');
  eni.groupIds = resolveGroups(region, eni.vpcId, eni.subnetId, groupIds);
}

/** Whether a security group is used by any interface of the world (it then cannot be deleted). */
export function groupInUse(region: RegionState, groupId: string): boolean {
  for (const eni of region.networkInterfaces.values()) if (eni.groupIds.includes(groupId)) return true;
  return false;
}

/** The domain of a region's private DNS names: ec2.internal in us-east-1, else <region>.compute.internal. */
const privateDomains = new Map<string, string>();
const privateDomain = (region: string): string => {
  let d = privateDomains.get(region);
  if (d === undefined) privateDomains.set(region, (d = region === 'us-east-1' ? '.ec2.internal' : `.${region}.compute.internal`));
  return d;
};

/**
 * Private DNS name as AWS forms it: ip-a-b-c-d.ec2.internal in us-east-1, else ip-a-b-c-d.<region>.compute.internal.
 * Given the address as a number it skips re-reading the text (listings name thousands of addresses).
 * The domain comes from a per-region memo, so every region runs the same code: a branch only one
 * region takes would leave it cold, and the first requests there would pay for re-optimising.
 */
export function privateDnsName(region: string, ip: string | number): string {
  const host = typeof ip === 'number' ? `ip-${ip >>> 24}-${(ip >>> 16) & 255}-${(ip >>> 8) & 255}-${ip & 255}` : `ip-${ip.replaceAll('.', '-')}`;
  return host + privateDomain(region);
}

/** Public DNS name: ec2-a-b-c-d.compute-1.amazonaws.com in us-east-1, else ec2-a-b-c-d.<region>.compute.amazonaws.com. */
export function publicDnsName(region: string, ipText: string): string {
  const host = `ec2-${ipText.replaceAll('.', '-')}`;
  return region === 'us-east-1' ? `${host}.compute-1.amazonaws.com` : `${host}.${region}.compute.amazonaws.com`;
}
