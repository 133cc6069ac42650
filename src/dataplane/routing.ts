/**
 * The subnet's route table decides where traffic goes (Amazon VPC User Guide, "Configure route
 * tables"): in a VPC's router namespace every route table is one kernel routing table, and a
 * policy rule per interface (its veth in the router) sends what it sends to its subnet's table.
 * Pure: from the engine's state and the ports (interfaces with a link in the router) to routes
 * and rules, which edges-plan.ts diffs.
 */
import { parseIpv4Cidr, parseIpv6, parseIpv6Cidr, type Ipv4Cidr, type Ipv6Cidr } from '../engine/cidr.js';
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
  /** Its IPv6 addresses (none for NAT gateways). */
  readonly ipv6: readonly string[];
  /** Its delegated prefixes as CIDR text (IPv4 /28s, IPv6 /80s; none for NAT gateways). */
  readonly prefixes?: readonly string[];
  readonly mac: string;
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
/** The same two ends for IPv6: link-local addresses, as between two IPv6 routers. */
export const ROUTER_IGW_ADDRESS6 = 'fe80::1';
export const INTERNET_ADDRESS6 = 'fe80::2';

/** An interface's EUI-64 link-local address (what Linux gives it from its MAC): the next hop of an IPv6 route to it. */
export function linkLocalOf(mac: string): string {
  const b = mac.split(':').map((x) => parseInt(x, 16));
  b[0] = b[0]! ^ 0x02;
  const hex = (hi: number, lo: number) => ((hi << 8) | lo).toString(16);
  return `fe80::${hex(b[0], b[1]!)}:${hex(b[2]!, 0xff)}:${hex(0xfe, b[3]!)}:${hex(b[4]!, b[5]!)}`;
}

/** An `ip` rule line for the family of `text` (`-6 ` lines go to an `ip -6` batch, see ip.ts). */
export const ruleLine = (rule: string, verb: 'add' | 'del') => (rule.startsWith('-6 ') ? `-6 rule ${verb} ${rule.slice(3)}` : `rule ${verb} ${rule}`);

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

/** The IPv6 destinations of a route (a prefix list stands for its IPv6 entries). */
function destinations6(region: RegionState, r: Route): Ipv6Cidr[] {
  const texts =
    r.destinationIpv6CidrBlock !== undefined
      ? [r.destinationIpv6CidrBlock]
      : r.destinationPrefixListId
        ? (prefixListCidrs(region, r.destinationPrefixListId) ?? []).filter((c) => c.includes(':'))
        : [];
  return texts.map((t) => parseIpv6Cidr(t)).filter((c): c is Ipv6Cidr => c !== undefined);
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
  /** Whether the VPC has an egress-only internet gateway (it shares the link: IPv6 out, and replies in). */
  readonly eigw: boolean;
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

/** Where an IPv6 route sends traffic: the internet's link (internet or egress-only gateway), or an appliance's interface. */
function targetSpec6(c: RouterContext, table: RouteTable, r: Route): Omit<KernelRoute, 'table' | 'dest'> | undefined {
  if (routeState(c.region, table, r) !== 'active') return undefined;
  const toInternet = { spec: `via ${INTERNET_ADDRESS6} dev ${IGW_LINK}`, dev: IGW_LINK };
  if (r.gatewayId?.startsWith('igw-')) return c.igw ? toInternet : undefined;
  if (r.egressOnlyInternetGatewayId !== undefined) return c.eigw || c.igw ? toInternet : undefined;
  const port = r.networkInterfaceId !== undefined ? c.ports.get(r.networkInterfaceId) : undefined;
  if (!port || !port.up || port.sourceDestCheck) return undefined;
  return { spec: `via ${linkLocalOf(port.mac)} dev ${port.peer}`, dev: port.peer };
}

/** What differs between the two halves of a kernel table: how an address family's destinations, host routes and targets are written. */
interface Family<C extends { readonly prefix: number; toString(): string }, A> {
  destinations(region: RegionState, r: Route): C[];
  /** The ports that take part, and the addresses of this family each one holds. */
  ports(c: RouterContext): Port[];
  addressesOf(p: Port): readonly string[];
  /** The host route's length: /32 or /128. */
  readonly hostBits: number;
  parse(address: string): A | undefined;
  covers(cidr: C, address: A): boolean;
  target(c: RouterContext, table: RouteTable, r: Route): Omit<KernelRoute, 'table' | 'dest'> | undefined;
  /** The default destination, which drops when no route covers it. */
  readonly anywhere: string;
}

const IPV4: Family<Ipv4Cidr, Ipv4Cidr> = {
  destinations,
  ports: (c) => [...c.ports.values(), ...c.natPorts.values()],
  addressesOf: (p) => p.addresses,
  hostBits: 32,
  parse: (a) => parseIpv4Cidr(`${a}/32`),
  covers: (cidr, host) => cidr.containsCidr(host),
  target: targetSpec,
  anywhere: '0.0.0.0/0',
};

const IPV6: Family<Ipv6Cidr, bigint> = {
  destinations: destinations6,
  ports: (c) => [...c.ports.values()],
  addressesOf: (p) => p.ipv6,
  hostBits: 128,
  parse: parseIpv6,
  covers: (cidr, ip) => cidr.contains(ip),
  target: targetSpec6,
  anywhere: '::/0',
};

/**
 * One address family's half of a kernel table. The local route delivers by the mapping: a host
 * route per address an interface holds, unless a more specific route (a middlebox's, VPC User Guide
 * "Routing for a middlebox appliance") covers it; an address no one holds is dropped. Routes whose
 * target is gone (state blackhole) and targets the data plane does not carry (peering, endpoints)
 * drop; so does whatever no route matches — nothing falls through to another table.
 */
function fillFamily<C extends { readonly prefix: number; toString(): string }, A>(
  c: RouterContext,
  table: RouteTable,
  t: string,
  out: Map<string, KernelRoute>,
  family: Family<C, A>,
): void {
  const others: { cidr: C; route: Route }[] = [];
  const locals: C[] = [];
  for (const route of table.routes) {
    for (const cidr of family.destinations(c.region, route)) {
      if (route.gatewayId === 'local') locals.push(cidr);
      else others.push({ cidr, route });
    }
  }
  for (const cidr of locals) out.set(cidr.toString(), blackhole(t, cidr.toString()));
  const ports = family.ports(c).filter((p) => p.up);
  for (const local of locals) {
    for (const p of ports) {
      // Its addresses as host routes, and its delegated prefixes of this family as they are.
      const dests: (readonly [string, string])[] = family.addressesOf(p).map((a) => [a, `${a}/${family.hostBits}`]);
      for (const b of p.prefixes ?? []) if (b.includes(':') === (family.hostBits === 128)) dests.push([b.slice(0, b.indexOf('/')), b]);
      for (const [a, dest] of dests) {
        const ip = family.parse(a);
        if (ip === undefined || !family.covers(local, ip)) continue;
        if (others.some((o) => o.cidr.prefix > local.prefix && family.covers(o.cidr, ip))) continue;
        out.set(dest, { table: t, dest, spec: `dev ${p.peer}`, dev: p.peer });
      }
    }
  }
  for (const { cidr, route } of others) {
    const dest = cidr.toString();
    const target = family.target(c, table, route);
    out.set(dest, target ? { table: t, dest, ...target } : blackhole(t, dest));
  }
  if (!out.has(family.anywhere)) out.set(family.anywhere, blackhole(t, family.anywhere));
}

/** One route table as a kernel table: its IPv4 half, then its IPv6 half. */
export function kernelTable(c: RouterContext, table: RouteTable, number: number): KernelRoute[] {
  const t = String(number);
  const out = new Map<string, KernelRoute>();
  fillFamily(c, table, t, out, IPV4);
  fillFamily(c, table, t, out, IPV6);
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
    if (p.sourceDestCheck) {
      for (const a of p.addresses) rules.push(`pref ${FROM_OWN_ADDRESS_PREF} iif ${p.peer} from ${a}/32 lookup ${n}`);
      for (const a of p.ipv6) rules.push(`-6 pref ${FROM_OWN_ADDRESS_PREF} iif ${p.peer} from ${a}/128 lookup ${n}`);
      for (const b of p.prefixes ?? []) rules.push(`${b.includes(':') ? '-6 ' : ''}pref ${FROM_OWN_ADDRESS_PREF} iif ${p.peer} from ${b} lookup ${n}`);
    } else {
      rules.push(`pref ${FROM_ANY_PREF} iif ${p.peer} lookup ${n}`);
      rules.push(`-6 pref ${FROM_ANY_PREF} iif ${p.peer} lookup ${n}`);
    }
  }
  // What comes in from the internet gateway follows the gateway's route table when it has one (VPC
  // User Guide, "Gateway route tables": ingress routing, e.g. to a middlebox appliance) …
  const igw = c.igw ? gatewayOfVpc(c.region, c.vpcId) : undefined;
  const edge = igw ? edgeAssociationOf(c.region, igw.id) : undefined;
  const edgeTable = edge ? numbers.get(edge.routeTableId) : undefined;
  if (edgeTable !== undefined)
    rules.push(`pref ${FROM_ANY_PREF} iif ${IGW_LINK} lookup ${edgeTable}`, `-6 pref ${FROM_ANY_PREF} iif ${IGW_LINK} lookup ${edgeTable}`);
  // … else it is delivered by the main table, where plan.ts puts a
  // /32 per instance address; a NAT gateway's addresses are added beside them.
  for (const p of c.natPorts.values()) for (const a of p.addresses) routes.push({ table: 'main', dest: `${a}/32`, spec: `dev ${p.peer}`, dev: p.peer });
  return { routes, rules, tables: numbers };
}
