/**
 * Security group operations: Create/Delete/Describe, Authorize/Revoke (ingress and egress),
 * DescribeSecurityGroupRules, ModifySecurityGroupRules, UpdateSecurityGroupRuleDescriptions*.
 * Rule semantics live in engine/security-group.ts; this file maps the model's shapes onto it.
 */
import type { RegionState } from '../engine/cloud.js';
import { Ec2Error, invalidCombination, missingParam } from '../engine/errors.js';
import { perWorld, type FilterSpec } from '../engine/filters.js';
import type { SecurityGroup, SecurityGroupRule } from '../engine/model.js';
import { groupInUse } from '../engine/network-interface.js';
import {
  allSecurityGroupRules,
  authorizeRules,
  createSecurityGroup,
  deleteSecurityGroup,
  getSecurityGroup,
  getSecurityGroupByName,
  getSecurityGroupRule,
  hasPorts,
  modifyRules,
  parsePermissions,
  registerGroupUsageCheck,
  revokeRules,
  updateRuleDescriptions,
  type IpPermissionInput,
  type RuleParams,
} from '../engine/security-group.js';
import { tagList, tagsFromSpecs } from '../engine/tags.js';
import { describe } from './describe.js';
import { handlers, type Input, type RequestContext } from './handler.js';

// ---- views --------------------------------------------------------------------------------------

export const securityGroupArn = (region: RegionState, g: SecurityGroup) => `arn:aws:ec2:${region.name}:${g.ownerId}:security-group/${g.id}`;
const ruleArn = (region: RegionState, r: SecurityGroupRule) => `arn:aws:ec2:${region.name}:${r.groupOwnerId}:security-group-rule/${r.id}`;

/**
 * Rules as AWS shows them in `IpPermissions`: one permission per (protocol, ports), listing each
 * peer kind; ports only for TCP/UDP (ports) and ICMP (type/code). Empty lists are kept, as AWS does.
 */
export function ipPermissionsView(rules: Iterable<RuleParams>) {
  const perms = new Map<
    string,
    {
      IpProtocol: string;
      FromPort?: number;
      ToPort?: number;
      UserIdGroupPairs: { UserId?: string; GroupId: string; Description?: string }[];
      IpRanges: { CidrIp: string; Description?: string }[];
      Ipv6Ranges: { CidrIpv6: string; Description?: string }[];
      PrefixListIds: { PrefixListId: string; Description?: string }[];
    }
  >();
  for (const r of rules) {
    const ported = hasPorts(r.ipProtocol);
    const key = ported ? `${r.ipProtocol}|${r.fromPort}|${r.toPort}` : r.ipProtocol;
    let p = perms.get(key);
    if (!p) {
      p = {
        IpProtocol: r.ipProtocol,
        FromPort: ported ? r.fromPort : undefined,
        ToPort: ported ? r.toPort : undefined,
        UserIdGroupPairs: [],
        IpRanges: [],
        Ipv6Ranges: [],
        PrefixListIds: [],
      };
      perms.set(key, p);
    }
    const Description = r.description;
    if (r.cidrIpv4 !== undefined) p.IpRanges.push({ CidrIp: r.cidrIpv4, Description });
    else if (r.cidrIpv6 !== undefined) p.Ipv6Ranges.push({ CidrIpv6: r.cidrIpv6, Description });
    else if (r.prefixListId !== undefined) p.PrefixListIds.push({ PrefixListId: r.prefixListId, Description });
    else if (r.referencedGroupId !== undefined) p.UserIdGroupPairs.push({ UserId: r.referencedUserId, GroupId: r.referencedGroupId, Description });
  }
  return [...perms.values()];
}

export function securityGroupView(region: RegionState, g: SecurityGroup) {
  const rules = [...g.rules.values()];
  return {
    GroupId: g.id,
    IpPermissionsEgress: ipPermissionsView(rules.filter((r) => r.isEgress)),
    Tags: tagList(g.tags),
    VpcId: g.vpcId,
    SecurityGroupArn: securityGroupArn(region, g),
    OwnerId: g.ownerId,
    GroupName: g.name,
    Description: g.description,
    IpPermissions: ipPermissionsView(rules.filter((r) => !r.isEgress)),
  };
}

export function securityGroupRuleView(region: RegionState, r: SecurityGroupRule) {
  return {
    SecurityGroupRuleId: r.id,
    GroupId: r.groupId,
    GroupOwnerId: r.groupOwnerId,
    IsEgress: r.isEgress,
    IpProtocol: r.ipProtocol,
    FromPort: r.fromPort,
    ToPort: r.toPort,
    CidrIpv4: r.cidrIpv4,
    CidrIpv6: r.cidrIpv6,
    PrefixListId: r.prefixListId,
    ReferencedGroupInfo: r.referencedGroupId !== undefined ? { GroupId: r.referencedGroupId, UserId: r.referencedUserId } : undefined,
    Description: r.description,
    Tags: tagList(r.tags) ?? [],
    SecurityGroupRuleArn: ruleArn(region, r),
  };
}

const revokedRuleView = (r: SecurityGroupRule) => ({
  SecurityGroupRuleId: r.id,
  GroupId: r.groupId,
  IsEgress: r.isEgress,
  IpProtocol: r.ipProtocol,
  FromPort: r.fromPort,
  ToPort: r.toPort,
  CidrIpv4: r.cidrIpv4,
  CidrIpv6: r.cidrIpv6,
  PrefixListId: r.prefixListId,
  ReferencedGroupId: r.referencedGroupId,
  Description: r.description,
});

// ---- filters ------------------------------------------------------------------------------------

/** DescribeSecurityGroups filters: every name the API reference lists. Rule filters match any rule of the group. */
export const securityGroupFilters = perWorld((region: RegionState): FilterSpec<SecurityGroup> => {
  const nameOf = (id: string | undefined) => (id === undefined ? undefined : region.securityGroups.get(id)?.name);
  const permissionGetters = (prefix: string, egress: boolean): FilterSpec<SecurityGroup>['getters'] => {
    const rules = (g: SecurityGroup) => [...g.rules.values()].filter((r) => r.isEgress === egress);
    const ports = (r: SecurityGroupRule, n: number) => (hasPorts(r.ipProtocol) ? n : undefined);
    return {
      [`${prefix}cidr`]: (g) => rules(g).map((r) => r.cidrIpv4),
      [`${prefix}from-port`]: (g) => rules(g).map((r) => ports(r, r.fromPort)),
      [`${prefix}group-id`]: (g) => rules(g).map((r) => r.referencedGroupId),
      [`${prefix}group-name`]: (g) => rules(g).map((r) => nameOf(r.referencedGroupId)),
      [`${prefix}ipv6-cidr`]: (g) => rules(g).map((r) => r.cidrIpv6),
      [`${prefix}prefix-list-id`]: (g) => rules(g).map((r) => r.prefixListId),
      [`${prefix}protocol`]: (g) => rules(g).map((r) => r.ipProtocol),
      [`${prefix}to-port`]: (g) => rules(g).map((r) => ports(r, r.toPort)),
      [`${prefix}user-id`]: (g) => rules(g).map((r) => r.referencedUserId),
    };
  };
  return {
    resourceName: 'security-group',
    tags: (g) => g.tags,
    getters: {
      description: (g) => g.description,
      'group-id': (g) => g.id,
      'group-name': (g) => g.name,
      'owner-id': (g) => g.ownerId,
      'vpc-id': (g) => g.vpcId,
      ...permissionGetters('ip-permission.', false),
      ...permissionGetters('egress.ip-permission.', true),
    },
  };
});

export const securityGroupRuleFilters: FilterSpec<SecurityGroupRule> = {
  resourceName: 'security-group-rule',
  tags: (r) => r.tags,
  getters: {
    'group-id': (r) => r.groupId,
    'security-group-rule-id': (r) => r.id,
  },
};

// ---- request helpers ----------------------------------------------------------------------------

/** GroupId, or GroupName in the default VPC. */
function resolveGroup(ctx: RequestContext, groupId: string | undefined, groupName: string | undefined): SecurityGroup {
  if (groupId !== undefined && groupId !== '') return getSecurityGroup(ctx.region, groupId);
  if (groupName !== undefined && groupName !== '') return getSecurityGroupByName(ctx.region, groupName);
  throw new Ec2Error('MissingParameter', 'The request must contain the parameter groupName or groupId');
}

/** Network interfaces keep their groups from deletion: registered once per world, on first need. */
const wiredWorlds = new WeakSet<RegionState>();
function wireUsageChecks(region: RegionState): void {
  if (wiredWorlds.has(region)) return;
  wiredWorlds.add(region);
  registerGroupUsageCheck(region, (groupId) => groupInUse(region, groupId));
}

const missingPermissions = () => new Ec2Error('MissingParameter', 'The request must contain the parameter ipPermissions');

type LegacyIngress = Pick<
  Input<'AuthorizeSecurityGroupIngress'>,
  'CidrIp' | 'FromPort' | 'ToPort' | 'IpProtocol' | 'SourceSecurityGroupName' | 'SourceSecurityGroupOwnerId' | 'IpPermissions'
>;

/**
 * The ingress rules of a request: `IpPermissions`, or the legacy top-level parameters. A source
 * group given alone grants full TCP, UDP and ICMP access (API reference, SourceSecurityGroupName).
 */
function ingressPermissions(input: LegacyIngress): IpPermissionInput[] {
  const legacy = [input.CidrIp, input.FromPort, input.ToPort, input.IpProtocol, input.SourceSecurityGroupName, input.SourceSecurityGroupOwnerId];
  if (legacy.every((v) => v === undefined)) return input.IpPermissions ?? [];
  if (input.IpPermissions?.length) {
    throw invalidCombination(
      'The parameter ipPermissions cannot be used with the parameters cidrIp, ipProtocol, fromPort, toPort, sourceSecurityGroupName or sourceSecurityGroupOwnerId.',
    );
  }
  if (input.SourceSecurityGroupName !== undefined || input.SourceSecurityGroupOwnerId !== undefined) {
    if (input.CidrIp !== undefined) throw invalidCombination('The parameter cidrIp cannot be used with the parameter sourceSecurityGroupName.');
    if (!input.SourceSecurityGroupName) throw missingParam('sourceSecurityGroupName');
    const UserIdGroupPairs = [{ GroupName: input.SourceSecurityGroupName, UserId: input.SourceSecurityGroupOwnerId }];
    if (input.IpProtocol !== undefined) return [{ IpProtocol: input.IpProtocol, FromPort: input.FromPort, ToPort: input.ToPort, UserIdGroupPairs }];
    return [
      { IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, UserIdGroupPairs },
      { IpProtocol: 'udp', FromPort: 0, ToPort: 65535, UserIdGroupPairs },
      { IpProtocol: 'icmp', FromPort: -1, ToPort: -1, UserIdGroupPairs },
    ];
  }
  return [
    { IpProtocol: input.IpProtocol, FromPort: input.FromPort, ToPort: input.ToPort, IpRanges: input.CidrIp !== undefined ? [{ CidrIp: input.CidrIp }] : [] },
  ];
}

/** Egress takes IP permissions only: the API reference marks the top-level parameters "Not supported". */
function egressPermissions(input: LegacyIngress): IpPermissionInput[] {
  const legacy = [input.CidrIp, input.FromPort, input.ToPort, input.IpProtocol, input.SourceSecurityGroupName, input.SourceSecurityGroupOwnerId];
  if (legacy.some((v) => v !== undefined)) {
    throw invalidCombination('Egress rules must be given as ipPermissions; cidrIp, ipProtocol, fromPort, toPort and sourceSecurityGroup* are not supported.');
  }
  return input.IpPermissions ?? [];
}

// ---- handlers -----------------------------------------------------------------------------------

function authorize(
  ctx: RequestContext,
  group: SecurityGroup,
  isEgress: boolean,
  perms: IpPermissionInput[],
  tagSpecs: Input<'AuthorizeSecurityGroupIngress'>['TagSpecifications'],
) {
  if (perms.length === 0) throw missingPermissions();
  const tags = tagsFromSpecs(tagSpecs, 'security-group-rule');
  const specs = parsePermissions(ctx.region, group, isEgress, perms);
  const rules = authorizeRules(ctx.region, group, isEgress, specs, tags);
  return { Return: true, SecurityGroupRules: rules.map((r) => securityGroupRuleView(ctx.region, r)) };
}

function revoke(ctx: RequestContext, group: SecurityGroup, isEgress: boolean, perms: IpPermissionInput[], ruleIds: string[] | undefined) {
  if (perms.length === 0 && !ruleIds?.length) throw missingPermissions();
  const specs = parsePermissions(ctx.region, group, isEgress, perms, false);
  const { revoked, unknown } = revokeRules(ctx.region, group, isEgress, specs, ruleIds);
  return {
    Return: true,
    UnknownIpPermissions: unknown.length > 0 ? ipPermissionsView(unknown) : undefined,
    RevokedSecurityGroupRules: revoked.map(revokedRuleView),
  };
}

function updateDescriptions(
  ctx: RequestContext,
  isEgress: boolean,
  input: Input<'UpdateSecurityGroupRuleDescriptionsIngress'> | Input<'UpdateSecurityGroupRuleDescriptionsEgress'>,
) {
  const group = resolveGroup(ctx, input.GroupId, input.GroupName);
  const perms = input.IpPermissions ?? [];
  const byId = input.SecurityGroupRuleDescriptions ?? [];
  if (perms.length === 0 && byId.length === 0) throw missingPermissions();
  const specs = parsePermissions(ctx.region, group, isEgress, perms);
  updateRuleDescriptions(
    group,
    isEgress,
    specs,
    byId.map((d) => ({ ruleId: d.SecurityGroupRuleId, description: d.Description })),
  );
  return { Return: true };
}

export const securityGroupHandlers = handlers({
  CreateSecurityGroup: (ctx, input) => {
    const tags = tagsFromSpecs(input.TagSpecifications, 'security-group');
    const g = createSecurityGroup(ctx.region, { name: input.GroupName, description: input.Description, vpcId: input.VpcId, tags });
    return { GroupId: g.id, Tags: tagList(g.tags), SecurityGroupArn: securityGroupArn(ctx.region, g) };
  },

  DeleteSecurityGroup: (ctx, input) => {
    const group = resolveGroup(ctx, input.GroupId, input.GroupName);
    wireUsageChecks(ctx.region);
    deleteSecurityGroup(ctx.region, group);
    return { Return: true, GroupId: group.id };
  },

  DescribeSecurityGroups: (ctx, input) => {
    const region = ctx.region;
    const ids = [...(input.GroupIds ?? []), ...(input.GroupNames ?? []).map((n) => getSecurityGroupByName(region, n).id)];
    const page = describe(
      ctx,
      input,
      securityGroupFilters(region),
      ids,
      (id) => getSecurityGroup(region, id),
      () => region.securityGroups.values(),
      input.GroupIds?.length ? 'groupIds' : 'groupNames',
    );
    return { SecurityGroups: page.items.map((g) => securityGroupView(region, g)), NextToken: page.nextToken };
  },

  AuthorizeSecurityGroupIngress: (ctx, input) => {
    const group = resolveGroup(ctx, input.GroupId, input.GroupName);
    return authorize(ctx, group, false, ingressPermissions(input), input.TagSpecifications);
  },

  AuthorizeSecurityGroupEgress: (ctx, input) => {
    const group = getSecurityGroup(ctx.region, input.GroupId);
    return authorize(ctx, group, true, egressPermissions(input), input.TagSpecifications);
  },

  RevokeSecurityGroupIngress: (ctx, input) => {
    const group = resolveGroup(ctx, input.GroupId, input.GroupName);
    return revoke(ctx, group, false, ingressPermissions(input), input.SecurityGroupRuleIds);
  },

  RevokeSecurityGroupEgress: (ctx, input) => {
    const group = getSecurityGroup(ctx.region, input.GroupId);
    return revoke(ctx, group, true, egressPermissions(input), input.SecurityGroupRuleIds);
  },

  DescribeSecurityGroupRules: (ctx, input) => {
    const region = ctx.region;
    const page = describe(
      ctx,
      input,
      securityGroupRuleFilters,
      input.SecurityGroupRuleIds,
      (id) => getSecurityGroupRule(region, id),
      () => allSecurityGroupRules(region),
      'securityGroupRuleIds',
    );
    return { SecurityGroupRules: page.items.map((r) => securityGroupRuleView(region, r)), NextToken: page.nextToken };
  },

  ModifySecurityGroupRules: (ctx, input) => {
    const group = getSecurityGroup(ctx.region, input.GroupId);
    modifyRules(
      ctx.region,
      group,
      input.SecurityGroupRules.map((u) => ({ ruleId: u.SecurityGroupRuleId, rule: u.SecurityGroupRule })),
    );
    return { Return: true };
  },

  UpdateSecurityGroupRuleDescriptionsIngress: (ctx, input) => updateDescriptions(ctx, false, input),
  UpdateSecurityGroupRuleDescriptionsEgress: (ctx, input) => updateDescriptions(ctx, true, input),
});
