/**
 * The public side of the data plane, as the control plane asks for it: an `ec2net-internet`
 * namespace stands for the outside world, linked to a VPC's router only while the VPC has an
 * internet gateway attached; at that link public IPv4s (Elastic IPs, auto-assigned ones) are
 * translated one-to-one to the private address they are mapped to, and NAT gateways are namespaces
 * of their own. Pure: edges.ts diffs two of these pictures and applies the difference.
 */
import type { Cloud, RegionState } from '../engine/cloud.js';
import { formatIpv4 } from '../engine/cidr.js';
import { gatewayOfVpc } from '../engine/internet-gateway.js';
import type { NetworkInterface } from '../engine/model.js';
import { routeState, routeTableOfSubnet } from '../engine/route-table.js';
import type { InterfacePicture, Picture } from './picture.js';
import { peerNameOf, routerNsOf, ROUTER_PREFIX } from './picture.js';
import { IGW_LINK, routerRouting, type KernelRoute, type Port } from './routing.js';

export const INTERNET_NS = 'ec2net-internet';
const NAT_PREFIX = 'ec2net-nat-';

export const natNsOf = (natId: string) => `${NAT_PREFIX}${natId.replace(/^nat-/, '')}`;

/** The internet's end of a router's link (15 characters at most, unique per VPC). */
export const internetLinkOf = (routerNs: string) => `r${routerNs.slice(ROUTER_PREFIX.length).slice(-14)}`;

/** A NAT gateway's namespace: its interface as eth0, which translates what it forwards to its own address. */
export interface NatPicture {
  readonly natId: string;
  readonly ns: string;
  readonly routerNs: string;
  readonly eniId: string;
  readonly peer: string;
  readonly mac: string;
  readonly ip: string;
  readonly prefix: number;
  readonly gateway: string;
  readonly addresses: readonly string[];
}

export interface RouterEdges {
  readonly routes: readonly KernelRoute[];
  readonly rules: readonly string[];
  /** Whether the VPC has an internet gateway attached (the IPv4 translation applies). */
  readonly igw: boolean;
  /** Whether the router is linked to the internet: an internet gateway, or an egress-only one. */
  readonly link: boolean;
  /**
   * The IPv6 CIDRs of the subnets whose route table sends IPv6 to the internet gateway: the
   * internet may open connections to these. What else it sends in is a reply (an egress-only
   * gateway lets only those through) or dropped.
   */
  readonly open6: readonly string[];
  /** Public IPv4 → private IPv4: the internet gateway's one-to-one translation. */
  readonly oneToOne: ReadonlyMap<string, string>;
}

export interface EdgePicture {
  /** Whether the internet namespace is there (it is, unless another process owns the name). */
  readonly internet: boolean;
  /** The internet namespace's own public address: the source of what it sends unbound (internetSourceOf). */
  readonly source: string;
  readonly routers: ReadonlyMap<string, RouterEdges>;
  readonly nats: ReadonlyMap<string, NatPicture>;
  /** Public IPv4 → the router namespace it is translated at: the internet's routes. */
  readonly publicRoutes: ReadonlyMap<string, string>;
  /** A VPC's IPv6 CIDR (public, not translated) → its router namespace, while linked. */
  readonly ipv6Routes: ReadonlyMap<string, string>;
}

/**
 * Documentation ranges (RFC 5737), the first one outside every public pool: the address the
 * internet namespace sends from when a program binds none. Its link to each router has only a
 * link-scoped address, which the kernel does not pick for a global destination: without a public
 * address of its own a sender's packets left with source 0.0.0.0, which the router drops as a martian.
 */
const SOURCE_CANDIDATES = ['192.0.2.1', '198.51.100.1', '203.0.113.1'];

export const internetSourceOf = (cloud: Cloud): string => SOURCE_CANDIDATES.find((a) => !cloud.publicIps.covers(a)) ?? SOURCE_CANDIDATES[0]!;

export const EMPTY_EDGES: EdgePicture = {
  internet: false,
  source: SOURCE_CANDIDATES[0]!,
  routers: new Map(),
  nats: new Map(),
  publicRoutes: new Map(),
  ipv6Routes: new Map(),
};

/** The internet namespace's IPv6 address (RFC 3849's documentation range): the source of what it sends. */
export const INTERNET_SOURCE6 = '2001:db8::1';

/** A gateway being made or working has its namespace; a failed, deleting or deleted one has none. */
const NAT_PRESENT = new Set(['pending', 'available']);

const portOf = (eni: NetworkInterface, i: InterfacePicture): Port => ({
  eniId: eni.id,
  subnetId: eni.subnetId,
  peer: i.peer,
  primary: i.primary,
  addresses: i.addresses,
  ipv6: i.ipv6,
  prefixes: i.prefixes,
  mac: i.mac,
  sourceDestCheck: i.sourceDestCheck,
  up: i.up,
});

/**
 * Whether the subnet's route table sends anything to an attached internet gateway: only then are
 * its interfaces' public addresses reachable (VPC User Guide, "Enable internet access for a VPC
 * using an internet gateway": a public subnet "has a route to an internet gateway").
 */
function routesToInternet(region: RegionState, subnetId: string, family: 4 | 6 = 4): boolean {
  const subnet = region.subnets.get(subnetId);
  const table = subnet ? routeTableOfSubnet(region, subnet) : undefined;
  return !!table?.routes.some(
    (r) =>
      r.gatewayId?.startsWith('igw-') &&
      (family === 6 ? r.destinationIpv6CidrBlock !== undefined : r.destinationIpv6CidrBlock === undefined) &&
      routeState(region, table, r) === 'active',
  );
}

/** The public addresses of an interface: Elastic IPs on any of its addresses, and an auto-assigned one on the primary. */
function publicMappings(region: RegionState, eni: NetworkInterface): [string, string][] {
  const out: [string, string][] = [];
  for (const ip of eni.privateIps) {
    const eip = ip.elasticIp !== undefined ? region.elasticIps.get(ip.elasticIp) : undefined;
    if (eip) out.push([eip.publicIp, ip.text]);
  }
  if (eni.autoPublicIp) out.push([eni.autoPublicIp, eni.privateIps[0]!.text]);
  return out;
}

export function edgesOf(cloud: Cloud, base: Picture, internet: boolean): EdgePicture {
  const byRouter = new Map<string, InterfacePicture[]>();
  for (const i of base.interfaces.values()) byRouter.set(i.routerNs, [...(byRouter.get(i.routerNs) ?? []), i]);
  const routers = new Map<string, RouterEdges>();
  const nats = new Map<string, NatPicture>();
  const publicRoutes = new Map<string, string>();
  const ipv6Routes = new Map<string, string>();
  for (const region of cloud.allRegions()) {
    for (const vpc of region.vpcs.values()) {
      const routerNs = routerNsOf(vpc.id);
      if (!base.routers.has(routerNs)) continue;
      const ports = new Map<string, Port>();
      for (const i of byRouter.get(routerNs) ?? []) {
        const eni = region.networkInterfaces.get(i.eniId);
        if (eni) ports.set(eni.id, portOf(eni, i));
      }
      const natPorts = new Map<string, Port>();
      for (const nat of region.natGateways.values()) {
        const eni = nat.networkInterfaceId !== undefined ? region.networkInterfaces.get(nat.networkInterfaceId) : undefined;
        const subnet = eni ? region.subnets.get(eni.subnetId) : undefined;
        if (nat.vpcId !== vpc.id || !NAT_PRESENT.has(nat.state) || !eni || !subnet) continue;
        const addresses = eni.privateIps.map((p) => p.text);
        const picture: NatPicture = {
          natId: nat.id,
          ns: natNsOf(nat.id),
          routerNs,
          eniId: eni.id,
          peer: peerNameOf(eni.id),
          mac: eni.macAddress,
          ip: addresses[0]!,
          prefix: subnet.cidr.prefix,
          gateway: formatIpv4(subnet.cidr.base + 1),
          addresses,
        };
        nats.set(picture.ns, picture);
        natPorts.set(nat.id, {
          eniId: eni.id,
          subnetId: eni.subnetId,
          peer: picture.peer,
          primary: picture.ip,
          addresses,
          ipv6: [],
          mac: eni.macAddress,
          sourceDestCheck: false,
          up: true,
        });
      }
      const igw = internet && gatewayOfVpc(region, vpc.id) !== undefined;
      const eigw = internet && [...region.egressOnlyInternetGateways.values()].some((g) => g.vpcId === vpc.id);
      const { routes, rules } = routerRouting({ region, vpcId: vpc.id, ports, natPorts, igw, eigw });
      const link = igw || eigw;
      const open6: string[] = [];
      if (igw)
        for (const subnet of region.subnetsOf(vpc.id).all()) {
          const cidr = subnet.ipv6.find((a) => a.state === 'associated')?.cidr.toString();
          if (cidr !== undefined && routesToInternet(region, subnet.id, 6)) open6.push(cidr);
        }
      if (link) for (const b of vpc.ipv6Cidrs) if (b.state === 'associated') ipv6Routes.set(b.cidr.toString(), routerNs);
      const oneToOne = new Map<string, string>();
      if (igw) {
        for (const port of [...ports.values(), ...natPorts.values()]) {
          const eni = region.networkInterfaces.get(port.eniId)!;
          if (!port.up || !routesToInternet(region, eni.subnetId)) continue;
          for (const [pub, priv] of publicMappings(region, eni)) {
            oneToOne.set(pub, priv);
            publicRoutes.set(pub, routerNs);
          }
        }
      }
      routers.set(routerNs, { routes, rules, igw, link, open6, oneToOne });
    }
  }
  return { internet, source: internetSourceOf(cloud), routers, nats, publicRoutes, ipv6Routes };
}

/** The name of the nftables table the public side uses, in router and NAT gateway namespaces alike. */
export const NAT_TABLE = 'ec2net_nat';

/**
 * The internet gateway's translation, stateless (payload rewrites, no conntrack NAT), so that a
 * moved Elastic IP takes even a flow already under way to its new holder at once: inbound, the
 * public destination becomes the private one before routing (and before conntrack, which the
 * security groups use, sees the packet); outbound, a mapped private source becomes its public
 * address. Anything else crossing the gateway — to an unmapped address, or from an address with
 * no public one — is dropped, as AWS's gateway does.
 */
export function routerNatScript(e: RouterEdges): string | undefined {
  if (!e.igw) return undefined;
  const elements = (pairs: [string, string][]) => (pairs.length > 0 ? ` elements = { ${pairs.map(([k, v]) => `${k} : ${v}`).join(', ')} }` : '');
  const inbound = [...e.oneToOne];
  const outbound = inbound.map(([pub, priv]) => [priv, pub] as [string, string]);
  return [
    `table ip ${NAT_TABLE} {`,
    `  map inbound { type ipv4_addr : ipv4_addr;${elements(inbound)} }`,
    `  map outbound { type ipv4_addr : ipv4_addr;${elements(outbound)} }`,
    '  chain from_internet {',
    '    type filter hook prerouting priority raw; policy accept;',
    `    iifname "${IGW_LINK}" ip daddr set ip daddr map @inbound accept`,
    `    iifname "${IGW_LINK}" drop`,
    '  }',
    '  chain to_internet {',
    '    type filter hook postrouting priority srcnat; policy accept;',
    `    oifname "${IGW_LINK}" ip saddr set ip saddr map @outbound accept`,
    `    oifname "${IGW_LINK}" drop`,
    '  }',
    '}',
  ].join('\n');
}

/** The name of the IPv6 gateway filter's table (family inet: it needs IPv6 matches and conntrack). */
export const GATEWAY6_TABLE = 'ec2net_gw6';

/**
 * What the internet sends in over IPv6 (not translated: the addresses are public): replies to
 * connections made from inside pass, as an egress-only internet gateway lets them (VPC User Guide,
 * "Enable outbound IPv6 traffic using an egress-only internet gateway"); new connections only to a
 * subnet whose route table sends IPv6 to the internet gateway; the rest is dropped. Before the
 * security groups, which then decide as for any traffic.
 */
export function routerGateway6Script(e: RouterEdges): string | undefined {
  if (!e.link) return undefined;
  return [
    `table inet ${GATEWAY6_TABLE} {`,
    '  chain from_internet {',
    '    type filter hook forward priority filter - 20; policy accept;',
    `    iifname "${IGW_LINK}" meta nfproto ipv6 ct state established,related accept`,
    ...(e.open6.length > 0 ? [`    iifname "${IGW_LINK}" ip6 daddr { ${e.open6.join(', ')} } accept`] : []),
    `    iifname "${IGW_LINK}" meta nfproto ipv6 drop`,
    '  }',
    '}',
  ].join('\n');
}

/**
 * A NAT gateway translates the source of what it forwards to its private address; for a public
 * gateway the internet gateway then translates that to its Elastic IP (VPC User Guide, "NAT
 * gateway basics"). Replies come back through conntrack.
 */
export function natGatewayScript(n: NatPicture): string {
  return [
    `table ip ${NAT_TABLE} {`,
    '  chain postrouting {',
    '    type nat hook postrouting priority srcnat; policy accept;',
    `    oifname "eth0" ip saddr != ${n.ip} snat to ${n.ip}`,
    '  }',
    '}',
  ].join('\n');
}
