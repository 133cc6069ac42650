/**
 * Egress-only internet gateways through the real clients. Sources: Amazon VPC User Guide, "Enable
 * outbound IPv6 traffic using an egress-only internet gateway" (attached to one VPC from creation;
 * a route `::/0` → eigw in the subnet's route table; IPv6 only); EC2 API reference,
 * Create/Delete/DescribeEgressOnlyInternetGateways (tag filters, pagination, ClientToken,
 * DeleteEgressOnlyInternetGateway answers `ReturnCode`).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CreateEgressOnlyInternetGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateVpcCommand,
  DeleteEgressOnlyInternetGatewayCommand,
  DeleteVpcCommand,
  DescribeEgressOnlyInternetGatewaysCommand,
  DescribeRouteTablesCommand,
} from '@aws-sdk/client-ec2';
import { expectCode, expectRefusal, invariants, useHarness } from './harness.js';

describe('egress-only internet gateways (interop)', () => {
  const h = useHarness();
  const ec2 = h.ec2();

  it('create (attached), route ::/0 to it, describe with tags, delete (the route turns blackhole) (SDK, CLI, boto3)', async () => {
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16', AmazonProvidedIpv6CidrBlock: true }))).Vpc!.VpcId!;
    const { EgressOnlyInternetGateway: g, ClientToken } = await ec2.send(
      new CreateEgressOnlyInternetGatewayCommand({
        VpcId: vpcId,
        ClientToken: 'eigw-1',
        TagSpecifications: [{ ResourceType: 'egress-only-internet-gateway', Tags: [{ Key: 'Name', Value: 'v6-out' }] }],
      }),
    );
    const id = g!.EgressOnlyInternetGatewayId!;
    assert.match(id, /^eigw-[0-9a-f]{17}$/);
    assert.equal(ClientToken, 'eigw-1');
    assert.deepEqual(g!.Attachments, [{ State: 'attached', VpcId: vpcId }]);
    const again = await ec2.send(
      new CreateEgressOnlyInternetGatewayCommand({
        VpcId: vpcId,
        ClientToken: 'eigw-1',
        TagSpecifications: [{ ResourceType: 'egress-only-internet-gateway', Tags: [{ Key: 'Name', Value: 'v6-out' }] }],
      }),
    );
    assert.equal(again.EgressOnlyInternetGateway!.EgressOnlyInternetGatewayId, id);
    const tagged = await h.cli(['describe-egress-only-internet-gateways', '--filters', 'Name=tag:Name,Values=v6-*']);
    assert.deepEqual(
      tagged.EgressOnlyInternetGateways.map((x: any) => x.EgressOnlyInternetGatewayId),
      [id],
    );
    const rtb = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
    await ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationIpv6CidrBlock: '::/0', EgressOnlyInternetGatewayId: id }));
    // IPv6 only.
    await expectRefusal(
      h,
      async () => (await ec2.send(new DescribeRouteTablesCommand({}))).RouteTables,
      () => ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '0.0.0.0/0', EgressOnlyInternetGatewayId: id })),
      'InvalidParameterValue',
    );
    const route = async () =>
      (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [rtb] }))).RouteTables![0]!.Routes!.find((r) => r.DestinationIpv6CidrBlock === '::/0')!;
    assert.deepEqual([(await route()).EgressOnlyInternetGatewayId, (await route()).State], [id, 'active']);
    const filtered = await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'route.egress-only-internet-gateway-id', Values: [id] }] }));
    assert.deepEqual(
      filtered.RouteTables!.map((t) => t.RouteTableId),
      [rtb],
    );
    // A VPC with one cannot be deleted.
    await expectCode(ec2.send(new DeleteVpcCommand({ VpcId: vpcId })), 'DependencyViolation');
    const rc = await h.boto3(`result = ec2.delete_egress_only_internet_gateway(EgressOnlyInternetGatewayId='${id}')['ReturnCode']`);
    assert.equal(rc, true);
    assert.equal((await route()).State, 'blackhole');
    await expectCode(
      ec2.send(new DescribeEgressOnlyInternetGatewaysCommand({ EgressOnlyInternetGatewayIds: [id] })),
      'InvalidEgressOnlyInternetGatewayId.NotFound',
    );
    await expectCode(
      ec2.send(new DeleteEgressOnlyInternetGatewayCommand({ EgressOnlyInternetGatewayId: 'eigw-nothex' })),
      'InvalidEgressOnlyInternetGatewayId.Malformed',
    );
    await invariants(h);
  });
});
