/**
 * A plain-JSON picture of the whole cloud: every world's resources with their addresses and
 * tags. Used by GET /_ec2net/state (and later by export/import).
 */
import type { Cloud, RegionState } from './cloud.js';
import type { SecurityGroup, Subnet, Tags, Vpc } from './model.js';

const tagsJson = (tags: Tags) => Object.fromEntries(tags);

function vpcJson(v: Vpc) {
  return {
    id: v.id,
    isDefault: v.isDefault,
    state: v.state,
    cidrs: v.cidrs.map((c) => ({ associationId: c.associationId, cidr: c.cidr.toString() })),
    ipv6Cidrs: v.ipv6Cidrs.map((c) => ({ associationId: c.associationId, cidr: c.cidr.toString() })),
    dhcpOptionsId: v.dhcpOptionsId,
    instanceTenancy: v.instanceTenancy,
    enableDnsSupport: v.enableDnsSupport,
    enableDnsHostnames: v.enableDnsHostnames,
    tags: tagsJson(v.tags),
  };
}

function subnetJson(s: Subnet) {
  return {
    id: s.id,
    vpcId: s.vpcId,
    availabilityZone: s.zone.zoneName,
    cidr: s.cidr.toString(),
    ipv6: s.ipv6.map((a) => ({ associationId: a.associationId, cidr: a.cidr.toString() })),
    defaultForAz: s.defaultForAz,
    mapPublicIpOnLaunch: s.mapPublicIpOnLaunch,
    assignIpv6AddressOnCreation: s.assignIpv6AddressOnCreation,
    availableIpAddressCount: s.pool.freeCount,
    tags: tagsJson(s.tags),
  };
}

function groupJson(g: SecurityGroup) {
  return {
    id: g.id,
    vpcId: g.vpcId,
    name: g.name,
    description: g.description,
    isDefault: g.isDefault,
    rules: [...g.rules.values()].map((r) => ({ ...r, tags: tagsJson(r.tags) })),
    tags: tagsJson(g.tags),
  };
}

function regionJson(r: RegionState) {
  return {
    accountId: r.accountId,
    region: r.name,
    vpcs: [...r.vpcs.values()].map(vpcJson),
    subnets: [...r.subnets.values()].map(subnetJson),
    securityGroups: [...r.securityGroups.values()].map(groupJson),
  };
}

export function exportState(cloud: Cloud) {
  return { format: 'ec2net-state', version: 1, worlds: [...cloud.allRegions()].map(regionJson) };
}
