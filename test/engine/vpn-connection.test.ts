/**
 * VPN connections at the engine level. Sources: Site-to-Site VPN User Guide, "Tunnel options" (inside
 * CIDRs: /30s of 169.254.0.0/16, unique per virtual private gateway, seven reserved blocks),
 * "Site-to-Site VPN quotas" (10 connections per virtual private gateway); Amazon VPC User Guide,
 * "Route priority" (a table's own route for a destination is preferred to a propagated one).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseIpv4Cidr } from '../../src/engine/cidr.js';
import { Cloud } from '../../src/engine/cloud.js';
import { createCustomerGateway } from '../../src/engine/customer-gateway.js';
import { checkInvariants } from '../../src/engine/invariants.js';
import { createRoute, createRouteTable, parseDestination } from '../../src/engine/route-table.js';
import { createVpc } from '../../src/engine/vpc.js';
import { createVpnConnection, createVpnConnectionRoute, deleteVpnConnection, propagatedRoutes } from '../../src/engine/vpn-connection.js';
import { attachVpnGateway, createVpnGateway, enableRoutePropagation } from '../../src/engine/vpn-gateway.js';
import { throwsEc2 } from './clocked-world.js';

function world() {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const cloud = new Cloud({ defaultAccountId: '123456789012', seed: 'vpn-connections', now: () => new Date(now) });
  const region = cloud.region('123456789012', 'eu-west-1');
  const advance = (ms: number) => {
    now += ms;
    region.settle();
  };
  return { cloud, region, advance };
}

const RESERVED = ['169.254.0.0/30', '169.254.1.0/30', '169.254.2.0/30', '169.254.3.0/30', '169.254.4.0/30', '169.254.5.0/30', '169.254.169.252/30'];

describe('VPN connections (engine)', () => {
  it('ten connections on one gateway draw twenty distinct unreserved inside /30s; the eleventh is over the quota', () => {
    const { region: r } = world();
    const vgw = createVpnGateway(r, { type: 'ipsec.1', tags: new Map() });
    const cgws = Array.from({ length: 11 }, (_, i) => createCustomerGateway(r, { type: 'ipsec.1', ipAddress: `198.51.100.${i + 1}`, tags: new Map() }));
    const make = (i: number) =>
      createVpnConnection(r, { type: 'ipsec.1', customerGateway: cgws[i]!, vpnGateway: vgw, staticRoutesOnly: false, tunnels: [], tags: new Map() });
    const inside = Array.from({ length: 10 }, (_, i) => make(i)).flatMap((c) => c.tunnels.map((t) => t.insideCidr));
    assert.equal(new Set(inside).size, 20);
    for (const c of inside) {
      const cidr = parseIpv4Cidr(c)!;
      assert.equal(cidr.prefix, 30);
      assert.ok(parseIpv4Cidr('169.254.0.0/16')!.contains(cidr.base), c);
      assert.ok(!RESERVED.includes(c), c);
    }
    throwsEc2(() => make(10), 'VpnConnectionLimitExceeded');
    assert.deepEqual(checkInvariants(r.cloud), []);
  });

  it('propagates only available connections, skips destinations the table routes itself, and frees the outside addresses once deleted', () => {
    const { region: r, advance, cloud } = world();
    const vpc = createVpc(r, { cidr: parseIpv4Cidr('10.0.0.0/16')! });
    const vgw = createVpnGateway(r, { type: 'ipsec.1', tags: new Map() });
    attachVpnGateway(r, vgw, vpc);
    advance(1000);
    const table = createRouteTable(r, vpc);
    enableRoutePropagation(r, table, vgw);
    const cgw = createCustomerGateway(r, { type: 'ipsec.1', ipAddress: '198.51.100.1', tags: new Map() });
    const vpn = createVpnConnection(r, { type: 'ipsec.1', customerGateway: cgw, vpnGateway: vgw, staticRoutesOnly: true, tunnels: [], tags: new Map() });
    createVpnConnectionRoute(vpn, '192.168.1.0/24');
    createVpnConnectionRoute(vpn, '192.168.2.0/24');
    assert.deepEqual(propagatedRoutes(r, table), [], 'pending: nothing propagated yet');
    advance(1000);
    assert.deepEqual(
      propagatedRoutes(r, table).map((x) => [x.destinationCidrBlock, x.gatewayId, x.origin]),
      [
        ['192.168.1.0/24', vgw.id, 'EnableVgwRoutePropagation'],
        ['192.168.2.0/24', vgw.id, 'EnableVgwRoutePropagation'],
      ],
    );
    // The table's own route to the gateway for one destination wins.
    createRoute(r, table, parseDestination({ DestinationCidrBlock: '192.168.2.0/24' }), { GatewayId: vgw.id });
    assert.deepEqual(
      propagatedRoutes(r, table).map((x) => x.destinationCidrBlock),
      ['192.168.1.0/24'],
    );
    const outside = vpn.tunnels.map((t) => t.outsideIp);
    deleteVpnConnection(r, vpn);
    assert.deepEqual(propagatedRoutes(r, table), [], 'deleting: no longer propagated');
    advance(1000);
    assert.equal(vpn.state, 'deleted');
    for (const ip of outside) assert.ok(cloud.publicIps.claim('eu-west-1', ip), `${ip} is free again`);
  });
});
