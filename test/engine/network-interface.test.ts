/**
 * Engine-level tests of network interfaces, secondary addresses and Elastic IPs: the paths the
 * clients cannot reach easily (rollback half-way through an allocation, per-type limits once
 * attached, quotas, auto-assigned public IPs, same addresses in two VPCs), with the invariant
 * checker run after every step.
 *
 * Sources: the user's ENI notes (/work/shared/reference/eni-notes.md), aws-behaviour.md §3, §4.1,
 * §4.9–4.13, §5, §6 ([ref §x] below).
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { formatIpv6, nthSubCidr6, parseIpv4, parseIpv4Cidr } from '../../src/engine/cidr.js';
import { Cloud, type RegionState } from '../../src/engine/cloud.js';
import { allocateElasticIp, associateElasticIp, disassociateElasticIp, releaseElasticIp } from '../../src/engine/elastic-ip.js';
import { Ec2Error } from '../../src/engine/errors.js';
import { largestIpv4PerInterface } from '../../src/engine/instance-types.js';
import { checkInvariants } from '../../src/engine/invariants.js';
import type { NetworkInterface, Subnet, Vpc } from '../../src/engine/model.js';
import {
  createNetworkInterface,
  deleteNetworkInterface,
  destroyNetworkInterface,
  ipv4Limit,
  ipv6Limit,
  prefix80Text,
  setGroups,
} from '../../src/engine/network-interface.js';
import { assignIpv6, assignPrivateIps, unassignIpv6, unassignPrivateIps } from '../../src/engine/private-ip.js';
import { createSecurityGroup } from '../../src/engine/security-group.js';
import { createSubnet } from '../../src/engine/subnet.js';
import { attachInternetGateway, createInternetGateway } from '../../src/engine/internet-gateway.js';
import { createVpc } from '../../src/engine/vpc.js';

const ACCOUNT = '123456789012';

const code = (c: string, message?: RegExp) => (e: unknown) => {
  assert.ok(e instanceof Ec2Error, `expected Ec2Error ${c}, got ${String(e)}`);
  assert.equal(e.code, c, e.message);
  if (message) assert.match(e.message, message);
  return true;
};

let cloud: Cloud;
let region: RegionState;
let vpc: Vpc;
let subnet: Subnet;

function clean(): void {
  assert.deepEqual(checkInvariants(cloud), []);
}

/** What a refused call must leave untouched: pools, interfaces, Elastic IPs. */
function snapshot() {
  return JSON.stringify({
    pools: [...region.subnets.values()].map((s) => [
      s.id,
      s.pool.usedCount,
      [...s.pool.allocated()],
      s.pool.prefixes(),
      s.ipv6.map((a) => [[...a.pool.allocated()].map(String), a.pool.prefixes().map((p) => String(p.base))]),
    ]),
    enis: [...region.networkInterfaces.values()].map((e) => ({
      ...e,
      ipv6Addresses: e.ipv6Addresses.map((a) => a.text),
      ipv6Prefixes: e.ipv6Prefixes.map(String),
      zone: e.zone.zoneName,
    })),
    eips: [...region.elasticIps.values()].map((e) => ({ ...e, tags: [...e.tags] })),
  });
}

function refused(c: string, fn: () => unknown, message?: RegExp): void {
  const before = snapshot();
  assert.throws(fn, code(c, message));
  assert.equal(snapshot(), before, `refused ${c} changed state`);
  clean();
}

function attach(eni: NetworkInterface, instanceId: string, instanceType: string): void {
  const types = new Map<string, string>([[instanceId, instanceType]]);
  const prev = region.instanceTypeOf;
  region.instanceTypeOf = (id) => types.get(id) ?? prev(id);
  eni.attachment = {
    attachmentId: 'eni-attach-0123456789abcdef0',
    instanceId,
    instanceOwnerId: ACCOUNT,
    deviceIndex: 1,
    networkCardIndex: 0,
    attachTime: new Date(),
    status: 'attached',
    deleteOnTermination: false,
  };
  eni.status = 'in-use';
}

beforeEach(() => {
  cloud = new Cloud({ defaultAccountId: ACCOUNT });
  region = cloud.region(ACCOUNT, 'us-east-1');
  vpc = createVpc(region, { cidr: parseIpv4Cidr('10.0.0.0/16')!, amazonIpv6: true });
  // Elastic IPs map only into a VPC with an internet gateway (aws-behaviour.md §4.13).
  attachInternetGateway(region, createInternetGateway(region), vpc);
  subnet = createSubnet(region, {
    vpc,
    cidrBlock: '10.0.1.0/24',
    zoneName: 'us-east-1a',
    ipv6CidrBlock: nthSubCidr6(vpc.ipv6Cidrs[0]!.cidr, 64, 3).toString(),
  });
});

describe('createNetworkInterface (engine)', () => {
  it('rolls back every address taken when a later step fails (IPv6 address in use after IPv4 allocations)', () => {
    // [ARCHITECTURE "every mutating call: validate everything first, then apply; all or nothing"] [ref §4.9 all-or-nothing]
    const a = createNetworkInterface(region, { subnet, ipv6Count: 1 });
    const taken = a.ipv6Addresses[0]!.text;
    refused('InvalidIPAddress.InUse', () => createNetworkInterface(region, { subnet, secondaryCount: 5, ipv4PrefixCount: undefined, ipv6Addresses: [taken] }));
    assert.equal(subnet.pool.usedCount, 1);
  });

  it('rolls back when the /28 prefix cannot be found after the single addresses were taken', () => {
    // [ref §3 Prefix delegation: aligned /28 inside the subnet, no overlap]
    const small = createSubnet(region, { vpc, cidrBlock: '10.0.2.0/27', zoneName: 'us-east-1a' });
    // /27: 27 usable; .0/28 holds reserved .0–.3, .16/28 holds the last one: no clean /28 at all.
    refused('InsufficientFreeAddressesInSubnet', () => createNetworkInterface(region, { subnet: small, ipv4PrefixCount: 1 }));
    assert.equal(small.pool.usedCount, 0);
  });

  it('NetworkInterfaceLimitExceeded at the per-region quota, nothing created', () => {
    // [ref §4 Quotas "ENIs per region | 5,000 (NetworkInterfaceLimitExceeded)"]
    cloud = new Cloud({ defaultAccountId: ACCOUNT, quotas: { networkInterfacesPerRegion: 2 } });
    region = cloud.region(ACCOUNT, 'us-east-1');
    const s = [...region.subnets.values()][0]!;
    createNetworkInterface(region, { subnet: s });
    createNetworkInterface(region, { subnet: s });
    refused('NetworkInterfaceLimitExceeded', () => createNetworkInterface(region, { subnet: s }));
  });

  it('mutually exclusive address parameters are InvalidParameterCombination', () => {
    // [ref §4.1 "Mutually exclusive groups (violations → InvalidParameterCombination)"]
    refused('InvalidParameterCombination', () => createNetworkInterface(region, { subnet, secondaryIps: ['10.0.1.20'], secondaryCount: 1 }));
    refused('InvalidParameterCombination', () => createNetworkInterface(region, { subnet, secondaryCount: 1, ipv4PrefixCount: 1 }));
    refused('InvalidParameterCombination', () =>
      createNetworkInterface(region, { subnet, ipv6Addresses: [`${subnet.ipv6[0]!.cidr.toString().split('::')[0]}::10`], ipv6Count: 1 }),
    );
    refused('InvalidParameterValue', () => createNetworkInterface(region, { subnet, primaryIp: '10.0.1.20', secondaryIps: ['10.0.1.20'] }));
  });

  it('the subnet attribute AssignIpv6AddressOnCreation gives one IPv6 address unless Ipv6AddressCount=0 says otherwise', () => {
    // [ref §4.1 Defaults: "IPv6 | none, unless the subnet has AssignIpv6AddressOnCreation; Ipv6AddressCount=0 overrides that"]
    subnet.assignIpv6AddressOnCreation = true;
    assert.equal(createNetworkInterface(region, { subnet }).ipv6Addresses.length, 1);
    assert.equal(createNetworkInterface(region, { subnet, ipv6Count: 0 }).ipv6Addresses.length, 0);
    assert.equal(createNetworkInterface(region, { subnet, ipv6Count: 2 }).ipv6Addresses.length, 2);
    clean();
  });

  it('the same private address may exist once per VPC: two VPCs, one text, independent lives', () => {
    // [ref §3: addresses are per subnet; VPCs are separate networks] — the IP index is region-wide, so this
    // checks nothing leaks between VPCs through it.
    const vpc2 = createVpc(region, { cidr: parseIpv4Cidr('10.0.0.0/16')! });
    const subnet2 = createSubnet(region, { vpc: vpc2, cidrBlock: '10.0.1.0/24', zoneName: 'us-east-1a' });
    const x = createNetworkInterface(region, { subnet, primaryIp: '10.0.1.10', secondaryIps: ['10.0.1.50'] });
    const y = createNetworkInterface(region, { subnet: subnet2, primaryIp: '10.0.1.10' });
    assignPrivateIps(region, y, { addresses: ['10.0.1.50'] }); // free in ITS subnet: no reassignment needed
    clean();
    const eip = allocateElasticIp(region, {});
    associateElasticIp(region, eip, x, x.privateIps[1]!, true);
    // Reassigning within vpc2 does not touch x; unassigning from y leaves x's address and its EIP alone.
    const z = createNetworkInterface(region, { subnet: subnet2, primaryIp: '10.0.1.11' });
    assignPrivateIps(region, z, { addresses: ['10.0.1.50'], allowReassignment: true });
    assert.deepEqual(
      x.privateIps.map((p) => p.text),
      ['10.0.1.10', '10.0.1.50'],
    );
    assert.equal(eip.association?.networkInterfaceId, x.id);
    unassignPrivateIps(region, z, ['10.0.1.50'], []);
    assert.equal(x.privateIps[1]!.elasticIp, eip.allocationId);
    deleteNetworkInterface(region, y);
    assert.deepEqual(
      region.interfacesByPrivateIp.get('10.0.1.10').map((e) => e.id),
      [x.id],
    );
    clean();
  });
});

describe('per-interface limits (engine)', () => {
  it(`unattached: the largest per-type limit (${largestIpv4PerInterface()}); attached: the instance type's own`, () => {
    // [ref §4.9 "Limit = ipv4AddressesPerInterface including the primary and prefixes"] [ref §6: t3.micro 2×2, m5.large 3×10]
    const eni = createNetworkInterface(region, { subnet });
    assert.equal(ipv4Limit(region, eni), 64);
    assert.equal(ipv6Limit(region, eni), 64);
    attach(eni, 'i-0123456789abcdef0', 't3.micro');
    assert.equal(ipv4Limit(region, eni), 2);
    assert.equal(ipv6Limit(region, eni), 2);
    assignPrivateIps(region, eni, { count: 1 });
    refused(
      'PrivateIpAddressLimitExceeded',
      () => assignPrivateIps(region, eni, { count: 1 }),
      new RegExp(`^${eni.id}: Number of private addresses will exceed limit\\.$`),
    );
    refused('PrivateIpAddressLimitExceeded', () => assignPrivateIps(region, eni, { prefixCount: 1 }));
    assignIpv6(region, eni, { count: 2 });
    refused('PrivateIpAddressLimitExceeded', () => assignIpv6(region, eni, { count: 1 }));
  });

  it('a type without IPv6 (m1.small) allows no IPv6 address once attached', () => {
    // [ref §6 "IPv6 per ENI = IPv4 per ENI, except types without IPv6 (c1, m1, m2, m3, t1 → 0)"]
    const eni = createNetworkInterface(region, { subnet });
    attach(eni, 'i-0123456789abcdef1', 'm1.small');
    assert.equal(ipv6Limit(region, eni), 0);
    refused('PrivateIpAddressLimitExceeded', () => assignIpv6(region, eni, { count: 1 }));
  });

  it("reassignment counts against the receiving interface's limit", () => {
    // [ref §4.9] a moved address is one more address on the receiver.
    const a = createNetworkInterface(region, { subnet, primaryIp: '10.0.1.10', secondaryIps: ['10.0.1.50'] });
    const b = createNetworkInterface(region, { subnet, primaryIp: '10.0.1.20', secondaryIps: ['10.0.1.21'] });
    attach(b, 'i-0123456789abcdef2', 't3.micro'); // 2 per interface: full
    refused('PrivateIpAddressLimitExceeded', () => assignPrivateIps(region, b, { addresses: ['10.0.1.50'], allowReassignment: true }));
    assert.deepEqual(
      a.privateIps.map((p) => p.text),
      ['10.0.1.10', '10.0.1.50'],
    );
  });
});

describe('secondary addresses and Elastic IPs (engine)', () => {
  it('reassign MOVES the address with its Elastic IP; unassign DROPS the Elastic IP (still allocated)', () => {
    // [notes "REASSIGN IS DIFFERENT FROM UNASSIGN!!!"] [ref §5 Secondary IP vs EIP]
    const a = createNetworkInterface(region, { subnet, primaryIp: '10.0.1.10', secondaryIps: ['10.0.1.50', '10.0.1.51'] });
    const b = createNetworkInterface(region, { subnet, primaryIp: '10.0.1.20' });
    const eip = allocateElasticIp(region, {});
    const assoc = associateElasticIp(region, eip, a, a.privateIps[1]!, true);
    const used = subnet.pool.usedCount;
    const r = assignPrivateIps(region, b, { addresses: ['10.0.1.50'], allowReassignment: true });
    assert.deepEqual(r.addresses, ['10.0.1.50']);
    assert.deepEqual(
      a.privateIps.map((p) => p.text),
      ['10.0.1.10', '10.0.1.51'],
      'the rest of a keeps its order',
    );
    assert.deepEqual(
      b.privateIps.map((p) => [p.text, p.primary]),
      [
        ['10.0.1.20', true],
        ['10.0.1.50', false],
      ],
    );
    assert.deepEqual(eip.association, { associationId: assoc, networkInterfaceId: b.id, privateIp: '10.0.1.50' });
    assert.equal(b.privateIps[1]!.elasticIp, eip.allocationId);
    assert.equal(subnet.pool.usedCount, used, 'a move neither takes nor frees a subnet address');
    assert.deepEqual(
      region.interfacesByPrivateIp.get('10.0.1.50').map((e) => e.id),
      [b.id],
    );
    clean();
    unassignPrivateIps(region, b, ['10.0.1.50'], []);
    assert.equal(eip.association, undefined);
    assert.ok(region.elasticIps.has(eip.allocationId), 'still allocated');
    assert.equal(subnet.pool.usedCount, used - 1);
    assert.deepEqual(region.interfacesByPrivateIp.get('10.0.1.50'), []);
    clean();
  });

  it('a primary can never be moved, even with AllowReassignment; its Elastic IP stays put', () => {
    // [ref §4.9 "A primary private IP can never be reassigned"]
    const a = createNetworkInterface(region, { subnet, primaryIp: '10.0.1.10' });
    const b = createNetworkInterface(region, { subnet, primaryIp: '10.0.1.20' });
    const eip = allocateElasticIp(region, {});
    associateElasticIp(region, eip, a, a.privateIps[0]!, true);
    refused('InvalidIPAddress.InUse', () => assignPrivateIps(region, b, { addresses: ['10.0.1.10'], allowReassignment: true }));
    refused('InvalidParameterValue', () => unassignPrivateIps(region, a, ['10.0.1.10'], []));
  });

  it("an address inside another interface's delegated /28 is in use, not movable", () => {
    // [ref §3 Prefix delegation] a delegated prefix belongs to its interface as a block.
    const a = createNetworkInterface(region, { subnet, primaryIp: '10.0.1.10' });
    const { prefixes } = assignPrivateIps(region, a, { prefixes: ['10.0.1.32/28'] });
    assert.deepEqual(prefixes, ['10.0.1.32/28']);
    const b = createNetworkInterface(region, { subnet, primaryIp: '10.0.1.20' });
    refused('InvalidIPAddress.InUse', () => assignPrivateIps(region, b, { addresses: ['10.0.1.40'], allowReassignment: true }));
    refused('InvalidIPAddress.InUse', () => assignPrivateIps(region, b, { prefixes: ['10.0.1.32/28'] }));
    refused('InvalidParameterValue', () => assignPrivateIps(region, b, { prefixes: ['10.0.1.36/28'] }));
    refused('InvalidParameterValue', () => unassignPrivateIps(region, b, [], ['10.0.1.32/28']));
    unassignPrivateIps(region, a, [], ['10.0.1.32/28']);
    assignPrivateIps(region, b, { addresses: ['10.0.1.40'] });
    clean();
  });

  it('IPv6: unassign releases to the subnet block; an address cannot be on two interfaces', () => {
    // [ref §3 IPv6 "An IPv6 address can't be reassigned while assigned; unassign it first"] [ref §4.11]
    const a = createNetworkInterface(region, { subnet, ipv6Count: 2 });
    const b = createNetworkInterface(region, { subnet });
    const [first] = a.ipv6Addresses.map((x) => x.text);
    refused('InvalidIPAddress.InUse', () => assignIpv6(region, b, { addresses: [first!] }));
    assert.deepEqual(unassignIpv6(region, a, [first!], []).addresses, [first]);
    assert.deepEqual(assignIpv6(region, b, { addresses: [first!] }).addresses, [first]);
    clean();
  });

  it('IPv6 prefixes: aligned /80s; an address inside one is taken; unassign and destroy give the /80 back', () => {
    // [UG "Assign prefixes": a prefix "does not overlap with other prefixes or IP addresses assigned"]
    const a = createNetworkInterface(region, { subnet, ipv6PrefixCount: 2 });
    const pool = subnet.ipv6[0]!.pool;
    assert.equal(pool.prefixCount, 2);
    for (const base of a.ipv6Prefixes) assert.equal(base & ((1n << 48n) - 1n), 0n, 'aligned on /80');
    const b = createNetworkInterface(region, { subnet });
    const inside = a.ipv6Prefixes[0]! + 0x42n;
    refused('InvalidIPAddress.InUse', () => assignIpv6(region, b, { addresses: [formatIpv6(inside)] }));
    const [first, second] = a.ipv6Prefixes.map(prefix80Text);
    assert.deepEqual(unassignIpv6(region, a, [], [first!]).prefixes, [first]);
    assert.equal(pool.prefixCount, 1);
    refused('InvalidParameterValue', () => unassignIpv6(region, a, [], [first!]));
    assert.deepEqual(assignIpv6(region, b, { prefixes: [first!] }).prefixes, [first]);
    refused('InvalidIPAddress.InUse', () => assignIpv6(region, a, { prefixes: [first!] }));
    destroyNetworkInterface(region, a);
    assert.equal(pool.prefixCount, 1, `${second} released with its interface`);
    clean();
  });

  it('destroying an interface releases addresses, prefixes, IPv6, its auto-assigned public IPv4, and disassociates its EIPs', () => {
    // [ref §4.2] [ref §4.18 "Their private IPs are released, and any EIP on them is disassociated (it stays allocated)";
    // "The auto-assigned public IPv4 is released"]
    const eni = createNetworkInterface(region, { subnet, secondaryCount: 2, ipv6Count: 2 });
    assignPrivateIps(region, eni, { prefixCount: 1 });
    eni.autoPublicIp = cloud.publicIps.allocate('us-east-1');
    const eip = allocateElasticIp(region, {});
    associateElasticIp(region, eip, eni, eni.privateIps[2]!, true);
    clean();
    destroyNetworkInterface(region, eni);
    assert.equal(subnet.pool.usedCount, 0);
    assert.equal(subnet.ipv6[0]!.pool.usedCount, 0);
    assert.equal(eip.association, undefined);
    assert.ok(region.elasticIps.has(eip.allocationId));
    assert.ok(cloud.publicIps.claim('us-east-1', eni.autoPublicIp), 'the auto-assigned public IPv4 went back to the pool');
    clean();
  });

  it('an Elastic IP on the primary replaces the auto-assigned public IPv4', () => {
    // [ref §4.13 "Associating an EIP to an instance or its primary ENI releases the auto-assigned public IPv4"]
    const eni = createNetworkInterface(region, { subnet, secondaryCount: 1 });
    const auto = cloud.publicIps.allocate('us-east-1');
    eni.autoPublicIp = auto;
    const e1 = allocateElasticIp(region, {});
    associateElasticIp(region, e1, eni, eni.privateIps[1]!, true);
    assert.equal(eni.autoPublicIp, auto, 'an EIP on a secondary leaves it');
    const e2 = allocateElasticIp(region, {});
    associateElasticIp(region, e2, eni, eni.privateIps[0]!, true);
    assert.equal(eni.autoPublicIp, undefined);
    clean();
  });

  it('one Elastic IP per private IP and vice versa: associate, displace, refuse, release', () => {
    // [notes "Each private IPv4 address can be associated with a single Elastic IP address, and vice versa"] [ref §4.13, §4.15]
    const a = createNetworkInterface(region, { subnet, primaryIp: '10.0.1.10', secondaryIps: ['10.0.1.11'] });
    const e1 = allocateElasticIp(region, {});
    const e2 = allocateElasticIp(region, {});
    associateElasticIp(region, e1, a, a.privateIps[0]!, true);
    associateElasticIp(region, e1, a, a.privateIps[1]!, true); // moves within the interface
    assert.equal(a.privateIps[0]!.elasticIp, undefined);
    assert.equal(a.privateIps[1]!.elasticIp, e1.allocationId);
    refused('Resource.AlreadyAssociated', () => associateElasticIp(region, e2, a, a.privateIps[1]!, false));
    associateElasticIp(region, e2, a, a.privateIps[1]!, true); // displaces e1
    assert.equal(e1.association, undefined);
    assert.equal(e2.association?.privateIp, '10.0.1.11');
    refused('InvalidIPAddress.InUse', () => releaseElasticIp(region, e2));
    disassociateElasticIp(region, e2);
    releaseElasticIp(region, e2);
    assert.ok(!region.elasticIps.has(e2.allocationId));
    clean();
  });

  it("setGroups replaces the set; no group, six groups or another VPC's group are refused", () => {
    // [ref §4.4 Groups] [ref §4 Quotas: 5 per ENI]
    const eni = createNetworkInterface(region, { subnet });
    const g = [1, 2, 3, 4, 5, 6].map((i) => createSecurityGroup(region, { name: `g${i}`, description: 'x', vpcId: vpc.id }).id);
    setGroups(region, eni, [g[0]!, g[1]!, g[0]!]);
    assert.deepEqual(eni.groupIds, [g[0], g[1]], 'repeats collapse');
    refused('InvalidParameterValue', () => setGroups(region, eni, []));
    refused('SecurityGroupsPerInterfaceLimitExceeded', () => setGroups(region, eni, g));
    const foreign = createSecurityGroup(region, { name: 'foreign', description: 'x' }).id; // default VPC
    refused('InvalidParameter', () => setGroups(region, eni, [foreign]), /belong to different networks/);
    clean();
  });

  it('IPv4 addresses are parsed strictly: outside, reserved, malformed', () => {
    // [ref §3 Reserved addresses] [ref §4.1 Errors]
    const eni = createNetworkInterface(region, { subnet });
    for (const bad of ['10.0.2.5', '10.0.1.0', '10.0.1.3', '10.0.1.255', '10.0.1', '10.0.1.256']) {
      refused('InvalidParameterValue', () => assignPrivateIps(region, eni, { addresses: [bad] }));
    }
    assert.equal(parseIpv4('10.0.1.4') !== undefined, true);
    assignPrivateIps(region, eni, { addresses: ['10.0.1.254'] });
    clean();
  });
});
