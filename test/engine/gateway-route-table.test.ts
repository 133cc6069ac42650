/**
 * Gateway route tables and virtual private gateways at the engine level. Sources: Amazon VPC User
 * Guide "Gateway route tables" (the gateway attached to the VPC, routes to a network interface for
 * the VPC's or a subnet's block, the local route's target replaceable and restorable); EC2 API
 * reference AttachVpnGateway / DetachVpnGateway (AttachmentStatus), DeleteVpnGateway (VpnState).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseIpv4Cidr } from '../../src/engine/cidr.js';
import { Cloud } from '../../src/engine/cloud.js';
import { associateGateway, disassociateGateway, restoreLocalTarget } from '../../src/engine/gateway-route-table.js';
import { attachInternetGateway, createInternetGateway, deleteInternetGateway, detachInternetGateway } from '../../src/engine/internet-gateway.js';
import { checkInvariants } from '../../src/engine/invariants.js';
import { createNetworkInterface } from '../../src/engine/network-interface.js';
import { createRouteTable, deleteRouteTable, parseDestination, replaceRoute, syncLocalRoutes } from '../../src/engine/route-table.js';
import { createSubnet } from '../../src/engine/subnet.js';
import { associateVpcCidr, createVpc } from '../../src/engine/vpc.js';
import { attachVpnGateway, createVpnGateway, deleteVpnGateway, detachVpnGateway } from '../../src/engine/vpn-gateway.js';

function world() {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const cloud = new Cloud({ defaultAccountId: '123456789012', seed: 'gateway-tables', now: () => new Date(now) });
  const region = cloud.region('123456789012', 'eu-west-1');
  const advance = (ms: number) => {
    now += ms;
    region.settle();
  };
  return { region, advance };
}

describe('gateway route tables (engine)', () => {
  it('a replaced local route keeps its interface across a VPC block change, and LocalTarget restores it', () => {
    const { region: r } = world();
    const vpc = createVpc(r, { cidr: parseIpv4Cidr('10.0.0.0/16')! });
    const igw = createInternetGateway(r);
    attachInternetGateway(r, igw, vpc);
    const subnet = createSubnet(r, { vpc, cidrBlock: '10.0.1.0/24' });
    const eni = createNetworkInterface(r, { subnet });
    const table = createRouteTable(r, vpc);
    const edge = associateGateway(r, table, igw.id);
    replaceRoute(r, table, parseDestination({ DestinationCidrBlock: '10.0.0.0/16' }), { NetworkInterfaceId: eni.id });
    associateVpcCidr(r, vpc, parseIpv4Cidr('10.1.0.0/16')!);
    syncLocalRoutes(r, vpc);
    assert.deepEqual(
      table.routes.map((x) => [x.destinationCidrBlock, x.gatewayId ?? x.networkInterfaceId]),
      [
        ['10.0.0.0/16', eni.id],
        ['10.1.0.0/16', 'local'],
      ],
    );
    assert.deepEqual(checkInvariants(r.cloud), []);
    // Once the gateway's association has ended, the block's route still takes no other target than an interface.
    disassociateGateway(edge);
    assert.throws(
      () => replaceRoute(r, table, parseDestination({ DestinationCidrBlock: '10.0.0.0/16' }), { GatewayId: igw.id }),
      (e: Error & { code?: string }) => e.code === 'InvalidParameterValue',
    );
    restoreLocalTarget(r, table, table.routes[0]!, false);
    assert.equal(table.routes[0]!.gatewayId, 'local');
    assert.deepEqual(checkInvariants(r.cloud), []);
  });

  it('the invariants notice an edge association whose gateway left the VPC, and a gateway table with a foreign route', () => {
    const { region: r } = world();
    const vpc = createVpc(r, { cidr: parseIpv4Cidr('10.0.0.0/16')! });
    const igw = createInternetGateway(r);
    attachInternetGateway(r, igw, vpc);
    const table = createRouteTable(r, vpc);
    const assoc = associateGateway(r, table, igw.id);
    // Bypassing the operations: the gateway leaves without its association ending.
    delete igw.vpcId;
    assert.deepEqual(
      checkInvariants(r.cloud).map((v) => v.rule),
      ['edge-association'],
    );
    igw.vpcId = vpc.id;
    table.routes.push({ destinationCidrBlock: '0.0.0.0/0', gatewayId: igw.id, origin: 'CreateRoute' });
    assert.deepEqual(
      checkInvariants(r.cloud).map((v) => v.rule),
      ['gateway-table-route'],
    );
    table.routes.pop();
    // The operations keep them: detaching ends the association, deleting the gateway forgets it, and the table can go.
    detachInternetGateway(r, igw, vpc.id);
    assert.equal(assoc.state, 'disassociated');
    deleteInternetGateway(r, igw);
    assert.equal(r.routeTableAssociations.has(assoc.id), false);
    deleteRouteTable(r, table);
    assert.deepEqual(checkInvariants(r.cloud), []);
  });

  it('a virtual private gateway attaches, detaches and is deleted on its timers; its edge association ends with the detachment', () => {
    const { region: r, advance } = world();
    const vpc = createVpc(r, { cidr: parseIpv4Cidr('10.0.0.0/16')! });
    const vgw = createVpnGateway(r, { type: 'ipsec.1', tags: new Map() });
    attachVpnGateway(r, vgw, vpc);
    assert.deepEqual(vgw.attachments, [{ vpcId: vpc.id, state: 'attaching' }]);
    const table = createRouteTable(r, vpc);
    const assoc = associateGateway(r, table, vgw.id);
    advance(r.cloud.timings.attachingMs);
    assert.equal(vgw.attachments[0]!.state, 'attached');
    assert.deepEqual(checkInvariants(r.cloud), []);
    detachVpnGateway(r, vgw, vpc.id);
    assert.equal(assoc.state, 'disassociated');
    advance(r.cloud.timings.detachingMs);
    assert.equal(vgw.attachments[0]!.state, 'detached');
    deleteVpnGateway(r, vgw);
    assert.equal(vgw.state, 'deleting');
    assert.equal(r.routeTableAssociations.has(assoc.id), false);
    advance(r.cloud.timings.shuttingDownMs);
    assert.equal(vgw.state, 'deleted');
    advance(r.cloud.timings.terminatedVisibleMs);
    assert.equal(r.vpnGateways.has(vgw.id), false);
    disassociateGateway(assoc);
    assert.deepEqual(checkInvariants(r.cloud), []);
  });
});
