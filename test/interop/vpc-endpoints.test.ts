/**
 * VPC endpoints and endpoint services through the real clients.
 *
 * Sources, cited per test:
 * - [api]: EC2 API reference, CreateVpcEndpoint (VpcEndpointType default Gateway; RouteTableIds for
 *   Gateway endpoints, SubnetIds / SecurityGroupIds / PrivateDnsEnabled for Interface endpoints, "one
 *   subnet per Availability Zone"), ModifyVpcEndpoint, DeleteVpcEndpoints (per-endpoint Unsuccessful
 *   items), DescribeVpcEndpoints and DescribeVpcEndpointServices (filters);
 * - [pl]: AWS PrivateLink guide, "Gateway endpoints" (a route to the service's prefix list in each
 *   chosen route table, target the endpoint) and "Interface endpoints" (an endpoint network interface
 *   per subnet, requester-managed, with the endpoint's security groups; the VPC's default group when
 *   none is given);
 * - [client]: the amazon.aws ec2_vpc_endpoint module, which treats InvalidVpcEndpoint.NotFound in
 *   DeleteVpcEndpoints' Unsuccessful list as "already gone", and botocore's waiters, which test State
 *   "available" in lower case.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcEndpointCommand,
  DeleteNetworkInterfaceCommand,
  DeleteRouteCommand,
  DeleteVpcCommand,
  DeleteVpcEndpointsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeVpcEndpointServicesCommand,
  DescribeVpcEndpointsCommand,
  ModifyVpcAttributeCommand,
  ModifyVpcEndpointCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { expectCode, expectRefusal, invariants, until, useHarness } from './harness.js';

const S3 = 'com.amazonaws.us-east-1.s3';
const S3_PL = 'pl-63a5400a';

async function network(ec2: EC2Client) {
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
  const subnet = async (cidr: string, zone: string) =>
    (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: zone }))).Subnet!.SubnetId!;
  return { vpcId, a: await subnet('10.0.1.0/24', 'us-east-1a'), a2: await subnet('10.0.2.0/24', 'us-east-1a'), b: await subnet('10.0.3.0/24', 'us-east-1b') };
}

describe('VPC endpoints', () => {
  const h = useHarness();
  const ec2 = h.ec2();
  const endpoints = async () => (await ec2.send(new DescribeVpcEndpointsCommand({}))).VpcEndpoints;

  it('a gateway endpoint routes its service prefix list in each chosen table, follows ModifyVpcEndpoint and goes with its routes (SDK, CLI) [api][pl]', async () => {
    const { vpcId } = await network(ec2);
    const t1 = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
    const t2 = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
    const e = (
      await ec2.send(
        new CreateVpcEndpointCommand({
          VpcId: vpcId,
          ServiceName: S3,
          RouteTableIds: [t1],
          TagSpecifications: [{ ResourceType: 'vpc-endpoint', Tags: [{ Key: 'Name', Value: 's3' }] }],
        }),
      )
    ).VpcEndpoint!;
    assert.equal(e.VpcEndpointType, 'Gateway');
    assert.equal(String(e.State), 'available');
    assert.deepEqual(e.RouteTableIds, [t1]);
    assert.equal(e.PrivateDnsEnabled, false);
    const endpointRoutes = async (t: string) =>
      (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [t] })))
        .RouteTables![0]!.Routes!.filter((r) => r.GatewayId === e.VpcEndpointId)
        .map((r) => [r.DestinationPrefixListId, r.State, r.Origin]);
    assert.deepEqual(await endpointRoutes(t1), [[S3_PL, 'active', 'CreateRoute']]);
    // The route is the endpoint's: not removable with DeleteRoute; a second endpoint for the same table clashes.
    await expectCode(ec2.send(new DeleteRouteCommand({ RouteTableId: t1, DestinationPrefixListId: S3_PL })), 'InvalidParameterValue');
    await expectRefusal(
      h,
      endpoints,
      () => ec2.send(new CreateVpcEndpointCommand({ VpcId: vpcId, ServiceName: S3, RouteTableIds: [t1] })),
      'RouteAlreadyExists',
    );
    await ec2.send(new ModifyVpcEndpointCommand({ VpcEndpointId: e.VpcEndpointId, AddRouteTableIds: [t2], RemoveRouteTableIds: [t1] }));
    assert.deepEqual(await endpointRoutes(t1), []);
    assert.deepEqual(await endpointRoutes(t2), [[S3_PL, 'active', 'CreateRoute']]);
    const byFilter = await h.cli([
      'describe-vpc-endpoints',
      '--filters',
      `Name=vpc-id,Values=${vpcId}`,
      'Name=vpc-endpoint-type,Values=Gateway',
      'Name=tag:Name,Values=s3',
    ]);
    assert.deepEqual(
      byFilter.VpcEndpoints.map((x: { VpcEndpointId: string; RouteTableIds: string[] }) => [x.VpcEndpointId, x.RouteTableIds]),
      [[e.VpcEndpointId, [t2]]],
    );
    // A VPC with an endpoint cannot be deleted.
    await expectCode(ec2.send(new DeleteVpcCommand({ VpcId: vpcId })), 'DependencyViolation');
    const del = await ec2.send(new DeleteVpcEndpointsCommand({ VpcEndpointIds: [e.VpcEndpointId!, 'vpce-0123456789abcdef0'] }));
    assert.deepEqual(
      del.Unsuccessful!.map((u) => [u.ResourceId, u.Error?.Code]),
      [['vpce-0123456789abcdef0', 'InvalidVpcEndpoint.NotFound']],
    );
    assert.deepEqual(await endpointRoutes(t2), []);
    await expectCode(ec2.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds: [e.VpcEndpointId!] })), 'InvalidVpcEndpointId.NotFound');
    await invariants(h);
  });

  it('an interface endpoint puts a requester-managed vpc_endpoint interface in each subnet, one subnet per zone; pending → available (SDK, boto3) [api][pl][client]', async () => {
    const { vpcId, a, a2, b } = await network(ec2);
    const sg = (await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'vpce', Description: 'vpce' }))).GroupId!;
    // Private DNS (the default) needs the VPC's DNS hostnames.
    await expectRefusal(
      h,
      endpoints,
      () => ec2.send(new CreateVpcEndpointCommand({ VpcId: vpcId, VpcEndpointType: 'Interface', ServiceName: 'com.amazonaws.us-east-1.ssm', SubnetIds: [a] })),
      'InvalidParameter',
    );
    await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }));
    await expectRefusal(
      h,
      endpoints,
      () =>
        ec2.send(new CreateVpcEndpointCommand({ VpcId: vpcId, VpcEndpointType: 'Interface', ServiceName: 'com.amazonaws.us-east-1.ssm', SubnetIds: [a, a2] })),
      'DuplicateSubnetsInSameZone',
    );
    await expectRefusal(
      h,
      endpoints,
      () => ec2.send(new CreateVpcEndpointCommand({ VpcId: vpcId, ServiceName: 'com.amazonaws.us-east-1.nothing' })),
      'InvalidServiceName',
    );
    const e = (
      await ec2.send(
        new CreateVpcEndpointCommand({
          VpcId: vpcId,
          VpcEndpointType: 'Interface',
          ServiceName: 'com.amazonaws.us-east-1.ssm',
          SubnetIds: [a, b],
          SecurityGroupIds: [sg],
        }),
      )
    ).VpcEndpoint!;
    assert.equal(String(e.State), 'pending');
    assert.equal(e.PrivateDnsEnabled, true);
    assert.equal(e.NetworkInterfaceIds!.length, 2);
    assert.ok(e.DnsEntries!.some((d) => d.DnsName === 'ssm.us-east-1.amazonaws.com'));
    const enis = (await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: e.NetworkInterfaceIds }))).NetworkInterfaces!;
    for (const eni of enis) {
      assert.equal(eni.InterfaceType, 'vpc_endpoint');
      assert.equal(eni.RequesterManaged, true);
      assert.equal(eni.Description, `VPC Endpoint Interface ${e.VpcEndpointId}`);
      assert.deepEqual(
        eni.Groups!.map((g) => g.GroupId),
        [sg],
      );
    }
    // The user cannot delete the endpoint's interfaces.
    await expectCode(ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: enis[0]!.NetworkInterfaceId })), 'InvalidNetworkInterface.InUse');
    await until(
      async () => String((await ec2.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds: [e.VpcEndpointId!] }))).VpcEndpoints![0]!.State),
      (s) => s === 'available',
      'endpoint available',
    );
    // boto3: remove a subnet (its interface goes), the default group when none is given elsewhere.
    await h.boto3(`ec2.modify_vpc_endpoint(VpcEndpointId='${e.VpcEndpointId}', RemoveSubnetIds=['${b}'])`);
    const after = await h.boto3(`result = ec2.describe_vpc_endpoints(VpcEndpointIds=['${e.VpcEndpointId}'])['VpcEndpoints'][0]`);
    assert.deepEqual(after.SubnetIds, [a]);
    assert.equal(after.NetworkInterfaceIds.length, 1);
    const services = await ec2.send(new DescribeVpcEndpointServicesCommand({ Filters: [{ Name: 'service-type', Values: ['Gateway'] }] }));
    assert.deepEqual(services.ServiceNames, ['com.amazonaws.us-east-1.dynamodb', S3]);
    await ec2.send(new DeleteVpcEndpointsCommand({ VpcEndpointIds: [e.VpcEndpointId!] }));
    assert.equal((await ec2.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds: [e.VpcEndpointId!] }))).VpcEndpoints![0]!.State, 'deleting' as never);
    await until(
      async () =>
        (
          await ec2.send(
            new DescribeNetworkInterfacesCommand({
              Filters: [
                { Name: 'vpc-id', Values: [vpcId] },
                { Name: 'interface-type', Values: ['vpc_endpoint'] },
              ],
            }),
          )
        ).NetworkInterfaces!.length,
      (n) => n === 0,
      'interfaces gone',
    );
    await invariants(h);
  });
});
