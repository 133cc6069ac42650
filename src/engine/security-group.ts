/**
 * Security groups and their rules: the default group every VPC gets, CreateSecurityGroup /
 * DeleteSecurityGroup checks, and rule parsing, authorisation, revocation and modification.
 *
 * Sources (messages quoted verbatim where AWS's own text has been seen):
 * - EC2 API reference (model doc strings) for CreateSecurityGroup, Authorize/Revoke*, and the
 *   allowed name/description characters `a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*`, ≤ 255 characters.
 * - Amazon VPC User Guide, "Default security groups for your VPCs" and "Amazon VPC quotas"
 *   (60 inbound and 60 outbound rules per group).
 * - Observed AWS responses in public transcripts: InvalidGroup.Duplicate "The security group 'x'
 *   already exists for VPC 'vpc-…'"; InvalidPermission.Duplicate `the specified rule "peer: …,
 *   ALLOW" already exists`; CannotDelete `the specified group: "sg-…" name: "default" cannot be
 *   deleted by a user`; DependencyViolation "resource sg-… has a dependent object";
 *   "Group names may not be in the format sg-*."; "Character sets beyond ASCII are not
 *   supported."; "Invalid security group description. Valid descriptions are strings less than
 *   256 characters from the following set: …"; "Invalid rule description. …"; "CIDR block x is
 *   malformed"; "TCP/UDP (from) port (-1) out of range"; "Invalid value 'all' for IP protocol.
 *   Unknown protocol."; "Invalid value 'Must specify both from and to ports with TCP/UDP.' for
 *   portRange."; "You have specified two resources that belong to different networks.";
 *   "The specified rule does not exist in this security group."; "No default VPC for this user".
 */
import { isAssociated } from './cidr-association.js';
import { parseIpv4Cidr, parseIpv6Cidr } from './cidr.js';
import type { RegionState } from './cloud.js';
import { Ec2Error, invalidCombination, invalidValue, missingParam } from './errors.js';
import { checkId, ID_KINDS, notFound } from './ids.js';
import type { SecurityGroup, SecurityGroupRule, Tags, Vpc } from './model.js';

/** AWS quota "Inbound or outbound rules per security group" (default 60 each way). */
export const MAX_RULES_PER_DIRECTION = 60;

const ALLOWED_TEXT = /^[a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]*$/;
const ALLOWED_SET = 'a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*';
// eslint-disable-next-line no-control-regex -- every character outside ASCII, control characters included
const NON_ASCII = /[^\x00-\x7f]/;

// ---- lookups ------------------------------------------------------------------------------------

const groupNotFound = (id: string) => new Ec2Error('InvalidGroup.NotFound', `The security group '${id}' does not exist`);

export function getSecurityGroup(region: RegionState, id: string): SecurityGroup {
  checkId(ID_KINDS.securityGroup, id);
  const g = region.securityGroups.get(id);
  if (!g) throw groupNotFound(id);
  return g;
}

/** The group named `name` in `vpcId` (names are case-insensitive within a VPC). */
export function findGroupByName(region: RegionState, vpcId: string, name: string): SecurityGroup | undefined {
  const wanted = name.toLowerCase();
  for (const g of region.securityGroups.values()) if (g.vpcId === vpcId && g.name.toLowerCase() === wanted) return g;
  return undefined;
}

/** A group named in the default VPC, as GroupName parameters are ("[Default VPC]" in the API reference). */
export function getSecurityGroupByName(region: RegionState, name: string): SecurityGroup {
  const vpc = region.defaultVpc();
  const g = vpc ? findGroupByName(region, vpc.id, name) : undefined;
  if (!g) throw new Ec2Error('InvalidGroup.NotFound', `The security group '${name}' does not exist in default VPC '${vpc?.id ?? 'none'}'`);
  return g;
}

export function defaultSecurityGroup(region: RegionState, vpcId: string): SecurityGroup {
  for (const g of region.securityGroups.values()) if (g.vpcId === vpcId && g.isDefault) return g;
  throw new Error(`VPC ${vpcId} has no default security group`);
}

const isDefaultVpc = (region: RegionState, vpcId: string) => region.vpcs.get(vpcId)?.isDefault === true;

// ---- records ------------------------------------------------------------------------------------

export interface RuleParams {
  readonly isEgress: boolean;
  readonly ipProtocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly cidrIpv4?: string;
  readonly cidrIpv6?: string;
  readonly prefixListId?: string;
  readonly referencedGroupId?: string;
  readonly referencedUserId?: string;
  readonly description?: string;
}

/** A validated, normalised rule not yet (or no longer) attached to a group. */
export interface RuleSpec extends RuleParams {
  readonly fromPort: number;
  readonly toPort: number;
}

function ruleRecord(id: string, group: SecurityGroup, p: RuleParams, tags: Tags): SecurityGroupRule {
  return {
    id,
    resourceType: 'security-group-rule',
    groupId: group.id,
    groupOwnerId: group.ownerId,
    isEgress: p.isEgress,
    ipProtocol: p.ipProtocol,
    fromPort: p.fromPort ?? -1,
    toPort: p.toPort ?? -1,
    cidrIpv4: p.cidrIpv4,
    cidrIpv6: p.cidrIpv6,
    prefixListId: p.prefixListId,
    referencedGroupId: p.referencedGroupId,
    referencedUserId: p.referencedUserId,
    description: p.description,
    tags,
  };
}

/** Adds one rule with no checks (callers validate); tags are copied. */
export function addRule(region: RegionState, group: SecurityGroup, p: RuleParams, tags?: Tags): SecurityGroupRule {
  const rule = ruleRecord(region.ids.next(ID_KINDS.securityGroupRule), group, p, new Map(tags));
  group.rules.set(rule.id, region.register(rule));
  return rule;
}

export interface SecurityGroupRecordParams {
  readonly vpc: Vpc;
  readonly name: string;
  readonly description: string;
  readonly isDefault?: boolean;
  readonly tags?: Tags;
}

/** A new group, with AWS's initial rule: all outbound IPv4 traffic allowed. */
export function createSecurityGroupRecord(region: RegionState, p: SecurityGroupRecordParams): SecurityGroup {
  const group: SecurityGroup = {
    id: region.ids.next(ID_KINDS.securityGroup),
    resourceType: 'security-group',
    ownerId: region.accountId,
    vpcId: p.vpc.id,
    name: p.name,
    description: p.description,
    isDefault: p.isDefault ?? false,
    rules: new Map(),
    tags: p.tags ?? new Map(),
  };
  region.securityGroups.set(group.id, region.register(group));
  addRule(region, group, { isEgress: true, ipProtocol: '-1', cidrIpv4: '0.0.0.0/0' });
  return group;
}

/** The VPC's `default` group: inbound from itself, outbound everywhere (and ::/0 when the VPC has IPv6). */
export function createDefaultSecurityGroup(region: RegionState, vpc: Vpc): SecurityGroup {
  const group = createSecurityGroupRecord(region, { vpc, name: 'default', description: 'default VPC security group', isDefault: true });
  addRule(region, group, { isEgress: false, ipProtocol: '-1', referencedGroupId: group.id, referencedUserId: region.accountId });
  if (vpc.ipv6Cidrs.some(isAssociated)) addRule(region, group, { isEgress: true, ipProtocol: '-1', cidrIpv6: '::/0' });
  return group;
}

/** Forgets a group and its rules (no checks): for DeleteSecurityGroup and for DeleteVpc's default group. */
export function removeSecurityGroupRecord(region: RegionState, group: SecurityGroup): void {
  for (const id of group.rules.keys()) region.unregister(id);
  region.securityGroups.delete(group.id);
  region.unregister(group.id);
}

// ---- CreateSecurityGroup / DeleteSecurityGroup --------------------------------------------------

function checkGroupText(value: string, param: 'GroupName' | 'GroupDescription'): void {
  if (NON_ASCII.test(value)) {
    throw invalidValue(`Value (${value}) for parameter ${param} is invalid. Character sets beyond ASCII are not supported.`);
  }
  if (value.length > 255 || !ALLOWED_TEXT.test(value)) {
    throw invalidValue(
      param === 'GroupName'
        ? `Invalid security group name. Valid names are non-empty strings less than 256 characters from the following set:  ${ALLOWED_SET}`
        : `Invalid security group description. Valid descriptions are strings less than 256 characters from the following set:  ${ALLOWED_SET}`,
    );
  }
}

function lookupVpc(region: RegionState, id: string): Vpc {
  checkId(ID_KINDS.vpc, id);
  const vpc = region.vpcs.get(id);
  if (!vpc) throw notFound(ID_KINDS.vpc, id);
  return vpc;
}

export interface CreateSecurityGroupParams {
  readonly name?: string;
  readonly description?: string;
  /** Absent: the default VPC. */
  readonly vpcId?: string;
  readonly tags?: Tags;
}

export function createSecurityGroup(region: RegionState, p: CreateSecurityGroupParams): SecurityGroup {
  // Empty name or description: MissingParameter (openstack/ec2-api functional tests, run against AWS).
  if (!p.name) throw missingParam('GroupName');
  if (!p.description) throw missingParam('GroupDescription');
  const vpc = p.vpcId !== undefined ? lookupVpc(region, p.vpcId) : region.defaultVpc();
  if (!vpc) throw new Ec2Error('VPCIdNotSpecified', 'No default VPC for this user');
  if (p.name.startsWith('sg-')) {
    throw invalidValue(`Value (${p.name}) for parameter GroupName is invalid. Group names may not be in the format sg-*.`);
  }
  checkGroupText(p.name, 'GroupName');
  checkGroupText(p.description, 'GroupDescription');
  if (p.name === 'default') {
    throw new Ec2Error('InvalidGroup.Reserved', "The security group name 'default' is reserved and cannot be used to create a new security group.");
  }
  if (findGroupByName(region, vpc.id, p.name)) {
    throw new Ec2Error('InvalidGroup.Duplicate', `The security group '${p.name}' already exists for VPC '${vpc.id}'`);
  }
  return createSecurityGroupRecord(region, { vpc, name: p.name, description: p.description, tags: p.tags });
}

/** What keeps a group from deletion besides references from other groups (e.g. network interfaces using it). */
export type GroupUsageCheck = (groupId: string) => boolean;

const usageChecks = new WeakMap<RegionState, GroupUsageCheck[]>();

/**
 * Lets another resource family (network interfaces, instances…) report that it uses a group, so
 * DeleteSecurityGroup answers DependencyViolation. Returns a function that removes the check.
 */
export function registerGroupUsageCheck(region: RegionState, check: GroupUsageCheck): () => void {
  let list = usageChecks.get(region);
  if (!list) usageChecks.set(region, (list = []));
  list.push(check);
  return () => {
    const i = list.indexOf(check);
    if (i >= 0) list.splice(i, 1);
  };
}

export function isGroupInUse(region: RegionState, groupId: string): boolean {
  return (usageChecks.get(region) ?? []).some((check) => check(groupId));
}

/** Whether a rule of another group references `groupId`. */
export function isGroupReferenced(region: RegionState, groupId: string): boolean {
  for (const g of region.securityGroups.values()) {
    if (g.id === groupId) continue;
    for (const r of g.rules.values()) if (r.referencedGroupId === groupId) return true;
  }
  return false;
}

export function deleteSecurityGroup(region: RegionState, group: SecurityGroup): void {
  if (group.isDefault) {
    throw new Ec2Error('CannotDelete', `the specified group: "${group.id}" name: "${group.name}" cannot be deleted by a user`);
  }
  if (isGroupReferenced(region, group.id) || isGroupInUse(region, group.id)) {
    throw new Ec2Error('DependencyViolation', `resource ${group.id} has a dependent object`);
  }
  removeSecurityGroupRecord(region, group);
}

// ---- rule parsing -------------------------------------------------------------------------------

/** An `IpPermission` as the API receives it (the model's member names). */
export interface IpPermissionInput {
  IpProtocol?: string;
  FromPort?: number;
  ToPort?: number;
  IpRanges?: { CidrIp?: string; Description?: string }[];
  Ipv6Ranges?: { CidrIpv6?: string; Description?: string }[];
  PrefixListIds?: { PrefixListId?: string; Description?: string }[];
  UserIdGroupPairs?: { UserId?: string; GroupName?: string; GroupId?: string; Description?: string; VpcId?: string }[];
}

const PROTOCOL_NAMES: Readonly<Record<string, string>> = { '1': 'icmp', '6': 'tcp', '17': 'udp', '58': 'icmpv6' };
const NAMED_PROTOCOLS = new Set(['tcp', 'udp', 'icmp', 'icmpv6']);

/**
 * tcp | udp | icmp | icmpv6 | -1 | 0–255; numbers of the named protocols are stored (and shown)
 * as names, as AWS does. `all` is refused by the API: the AWS CLI maps `--protocol all` to -1
 * itself (terraform-provider-aws#1793: "Invalid value 'all' for IP protocol. Unknown protocol.").
 */
export function normalizeProtocol(raw: string | undefined): string {
  if (raw === undefined || raw === '') {
    throw invalidValue("Invalid value 'null' for protocol. VPC security group rules must specify protocols explicitly.");
  }
  const lower = raw.toLowerCase();
  if (NAMED_PROTOCOLS.has(lower)) return lower;
  if (/^-?[0-9]{1,3}$/.test(raw)) {
    const n = Number(raw);
    if (n === -1) return '-1';
    if (n >= 0 && n <= 255) return PROTOCOL_NAMES[String(n)] ?? String(n);
  }
  throw invalidValue(`Invalid value '${raw}' for IP protocol. Unknown protocol.`);
}

/** Protocols whose rules carry ports (TCP/UDP) or a type and code (ICMP). Others cover all ports. */
export const hasPorts = (protocol: string) => NAMED_PROTOCOLS.has(protocol);

function portsOf(protocol: string, from: number | undefined, to: number | undefined): [number, number] {
  if (protocol === 'tcp' || protocol === 'udp') {
    if (from === undefined || to === undefined) throw invalidValue("Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange.");
    if (from < 0 || from > 65535) throw invalidValue(`TCP/UDP (from) port (${from}) out of range`);
    if (to < 0 || to > 65535) throw invalidValue(`TCP/UDP (to) port (${to}) out of range`);
    // No AWS transcript seen for a reversed range: this wording is ec2net's.
    if (from > to) throw invalidValue(`Invalid TCP/UDP port range: from port (${from}) is greater than to port (${to}).`);
    return [from, to];
  }
  if (protocol === 'icmp' || protocol === 'icmpv6') {
    if (from === undefined || to === undefined) throw invalidValue("Invalid value 'Must specify both from and to ports with ICMP.' for portRange.");
    if (from < -1 || from > 255) throw invalidValue(`ICMP type (${from}) out of range`);
    if (to < -1 || to > 255) throw invalidValue(`ICMP code (${to}) out of range`);
    // The API reference: "If the start port is -1 (all ICMP types), then the end port must be -1". Wording is ec2net's.
    if (from === -1 && to !== -1) throw invalidValue(`ICMP code (${to}) must be -1 when the ICMP type is -1 (all types).`);
    return [from, to];
  }
  return [-1, -1];
}

function checkRuleDescription(d: string | undefined): string | undefined {
  if (d === undefined) return undefined;
  if (d.length > 255 || !ALLOWED_TEXT.test(d)) {
    throw invalidValue(`Invalid rule description. Valid descriptions are strings less than 256 characters from the following set:  ${ALLOWED_SET}`);
  }
  return d === '' ? undefined : d;
}

const PREFIX_LIST_ID = /^pl-([0-9a-f]{8}|[0-9a-f]{17})$/;

/**
 * The group a `UserIdGroupPair` names. Same-account references must exist and be in the same VPC
 * (no VPC peering in ec2net); another account's group cannot be checked and is taken as given.
 * Names work only for groups of the default VPC, as on AWS.
 */
function referencedGroup(region: RegionState, group: SecurityGroup, pair: NonNullable<IpPermissionInput['UserIdGroupPairs']>[number]) {
  const foreign = pair.UserId !== undefined && pair.UserId !== '' && pair.UserId !== region.accountId;
  if (pair.GroupId) {
    checkId(ID_KINDS.securityGroup, pair.GroupId);
    if (foreign) return { groupId: pair.GroupId, userId: pair.UserId! };
    const target = getSecurityGroup(region, pair.GroupId);
    if (target.vpcId !== group.vpcId) {
      throw new Ec2Error('InvalidGroup.NotFound', 'You have specified two resources that belong to different networks.');
    }
    return { groupId: target.id, userId: target.ownerId };
  }
  if (pair.GroupName) {
    if (foreign || !isDefaultVpc(region, group.vpcId)) {
      throw invalidValue(
        `Invalid value '${pair.GroupName}' for groupName. You may not reference Amazon VPC security groups by name. Please use the corresponding id for this operation.`,
      );
    }
    const target = getSecurityGroupByName(region, pair.GroupName);
    return { groupId: target.id, userId: target.ownerId };
  }
  throw missingParam('groupId');
}

/**
 * Validates IP permissions and expands them into one rule per (peer, protocol, ports), in request
 * order. Descriptions are checked only when `withDescriptions` (revocation ignores them).
 */
export function parsePermissions(
  region: RegionState,
  group: SecurityGroup,
  isEgress: boolean,
  permissions: readonly IpPermissionInput[],
  withDescriptions = true,
): RuleSpec[] {
  const specs: RuleSpec[] = [];
  const describe = (d: string | undefined) => (withDescriptions ? checkRuleDescription(d) : undefined);
  for (const perm of permissions) {
    const ipProtocol = normalizeProtocol(perm.IpProtocol);
    const [fromPort, toPort] = portsOf(ipProtocol, perm.FromPort, perm.ToPort);
    const base = { isEgress, ipProtocol, fromPort, toPort };
    for (const r of perm.IpRanges ?? []) {
      const cidr = parseIpv4Cidr(r.CidrIp ?? '');
      if (!cidr) throw invalidValue(`CIDR block ${r.CidrIp ?? 'null'} is malformed`);
      specs.push({ ...base, cidrIpv4: cidr.toString(), description: describe(r.Description) });
    }
    for (const r of perm.Ipv6Ranges ?? []) {
      const cidr = parseIpv6Cidr(r.CidrIpv6 ?? '');
      if (!cidr) throw invalidValue(`CIDR block ${r.CidrIpv6 ?? 'null'} is malformed`);
      specs.push({ ...base, cidrIpv6: cidr.toString(), description: describe(r.Description) });
    }
    for (const p of perm.PrefixListIds ?? []) {
      const id = p.PrefixListId ?? '';
      // ec2net has no prefix-list resources yet: any well-formed id is accepted.
      if (!PREFIX_LIST_ID.test(id)) throw new Ec2Error('InvalidPrefixListId.Malformed', `Invalid id: "${id}" (expecting "pl-...")`);
      specs.push({ ...base, prefixListId: id, description: describe(p.Description) });
    }
    for (const pair of perm.UserIdGroupPairs ?? []) {
      const ref = referencedGroup(region, group, pair);
      specs.push({ ...base, referencedGroupId: ref.groupId, referencedUserId: ref.userId, description: describe(pair.Description) });
    }
    // A permission naming no peer adds nothing (Eucalyptus mirrored AWS here, EUCA-5934).
  }
  return specs;
}

// ---- rule identity and messages -----------------------------------------------------------------

const peerOf = (r: RuleParams) => r.cidrIpv4 ?? r.cidrIpv6 ?? r.prefixListId ?? r.referencedGroupId ?? '';

/** What makes two rules the same rule: direction, protocol, ports and peer (never the description). */
export function ruleKey(r: RuleParams): string {
  const kind = r.cidrIpv4 ? 'v4' : r.cidrIpv6 ? 'v6' : r.prefixListId ? 'pl' : 'sg';
  return `${r.isEgress ? 'out' : 'in'}|${r.ipProtocol}|${r.fromPort ?? -1}|${r.toPort ?? -1}|${kind}:${peerOf(r)}`;
}

const all = (n: number) => (n === -1 ? 'ALL' : String(n));

/** AWS's rendering of a rule in InvalidPermission.Duplicate, e.g. `peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW`. */
export function describeRule(r: RuleSpec): string {
  let proto: string;
  if (r.ipProtocol === '-1') proto = 'ALL';
  else if (r.ipProtocol === 'tcp' || r.ipProtocol === 'udp') proto = `${r.ipProtocol.toUpperCase()}, from port: ${r.fromPort}, to port: ${r.toPort}`;
  else if (r.ipProtocol === 'icmp' || r.ipProtocol === 'icmpv6') proto = `${r.ipProtocol.toUpperCase()}, type: ${all(r.fromPort)}, code: ${all(r.toPort)}`;
  else proto = r.ipProtocol;
  return `peer: ${peerOf(r)}, ${proto}, ALLOW`;
}

const duplicateRule = (r: RuleSpec) => new Ec2Error('InvalidPermission.Duplicate', `the specified rule "${describeRule(r)}" already exists`);

const rulesOf = (group: SecurityGroup, isEgress: boolean) => [...group.rules.values()].filter((r) => r.isEgress === isEgress);

function checkRuleLimit(count: number): void {
  if (count > MAX_RULES_PER_DIRECTION) {
    throw new Ec2Error('RulesPerSecurityGroupLimitExceeded', 'The maximum number of rules per security group has been reached.');
  }
}

// ---- Authorize / Revoke / Modify / UpdateDescriptions -------------------------------------------

/** Adds rules all-or-nothing: none may exist already or repeat within the request, and the quota must hold. */
export function authorizeRules(region: RegionState, group: SecurityGroup, isEgress: boolean, specs: readonly RuleSpec[], tags?: Tags): SecurityGroupRule[] {
  const existing = rulesOf(group, isEgress);
  const keys = new Set(existing.map(ruleKey));
  for (const s of specs) {
    const key = ruleKey(s);
    if (keys.has(key)) throw duplicateRule(s);
    keys.add(key);
  }
  checkRuleLimit(existing.length + specs.length);
  return specs.map((s) => addRule(region, group, s, tags));
}

function ruleOfGroup(group: SecurityGroup, id: string, isEgress?: boolean): SecurityGroupRule {
  checkId(ID_KINDS.securityGroupRule, id);
  const rule = group.rules.get(id);
  if (!rule || (isEgress !== undefined && rule.isEgress !== isEgress)) throw notFound(ID_KINDS.securityGroupRule, id);
  return rule;
}

const ruleNotFound = () => new Ec2Error('InvalidPermission.NotFound', 'The specified rule does not exist in this security group.');

export interface RevokeResult {
  readonly revoked: SecurityGroupRule[];
  /** Rules asked for that do not exist (only ever non-empty for groups of the default VPC). */
  readonly unknown: RuleSpec[];
}

/**
 * Removes rules named by value and/or by id. Per the API reference: in a nondefault VPC a rule that
 * does not match makes the whole call fail with InvalidPermission.NotFound and nothing is revoked;
 * in the default VPC the matching rules are revoked and the others are reported back.
 */
export function revokeRules(
  region: RegionState,
  group: SecurityGroup,
  isEgress: boolean,
  specs: readonly RuleSpec[],
  ruleIds: readonly string[] = [],
): RevokeResult {
  const chosen = new Map<string, SecurityGroupRule>();
  for (const id of ruleIds) chosen.set(id, ruleOfGroup(group, id, isEgress));
  const byKey = new Map(rulesOf(group, isEgress).map((r) => [ruleKey(r), r]));
  const unknown: RuleSpec[] = [];
  for (const s of specs) {
    const rule = byKey.get(ruleKey(s));
    if (rule) chosen.set(rule.id, rule);
    else unknown.push(s);
  }
  if (unknown.length > 0 && !isDefaultVpc(region, group.vpcId)) throw ruleNotFound();
  for (const r of chosen.values()) {
    group.rules.delete(r.id);
    region.unregister(r.id);
  }
  return { revoked: [...chosen.values()], unknown };
}

/** A ModifySecurityGroupRules entry (the model's SecurityGroupRuleRequest). */
export interface RuleRequestInput {
  IpProtocol?: string;
  FromPort?: number;
  ToPort?: number;
  CidrIpv4?: string;
  CidrIpv6?: string;
  PrefixListId?: string;
  ReferencedGroupId?: string;
  Description?: string;
}

/**
 * Replaces rules in place (same ids, same tags). Each update names exactly one peer; the result must
 * not duplicate another rule of the group. Peer-count wording follows moto's model of AWS.
 */
export function modifyRules(region: RegionState, group: SecurityGroup, updates: readonly { ruleId: string; rule?: RuleRequestInput }[]): SecurityGroupRule[] {
  const replacements = new Map<string, RuleSpec>();
  for (const u of updates) {
    const current = ruleOfGroup(group, u.ruleId);
    const req = u.rule;
    if (!req) throw missingParam('SecurityGroupRule');
    const peers = [req.CidrIpv4, req.CidrIpv6, req.PrefixListId, req.ReferencedGroupId].filter((p) => p !== undefined);
    if (peers.length > 1) throw invalidCombination('Only one of cidrIp, cidrIpv6, prefixListId, or referencedGroupId can be specified');
    if (peers.length === 0)
      throw new Ec2Error('MissingParameter', 'The request must contain exactly one of: cidrIp, cidrIpv6, prefixListId, or referencedGroupId');
    const [spec] = parsePermissions(region, group, current.isEgress, [
      {
        IpProtocol: req.IpProtocol,
        FromPort: req.FromPort,
        ToPort: req.ToPort,
        IpRanges: req.CidrIpv4 !== undefined ? [{ CidrIp: req.CidrIpv4, Description: req.Description }] : undefined,
        Ipv6Ranges: req.CidrIpv6 !== undefined ? [{ CidrIpv6: req.CidrIpv6, Description: req.Description }] : undefined,
        PrefixListIds: req.PrefixListId !== undefined ? [{ PrefixListId: req.PrefixListId, Description: req.Description }] : undefined,
        UserIdGroupPairs: req.ReferencedGroupId !== undefined ? [{ GroupId: req.ReferencedGroupId, Description: req.Description }] : undefined,
      },
    ]);
    replacements.set(current.id, spec!);
  }
  // The group as it would be afterwards must hold no two identical rules.
  const keys = new Set<string>();
  for (const r of group.rules.values()) {
    const spec = replacements.get(r.id) ?? r;
    const key = ruleKey(spec);
    if (keys.has(key)) throw duplicateRule({ ...spec, fromPort: spec.fromPort ?? -1, toPort: spec.toPort ?? -1 });
    keys.add(key);
  }
  const out: SecurityGroupRule[] = [];
  for (const [id, spec] of replacements) {
    const rule = ruleRecord(id, group, spec, group.rules.get(id)!.tags);
    group.rules.set(id, region.register(rule)); // same key: the rule keeps its place
    out.push(rule);
  }
  return out;
}

/**
 * UpdateSecurityGroupRuleDescriptions{Ingress,Egress}: by value (each must match a rule; its
 * description becomes the one given, or none) and/or by rule id.
 */
export function updateRuleDescriptions(
  group: SecurityGroup,
  isEgress: boolean,
  specs: readonly RuleSpec[],
  byId: readonly { ruleId?: string; description?: string }[] = [],
): void {
  const byKey = new Map(rulesOf(group, isEgress).map((r) => [ruleKey(r), r]));
  const changes: [SecurityGroupRule, string | undefined][] = [];
  for (const s of specs) {
    const rule = byKey.get(ruleKey(s));
    if (!rule) throw ruleNotFound();
    changes.push([rule, s.description]);
  }
  for (const d of byId) {
    if (!d.ruleId) throw missingParam('SecurityGroupRuleId');
    changes.push([ruleOfGroup(group, d.ruleId, isEgress), checkRuleDescription(d.description)]);
  }
  for (const [rule, description] of changes) rule.description = description;
}

/** A rule by id, anywhere in the world (DescribeSecurityGroupRules). */
export function getSecurityGroupRule(region: RegionState, id: string): SecurityGroupRule {
  checkId(ID_KINDS.securityGroupRule, id);
  const found = region.taggables.get(id);
  // The owning group must still hold it (a rule is only ever reachable through a live group).
  const rule = found?.resourceType === 'security-group-rule' ? (found as SecurityGroupRule) : undefined;
  if (!rule || region.securityGroups.get(rule.groupId)?.rules.get(id) !== rule) throw notFound(ID_KINDS.securityGroupRule, id);
  return rule;
}

export function* allSecurityGroupRules(region: RegionState): Generator<SecurityGroupRule> {
  for (const g of region.securityGroups.values()) yield* g.rules.values();
}
