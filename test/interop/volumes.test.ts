/**
 * EBS volumes through the real clients (SDK v3, AWS CLI, boto3): the root volume every instance
 * launches with, block device mappings at launch, CreateVolume's rules, Attach/Detach/Delete with
 * their states and errors, DescribeVolumes filters and pagination, ModifyVolume and
 * DescribeVolumesModifications, and what termination does to volumes.
 *
 * Sources, cited per test:
 * - [api X] EC2 API reference page of operation or shape X
 * - [ebs "…"] Amazon EBS User Guide section; [ec2 "…"] EC2 User Guide section
 * - [obs …] an AWS answer recorded in a public issue
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AttachVolumeCommand,
  CreateSnapshotCommand,
  CreateVolumeCommand,
  DeleteSnapshotCommand,
  DeleteVolumeCommand,
  DescribeSnapshotsCommand,
  DescribeImagesCommand,
  DescribeInstanceAttributeCommand,
  DescribeVolumesCommand,
  DescribeVolumesModificationsCommand,
  DetachVolumeCommand,
  ModifyInstanceAttributeCommand,
  ModifyVolumeCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
  waitUntilSnapshotCompleted,
  waitUntilVolumeAvailable,
  waitUntilVolumeInUse,
  type Volume,
} from '@aws-sdk/client-ec2';
import { expectCode, expectRefusal, getInstance, invariants, launch, until, useHarness } from './harness.js';

// One server for the file: the tests build on fresh resources of their own, not on an empty world.
const h = useHarness({ resetEachTest: false });
const ec2 = h.ec2();

const volume = async (id: string): Promise<Volume | undefined> =>
  (await ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'volume-id', Values: [id] }] }))).Volumes![0];
const allVolumes = async () => (await ec2.send(new DescribeVolumesCommand({}))).Volumes;
const waiter = { client: () => ec2, maxWaitTime: 10, minDelay: 1, maxDelay: 1 };

async function newVolume(input: Partial<ConstructorParameters<typeof CreateVolumeCommand>[0]> = {}): Promise<string> {
  const v = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 10, ...input }));
  await waitUntilVolumeAvailable({ ...waiter, client: ec2 }, { VolumeIds: [v.VolumeId!] });
  return v.VolumeId!;
}

describe('root volume at launch', () => {
  it('an instance launches with its image root volume: in-use, attached at the root device, deleted on termination [ec2 "Block device mappings"]', async () => {
    const { Images } = await ec2.send(
      new DescribeImagesCommand({ Filters: [{ Name: 'name', Values: ['ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*'] }] }),
    );
    const image = Images![0]!;
    assert.equal(image.RootDeviceName, '/dev/sda1');
    const i = await launch(ec2, { ImageId: image.ImageId });
    assert.equal(i.RootDeviceName, '/dev/sda1');
    assert.equal(i.RootDeviceType, 'ebs');
    const bdm = i.BlockDeviceMappings!;
    assert.equal(bdm.length, 1);
    assert.equal(bdm[0]!.DeviceName, '/dev/sda1');
    assert.equal(bdm[0]!.Ebs!.Status, 'attached');
    assert.equal(bdm[0]!.Ebs!.DeleteOnTermination, true);
    const root = (await volume(bdm[0]!.Ebs!.VolumeId!))!;
    assert.equal(root.State, 'in-use');
    assert.equal(root.Size, image.BlockDeviceMappings![0]!.Ebs!.VolumeSize);
    assert.equal(root.VolumeType, 'gp3');
    assert.equal(root.SnapshotId, image.BlockDeviceMappings![0]!.Ebs!.SnapshotId);
    assert.equal(root.AvailabilityZone, i.Placement!.AvailabilityZone);
    assert.deepEqual(
      root.Attachments!.map((a) => [a.InstanceId, a.Device, a.State, a.DeleteOnTermination]),
      [[i.InstanceId, '/dev/sda1', 'attached', true]],
    );
    // Terraform reads the root volume by these filters.
    const byFilter = await ec2.send(
      new DescribeVolumesCommand({
        Filters: [
          { Name: 'attachment.instance-id', Values: [i.InstanceId!] },
          { Name: 'attachment.device', Values: ['/dev/sda1'] },
        ],
      }),
    );
    assert.deepEqual(
      byFilter.Volumes!.map((v) => v.VolumeId),
      [root.VolumeId],
    );
    const attr = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: i.InstanceId!, Attribute: 'rootDeviceName' }));
    assert.equal(attr.RootDeviceName!.Value, '/dev/sda1');
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [i.InstanceId!] }));
    await until(
      () => volume(root.VolumeId!),
      (v) => v === undefined,
      'the root volume deleted on termination',
    );
    await invariants(h);
  });

  it('block device mappings: the root changed by naming its device, extra volumes, NoDevice, ephemeral names ignored; DeleteOnTermination false keeps a volume [api BlockDeviceMapping]', async () => {
    const i = await launch(ec2, {
      BlockDeviceMappings: [
        { DeviceName: '/dev/xvda', Ebs: { VolumeSize: 20, VolumeType: 'gp3', Iops: 4000, Throughput: 250, DeleteOnTermination: false } },
        { DeviceName: '/dev/sdf', Ebs: { VolumeSize: 5, VolumeType: 'gp2' } },
        { DeviceName: '/dev/sdg', NoDevice: '' },
        { DeviceName: '/dev/sdb', VirtualName: 'ephemeral0' },
      ],
      TagSpecifications: [{ ResourceType: 'volume', Tags: [{ Key: 'app', Value: 'db' }] }],
    });
    const devices = i.BlockDeviceMappings!.map((b) => b.DeviceName);
    assert.deepEqual(devices, ['/dev/xvda', '/dev/sdf']);
    const root = (await volume(i.BlockDeviceMappings![0]!.Ebs!.VolumeId!))!;
    assert.deepEqual([root.Size, root.VolumeType, root.Iops, root.Throughput], [20, 'gp3', 4000, 250]);
    assert.deepEqual(root.Tags, [{ Key: 'app', Value: 'db' }]);
    const data = (await volume(i.BlockDeviceMappings![1]!.Ebs!.VolumeId!))!;
    assert.deepEqual([data.Size, data.VolumeType, data.Iops, data.SnapshotId], [5, 'gp2', 100, '']);
    // ModifyInstanceAttribute BlockDeviceMapping changes DeleteOnTermination [api ModifyInstanceAttribute].
    await ec2.send(
      new ModifyInstanceAttributeCommand({ InstanceId: i.InstanceId!, BlockDeviceMappings: [{ DeviceName: '/dev/sdf', Ebs: { DeleteOnTermination: false } }] }),
    );
    assert.equal((await getInstance(ec2, i.InstanceId!)).BlockDeviceMappings![1]!.Ebs!.DeleteOnTermination, false);
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [i.InstanceId!] }));
    await until(
      () => volume(root.VolumeId!),
      (v) => v?.State === 'available',
      'the kept root volume available',
    );
    const kept = (await volume(data.VolumeId!))!;
    assert.equal(kept.State, 'available');
    assert.deepEqual(kept.Attachments, []);
    await invariants(h);
  });

  it('refuses bad mappings and changes nothing: root smaller than its snapshot, a device twice, a bad device name, io1 without iops [obs terraform-provider-aws "is smaller than snapshot"]', async () => {
    const view = () => allVolumes();
    const run = (m: object[]) => () => launch(ec2, { BlockDeviceMappings: m as never });
    const small = await expectRefusal(h, view, run([{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 4 } }]), 'InvalidBlockDeviceMapping');
    assert.match(small.message, /Volume of size 4GB is smaller than snapshot 'snap-[0-9a-f]{17}', expect size >= 8GB/);
    await expectRefusal(
      h,
      view,
      run([
        { DeviceName: '/dev/sdf', Ebs: { VolumeSize: 1 } },
        { DeviceName: '/dev/sdf', Ebs: { VolumeSize: 2 } },
      ]),
      'InvalidBlockDeviceMapping',
    );
    await expectRefusal(h, view, run([{ DeviceName: '/dev/foo', Ebs: { VolumeSize: 1 } }]), 'InvalidBlockDeviceMapping');
    await expectRefusal(h, view, run([{ DeviceName: '/dev/sdf', Ebs: { VolumeSize: 10, VolumeType: 'io1' } }]), 'MissingParameter');
  });
});

describe('CreateVolume', () => {
  it('creating → available, gp2 by default with 3 IOPS per GiB (min 100), tags, ClientToken [api CreateVolume; ebs "Amazon EBS volume types"]', async () => {
    const v = await ec2.send(
      new CreateVolumeCommand({
        AvailabilityZone: 'us-east-1b',
        Size: 50,
        ClientToken: 'vol-token-1',
        TagSpecifications: [{ ResourceType: 'volume', Tags: [{ Key: 'Name', Value: 'data' }] }],
      }),
    );
    assert.equal(v.State, 'creating');
    // "The volume must be in the available state" (API reference, DeleteVolume).
    await expectCode(ec2.send(new DeleteVolumeCommand({ VolumeId: v.VolumeId! })), 'IncorrectState');
    assert.deepEqual([v.VolumeType, v.Iops, v.Size, v.Encrypted, v.MultiAttachEnabled], ['gp2', 150, 50, false, false]);
    await waitUntilVolumeAvailable({ ...waiter, client: ec2 }, { VolumeIds: [v.VolumeId!] });
    const again = await ec2.send(
      new CreateVolumeCommand({
        AvailabilityZone: 'us-east-1b',
        Size: 50,
        ClientToken: 'vol-token-1',
        TagSpecifications: [{ ResourceType: 'volume', Tags: [{ Key: 'Name', Value: 'data' }] }],
      }),
    );
    assert.equal(again.VolumeId, v.VolumeId);
    await expectCode(
      ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1b', Size: 51, ClientToken: 'vol-token-1' })),
      'IdempotentParameterMismatch',
    );
    const enc = await ec2.send(
      new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 4, VolumeType: 'io2', Iops: 1000, Encrypted: true, MultiAttachEnabled: true }),
    );
    assert.match(enc.KmsKeyId!, /^arn:aws:kms:us-east-1:123456789012:key\/[0-9a-f-]{36}$/);
    const gp3 = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', Size: 10, VolumeType: 'gp3' }));
    assert.deepEqual([gp3.Iops, gp3.Throughput], [3000, 125]);
    await waitUntilVolumeAvailable({ ...waiter, client: ec2 }, { VolumeIds: [enc.VolumeId!, gp3.VolumeId!] });
  });

  it('refuses what AWS refuses, with nothing created [api CreateVolume]', async () => {
    const view = () => allVolumes();
    const create = (input: object) => () => ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', ...input } as never));
    await expectRefusal(h, view, create({}), 'MissingParameter');
    await expectRefusal(h, view, create({ Size: 0 }), 'InvalidParameterValue');
    await expectRefusal(h, view, create({ Size: 16385, VolumeType: 'gp2' }), 'InvalidParameterValue');
    await expectRefusal(h, view, create({ Size: 100, VolumeType: 'st1' }), 'InvalidParameterValue');
    await expectRefusal(h, view, create({ Size: 10, VolumeType: 'io1' }), 'MissingParameter');
    await expectRefusal(h, view, create({ Size: 10, VolumeType: 'io1', Iops: 1000 }), 'InvalidParameterValue');
    await expectRefusal(h, view, create({ Size: 10, Iops: 300 }), 'InvalidParameterCombination');
    await expectRefusal(h, view, create({ Size: 10, VolumeType: 'gp3', Throughput: 2000 }), 'InvalidParameterValue');
    await expectRefusal(h, view, create({ Size: 10, MultiAttachEnabled: true }), 'InvalidParameterCombination');
    await expectRefusal(h, view, create({ Size: 10, KmsKeyId: 'alias/aws/ebs' }), 'InvalidParameterDependency');
    await expectRefusal(h, view, create({ SnapshotId: 'snap-0123456789abcdef0' }), 'InvalidSnapshot.NotFound');
    await expectRefusal(h, view, () => ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1z', Size: 1 })), 'InvalidParameterValue');
  });
});

describe('attach, detach, delete', () => {
  it('attaching → attached, detaching → available, with AWS errors for zone, device, state [api AttachVolume, DetachVolume, DeleteVolume]', async () => {
    const i = await launch(ec2, { Placement: { AvailabilityZone: 'us-east-1a' } });
    await until(
      () => getInstance(ec2, i.InstanceId!),
      (x) => x.State!.Name === 'running',
      'running',
    );
    const volId = await newVolume();
    const otherZone = await newVolume({ AvailabilityZone: 'us-east-1b' });
    const view = () => allVolumes();
    const attach = (VolumeId: string, Device: string) => () => ec2.send(new AttachVolumeCommand({ VolumeId, InstanceId: i.InstanceId!, Device }));
    const mismatch = await expectRefusal(h, view, attach(otherZone, '/dev/sdf'), 'InvalidVolume.ZoneMismatch');
    assert.equal(mismatch.message, `The volume '${otherZone}' is not in the same availability zone as instance '${i.InstanceId}'`);
    const bad = await expectRefusal(h, view, attach(volId, '/dev/sdf99'), 'InvalidParameterValue');
    assert.equal(bad.message, 'Value (/dev/sdf99) for parameter device is invalid. /dev/sdf99 is not a valid EBS device name.');
    await expectRefusal(h, view, attach(volId, '/dev/xvda'), 'InvalidParameterValue');
    await expectRefusal(h, view, attach('vol-0123456789abcdef0', '/dev/sdf'), 'InvalidVolume.NotFound');
    await expectRefusal(h, view, attach('volume-1', '/dev/sdf'), 'InvalidVolumeID.Malformed');
    const detachFree = await expectRefusal(h, view, () => ec2.send(new DetachVolumeCommand({ VolumeId: volId })), 'IncorrectState');
    assert.equal(detachFree.message, `Volume '${volId}' is in the 'available' state.`);

    const a = await ec2.send(new AttachVolumeCommand({ VolumeId: volId, InstanceId: i.InstanceId!, Device: '/dev/sdf' }));
    assert.equal(a.State, 'attaching');
    await waitUntilVolumeInUse({ ...waiter, client: ec2 }, { VolumeIds: [volId] });
    await until(
      () => volume(volId),
      (v) => v?.Attachments?.[0]?.State === 'attached',
      'attached',
    );
    assert.ok((await getInstance(ec2, i.InstanceId!)).BlockDeviceMappings!.some((b) => b.DeviceName === '/dev/sdf' && b.Ebs!.VolumeId === volId));
    const inUse = await expectRefusal(h, view, attach(volId, '/dev/sdg'), 'VolumeInUse');
    assert.equal(inUse.message, `${volId} is already attached to an instance`);
    const del = await expectRefusal(h, view, () => ec2.send(new DeleteVolumeCommand({ VolumeId: volId })), 'VolumeInUse');
    assert.equal(del.message, `Volume ${volId} is currently attached to ${i.InstanceId}`);
    const rootId = (await getInstance(ec2, i.InstanceId!)).BlockDeviceMappings![0]!.Ebs!.VolumeId!;
    const rootDetach = await expectRefusal(h, view, () => ec2.send(new DetachVolumeCommand({ VolumeId: rootId, Force: true })), 'IncorrectState');
    assert.equal(rootDetach.message, `Unable to detach root volume '${rootId}' from instance '${i.InstanceId}'`);

    const d = await ec2.send(new DetachVolumeCommand({ VolumeId: volId, InstanceId: i.InstanceId! }));
    assert.equal(d.State, 'detaching');
    await waitUntilVolumeAvailable({ ...waiter, client: ec2 }, { VolumeIds: [volId] });
    await ec2.send(new DeleteVolumeCommand({ VolumeId: volId }));
    await expectCode(ec2.send(new DescribeVolumesCommand({ VolumeIds: [volId] })), 'InvalidVolume.NotFound');
    await invariants(h);
  });

  it('a stopped instance lets its root volume go and take another; the AWS CLI and boto3 see the same [ebs "Detach a volume"]', async () => {
    const i = await launch(ec2, { Placement: { AvailabilityZone: 'us-east-1a' } });
    await until(
      () => getInstance(ec2, i.InstanceId!),
      (x) => x.State!.Name === 'running',
      'running',
    );
    await ec2.send(new StopInstancesCommand({ InstanceIds: [i.InstanceId!] }));
    await until(
      () => getInstance(ec2, i.InstanceId!),
      (x) => x.State!.Name === 'stopped',
      'stopped',
    );
    const rootId = i.BlockDeviceMappings![0]!.Ebs!.VolumeId!;
    await h.cli(['detach-volume', '--volume-id', rootId]);
    await until(
      () => volume(rootId),
      (v) => v?.State === 'available',
      'root detached',
    );
    const out = await h.boto3(`
r = ec2.attach_volume(VolumeId=${JSON.stringify(rootId)}, InstanceId=${JSON.stringify(i.InstanceId)}, Device='/dev/xvda')
result = r['State']`);
    assert.equal(out, 'attaching');
    const cli = await h.cli(['describe-volumes', '--filters', `Name=attachment.instance-id,Values=${i.InstanceId}`]);
    assert.deepEqual(
      cli.Volumes.map((v: Volume) => v.VolumeId),
      [rootId],
    );
    await invariants(h);
  });
});

describe('DescribeVolumes and ModifyVolume', () => {
  it('filters and pagination [api DescribeVolumes]', async () => {
    const ids = [await newVolume({ Size: 7 }), await newVolume({ Size: 7, Encrypted: true }), await newVolume({ Size: 7, VolumeType: 'gp3' })];
    const by = async (Name: string, Values: string[]) =>
      (await ec2.send(new DescribeVolumesCommand({ Filters: [{ Name, Values }] }))).Volumes!.map((v) => v.VolumeId).sort();
    assert.deepEqual(await by('size', ['7']), [...ids].sort());
    assert.deepEqual(
      (await by('encrypted', ['true'])).filter((id) => ids.includes(id!)),
      [ids[1]],
    );
    assert.ok((await by('status', ['available'])).includes(ids[0]));
    assert.ok((await by('volume-type', ['gp*'])).includes(ids[0]));
    await expectCode(ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'colour', Values: ['x'] }] })), 'InvalidParameterValue');
    const seen: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await ec2.send(new DescribeVolumesCommand({ MaxResults: 5, NextToken }));
      seen.push(...page.Volumes!.map((v) => v.VolumeId!));
      NextToken = page.NextToken;
    } while (NextToken);
    assert.deepEqual(seen.sort(), (await allVolumes())!.map((v) => v.VolumeId!).sort());
    await expectCode(ec2.send(new DescribeVolumesCommand({ MaxResults: 2 })), 'InvalidParameterValue');
    // "if MaxResults is given a value larger than 500, only 500 items are returned" (API reference).
    assert.equal((await ec2.send(new DescribeVolumesCommand({ MaxResults: 1000 }))).Volumes!.length, seen.length);
  });

  it('ModifyVolume: sizes only grow, modifying → optimizing → completed, then six hours before the next [api ModifyVolume; ebs "Modify a volume"]', async () => {
    const id = await newVolume({ Size: 10 });
    await expectCode(ec2.send(new ModifyVolumeCommand({ VolumeId: id, Size: 5 })), 'InvalidParameterValue');
    const m = await ec2.send(new ModifyVolumeCommand({ VolumeId: id, Size: 20, VolumeType: 'gp3' }));
    assert.deepEqual(
      [m.VolumeModification!.ModificationState, m.VolumeModification!.OriginalSize, m.VolumeModification!.TargetSize, m.VolumeModification!.TargetIops],
      ['modifying', 10, 20, 3000],
    );
    await until(
      async () => (await ec2.send(new DescribeVolumesModificationsCommand({ VolumeIds: [id] }))).VolumesModifications![0]!.ModificationState,
      (s) => s === 'completed',
      'modification completed',
    );
    const v = (await volume(id))!;
    assert.deepEqual([v.Size, v.VolumeType, v.Iops, v.Throughput], [20, 'gp3', 3000, 125]);
    await expectCode(ec2.send(new ModifyVolumeCommand({ VolumeId: id, Size: 30 })), 'VolumeModificationRateExceeded');
  });
});

describe('snapshots', () => {
  it('CreateSnapshot pending → completed; volumes made from it are at least its size; DescribeSnapshots OwnerIds self; DeleteSnapshot [api CreateSnapshot, DescribeSnapshots, CreateVolume]', async () => {
    const src = await newVolume({ Size: 12, Encrypted: true });
    const snap = await ec2.send(
      new CreateSnapshotCommand({ VolumeId: src, Description: 'nightly', TagSpecifications: [{ ResourceType: 'snapshot', Tags: [{ Key: 'k', Value: 'v' }] }] }),
    );
    assert.deepEqual([snap.State, snap.VolumeSize, snap.Encrypted, snap.Description], ['pending', 12, true, 'nightly']);
    await waitUntilSnapshotCompleted({ ...waiter, client: ec2 }, { SnapshotIds: [snap.SnapshotId!] });
    const mine = await h.boto3(
      `result = [s['SnapshotId'] for s in ec2.describe_snapshots(OwnerIds=['self'], Filters=[{'Name': 'volume-id', 'Values': [${JSON.stringify(src)}]}])['Snapshots']]`,
    );
    assert.deepEqual(mine, [snap.SnapshotId]);
    const small = await expectCode(
      ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1a', SnapshotId: snap.SnapshotId, Size: 5 })),
      'InvalidParameterValue',
    );
    assert.equal(small.message, `Volume of size 5GB is smaller than snapshot '${snap.SnapshotId}', expect size >= 12GB`);
    const fromSnap = await ec2.send(new CreateVolumeCommand({ AvailabilityZone: 'us-east-1b', SnapshotId: snap.SnapshotId }));
    assert.deepEqual([fromSnap.Size, fromSnap.SnapshotId], [12, snap.SnapshotId]);
    const i = await launch(ec2, { BlockDeviceMappings: [{ DeviceName: '/dev/sdh', Ebs: { SnapshotId: snap.SnapshotId } }] });
    const data = (await volume(i.BlockDeviceMappings!.find((b) => b.DeviceName === '/dev/sdh')!.Ebs!.VolumeId!))!;
    assert.deepEqual([data.Size, data.SnapshotId], [12, snap.SnapshotId]);
    await ec2.send(new DeleteSnapshotCommand({ SnapshotId: snap.SnapshotId! }));
    await expectCode(ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [snap.SnapshotId!] })), 'InvalidSnapshot.NotFound');
    await invariants(h);
  });
});
