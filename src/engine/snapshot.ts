/**
 * A plain-JSON picture of the whole cloud: every world's resources with their addresses and
 * tags. Used by GET /_ec2net/state (and later by export/import).
 */
import type { Cloud, RegionState } from './cloud.js';
import { formatIpv4, formatIpv6 } from './cidr.js';
import type { ElasticIp, Instance, InternetGateway, KeyPair, LaunchTemplate, NetworkInterface, SecurityGroup, Subnet, Tags, Volume, Vpc } from './model.js';
import type { StsSession } from './sts.js';

const tagsJson = (tags: Tags) => Object.fromEntries(tags);

/** A CIDR association; one no longer associated (still listed, as AWS lists it) carries its state. */
function associationJson(a: { readonly associationId: string; readonly cidr: { toString(): string }; readonly state: string }) {
  return { associationId: a.associationId, cidr: a.cidr.toString(), ...(a.state !== 'associated' && { state: a.state }) };
}

function vpcJson(v: Vpc) {
  return {
    id: v.id,
    isDefault: v.isDefault,
    state: v.state,
    cidrs: v.cidrs.map(associationJson),
    ipv6Cidrs: v.ipv6Cidrs.map(associationJson),
    dhcpOptionsId: v.dhcpOptionsId,
    instanceTenancy: v.instanceTenancy,
    enableDnsSupport: v.enableDnsSupport,
    enableDnsHostnames: v.enableDnsHostnames,
    tags: tagsJson(v.tags),
  };
}

function internetGatewayJson(g: InternetGateway) {
  return { id: g.id, vpcId: g.vpcId, tags: tagsJson(g.tags) };
}

function subnetJson(s: Subnet) {
  return {
    id: s.id,
    vpcId: s.vpcId,
    availabilityZone: s.zone.zoneName,
    cidr: s.cidr.toString(),
    ipv6: s.ipv6.map(associationJson),
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

function interfaceJson(e: NetworkInterface) {
  return {
    id: e.id,
    subnetId: e.subnetId,
    vpcId: e.vpcId,
    availabilityZone: e.zone.zoneName,
    macAddress: e.macAddress,
    interfaceType: e.interfaceType,
    description: e.description,
    sourceDestCheck: e.sourceDestCheck,
    status: e.status,
    privateIps: e.privateIps.map((ip) => ({ address: ip.text, primary: ip.primary, elasticIp: ip.elasticIp })),
    ipv6Addresses: e.ipv6Addresses.map((a) => a.text),
    ipv4Prefixes: e.ipv4Prefixes.map((b) => `${formatIpv4(b)}/28`),
    ipv6Prefixes: e.ipv6Prefixes.map((b) => `${formatIpv6(b)}/80`),
    groupIds: e.groupIds,
    attachment: e.attachment ? { ...e.attachment, attachTime: e.attachment.attachTime.toISOString() } : undefined,
    autoPublicIp: e.autoPublicIp,
    createdAt: e.createdAt.toISOString(),
    tags: tagsJson(e.tags),
  };
}

function instanceJson(i: Instance) {
  return {
    id: i.id,
    reservationId: i.reservationId,
    imageId: i.imageId,
    instanceType: i.instanceType,
    availabilityZone: i.zone.zoneName,
    subnetId: i.subnetId,
    vpcId: i.vpcId,
    state: i.state,
    launchTime: i.launchTime.toISOString(),
    interfaceIds: i.interfaceIds,
    wantsPublicIp: i.wantsPublicIp,
    metadata: i.metadata,
    rootDeviceName: i.rootDeviceName,
    volumeIds: i.volumeIds ?? [],
    attributes: i.attributes,
    placement: i.placement,
    tags: tagsJson(i.tags),
  };
}

function volumeJson(v: Volume) {
  return {
    id: v.id,
    availabilityZone: v.zone.zoneName,
    createTime: v.createTime.toISOString(),
    size: v.size,
    volumeType: v.volumeType,
    iops: v.iops,
    throughput: v.throughput,
    encrypted: v.encrypted,
    kmsKeyId: v.kmsKeyId,
    snapshotId: v.snapshotId,
    multiAttachEnabled: v.multiAttachEnabled,
    state: v.state,
    attachments: v.attachments.map((a) => ({ ...a, attachTime: a.attachTime.toISOString() })),
    modification: v.modification
      ? { ...v.modification, startTime: v.modification.startTime.toISOString(), endTime: v.modification.endTime?.toISOString() }
      : undefined,
    tags: tagsJson(v.tags),
  };
}

function elasticIpJson(a: ElasticIp) {
  return {
    allocationId: a.allocationId,
    publicIp: a.publicIp,
    networkBorderGroup: a.networkBorderGroup,
    association: a.association,
    tags: tagsJson(a.tags),
  };
}

function keyPairJson(k: KeyPair) {
  return {
    id: k.id,
    name: k.name,
    keyType: k.keyType,
    fingerprint: k.fingerprint,
    publicKey: k.publicKey,
    createTime: k.createTime.toISOString(),
    tags: tagsJson(k.tags),
  };
}

function launchTemplateJson(t: LaunchTemplate) {
  return {
    id: t.id,
    name: t.name,
    createTime: t.createTime.toISOString(),
    createdBy: t.createdBy,
    defaultVersion: t.defaultVersion,
    nextVersion: t.nextVersion,
    versions: [...t.versions.values()].map((v) => ({ number: v.number, description: v.description, createTime: v.createTime.toISOString(), data: v.data })),
    tags: tagsJson(t.tags),
  };
}

function regionJson(r: RegionState) {
  return {
    accountId: r.accountId,
    region: r.name,
    vpcs: [...r.vpcs.values()].map(vpcJson),
    subnets: [...r.subnets.values()].map(subnetJson),
    internetGateways: [...r.internetGateways.values()].map(internetGatewayJson),
    interfacePermissions: [...r.interfacePermissions.values()].map((p) => ({ ...p })),
    securityGroups: [...r.securityGroups.values()].map(groupJson),
    networkInterfaces: [...r.networkInterfaces.values()].map(interfaceJson),
    instances: [...r.instances.values()].map(instanceJson),
    elasticIps: [...r.elasticIps.values()].map(elasticIpJson),
    volumes: [...r.volumes.values()].map(volumeJson),
    keyPairs: [...r.keyPairs.values()].map(keyPairJson),
    placementGroups: [...r.placementGroups.values()].map((g) => ({ ...g, tags: tagsJson(g.tags) })),
    routeTables: [...r.routeTables.values()].map((t) => ({ id: t.id, vpcId: t.vpcId, routes: t.routes.map((x) => ({ ...x })), tags: tagsJson(t.tags) })),
    routeTableAssociations: [...r.routeTableAssociations.values()].map((a) => ({ ...a })),
    networkAcls: [...r.networkAcls.values()].map((a) => ({
      id: a.id,
      vpcId: a.vpcId,
      isDefault: a.isDefault,
      entries: a.entries.map((e) => ({ ...e })),
      tags: tagsJson(a.tags),
    })),
    networkAclAssociations: [...r.networkAclAssociations.values()].map((a) => ({ ...a })),
    natGateways: [...r.natGateways.values()].map((n) => ({
      ...n,
      createTime: new Date(n.createTime).toISOString(),
      deleteTime: n.deleteTime !== undefined ? new Date(n.deleteTime).toISOString() : undefined,
      tags: tagsJson(n.tags),
    })),
    prefixLists: [...r.prefixLists.values()].map((l) => ({
      ...l,
      entries: l.entries.map((e) => ({ ...e })),
      versions: l.versions.map((v) => ({ version: v.version, entries: v.entries.map((e) => ({ ...e })) })),
      tags: tagsJson(l.tags),
    })),
    vpcEndpoints: [...r.vpcEndpoints.values()].map((e) => ({
      ...e,
      routeTableIds: [...e.routeTableIds],
      subnetIds: [...e.subnetIds],
      networkInterfaceIds: [...e.networkInterfaceIds],
      groupIds: [...e.groupIds],
      createTime: new Date(e.createTime).toISOString(),
      tags: tagsJson(e.tags),
    })),
    vpnGateways: [...r.vpnGateways.values()].map((g) => ({
      ...g,
      attachments: g.attachments.map((a) => ({ ...a })),
      propagations: [...g.propagations],
      tags: tagsJson(g.tags),
    })),
    customerGateways: [...r.customerGateways.values()].map((g) => ({ ...g, tags: tagsJson(g.tags) })),
    vpnConnections: [...r.vpnConnections.values()].map((c) => ({
      ...c,
      tunnels: c.tunnels.map((t) => ({ ...t })),
      routes: c.routes.map((x) => ({ ...x })),
      lastStatusChange: new Date(c.lastStatusChange).toISOString(),
      tags: tagsJson(c.tags),
    })),
    vpcPeeringConnections: [...r.vpcPeeringConnections.values()].map((s) => ({
      ...s.connection,
      requester: { ...s.connection.requester },
      accepter: { ...s.connection.accepter },
      requesterOptions: { ...s.connection.requesterOptions },
      accepterOptions: { ...s.connection.accepterOptions },
      createTime: new Date(s.connection.createTime).toISOString(),
      expirationTime: new Date(s.connection.expirationTime).toISOString(),
      tags: tagsJson(s.tags),
    })),
    egressOnlyInternetGateways: [...r.egressOnlyInternetGateways.values()].map((g) => ({ id: g.id, vpcId: g.vpcId, tags: tagsJson(g.tags) })),
    dhcpOptions: [...r.dhcpOptions.values()].map((d) => ({
      id: d.id,
      configurations: d.configurations.map((c) => ({ key: c.key, values: [...c.values] })),
      tags: tagsJson(d.tags),
    })),
    launchTemplates: [...r.launchTemplates.values()].map(launchTemplateJson),
    snapshots: [...r.snapshots.values()].map((s) => ({
      ...s,
      startTime: s.startTime.toISOString(),
      completionTime: s.completionTime?.toISOString(),
      tags: tagsJson(s.tags),
    })),
    images: [...r.images.values()].map((i) => ({
      ...i,
      creationDate: i.creationDate.toISOString(),
      deregisteredAt: i.deregisteredAt?.toISOString(),
      blockDevices: i.blockDevices.map((b) => ({ ...b, ebs: b.ebs && { ...b.ebs } })),
      launchGroups: [...i.launchGroups],
      launchUserIds: [...i.launchUserIds],
      tags: tagsJson(i.tags),
    })),
    pendingTransitions: r.timers.map((t) => ({ ...t, at: new Date(t.at).toISOString() })),
  };
}

export function exportState(cloud: Cloud) {
  return {
    format: 'ec2net-state',
    version: 1,
    worlds: [...cloud.allRegions()].map(regionJson),
    stsSessions: [...cloud.stsSessions.values()].map(stsSessionJson),
  };
}

/** Temporary credentials as the export shows them: who they act as and until when, never their secret or token. */
function stsSessionJson(s: StsSession) {
  return {
    accessKeyId: s.accessKeyId,
    kind: s.kind,
    accountId: s.accountId,
    arn: s.arn,
    userId: s.userId,
    issued: new Date(s.issuedAt).toISOString(),
    expiration: new Date(s.expiresAt).toISOString(),
  };
}
