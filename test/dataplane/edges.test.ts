/** Route tables and the public side, pure parts: the diff between two edge pictures, the scripts, table numbers. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { edgePlanOf } from '../../src/dataplane/edges.js';
import { EMPTY_EDGES, INTERNET_NS, routerGateway6Script, routerNatScript, type EdgePicture, type RouterEdges } from '../../src/dataplane/internet.js';
import { linkLocalOf, tableNumbers, type KernelRoute } from '../../src/dataplane/routing.js';

const R = 'ec2net-vpc-0123456789abcdef0';
const routes: KernelRoute[] = [
  { table: '1001', dest: '10.0.0.0/16', spec: 'blackhole' },
  { table: '1001', dest: '10.0.1.4/32', spec: 'dev va', dev: 'va' },
  { table: '1001', dest: '0.0.0.0/0', spec: 'via 169.254.0.2 dev igw onlink', dev: 'igw' },
];
const router = (over: Partial<RouterEdges> = {}): RouterEdges => ({
  routes,
  rules: ['pref 90 iif va from 10.0.1.4/32 lookup 1001'],
  igw: true,
  link: true,
  open6: [],
  oneToOne: new Map([['203.0.113.5', '10.0.1.4']]),
  ...over,
});
const picture = (r: RouterEdges, publicRoutes = new Map([['203.0.113.5', R]])): EdgePicture => ({
  internet: true,
  source: '192.0.2.1',
  routers: new Map([[R, r]]),
  nats: new Map(),
  publicRoutes,
  ipv6Routes: new Map(),
});

describe('edgePlanOf', () => {
  it('builds the internet, the gateway link, routes (blackholes type first), rules and the translation from nothing', () => {
    const plan = edgePlanOf(EMPTY_EDGES, picture(router()), new Set([R]), new Set());
    assert.deepEqual(plan.root, [`netns add ${INTERNET_NS}`, `link add name igw netns ${R} type veth peer name r3456789abcdef0 netns ${INTERNET_NS}`]);
    assert.deepEqual(plan.newNamespaces, [INTERNET_NS]);
    const lines = plan.configure.get(R)!;
    // The router's end has a link-local IPv6 address too: the next hop of the internet's IPv6 routes.
    assert.deepEqual(lines.slice(0, 3), ['addr add 169.254.0.1/32 dev igw', 'addr add fe80::1/64 dev igw nodad', 'link set igw up']);
    assert.ok(lines.includes('route replace blackhole 10.0.0.0/16 table 1001'));
    assert.ok(lines.includes('route replace 0.0.0.0/0 via 169.254.0.2 dev igw onlink table 1001'));
    assert.ok(lines.includes('rule add pref 90 iif va from 10.0.1.4/32 lookup 1001'));
    // The internet has a public address of its own, the source of its routes: a sender that binds
    // none would otherwise leave with 0.0.0.0, which the router drops as a martian.
    assert.ok(plan.configure.get(INTERNET_NS)!.includes('addr add 192.0.2.1/32 dev lo'));
    assert.ok(plan.configure.get(INTERNET_NS)!.includes('route replace 203.0.113.5/32 via 169.254.0.1 dev r3456789abcdef0 onlink src 192.0.2.1'));
    assert.match(plan.nft.get(R)!, /elements = \{ 203\.0\.113\.5 : 10\.0\.1\.4 \}/);
  });

  it('moves an Elastic IP within a VPC with one nftables transaction and nothing else', () => {
    const before = picture(router());
    const after = picture(router({ oneToOne: new Map([['203.0.113.5', '10.0.1.9']]) }));
    const plan = edgePlanOf(before, after, new Set(), new Set());
    assert.deepEqual(plan.root, []);
    assert.equal(plan.configure.size, 0);
    assert.deepEqual([...plan.nft.keys()], [R]);
    assert.match(plan.nft.get(R)!, /^table ip ec2net_nat\ndelete table ip ec2net_nat\ntable ip ec2net_nat \{/);
  });

  it('removes rules before adding (the kernel takes a rule without a source for one with it), and routes whose link is gone are not deleted again', () => {
    const before = picture(router());
    const after = picture(router({ rules: ['pref 91 iif va lookup 1001'], routes: routes.filter((r) => r.dev !== 'va') }));
    const lines = edgePlanOf(before, after, new Set(), new Set(['va'])).configure.get(R)!;
    assert.deepEqual(lines, ['rule del pref 90 iif va from 10.0.1.4/32 lookup 1001', 'rule add pref 91 iif va lookup 1001']);
  });

  it('detaching the gateway removes its link, and the translation goes with the table', () => {
    const plan = edgePlanOf(picture(router()), picture(router({ igw: false, link: false, oneToOne: new Map() }), new Map()), new Set(), new Set());
    assert.deepEqual(plan.teardown.get(INTERNET_NS), ['link del r3456789abcdef0']);
    assert.equal(plan.nft.get(R), 'table ip ec2net_nat\ndelete table ip ec2net_nat\ntable inet ec2net_gw6\ndelete table inet ec2net_gw6\n');
    assert.equal(routerNatScript(router({ igw: false })), undefined);
  });
});

describe('the IPv6 side of the gateway', () => {
  it('routes a VPC IPv6 CIDR from the internet to its router, and lets in only replies and subnets routed to the internet gateway', () => {
    const eigwOnly = router({ igw: false, link: true, oneToOne: new Map() });
    const desired = { ...picture(eigwOnly, new Map()), ipv6Routes: new Map([['2600:1f00:1200::/56', R]]) };
    const plan = edgePlanOf(EMPTY_EDGES, desired, new Set([R]), new Set());
    assert.ok(plan.configure.get(INTERNET_NS)!.includes('route replace 2600:1f00:1200::/56 via fe80::1 dev r3456789abcdef0'));
    assert.ok(plan.configure.get(INTERNET_NS)!.includes('addr add 2001:db8::1/128 dev lo nodad'));
    // An egress-only gateway (VPC User Guide, "egress-only internet gateway"): replies only; no IPv4 translation table.
    assert.equal(routerNatScript(eigwOnly), undefined);
    const script = routerGateway6Script(eigwOnly)!;
    assert.match(script, /iifname "igw" meta nfproto ipv6 ct state established,related accept\n {4}iifname "igw" meta nfproto ipv6 drop/);
    assert.match(routerGateway6Script(router({ open6: ['2600:1f00:1200::/64'] }))!, /iifname "igw" ip6 daddr \{ 2600:1f00:1200::\/64 \} accept/);
  });

  it("names an appliance's IPv6 next hop by its EUI-64 link-local address", () => {
    assert.equal(linkLocalOf('02:42:ac:11:00:02'), 'fe80::42:acff:fe11:2');
    assert.equal(linkLocalOf('0e:00:00:00:00:01'), 'fe80::c00:ff:fe00:1');
  });
});

describe('tableNumbers', () => {
  it('numbers route tables from their ids (stable across restarts), distinct, clear of the reserved tables', () => {
    const ids = ['rtb-0aaaaaaaaaaaaaaaa', 'rtb-0bbbbbbbbbbbbbbbb', 'rtb-0ccccccccccccccccc'];
    const a = tableNumbers(ids);
    const b = tableNumbers([...ids].reverse());
    assert.deepEqual([...a].sort(), [...b].sort());
    assert.equal(new Set(a.values()).size, 3);
    for (const n of a.values()) assert.ok(n >= 1000 && n < 2 ** 31);
  });
});
