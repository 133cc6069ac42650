/** The data plane's pure parts: the refusal to start, the flags, and the diff between two pictures. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseServeConfig } from '../../src/config.js';
import { dataplaneRefusal } from '../../src/dataplane/preflight.js';
import type { InterfacePicture, Picture } from '../../src/dataplane/picture.js';
import { EMPTY_PICTURE, planOf } from '../../src/dataplane/plan.js';

const ROOT_CAPS = 'Name:\tnode\nCapEff:\t000001ffffffffff\n';

describe('dataplaneRefusal', () => {
  it('says in one line what is missing: Linux, the capabilities, or ip', () => {
    assert.match(dataplaneRefusal({ platform: 'darwin', procStatus: () => ROOT_CAPS, hasIp: () => true })!, /needs Linux.*darwin/);
    assert.match(
      dataplaneRefusal({ platform: 'linux', procStatus: () => 'CapEff:\t0000000000000000\n', hasIp: () => true })!,
      /root \(or CAP_NET_ADMIN and CAP_SYS_ADMIN\)/,
    );
    // CAP_NET_ADMIN (bit 12) alone: namespaces still need CAP_SYS_ADMIN (bit 21).
    assert.match(dataplaneRefusal({ platform: 'linux', procStatus: () => 'CapEff:\t0000000000001000\n', hasIp: () => true })!, /or CAP_SYS_ADMIN\)/);
    assert.match(dataplaneRefusal({ platform: 'linux', procStatus: () => ROOT_CAPS, hasIp: () => false })!, /iproute2/);
    assert.equal(dataplaneRefusal({ platform: 'linux', procStatus: () => ROOT_CAPS, hasIp: () => true }), undefined);
    for (const p of ['darwin', 'linux']) assert.ok(!(dataplaneRefusal({ platform: p, procStatus: () => '', hasIp: () => false }) ?? '').includes('\n'));
  });
});

describe('--dataplane', () => {
  it('is off by default, netns by flag or EC2NET_DATAPLANE, and refuses anything else', () => {
    assert.equal(parseServeConfig([], {}).dataplane, undefined);
    assert.equal(parseServeConfig(['--dataplane', 'netns'], {}).dataplane, 'netns');
    assert.equal(parseServeConfig([], { EC2NET_DATAPLANE: 'netns' }).dataplane, 'netns');
    assert.equal(parseServeConfig(['--dataplane', 'off'], { EC2NET_DATAPLANE: 'netns' }).dataplane, undefined);
    assert.throws(() => parseServeConfig(['--dataplane', 'docker'], {}), /--dataplane must be off or netns, not 'docker'/);
    assert.equal(parseServeConfig(['--dataplane', 'netns', '--dataplane-configure-secondary'], {}).dataplaneConfigureSecondary, true);
    assert.throws(() => parseServeConfig(['--dataplane-configure-secondary'], {}), /needs --dataplane netns/);
  });
});

const eni = (over: Partial<InterfacePicture> = {}): InterfacePicture => ({
  eniId: 'eni-1',
  instanceNs: 'i-a',
  routerNs: 'ec2net-vpc-1',
  dev: 'eth0',
  peer: 'v1',
  mac: '02:00:00:00:00:01',
  primary: '10.0.0.4',
  prefix: 24,
  gateway: '10.0.0.1',
  addresses: ['10.0.0.4'],
  ipv6: [],
  sourceDestCheck: true,
  up: true,
  ...over,
});

const picture = (...interfaces: InterfacePicture[]): Picture => ({
  routers: new Map(interfaces.map((i) => [i.routerNs, [i.gateway]])),
  instances: new Set(interfaces.map((i) => i.instanceNs)),
  interfaces: new Map(interfaces.map((i) => [i.eniId, i])),
});

const options = { configureSecondary: false };

describe('planOf', () => {
  it('builds an instance from nothing: namespaces, a veth pair with the MAC and MTU 9001, the address, the default route, a /32', () => {
    const plan = planOf(EMPTY_PICTURE, picture(eni()), options);
    assert.deepEqual(plan.root, [
      'netns add ec2net-vpc-1',
      'netns add i-a',
      'link add name v1 netns ec2net-vpc-1 mtu 9001 type veth peer name eth0 netns i-a address 02:00:00:00:00:01 mtu 9001',
    ]);
    assert.deepEqual(plan.newRouters, ['ec2net-vpc-1']);
    assert.deepEqual(plan.configure.get('i-a'), [
      'link set lo up',
      'addr add 10.0.0.4/24 dev eth0',
      'link set eth0 up',
      'route replace default via 10.0.0.1 dev eth0',
    ]);
    const router = plan.configure.get('ec2net-vpc-1')!;
    assert.ok(router.includes('addr add 10.0.0.1/32 dev lo'));
    assert.ok(router.includes('route replace 10.0.0.4/32 dev v1'));
    assert.ok(router.includes('neigh replace 10.0.0.4 lladdr 02:00:00:00:00:01 dev v1 nud permanent'));
    assert.ok(router.includes('rule add pref 200 iif v1 blackhole'));
    // Proxy ARP answers at once (the kernel's default waits up to 800 ms before answering).
    assert.ok(router.includes('ntable change name arp_cache dev v1 proxy_delay 0'));
  });

  it('moves a secondary address by replacing its /32 only (nothing torn down)', () => {
    const b = eni({ eniId: 'eni-b', instanceNs: 'i-b', peer: 'vb', primary: '10.0.0.5', addresses: ['10.0.0.5', '10.0.0.9'] });
    const c = eni({ eniId: 'eni-c', instanceNs: 'i-c', peer: 'vc', primary: '10.0.0.6', addresses: ['10.0.0.6'] });
    const moved = planOf(picture(b, c), picture({ ...b, addresses: ['10.0.0.5'] }, { ...c, addresses: ['10.0.0.6', '10.0.0.9'] }), options);
    assert.deepEqual(moved.root, []);
    assert.equal(moved.teardown.size, 0);
    const router = moved.configure.get('ec2net-vpc-1')!;
    assert.ok(router.includes('route replace 10.0.0.9/32 dev vc'));
    assert.ok(!router.some((l) => l.startsWith('route del 10.0.0.9')), 'a replace moves it: no gap');
    // Without --dataplane-configure-secondary the instances' OS addresses are theirs to manage.
    assert.equal(moved.configure.get('i-b'), undefined);
    const configured = planOf(picture(b, c), picture({ ...b, addresses: ['10.0.0.5'] }, { ...c, addresses: ['10.0.0.6', '10.0.0.9'] }), {
      configureSecondary: true,
    });
    assert.deepEqual(configured.configure.get('i-b'), ['addr del 10.0.0.9/24 dev eth0']);
    assert.deepEqual(configured.configure.get('i-c'), ['addr add 10.0.0.9/24 dev eth0']);
  });

  it('takes interfaces down on stop, removes the namespace on terminate, and the link on detach', () => {
    const a0 = eni();
    const a1 = eni({ eniId: 'eni-2', dev: 'eth1', peer: 'v2', primary: '10.0.0.7', addresses: ['10.0.0.7'] });
    const stopped = planOf(picture(a0, a1), picture({ ...a0, up: false }, { ...a1, up: false }), options);
    assert.deepEqual(stopped.configure.get('i-a'), ['link set eth0 down', 'link set eth1 down']);
    assert.ok(stopped.configure.get('ec2net-vpc-1')!.includes('route del 10.0.0.4/32 dev v1'));
    const detached = planOf(picture(a0, a1), picture(a0), options);
    assert.deepEqual(detached.teardown.get('ec2net-vpc-1'), ['link del v2']);
    const gone = planOf(picture(a0), EMPTY_PICTURE, options);
    assert.deepEqual(gone.root, ['netns del i-a', 'netns del ec2net-vpc-1']);
    assert.equal(gone.configure.size, 0);
  });

  it('adds no source check for an interface whose check is off', () => {
    const plan = planOf(EMPTY_PICTURE, picture(eni({ sourceDestCheck: false })), options);
    assert.ok(!plan.configure.get('ec2net-vpc-1')!.some((l) => l.startsWith('rule')));
  });

  it('routes each delegated prefix (IPv4 /28, IPv6 /80) whole to its interface, with a source check rule; the OS configures none of it', () => {
    // EC2 User Guide, "Assign prefixes": traffic to the prefix reaches the interface; "Prefixes are included in
    // source/destination checks"; the instance's OS configures the addresses it uses ("configure your operating system").
    const withPrefixes = eni({ ipv6Subnet: '2001:db8::/64', prefixes: ['10.0.0.16/28', '2001:db8:0:0:7::/80'] });
    const plan = planOf(EMPTY_PICTURE, picture(withPrefixes), options);
    const router = plan.configure.get('ec2net-vpc-1')!;
    assert.ok(router.includes('route replace 10.0.0.16/28 dev v1'));
    assert.ok(router.includes('route replace 2001:db8:0:0:7::/80 dev v1'));
    assert.ok(!router.some((l) => l.startsWith('neigh') && l.includes('/')), 'no neighbour entry for a block');
    assert.ok(router.includes('rule add pref 100 iif v1 from 10.0.0.16/28 lookup main'));
    assert.ok(router.includes('-6 rule add pref 100 iif v1 from 2001:db8:0:0:7::/80 lookup main'));
    assert.ok(!plan.configure.get('i-a')!.some((l) => l.includes('10.0.0.16') || l.includes(':7::')));
    // Unassigned: the block's route and rule go.
    const gone = planOf(picture(withPrefixes), picture({ ...withPrefixes, prefixes: ['10.0.0.16/28'] }), options);
    assert.deepEqual(gone.configure.get('ec2net-vpc-1')!.sort(), [
      '-6 rule del pref 100 iif v1 from 2001:db8:0:0:7::/80 lookup main',
      'route del 2001:db8:0:0:7::/80 dev v1',
    ]);
  });

  it('gives an interface of an IPv6 subnet its first IPv6 address, routes via fe80::1, a /128 in the router and an IPv6 source check', () => {
    const v6 = eni({ ipv6: ['2001:db8::5', '2001:db8::6'], ipv6Subnet: '2001:db8::/64' });
    const plan = planOf(EMPTY_PICTURE, picture(v6), options);
    const router = plan.configure.get('ec2net-vpc-1')!;
    assert.ok(router.includes('addr add fe80::1/64 dev v1 nodad'));
    assert.ok(router.includes('route replace 2001:db8::6/128 dev v1'));
    assert.ok(router.includes('neigh replace 2001:db8::6 lladdr 02:00:00:00:00:01 dev v1 nud permanent'));
    // `ip rule` is IPv4 unless told: these lines go to an `ip -6` batch (ip.ts).
    assert.ok(router.includes('-6 rule add pref 100 iif v1 from 2001:db8::5/128 lookup main'));
    assert.ok(router.includes('-6 rule add pref 200 iif v1 blackhole'));
    const inside = plan.configure.get('i-a')!;
    // DHCPv6 configures one address; the second is delivered but configured by the instance itself.
    assert.ok(inside.includes('addr add 2001:db8::5/128 dev eth0 nodad'));
    assert.ok(!inside.some((l) => l.includes('2001:db8::6')));
    assert.ok(inside.includes('route replace 2001:db8::/64 via fe80::1 dev eth0 metric 1024'));
    assert.ok(inside.includes('route replace ::/0 via fe80::1 dev eth0'));
    // Unassigned: the /128 and its rule go, nothing else.
    const moved = planOf(picture(v6), picture({ ...v6, ipv6: ['2001:db8::5'] }), options);
    assert.deepEqual(moved.configure.get('ec2net-vpc-1'), ['route del 2001:db8::6/128 dev v1', '-6 rule del pref 100 iif v1 from 2001:db8::6/128 lookup main']);
    assert.equal(moved.configure.get('i-a'), undefined);
  });
});
