/**
 * The invariant checker: facts that must hold after every request, whatever happened.
 * Used by tests (after each step of fuzz and race tests) and by GET /_ec2net/invariants.
 */
import { findSnapshot } from './volume-rules.js';
import type { Cloud, RegionState } from './cloud.js';
import { checkRouting } from './routing-invariants.js';
import { checkGatewayRouteTables } from './gateway-route-table.js';
import { checkPeering } from './peering-invariants.js';
import { checkVpn, vpnPublicIps } from './vpn-invariants.js';

export interface Violation {
  readonly world: string;
  readonly rule: string;
  readonly detail: string;
}

export function checkInvariants(cloud: Cloud): Violation[] {
  const out: Violation[] = [];
  // Public IPv4s (Elastic IPs and auto-assigned ones) come from one pool per region shared by
  // every account: no public address is ever held twice, across accounts and regions.
  const publicHolders = new Map<string, string>();
  for (const region of cloud.allRegions()) {
    checkRegion(region, out);
    const world = `${region.accountId}/${region.name}`;
    const held = [
      ...[...region.elasticIps.values()].map((e) => [e.publicIp, e.allocationId] as const),
      ...[...region.networkInterfaces.values()].flatMap((e) => (e.autoPublicIp ? [[e.autoPublicIp, e.id] as const] : [])),
      ...vpnPublicIps(region),
    ];
    for (const [ip, holder] of held) {
      const other = publicHolders.get(ip);
      if (other) out.push({ world, rule: 'public-ip-unique', detail: `${ip} held by both ${other} and ${world} ${holder}` });
      publicHolders.set(ip, `${world} ${holder}`);
    }
  }
  return out;
}

function checkRegion(region: RegionState, out: Violation[]): void {
  const world = `${region.accountId}/${region.name}`;
  const v = (rule: string, detail: string) => out.push({ world, rule, detail });

  // No private IPv4 held twice in a VPC; every held address allocated in its subnet's pool; index agrees.
  const heldPerSubnet = new Map<string, number>();
  const heldV6PerSubnet = new Map<string, number>();
  const heldV6PrefixesPerSubnet = new Map<string, number>();
  const heldTexts = new Set<string>();
  const seenInVpc = new Map<string, string>();
  for (const eni of region.networkInterfaces.values()) {
    const subnet = region.subnets.get(eni.subnetId);
    if (!subnet) {
      v('interface-subnet', `${eni.id} is in missing subnet ${eni.subnetId}`);
      continue;
    }
    if (eni.vpcId !== subnet.vpcId) v('interface-vpc', `${eni.id} says ${eni.vpcId}, its subnet ${subnet.id} is in ${subnet.vpcId}`);
    if (eni.privateIps.filter((i) => i.primary).length !== 1 || !eni.privateIps[0]?.primary) {
      v('one-primary', `${eni.id} must have exactly one primary address, first`);
    }
    // Security groups: 1..quota, each existing in the interface's VPC.
    if (
      (!eni.requesterManaged && eni.groupIds.length < 1) ||
      eni.groupIds.length > region.cloud.quotas.securityGroupsPerInterface ||
      new Set(eni.groupIds).size !== eni.groupIds.length
    ) {
      v('groups', `${eni.id} has ${eni.groupIds.length} groups (allowed 1..${region.cloud.quotas.securityGroupsPerInterface}, no repeats)`);
    }
    for (const g of eni.groupIds) {
      const group = region.securityGroups.get(g);
      if (!group || group.vpcId !== eni.vpcId) v('groups', `${eni.id} uses ${g}, which is not a group of ${eni.vpcId}`);
    }
    // Delegated IPv4 prefixes are delegated in the subnet's pool.
    const delegated = new Set(subnet.pool.prefixes().map((p) => p.base));
    for (const base of eni.ipv4Prefixes) {
      if (!delegated.has(base)) v('prefix-allocated', `${eni.id} prefix ${base} not delegated in ${subnet.id}`);
    }
    // IPv6: inside the subnet's live /64 and allocated in its pool (the pool makes them unique).
    const v6 = subnet.ipv6.find((a) => a.state === 'associated');
    for (const a of eni.ipv6Addresses) {
      if (!v6 || !v6.cidr.contains(a.address) || !v6.pool.isAllocatedSingly(a.address)) {
        v('ipv6-allocated', `${a.text} of ${eni.id} not allocated in ${subnet.id}'s IPv6 block`);
      }
    }
    // Delegated IPv6 prefixes: delegated in the subnet's live IPv6 block, as /80s.
    const delegated6 = v6 ? new Map(v6.pool.prefixes().map((p) => [p.base, p.prefixLen])) : undefined;
    for (const base of eni.ipv6Prefixes) {
      if (delegated6?.get(base) !== 80) v('ipv6-prefix-allocated', `${eni.id} prefix ${base} not delegated as a /80 in ${subnet.id}`);
    }
    if (v6) heldV6PrefixesPerSubnet.set(subnet.id, (heldV6PrefixesPerSubnet.get(subnet.id) ?? 0) + eni.ipv6Prefixes.length);
    if (v6) heldV6PerSubnet.set(subnet.id, (heldV6PerSubnet.get(subnet.id) ?? 0) + eni.ipv6Addresses.filter((a) => v6.cidr.contains(a.address)).length);
    for (const ip of eni.privateIps) {
      const key = `${eni.vpcId}/${ip.text}`;
      const other = seenInVpc.get(key);
      if (other) v('address-unique', `${ip.text} held by both ${other} and ${eni.id}`);
      seenInVpc.set(key, eni.id);
      if (!subnet.cidr.contains(ip.address)) v('address-in-subnet', `${ip.text} of ${eni.id} outside ${subnet.cidr}`);
      if (!subnet.pool.isAllocated(ip.address)) v('address-allocated', `${ip.text} of ${eni.id} not allocated in ${subnet.id}`);
      heldTexts.add(ip.text);
      const indexed = region.interfacesByPrivateIp.get(ip.text);
      if (!indexed.includes(eni)) v('ip-index', `${ip.text} of ${eni.id} missing from the index`);
      for (const x of indexed) {
        if (region.networkInterfaces.get(x.id) !== x || !x.privateIps.some((p) => p.text === ip.text)) {
          v('ip-index', `the index says ${x.id} holds ${ip.text}, which it does not`);
        }
      }
      // EIP ↔ private IP, from the interface's side.
      if (ip.elasticIp) {
        const eip = region.elasticIps.get(ip.elasticIp);
        if (!eip?.association || eip.association.networkInterfaceId !== eni.id || eip.association.privateIp !== ip.text) {
          v('eip-bijection', `${eni.id} ${ip.text} points at ${ip.elasticIp}, which does not point back`);
        }
      }
    }
    heldPerSubnet.set(subnet.id, (heldPerSubnet.get(subnet.id) ?? 0) + eni.privateIps.length + 16 * eni.ipv4Prefixes.length);
    // Attachment consistency on the interface's side.
    if (eni.attachment) {
      const enis = region.interfacesOfInstance(eni.attachment.instanceId);
      if (enis && !enis.includes(eni)) v('attachment', `${eni.id} claims ${eni.attachment.instanceId}, which does not list it`);
      if (eni.status !== 'in-use' && eni.status !== 'attaching' && eni.status !== 'detaching') v('attachment-status', `${eni.id} attached but ${eni.status}`);
    } else if (eni.status !== (eni.serviceAttachmentId !== undefined ? 'in-use' : 'available')) {
      v('attachment-status', `${eni.id} unattached but ${eni.status}`);
    }
  }
  // The index holds no address that no interface holds (stale keys).
  if (region.interfacesByPrivateIp.size !== heldTexts.size) {
    v('ip-index', `the index has ${region.interfacesByPrivateIp.size} addresses, interfaces hold ${heldTexts.size}`);
  }
  // Free counts match what interfaces hold (instances hold addresses only through interfaces).
  for (const subnet of region.subnets.values()) {
    const held = heldPerSubnet.get(subnet.id) ?? 0;
    if (subnet.pool.usedCount !== held) v('free-count', `${subnet.id} pool uses ${subnet.pool.usedCount}, interfaces hold ${held}`);
    if (subnet.pool.freeCount !== subnet.pool.size - 5 - subnet.pool.usedCount) v('free-count', `${subnet.id} free count arithmetic broken`);
    const v6 = subnet.ipv6.find((a) => a.state === 'associated');
    const heldV6 = heldV6PerSubnet.get(subnet.id) ?? 0;
    if (v6 && v6.pool.usedCount !== heldV6) v('ipv6-count', `${subnet.id} IPv6 pool uses ${v6.pool.usedCount}, interfaces hold ${heldV6}`);
    const heldV6Prefixes = heldV6PrefixesPerSubnet.get(subnet.id) ?? 0;
    if (v6 && v6.pool.prefixCount !== heldV6Prefixes) {
      v('ipv6-prefix-count', `${subnet.id} IPv6 block delegates ${v6.pool.prefixCount} prefixes, interfaces hold ${heldV6Prefixes}`);
    }
  }
  // EIP ↔ private IP, from the address's side; and an Elastic IP is only mapped into a VPC with a gateway.
  const gateways = checkInternetGateways(region, v);
  checkInterfacePermissions(region, v);
  checkVolumes(region, v);
  checkRouting(region, v);
  checkGatewayRouteTables(region, v);
  checkPeering(region, v);
  checkVpn(region, v);
  checkNamesUnique('key-pair-name', region.keyPairs.values(), v);
  checkNamesUnique('launch-template-name', region.launchTemplates.values(), v);
  checkNamesUnique('placement-group-name', region.placementGroups.values(), v);
  checkNamesUnique(
    'image-name',
    [...region.images.values()].filter((i) => i.state !== 'deregistered'),
    v,
  );
  checkImageSnapshots(region, v);
  for (const i of region.instances.values()) {
    if (i.placement && i.state !== 'terminated' && !region.placementGroups.has(i.placement.groupId))
      v('placement-group', `${i.id} is in placement group ${i.placement.groupId}, which does not exist`);
  }
  for (const t of region.launchTemplates.values()) {
    if (!t.versions.has(t.defaultVersion)) v('launch-template-default', `${t.id}'s default version ${t.defaultVersion} does not exist`);
    for (const n of t.versions.keys())
      if (n >= t.nextVersion) v('launch-template-numbering', `${t.id} has version ${n} at or past its next number ${t.nextVersion}`);
  }
  for (const eip of region.elasticIps.values()) {
    const a = eip.association;
    if (!a) continue;
    const eni = region.networkInterfaces.get(a.networkInterfaceId);
    const ip = eni?.privateIps.find((x) => x.text === a.privateIp);
    if (!ip || ip.elasticIp !== eip.allocationId)
      v('eip-bijection', `${eip.allocationId} points at ${a.networkInterfaceId} ${a.privateIp}, which does not point back`);
    if (eni && !gateways.has(eni.vpcId)) v('eip-gateway', `${eip.allocationId} is mapped into ${eni.vpcId}, which has no internet gateway`);
  }
}

/**
 * Volume attachments agree from both sides: each attachment names a live instance in the volume's
 * zone that lists the volume, each listed volume names the instance back, no device is used twice on
 * an instance, and a volume is `in-use` exactly when it has attachments.
 */
function checkVolumes(region: RegionState, v: (rule: string, detail: string) => void): void {
  for (const vol of region.volumes.values()) {
    if (vol.attachments.length > 0 !== (vol.state === 'in-use')) v('volume-state', `${vol.id} is ${vol.state} with ${vol.attachments.length} attachments`);
    if (vol.attachments.length > 1 && !vol.multiAttachEnabled)
      v('volume-multi-attach', `${vol.id} has ${vol.attachments.length} attachments without Multi-Attach`);
    for (const a of vol.attachments) {
      const i = region.instances.get(a.instanceId);
      if (!i || i.state === 'terminated') v('volume-attachment', `${vol.id} is attached to missing or terminated ${a.instanceId}`);
      else {
        if (!(i.volumeIds ?? []).includes(vol.id)) v('volume-attachment', `${vol.id} claims ${i.id}, which does not list it`);
        if (i.zone.zoneName !== vol.zone.zoneName) v('volume-zone', `${vol.id} in ${vol.zone.zoneName} attached to ${i.id} in ${i.zone.zoneName}`);
      }
    }
  }
  for (const i of region.instances.values()) {
    const devices = new Set<string>();
    for (const id of i.volumeIds ?? []) {
      const a = region.volumes.get(id)?.attachments.find((x) => x.instanceId === i.id);
      if (!a) v('volume-attachment', `${i.id} lists ${id}, which is not attached to it`);
      else if (devices.has(a.device)) v('volume-device', `${i.id} uses ${a.device} twice`);
      else devices.add(a.device);
    }
  }
}

/** A live image's snapshots exist: DeleteSnapshot refuses them while it does (catalogue root snapshots always exist). */
function checkImageSnapshots(region: RegionState, v: (rule: string, detail: string) => void): void {
  for (const image of region.images.values()) {
    if (image.state === 'deregistered') continue;
    for (const d of image.blockDevices) {
      const id = d.ebs?.snapshotId;
      if (id !== undefined && !findSnapshot(region, id)) v('image-snapshot', `${image.id} maps ${d.device} to missing ${id}`);
    }
  }
}

/** Key pair, launch template, placement group and live image names are unique in their world. */
function checkNamesUnique(rule: string, resources: Iterable<{ id: string; name: string }>, v: (rule: string, detail: string) => void): void {
  const seen = new Map<string, string>();
  for (const r of resources) {
    const other = seen.get(r.name);
    if (other) v(rule, `${other} and ${r.id} are both named '${r.name}'`);
    seen.set(r.name, r.id);
  }
}

/** Every network interface permission belongs to an interface that exists. */
function checkInterfacePermissions(region: RegionState, v: (rule: string, detail: string) => void): void {
  for (const p of region.interfacePermissions.values()) {
    if (!region.networkInterfaces.has(p.networkInterfaceId)) v('permission-interface', `${p.id} grants on missing interface ${p.networkInterfaceId}`);
  }
}

/** Each internet gateway is attached to a VPC that exists, and no VPC has two. Returns the VPCs that have one. */
function checkInternetGateways(region: RegionState, v: (rule: string, detail: string) => void): Map<string, string> {
  const byVpc = new Map<string, string>();
  for (const igw of region.internetGateways.values()) {
    if (igw.vpcId === undefined) continue;
    if (!region.vpcs.has(igw.vpcId)) v('gateway-vpc', `${igw.id} is attached to missing VPC ${igw.vpcId}`);
    const other = byVpc.get(igw.vpcId);
    if (other) v('gateway-per-vpc', `${igw.vpcId} has both ${other} and ${igw.id}`);
    byVpc.set(igw.vpcId, igw.id);
  }
  return byVpc;
}
