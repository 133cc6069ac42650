/**
 * VPC and subnet rules at the engine level. Sources: Amazon VPC User Guide "VPC CIDR blocks"
 * (/16–/28, up to 5 IPv4 blocks), "Subnet CIDR blocks" (inside the VPC, no overlap, 5 reserved),
 * "Default VPCs" (172.31.0.0/16, a /20 per zone).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Cloud } from '../../src/engine/cloud.js';
import { IdGenerator } from '../../src/engine/ids.js';
import { SeededRandom } from '../../src/engine/random.js';
import { parseIpv4Cidr } from '../../src/engine/cidr.js';
import { createSubnet, deleteSubnet } from '../../src/engine/subnet.js';
import { associateVpcCidr, createVpc, deleteVpc, disassociateVpcCidr, parseVpcCidr } from '../../src/engine/vpc.js';

const world = () => new Cloud({ defaultAccountId: '123456789012', seed: 'test' }).region('123456789012', 'eu-west-1');

describe('vpc and subnet engine', () => {
  it('creates the default VPC with a default /20 per zone on first use', () => {
    const r = world();
    const vpc = r.defaultVpc()!;
    assert.equal(vpc.cidrs[0]!.cidr.toString(), '172.31.0.0/16');
    const subnets = [...r.subnets.values()];
    assert.equal(subnets.length, r.info.zones.length);
    assert.deepEqual(
      subnets.map((s) => s.cidr.toString()),
      r.info.zones.map((_, k) => `172.31.${16 * k}.0/20`),
    );
    assert.ok(subnets.every((s) => s.defaultForAz && s.mapPublicIpOnLaunch && s.pool.freeCount === 4091));
  });

  it('the default VPC has an internet gateway attached whose id draws nothing from the random stream', () => {
    // [aws-behaviour.md §2 "An internet gateway is attached"]. Not drawing keeps every other id of a replayed
    // journal (written before gateways existed) what it was: each id drawn takes 9 bytes, the gateway none.
    let drawn = 0;
    const random = new SeededRandom('test');
    const ids = new IdGenerator((n) => {
      drawn += n;
      return random.bytes(n);
    });
    const r = new Cloud({ defaultAccountId: '123456789012', seed: 'test', ids }).region('123456789012', 'eu-west-1');
    const gateways = [...r.internetGateways.values()];
    assert.deepEqual(
      gateways.map((g) => g.vpcId),
      [r.defaultVpc()!.id],
    );
    const issued = ids.snapshot().ids;
    assert.ok(issued.includes(gateways[0]!.id));
    // The main route table, the default network ACL and their associations are derived likewise.
    const derived = [gateways[0]!.id, ...r.routeTables.keys(), ...r.routeTableAssociations.keys(), ...r.networkAcls.keys(), ...r.networkAclAssociations.keys()];
    assert.equal(derived.length, 1 + 1 + 1 + 1 + r.info.zones.length);
    assert.ok(derived.every((id) => issued.includes(id)));
    assert.equal(drawn, 9 * (issued.length - derived.length));
  });

  it('refuses VPC CIDRs outside /16–/28 and canonicalises the rest', () => {
    assert.throws(() => parseVpcCidr('10.0.0.0/8'), { code: 'InvalidVpc.Range' });
    assert.throws(() => parseVpcCidr('10.0.0.0/29'), { code: 'InvalidVpc.Range' });
    assert.throws(() => parseVpcCidr('10.0.0/16'), { code: 'InvalidParameterValue' });
    assert.equal(parseVpcCidr('100.68.0.18/18').toString(), '100.68.0.0/18');
  });

  it('subnets must lie in the VPC, not overlap, and be /16–/28; refusals change nothing', () => {
    const r = world();
    const vpc = createVpc(r, { cidr: parseIpv4Cidr('10.0.0.0/16')! });
    const before = r.subnets.size;
    assert.throws(() => createSubnet(r, { vpc, cidrBlock: '10.1.0.0/24' }), { code: 'InvalidSubnet.Range' });
    assert.throws(() => createSubnet(r, { vpc, cidrBlock: '10.0.0.0/29' }), { code: 'InvalidSubnet.Range' });
    createSubnet(r, { vpc, cidrBlock: '10.0.0.0/24' });
    assert.throws(() => createSubnet(r, { vpc, cidrBlock: '10.0.0.128/25' }), { code: 'InvalidSubnet.Conflict' });
    assert.throws(() => createSubnet(r, { vpc, cidrBlock: '10.0.1.0/24', zoneName: 'eu-west-1z' }), { code: 'InvalidParameterValue' });
    assert.equal(r.subnets.size, before + 1);
  });

  it('a /28 has 11 usable addresses', () => {
    const r = world();
    const vpc = createVpc(r, { cidr: parseIpv4Cidr('10.0.0.0/16')! });
    const s = createSubnet(r, { vpc, cidrBlock: '10.0.0.0/28' });
    assert.equal(s.pool.freeCount, 11);
  });

  it('a VPC with subnets or non-default groups cannot be deleted; an empty one can', () => {
    const r = world();
    const vpc = createVpc(r, { cidr: parseIpv4Cidr('10.0.0.0/16')! });
    const s = createSubnet(r, { vpc, cidrBlock: '10.0.0.0/24' });
    assert.throws(() => deleteVpc(r, vpc.id), { code: 'DependencyViolation' });
    deleteSubnet(r, s.id);
    deleteVpc(r, vpc.id);
    assert.equal(r.vpcs.has(vpc.id), false);
    assert.ok(![...r.securityGroups.values()].some((g) => g.vpcId === vpc.id), 'its default group goes with it');
  });

  it('secondary CIDR blocks: up to 5, no overlap, the primary and blocks in use cannot be removed', () => {
    const r = world();
    const vpc = createVpc(r, { cidr: parseIpv4Cidr('10.0.0.0/16')! });
    assert.throws(() => associateVpcCidr(r, vpc, parseVpcCidr('10.0.128.0/17')), { code: 'InvalidVpc.Range' });
    const ids = [1, 2, 3, 4].map((k) => associateVpcCidr(r, vpc, parseVpcCidr(`10.${k}.0.0/16`)));
    assert.throws(() => associateVpcCidr(r, vpc, parseVpcCidr('10.9.0.0/16')), { code: 'CidrLimitExceeded' });
    assert.throws(() => disassociateVpcCidr(r, vpc.cidrs[0]!.associationId), { code: 'OperationNotPermitted' });
    createSubnet(r, { vpc, cidrBlock: '10.1.0.0/24' });
    assert.throws(() => disassociateVpcCidr(r, ids[0]!), { code: 'DependencyViolation' });
    disassociateVpcCidr(r, ids[1]!);
    // [api VpcCidrBlockState] the block stays listed, no longer associated; the quota counts associated blocks only.
    assert.equal(vpc.cidrs.length, 5);
    assert.deepEqual(
      vpc.cidrs.filter((c) => c.state !== 'associated').map((c) => c.cidr.toString()),
      ['10.2.0.0/16'],
    );
    const back = associateVpcCidr(r, vpc, parseVpcCidr('10.2.0.0/16'));
    assert.notEqual(back, ids[1]);
    assert.throws(() => disassociateVpcCidr(r, ids[1]!), { code: 'InvalidVpcCidrBlockAssociationID.NotFound' });
  });
});
