/**
 * Network ACLs: the default ACL of every VPC, custom ACLs, their numbered entries, and the
 * association every subnet has with exactly one ACL. Rules from the Amazon VPC User Guide
 * ("Control subnet traffic with network access control lists": default and custom ACL rules, rule
 * numbers 1–32766, the `*` rule) and the EC2 API reference (CreateNetworkAclEntry,
 * ReplaceNetworkAclAssociation); error wording from AWS answers quoted in public threads.
 */
import { parseIpv4Cidr, parseIpv6Cidr } from './cidr.js';
import type { RegionState } from './cloud.js';
import { Ec2Error, invalidCombination, invalidParam, invalidValue, missingParam } from './errors.js';
import { checkId, ID_KINDS, notFound } from './ids.js';
import type { Subnet, Tags, Vpc } from './model.js';
import type { IdSource } from './route-table.js';
import type { NetworkAcl, NetworkAclAssociation, NetworkAclEntry } from './routing-model.js';

/** The `*` rule, shown by AWS as rule number 32767 (32768 for its IPv6 twin). */
const STAR_V4 = 32767;
const STAR_V6 = 32768;

export function getNetworkAcl(region: RegionState, id: string): NetworkAcl {
  checkId(ID_KINDS.networkAcl, id);
  const acl = region.networkAcls.get(id);
  if (!acl) throw notFound(ID_KINDS.networkAcl, id);
  return acl;
}

const hasIpv6 = (vpc: Vpc) => vpc.ipv6Cidrs.some((c) => c.state === 'associated');

/** Both directions' `*` deny (and the IPv6 ones when the VPC has IPv6), plus rule 100 allow-all for the default ACL. */
function initialEntries(vpc: Vpc, isDefault: boolean): NetworkAclEntry[] {
  const out: NetworkAclEntry[] = [];
  for (const egress of [false, true]) {
    if (isDefault) {
      out.push({ ruleNumber: 100, egress, protocol: '-1', ruleAction: 'allow', cidrBlock: '0.0.0.0/0' });
      if (hasIpv6(vpc)) out.push({ ruleNumber: 101, egress, protocol: '-1', ruleAction: 'allow', ipv6CidrBlock: '::/0' });
    }
    out.push({ ruleNumber: STAR_V4, egress, protocol: '-1', ruleAction: 'deny', cidrBlock: '0.0.0.0/0' });
    if (hasIpv6(vpc)) out.push({ ruleNumber: STAR_V6, egress, protocol: '-1', ruleAction: 'deny', ipv6CidrBlock: '::/0' });
  }
  return out;
}

export function createNetworkAcl(
  region: RegionState,
  vpc: Vpc,
  tags: Tags = new Map(),
  isDefault = false,
  id = region.ids.next(ID_KINDS.networkAcl),
): NetworkAcl {
  const acl: NetworkAcl = {
    id,
    resourceType: 'network-acl',
    ownerId: region.accountId,
    vpcId: vpc.id,
    isDefault,
    entries: initialEntries(vpc, isDefault),
    tags,
  };
  region.networkAcls.set(id, region.register(acl));
  return acl;
}

export function createDefaultNetworkAcl(region: RegionState, vpc: Vpc, ids: IdSource): NetworkAcl {
  return createNetworkAcl(region, vpc, new Map(), true, ids(ID_KINDS.networkAcl, 'default-network-acl'));
}

export function defaultNetworkAcl(region: RegionState, vpcId: string): NetworkAcl | undefined {
  for (const acl of region.networkAcls.values()) if (acl.isDefault && acl.vpcId === vpcId) return acl;
  return undefined;
}

/** A new subnet starts with its VPC's default ACL ("Each subnet … is automatically associated with the default network ACL"). */
export function associateDefaultAcl(region: RegionState, subnet: Subnet, id: string): void {
  const acl = defaultNetworkAcl(region, subnet.vpcId);
  if (!acl) return;
  region.networkAclAssociations.set(id, { id, networkAclId: acl.id, subnetId: subnet.id });
}

export function aclAssociationsOf(region: RegionState, aclId: string): NetworkAclAssociation[] {
  const out: NetworkAclAssociation[] = [];
  for (const a of region.networkAclAssociations.values()) if (a.networkAclId === aclId) out.push(a);
  return out;
}

export function dropSubnetAclAssociation(region: RegionState, subnetId: string): void {
  for (const a of region.networkAclAssociations.values()) {
    if (a.subnetId === subnetId) {
      region.networkAclAssociations.delete(a.id);
      return;
    }
  }
}

export function vpcHasCustomNetworkAcls(region: RegionState, vpcId: string): boolean {
  for (const acl of region.networkAcls.values()) if (acl.vpcId === vpcId && !acl.isDefault) return true;
  return false;
}

/** DeleteVpc: the default ACL goes with the VPC (its subnets are gone already). */
export function removeVpcNetworkAcls(region: RegionState, vpcId: string): void {
  for (const acl of [...region.networkAcls.values()]) {
    if (acl.vpcId !== vpcId) continue;
    region.networkAcls.delete(acl.id);
    region.unregister(acl.id);
  }
}

/** AssociateVpcCidrBlock with IPv6: ACLs gain the IPv6 twins of their initial rules, as a VPC created with IPv6 has them. */
export function addIpv6AclEntries(region: RegionState, vpc: Vpc): void {
  for (const acl of region.networkAcls.values()) {
    if (acl.vpcId !== vpc.id || acl.entries.some((e) => e.ipv6CidrBlock !== undefined && e.ruleNumber === STAR_V6)) continue;
    const add = initialEntries(vpc, acl.isDefault).filter(
      (e) => e.ipv6CidrBlock !== undefined && !acl.entries.some((x) => x.egress === e.egress && x.ruleNumber === e.ruleNumber),
    );
    acl.entries = sortEntries([...acl.entries, ...add]);
  }
}

/**
 * The default ACL cannot be deleted, nor an ACL still associated with subnets.
 * Observed: "cannot delete default network ACL acl-…" (InvalidParameterValue) and
 * "The networkAcl 'acl-…' has dependencies and cannot be deleted." (DependencyViolation).
 */
export function deleteNetworkAcl(region: RegionState, acl: NetworkAcl): void {
  if (acl.isDefault) throw invalidValue(`cannot delete default network ACL ${acl.id}`);
  if (aclAssociationsOf(region, acl.id).length > 0) {
    throw new Ec2Error('DependencyViolation', `The networkAcl '${acl.id}' has dependencies and cannot be deleted.`);
  }
  region.networkAcls.delete(acl.id);
  region.unregister(acl.id);
}

export function getAclAssociation(region: RegionState, id: string): NetworkAclAssociation {
  checkId(ID_KINDS.networkAclAssociation, id);
  const a = region.networkAclAssociations.get(id);
  if (!a) throw new Ec2Error('InvalidAssociationID.NotFound', `The association ID '${id}' does not exist`);
  return a;
}

/** The subnet moves to `acl` under a new association id. */
export function replaceAclAssociation(region: RegionState, assoc: NetworkAclAssociation, acl: NetworkAcl): NetworkAclAssociation {
  const subnet = region.subnets.get(assoc.subnetId)!;
  if (subnet.vpcId !== acl.vpcId) throw invalidValue(`Network ACL ${acl.id} and subnet ${subnet.id} belong to different networks`);
  const next: NetworkAclAssociation = { id: region.ids.next(ID_KINDS.networkAclAssociation), networkAclId: acl.id, subnetId: subnet.id };
  region.networkAclAssociations.delete(assoc.id);
  region.networkAclAssociations.set(next.id, next);
  return next;
}

// ---- entries -------------------------------------------------------------------------------------

export interface EntryInput {
  readonly RuleNumber?: number;
  readonly Protocol?: string;
  readonly RuleAction?: string;
  readonly Egress?: boolean;
  readonly CidrBlock?: string;
  readonly Ipv6CidrBlock?: string;
  readonly IcmpTypeCode?: { Code?: number; Type?: number };
  readonly PortRange?: { From?: number; To?: number };
}

const PROTOCOL_NAMES: Record<string, string> = { all: '-1', tcp: '6', udp: '17', icmp: '1', icmpv6: '58' };

function parseProtocol(p: string): string {
  const named = PROTOCOL_NAMES[p.toLowerCase()];
  if (named) return named;
  if (p === '-1') return p;
  if (/^\d{1,3}$/.test(p) && Number(p) <= 255) return String(Number(p));
  throw invalidParam(p, 'protocol', 'Invalid protocol.');
}

/** Checks one entry (CreateNetworkAclEntry / ReplaceNetworkAclEntry parameters) and returns its record. */
export function parseEntry(input: EntryInput): NetworkAclEntry {
  if (input.RuleNumber === undefined) throw missingParam('ruleNumber');
  if (input.Protocol === undefined) throw missingParam('protocol');
  if (input.RuleAction === undefined) throw missingParam('ruleAction');
  if (input.Egress === undefined) throw missingParam('egress');
  // Observed: "Value (32767) for parameter ruleNumber is invalid. Rulenumber must be in range 1..32766".
  if (!Number.isInteger(input.RuleNumber) || input.RuleNumber < 1 || input.RuleNumber > 32766) {
    throw invalidParam(input.RuleNumber, 'ruleNumber', 'Rulenumber must be in range 1..32766');
  }
  if (input.RuleAction !== 'allow' && input.RuleAction !== 'deny') throw invalidParam(input.RuleAction, 'ruleAction', 'Must be allow or deny.');
  const protocol = parseProtocol(input.Protocol);
  if ((input.CidrBlock === undefined) === (input.Ipv6CidrBlock === undefined)) {
    throw invalidCombination('Exactly one of cidrBlock and ipv6CidrBlock must be specified.');
  }
  let cidrBlock: string | undefined;
  let ipv6CidrBlock: string | undefined;
  if (input.CidrBlock !== undefined) {
    const c = parseIpv4Cidr(input.CidrBlock);
    if (!c) throw invalidParam(input.CidrBlock, 'cidrBlock', 'This is not a valid CIDR block.');
    cidrBlock = c.toString();
  } else {
    const c = parseIpv6Cidr(input.Ipv6CidrBlock!);
    if (!c) throw invalidParam(input.Ipv6CidrBlock, 'ipv6CidrBlock', 'This is not a valid IPv6 CIDR block.');
    ipv6CidrBlock = c.toString();
  }
  const entry: { -readonly [K in keyof NetworkAclEntry]: NetworkAclEntry[K] } = {
    ruleNumber: input.RuleNumber,
    egress: input.Egress,
    protocol,
    ruleAction: input.RuleAction,
    cidrBlock,
    ipv6CidrBlock,
  };
  // "If you specify protocol 6 (TCP) or 17 (UDP), you must specify a port range"; ICMP (1, and 58 for
  // IPv6) takes a type and code instead (API reference, CreateNetworkAclEntry).
  if (protocol === '6' || protocol === '17') {
    const from = input.PortRange?.From;
    const to = input.PortRange?.To;
    if (from === undefined || to === undefined) throw missingParam('portRange');
    if (!validPort(from) || !validPort(to) || from > to) throw invalidParam(`${from}-${to}`, 'portRange', 'Ports must be 0-65535 and From must not exceed To.');
    entry.portFrom = from;
    entry.portTo = to;
  } else if (protocol === '1' || protocol === '58') {
    const type = input.IcmpTypeCode?.Type;
    const code = input.IcmpTypeCode?.Code;
    if (type === undefined || code === undefined) throw missingParam('icmpTypeCode');
    if (!validIcmp(type) || !validIcmp(code)) throw invalidParam(`${type}/${code}`, 'icmpTypeCode', 'Type and code must be -1 (all) or 0-255.');
    entry.icmpType = type;
    entry.icmpCode = code;
  }
  return entry;
}

const validPort = (n: number) => Number.isInteger(n) && n >= 0 && n <= 65535;
const validIcmp = (n: number) => Number.isInteger(n) && n >= -1 && n <= 255;

const sortEntries = (list: NetworkAclEntry[]) => list.sort((a, b) => Number(a.egress) - Number(b.egress) || a.ruleNumber - b.ruleNumber);

const sameSlot = (a: { egress: boolean; ruleNumber: number }, b: { egress: boolean; ruleNumber: number }) =>
  a.egress === b.egress && a.ruleNumber === b.ruleNumber;

/** Rules per ACL and direction: 20 by default (Amazon VPC quotas, "Rules per network ACL"), the `*` rules not counted. */
const MAX_RULES_PER_DIRECTION = 20;

/** Observed: "NetworkAclEntryAlreadyExists: The network acl entry identified by 100 already exists." (ansible-collections/amazon.aws#2592). */
export function createEntry(acl: NetworkAcl, entry: NetworkAclEntry): void {
  if (acl.entries.some((e) => sameSlot(e, entry))) {
    throw new Ec2Error('NetworkAclEntryAlreadyExists', `The network acl entry identified by ${entry.ruleNumber} already exists.`);
  }
  if (acl.entries.filter((e) => e.egress === entry.egress && e.ruleNumber < STAR_V4).length >= MAX_RULES_PER_DIRECTION) {
    throw new Ec2Error('NetworkAclEntryLimitExceeded', `The maximum number of network acl entries has been reached.`);
  }
  acl.entries = sortEntries([...acl.entries, entry]);
}

function entryNotFound(ruleNumber: number, egress: boolean): Ec2Error {
  return new Ec2Error(
    'InvalidNetworkAclEntry.NotFound',
    `The network acl entry identified by ${ruleNumber} (${egress ? 'egress' : 'ingress'}) does not exist.`,
  );
}

export function replaceEntry(acl: NetworkAcl, entry: NetworkAclEntry): void {
  const i = acl.entries.findIndex((e) => sameSlot(e, entry));
  if (i < 0) throw entryNotFound(entry.ruleNumber, entry.egress);
  acl.entries = sortEntries(acl.entries.map((e, k) => (k === i ? entry : e)));
}

export function deleteEntry(acl: NetworkAcl, ruleNumber: number, egress: boolean): void {
  if (!Number.isInteger(ruleNumber) || ruleNumber < 1 || ruleNumber > 32766) {
    throw invalidParam(ruleNumber, 'ruleNumber', 'Rulenumber must be in range 1..32766');
  }
  const i = acl.entries.findIndex((e) => sameSlot(e, { egress, ruleNumber }));
  if (i < 0) throw entryNotFound(ruleNumber, egress);
  acl.entries = acl.entries.filter((_, k) => k !== i);
}
