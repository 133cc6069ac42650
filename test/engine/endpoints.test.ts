/**
 * Prefix lists and VPC endpoints in the engine: the CIDRs a data plane resolves, AWS-managed ids per
 * region, and the routes and interfaces endpoints hold (AWS PrivateLink guide, "Gateway endpoints",
 * "Interface endpoints"; Amazon VPC User Guide, "Managed prefix lists").
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { awsPrefixLists } from '../../src/engine/aws-prefix-lists.js';
import { checkInvariants } from '../../src/engine/invariants.js';
import { createPrefixList, deletePrefixList, modifyPrefixList, prefixListCidrs } from '../../src/engine/prefix-list.js';
import { routeTableOfSubnet } from '../../src/engine/route-table.js';
import { createVpcEndpoint, deleteVpcEndpoint, modifyVpcEndpoint } from '../../src/engine/vpc-endpoint.js';
import { ClockedWorld, throwsEc2 } from './clocked-world.js';

describe('prefix lists and VPC endpoints (engine)', () => {
  it('AWS-managed lists: s3 and dynamodb in every region, ids stable and distinct within a region', () => {
    for (const region of ['us-east-1', 'ap-southeast-2', 'eu-central-1']) {
      const lists = awsPrefixLists(region);
      assert.deepEqual(lists.map((l) => l.name).sort(), [`com.amazonaws.${region}.dynamodb`, `com.amazonaws.${region}.s3`]);
      assert.notEqual(lists[0]!.id, lists[1]!.id);
      assert.deepEqual(awsPrefixLists(region), lists);
      for (const l of lists) assert.match(l.id, /^pl-[0-9a-f]{8}$/);
    }
  });

  it('prefixListCidrs follows the current version; a referenced list cannot be deleted', () => {
    const w = new ClockedWorld();
    const r = w.region;
    const list = createPrefixList(r, { name: 'corp', addressFamily: 'IPv4', maxEntries: 3, entries: [{ Cidr: '10.1.0.0/16' }], tags: new Map() });
    assert.deepEqual(prefixListCidrs(r, list.id), ['10.1.0.0/16']);
    modifyPrefixList(r, list, { currentVersion: 1, add: [{ Cidr: '10.0.0.0/16' }], remove: [{ Cidr: '10.1.0.0/16' }] });
    assert.deepEqual(prefixListCidrs(r, list.id), ['10.0.0.0/16']);
    assert.deepEqual(
      prefixListCidrs(r, 'pl-63a5400a'),
      awsPrefixLists('us-east-1')
        .find((l) => l.id === 'pl-63a5400a')!
        .entries.map((e) => e.cidr),
    );
    assert.equal(prefixListCidrs(r, 'pl-0123456789abcdef0'), undefined);
    // Entries with a host part are refused whole: nothing changes.
    throwsEc2(() => modifyPrefixList(r, list, { currentVersion: 2, add: [{ Cidr: 'nonsense' }] }), 'InvalidParameterValue');
    assert.equal(list.version, 2);
    const table = routeTableOfSubnet(r, w.defaultSubnet('us-east-1a'))!;
    table.routes.push({ destinationPrefixListId: list.id, gatewayId: 'local', origin: 'CreateRoute' });
    throwsEc2(() => deletePrefixList(r, list), 'InvalidPrefixListModification');
    table.routes.pop();
    deletePrefixList(r, list);
    assert.equal(r.prefixLists.size, 0);
  });

  it('a gateway endpoint holds one route per table; an interface endpoint one interface per subnet, removed on delete', () => {
    const w = new ClockedWorld();
    const r = w.region;
    const subnet = w.defaultSubnet('us-east-1a');
    const vpc = r.vpcs.get(subnet.vpcId)!;
    const table = routeTableOfSubnet(r, subnet)!;
    const gw = createVpcEndpoint(r, { vpc, serviceName: 'com.amazonaws.us-east-1.dynamodb', routeTableIds: [table.id], tags: new Map() });
    assert.deepEqual(
      table.routes.filter((x) => x.gatewayId === gw.id).map((x) => x.destinationPrefixListId),
      ['pl-02cd2c6b'],
    );
    modifyVpcEndpoint(r, gw, { removeRouteTableIds: [table.id] });
    assert.equal(table.routes.filter((x) => x.gatewayId === gw.id).length, 0);
    const free = subnet.pool.freeCount;
    const itf = createVpcEndpoint(r, { vpc, type: 'Interface', serviceName: 'com.amazonaws.us-east-1.sts', subnetIds: [subnet.id], tags: new Map() });
    assert.equal(subnet.pool.freeCount, free - 1);
    assert.equal(itf.state, 'pending');
    w.advance(500);
    assert.equal(itf.state, 'available');
    deleteVpcEndpoint(r, itf);
    assert.equal(itf.state, 'deleting');
    w.advance(500);
    assert.equal(r.vpcEndpoints.has(itf.id), false);
    assert.equal(subnet.pool.freeCount, free);
    assert.deepEqual(checkInvariants(w.cloud), []);
  });
});
