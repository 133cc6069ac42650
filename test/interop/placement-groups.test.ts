/**
 * Placement groups through the real clients: CreatePlacementGroup (cluster, spread, partition),
 * DescribePlacementGroups (names, ids, filters), DeletePlacementGroup, and RunInstances'
 * Placement.GroupName / GroupId / PartitionNumber as DescribeInstances shows them.
 *
 * Sources, cited per test:
 * - [create]: API reference, CreatePlacementGroup ("PartitionCount: Valid only when Strategy is set
 *   to partition"; "Host – You can use host only with Outpost placement groups");
 * - [tf]: Terraform's aws_placement_group documentation (partition_count 1–7, default 2;
 *   spread_level defaults to rack);
 * - [describe]: API reference, DescribePlacementGroups (filters group-name, group-arn, spread-level,
 *   state, strategy, tag:<key>, tag-key; GroupIds, GroupNames);
 * - [codes]: "Error codes for the Amazon EC2 API" (InvalidPlacementGroup.Duplicate, .InUse,
 *   .Unknown, InvalidPlacementGroupId.Malformed), wordings as observed in the issue threads named;
 * - [guide]: EC2 User Guide, "Placement groups" (a cluster group is in one Availability Zone;
 *   partition groups spread instances evenly when no partition is given).
 * - [ansible]: community.aws ec2_placement_group, which finds a group by the group-name filter
 *   and expects a deleted group to be gone at once (its idempotency relies on it).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CreatePlacementGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DeletePlacementGroupCommand,
  DescribeInstancesCommand,
  DescribePlacementGroupsCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { expectCode, expectRefusal, IMAGE, invariants, launch, useHarness } from './harness.js';

describe('placement groups (interop)', () => {
  const h = useHarness();
  const ec2 = h.ec2();
  const groups = async () => (await ec2.send(new DescribePlacementGroupsCommand({}))).PlacementGroups ?? [];
  const create = (GroupName: string, Strategy: 'cluster' | 'spread' | 'partition', more: object = {}) =>
    ec2.send(new CreatePlacementGroupCommand({ GroupName, Strategy, ...more }));

  it('creates each strategy available at once, with its id, ARN and defaults [create][tf]', async () => {
    const c = (await create('c', 'cluster')).PlacementGroup!;
    assert.match(c.GroupId!, /^pg-[0-9a-f]{17}$/);
    assert.equal(c.State, 'available');
    assert.equal(c.Strategy, 'cluster');
    assert.match(c.GroupArn!, /^arn:aws:ec2:us-east-1:\d{12}:placement-group\/c$/);
    assert.equal(c.PartitionCount, undefined);
    assert.equal(c.SpreadLevel, undefined);
    const s = (await create('s', 'spread')).PlacementGroup!;
    assert.equal(s.SpreadLevel, 'rack');
    const p = (await create('p', 'partition')).PlacementGroup!;
    assert.equal(p.PartitionCount, 2);
    const p4 = (
      await create('p4', 'partition', { PartitionCount: 4, TagSpecifications: [{ ResourceType: 'placement-group', Tags: [{ Key: 'k', Value: 'v' }] }] })
    ).PlacementGroup!;
    assert.equal(p4.PartitionCount, 4);
    assert.deepEqual(p4.Tags, [{ Key: 'k', Value: 'v' }]);
    assert.deepEqual(
      (await groups()).map((g) => [g.GroupName, g.Strategy, g.State]),
      [
        ['c', 'cluster', 'available'],
        ['p', 'partition', 'available'],
        ['p4', 'partition', 'available'],
        ['s', 'spread', 'available'],
      ],
    );
    await invariants(h);
  });

  it('refuses a duplicate name, bad partition counts and a host spread level, changing nothing [codes][create]', async () => {
    await create('dup', 'cluster');
    // Observed: "The placement group 'x' already exists." (FDio/csit#179).
    const e = await expectRefusal(h, groups, () => create('dup', 'spread'), 'InvalidPlacementGroup.Duplicate');
    assert.equal(e.message, "The placement group 'dup' already exists.");
    await expectRefusal(h, groups, () => create('x', 'partition', { PartitionCount: 8 }), 'InvalidParameterValue');
    await expectRefusal(h, groups, () => create('x', 'partition', { PartitionCount: 0 }), 'InvalidParameterValue');
    await expectRefusal(h, groups, () => create('x', 'cluster', { PartitionCount: 2 }), 'InvalidParameterCombination');
    await expectRefusal(h, groups, () => create('x', 'spread', { SpreadLevel: 'host' }), 'InvalidParameterValue');
    await expectRefusal(h, groups, () => ec2.send(new CreatePlacementGroupCommand({ Strategy: 'cluster' })), 'MissingParameter');
  });

  it('describes by name, id and filter; unknown names and ids are errors [describe][codes][ansible]', async () => {
    const a = (await create('a', 'cluster', { TagSpecifications: [{ ResourceType: 'placement-group', Tags: [{ Key: 'team', Value: 'x' }] }] })).PlacementGroup!;
    await create('b', 'spread');
    const names = async (input: object) => ((await ec2.send(new DescribePlacementGroupsCommand(input))).PlacementGroups ?? []).map((g) => g.GroupName);
    assert.deepEqual(await names({ GroupNames: ['b'] }), ['b']);
    assert.deepEqual(await names({ GroupIds: [a.GroupId!] }), ['a']);
    assert.deepEqual(await names({ Filters: [{ Name: 'group-name', Values: ['a'] }] }), ['a']);
    assert.deepEqual(await names({ Filters: [{ Name: 'group-name', Values: ['nope'] }] }), []);
    assert.deepEqual(await names({ Filters: [{ Name: 'strategy', Values: ['spread'] }] }), ['b']);
    assert.deepEqual(await names({ Filters: [{ Name: 'spread-level', Values: ['rack'] }] }), ['b']);
    assert.deepEqual(await names({ Filters: [{ Name: 'state', Values: ['available'] }] }), ['a', 'b']);
    assert.deepEqual(await names({ Filters: [{ Name: 'group-arn', Values: [a.GroupArn!] }] }), ['a']);
    assert.deepEqual(await names({ Filters: [{ Name: 'tag:team', Values: ['x'] }] }), ['a']);
    // Observed: "The Placement Group 'x' is unknown." (bcbio/bcbio-nextgen-vm#37).
    const e = await expectCode(ec2.send(new DescribePlacementGroupsCommand({ GroupNames: ['nope'] })), 'InvalidPlacementGroup.Unknown');
    assert.equal(e.message, "The Placement Group 'nope' is unknown.");
    await expectCode(ec2.send(new DescribePlacementGroupsCommand({ GroupIds: ['pg-0123456789abcdef0'] })), 'InvalidPlacementGroup.Unknown');
    await expectCode(ec2.send(new DescribePlacementGroupsCommand({ GroupIds: ['sg-0123456789abcdef0'] })), 'InvalidPlacementGroupId.Malformed');
    await expectCode(ec2.send(new DescribePlacementGroupsCommand({ Filters: [{ Name: 'group-id', Values: [a.GroupId!] }] })), 'InvalidParameterValue');
  });

  it('deletes a group, gone at once; an unknown one is an error [ansible][codes]', async () => {
    await create('gone', 'cluster');
    await ec2.send(new DeletePlacementGroupCommand({ GroupName: 'gone' }));
    assert.deepEqual(await groups(), []);
    await expectCode(ec2.send(new DeletePlacementGroupCommand({ GroupName: 'gone' })), 'InvalidPlacementGroup.Unknown');
    await invariants(h);
  });

  it('launches into a group by name or id and shows it on the instance; filters instances by it [guide]', async () => {
    const c = (await create('c', 'cluster')).PlacementGroup!;
    const byName = await launch(ec2, { Placement: { GroupName: 'c' } });
    assert.equal(byName.Placement!.GroupName, 'c');
    assert.equal(byName.Placement!.GroupId, c.GroupId);
    const byId = await launch(ec2, { Placement: { GroupId: c.GroupId } });
    assert.equal(byId.Placement!.GroupName, 'c');
    const plain = await launch(ec2);
    assert.equal(plain.Placement!.GroupName, '');
    assert.equal(plain.Placement!.GroupId, undefined);
    const found = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'placement-group-name', Values: ['c'] }] }));
    assert.deepEqual(found.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId)).sort(), [byName.InstanceId, byId.InstanceId].sort());
    await expectCode(launch(ec2, { Placement: { GroupName: 'nope' } }), 'InvalidPlacementGroup.Unknown');
    await expectCode(launch(ec2, { Placement: { GroupName: 'c', PartitionNumber: 1 } }), 'InvalidParameterCombination');
    await invariants(h);
  });

  it('spreads a partition group evenly unless a partition is named; refuses a partition out of range [guide]', async () => {
    await create('p', 'partition', { PartitionCount: 3 });
    const r = await ec2.send(new RunInstancesCommand({ ImageId: IMAGE, InstanceType: 't3.micro', MinCount: 4, MaxCount: 4, Placement: { GroupName: 'p' } }));
    assert.deepEqual(
      r.Instances!.map((i) => i.Placement!.PartitionNumber),
      [1, 2, 3, 1],
    );
    const pinned = await launch(ec2, { Placement: { GroupName: 'p', PartitionNumber: 3 } });
    assert.equal(pinned.Placement!.PartitionNumber, 3);
    const found = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'placement-partition-number', Values: ['3'] }] }));
    assert.equal(found.Reservations!.flatMap((x) => x.Instances!).length, 2);
    await expectCode(launch(ec2, { Placement: { GroupName: 'p', PartitionNumber: 4 } }), 'InvalidParameterValue');
  });

  it('keeps a cluster group in one zone and refuses to delete a group in use until its instances end [guide][codes]', async () => {
    await create('c', 'cluster');
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!;
    const a = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!;
    const b = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc.VpcId, CidrBlock: '10.0.2.0/24', AvailabilityZone: 'us-east-1b' }))).Subnet!;
    const i = await launch(ec2, { SubnetId: a.SubnetId, Placement: { GroupName: 'c' } });
    // Observed: "The placement group 'x' is in use in another availability zone: us-east-1c" (bcbio/bcbio-nextgen-vm#45).
    const e = await expectCode(launch(ec2, { SubnetId: b.SubnetId, Placement: { GroupName: 'c' } }), 'InvalidPlacementGroup.InUse');
    assert.equal(e.message, "The placement group 'c' is in use in another availability zone: us-east-1a");
    await expectRefusal(h, groups, () => ec2.send(new DeletePlacementGroupCommand({ GroupName: 'c' })), 'InvalidPlacementGroup.InUse');
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [i.InstanceId!] }));
    await waitTerminated(i.InstanceId!);
    await ec2.send(new DeletePlacementGroupCommand({ GroupName: 'c' }));
    assert.deepEqual(await groups(), []);
    await invariants(h);
  });

  async function waitTerminated(id: string) {
    for (let n = 0; n < 100; n++) {
      const r = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
      if (r.Reservations![0]!.Instances![0]!.State!.Name === 'terminated') return;
      await new Promise((res) => setTimeout(res, 50));
    }
    throw new Error(`${id} did not terminate`);
  }

  it('answers the AWS CLI and boto3 alike', async () => {
    const out = await h.cli(['create-placement-group', '--group-name', 'cli', '--strategy', 'partition', '--partition-count', '3']);
    assert.equal(out.PlacementGroup.PartitionCount, 3);
    const names = await h.boto3("result = [g['GroupName'] for g in ec2.describe_placement_groups()['PlacementGroups']]");
    assert.deepEqual(names, ['cli']);
  });
});
