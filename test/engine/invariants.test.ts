/**
 * The invariant checker (src/engine/invariants.ts): a clean world has no violations, and each
 * violation kind is reported when the state is corrupted by hand in exactly that way.
 *
 * The invariants themselves come from: the user's ENI notes ("Each private IPv4 address can be
 * associated with a single Elastic IP address, and vice versa"; "One Primary IPv4 address"; "Up to
 * 5 security groups"; addresses "from the same subnet"), aws-behaviour.md §3 (reserved addresses,
 * AvailableIpAddressCount = size − 5 − used), §4 Quotas, §5 Attach and detach.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nthSubCidr6, parseIpv4, parseIpv4Cidr, parseIpv6 } from '../../src/engine/cidr.js';
import { Cloud, type RegionState } from '../../src/engine/cloud.js';
import { allocateElasticIp, associateElasticIp } from '../../src/engine/elastic-ip.js';
import { checkInvariants, type Violation } from '../../src/engine/invariants.js';
import type { NetworkInterface, Subnet } from '../../src/engine/model.js';
import { createNetworkInterface, indexIp } from '../../src/engine/network-interface.js';
import { assignPrivateIps } from '../../src/engine/private-ip.js';
import { createSecurityGroup } from '../../src/engine/security-group.js';
import { createSubnet } from '../../src/engine/subnet.js';
import { attachInternetGateway, createInternetGateway } from '../../src/engine/internet-gateway.js';
import { createVpc } from '../../src/engine/vpc.js';

const ACCOUNT = '123456789012';

interface World {
  cloud: Cloud;
  region: RegionState;
  subnet: Subnet;
  other: Subnet;
  a: NetworkInterface;
  b: NetworkInterface;
}

/**
 * A small healthy world: a dual-stack VPC with an internet gateway and two subnets; interface a (primary 10.0.1.10,
 * secondary 10.0.1.11 with an Elastic IP, one IPv6 address, one /28 prefix), interface b
 * (primary 10.0.1.40, an Elastic IP on its primary).
 */
function world(): World {
  const cloud = new Cloud({ defaultAccountId: ACCOUNT });
  const region = cloud.region(ACCOUNT, 'us-east-1');
  const vpc = createVpc(region, { cidr: parseIpv4Cidr('10.0.0.0/16')!, amazonIpv6: true });
  attachInternetGateway(region, createInternetGateway(region), vpc);
  const v6 = nthSubCidr6(vpc.ipv6Cidrs[0]!.cidr, 64, 0).toString();
  const subnet = createSubnet(region, { vpc, cidrBlock: '10.0.1.0/24', zoneName: 'us-east-1a', ipv6CidrBlock: v6 });
  const other = createSubnet(region, { vpc, cidrBlock: '10.0.2.0/24', zoneName: 'us-east-1a' });
  const a = createNetworkInterface(region, { subnet, primaryIp: '10.0.1.10', secondaryIps: ['10.0.1.11'], ipv6Count: 1 });
  assignPrivateIps(region, a, { prefixCount: 1 });
  const b = createNetworkInterface(region, { subnet, primaryIp: '10.0.1.40' });
  const e1 = allocateElasticIp(region, {});
  associateElasticIp(region, e1, a, a.privateIps[1]!, true);
  const e2 = allocateElasticIp(region, {});
  associateElasticIp(region, e2, b, b.privateIps[0]!, true);
  return { cloud, region, subnet, other, a, b };
}

const rules = (vs: Violation[]) => [...new Set(vs.map((v) => v.rule))].sort();

/** Corrupts a fresh world with `corrupt` and checks that exactly the `expected` rules are reported. */
function expectViolations(expected: string[], corrupt: (w: World) => void): Violation[] {
  const w = world();
  assert.deepEqual(checkInvariants(w.cloud), [], 'the world is healthy before corruption');
  corrupt(w);
  const vs = checkInvariants(w.cloud);
  assert.deepEqual(rules(vs), [...expected].sort(), JSON.stringify(vs, null, 1));
  return vs;
}

describe('invariant checker', () => {
  it('a healthy world built through the engine has no violations (the default VPC included)', () => {
    const w = world();
    assert.deepEqual(checkInvariants(w.cloud), []);
    // Other worlds (accounts, regions) are checked too and are clean.
    w.cloud.region('210987654321', 'eu-west-1');
    assert.deepEqual(checkInvariants(w.cloud), []);
  });

  it('interface-subnet: an interface in a subnet that does not exist', () => {
    // (Its addresses then count for no subnet: the index, IPv4 and IPv6 counts disagree as a consequence.)
    expectViolations(['interface-subnet', 'ip-index', 'free-count', 'ipv6-count'], ({ a }) => {
      (a as { subnetId: string }).subnetId = 'subnet-0123456789abcdef0';
    });
  });

  it("interface-vpc: an interface whose VPC is not its subnet's", () => {
    // (b's Elastic IP is then mapped into a VPC with no gateway: eip-gateway too.)
    expectViolations(['interface-vpc', 'groups', 'eip-gateway'], ({ b }) => {
      (b as { vpcId: string }).vpcId = 'vpc-0123456789abcdef0';
    });
  });

  it('one-primary: no primary, two primaries, or the primary not first', () => {
    expectViolations(['one-primary'], ({ a }) => {
      a.privateIps[0]!.primary = false;
    });
    expectViolations(['one-primary'], ({ a }) => {
      a.privateIps[1]!.primary = true;
    });
    expectViolations(['one-primary'], ({ a }) => {
      a.privateIps.reverse();
    });
  });

  it('address-unique: one private IPv4 held by two interfaces of a VPC', () => {
    // (free-count too: the pool has the address once, the interfaces hold it twice.)
    expectViolations(['address-unique', 'free-count'], ({ region, b }) => {
      const ip = { address: parseIpv4('10.0.1.10')!, text: '10.0.1.10', primary: false };
      b.privateIps.push(ip);
      indexIp(region, b, ip);
    });
  });

  it('address-in-subnet and address-allocated: an address outside the subnet, never allocated', () => {
    expectViolations(['address-in-subnet', 'address-allocated', 'free-count'], ({ region, b }) => {
      const ip = { address: parseIpv4('10.0.2.99')!, text: '10.0.2.99', primary: false };
      b.privateIps.push(ip);
      indexIp(region, b, ip);
    });
  });

  it('address-allocated: a held address the pool calls free (or reserved)', () => {
    expectViolations(['address-allocated', 'free-count'], ({ subnet, b }) => {
      subnet.pool.release(b.privateIps[0]!.address);
    });
    expectViolations(['address-allocated', 'free-count'], ({ region, b }) => {
      const ip = { address: parseIpv4('10.0.1.255')!, text: '10.0.1.255', primary: false };
      b.privateIps.push(ip);
      indexIp(region, b, ip);
    });
  });

  it('ip-index: an address missing from the index, a stale entry, a stale key', () => {
    expectViolations(['ip-index'], ({ region, b }) => {
      region.interfacesByPrivateIp.delete('10.0.1.40', b);
    });
    expectViolations(['ip-index'], ({ region, a }) => {
      region.interfacesByPrivateIp.add('10.0.1.40', a);
    });
    expectViolations(['ip-index'], ({ region, a }) => {
      region.interfacesByPrivateIp.add('10.0.1.99', a);
    });
  });

  it('eip-bijection: each half of an Elastic IP association without the other', () => {
    // The address says it is associated; the private IP does not point back.
    expectViolations(['eip-bijection'], ({ a }) => {
      delete a.privateIps[1]!.elasticIp;
    });
    // The private IP points at an Elastic IP that is not associated with it.
    expectViolations(['eip-bijection'], ({ region, b }) => {
      const eip = region.elasticIps.get(b.privateIps[0]!.elasticIp!)!;
      delete (eip as { association?: unknown }).association;
    });
    // Two private IPs claim the same Elastic IP.
    expectViolations(['eip-bijection'], ({ a, b }) => {
      a.privateIps[0]!.elasticIp = b.privateIps[0]!.elasticIp;
    });
    // An association naming an interface that no longer exists.
    expectViolations(['eip-bijection'], ({ region, b }) => {
      const eip = region.elasticIps.get(b.privateIps[0]!.elasticIp!)!;
      (eip as { association?: unknown }).association = {
        associationId: 'eipassoc-0123456789abcdef0',
        networkInterfaceId: 'eni-0123456789abcdef0',
        privateIp: '10.0.1.40',
      };
    });
  });

  it('attachment and attachment-status: an attachment the instance does not list, a status that disagrees', () => {
    const attachment = {
      attachmentId: 'eni-attach-0123456789abcdef0',
      instanceId: 'i-0123456789abcdef0',
      instanceOwnerId: ACCOUNT,
      deviceIndex: 1,
      networkCardIndex: 0,
      attachTime: new Date(),
      status: 'attached' as const,
      deleteOnTermination: false,
    };
    expectViolations(['attachment'], ({ region, b }) => {
      region.interfacesOfInstance = () => []; // the instance exists and lists no interface
      b.attachment = attachment;
      b.status = 'in-use';
    });
    expectViolations(['attachment-status'], ({ b }) => {
      b.attachment = attachment;
      b.status = 'available';
    });
    expectViolations(['attachment-status'], ({ b }) => {
      b.status = 'in-use';
    });
  });

  it('free-count: the pool uses addresses no interface holds', () => {
    expectViolations(['free-count'], ({ subnet }) => {
      subnet.pool.allocate(parseIpv4('10.0.1.200')!);
    });
  });

  it('groups: none, too many, repeated, unknown, or from another VPC', () => {
    expectViolations(['groups'], ({ b }) => {
      b.groupIds = [];
    });
    expectViolations(['groups'], ({ region, b }) => {
      b.groupIds = [1, 2, 3, 4, 5, 6].map((i) => createSecurityGroup(region, { name: `g${i}`, description: 'x', vpcId: b.vpcId }).id);
    });
    expectViolations(['groups'], ({ b }) => {
      b.groupIds = [b.groupIds[0]!, b.groupIds[0]!];
    });
    expectViolations(['groups'], ({ b }) => {
      b.groupIds = ['sg-0123456789abcdef0'];
    });
    expectViolations(['groups'], ({ region, b }) => {
      b.groupIds = [createSecurityGroup(region, { name: 'elsewhere', description: 'x' }).id]; // default VPC
    });
  });

  it('prefix-allocated: a delegated prefix the subnet pool does not know', () => {
    expectViolations(['prefix-allocated', 'free-count'], ({ subnet, a }) => {
      subnet.pool.releasePrefix(a.ipv4Prefixes[0]!);
    });
  });

  it('ipv6-prefix-allocated and ipv6-prefix-count: a delegated /80 the subnet block does not know, or one nobody holds', () => {
    // A third interface with a prefix, healthy until corrupted.
    const withPrefix = (w: World) => createNetworkInterface(w.region, { subnet: w.subnet, ipv6PrefixCount: 1 });
    expectViolations(['ipv6-prefix-allocated', 'ipv6-prefix-count'], (w) => {
      const c = withPrefix(w);
      w.subnet.ipv6[0]!.pool.releasePrefix(c.ipv6Prefixes[0]!);
    });
    expectViolations(['ipv6-prefix-count'], (w) => {
      const c = withPrefix(w);
      c.ipv6Prefixes.length = 0;
    });
    expectViolations(['ipv6-prefix-allocated', 'ipv6-prefix-count'], (w) => {
      const c = withPrefix(w);
      c.ipv6Prefixes.push(parseIpv6('2001:db8::')!);
    });
  });

  it('ipv6-allocated and ipv6-count: an IPv6 address not allocated in the subnet block, or one allocated nobody holds', () => {
    expectViolations(['ipv6-allocated', 'ipv6-count'], ({ subnet, a }) => {
      subnet.ipv6[0]!.pool.release(a.ipv6Addresses[0]!.address);
    });
    expectViolations(['ipv6-allocated'], ({ b }) => {
      b.ipv6Addresses.push({ address: parseIpv6('2001:db8::10')!, text: '2001:db8::10' });
    });
    expectViolations(['ipv6-count'], ({ subnet }) => {
      subnet.ipv6[0]!.pool.allocate(subnet.ipv6[0]!.cidr.base + 100n);
    });
  });

  it('gateway-vpc and gateway-per-vpc: a gateway attached to a missing VPC, two gateways on one VPC', () => {
    // [ref §2; Amazon VPC User Guide "Internet gateways": one gateway per VPC, attached to one VPC]
    expectViolations(['gateway-vpc'], ({ region }) => {
      createInternetGateway(region).vpcId = 'vpc-0123456789abcdef0';
    });
    expectViolations(['gateway-per-vpc'], ({ region, a }) => {
      createInternetGateway(region).vpcId = a.vpcId;
    });
  });

  it('eip-gateway: an Elastic IP mapped into a VPC whose gateway is gone', () => {
    // [ref §4.13] AssociateAddress needs a gateway; DetachInternetGateway refuses while addresses are mapped.
    const vs = expectViolations(['eip-gateway'], ({ region, a }) => {
      for (const igw of region.internetGateways.values()) if (igw.vpcId === a.vpcId) delete igw.vpcId;
    });
    assert.equal(vs.length, 2, 'both Elastic IPs of the world are reported');
  });

  it('public-ip-unique: one public IPv4 held twice, across accounts', () => {
    const vs = expectViolations(['public-ip-unique'], ({ cloud, region }) => {
      const mine = [...region.elasticIps.values()][0]!;
      const other = cloud.region('210987654321', 'us-east-1');
      const theirs = allocateElasticIp(other, {});
      (theirs as { publicIp: string }).publicIp = mine.publicIp;
    });
    assert.match(vs[0]!.detail, /held by both/);
  });

  it('the checker reports which world a violation is in', () => {
    const w = world();
    const other = w.cloud.region('210987654321', 'eu-west-1');
    const vpc = [...other.vpcs.values()][0]!;
    const subnet = [...other.subnets.values()].find((s) => s.vpcId === vpc.id)!;
    const eni = createNetworkInterface(other, { subnet });
    eni.privateIps[0]!.primary = false;
    const vs = checkInvariants(w.cloud);
    assert.deepEqual(
      vs.map((v) => [v.world, v.rule]),
      [['210987654321/eu-west-1', 'one-primary']],
    );
  });
});
