/**
 * Applies route tables and the public side (routing.ts, internet.ts) after the fabric (plan.ts)
 * each reconcile: diffs what it applied with what the state asks for now, then runs the
 * difference — namespaces and links from the root namespace, routes and rules with `ip -batch` in
 * each namespace, nftables tables with `nft -f` (one atomic transaction per namespace).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Cloud } from '../engine/cloud.js';
import { inParallel, ipBatch, type BatchResult } from './ip.js';
import {
  edgesOf,
  EMPTY_EDGES,
  GATEWAY6_TABLE,
  INTERNET_NS,
  INTERNET_SOURCE6,
  internetLinkOf,
  NAT_TABLE,
  natGatewayScript,
  routerGateway6Script,
  routerNatScript,
  type EdgePicture,
  type NatPicture,
  type RouterEdges,
} from './internet.js';
import type { Picture } from './picture.js';
import { EMPTY_PICTURE, MTU, sameLink } from './plan.js';
import { IGW_LINK, INTERNET_ADDRESS, INTERNET_ADDRESS6, ROUTER_IGW_ADDRESS, ROUTER_IGW_ADDRESS6, routeKey, ruleLine, type KernelRoute } from './routing.js';

const TIMEOUT_MS = 30_000;
const PARALLEL = 8;

export interface EdgePlan {
  /** Per namespace, before anything else: links that go. */
  readonly teardown: Map<string, string[]>;
  /** In the root namespace: namespaces removed and added, veth pairs made in place. */
  readonly root: string[];
  /** Namespaces made now (the internet, NAT gateways), whose forwarding settings must be set. */
  readonly newNamespaces: string[];
  /** Per namespace: the nftables script to load (a whole table, or its removal). */
  readonly nft: Map<string, string>;
  /** Per namespace: addresses, link states, routes, rules. */
  readonly configure: Map<string, string[]>;
}

const NO_ROUTER: RouterEdges = { routes: [], rules: [], igw: false, link: false, open6: [], oneToOne: new Map() };

const sameNat = (a: NatPicture, b: NatPicture) =>
  a.routerNs === b.routerNs && a.eniId === b.eniId && a.mac === b.mac && a.prefix === b.prefix && a.addresses.join() === b.addresses.join();

/** `ip route` wants a route's type before its destination (`blackhole 10.0.0.0/8`), a gateway after it. */
const replaceLine = (r: KernelRoute) =>
  r.spec === 'blackhole' ? `route replace blackhole ${r.dest} table ${r.table}` : `route replace ${r.dest} ${r.spec} table ${r.table}`;

/** An nftables script that makes `table` exactly `body` (or removes it), atomically. */
export const replaceTableScript = (table: string, body: string | undefined, family = 'ip') =>
  `table ${family} ${table}\ndelete table ${family} ${table}\n${body ? `${body}\n` : ''}`;

/**
 * The difference between two edge pictures. `newRouters` are router namespaces made this round
 * (nothing of ours is in them yet); `lostLinks` are links removed or made again this round (the
 * kernel dropped the routes through them).
 */
export function edgePlanOf(applied: EdgePicture, desired: EdgePicture, newRouters: ReadonlySet<string>, baseLostLinks: ReadonlySet<string>): EdgePlan {
  const teardown = new Map<string, string[]>();
  const configure = new Map<string, string[]>();
  const nft = new Map<string, string>();
  const root: string[] = [];
  const newNamespaces: string[] = [];
  const add = (m: Map<string, string[]>, ns: string, line: string) => {
    const list = m.get(ns);
    if (list) list.push(line);
    else m.set(ns, [line]);
  };
  const before = (r: string) => (newRouters.has(r) ? NO_ROUTER : (applied.routers.get(r) ?? NO_ROUTER));
  const lost = new Set(baseLostLinks);

  // The internet.
  const internetNew = desired.internet && !applied.internet;
  if (internetNew) {
    root.push(`netns add ${INTERNET_NS}`);
    newNamespaces.push(INTERNET_NS);
    add(configure, INTERNET_NS, 'link set lo up');
    add(configure, INTERNET_NS, `addr add ${INTERNET_ADDRESS}/32 dev lo scope link`);
    add(configure, INTERNET_NS, `addr add ${desired.source}/32 dev lo`);
    add(configure, INTERNET_NS, `addr add ${INTERNET_SOURCE6}/128 dev lo nodad`);
  } else if (!desired.internet && applied.internet) {
    root.push(`netns del ${INTERNET_NS}`);
  }

  // NAT gateways: a namespace each, made again when anything about its link changed.
  for (const [ns, was] of applied.nats) {
    const now = desired.nats.get(ns);
    if (now && sameNat(was, now) && !newRouters.has(now.routerNs)) continue;
    root.push(`netns del ${ns}`);
    lost.add(was.peer);
  }
  for (const [ns, n] of desired.nats) {
    const was = applied.nats.get(ns);
    if (was && sameNat(was, n) && !newRouters.has(n.routerNs)) continue;
    root.push(`netns add ${ns}`);
    root.push(`link add name ${n.peer} netns ${n.routerNs} mtu ${MTU} type veth peer name eth0 netns ${ns} address ${n.mac} mtu ${MTU}`);
    newNamespaces.push(ns);
    lost.add(n.peer);
    add(configure, n.routerNs, `link set ${n.peer} up`);
    add(configure, ns, 'link set lo up');
    for (const a of n.addresses) add(configure, ns, `addr add ${a}/${n.prefix} dev eth0`);
    add(configure, ns, 'link set eth0 up');
    add(configure, ns, `route replace default via ${n.gateway} dev eth0`);
    nft.set(ns, replaceTableScript(NAT_TABLE, natGatewayScript(n)));
  }

  // Internet gateways: a veth pair between the router and the internet while one is attached.
  const linkNew = new Set<string>();
  for (const [r, e] of desired.routers) {
    const had = before(r).link && !internetNew;
    if (e.link && !had) {
      root.push(`link add name ${IGW_LINK} netns ${r} type veth peer name ${internetLinkOf(r)} netns ${INTERNET_NS}`);
      add(configure, r, `addr add ${ROUTER_IGW_ADDRESS}/32 dev ${IGW_LINK}`);
      add(configure, r, `addr add ${ROUTER_IGW_ADDRESS6}/64 dev ${IGW_LINK} nodad`);
      add(configure, r, `link set ${IGW_LINK} up`);
      add(configure, INTERNET_NS, `addr add ${INTERNET_ADDRESS6}/64 dev ${internetLinkOf(r)} nodad`);
      add(configure, INTERNET_NS, `link set ${internetLinkOf(r)} up`);
      linkNew.add(r);
    } else if (!e.link && had) {
      add(teardown, INTERNET_NS, `link del ${internetLinkOf(r)}`);
      linkNew.add(r);
    }
  }
  const gone = (r: string, route: KernelRoute) => route.dev !== undefined && (lost.has(route.dev) || (route.dev === IGW_LINK && linkNew.has(r)));

  // Routes, rules and the gateway's translation in each router.
  for (const [r, e] of desired.routers) {
    const was = before(r);
    const old = new Map(was.routes.map((x) => [routeKey(x), x]));
    const now = new Set<string>();
    for (const route of e.routes) {
      const key = routeKey(route);
      now.add(key);
      const prev = old.get(key);
      if (!prev || prev.spec !== route.spec || gone(r, route)) add(configure, r, replaceLine(route));
    }
    for (const [key, route] of old) if (!now.has(key) && !gone(r, route)) add(configure, r, `route del ${route.dest} table ${route.table}`);
    const oldRules = new Set(was.rules);
    const newRules = new Set(e.rules);
    for (const rule of was.rules) if (!newRules.has(rule)) add(configure, r, ruleLine(rule, 'del'));
    for (const rule of e.rules) if (!oldRules.has(rule)) add(configure, r, ruleLine(rule, 'add'));
    // The IPv4 translation and the IPv6 filter at the gateway: each table replaced when it changed.
    const scripts: string[] = [];
    const script = routerNatScript(e);
    const oldScript = routerNatScript(was);
    if (script !== oldScript && (script !== undefined || !newRouters.has(r))) scripts.push(replaceTableScript(NAT_TABLE, script));
    const script6 = routerGateway6Script(e);
    const oldScript6 = routerGateway6Script(was);
    if (script6 !== oldScript6 && (script6 !== undefined || !newRouters.has(r))) scripts.push(replaceTableScript(GATEWAY6_TABLE, script6, 'inet'));
    if (scripts.length > 0) nft.set(r, scripts.join(''));
  }

  // The internet's routes to public addresses: through the link of the router that translates them.
  if (desired.internet) {
    const old = internetNew ? new Map<string, string>() : applied.publicRoutes;
    for (const [pub, r] of desired.publicRoutes) {
      if (old.get(pub) !== r || linkNew.has(r) || newRouters.has(r))
        add(configure, INTERNET_NS, `route replace ${pub}/32 via ${ROUTER_IGW_ADDRESS} dev ${internetLinkOf(r)} onlink src ${desired.source}`);
    }
    for (const [pub, r] of old) {
      const linkStays = desired.routers.get(r)?.link && !linkNew.has(r) && !newRouters.has(r);
      if (!desired.publicRoutes.has(pub) && linkStays) add(configure, INTERNET_NS, `route del ${pub}/32`);
    }
    // A VPC's IPv6 CIDRs are public: the internet routes them to its router as they are.
    const old6 = internetNew ? new Map<string, string>() : applied.ipv6Routes;
    for (const [cidr, r] of desired.ipv6Routes) {
      if (old6.get(cidr) !== r || linkNew.has(r) || newRouters.has(r))
        add(configure, INTERNET_NS, `route replace ${cidr} via ${ROUTER_IGW_ADDRESS6} dev ${internetLinkOf(r)}`);
    }
    for (const [cidr, r] of old6) {
      const linkStays = desired.routers.get(r)?.link && !linkNew.has(r) && !newRouters.has(r);
      if (!desired.ipv6Routes.has(cidr) && linkStays) add(configure, INTERNET_NS, `route del ${cidr}`);
    }
  }
  // Nothing is configured in a namespace that is going away.
  for (const ns of configure.keys()) if (!desired.routers.has(ns) && !desired.nats.has(ns) && ns !== INTERNET_NS) configure.delete(ns);
  if (!desired.internet) configure.delete(INTERNET_NS);
  return { teardown, root, newNamespaces, nft, configure };
}

/** Runs `nft -f -` inside a namespace; resolves with its complaints, never rejects. */
export function nftIn(ns: string, script: string): Promise<BatchResult> {
  return new Promise((resolve) => {
    const child = execFile('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], { timeout: TIMEOUT_MS }, (error, _o, stderr) =>
      resolve({ ns, errors: error ? String(stderr).trim() || error.message : '' }),
    );
    child.stdin?.end(script);
  });
}

/** Forwarding settings of the internet and of NAT gateways: they route, and redirect no one (eth0 was made before the defaults were set). */
function forwarderSysctls(ns: string): Promise<BatchResult> {
  const settings = [
    'ipv4/ip_forward=1',
    'ipv4/conf/all/send_redirects=0',
    'ipv4/conf/default/send_redirects=0',
    'ipv4/conf/all/rp_filter=0',
    'ipv4/conf/default/rp_filter=0',
  ];
  if (ns !== INTERNET_NS) settings.push('ipv4/conf/eth0/send_redirects=0', 'ipv4/conf/eth0/rp_filter=0');
  // The internet carries IPv6 (with link-local addresses ec2net gives, no DAD); NAT gateways do not.
  if (ns === INTERNET_NS)
    settings.push(
      'ipv6/conf/all/disable_ipv6=0',
      'ipv6/conf/default/disable_ipv6=0',
      'ipv6/conf/default/accept_dad=0',
      'ipv6/conf/default/addr_gen_mode=1',
      'ipv6/conf/all/accept_ra=0',
      'ipv6/conf/default/accept_ra=0',
    );
  else settings.push('ipv6/conf/all/disable_ipv6=1', 'ipv6/conf/default/disable_ipv6=1');
  const script = settings.map((s) => `echo ${s.split('=')[1]} > /proc/sys/net/${s.split('=')[0]}`).join(' && ');
  return new Promise((resolve) => {
    execFile('ip', ['netns', 'exec', ns, 'sh', '-c', script], { timeout: TIMEOUT_MS }, (error, _o, stderr) =>
      resolve({ ns, errors: error ? String(stderr).trim() || error.message : '' }),
    );
  });
}

/** Route tables and the public side, kept in step by the reconciler (one per data plane). */
export class Edges {
  private applied: EdgePicture = EMPTY_EDGES;
  private appliedBase: Picture = EMPTY_PICTURE;
  /** Set when `ec2net-internet` belonged to someone else at our first look: the public side stays off. */
  private internetForeign?: boolean;

  constructor(private readonly warn: (message: string) => void) {}

  /** The public side and route tables the state asks for, given the fabric's picture. */
  picture(cloud: Cloud, base: Picture): EdgePicture {
    if (this.internetForeign === undefined && !this.applied.internet) {
      this.internetForeign = existsSync(`/run/netns/${INTERNET_NS}`);
      if (this.internetForeign) this.warn(`data plane: network namespace ${INTERNET_NS} already exists and is not this ec2net's; no internet side`);
    }
    return edgesOf(cloud, base, !this.internetForeign);
  }

  /** The namespaces a picture has (for the record of what this process owns). */
  static namespaces(p: EdgePicture): string[] {
    return [...(p.internet ? [INTERNET_NS] : []), ...p.nats.keys()];
  }

  owned(): string[] {
    return Edges.namespaces(this.applied);
  }

  /**
   * Makes namespaces, links and nftables tables at once, and adds the routes and rules to
   * `configure` (the fabric's last phase, which the reconciler runs next): one `ip` process per
   * namespace for both, after the fabric's own lines (links come up before routes use them).
   */
  async apply(desired: EdgePicture, base: Picture, newRouters: readonly string[], configure: Map<string, string[]>): Promise<BatchResult[]> {
    const lost = new Set<string>();
    for (const [id, was] of this.appliedBase.interfaces) {
      const now = base.interfaces.get(id);
      if (!now || !sameLink(was, now)) lost.add(was.peer);
    }
    const plan = edgePlanOf(this.applied, desired, new Set(newRouters), lost);
    const problems: BatchResult[] = [];
    problems.push(...(await inParallel([...plan.teardown], PARALLEL, ([ns, lines]) => ipBatch(lines, ns))));
    if (plan.root.length > 0) problems.push(await ipBatch(plan.root));
    problems.push(...(await inParallel(plan.newNamespaces, PARALLEL, forwarderSysctls)));
    // Translation before links come up: nothing crosses a new gateway untranslated.
    problems.push(...(await inParallel([...plan.nft], PARALLEL, ([ns, script]) => nftIn(ns, script))));
    for (const [ns, lines] of plan.configure) configure.set(ns, [...(configure.get(ns) ?? []), ...lines]);
    this.applied = desired;
    this.appliedBase = base;
    return problems;
  }

  /** Everything was removed (with the namespaces the reconciler owns). */
  reset(): void {
    this.applied = EMPTY_EDGES;
    this.appliedBase = EMPTY_PICTURE;
    this.internetForeign = undefined;
  }
}
