/** Network ACL operations: Create/Delete/Describe, entries, and subnet association replacement. */
import type { RegionState } from '../engine/cloud.js';
import { perWorld, type FilterSpec } from '../engine/filters.js';
import {
  aclAssociationsOf,
  createEntry,
  createNetworkAcl,
  deleteEntry,
  deleteNetworkAcl,
  getAclAssociation,
  getNetworkAcl,
  parseEntry,
  replaceAclAssociation,
  replaceEntry,
} from '../engine/network-acl.js';
import type { NetworkAcl, NetworkAclEntry } from '../engine/routing-model.js';
import { tagList, tagsFromSpecs } from '../engine/tags.js';
import { getVpc } from '../engine/vpc.js';
import { describe } from './describe.js';
import { handlers } from './handler.js';
import { idempotent } from './idempotency.js';

const entryView = (e: NetworkAclEntry) => ({
  CidrBlock: e.cidrBlock,
  Ipv6CidrBlock: e.ipv6CidrBlock,
  Egress: e.egress,
  Protocol: e.protocol,
  RuleAction: e.ruleAction,
  RuleNumber: e.ruleNumber,
  IcmpTypeCode: e.icmpType !== undefined ? { Type: e.icmpType, Code: e.icmpCode } : undefined,
  PortRange: e.portFrom !== undefined ? { From: e.portFrom, To: e.portTo } : undefined,
});

export function networkAclView(region: RegionState, acl: NetworkAcl) {
  return {
    Associations: aclAssociationsOf(region, acl.id).map((a) => ({ NetworkAclAssociationId: a.id, NetworkAclId: a.networkAclId, SubnetId: a.subnetId })),
    Entries: acl.entries.map(entryView),
    IsDefault: acl.isDefault,
    NetworkAclId: acl.id,
    Tags: tagList(acl.tags),
    VpcId: acl.vpcId,
    OwnerId: acl.ownerId,
  };
}

/** The filters the DescribeNetworkAcls reference lists. */
const networkAclFilters = perWorld((region: RegionState): FilterSpec<NetworkAcl> => {
  const entries = (a: NetworkAcl, f: (e: NetworkAclEntry) => string | number | boolean | undefined) => a.entries.map(f);
  return {
    resourceName: 'network-acl',
    tags: (a) => a.tags,
    getters: {
      'association.association-id': (a) => aclAssociationsOf(region, a.id).map((x) => x.id),
      'association.network-acl-id': (a) => aclAssociationsOf(region, a.id).map((x) => x.networkAclId),
      'association.subnet-id': (a) => aclAssociationsOf(region, a.id).map((x) => x.subnetId),
      default: (a) => a.isDefault,
      'entry.cidr': (a) => entries(a, (e) => e.cidrBlock),
      'entry.icmp.code': (a) => entries(a, (e) => e.icmpCode),
      'entry.icmp.type': (a) => entries(a, (e) => e.icmpType),
      'entry.ipv6-cidr': (a) => entries(a, (e) => e.ipv6CidrBlock),
      'entry.port-range.from': (a) => entries(a, (e) => e.portFrom),
      'entry.port-range.to': (a) => entries(a, (e) => e.portTo),
      'entry.protocol': (a) => entries(a, (e) => e.protocol),
      'entry.rule-action': (a) => entries(a, (e) => e.ruleAction),
      'entry.egress': (a) => entries(a, (e) => e.egress),
      'entry.rule-number': (a) => entries(a, (e) => e.ruleNumber),
      'network-acl-id': (a) => a.id,
      'owner-id': (a) => a.ownerId,
      'vpc-id': (a) => a.vpcId,
    },
  };
});

export const networkAclHandlers = handlers({
  CreateNetworkAcl: (ctx, input) =>
    idempotent(
      ctx,
      input,
      () => {
        const vpc = getVpc(ctx.region, input.VpcId);
        const acl = createNetworkAcl(ctx.region, vpc, tagsFromSpecs(input.TagSpecifications, 'network-acl'));
        return { id: acl.id, output: { NetworkAcl: networkAclView(ctx.region, acl), ClientToken: input.ClientToken } };
      },
      (id) => ({ NetworkAcl: networkAclView(ctx.region, getNetworkAcl(ctx.region, id)), ClientToken: input.ClientToken }),
    ),

  DeleteNetworkAcl: (ctx, input) => {
    deleteNetworkAcl(ctx.region, getNetworkAcl(ctx.region, input.NetworkAclId));
    return {};
  },

  DescribeNetworkAcls: (ctx, input) => {
    const page = describe(
      ctx,
      input,
      networkAclFilters(ctx.region),
      input.NetworkAclIds,
      (id) => getNetworkAcl(ctx.region, id),
      () => ctx.region.networkAcls.values(),
      'networkAclIds',
    );
    return { NetworkAcls: page.items.map((a) => networkAclView(ctx.region, a)), NextToken: page.nextToken };
  },

  CreateNetworkAclEntry: (ctx, input) => {
    const acl = getNetworkAcl(ctx.region, input.NetworkAclId);
    createEntry(acl, parseEntry(input));
    return {};
  },

  ReplaceNetworkAclEntry: (ctx, input) => {
    const acl = getNetworkAcl(ctx.region, input.NetworkAclId);
    replaceEntry(acl, parseEntry(input));
    return {};
  },

  DeleteNetworkAclEntry: (ctx, input) => {
    const acl = getNetworkAcl(ctx.region, input.NetworkAclId);
    deleteEntry(acl, input.RuleNumber, input.Egress);
    return {};
  },

  ReplaceNetworkAclAssociation: (ctx, input) => {
    const assoc = getAclAssociation(ctx.region, input.AssociationId);
    const next = replaceAclAssociation(ctx.region, assoc, getNetworkAcl(ctx.region, input.NetworkAclId));
    return { NewAssociationId: next.id };
  },
});
