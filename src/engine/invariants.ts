/**
 * The invariant checker: facts that must hold after every request, whatever happened.
 * Used by tests (after each step of fuzz and race tests) and by GET /_ec2net/invariants.
 */
import type { Cloud, RegionState } from './cloud.js';

export interface Violation {
  readonly world: string;
  readonly rule: string;
  readonly detail: string;
}

export function checkInvariants(cloud: Cloud): Violation[] {
  const out: Violation[] = [];
  for (const region of cloud.allRegions()) checkRegion(region, out);
  return out;
}

function checkRegion(region: RegionState, out: Violation[]): void {
  const world = `${region.accountId}/${region.name}`;
  const v = (rule: string, detail: string) => out.push({ world, rule, detail });

  // No private IPv4 held twice in a VPC; every held address allocated in its subnet's pool; index agrees.
  const heldPerSubnet = new Map<string, number>();
  const seenInVpc = new Map<string, string>();
  for (const eni of region.networkInterfaces.values()) {
    const subnet = region.subnets.get(eni.subnetId);
    if (!subnet) {
      v('interface-subnet', `${eni.id} is in missing subnet ${eni.subnetId}`);
      continue;
    }
    if (eni.privateIps.filter((i) => i.primary).length !== 1 || !eni.privateIps[0]?.primary) {
      v('one-primary', `${eni.id} must have exactly one primary address, first`);
    }
    for (const ip of eni.privateIps) {
      const key = `${eni.vpcId}/${ip.text}`;
      const other = seenInVpc.get(key);
      if (other) v('address-unique', `${ip.text} held by both ${other} and ${eni.id}`);
      seenInVpc.set(key, eni.id);
      if (!subnet.cidr.contains(ip.address)) v('address-in-subnet', `${ip.text} of ${eni.id} outside ${subnet.cidr}`);
      if (!subnet.pool.isAllocated(ip.address)) v('address-allocated', `${ip.text} of ${eni.id} not allocated in ${subnet.id}`);
      if (!region.interfacesByPrivateIp.get(ip.text).includes(eni)) v('ip-index', `${ip.text} of ${eni.id} missing from the index`);
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
    } else if (eni.status !== 'available') {
      v('attachment-status', `${eni.id} unattached but ${eni.status}`);
    }
  }
  // Free counts match what interfaces hold (instances hold addresses only through interfaces).
  for (const subnet of region.subnets.values()) {
    const held = heldPerSubnet.get(subnet.id) ?? 0;
    if (subnet.pool.usedCount !== held) v('free-count', `${subnet.id} pool uses ${subnet.pool.usedCount}, interfaces hold ${held}`);
    if (subnet.pool.freeCount !== subnet.pool.size - 5 - subnet.pool.usedCount) v('free-count', `${subnet.id} free count arithmetic broken`);
  }
  // EIP ↔ private IP, from the address's side.
  for (const eip of region.elasticIps.values()) {
    const a = eip.association;
    if (!a) continue;
    const eni = region.networkInterfaces.get(a.networkInterfaceId);
    const ip = eni?.privateIps.find((x) => x.text === a.privateIp);
    if (!ip || ip.elasticIp !== eip.allocationId) v('eip-bijection', `${eip.allocationId} points at ${a.networkInterfaceId} ${a.privateIp}, which does not point back`);
  }
}
