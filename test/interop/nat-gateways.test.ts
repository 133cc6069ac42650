/**
 * NAT gateways and their requester-managed interfaces through the real clients.
 *
 * Sources, cited per test:
 * - [ug]: Amazon VPC User Guide, "NAT gateways" (public with an Elastic IP, private without; the
 *   gateway "creates a network interface … with a private IP address from the IP address range of
 *   the subnet"; deleting it disassociates the Elastic IP, which stays allocated);
 * - [api]: EC2 API reference, CreateNatGateway / DeleteNatGateway / DescribeNatGateways (filters,
 *   states pending | failed | available | deleting | deleted) and NatGateway (FailureCode and
 *   FailureMessage values), NetworkInterface (RequesterManaged, RequesterId, InterfaceType `nat_gateway`);
 * - [obs …]: AWS answers and outputs quoted in public threads (named in each test).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  AllocateAddressCommand,
  AssignPrivateIpAddressesCommand,
  AssociateAddressCommand,
  AttachNetworkInterfaceCommand,
  CreateNatGatewayCommand,
  CreateNetworkInterfaceCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeleteNatGatewayCommand,
  DeleteNetworkInterfaceCommand,
  DeleteSubnetCommand,
  DescribeAddressesCommand,
  DescribeNatGatewaysCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DetachNetworkInterfaceCommand,
  DisassociateAddressCommand,
  ModifyNetworkInterfaceAttributeCommand,
  ReleaseAddressCommand,
  TerminateInstancesCommand,
  type EC2Client,
  type NatGateway,
} from '@aws-sdk/client-ec2';
import { attachNewGateway, expectCode, fastCliWaiters, getInstance, invariants, launch, refusedUnchanged, until, useHarness } from './harness.js';

async function setup(ec2: EC2Client, withGateway = true) {
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
  if (withGateway) await attachNewGateway(ec2, vpcId);
  const subnetId = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.0.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!.SubnetId!;
  const eip = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
  return { vpcId, subnetId, allocationId: eip.AllocationId!, publicIp: eip.PublicIp! };
}

const nat = async (ec2: EC2Client, id: string): Promise<NatGateway> =>
  (await ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [id] }))).NatGateways![0]!;
const free = async (ec2: EC2Client, subnetId: string) =>
  (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] }))).Subnets![0]!.AvailableIpAddressCount!;

describe('NAT gateways (interop)', () => {
  before(() => fastCliWaiters());
  const h = useHarness();
  const ec2 = h.ec2();

  it('a public NAT gateway: pending → available, a requester-managed nat_gateway interface holding its address and Elastic IP (SDK, CLI)', async () => {
    const { vpcId, subnetId, allocationId, publicIp } = await setup(ec2);
    const before = await free(ec2, subnetId);
    const { NatGateway: created } = await ec2.send(
      new CreateNatGatewayCommand({
        SubnetId: subnetId,
        AllocationId: allocationId,
        TagSpecifications: [{ ResourceType: 'natgateway', Tags: [{ Key: 'Name', Value: 'egress' }] }],
      }),
    );
    const id = created!.NatGatewayId!;
    assert.match(id, /^nat-[0-9a-f]{17}$/);
    assert.equal(created!.State, 'pending');
    assert.equal(created!.ConnectivityType, 'public');
    // The CLI's nat-gateway-available waiter polls DescribeNatGateways until `available`.
    await h.cli(['wait', 'nat-gateway-available', '--nat-gateway-ids', id]);
    const g = await nat(ec2, id);
    assert.equal(g.State, 'available');
    assert.deepEqual([g.VpcId, g.SubnetId, g.Tags], [vpcId, subnetId, [{ Key: 'Name', Value: 'egress' }]]);
    const [addr] = g.NatGatewayAddresses!;
    assert.equal(addr!.AllocationId, allocationId);
    assert.equal(addr!.PublicIp, publicIp);
    assert.equal(addr!.IsPrimary, true);
    assert.match(addr!.AssociationId!, /^eipassoc-/);
    // [obs: DescribeNetworkInterfaces of a NAT gateway's interface (AWS Config record, botocore-based tools' fixtures)]:
    // "Interface for NAT Gateway nat-…", InterfaceType nat_gateway, RequesterManaged true, no groups, source/dest check off,
    // attached through an `ela-attach-` attachment at device index 1 owned by `amazon-aws`.
    const { NetworkInterfaces } = await ec2.send(
      new DescribeNetworkInterfacesCommand({
        Filters: [
          { Name: 'requester-managed', Values: ['true'] },
          { Name: 'interface-type', Values: ['nat_gateway'] },
        ],
      }),
    );
    assert.equal(NetworkInterfaces!.length, 1);
    const eni = NetworkInterfaces![0]!;
    assert.equal(eni.NetworkInterfaceId, addr!.NetworkInterfaceId);
    assert.equal(eni.Description, `Interface for NAT Gateway ${id}`);
    assert.deepEqual(
      [eni.InterfaceType, eni.RequesterManaged, eni.RequesterId, eni.SourceDestCheck, eni.Status, eni.Groups],
      ['nat_gateway', true, '036872051663', false, 'in-use', []],
    );
    assert.deepEqual(
      [eni.Attachment!.DeviceIndex, eni.Attachment!.InstanceOwnerId, eni.Attachment!.Status, eni.Attachment!.InstanceId],
      [1, 'amazon-aws', 'attached', undefined],
    );
    assert.match(eni.Attachment!.AttachmentId!, /^ela-attach-/);
    assert.equal(eni.PrivateIpAddress, addr!.PrivateIp);
    assert.equal(eni.Association!.PublicIp, publicIp);
    const byRequester = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'requester-id', Values: ['036872051663'] }] }));
    assert.equal(byRequester.NetworkInterfaces!.length, 1);
    // It takes an address from the subnet.
    assert.equal(await free(ec2, subnetId), before - 1);
    // DescribeNatGateways filters.
    for (const [name, value] of [
      ['state', 'available'],
      ['subnet-id', subnetId],
      ['vpc-id', vpcId],
      ['tag:Name', 'egress'],
      ['nat-gateway-id', id],
    ]) {
      const out = await ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: name, Values: [value!] }] }));
      assert.deepEqual(
        out.NatGateways!.map((n) => n.NatGatewayId),
        [id],
        name,
      );
    }
    assert.deepEqual((await ec2.send(new DescribeNatGatewaysCommand({ Filter: [{ Name: 'state', Values: ['pending'] }] }))).NatGateways, []);
    await invariants(h);
  });

  it('deleting: deleting → deleted, the interface goes and the Elastic IP stays allocated; routes to it turn blackhole (SDK, boto3)', async () => {
    const { vpcId, subnetId, allocationId } = await setup(ec2);
    const id = (await ec2.send(new CreateNatGatewayCommand({ SubnetId: subnetId, AllocationId: allocationId }))).NatGateway!.NatGatewayId!;
    await until(
      () => nat(ec2, id),
      (g) => g.State === 'available',
      'available',
    );
    const rtb = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
    await ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: id }));
    const route = async () =>
      (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [rtb] }))).RouteTables![0]!.Routes!.find((r) => r.DestinationCidrBlock === '0.0.0.0/0')!;
    assert.deepEqual([(await route()).NatGatewayId, (await route()).State], [id, 'active']);
    assert.equal((await ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: id }))).NatGatewayId, id);
    assert.equal((await nat(ec2, id)).State, 'deleting');
    const g = await until(
      () => nat(ec2, id),
      (x) => x.State === 'deleted',
      'deleted',
    );
    // Deleted gateways stay listed for a while (boto3, as clients waiting for `deleted` read them).
    const listed = await h.boto3(`result = [n['State'] for n in ec2.describe_nat_gateways(Filters=[{'Name': 'state', 'Values': ['deleted']}])['NatGateways']]`);
    assert.deepEqual(listed, ['deleted']);
    assert.ok(g.DeleteTime);
    assert.deepEqual((await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'subnet-id', Values: [subnetId] }] }))).NetworkInterfaces, []);
    const { Addresses } = await ec2.send(new DescribeAddressesCommand({ AllocationIds: [allocationId] }));
    assert.equal(Addresses![0]!.AssociationId, undefined);
    assert.equal((await route()).State, 'blackhole');
    // A route to a deleted gateway, or an unknown one, is refused.
    await expectCode(
      ec2.send(new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: '1.0.0.0/8', NatGatewayId: id })),
      'InvalidNatGatewayID.NotFound',
    );
    await expectCode(ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: ['nat-0123456789abcdef0'] })), 'NatGatewayNotFound');
    // The subnet is free again and can go; the address can be released.
    await ec2.send(new ReleaseAddressCommand({ AllocationId: allocationId }));
    await ec2.send(new DeleteSubnetCommand({ SubnetId: subnetId }));
    await invariants(h);
  });

  it('a private NAT gateway takes no Elastic IP; secondary addresses come from the subnet (SDK)', async () => {
    const { subnetId, allocationId } = await setup(ec2, false);
    const refused = await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new CreateNatGatewayCommand({ SubnetId: subnetId, ConnectivityType: 'private', AllocationId: allocationId })),
      'InvalidParameterCombination',
    );
    assert.ok(refused);
    const { NatGateway: g } = await ec2.send(
      new CreateNatGatewayCommand({ SubnetId: subnetId, ConnectivityType: 'private', PrivateIpAddress: '10.0.0.50', SecondaryPrivateIpAddressCount: 2 }),
    );
    assert.equal(g!.ConnectivityType, 'private');
    const addrs = g!.NatGatewayAddresses!;
    assert.deepEqual(
      addrs.map((a) => [a.PrivateIp === '10.0.0.50', a.IsPrimary, a.PublicIp]),
      [
        [true, true, undefined],
        [false, false, undefined],
        [false, false, undefined],
      ],
    );
    await invariants(h);
  });

  it('what AWS reports as a failed gateway: no internet gateway, an Elastic IP already associated (SDK)', async () => {
    // [api NatGateway.FailureCode/FailureMessage]: "Gateway.NotAttached: Network vpc-… has no Internet gateway attached",
    // "Resource.AlreadyAssociated: Elastic IP address eipalloc-… is already associated".
    const { vpcId, subnetId, allocationId } = await setup(ec2, false);
    const id = (await ec2.send(new CreateNatGatewayCommand({ SubnetId: subnetId, AllocationId: allocationId }))).NatGateway!.NatGatewayId!;
    const failed = await until(
      () => nat(ec2, id),
      (g) => g.State === 'failed',
      'failed',
    );
    assert.deepEqual([failed.FailureCode, failed.FailureMessage], ['Gateway.NotAttached', `Network ${vpcId} has no Internet gateway attached`]);
    assert.deepEqual((await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }))).NetworkInterfaces, []);
    await attachNewGateway(ec2, vpcId);
    const eni = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId }))).NetworkInterface!.NetworkInterfaceId!;
    await ec2.send(new AssociateAddressCommand({ AllocationId: allocationId, NetworkInterfaceId: eni }));
    const id2 = (await ec2.send(new CreateNatGatewayCommand({ SubnetId: subnetId, AllocationId: allocationId }))).NatGateway!.NatGatewayId!;
    const f2 = await until(
      () => nat(ec2, id2),
      (g) => g.State === 'failed',
      'failed',
    );
    assert.deepEqual([f2.FailureCode, f2.FailureMessage], ['Resource.AlreadyAssociated', `Elastic IP address ${allocationId} is already associated`]);
    await expectCode(ec2.send(new CreateNatGatewayCommand({ SubnetId: subnetId })), 'MissingParameter');
    await expectCode(ec2.send(new CreateNatGatewayCommand({ SubnetId: subnetId, AllocationId: 'eipalloc-0123456789abcdef0' })), 'InvalidAllocationID.NotFound');
    await invariants(h);
  });

  it('requester-managed interfaces and their Elastic IP cannot be changed, detached or deleted; their subnet cannot be deleted (SDK)', async () => {
    const { subnetId, allocationId } = await setup(ec2);
    const id = (await ec2.send(new CreateNatGatewayCommand({ SubnetId: subnetId, AllocationId: allocationId }))).NatGateway!.NatGatewayId!;
    const g = await until(
      () => nat(ec2, id),
      (x) => x.State === 'available',
      'available',
    );
    const eniId = g.NatGatewayAddresses![0]!.NetworkInterfaceId!;
    const eni = (await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] }))).NetworkInterfaces![0]!;
    // [obs kubernetes/kops#1604, genevieve/leftovers#33, eformat/sno-for-100#5, terraform-provider-aws#3572]:
    // "AuthFailure: You do not have permission to access the specified resource." for the NAT gateway's Elastic IP.
    const release = await refusedUnchanged(h, ec2, () => ec2.send(new ReleaseAddressCommand({ AllocationId: allocationId })), 'AuthFailure');
    assert.equal(release.message, 'You do not have permission to access the specified resource.');
    await refusedUnchanged(h, ec2, () => ec2.send(new DisassociateAddressCommand({ AssociationId: g.NatGatewayAddresses![0]!.AssociationId })), 'AuthFailure');
    const other = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    await refusedUnchanged(h, ec2, () => ec2.send(new AssociateAddressCommand({ AllocationId: other.AllocationId, NetworkInterfaceId: eniId })), 'AuthFailure');
    const mine = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId }))).NetworkInterface!.NetworkInterfaceId!;
    await refusedUnchanged(h, ec2, () => ec2.send(new AssociateAddressCommand({ AllocationId: allocationId, NetworkInterfaceId: mine })), 'AuthFailure');
    // The interface itself: in use, not detachable, not modifiable.
    await refusedUnchanged(h, ec2, () => ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eniId })), 'InvalidNetworkInterface.InUse');
    const detach = await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: eni.Attachment!.AttachmentId })),
      'OperationNotPermitted',
    );
    assert.equal(detach.message, "You are not allowed to manage 'ela-attach' attachments.");
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eniId, SourceDestCheck: { Value: true } })),
      'OperationNotPermitted',
    );
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eniId, SecondaryPrivateIpAddressCount: 1 })),
      'OperationNotPermitted',
    );
    // Nor attached to an instance: it is in use by its gateway.
    const instance = await launch(ec2, { SubnetId: subnetId });
    await until(
      () => getInstance(ec2, instance.InstanceId!),
      (i) => i.State!.Name === 'running',
      'running',
    );
    await refusedUnchanged(
      h,
      ec2,
      () => ec2.send(new AttachNetworkInterfaceCommand({ InstanceId: instance.InstanceId, NetworkInterfaceId: eniId, DeviceIndex: 1 })),
      'InvalidParameterValue',
    );
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [instance.InstanceId!] }));
    await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: mine }));
    await refusedUnchanged(h, ec2, () => ec2.send(new DeleteSubnetCommand({ SubnetId: subnetId })), 'DependencyViolation');
    // Requester-managed interfaces belong to no instance: IMDS has nothing of them (no instance to ask about).
    await ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: id }));
    await invariants(h);
  });
});
