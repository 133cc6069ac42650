/**
 * Security groups: records, the default group every VPC gets, and lookups.
 * Rules from the Amazon VPC User Guide ("Default security groups for your VPCs").
 */
import type { RegionState } from './cloud.js';
import { checkId, ID_KINDS, notFound } from './ids.js';
import type { SecurityGroup, SecurityGroupRule, Tags, Vpc } from './model.js';

export function getSecurityGroup(region: RegionState, id: string): SecurityGroup {
  checkId(ID_KINDS.securityGroup, id);
  const g = region.securityGroups.get(id);
  if (!g) throw notFound(ID_KINDS.securityGroup, id);
  return g;
}

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

export function addRule(region: RegionState, group: SecurityGroup, p: RuleParams): SecurityGroupRule {
  const rule: SecurityGroupRule = {
    id: region.ids.next(ID_KINDS.securityGroupRule),
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
    tags: new Map(),
  };
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
  if (vpc.ipv6Cidrs.length > 0) addRule(region, group, { isEgress: true, ipProtocol: '-1', cidrIpv6: '::/0' });
  return group;
}

export function defaultSecurityGroup(region: RegionState, vpcId: string): SecurityGroup {
  for (const g of region.securityGroups.values()) if (g.vpcId === vpcId && g.isDefault) return g;
  throw new Error(`VPC ${vpcId} has no default security group`);
}
