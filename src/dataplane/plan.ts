/**
 * The difference between the data plane as applied and as the control plane now asks, as `ip`
 * batch lines in three phases: links that go away, namespaces and veth pairs (from the root
 * namespace), then what is configured inside each namespace. Pure, so it is tested without root.
 */
import type { InterfacePicture, Picture } from './picture.js';

/** EC2's MTU for instances in a VPC (jumbo frames). */
export const MTU = 9001;

export interface PlanOptions {
  /** Configure secondary addresses in the instance's OS too, as amazon-ec2-net-utils does. */
  readonly configureSecondary: boolean;
}

export interface Plan {
  /** Phase 1, per namespace: links removed before anything is created (a name may come back). */
  readonly teardown: Map<string, string[]>;
  /** Phase 2, in the root namespace: namespaces removed and added, veth pairs created in place. */
  readonly root: string[];
  /** Router namespaces created in phase 2, whose forwarding settings must be set. */
  readonly newRouters: string[];
  /** Phase 3, per namespace: addresses, link states, routes, rules. */
  readonly configure: Map<string, string[]>;
}

/** A route's destination: a delegated prefix as it is, an address as a host route (/32 for IPv4, /128 for IPv6). */
const destOf = (a: string) => (a.includes('/') ? a : `${a}/${a.includes(':') ? 128 : 32}`);

export const EMPTY_PICTURE: Picture = { routers: new Map(), instances: new Set(), interfaces: new Map() };

/** Two pictures of one interface that need a new veth pair (anything but its addresses and state changed). */
export const sameLink = (a: InterfacePicture, b: InterfacePicture) =>
  a.instanceNs === b.instanceNs && a.routerNs === b.routerNs && a.dev === b.dev && a.mac === b.mac && a.primary === b.primary && a.prefix === b.prefix;

/** The host routes of a picture: router namespace → address → router-side link (interfaces that are up). */
function routesOf(p: Picture): Map<string, Map<string, string>> {
  const routes = new Map<string, Map<string, string>>();
  for (const i of p.interfaces.values()) {
    if (!i.up) continue;
    const table = routes.get(i.routerNs) ?? new Map<string, string>();
    for (const a of [...i.addresses, ...i.ipv6, ...(i.prefixes ?? [])]) table.set(a, i.peer);
    routes.set(i.routerNs, table);
  }
  return routes;
}

/**
 * Source/destination check: from an interface, only its own addresses are forwarded (unless the
 * check is off). Each entry is an `ip` line that adds the rule (`del` for `add` removes it).
 */
function rulesOf(p: Picture): Map<string, Set<string>> {
  const rules = new Map<string, Set<string>>();
  for (const i of p.interfaces.values()) {
    if (!i.sourceDestCheck) continue;
    const set = rules.get(i.routerNs) ?? new Set<string>();
    for (const a of i.addresses) set.add(`rule add pref 100 iif ${i.peer} from ${a}/32 lookup main`);
    set.add(`rule add pref 200 iif ${i.peer} blackhole`);
    // IPv6 rules are a family of their own (`ip -6 rule`, see ip.ts): an interface without IPv6
    // addresses sends no IPv6 the router forwards either.
    for (const a of i.ipv6) set.add(`-6 rule add pref 100 iif ${i.peer} from ${a}/128 lookup main`);
    set.add(`-6 rule add pref 200 iif ${i.peer} blackhole`);
    // Delegated prefixes are the interface's own addresses too ("Prefixes are included in source/destination checks").
    for (const p of i.prefixes ?? []) set.add(`${p.includes(':') ? '-6 ' : ''}rule add pref 100 iif ${i.peer} from ${p} lookup main`);
    rules.set(i.routerNs, set);
  }
  return rules;
}

/** The addresses the instance's OS has configured on an interface (by ec2net). */
const osAddresses = (i: InterfacePicture, o: PlanOptions) => (o.configureSecondary ? i.addresses : [i.primary]);

/**
 * The IPv6 addresses the instance's OS has configured, while the link is up (Linux drops them
 * when it goes down): what DHCPv6 gives on EC2 is the first; the others only with the secondary
 * option, as for IPv4. Without an IPv6 CIDR on the subnet there is none.
 */
const osIpv6 = (i: InterfacePicture | undefined, o: PlanOptions) =>
  !i?.up || i.ipv6Subnet === undefined ? [] : o.configureSecondary ? i.ipv6 : i.ipv6.slice(0, 1);

/**
 * The subnet router's IPv6 address on every link: link-local, as an IPv6 router's is. EC2's
 * instances learn theirs from its router advertisements; ec2net's router has the fixed fe80::1.
 */
export const ROUTER_IPV6 = 'fe80::1';

export function planOf(applied: Picture, desired: Picture, options: PlanOptions): Plan {
  const teardown = new Map<string, string[]>();
  const configure = new Map<string, string[]>();
  const root: string[] = [];
  const add = (m: Map<string, string[]>, ns: string, line: string) => {
    const list = m.get(ns);
    if (list) list.push(line);
    else m.set(ns, [line]);
  };
  // Interfaces that leave, or whose link must be made again.
  const removed = new Set<string>();
  for (const [id, was] of applied.interfaces) {
    const now = desired.interfaces.get(id);
    if (now && sameLink(was, now)) continue;
    removed.add(id);
    add(teardown, was.routerNs, `link del ${was.peer}`);
  }
  for (const ns of applied.instances) if (!desired.instances.has(ns)) root.push(`netns del ${ns}`);
  for (const ns of applied.routers.keys()) if (!desired.routers.has(ns)) root.push(`netns del ${ns}`);
  const newRouters = [...desired.routers.keys()].filter((ns) => !applied.routers.has(ns));
  for (const ns of newRouters) root.push(`netns add ${ns}`);
  for (const ns of desired.instances) if (!applied.instances.has(ns)) root.push(`netns add ${ns}`);
  for (const ns of newRouters) add(configure, ns, 'link set lo up');
  for (const ns of desired.instances) if (!applied.instances.has(ns)) add(configure, ns, 'link set lo up');

  // Router addresses (each subnet's .1) on the router's loopback: ARP for them is answered on every link.
  for (const [ns, gateways] of desired.routers) {
    const before = applied.routers.get(ns) ?? [];
    for (const g of gateways) if (!before.includes(g)) add(configure, ns, `addr add ${g}/32 dev lo`);
    for (const g of before) if (!gateways.includes(g)) add(configure, ns, `addr del ${g}/32 dev lo`);
  }

  for (const [id, i] of desired.interfaces) {
    const was = removed.has(id) ? undefined : applied.interfaces.get(id);
    if (!was) {
      root.push(`link add name ${i.peer} netns ${i.routerNs} mtu ${MTU} type veth peer name ${i.dev} netns ${i.instanceNs} address ${i.mac} mtu ${MTU}`);
      add(configure, i.routerNs, `link set ${i.peer} up`);
      // Proxy ARP answers after a random delay of up to proxy_delay (800 ms by default): a first
      // contact would wait that long. The fabric answers at once.
      add(configure, i.routerNs, `ntable change name arp_cache dev ${i.peer} proxy_delay 0`);
      if (i.ipv6Subnet !== undefined) add(configure, i.routerNs, `addr add ${ROUTER_IPV6}/64 dev ${i.peer} nodad`);
      for (const a of osAddresses(i, options)) add(configure, i.instanceNs, `addr add ${a}/${i.prefix} dev ${i.dev}`);
    } else {
      const before = osAddresses(was, options);
      const after = osAddresses(i, options);
      for (const a of after) if (!before.includes(a)) add(configure, i.instanceNs, `addr add ${a}/${i.prefix} dev ${i.dev}`);
      for (const a of before) if (!after.includes(a)) add(configure, i.instanceNs, `addr del ${a}/${i.prefix} dev ${i.dev}`);
    }
    if (i.up && !was?.up) {
      add(configure, i.instanceNs, `link set ${i.dev} up`);
      // What DHCP gives on EC2: the default route via the subnet's router, on the primary interface.
      if (i.dev === 'eth0') add(configure, i.instanceNs, `route replace default via ${i.gateway} dev eth0`);
    } else if (!i.up && was?.up) {
      add(configure, i.instanceNs, `link set ${i.dev} down`);
    }
    // IPv6: the addresses as /128 (DHCPv6 gives single addresses, not a prefix), the subnet and (on
    // eth0) the default route via the router's link-local address. Everything in the subnet is
    // reached through the router: the fabric answers no neighbour solicitation for other instances.
    const v6Before = osIpv6(was, options);
    const v6After = osIpv6(i, options);
    for (const a of v6After) if (!v6Before.includes(a)) add(configure, i.instanceNs, `addr add ${a}/128 dev ${i.dev} nodad`);
    if (i.up) for (const a of v6Before) if (!v6After.includes(a)) add(configure, i.instanceNs, `addr del ${a}/128 dev ${i.dev}`);
    if (i.up && i.ipv6Subnet !== undefined && (!was?.up || was.ipv6Subnet !== i.ipv6Subnet)) {
      const index = Number(i.dev.slice(3));
      add(configure, i.instanceNs, `route replace ${i.ipv6Subnet} via ${ROUTER_IPV6} dev ${i.dev} metric ${1024 + index}`);
      if (i.dev === 'eth0') add(configure, i.instanceNs, `route replace ::/0 via ${ROUTER_IPV6} dev eth0`);
    }
  }

  // Delivery by mapping: one /32 (/128) per address, to the link of the interface that holds it now.
  const removedPeers = new Set([...removed].map((id) => applied.interfaces.get(id)!.peer));
  const routesBefore = routesOf(applied);
  const routesAfter = routesOf(desired);
  // The fabric knows each interface's MAC, as EC2's does: a permanent neighbour entry, so delivery
  // never waits for the instance to answer ARP (one that has not configured the address yet would
  // leave the entry failed, retried a second later).
  const macOf = new Map([...desired.interfaces.values()].map((i) => [i.peer, i.mac]));
  for (const [ns, table] of routesAfter) {
    const before = routesBefore.get(ns);
    for (const [a, peer] of table) {
      const was = before?.get(a);
      if (was !== peer || removedPeers.has(peer)) {
        add(configure, ns, `route replace ${destOf(a)} dev ${peer}`);
        // A prefix's addresses are found by neighbour discovery: the instance answers for those its OS configured.
        if (!a.includes('/')) add(configure, ns, `neigh replace ${a} lladdr ${macOf.get(peer)} dev ${peer} nud permanent`);
      }
    }
  }
  for (const [ns, table] of routesBefore) {
    if (!desired.routers.has(ns)) continue;
    const after = routesAfter.get(ns);
    for (const [a, peer] of table) if (!after?.has(a) && !removedPeers.has(peer)) add(configure, ns, `route del ${destOf(a)} dev ${peer}`);
  }
  const rulesBefore = rulesOf(applied);
  const rulesAfter = rulesOf(desired);
  for (const [ns, set] of rulesAfter) {
    const before = rulesBefore.get(ns);
    for (const r of set) if (!before?.has(r)) add(configure, ns, r);
  }
  for (const [ns, set] of rulesBefore) {
    if (!desired.routers.has(ns)) continue;
    const after = rulesAfter.get(ns);
    for (const r of set) if (!after?.has(r)) add(configure, ns, r.replace('rule add', 'rule del'));
  }
  // Nothing is configured in a namespace that is going away.
  for (const ns of configure.keys()) if (!desired.routers.has(ns) && !desired.instances.has(ns)) configure.delete(ns);
  return { teardown, root, newRouters, configure };
}
