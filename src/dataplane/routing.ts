/**
 * The subnet's route table decides where traffic goes (Amazon VPC User Guide, "Configure route
 * tables"): in a VPC's router namespace every route table is one kernel routing table, and a
 * policy rule per interface (its veth in the router) sends what it sends to its subnet's table.
 * Pure: from the engine's state and the ports (interfaces with a link in the router) to routes
 * and rules, which edges-plan.ts diffs.
 */
import { parseIpv4Cidr, type Ipv4Cidr } from '../engine/cidr.js';
import type { RegionState } from '../engine/cloud.js';
import { edgeAssociationOf } from '../engine/gateway-route-table.js';
import { gatewayOfVpc } from '../engine/internet-gateway.js';
import { prefixListCidrs } from '../engine/prefix-list.js';
import { routeState, routeTableOfSubnet } from '../engine/route-table.js';
import type { Route, RouteTable } from '../engine/routing-model.js';

/** An interface with a link into the router: an instance's, or a NAT gateway's. */
export interface Port {
  readonly eniId: string;
  readonly subnetId: string;
  /** The veth end in the router namespace. */
  readonly peer: string;
  readonly primary: string;
  readonly addresses: readonly string[];
  /** Off for NAT gateways (AWS runs them as middleboxes). */
  readonly sourceDestCheck: boolean;
  readonly up: boolean;
}

/** One kernel route: `route replace <dest> <spec> table <table>`; `dev` is the link it needs (none for a blackhole). */
export interface KernelRoute {
  readonly table: string;
  readonly dest: string;
  readonly spec: string;
  readonly dev?: string;
}

/** The router end of the internet gateway's link, and the internet namespace's address behind it. */
export const IGW_LINK = 'igw';
export const ROUTER_IGW_ADDRESS = '169.254.0.1';
export const INTERNET_ADDRESS = '169.254.0.2';

/**
 * Rules sit before the source/destination check's (pref 100 and 200, plan.ts): what they let
 * through is routed here. A rule without a source has a preference of its own: the kernel takes a
 * rule that names no source for the same as one that does (same preference, link and table).
 */
const FROM_OWN_ADDRESS_PREF = 90;
const FROM_ANY_PREF = 91;

export const routeKey = (r: Pick<KernelRoute, 'table' | 'dest'>) => `${r.table} ${r.dest}`;

/** FNV-1a: a table's number follows from its id, so a restart numbers it the same. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Kernel table numbers for route tables of one VPC: 1000 and up, clear of main/local/default (253–255). */
export function tableNumbers(tableIds: readonly string[]): Map<string, number> {
  const numbers = new Map<string, number>();
  const taken = new Set<number>();
  for (const id of [...tableIds].sort()) {
    let n = 1000 + (hash(id) % 0x3fffffff);
    while (taken.has(n)) n++;
    taken.add(n);
    numbers.set(id, n);
  }
  return numbers;
}

const blackhole = (table: string, dest: string): KernelRoute => ({ table, dest, spec: 'blackhole' });

/** The IPv4 destinations of a route (a prefix list stands for its entries). */
function destinations(region: RegionState, r: Route): Ipv4Cidr[] {
  const texts =
    r.destinationCidrBlock !== undefined
      ? [r.destinationCidrBlock]
      : r.destinationPrefixListId
        ? (prefixListCidrs(region, r.destinationPrefixListId) ?? [])
        : [];
  return texts.map((t) => parseIpv4Cidr(t)).filter((c): c is Ipv4Cidr => c !== undefined);
}

export interface RouterContext {
  readonly region: RegionState;
  readonly vpcId: string;
  /** Ports in this router by interface id. */
  readonly ports: ReadonlyMap<string, Port>;
  /** NAT gateway id → its port (while its namespace is there). */
  readonly natPorts: ReadonlyMap<string, Port>;
  /** Whether the internet gateway's link is there (a gateway is attached and the internet namespace is ours). */
  readonly igw: boolean;
}

/**
 * Where a route sends traffic. An interface (or an instance's) target gets it only while it is up
 * and its source/destination check is off: with the check on, EC2 drops what is not addressed to
 * it ("You must disable source/destination checks if the instance runs services such as network
 * address translation, routing, or firewalls", ModifyInstanceAttribute, SourceDestCheck).
 */
function targetSpec(c: RouterContext, table: RouteTable, r: Route): Omit<KernelRoute, 'table' | 'dest'> | undefined {
  if (routeState(c.region, table, r) !== 'active') return undefined;
  if (r.gatewayId?.startsWith('igw-')) return c.igw ? { spec: `via ${INTERNET_ADDRESS} dev ${IGW_LINK} onlink`, dev: IGW_LINK } : undefined;
  const port =
    r.networkInterfaceId !== undefined ? c.ports.get(r.networkInterfaceId) : r.natGatewayId !== undefined ? c.natPorts.get(r.natGatewayId) : undefined;
  if (!port || !port.up || port.sourceDestCheck) return undefined;
  // Via the interface's own address: the router asks ARP for it, not for the final destination.
  return { spec: `via ${port.primary} dev ${port.peer} onlink`, dev: port.peer };
}

/**
 * One route table as a kernel table. The local route delivers by the mapping: a /32 per address an
 * interface holds, unless a more specific route (a middlebox's, VPC User Guide "Routing for a
 * middlebox appliance") covers it; an address no one holds is dropped. Routes whose target is gone
 * (state blackhole) and targets the data plane does not carry (peering, endpoints) drop; so does
 * whatever no route matches — nothing falls through to another table.
 */
export function kernelTable(c: RouterContext, table: RouteTable, number: number): KernelRoute[] {
  const t = String(number);
  const out = new Map<string, KernelRoute>();
  const others: { cidr: Ipv4Cidr; route: Route }[] = [];
  const locals: Ipv4Cidr[] = [];
  for (const route of table.routes) {
    for (const cidr of destinations(c.region, route)) {
      if (route.gatewayId === 'local') locals.push(cidr);
      else others.push({ cidr, route });
    }
  }
  for (const cidr of locals) out.set(cidr.toString(), blackhole(t, cidr.toString()));
  const ports = [...c.ports.values(), ...c.natPorts.values()].filter((p) => p.up);
  for (const local of locals) {
    for (const p of ports) {
      for (const a of p.addresses) {
        const ip = parseIpv4Cidr(`${a}/32`)!;
        if (!local.containsCidr(ip)) continue;
        if (others.some((o) => o.cidr.prefix > local.prefix && o.cidr.containsCidr(ip))) continue;
        out.set(`${a}/32`, { table: t, dest: `${a}/32`, spec: `dev ${p.peer}`, dev: p.peer });
      }
    }
  }
  for (const { cidr, route } of others) {
    const dest = cidr.toString();
    const target = targetSpec(c, table, route);
    out.set(dest, target ? { table: t, dest, ...target } : blackhole(t, dest));
  }
  if (!out.has('0.0.0.0/0')) out.set('0.0.0.0/0', blackhole(t, '0.0.0.0/0'));
  return [...out.values()];
}

export interface RouterRouting {
  readonly routes: KernelRoute[];
  readonly rules: string[];
  /** Route table id → its kernel table number. */
  readonly tables: ReadonlyMap<string, number>;
}

/** Every route table of the VPC as a kernel table, and each port's rule to its subnet's table. */
export function routerRouting(c: RouterContext): RouterRouting {
  const vpcTables = [...c.region.routeTables.values()].filter((t) => t.vpcId === c.vpcId);
  const numbers = tableNumbers(vpcTables.map((t) => t.id));
  const routes = vpcTables.flatMap((t) => kernelTable(c, t, numbers.get(t.id)!));
  const rules: string[] = [];
  for (const p of [...c.ports.values(), ...c.natPorts.values()]) {
    const subnet = c.region.subnets.get(p.subnetId);
    const table = subnet ? routeTableOfSubnet(c.region, subnet) : undefined;
    if (!table) continue;
    const n = numbers.get(table.id)!;
    // With the check on, only the interface's own addresses are routed; the rest meets plan.ts's blackhole rule.
    if (p.sourceDestCheck) for (const a of p.addresses) rules.push(`pref ${FROM_OWN_ADDRESS_PREF} iif ${p.peer} from ${a}/32 lookup ${n}`);
    else rules.push(`pref ${FROM_ANY_PREF} iif ${p.peer} lookup ${n}`);
  }
  // What comes in from the internet gateway follows the gateway's route table when it has one (VPC
  // User Guide, "Gateway route tables": ingress routing, e.g. to a middlebox appliance) …
  const igw = c.igw ? gatewayOfVpc(c.region, c.vpcId) : undefined;
  const edge = igw ? edgeAssociationOf(c.region, igw.id) : undefined;
  const edgeTable = edge ? numbers.get(edge.routeTableId) : undefined;
  if (edgeTable !== undefined) rules.push(`pref ${FROM_ANY_PREF} iif ${IGW_LINK} lookup ${edgeTable}`);
  // … else it is delivered by the main table, where plan.ts puts a
  // /32 per instance address; a NAT gateway's addresses are added beside them.
  for (const p of c.natPorts.values()) for (const a of p.addresses) routes.push({ table: 'main', dest: `${a}/32`, spec: `dev ${p.peer}`, dev: p.peer });
  return { routes, rules, tables: numbers };
}
