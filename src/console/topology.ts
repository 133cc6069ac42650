/**
 * The console's read model: a compact picture of one account × region world, built from the
 * engine (the detail panels use the API's own views instead, see routes.ts). Reading never
 * creates a world: only worlds that exist are found.
 */
import { formatIpv4, formatIpv6 } from '../engine/cidr.js';
import type { Cloud, RegionState } from '../engine/cloud.js';
import type { ElasticIp, Instance, NetworkInterface, Subnet, Tags, Vpc } from '../engine/model.js';
import { routeInstanceId, routeState } from '../engine/route-table.js';
import type { Route, RouteTable } from '../engine/routing-model.js';
import { isLive, vpcOfEnd } from '../engine/vpc-peering.js';
import { vpnGatewayVpc } from '../engine/vpn-gateway.js';
import type {
  ElasticIpNode,
  InstanceNode,
  InterfaceNode,
  PeeringNode,
  RouteNode,
  RouteTableNode,
  SubnetNode,
  TopologyResponse,
  VpcSummary,
  VpnConnectionNode,
  WorldsResponse,
} from './types.js';

const nameOf = (tags: Tags) => tags.get('Name');

/** The world of `account` in `region`, if it exists (never created here). */
export function findWorld(cloud: Cloud, account: string, region: string): RegionState | undefined {
  for (const world of cloud.allRegions()) if (world.accountId === account && world.name === region) return world;
  return undefined;
}

export function worldsView(cloud: Cloud, defaultRegion: string): Omit<WorldsResponse, 'readOnly'> {
  const worlds = [...cloud.allRegions()]
    .map((w) => ({ account: w.accountId, region: w.name, vpcCount: w.vpcs.size, interfaceCount: w.networkInterfaces.size }))
    .sort((a, b) => a.account.localeCompare(b.account) || a.region.localeCompare(b.region));
  return { defaultAccount: cloud.defaultAccountId, defaultRegion, worlds };
}

function vpcSummaries(world: RegionState): VpcSummary[] {
  const counts = new Map<string, { subnets: number; interfaces: number; instances: number }>();
  const bump = (vpcId: string, key: 'subnets' | 'interfaces' | 'instances') => {
    let c = counts.get(vpcId);
    if (!c) counts.set(vpcId, (c = { subnets: 0, interfaces: 0, instances: 0 }));
    c[key]++;
  };
  for (const s of world.subnets.values()) bump(s.vpcId, 'subnets');
  for (const e of world.networkInterfaces.values()) bump(e.vpcId, 'interfaces');
  for (const i of world.instances.values()) bump(i.vpcId, 'instances');
  const gateways = new Map<string, string>();
  for (const g of world.internetGateways.values()) if (g.vpcId !== undefined) gateways.set(g.vpcId, g.id);
  return [...world.vpcs.values()].map((v: Vpc) => {
    const c = counts.get(v.id);
    return {
      id: v.id,
      name: nameOf(v.tags),
      cidrs: v.cidrs.filter((a) => a.state === 'associated').map((a) => a.cidr.toString()),
      ipv6Cidrs: v.ipv6Cidrs.filter((a) => a.state === 'associated').map((a) => a.cidr.toString()),
      isDefault: v.isDefault,
      state: v.state,
      internetGatewayId: gateways.get(v.id),
      subnetCount: c?.subnets ?? 0,
      interfaceCount: c?.interfaces ?? 0,
      instanceCount: c?.instances ?? 0,
    };
  });
}

/** Which table each subnet uses and which network ACL guards it, for one VPC. */
interface SubnetRouting {
  readonly explicit: Map<string, string>;
  readonly mainTableId?: string;
  readonly acls: Map<string, string>;
}

function subnetRouting(world: RegionState, vpcId: string | undefined): SubnetRouting {
  const explicit = new Map<string, string>();
  let mainTableId: string | undefined;
  for (const a of world.routeTableAssociations.values()) {
    if (a.vpcId !== vpcId) continue;
    if (a.main) mainTableId = a.routeTableId;
    else if (a.subnetId !== undefined) explicit.set(a.subnetId, a.routeTableId);
  }
  const acls = new Map<string, string>();
  for (const a of world.networkAclAssociations.values()) acls.set(a.subnetId, a.networkAclId);
  return { explicit, mainTableId, acls };
}

function subnetNode(s: Subnet, routing: SubnetRouting): SubnetNode {
  const pool = s.pool;
  const explicit = routing.explicit.get(s.id);
  return {
    id: s.id,
    name: nameOf(s.tags),
    cidr: s.cidr.toString(),
    ipv6Cidrs: s.ipv6.filter((a) => a.state === 'associated').map((a) => a.cidr.toString()),
    zone: s.zone.zoneName,
    zoneId: s.zone.zoneId,
    defaultForAz: s.defaultForAz,
    usage: { total: pool.size, reserved: pool.reservedCount, used: pool.usedCount, free: pool.freeCount, prefixes: pool.prefixCount },
    routeTableId: explicit ?? routing.mainTableId,
    routeTableImplicit: explicit === undefined,
    networkAclId: routing.acls.get(s.id),
  };
}

/** What a route sends traffic to: exactly one target is set on a route. */
function routeTarget(r: Route): string {
  return r.gatewayId ?? r.networkInterfaceId ?? r.natGatewayId ?? r.egressOnlyInternetGatewayId ?? r.vpcPeeringConnectionId ?? r.instanceId ?? '?';
}

function routeNode(world: RegionState, table: RouteTable, r: Route): RouteNode {
  return {
    destination: r.destinationCidrBlock ?? r.destinationIpv6CidrBlock ?? r.destinationPrefixListId ?? '?',
    target: routeTarget(r),
    instanceId: routeInstanceId(world, r),
    state: routeState(world, table, r),
    origin: r.origin,
  };
}

function routeTableNodes(world: RegionState, vpcId: string | undefined, subnets: SubnetNode[], routing: SubnetRouting): RouteTableNode[] {
  const tables: RouteTableNode[] = [];
  for (const t of world.routeTables.values()) {
    if (t.vpcId !== vpcId) continue;
    const main = t.id === routing.mainTableId;
    tables.push({
      id: t.id,
      name: nameOf(t.tags),
      main,
      subnetIds: subnets.filter((s) => routing.explicit.get(s.id) === t.id).map((s) => s.id),
      implicitSubnetIds: main ? subnets.filter((s) => s.routeTableImplicit).map((s) => s.id) : [],
      routes: t.routes.map((r) => routeNode(world, t, r)),
    });
  }
  return tables.sort((a, b) => Number(b.main) - Number(a.main) || a.id.localeCompare(b.id));
}

/** The peering connections with one end at this VPC of this world, seen from that end. */
function peeringNodes(world: RegionState, vpcId: string | undefined): PeeringNode[] {
  const out: PeeringNode[] = [];
  const here = (end: { ownerId: string; vpcId: string; region: string }) => end.vpcId === vpcId && end.ownerId === world.accountId && end.region === world.name;
  for (const side of world.vpcPeeringConnections.values()) {
    const c = side.connection;
    const role = here(c.requester) ? 'requester' : here(c.accepter) ? 'accepter' : undefined;
    if (!role) continue;
    const peer = role === 'requester' ? c.accepter : c.requester;
    const peerVpc = isLive(c) ? vpcOfEnd(world, peer) : undefined;
    out.push({
      id: c.id,
      name: nameOf(side.tags),
      state: c.state,
      role,
      peerVpcId: peer.vpcId,
      peerOwnerId: peer.ownerId,
      peerRegion: peer.region,
      peerCidrs: peerVpc?.cidrs.filter((a) => a.state === 'associated').map((a) => a.cidr.toString()) ?? [],
    });
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

/** The VPN connections of the virtual private gateways attaching or attached to the VPC. */
function vpnConnectionNodes(world: RegionState, vpcId: string | undefined): VpnConnectionNode[] {
  const out: VpnConnectionNode[] = [];
  for (const c of world.vpnConnections.values()) {
    const vgw = world.vpnGateways.get(c.vpnGatewayId);
    if (!vgw || vpcId === undefined || vpnGatewayVpc(vgw) !== vpcId) continue;
    const cgw = world.customerGateways.get(c.customerGatewayId);
    out.push({
      id: c.id,
      name: nameOf(c.tags),
      state: c.state,
      vpnGatewayId: c.vpnGatewayId,
      customerGatewayId: c.customerGatewayId,
      customerGatewayName: cgw && nameOf(cgw.tags),
      customerGatewayIp: cgw?.ipAddress,
      customerGatewayAsn: cgw?.bgpAsn,
      staticRoutesOnly: c.staticRoutesOnly,
      routes: c.routes.map((r) => r.destinationCidr),
      tunnelOutsideIps: c.tunnels.map((t) => t.outsideIp),
    });
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

function instanceNode(i: Instance): InstanceNode {
  return {
    id: i.id,
    name: nameOf(i.tags),
    type: i.instanceType,
    state: i.state,
    subnetId: i.subnetId,
    zone: i.zone.zoneName,
    interfaceIds: [...i.interfaceIds],
  };
}

function interfaceNode(e: NetworkInterface): InterfaceNode {
  const a = e.attachment;
  return {
    id: e.id,
    name: nameOf(e.tags),
    description: e.description,
    subnetId: e.subnetId,
    zone: e.zone.zoneName,
    status: e.status,
    type: e.interfaceType,
    requesterManaged: e.requesterManaged,
    requesterId: e.requesterId,
    addresses: e.privateIps.map((ip) => (ip.elasticIp ? { ip: ip.text, primary: ip.primary, eip: ip.elasticIp } : { ip: ip.text, primary: ip.primary })),
    ipv6: e.ipv6Addresses.map((x) => x.text),
    prefixes: [...e.ipv4Prefixes.map((b) => `${formatIpv4(b)}/28`), ...e.ipv6Prefixes.map((b) => `${formatIpv6(b)}/80`)],
    publicIp: e.autoPublicIp,
    attachment: a
      ? {
          instanceId: a.instanceId,
          deviceIndex: a.deviceIndex,
          networkCardIndex: a.networkCardIndex,
          status: a.status,
          deleteOnTermination: a.deleteOnTermination,
        }
      : undefined,
  };
}

function elasticIpNode(x: ElasticIp): ElasticIpNode {
  return { allocationId: x.allocationId, publicIp: x.publicIp, name: nameOf(x.tags), association: x.association ? { ...x.association } : undefined };
}

/**
 * One VPC of a world, drawn: its subnets, instances, interfaces, route tables, and the Elastic
 * IPs on its addresses or on none. Pending transitions are settled first, as a request would.
 */
export function topologyView(world: RegionState, vpcId: string | undefined): TopologyResponse {
  world.settle();
  const vpcs = vpcSummaries(world);
  const chosen = (vpcId && world.vpcs.get(vpcId)) || world.defaultVpc() || world.vpcs.values().next().value;
  const id = chosen?.id;
  const routing = subnetRouting(world, id);
  const subnets: SubnetNode[] = [];
  for (const s of world.subnets.values()) if (s.vpcId === id) subnets.push(subnetNode(s, routing));
  subnets.sort((a, b) => a.zone.localeCompare(b.zone) || compareCidr(a.cidr, b.cidr));
  const instances: InstanceNode[] = [];
  for (const i of world.instances.values()) if (i.vpcId === id) instances.push(instanceNode(i));
  const interfaces: InterfaceNode[] = [];
  const interfaceIds = new Set<string>();
  for (const e of world.networkInterfaces.values()) {
    if (e.vpcId !== id) continue;
    interfaces.push(interfaceNode(e));
    interfaceIds.add(e.id);
  }
  const elasticIps: ElasticIpNode[] = [];
  for (const x of world.elasticIps.values()) {
    if (!x.association || interfaceIds.has(x.association.networkInterfaceId)) elasticIps.push(elasticIpNode(x));
  }
  let next: number | undefined;
  for (const t of world.timers) if (next === undefined || t.at < next) next = t.at;
  return {
    account: world.accountId,
    region: world.name,
    vpcs,
    vpcId: id,
    subnets,
    instances,
    interfaces,
    elasticIps,
    routeTables: routeTableNodes(world, id, subnets, routing),
    peerings: peeringNodes(world, id),
    vpnConnections: vpnConnectionNodes(world, id),
    nextChangeAt: next,
    serverTime: world.now().getTime(),
  };
}

function compareCidr(a: string, b: string): number {
  const key = (c: string) => {
    const [ip = '', len = '0'] = c.split('/');
    return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0) * 64 + Number(len);
  };
  return key(a) - key(b);
}
