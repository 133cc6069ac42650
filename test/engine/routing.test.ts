/**
 * Route tables, network ACLs and their bookkeeping at the engine level. Sources: Amazon VPC User
 * Guide "Route table concepts" (a local route per VPC block, the main table), "Control subnet
 * traffic with network ACLs" (the default ACL's rules, one ACL per subnet, rule numbers 1–32766),
 * EC2 API reference CreateNetworkAclEntry (port range for TCP/UDP, ICMP type and code).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseIpv4Cidr } from '../../src/engine/cidr.js';
import { Cloud } from '../../src/engine/cloud.js';
import { checkInvariants } from '../../src/engine/invariants.js';
import { parseEntry } from '../../src/engine/network-acl.js';
import { createRoute, mainAssociation, parseDestination, routeState, syncLocalRoutes } from '../../src/engine/route-table.js';
import { createSubnet, deleteSubnet } from '../../src/engine/subnet.js';
import { associateVpcCidr, associateVpcIpv6, createVpc, deleteVpc } from '../../src/engine/vpc.js';
import { attachInternetGateway, createInternetGateway, detachInternetGateway } from '../../src/engine/internet-gateway.js';

const world = () => new Cloud({ defaultAccountId: '123456789012', seed: 'routing' }).region('123456789012', 'eu-west-1');

describe('routing engine', () => {
  it('a new VPC gets a main table with its local routes and a default ACL; both go with the VPC', () => {
    const r = world();
    const vpc = createVpc(r, { cidr: parseIpv4Cidr('10.0.0.0/16')! });
    const main = r.routeTables.get(mainAssociation(r, vpc.id)!.routeTableId)!;
    assert.deepEqual(main.routes, [{ destinationCidrBlock: '10.0.0.0/16', gatewayId: 'local', origin: 'CreateRouteTable' }]);
    associateVpcCidr(r, vpc, parseIpv4Cidr('10.1.0.0/16')!);
    associateVpcIpv6(r, vpc);
    assert.deepEqual(
      main.routes.map((x) => x.gatewayId),
      ['local', 'local', 'local'],
    );
    const acl = [...r.networkAcls.values()].find((a) => a.vpcId === vpc.id)!;
    assert.deepEqual(
      acl.entries.map((e) => `${e.egress ? 'out' : 'in'}${e.ruleNumber}`),
      ['in100', 'in101', 'in32767', 'in32768', 'out100', 'out101', 'out32767', 'out32768'],
    );
    const subnet = createSubnet(r, { vpc, cidrBlock: '10.0.1.0/24' });
    assert.deepEqual(
      [...r.networkAclAssociations.values()].filter((a) => a.subnetId === subnet.id).map((a) => a.networkAclId),
      [acl.id],
    );
    assert.deepEqual(checkInvariants(r.cloud), []);
    deleteSubnet(r, subnet.id);
    deleteVpc(r, vpc.id);
    assert.equal([...r.routeTables.values()].filter((t) => t.vpcId === vpc.id).length, 0);
    assert.equal(r.networkAcls.has(acl.id), false);
    assert.deepEqual(checkInvariants(r.cloud), []);
  });

  it('a route to an internet gateway is active while the gateway is attached, blackhole after', () => {
    const r = world();
    const vpc = createVpc(r, { cidr: parseIpv4Cidr('10.0.0.0/16')! });
    const igw = createInternetGateway(r);
    attachInternetGateway(r, igw, vpc);
    const main = r.routeTables.get(mainAssociation(r, vpc.id)!.routeTableId)!;
    const route = createRoute(r, main, parseDestination({ DestinationCidrBlock: '0.0.0.0/0' }), { GatewayId: igw.id });
    assert.equal(routeState(r, main, route), 'active');
    detachInternetGateway(r, igw, vpc.id);
    assert.equal(routeState(r, main, route), 'blackhole');
    // Re-syncing local routes keeps the others.
    syncLocalRoutes(r, vpc);
    assert.equal(main.routes.length, 2);
  });

  it('ACL entries: protocol names become numbers; TCP needs ports, ICMP a type and code; rule numbers 1–32766', () => {
    assert.equal(
      parseEntry({ RuleNumber: 1, Protocol: 'tcp', RuleAction: 'allow', Egress: false, CidrBlock: '10.0.0.1/8', PortRange: { From: 22, To: 22 } }).protocol,
      '6',
    );
    assert.equal(parseEntry({ RuleNumber: 1, Protocol: 'all', RuleAction: 'deny', Egress: true, CidrBlock: '0.0.0.0/0' }).cidrBlock, '0.0.0.0/0');
    assert.equal(
      parseEntry({ RuleNumber: 1, Protocol: '6', RuleAction: 'allow', Egress: false, CidrBlock: '10.0.0.1/8', PortRange: { From: 1, To: 2 } }).cidrBlock,
      '10.0.0.0/8',
    );
    assert.throws(() => parseEntry({ RuleNumber: 1, Protocol: '6', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0' }), { code: 'MissingParameter' });
    assert.throws(() => parseEntry({ RuleNumber: 1, Protocol: '1', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0' }), { code: 'MissingParameter' });
    assert.throws(() => parseEntry({ RuleNumber: 0, Protocol: '-1', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0' }), {
      code: 'InvalidParameterValue',
    });
    assert.throws(() => parseEntry({ RuleNumber: 5, Protocol: '-1', RuleAction: 'maybe', Egress: false, CidrBlock: '0.0.0.0/0' }), {
      code: 'InvalidParameterValue',
    });
    assert.throws(() => parseEntry({ RuleNumber: 5, Protocol: '-1', RuleAction: 'allow', Egress: false, CidrBlock: '0.0.0.0/0', Ipv6CidrBlock: '::/0' }), {
      code: 'InvalidParameterCombination',
    });
  });
});
