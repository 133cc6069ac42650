/**
 * Invariants of route tables, network ACLs and DHCP options: exactly one main association per
 * VPC, every subnet associated with exactly one ACL of its own VPC, associations pointing at
 * things that exist, a local route for every block of the VPC, and routes whose targets are gone
 * shown as blackholes.
 */
import type { RegionState } from './cloud.js';
import { routeState } from './route-table.js';

export function checkRouting(region: RegionState, v: (rule: string, detail: string) => void): void {
  const mains = new Map<string, number>();
  const explicit = new Set<string>();
  for (const a of region.routeTableAssociations.values()) {
    const table = region.routeTables.get(a.routeTableId);
    if (!table || table.vpcId !== a.vpcId) v('route-association', `${a.id} points at ${a.routeTableId}, not a table of ${a.vpcId}`);
    if (a.main) mains.set(a.vpcId, (mains.get(a.vpcId) ?? 0) + 1);
    if (a.subnetId !== undefined) {
      const subnet = region.subnets.get(a.subnetId);
      if (!subnet || subnet.vpcId !== a.vpcId) v('route-association', `${a.id} associates missing or foreign subnet ${a.subnetId}`);
      if (explicit.has(a.subnetId)) v('route-association', `${a.subnetId} has two route table associations`);
      explicit.add(a.subnetId);
    }
  }
  for (const vpc of region.vpcs.values()) {
    if (mains.get(vpc.id) !== 1) v('main-route-table', `${vpc.id} has ${mains.get(vpc.id) ?? 0} main associations`);
    const acls = [...region.networkAcls.values()].filter((a) => a.vpcId === vpc.id && a.isDefault);
    if (acls.length !== 1) v('default-network-acl', `${vpc.id} has ${acls.length} default ACLs`);
    if (vpc.dhcpOptionsId !== 'default' && !region.dhcpOptions.has(vpc.dhcpOptionsId)) v('dhcp-options', `${vpc.id} uses missing ${vpc.dhcpOptionsId}`);
  }
  for (const t of region.routeTables.values()) {
    const vpc = region.vpcs.get(t.vpcId);
    if (!vpc) {
      v('route-table-vpc', `${t.id} is in missing VPC ${t.vpcId}`);
      continue;
    }
    // A gateway route table's local route may target an interface instead (gateway-route-table.ts).
    const local = new Set(
      t.routes.filter((r) => r.gatewayId === 'local' || r.networkInterfaceId !== undefined).map((r) => r.destinationCidrBlock ?? r.destinationIpv6CidrBlock),
    );
    for (const c of [...vpc.cidrs, ...vpc.ipv6Cidrs]) {
      if (c.state === 'associated' && !local.has(c.cidr.toString())) v('local-route', `${t.id} lacks the local route for ${c.cidr}`);
    }
    for (const r of t.routes) {
      // A target that no longer exists must show as a blackhole.
      const gone =
        (r.gatewayId !== undefined &&
          r.gatewayId !== 'local' &&
          !region.internetGateways.has(r.gatewayId) &&
          !region.vpcEndpoints.has(r.gatewayId) &&
          !region.vpnGateways.has(r.gatewayId)) ||
        (r.networkInterfaceId !== undefined && !region.networkInterfaces.has(r.networkInterfaceId));
      if (gone && routeState(region, t, r) !== 'blackhole') v('route-blackhole', `${t.id} route to a missing target is not a blackhole`);
    }
  }
  // A gateway endpoint's tables each hold its route; an interface endpoint's interfaces exist, one per subnet.
  for (const e of region.vpcEndpoints.values()) {
    for (const id of e.routeTableIds) {
      const t = region.routeTables.get(id);
      if (t && !t.routes.some((r) => r.gatewayId === e.id)) v('endpoint-route', `${e.id} lacks its route in ${id}`);
    }
    if (e.networkInterfaceIds.length !== e.subnetIds.length || e.networkInterfaceIds.some((id) => !region.networkInterfaces.has(id))) {
      v('endpoint-interfaces', `${e.id} does not hold one interface per subnet`);
    }
  }
  // A NAT gateway that is not deleted (nor failed) holds its requester-managed interface in its subnet.
  for (const n of region.natGateways.values()) {
    const live = n.state === 'pending' || n.state === 'available' || n.state === 'deleting';
    const eni = n.networkInterfaceId !== undefined ? region.networkInterfaces.get(n.networkInterfaceId) : undefined;
    if (live && !n.failure && (!eni || !eni.requesterManaged || eni.interfaceType !== 'nat_gateway' || eni.subnetId !== n.subnetId)) {
      v('nat-interface', `${n.id} (${n.state}) lacks its requester-managed interface in ${n.subnetId}`);
    }
    if (!live && eni) v('nat-interface', `${n.id} (${n.state}) still holds ${eni.id}`);
  }
  for (const g of region.egressOnlyInternetGateways.values()) {
    if (!region.vpcs.has(g.vpcId)) v('egress-only-gateway-vpc', `${g.id} is attached to missing VPC ${g.vpcId}`);
  }
  const aclOf = new Map<string, number>();
  for (const a of region.networkAclAssociations.values()) {
    const acl = region.networkAcls.get(a.networkAclId);
    const subnet = region.subnets.get(a.subnetId);
    if (!acl || !subnet || acl.vpcId !== subnet.vpcId)
      v('acl-association', `${a.id} joins ${a.networkAclId} and ${a.subnetId}, not an ACL and subnet of one VPC`);
    aclOf.set(a.subnetId, (aclOf.get(a.subnetId) ?? 0) + 1);
  }
  for (const s of region.subnets.values()) {
    if (aclOf.get(s.id) !== 1) v('acl-association', `${s.id} has ${aclOf.get(s.id) ?? 0} network ACL associations`);
  }
}
