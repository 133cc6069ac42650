/**
 * Route tables through the real clients: the main table of every VPC, custom tables, subnet
 * associations (the main association moves), routes to internet gateways, interfaces and
 * instances, blackholes, and the network appliance failover (ReplaceRoute to the standby).
 *
 * Sources, cited per test:
 * - [ug]: Amazon VPC User Guide, "Configure route tables" / "Route table concepts" / "Subnet route
 *   tables" / "Default VPC components" / "Routing for a middlebox appliance";
 * - [api]: EC2 API reference pages (CreateRoute, ReplaceRoute, DeleteRoute, DescribeRouteTables,
 *   AssociateRouteTable, ReplaceRouteTableAssociation, Route.State);
 * - [obs …]: AWS answers quoted in public threads (named in each test).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AssociateRouteTableCommand,
  AssociateVpcCidrBlockCommand,
  AttachNetworkInterfaceCommand,
  CreateInternetGatewayCommand,
  CreateNetworkInterfaceCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteRouteCommand,
  DeleteRouteTableCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DescribeRouteTablesCommand,
  DetachInternetGatewayCommand,
  DisassociateRouteTableCommand,
  ModifyNetworkInterfaceAttributeCommand,
  ReplaceRouteCommand,
  ReplaceRouteTableAssociationCommand,
  TerminateInstancesCommand,
  paginateDescribeRouteTables,
  type EC2Client,
  type RouteTable,
} from '@aws-sdk/client-ec2';
import { attachNewGateway, expectCode, getInstance, expectRefusal, invariants, launch, until, useHarness } from './harness.js';

async function newVpc(ec2: EC2Client, cidr = '10.0.0.0/16', ipv6 = false): Promise<string> {
  return (await ec2.send(new CreateVpcCommand({ CidrBlock: cidr, AmazonProvidedIpv6CidrBlock: ipv6 }))).Vpc!.VpcId!;
}

async function newSubnet(ec2: EC2Client, vpcId: string, cidr: string): Promise<string> {
  return (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: 'us-east-1a' }))).Subnet!.SubnetId!;
}

async function table(ec2: EC2Client, id: string): Promise<RouteTable> {
  return (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [id] }))).RouteTables![0]!;
}

async function mainTable(ec2: EC2Client, vpcId: string): Promise<RouteTable> {
  const { RouteTables } = await ec2.send(
    new DescribeRouteTablesCommand({
      Filters: [
        { Name: 'vpc-id', Values: [vpcId] },
        { Name: 'association.main', Values: ['true'] },
      ],
    }),
  );
  assert.equal(RouteTables!.length, 1);
  return RouteTables![0]!;
}

async function newTable(ec2: EC2Client, vpcId: string): Promise<string> {
  return (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
}

const routeTo = (t: RouteTable, dest: string) => t.Routes!.find((r) => (r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock) === dest);

const allTables = (ec2: EC2Client) => async () => (await ec2.send(new DescribeRouteTablesCommand({}))).RouteTables;

describe('route tables (interop)', () => {
  const h = useHarness();
  const ec2 = h.ec2();

  it("the default VPC's main table routes its block locally and 0.0.0.0/0 to its internet gateway (CLI)", async () => {
    // [ug "Default VPC components"]: "a main route table with … 172.31.0.0/16 → local and 0.0.0.0/0 → igw" (aws-behaviour.md §2).
    const vpcs = await h.cli(['describe-vpcs', '--filters', 'Name=is-default,Values=true']);
    const vpcId = vpcs.Vpcs[0].VpcId;
    const igws = await h.cli(['describe-internet-gateways', '--filters', `Name=attachment.vpc-id,Values=${vpcId}`]);
    const out = await h.cli(['describe-route-tables', '--filters', `Name=vpc-id,Values=${vpcId}`]);
    assert.equal(out.RouteTables.length, 1);
    const t = out.RouteTables[0];
    assert.deepEqual(
      t.Associations.map((a: any) => [a.Main, a.AssociationState.State]),
      [[true, 'associated']],
    );
    assert.match(t.Associations[0].RouteTableAssociationId, /^rtbassoc-[0-9a-f]{17}$/);
    assert.deepEqual(t.Routes, [
      { DestinationCidrBlock: '172.31.0.0/16', GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' },
      { DestinationCidrBlock: '0.0.0.0/0', GatewayId: igws.InternetGateways[0].InternetGatewayId, Origin: 'CreateRoute', State: 'active' },
    ]);
    await invariants(h);
  });

  it('every table of a VPC has a local route per IPv4 and IPv6 block, which cannot be removed or replaced (SDK)', async () => {
    // [ug "Route table concepts"]: "Every route table contains a local route for communication within the VPC …
    // you cannot delete the local route". [obs: "cannot remove local route … in route table …" (InvalidParameterValue)].
    const vpcId = await newVpc(ec2, '10.0.0.0/16', true);
    const main = await mainTable(ec2, vpcId);
    const rtb = await newTable(ec2, vpcId);
    const custom = await table(ec2, rtb);
    const v6 = custom.Routes!.find((r) => r.DestinationIpv6CidrBlock)!;
    assert.equal(v6.GatewayId, 'local');
    assert.deepEqual(custom.Associations, []);
    assert.deepEqual(main.Routes, custom.Routes);
    // A secondary block adds its local route to every table; removing the block removes it.
    const { CidrBlockAssociation } = await ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: vpcId, CidrBlock: '10.1.0.0/16' }));
    for (const id of [main.RouteTableId!, rtb]) assert.equal(routeTo(await table(ec2, id), '10.1.0.0/16')?.GatewayId, 'local');
    await h.cli(['disassociate-vpc-cidr-block', '--association-id', CidrBlockAssociation!.AssociationId!]);
    assert.equal(routeTo(await table(ec2, rtb), '10.1.0.0/16'), undefined);
    const e = await expectRefusal(
      h,
      allTables(ec2),
      () => ec2.send(new DeleteRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '10.0.0.0/16' })),
      'InvalidParameterValue',
    );
    assert.equal(e.message, `cannot remove local route 10.0.0.0/16 in route table ${rtb}`);
    await expectRefusal(
      h,
      allTables(ec2),
      () => ec2.send(new ReplaceRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'igw-0123456789abcdef0' })),
      'InvalidParameterValue',
    );
    // [obs terraform-provider-aws#23866]: a route equal to a local one: "RouteAlreadyExists: The route identified by … already exists."
    const igw = await attachNewGateway(ec2, vpcId);
    const dup = await expectRefusal(
      h,
      allTables(ec2),
      () => ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '10.0.0.0/16', GatewayId: igw })),
      'RouteAlreadyExists',
    );
    assert.equal(dup.message, 'The route identified by 10.0.0.0/16 already exists.');
  });

  it('routes to an internet gateway: create, duplicate, replace, delete, the AWS errors (SDK, boto3)', async () => {
    const vpcId = await newVpc(ec2);
    const rtb = await newTable(ec2, vpcId);
    const { InternetGateway } = await ec2.send(new CreateInternetGatewayCommand({}));
    const igw = InternetGateway!.InternetGatewayId!;
    // [obs smoketurner/serverless-vpc-plugin#147]: a gateway not attached to the table's VPC:
    // "route table rtb-… and network gateway igw-… belong to different networks".
    const e = await expectRefusal(
      h,
      allTables(ec2),
      () => ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw })),
      'InvalidParameterValue',
    );
    assert.equal(e.message, `route table ${rtb} and network gateway ${igw} belong to different networks`);
    await h.cli(['attach-internet-gateway', '--internet-gateway-id', igw, '--vpc-id', vpcId]);
    // Host bits are dropped, as AWS stores the block (terraform-provider-aws#13778: "the DescribeRouteTable call returns the aligned CIDR").
    await ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '0.0.0.1/0', GatewayId: igw }));
    await ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationIpv6CidrBlock: '::/0', GatewayId: igw }));
    const t = await table(ec2, rtb);
    assert.deepEqual(routeTo(t, '0.0.0.0/0'), { DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw, Origin: 'CreateRoute', State: 'active' });
    assert.equal(routeTo(t, '::/0')?.GatewayId, igw);
    // [obs clouddrove/terraform-aws-vpc-peering#10]: "RouteAlreadyExists: The route identified by … already exists."
    await expectRefusal(
      h,
      allTables(ec2),
      () => ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw })),
      'RouteAlreadyExists',
    );
    // [obs hashicorp/terraform#26018]: a destination inside the VPC can only go to an interface or instance.
    const inside = await expectRefusal(
      h,
      allTables(ec2),
      () => ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '10.0.5.0/24', GatewayId: igw })),
      'InvalidParameterValue',
    );
    assert.equal(inside.message, 'Route target is not supported. This route only supports interface and instance targets.');
    // [obs hashicorp/terraform#14564 and cluster-api-provider-aws#4899]: missing destination / target.
    await expectRefusal(h, allTables(ec2), () => ec2.send(new CreateRouteCommand({ RouteTableId: rtb, GatewayId: igw })), 'MissingParameter');
    const noTarget = await expectRefusal(
      h,
      allTables(ec2),
      () => ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '1.0.0.0/8' })),
      'MissingParameter',
    );
    assert.match(noTarget.message, /^The request must contain exactly one of gatewayId, natGatewayId, networkInterfaceId/);
    // [obs ansible-collections/amazon.aws#477]: "Value (::/0) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block."
    const bad = await h.boto3(`
try:
    ec2.create_route(RouteTableId='${rtb}', DestinationCidrBlock='::/0', GatewayId='${igw}')
except botocore.exceptions.ClientError as e:
    result = e.response['Error']`);
    assert.deepEqual(bad, {
      Code: 'InvalidParameterValue',
      Message: 'Value (::/0) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block.',
    });
    // Targets of families ec2net does not have yet answer their NotFound codes.
    await expectCode(
      ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '1.0.0.0/8', NatGatewayId: 'nat-0123456789abcdef0' })),
      'InvalidNatGatewayID.NotFound',
    );
    await expectCode(
      ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '1.0.0.0/8', VpcPeeringConnectionId: 'pcx-0123456789abcdef0' })),
      'InvalidVpcPeeringConnectionID.NotFound',
    );
    await expectCode(
      ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '1.0.0.0/8', GatewayId: 'vgw-0123456789abcdef0' })),
      'InvalidGatewayID.NotFound',
    );
    await expectCode(
      ec2.send(new CreateRouteCommand({ RouteTableId: 'rtb-0123456789abcdef0', DestinationCidrBlock: '1.0.0.0/8', GatewayId: igw })),
      'InvalidRouteTableID.NotFound',
    );
    await expectCode(
      ec2.send(new CreateRouteCommand({ RouteTableId: 'rtb-xyz', DestinationCidrBlock: '1.0.0.0/8', GatewayId: igw })),
      'InvalidRouteTableId.Malformed',
    );
    // [api DeleteRoute]; [obs: "no route with destination-cidr-block … in route table …" (InvalidRoute.NotFound)].
    const nf = await expectRefusal(
      h,
      allTables(ec2),
      () => ec2.send(new DeleteRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '1.0.0.0/8' })),
      'InvalidRoute.NotFound',
    );
    assert.equal(nf.message, `no route with destination-cidr-block 1.0.0.0/8 in route table ${rtb}`);
    await expectRefusal(
      h,
      allTables(ec2),
      () => ec2.send(new ReplaceRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '1.0.0.0/8', GatewayId: igw })),
      'InvalidRoute.NotFound',
    );
    await h.cli(['delete-route', '--route-table-id', rtb, '--destination-cidr-block', '0.0.0.0/0']);
    assert.equal(routeTo(await table(ec2, rtb), '0.0.0.0/0'), undefined);
    await invariants(h);
  });

  it('a route whose internet gateway is detached turns blackhole; DetachInternetGateway is not refused because of it (SDK)', async () => {
    // [api Route.State]: "blackhole … the route's target isn't available (for example, the specified gateway isn't attached to the VPC)".
    const vpcId = await newVpc(ec2);
    const igw = await attachNewGateway(ec2, vpcId);
    const main = (await mainTable(ec2, vpcId)).RouteTableId!;
    await ec2.send(new CreateRouteCommand({ RouteTableId: main, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw }));
    await ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId }));
    assert.equal(routeTo(await table(ec2, main), '0.0.0.0/0')?.State, 'blackhole');
    const { RouteTables } = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'route.state', Values: ['blackhole'] }] }));
    assert.deepEqual(
      RouteTables!.map((t) => t.RouteTableId),
      [main],
    );
    await h.cli(['delete-internet-gateway', '--internet-gateway-id', igw]);
    assert.deepEqual(routeTo(await table(ec2, main), '0.0.0.0/0'), {
      DestinationCidrBlock: '0.0.0.0/0',
      GatewayId: igw,
      Origin: 'CreateRoute',
      State: 'blackhole',
    });
    await invariants(h);
  });

  it("subnet associations: explicit, the main table for the rest, the main association moves, and AWS's refusals (SDK, CLI)", async () => {
    // [ug "Subnet route tables"]: "A subnet can only be associated with one route table at a time … a subnet that
    // is not explicitly associated uses the main route table"; you can make a custom table the main one.
    const vpcId = await newVpc(ec2);
    const other = await newVpc(ec2, '10.9.0.0/16');
    const subnet = await newSubnet(ec2, vpcId, '10.0.1.0/24');
    const foreign = await newSubnet(ec2, other, '10.9.1.0/24');
    const rtb = await newTable(ec2, vpcId);
    const main = await mainTable(ec2, vpcId);
    const { AssociationId, AssociationState } = await ec2.send(new AssociateRouteTableCommand({ RouteTableId: rtb, SubnetId: subnet }));
    assert.equal(AssociationState!.State, 'associated');
    assert.match(AssociationId!, /^rtbassoc-/);
    const bySubnet = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'association.subnet-id', Values: [subnet] }] }));
    assert.deepEqual(
      bySubnet.RouteTables!.map((t) => t.RouteTableId),
      [rtb],
    );
    // [obs terraform-provider-aws#38960]: "Resource.AlreadyAssociated: the specified association for route table … conflicts with an existing association".
    const again = await expectRefusal(
      h,
      allTables(ec2),
      () => ec2.send(new AssociateRouteTableCommand({ RouteTableId: main.RouteTableId!, SubnetId: subnet })),
      'Resource.AlreadyAssociated',
    );
    assert.equal(again.message, `the specified association for route table ${main.RouteTableId} conflicts with an existing association`);
    const cross = await expectRefusal(
      h,
      allTables(ec2),
      () => ec2.send(new AssociateRouteTableCommand({ RouteTableId: rtb, SubnetId: foreign })),
      'InvalidParameterValue',
    );
    assert.equal(cross.message, `route table ${rtb} and subnet ${foreign} belong to different networks`);
    // [obs ansible/ansible#25521]: "cannot disassociate the main route table association rtbassoc-…".
    const mainAssoc = main.Associations![0]!.RouteTableAssociationId!;
    const m = await expectRefusal(h, allTables(ec2), () => ec2.send(new DisassociateRouteTableCommand({ AssociationId: mainAssoc })), 'InvalidParameterValue');
    assert.equal(m.message, `cannot disassociate the main route table association ${mainAssoc}`);
    await expectCode(ec2.send(new DisassociateRouteTableCommand({ AssociationId: 'rtbassoc-0123456789abcdef0' })), 'InvalidAssociationID.NotFound');
    // The main table and a table with subnets cannot be deleted ("DependencyViolation"), nor a VPC with a custom table.
    for (const id of [main.RouteTableId!, rtb])
      await expectRefusal(h, allTables(ec2), () => ec2.send(new DeleteRouteTableCommand({ RouteTableId: id })), 'DependencyViolation');
    // [api ReplaceRouteTableAssociation]: the main association moves to the custom table, under a new id.
    const { NewAssociationId } = await ec2.send(new ReplaceRouteTableAssociationCommand({ AssociationId: mainAssoc, RouteTableId: rtb }));
    const nowMain = await mainTable(ec2, vpcId);
    assert.equal(nowMain.RouteTableId, rtb);
    assert.deepEqual(nowMain.Associations!.map((a) => [a.Main, a.RouteTableAssociationId === NewAssociationId || a.SubnetId === subnet]).sort(), [
      [false, true],
      [true, true],
    ]);
    // The old main table, now without associations, can go; then back: the subnet leaves, rtb stays main.
    await h.cli(['delete-route-table', '--route-table-id', main.RouteTableId!]);
    await h.cli(['disassociate-route-table', '--association-id', AssociationId!]);
    await expectRefusal(h, allTables(ec2), () => ec2.send(new DeleteVpcCommand({ VpcId: other })), 'DependencyViolation');
    // DeleteSubnet drops its association; DeleteVpc takes the main table with it.
    const sub2 = await newSubnet(ec2, vpcId, '10.0.2.0/24');
    const extra = await newTable(ec2, vpcId);
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: extra, SubnetId: sub2 }));
    await ec2.send(new DeleteSubnetCommand({ SubnetId: sub2 }));
    assert.deepEqual((await table(ec2, extra)).Associations, []);
    await expectRefusal(h, allTables(ec2), () => ec2.send(new DeleteVpcCommand({ VpcId: vpcId })), 'DependencyViolation');
    await ec2.send(new DeleteRouteTableCommand({ RouteTableId: extra }));
    await ec2.send(new DeleteSubnetCommand({ SubnetId: subnet }));
    await ec2.send(new DeleteVpcCommand({ VpcId: vpcId }));
    const left = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
    assert.deepEqual(left.RouteTables, []);
    await invariants(h);
  });

  it('routes to an interface and to an instance; an instance with two interfaces is refused; termination makes a blackhole (SDK)', async () => {
    const vpcId = await newVpc(ec2);
    const subnet = await newSubnet(ec2, vpcId, '10.0.1.0/24');
    const rtb = await newTable(ec2, vpcId);
    const one = await launch(ec2, { SubnetId: subnet });
    const eni = one.NetworkInterfaces![0]!.NetworkInterfaceId!;
    // [api CreateRoute]: InstanceId — the route goes to the instance's interface; DescribeRouteTables shows both.
    await ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '192.168.0.0/16', InstanceId: one.InstanceId }));
    assert.deepEqual(routeTo(await table(ec2, rtb), '192.168.0.0/16'), {
      DestinationCidrBlock: '192.168.0.0/16',
      InstanceId: one.InstanceId,
      InstanceOwnerId: '123456789012',
      NetworkInterfaceId: eni,
      Origin: 'CreateRoute',
      State: 'active',
    });
    // [ug "Routing for a middlebox appliance"]: a route more specific than the local route may target an interface.
    await ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '10.0.9.0/24', NetworkInterfaceId: eni }));
    const filtered = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'route.instance-id', Values: [one.InstanceId!] }] }));
    assert.deepEqual(
      filtered.RouteTables!.map((t) => t.RouteTableId),
      [rtb],
    );
    // [obs bobtfish/AWSnycast#28, NixOS/nixops#951]: "There are multiple interfaces attached to instance '…'. Please specify an interface ID for the operation instead."
    const two = await launch(ec2, { SubnetId: subnet });
    await until(
      () => getInstance(ec2, two.InstanceId!),
      (i) => i.State!.Name === 'running',
      'running',
    );
    const { NetworkInterface } = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet }));
    await ec2.send(new AttachNetworkInterfaceCommand({ InstanceId: two.InstanceId, NetworkInterfaceId: NetworkInterface!.NetworkInterfaceId, DeviceIndex: 1 }));
    const multi = await expectRefusal(
      h,
      allTables(ec2),
      () => ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '172.16.0.0/12', InstanceId: two.InstanceId })),
      'InvalidInstanceID',
    );
    assert.equal(
      multi.message,
      `There are multiple interfaces attached to instance '${two.InstanceId}'. Please specify an interface ID for the operation instead.`,
    );
    // An interface of another VPC.
    const otherVpc = await newVpc(ec2, '10.9.0.0/16');
    const otherEni = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: await newSubnet(ec2, otherVpc, '10.9.1.0/24') }))).NetworkInterface!
      .NetworkInterfaceId!;
    const cross = await expectRefusal(
      h,
      allTables(ec2),
      () => ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '172.16.0.0/12', NetworkInterfaceId: otherEni })),
      'InvalidParameterValue',
    );
    assert.equal(cross.message, `route table ${rtb} and interface ${otherEni} belong to different networks`);
    // Terminating the instance deletes its interface: the routes stay, as blackholes.
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [one.InstanceId!] }));
    const t = await until(
      () => table(ec2, rtb),
      (x) => x.Routes!.filter((r) => r.State === 'blackhole').length === 2,
      'blackholes',
    );
    assert.equal(routeTo(t, '192.168.0.0/16')!.NetworkInterfaceId, eni);
    await invariants(h);
  });

  it("network appliance failover: the private subnet's default route moves to the standby's interface with ReplaceRoute (SDK, CLI, boto3)", async () => {
    // [ug "Routing for a middlebox appliance"; EC2 User Guide "Source/destination checking": must be off for an
    // appliance that forwards traffic]. The failover pattern moves the route to the standby's interface
    // (ReplaceRoute), as cluster agents such as aws-vpc-move-ip do.
    const vpcId = await newVpc(ec2);
    const igw = await attachNewGateway(ec2, vpcId);
    const publicSubnet = await newSubnet(ec2, vpcId, '10.0.0.0/24');
    const privateSubnet = await newSubnet(ec2, vpcId, '10.0.1.0/24');
    const active = await launch(ec2, { SubnetId: publicSubnet });
    const standby = await launch(ec2, { SubnetId: publicSubnet });
    const activeEni = active.NetworkInterfaces![0]!.NetworkInterfaceId!;
    const standbyEni = standby.NetworkInterfaces![0]!.NetworkInterfaceId!;
    for (const id of [activeEni, standbyEni])
      await ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: id, SourceDestCheck: { Value: false } }));
    const publicRtb = (await mainTable(ec2, vpcId)).RouteTableId!;
    await ec2.send(new CreateRouteCommand({ RouteTableId: publicRtb, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw }));
    const privateRtb = (await h.cli(['create-route-table', '--vpc-id', vpcId])).RouteTable.RouteTableId;
    await h.cli(['associate-route-table', '--route-table-id', privateRtb, '--subnet-id', privateSubnet]);
    await h.cli(['create-route', '--route-table-id', privateRtb, '--destination-cidr-block', '0.0.0.0/0', '--network-interface-id', activeEni]);
    assert.deepEqual(
      { eni: routeTo(await table(ec2, privateRtb), '0.0.0.0/0')!.NetworkInterfaceId, instance: routeTo(await table(ec2, privateRtb), '0.0.0.0/0')!.InstanceId },
      { eni: activeEni, instance: active.InstanceId },
    );
    // Failover, as the agent does it through boto3.
    await h.boto3(`ec2.replace_route(RouteTableId='${privateRtb}', DestinationCidrBlock='0.0.0.0/0', NetworkInterfaceId='${standbyEni}')`);
    const out = await h.cli(['describe-route-tables', '--route-table-ids', privateRtb]);
    const route = out.RouteTables[0].Routes.find((r: any) => r.DestinationCidrBlock === '0.0.0.0/0');
    assert.deepEqual(route, {
      DestinationCidrBlock: '0.0.0.0/0',
      InstanceId: standby.InstanceId,
      InstanceOwnerId: '123456789012',
      NetworkInterfaceId: standbyEni,
      Origin: 'CreateRoute',
      State: 'active',
    });
    assert.deepEqual(
      out.RouteTables[0].Associations.map((a: any) => a.SubnetId),
      [privateSubnet],
    );
    // And back to the first appliance, by instance id this time.
    await ec2.send(new ReplaceRouteCommand({ RouteTableId: privateRtb, DestinationCidrBlock: '0.0.0.0/0', InstanceId: active.InstanceId }));
    assert.equal(routeTo(await table(ec2, privateRtb), '0.0.0.0/0')!.NetworkInterfaceId, activeEni);
    await invariants(h);
  });

  it('DescribeRouteTables: filters, tags, pagination, ClientToken (SDK)', async () => {
    // [api DescribeRouteTables]: the filters; MaxResults 5–100 with NextToken.
    const vpcId = await newVpc(ec2);
    const ids: string[] = [];
    for (let k = 0; k < 6; k++) {
      const r = await ec2.send(
        new CreateRouteTableCommand({ VpcId: vpcId, TagSpecifications: [{ ResourceType: 'route-table', Tags: [{ Key: 'Name', Value: `t${k}` }] }] }),
      );
      ids.push(r.RouteTable!.RouteTableId!);
    }
    const tagged = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'tag:Name', Values: ['t1', 't4'] }] }));
    assert.deepEqual(tagged.RouteTables!.map((t) => t.RouteTableId).sort(), [ids[1], ids[4]].sort());
    const local = await ec2.send(
      new DescribeRouteTablesCommand({
        Filters: [
          { Name: 'vpc-id', Values: [vpcId] },
          { Name: 'route.gateway-id', Values: ['local'] },
          { Name: 'route.origin', Values: ['CreateRouteTable'] },
        ],
      }),
    );
    assert.equal(local.RouteTables!.length, 7);
    const seen: string[] = [];
    for await (const page of paginateDescribeRouteTables({ client: ec2, pageSize: 5 }, { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] })) {
      assert.ok(page.RouteTables!.length <= 5);
      seen.push(...page.RouteTables!.map((t) => t.RouteTableId!));
    }
    assert.equal(new Set(seen).size, 7);
    await expectCode(ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'route.bogus', Values: ['x'] }] })), 'InvalidParameterValue');
    const a = await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId, ClientToken: 'tok-1' }));
    const b = await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId, ClientToken: 'tok-1' }));
    assert.equal(a.RouteTable!.RouteTableId, b.RouteTable!.RouteTableId);
    assert.equal(a.ClientToken, 'tok-1');
    await invariants(h);
  });
});
