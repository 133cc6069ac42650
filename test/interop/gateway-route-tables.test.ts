/**
 * Gateway route tables (edge associations) through the real clients.
 *
 * Sources, cited per test:
 * - [ug]: Amazon VPC User Guide, "Gateway route tables" (routes and their rules, "Rules and
 *   considerations") and "Replace or restore the target for a local route";
 * - [api]: EC2 API reference: AssociateRouteTable (GatewayId: "The ID of the internet gateway or
 *   virtual private gateway"), DisassociateRouteTable, ReplaceRouteTableAssociation, ReplaceRoute
 *   (LocalTarget: "Specifies whether to reset the local route to its default target (local)"),
 *   DescribeRouteTables (filter association.gateway-id), RouteTableAssociationState;
 * - [ansible]: the amazon.aws 5.5.1 ec2_vpc_route_table module and integration target, which
 *   re-associate a gateway with the same table and count its associations across the cycle.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AssociateRouteTableCommand,
  AttachVpnGatewayCommand,
  CreateNetworkInterfaceCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpnGatewayCommand,
  DeleteInternetGatewayCommand,
  DeleteRouteCommand,
  DeleteRouteTableCommand,
  DescribeRouteTablesCommand,
  DetachInternetGatewayCommand,
  DisassociateRouteTableCommand,
  EnableVgwRoutePropagationCommand,
  ReplaceRouteCommand,
  ReplaceRouteTableAssociationCommand,
  type EC2Client,
  type RouteTable,
} from '@aws-sdk/client-ec2';
import { attachNewGateway, expectCode, expectRefusal, invariants, until, useHarness } from './harness.js';

async function newVpc(ec2: EC2Client, cidr = '10.0.0.0/16'): Promise<string> {
  return (await ec2.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
}

async function newTable(ec2: EC2Client, vpcId: string): Promise<string> {
  return (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
}

async function table(ec2: EC2Client, id: string): Promise<RouteTable> {
  return (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [id] }))).RouteTables![0]!;
}

const allTables = (ec2: EC2Client) => async () => (await ec2.send(new DescribeRouteTablesCommand({}))).RouteTables;

describe('gateway route tables (interop)', () => {
  const h = useHarness();
  const ec2 = h.ec2();

  it('an internet gateway gets one edge association: shown with GatewayId, found by association.gateway-id, ended and brought back (SDK, CLI)', async () => {
    const vpcId = await newVpc(ec2);
    const igw = await attachNewGateway(ec2, vpcId);
    const rtb = await newTable(ec2, vpcId);
    const other = await newTable(ec2, vpcId);
    // [api AssociateRouteTable]: GatewayId names the internet gateway; the answer carries the association's state.
    const assoc = await ec2.send(new AssociateRouteTableCommand({ RouteTableId: rtb, GatewayId: igw }));
    assert.match(assoc.AssociationId!, /^rtbassoc-[0-9a-f]{17}$/);
    assert.deepEqual(assoc.AssociationState, { State: 'associated' });
    assert.deepEqual((await table(ec2, rtb)).Associations, [
      { Main: false, RouteTableAssociationId: assoc.AssociationId, RouteTableId: rtb, GatewayId: igw, AssociationState: { State: 'associated' } },
    ]);
    const found = await h.cli(['describe-route-tables', '--filters', `Name=association.gateway-id,Values=${igw}`]);
    assert.deepEqual(
      found.RouteTables.map((t: RouteTable) => t.RouteTableId),
      [rtb],
    );
    // The gateway has one edge association at a time: a second, to any table, conflicts.
    for (const t of [other, rtb]) {
      await expectRefusal(h, allTables(ec2), () => ec2.send(new AssociateRouteTableCommand({ RouteTableId: t, GatewayId: igw })), 'Resource.AlreadyAssociated');
    }
    // A table with a gateway association in force cannot be deleted; once it has ended, it can.
    await expectCode(ec2.send(new DeleteRouteTableCommand({ RouteTableId: rtb })), 'DependencyViolation');
    // [api DisassociateRouteTable] "Disassociates a subnet or gateway from a route table"; [ansible] the ended
    // association stays listed as `disassociated` and associating the gateway again brings it back.
    await ec2.send(new DisassociateRouteTableCommand({ AssociationId: assoc.AssociationId }));
    assert.deepEqual(
      (await table(ec2, rtb)).Associations!.map((a) => a.AssociationState),
      [{ State: 'disassociated' }],
    );
    await expectCode(ec2.send(new DisassociateRouteTableCommand({ AssociationId: assoc.AssociationId })), 'InvalidAssociationID.NotFound');
    const again = await ec2.send(new AssociateRouteTableCommand({ RouteTableId: rtb, GatewayId: igw }));
    assert.equal(again.AssociationId, assoc.AssociationId);
    assert.equal((await table(ec2, rtb)).Associations!.length, 1);
    // [api ReplaceRouteTableAssociation]: the gateway moves to the other table; the first keeps the ended one.
    const moved = await ec2.send(new ReplaceRouteTableAssociationCommand({ AssociationId: again.AssociationId, RouteTableId: other }));
    assert.notEqual(moved.NewAssociationId, assoc.AssociationId);
    assert.deepEqual(
      (await table(ec2, other)).Associations!.map((a) => [a.GatewayId, a.AssociationState!.State]),
      [[igw, 'associated']],
    );
    assert.deepEqual(
      (await table(ec2, rtb)).Associations!.map((a) => a.AssociationState!.State),
      ['disassociated'],
    );
    await ec2.send(new DeleteRouteTableCommand({ RouteTableId: rtb }));
    // Detaching the gateway ends its edge association (a gateway outside the VPC routes nothing into it).
    await ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId }));
    assert.deepEqual(
      (await table(ec2, other)).Associations!.map((a) => a.AssociationState!.State),
      ['disassociated'],
    );
    // [ug "Gateway route tables"]: the gateway must be attached to the table's VPC.
    const e = await expectRefusal(
      h,
      allTables(ec2),
      () => ec2.send(new AssociateRouteTableCommand({ RouteTableId: other, GatewayId: igw })),
      'InvalidParameterValue',
    );
    assert.equal(e.message, `route table ${other} and network gateway ${igw} belong to different networks`);
    await ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: igw }));
    assert.deepEqual((await table(ec2, other)).Associations, []);
    await expectCode(
      ec2.send(new AssociateRouteTableCommand({ RouteTableId: other, GatewayId: 'igw-0123456789abcdef0' })),
      'InvalidInternetGatewayID.NotFound',
    );
    await expectCode(
      ec2.send(new AssociateRouteTableCommand({ RouteTableId: other, GatewayId: 'igw-0123456789abcdef0', SubnetId: 'subnet-0123456789abcdef0' })),
      'InvalidParameterCombination',
    );
    await invariants(h);
  });

  it("a gateway route table routes the VPC's or a subnet's block to an appliance's interface, and LocalTarget restores local (SDK, boto3)", async () => {
    const vpcId = await newVpc(ec2, '10.1.0.0/16');
    const igw = await attachNewGateway(ec2, vpcId);
    const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.1.1.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!;
    const eni = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet.SubnetId! }))).NetworkInterface!.NetworkInterfaceId!;
    const rtb = await newTable(ec2, vpcId);
    // [ug "Rules and considerations"]: a table holding a route to another target cannot be associated with a gateway.
    await ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw }));
    await expectRefusal(h, allTables(ec2), () => ec2.send(new AssociateRouteTableCommand({ RouteTableId: rtb, GatewayId: igw })), 'InvalidParameterValue');
    const gwt = await newTable(ec2, vpcId);
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: gwt, GatewayId: igw }));
    // [ug "Gateway route table routes"]: the entire block of a subnet → a network interface.
    await ec2.send(new CreateRouteCommand({ RouteTableId: gwt, DestinationCidrBlock: '10.1.1.0/24', NetworkInterfaceId: eni }));
    // Other targets, and destinations that are not a subnet's or the VPC's block, are refused.
    for (const input of [
      { DestinationCidrBlock: '0.0.0.0/0', NetworkInterfaceId: eni },
      { DestinationCidrBlock: '10.1.2.0/24', NetworkInterfaceId: eni },
      { DestinationCidrBlock: '10.1.1.0/25', NetworkInterfaceId: eni },
      { DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw },
    ]) {
      await expectRefusal(h, allTables(ec2), () => ec2.send(new CreateRouteCommand({ RouteTableId: gwt, ...input })), 'InvalidParameterValue');
    }
    // [ug "Replace or restore the target for a local route"]: the local route's target becomes the interface…
    await ec2.send(new ReplaceRouteCommand({ RouteTableId: gwt, DestinationCidrBlock: '10.1.0.0/16', NetworkInterfaceId: eni }));
    let routes = (await table(ec2, gwt)).Routes!;
    assert.deepEqual(
      routes.map((r) => [r.DestinationCidrBlock, r.GatewayId ?? r.NetworkInterfaceId]),
      [
        ['10.1.0.0/16', eni],
        ['10.1.1.0/24', eni],
      ],
    );
    // (an interface attached to no instance carries nothing: AWS shows such routes as blackholes)
    assert.equal(routes[0]!.State, 'blackhole');
    // It is still the block's local route: it can be restored, not removed.
    await expectRefusal(
      h,
      allTables(ec2),
      () => ec2.send(new DeleteRouteCommand({ RouteTableId: gwt, DestinationCidrBlock: '10.1.0.0/16' })),
      'InvalidParameterValue',
    );
    await invariants(h);
    // … and LocalTarget brings `local` back (boto3).
    await h.boto3(`ec2.replace_route(RouteTableId='${gwt}', DestinationCidrBlock='10.1.0.0/16', LocalTarget=True)\nresult = True`);
    routes = (await table(ec2, gwt)).Routes!;
    assert.deepEqual([routes[0]!.GatewayId, routes[0]!.State, routes[0]!.Origin], ['local', 'active', 'CreateRouteTable']);
    // LocalTarget applies to a route for a VPC block only, and stands alone.
    await expectCode(ec2.send(new ReplaceRouteCommand({ RouteTableId: gwt, DestinationCidrBlock: '10.1.1.0/24', LocalTarget: true })), 'InvalidParameterValue');
    await expectCode(
      ec2.send(new ReplaceRouteCommand({ RouteTableId: gwt, DestinationCidrBlock: '10.1.0.0/16', LocalTarget: true, NetworkInterfaceId: eni })),
      'InvalidParameterCombination',
    );
    // Outside a gateway route table the local route keeps its target.
    await expectRefusal(
      h,
      allTables(ec2),
      () => ec2.send(new ReplaceRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '10.1.0.0/16', NetworkInterfaceId: eni })),
      'InvalidParameterValue',
    );
    await invariants(h);
  });

  it('a virtual private gateway takes an edge association once attached; a propagating table cannot take one (SDK)', async () => {
    const vpcId = await newVpc(ec2, '10.2.0.0/16');
    const vgw = (await ec2.send(new CreateVpnGatewayCommand({ Type: 'ipsec.1' }))).VpnGateway!.VpnGatewayId!;
    const rtb = await newTable(ec2, vpcId);
    // Not attached yet: the gateway is not in the table's network.
    await expectRefusal(h, allTables(ec2), () => ec2.send(new AssociateRouteTableCommand({ RouteTableId: rtb, GatewayId: vgw })), 'InvalidParameterValue');
    await ec2.send(new AttachVpnGatewayCommand({ VpnGatewayId: vgw, VpcId: vpcId }));
    const propagating = await newTable(ec2, vpcId);
    await ec2.send(new EnableVgwRoutePropagationCommand({ RouteTableId: propagating, GatewayId: vgw }));
    // [ug "Rules and considerations"]: not while route propagation is enabled for the table.
    await expectRefusal(
      h,
      allTables(ec2),
      () => ec2.send(new AssociateRouteTableCommand({ RouteTableId: propagating, GatewayId: vgw })),
      'InvalidParameterValue',
    );
    const { AssociationId } = await ec2.send(new AssociateRouteTableCommand({ RouteTableId: rtb, GatewayId: vgw }));
    const t = await until(
      () => table(ec2, rtb),
      (x) => x.Associations!.length === 1,
      'the edge association',
    );
    assert.deepEqual(
      t.Associations!.map((a) => [a.RouteTableAssociationId, a.GatewayId, a.AssociationState!.State]),
      [[AssociationId, vgw, 'associated']],
    );
    const byGateway = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'association.gateway-id', Values: [vgw] }] }));
    assert.deepEqual(
      byGateway.RouteTables!.map((x) => x.RouteTableId),
      [rtb],
    );
    await invariants(h);
  });
});
