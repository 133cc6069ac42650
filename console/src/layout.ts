/**
 * Where everything goes in the topology diagram: one column per availability zone, subnets
 * stacked in it, instances in their subnet with their interfaces by device index, unattached
 * interfaces apart in a grid, interfaces a service manages (NAT gateway, endpoint…) in their own
 * grid, Elastic IPs beside the private addresses they map to, the VPC's route tables in a band
 * under the zones and its peering connections under them. Pure: the
 * diagram only draws what this computes, and draws only the items near the visible area.
 */
import type {
  ElasticIpNode,
  InstanceNode,
  InterfaceNode,
  PeeringNode,
  VpnConnectionNode,
  RouteNode,
  RouteTableNode,
  SubnetNode,
  TopologyResponse,
  VpcSummary,
} from '../../src/console/types';

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface AddressItem {
  readonly ip: string;
  readonly primary: boolean;
  readonly eip?: ElasticIpNode;
  /** Baseline offset from the card's top. */
  readonly dy: number;
}

export interface CardItem extends Box {
  readonly kind: 'card';
  readonly iface: InterfaceNode;
  /** eth0, eth1… for attached interfaces. */
  readonly device?: string;
  /** The interface's subnet when it differs from its instance's. */
  readonly foreignSubnet?: string;
  readonly compact: boolean;
  /** Set for a requester-managed interface: what manages it (its interface type). */
  readonly managedBy?: string;
  readonly addresses: AddressItem[];
  readonly extra?: string;
}

export interface InstanceItem extends Box {
  readonly kind: 'instance';
  readonly instance: InstanceNode;
  readonly cards: CardItem[];
}

export interface SubnetItem extends Box {
  readonly subnet: SubnetNode;
  /** Top of the "Unattached interfaces" heading, when there are any. */
  readonly unattachedY?: number;
  readonly unattachedCount: number;
  /** Top of the "Managed by a service" heading, when there are any. */
  readonly managedY?: number;
  readonly managedCount: number;
  readonly instanceCount: number;
}

export interface RouteRowItem {
  readonly route: RouteNode;
  /** Baseline offset from the table's top. */
  readonly dy: number;
}

export interface RouteTableItem extends Box {
  readonly table: RouteTableNode;
  /** "app-a, app-b": who the table serves, by Name tag or id. */
  readonly serves: string;
  readonly rows: RouteRowItem[];
}

/** One peering connection of the VPC: a row under the route tables. */
export interface PeeringItem extends Box {
  readonly peering: PeeringNode;
}

/** One VPN connection of the VPC's virtual private gateway: a row under the peering connections. */
export interface VpnItem extends Box {
  readonly vpn: VpnConnectionNode;
}

export interface ZoneItem extends Box {
  readonly zone: string;
  readonly zoneId: string;
}

export interface Layout {
  readonly width: number;
  readonly height: number;
  readonly vpc?: VpcSummary;
  readonly vpcBox: Box;
  readonly zones: ZoneItem[];
  readonly subnets: SubnetItem[];
  /** Top of the "Route tables" heading. */
  readonly routeTablesY: number;
  readonly routeTables: RouteTableItem[];
  /** Top of the "Peering connections" heading. */
  readonly peeringsY: number;
  readonly peerings: PeeringItem[];
  /** Top of the "VPN connections" heading. */
  readonly vpnsY: number;
  readonly vpns: VpnItem[];
  /** Instance blocks and unattached cards, by top edge: what the diagram culls. */
  readonly blocks: (InstanceItem | CardItem)[];
  /** Elastic IPs mapped to no address, in a band above the VPC. */
  readonly looseEips: { readonly eip: ElasticIpNode; readonly x: number; readonly y: number }[];
  /** Where to scroll to show a resource (interfaces, instances, subnets, Elastic IPs by id). */
  readonly places: Map<string, Box>;
  /** Height of the tallest block, which bounds the search in visibleBlocks. */
  readonly tallest: number;
}

export const M = 16;
export const LEGEND_H = 26;
export const COL_W = 480;
export const GAP = 24;
const SUBNET_HEAD = 84;
const PAD = 10;
const INSTANCE_HEAD = 28;
const CARD_GAP = 6;
const CARD_HEAD = 22;
const LINE = 18;
const COMPACT_HEAD = 20;
const COMPACT_LINE = 16;
const GRID_GAP = 8;
const TABLE_HEAD = 44;
const ROUTE_LINE = 20;
const PEERING_ROW = 26;
export const EIP_W = 104;
export const PILL_W = 100;

function extraLine(e: InterfaceNode): string | undefined {
  const bits: string[] = [];
  if (e.ipv6.length) bits.push(`IPv6 ${e.ipv6.length === 1 ? e.ipv6[0] : `×${e.ipv6.length}`}`);
  if (e.prefixes.length) bits.push(`prefix ${e.prefixes.length === 1 ? e.prefixes[0] : `×${e.prefixes.length}`}`);
  return bits.length ? bits.join(' · ') : undefined;
}

/** "NAT gateway", "VPC endpoint", else the interface type as AWS names it. */
export function managerLabel(type: string): string {
  return (
    (
      {
        nat_gateway: 'NAT gateway',
        vpc_endpoint: 'VPC endpoint',
        gateway_load_balancer_endpoint: 'GWLB endpoint',
        network_load_balancer: 'load balancer',
        lambda: 'Lambda',
      } as Record<string, string>
    )[type] ?? type
  );
}

function card(
  iface: InterfaceNode,
  eips: Map<string, ElasticIpNode>,
  x: number,
  y: number,
  w: number,
  compact: boolean,
  device?: string,
  foreignSubnet?: string,
): CardItem {
  const head = compact ? COMPACT_HEAD : CARD_HEAD;
  const line = compact ? COMPACT_LINE : LINE;
  const addresses = iface.addresses.map((a, i) => ({ ip: a.ip, primary: a.primary, eip: a.eip ? eips.get(a.eip) : undefined, dy: head + i * line + line - 5 }));
  const extra = extraLine(iface);
  const h = head + iface.addresses.length * line + (extra ? line - 2 : 0) + 6;
  const managedBy = iface.requesterManaged ? managerLabel(iface.type) : undefined;
  return { kind: 'card', iface, device, foreignSubnet, compact, managedBy, addresses, extra, x, y, w, h };
}

export function layout(t: TopologyResponse): Layout {
  const eips = new Map(t.elasticIps.map((e) => [e.allocationId, e]));
  const ifaces = new Map(t.interfaces.map((e) => [e.id, e]));
  const subnetIds = new Set(t.subnets.map((s) => s.id));
  const places = new Map<string, Box>();
  const blocks: (InstanceItem | CardItem)[] = [];
  const looseEips: Layout['looseEips'] = [];
  // First row: the legend; then the Elastic IPs mapped to nothing, if any.
  let top = M + LEGEND_H;

  const loose = t.elasticIps.filter((e) => !e.association);
  if (loose.length) {
    let x = M + 184;
    for (const eip of loose) {
      looseEips.push({ eip, x, y: top });
      places.set(eip.allocationId, { x, y: top, w: EIP_W, h: 20 });
      x += EIP_W + 8;
    }
    top += 34;
  }
  const vpcTop = top;
  top += 40;

  // What goes in each subnet: its instances (and their interfaces), then interfaces on their own.
  const drawn = new Set<string>();
  const instancesBySubnet = new Map<string, InstanceNode[]>();
  const order = (s: string) => ({ running: 0, pending: 1, stopping: 2, stopped: 3, 'shutting-down': 4, terminated: 5 })[s] ?? 6;
  for (const i of [...t.instances].sort((a, b) => order(a.state) - order(b.state) || a.id.localeCompare(b.id))) {
    if (!subnetIds.has(i.subnetId)) continue;
    const list = instancesBySubnet.get(i.subnetId) ?? [];
    list.push(i);
    instancesBySubnet.set(i.subnetId, list);
    for (const id of i.interfaceIds) drawn.add(id);
  }
  // Interfaces on their own: a person's (unattached) apart from a service's (requester-managed).
  const looseBySubnet = new Map<string, InterfaceNode[]>();
  const managedBySubnet = new Map<string, InterfaceNode[]>();
  for (const e of t.interfaces) {
    if (drawn.has(e.id)) continue;
    const into = e.requesterManaged ? managedBySubnet : looseBySubnet;
    const list = into.get(e.subnetId) ?? [];
    list.push(e);
    into.set(e.subnetId, list);
  }
  const grid = (list: InterfaceNode[], inner: number, innerW: number, cy: number, cols: number) => {
    const colW = (innerW - (cols - 1) * GRID_GAP) / cols;
    for (let i = 0; i < list.length; i += cols) {
      const row = list.slice(i, i + cols).map((e, k) => card(e, eips, inner + k * (colW + GRID_GAP), cy, colW, true));
      for (const c of row) {
        blocks.push(c);
        places.set(c.iface.id, c);
      }
      cy += Math.max(...row.map((c) => c.h)) + GRID_GAP;
    }
    return cy;
  };

  const zoneNames = [...new Set(t.subnets.map((s) => s.zone))].sort();
  const zones: ZoneItem[] = [];
  const subnets: SubnetItem[] = [];
  let bottom = top + 60;
  zoneNames.forEach((zone, col) => {
    const x = M + PAD + col * (COL_W + GAP);
    let y = top + 34;
    const inZone = t.subnets.filter((s) => s.zone === zone);
    for (const subnet of inZone) {
      const sy = y;
      const inner = x + PAD;
      const innerW = COL_W - 2 * PAD;
      let cy = sy + SUBNET_HEAD;
      const instances = instancesBySubnet.get(subnet.id) ?? [];
      for (const instance of instances) {
        const cards: CardItem[] = [];
        let by = cy + INSTANCE_HEAD;
        for (const id of instance.interfaceIds) {
          const e = ifaces.get(id);
          if (!e) continue;
          const c = card(
            e,
            eips,
            inner + 10,
            by,
            innerW - 20,
            false,
            `eth${e.attachment?.deviceIndex ?? '?'}`,
            e.subnetId !== instance.subnetId ? e.subnetId : undefined,
          );
          cards.push(c);
          places.set(e.id, c);
          by += c.h + CARD_GAP;
        }
        const block: InstanceItem = { kind: 'instance', instance, cards, x: inner, y: cy, w: innerW, h: Math.max(by - cy, INSTANCE_HEAD + 6) + 4 };
        blocks.push(block);
        places.set(instance.id, block);
        cy += block.h + 8;
      }
      const managed = managedBySubnet.get(subnet.id) ?? [];
      let managedY: number | undefined;
      if (managed.length) {
        managedY = cy;
        cy = grid(managed, inner, innerW, cy + 22, 1); // one per row: the manager's name takes room
      }
      const own = looseBySubnet.get(subnet.id) ?? [];
      let unattachedY: number | undefined;
      if (own.length) {
        unattachedY = cy;
        cy = grid(own, inner, innerW, cy + 22, 2);
      }
      if (instances.length === 0 && own.length === 0 && managed.length === 0) cy += 24;
      const item: SubnetItem = {
        subnet,
        x,
        y: sy,
        w: COL_W,
        h: cy - sy + 4,
        unattachedY,
        unattachedCount: own.length,
        managedY,
        managedCount: managed.length,
        instanceCount: instances.length,
      };
      subnets.push(item);
      places.set(subnet.id, item);
      y = cy + 4 + 14;
    }
    zones.push({ zone, zoneId: inZone[0]?.zoneId ?? '', x: x - 6, y: top, w: COL_W + 12, h: 0 });
    bottom = Math.max(bottom, y);
  });
  for (const z of zones) z.h = bottom - z.y;

  // Route tables: a band under the zones, as many per row as there are zone columns.
  const routeTablesY = bottom + 4;
  const routeTables: RouteTableItem[] = [];
  const subnetLabel = new Map(t.subnets.map((s) => [s.id, s.name ?? s.id]));
  const perRow = Math.max(1, zoneNames.length);
  let rowTop = routeTablesY + 26;
  for (let i = 0; i < t.routeTables.length; i += perRow) {
    let rowH = 0;
    t.routeTables.slice(i, i + perRow).forEach((table, col) => {
      const rows = table.routes.map((route, k) => ({ route, dy: TABLE_HEAD + k * ROUTE_LINE + 14 }));
      const explicit = table.subnetIds.map((id) => subnetLabel.get(id) ?? id);
      const implicit = table.implicitSubnetIds.map((id) => subnetLabel.get(id) ?? id);
      const serves = [explicit.join(', '), implicit.length ? `${implicit.join(', ')} (implicitly)` : ''].filter(Boolean).join(' · ') || 'no subnet';
      const item: RouteTableItem = { table, serves, rows, x: M + PAD + col * (COL_W + GAP), y: rowTop, w: COL_W, h: TABLE_HEAD + rows.length * ROUTE_LINE + 8 };
      routeTables.push(item);
      places.set(table.id, item);
      rowH = Math.max(rowH, item.h);
    });
    rowTop += rowH + 14;
  }
  if (t.routeTables.length) bottom = rowTop;
  // Peering connections: one row each across the VPC, under the route tables.
  const width = Math.max(M * 2 + PAD * 2 + zoneNames.length * (COL_W + GAP) - GAP, 760);
  const peeringsY = bottom + 4;
  const peerings: PeeringItem[] = (t.peerings ?? []).map((peering, i) => ({
    peering,
    x: M + PAD,
    y: peeringsY + 26 + i * PEERING_ROW,
    w: 2 * COL_W,
    h: PEERING_ROW - 4,
  }));
  for (const p of peerings) places.set(p.peering.id, p);
  if (peerings.length) bottom = peeringsY + 26 + peerings.length * PEERING_ROW;
  // VPN connections: one row each, under the peering connections.
  const vpnsY = bottom + 4;
  const vpns: VpnItem[] = (t.vpnConnections ?? []).map((vpn, i) => ({ vpn, x: M + PAD, y: vpnsY + 26 + i * PEERING_ROW, w: 2 * COL_W, h: PEERING_ROW - 4 }));
  for (const v of vpns) places.set(v.vpn.id, v);
  if (vpns.length) bottom = vpnsY + 26 + vpns.length * PEERING_ROW;
  // Elastic IPs are placed with their address; remember where for "find".
  for (const b of blocks) {
    for (const c of b.kind === 'instance' ? b.cards : [b]) {
      for (const a of c.addresses) if (a.eip) places.set(a.eip.allocationId, { x: c.x + c.w - EIP_W, y: c.y + a.dy - 12, w: EIP_W, h: 16 });
    }
  }
  blocks.sort((a, b) => a.y - b.y);
  const tallest = blocks.reduce((m, b) => Math.max(m, b.h), 0);
  const height = bottom + M + 8;
  const vpc = t.vpcs.find((v) => v.id === t.vpcId);
  return {
    width,
    height,
    tallest,
    vpc,
    vpcBox: { x: M, y: vpcTop, w: width - 2 * M, h: height - vpcTop - M },
    zones,
    subnets,
    routeTablesY,
    routeTables,
    peeringsY,
    peerings,
    vpnsY,
    vpns,
    blocks,
    looseEips,
    places,
  };
}

/** The blocks that intersect the view grown by `margin` (blocks are sorted by top edge: a binary search finds the first). */
export function visibleBlocks(l: Layout, view: Box, margin: number): Layout['blocks'] {
  const { blocks } = l;
  const top = view.y - margin;
  const bottom = view.y + view.h + margin;
  const from = top - l.tallest;
  let lo = 0;
  let hi = blocks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (blocks[mid]!.y < from) lo = mid + 1;
    else hi = mid;
  }
  const out: Layout['blocks'] = [];
  for (let i = lo; i < blocks.length && blocks[i]!.y <= bottom; i++) {
    const b = blocks[i]!;
    if (b.y + b.h >= top && b.x <= view.x + view.w + margin && b.x + b.w >= view.x - margin) out.push(b);
  }
  return out;
}
