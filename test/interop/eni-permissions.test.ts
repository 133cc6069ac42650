/** Network interface permissions (API reference: CreateNetworkInterfacePermission and friends). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CreateNetworkInterfaceCommand,
  CreateNetworkInterfacePermissionCommand,
  DeleteNetworkInterfaceCommand,
  DeleteNetworkInterfacePermissionCommand,
  DescribeNetworkInterfacePermissionsCommand,
  DescribeSubnetsCommand,
} from '@aws-sdk/client-ec2';
import { expectCode, invariants, useHarness } from './harness.js';

describe('network interface permissions (interop)', () => {
  const h = useHarness({ resetEachTest: false });

  it('grant, describe with filters, revoke; refusals change nothing', async () => {
    const ec2 = h.ec2();
    const { Subnets } = await ec2.send(new DescribeSubnetsCommand({}));
    const { NetworkInterface } = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: Subnets![0]!.SubnetId }));
    const eniId = NetworkInterface!.NetworkInterfaceId!;
    const { InterfacePermission } = await ec2.send(
      new CreateNetworkInterfacePermissionCommand({ NetworkInterfaceId: eniId, AwsAccountId: '210987654321', Permission: 'INSTANCE-ATTACH' }),
    );
    assert.match(InterfacePermission!.NetworkInterfacePermissionId!, /^eni-perm-[0-9a-f]{17}$/);
    assert.equal(InterfacePermission!.PermissionState!.State, 'granted');
    await expectCode(
      ec2.send(
        new CreateNetworkInterfacePermissionCommand({ NetworkInterfaceId: eniId, AwsAccountId: '210987654321', AwsService: 'x', Permission: 'EIP-ASSOCIATE' }),
      ),
      'InvalidParameterCombination',
    );
    await expectCode(
      ec2.send(new CreateNetworkInterfacePermissionCommand({ NetworkInterfaceId: eniId, AwsAccountId: '210987654321', Permission: 'INSTANCE-ATTACH' })),
      'InvalidPermission.Duplicate',
    );
    const listed = await h.cli([
      'describe-network-interface-permissions',
      '--filters',
      `Name=network-interface-permission.network-interface-id,Values=${eniId}`,
    ]);
    assert.equal(listed.NetworkInterfacePermissions.length, 1);
    // A grant is state like any other: exported (so a restart's replay is compared with it) and checked.
    const exported = await (await fetch(`${h.url}/_ec2net/state`)).text();
    assert.ok(exported.includes(InterfacePermission!.NetworkInterfacePermissionId!), 'the grant is in /_ec2net/state');
    await invariants(h);
    const none = await h.boto3(
      "result = len(ec2.describe_network_interface_permissions(Filters=[{'Name':'network-interface-permission.permission','Values':['EIP-ASSOCIATE']}])['NetworkInterfacePermissions'])",
    );
    assert.equal(none, 0);
    await ec2.send(new DeleteNetworkInterfacePermissionCommand({ NetworkInterfacePermissionId: InterfacePermission!.NetworkInterfacePermissionId }));
    await expectCode(
      ec2.send(new DeleteNetworkInterfacePermissionCommand({ NetworkInterfacePermissionId: InterfacePermission!.NetworkInterfacePermissionId })),
      'InvalidPermission.NotFound',
    );
    // Deleting the interface takes its grants with it.
    await ec2.send(
      new CreateNetworkInterfacePermissionCommand({ NetworkInterfaceId: eniId, AwsService: 'elasticloadbalancing.amazonaws.com', Permission: 'EIP-ASSOCIATE' }),
    );
    await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eniId }));
    const after = await ec2.send(new DescribeNetworkInterfacePermissionsCommand({}));
    assert.equal(after.NetworkInterfacePermissions!.length, 0);
    assert.ok(!(await (await fetch(`${h.url}/_ec2net/state`)).text()).includes(eniId), 'nothing of the interface is left');
    await invariants(h);
  });
});
