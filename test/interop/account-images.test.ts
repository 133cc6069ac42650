/**
 * The account's own AMIs through the real clients (SDK v3, AWS CLI, boto3): CreateImage from an
 * instance, RegisterImage from a snapshot, DescribeImages of them, their attributes,
 * DeregisterImage, and launching from them.
 *
 * Sources, cited per test:
 * - [api X] EC2 API reference page of operation X
 * - [ec2 "…"] EC2 User Guide section
 * - [obs …] an AWS answer recorded in a public issue
 * - [ansible …] amazon.aws 5.5.1 module behaviour that works against AWS
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CreateImageCommand,
  CreateSnapshotCommand,
  CreateTagsCommand,
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeImageAttributeCommand,
  DescribeImagesCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  ModifyImageAttributeCommand,
  RegisterImageCommand,
  TerminateInstancesCommand,
  type Image,
} from '@aws-sdk/client-ec2';
import { expectCode, expectRefusal, getInstance, invariants, launch, until, useHarness } from './harness.js';

describe('account images (interop)', () => {
  const h = useHarness();
  const ec2 = h.ec2();

  const ownImages = async () => (await ec2.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images ?? [];
  const image = async (id: string): Promise<Image | undefined> => (await ec2.send(new DescribeImagesCommand({ ImageIds: [id] }))).Images![0];
  const available = async (id: string): Promise<Image> =>
    (await until(
      () => image(id),
      (i) => i?.State === 'available',
      `${id} available`,
    ))!;
  /** A launched instance once running: CreateImage takes running or stopped instances only. */
  const running = async (input: Parameters<typeof launch>[1] = {}) => {
    const i = await launch(ec2, input);
    await until(
      () => getInstance(ec2, i.InstanceId!),
      (x) => x.State?.Name === 'running',
      'running',
    );
    return i;
  };
  const rootVolume = async (instanceId: string) =>
    (await ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [instanceId] }] }))).Volumes!;

  it('CreateImage snapshots each volume of the instance, pending then available, tagged as asked', async () => {
    // [api CreateImage] "Creates an Amazon EBS-backed AMI from an Amazon EBS-backed instance that is either
    // running or stopped"; the new AMI has a mapping per EBS volume; TagSpecifications apply to the image
    // and to its snapshots (ResourceType image | snapshot).
    const i = await running({
      BlockDeviceMappings: [
        { DeviceName: '/dev/sdf', Ebs: { VolumeSize: 20, VolumeType: 'gp3', DeleteOnTermination: false } },
        { DeviceName: '/dev/sdg', Ebs: { VolumeSize: 5 } },
      ],
    });
    const made = await ec2.send(
      new CreateImageCommand({
        InstanceId: i.InstanceId,
        Name: 'web-2026.12 (base)',
        Description: 'web server',
        NoReboot: true,
        BlockDeviceMappings: [
          { DeviceName: '/dev/sdg', NoDevice: '' }, // left out of the image
          { DeviceName: '/dev/sdh', Ebs: { VolumeSize: 10, VolumeType: 'gp2', DeleteOnTermination: true } }, // a blank volume added
        ],
        TagSpecifications: [
          { ResourceType: 'image', Tags: [{ Key: 'Name', Value: 'web' }] },
          { ResourceType: 'snapshot', Tags: [{ Key: 'Name', Value: 'web-disk' }] },
        ],
      }),
    );
    assert.match(made.ImageId!, /^ami-[0-9a-f]{17}$/);
    const first = (await image(made.ImageId!))!;
    assert.equal(first.State, 'pending');
    const ready = await available(made.ImageId!);
    assert.deepEqual(
      [ready.Name, ready.Description, ready.OwnerId, ready.Public, ready.RootDeviceName, ready.RootDeviceType, ready.ImageType],
      ['web-2026.12 (base)', 'web server', '123456789012', false, '/dev/xvda', 'ebs', 'machine'],
    );
    assert.equal(ready.SourceInstanceId, i.InstanceId);
    assert.deepEqual(ready.Tags, [{ Key: 'Name', Value: 'web' }]);
    const devices = ready.BlockDeviceMappings!.map((b) => [
      b.DeviceName,
      b.Ebs?.VolumeSize,
      b.Ebs?.VolumeType,
      b.Ebs?.DeleteOnTermination,
      !!b.Ebs?.SnapshotId,
    ]);
    assert.deepEqual(devices, [
      ['/dev/xvda', 8, 'gp2', true, true],
      ['/dev/sdf', 20, 'gp3', false, true],
      ['/dev/sdh', 10, 'gp2', true, false],
    ]);
    // Snapshot descriptions as AWS writes them: "Created by CreateImage(i-…) for ami-…" [obs amazon.aws
    // ec2_snapshot_info unit test data; terraform exports of AMI snapshots].
    const snapIds = ready.BlockDeviceMappings!.flatMap((b) => (b.Ebs?.SnapshotId ? [b.Ebs.SnapshotId] : []));
    const snaps = (await ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: snapIds }))).Snapshots!;
    for (const s of snaps) {
      assert.equal(s.Description, `Created by CreateImage(${i.InstanceId}) for ${made.ImageId}`);
      assert.deepEqual(s.Tags, [{ Key: 'Name', Value: 'web-disk' }]);
    }
    // DescribeImages finds it by owner, by filters and by tag; it is not public.
    assert.deepEqual(
      (await ownImages()).map((x) => x.ImageId),
      [made.ImageId],
    );
    const filtered = await ec2.send(
      new DescribeImagesCommand({
        Filters: [
          { Name: 'name', Values: ['web-*'] },
          { Name: 'is-public', Values: ['false'] },
          { Name: 'tag:Name', Values: ['web'] },
          { Name: 'block-device-mapping.device-name', Values: ['/dev/sdf'] },
        ],
      }),
    );
    assert.deepEqual(
      filtered.Images!.map((x) => x.ImageId),
      [made.ImageId],
    );
    await invariants(h);
  });

  it('refuses a taken or malformed name, and an instance that is neither running nor stopped, changing nothing', async () => {
    const i = await running();
    await until(
      () => rootVolume(i.InstanceId!),
      (v) => v.length === 1,
      'root volume',
    );
    await ec2.send(new CreateImageCommand({ InstanceId: i.InstanceId, Name: 'golden' }));
    // [api CreateImage] Name: "3-128 alphanumeric characters, parentheses (()), square brackets ([]), spaces ( ),
    // periods (.), slashes (/), dashes (-), single quotes ('), at-signs (@), or underscores(_)"; names are unique
    // per account and Region [obs "InvalidAMIName.Duplicate: AMI name golden is already in use by AMI ami-…"].
    const snapshots = async () => [(await ownImages()).length, (await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'] }))).Snapshots!.length];
    const dup = await expectRefusal(
      h,
      snapshots,
      () => ec2.send(new CreateImageCommand({ InstanceId: i.InstanceId, Name: 'golden' })),
      'InvalidAMIName.Duplicate',
    );
    assert.match(dup.message, /^AMI name golden is already in use by AMI ami-[0-9a-f]{17}$/);
    await expectRefusal(h, snapshots, () => ec2.send(new CreateImageCommand({ InstanceId: i.InstanceId, Name: 'web*' })), 'InvalidAMIName.Malformed');
    await expectRefusal(h, snapshots, () => ec2.send(new CreateImageCommand({ InstanceId: i.InstanceId, Name: 'web,db' })), 'InvalidAMIName.Malformed');
    await expectCode(ec2.send(new CreateImageCommand({ InstanceId: 'i-0123456789abcdef0', Name: 'other' })), 'InvalidInstanceID.NotFound');
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [i.InstanceId!] }));
    await expectRefusal(h, snapshots, () => ec2.send(new CreateImageCommand({ InstanceId: i.InstanceId, Name: 'other' })), 'IncorrectInstanceState');
  });

  it('launches from its own image: the image mappings become the volumes; a pending image is unavailable', async () => {
    const i = await running({ BlockDeviceMappings: [{ DeviceName: '/dev/sdf', Ebs: { VolumeSize: 12 } }] });
    const { ImageId } = await ec2.send(new CreateImageCommand({ InstanceId: i.InstanceId, Name: 'with-data' }));
    // [api RunInstances] / error codes page: InvalidAMIID.Unavailable — "not in a state from which you can launch an instance".
    await expectCode(launch(ec2, { ImageId }), 'InvalidAMIID.Unavailable');
    const img = await available(ImageId!);
    const child = await launch(ec2, { ImageId, BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 16 } }] });
    const vols = await rootVolume(child.InstanceId!);
    const byDevice = new Map(vols.map((v) => [v.Attachments![0]!.Device, v]));
    const snapOf = (d: string) => img.BlockDeviceMappings!.find((b) => b.DeviceName === d)!.Ebs!.SnapshotId;
    // [ec2 "Block device mappings"]: the instance gets the AMI's volumes; a launch mapping may enlarge one.
    assert.deepEqual([...byDevice.keys()].sort(), ['/dev/sdf', '/dev/xvda']);
    assert.deepEqual([byDevice.get('/dev/xvda')!.Size, byDevice.get('/dev/xvda')!.SnapshotId], [16, snapOf('/dev/xvda')]);
    assert.deepEqual([byDevice.get('/dev/sdf')!.Size, byDevice.get('/dev/sdf')!.SnapshotId], [12, snapOf('/dev/sdf')]);
  });

  it('RegisterImage from a snapshot (boto3): root device, architecture, virtualization, ENA, boot mode, TPM', async () => {
    const i = await running();
    const [root] = await until(
      () => rootVolume(i.InstanceId!),
      (v) => v.length === 1,
      'root volume',
    );
    const snap = await ec2.send(new CreateSnapshotCommand({ VolumeId: root!.VolumeId }));
    const out = await h.boto3(`
r = ec2.register_image(Name='from-snap', RootDeviceName='/dev/xvda', Architecture='x86_64', VirtualizationType='hvm',
    EnaSupport=True, BootMode='uefi', TpmSupport='v2.0',
    BlockDeviceMappings=[{'DeviceName': '/dev/xvda', 'Ebs': {'SnapshotId': ${JSON.stringify(snap.SnapshotId)}, 'VolumeSize': 8, 'VolumeType': 'gp2', 'DeleteOnTermination': True}}],
    TagSpecifications=[{'ResourceType': 'image', 'Tags': [{'Key': 'k', 'Value': 'v'}]}])
img = ec2.describe_images(ImageIds=[r['ImageId']])['Images'][0]
result = [img[k] for k in ('Name', 'RootDeviceName', 'Architecture', 'VirtualizationType', 'EnaSupport', 'BootMode', 'TpmSupport', 'State', 'Tags')] + [img['BlockDeviceMappings'][0]['Ebs']['SnapshotId']]`);
    assert.deepEqual(out, ['from-snap', '/dev/xvda', 'x86_64', 'hvm', true, 'uefi', 'v2.0', 'available', [{ Key: 'k', Value: 'v' }], snap.SnapshotId]);
    // [api RegisterImage] Architecture "Default: For Amazon EBS-backed AMIs, i386"; VirtualizationType "Default: paravirtual".
    const plain = await ec2.send(
      new RegisterImageCommand({
        Name: 'defaults',
        RootDeviceName: '/dev/sda1',
        BlockDeviceMappings: [{ DeviceName: '/dev/sda1', Ebs: { SnapshotId: snap.SnapshotId } }],
      }),
    );
    const p = (await image(plain.ImageId!))!;
    assert.deepEqual([p.Architecture, p.VirtualizationType, p.BlockDeviceMappings![0]!.Ebs!.VolumeSize], ['i386', 'paravirtual', 8]);
    // The root device must come from a snapshot; an unknown snapshot is InvalidSnapshot.NotFound.
    await expectCode(
      ec2.send(
        new RegisterImageCommand({
          Name: 'no-root',
          RootDeviceName: '/dev/xvda',
          BlockDeviceMappings: [{ DeviceName: '/dev/sdb', Ebs: { SnapshotId: snap.SnapshotId } }],
        }),
      ),
      'InvalidBlockDeviceMapping',
    );
    await expectCode(
      ec2.send(
        new RegisterImageCommand({
          Name: 'gone',
          RootDeviceName: '/dev/xvda',
          BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { SnapshotId: 'snap-0123456789abcdef0' } }],
        }),
      ),
      'InvalidSnapshot.NotFound',
    );
    await expectCode(
      ec2.send(
        new RegisterImageCommand({
          Name: 'from-snap',
          RootDeviceName: '/dev/xvda',
          BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { SnapshotId: snap.SnapshotId } }],
        }),
      ),
      'InvalidAMIName.Duplicate',
    );
  });

  it('launch permissions and description (CLI, and boto3 as amazon.aws ec2_ami sends them)', async () => {
    const i = await running();
    const { ImageId } = await ec2.send(new CreateImageCommand({ InstanceId: i.InstanceId, Name: 'shared', Description: 'one' }));
    await available(ImageId!);
    // [api ModifyImageAttribute] LaunchPermission Add Group=all makes the image public; Remove makes it private.
    await h.cli(['modify-image-attribute', '--image-id', ImageId!, '--launch-permission', 'Add=[{Group=all},{UserId=210987654321}]']);
    assert.equal((await image(ImageId!))!.Public, true);
    // [api DescribeImages] ExecutableUsers "all (public AMIs)", or an account id with explicit launch permissions.
    const executable = async (users: string[]) =>
      (await ec2.send(new DescribeImagesCommand({ Owners: ['self'], ExecutableUsers: users }))).Images!.map((x) => x.ImageId);
    assert.deepEqual(await executable(['all']), [ImageId]);
    assert.deepEqual(await executable(['210987654321']), [ImageId]);
    assert.deepEqual(await executable(['111122223333']), []);
    const perms = await h.cli(['describe-image-attribute', '--image-id', ImageId!, '--attribute', 'launchPermission']);
    assert.deepEqual(perms.LaunchPermissions, [{ Group: 'all' }, { UserId: '210987654321' }]);
    // [ansible ec2_ami] sends Attribute='Description ' (trailing space) and Attribute='LaunchPermission', and
    // reads ['LaunchPermissions'] and ['ProductCodes'] straight from DescribeImageAttribute: both lists are
    // present even when empty.
    const out = await h.boto3(`
ec2.modify_image_attribute(ImageId=${JSON.stringify(ImageId)}, Attribute='Description ', Description={'Value': 'two'})
ec2.modify_image_attribute(ImageId=${JSON.stringify(ImageId)}, Attribute='launchPermission', LaunchPermission={'Add': [], 'Remove': [{'Group': 'all'}, {'UserId': '210987654321'}]})
result = [ec2.describe_image_attribute(ImageId=${JSON.stringify(ImageId)}, Attribute='description')['Description']['Value'],
          ec2.describe_image_attribute(ImageId=${JSON.stringify(ImageId)}, Attribute='launchPermission')['LaunchPermissions'],
          ec2.describe_image_attribute(ImageId=${JSON.stringify(ImageId)}, Attribute='productCodes')['ProductCodes']]`);
    assert.deepEqual(out, ['two', [], []]);
    assert.equal((await image(ImageId!))!.Public, false);
    assert.deepEqual(await executable(['all']), []);
    await expectCode(ec2.send(new ModifyImageAttributeCommand({ ImageId, LaunchPermission: { Add: [{ UserId: 'someone' }] } })), 'InvalidUserID.Malformed');
    // Images of others: their attributes are AuthFailure [ansible ec2_ami_info: "describing launch permissions of
    // images owned by others is not permitted"].
    const debian = (await ec2.send(new DescribeImagesCommand({ Owners: ['136693071363'] }))).Images![0]!.ImageId;
    await expectCode(ec2.send(new DescribeImageAttributeCommand({ ImageId: debian, Attribute: 'launchPermission' })), 'AuthFailure');
    await expectCode(ec2.send(new DeregisterImageCommand({ ImageId: debian })), 'AuthFailure');
  });

  it('DeregisterImage keeps the snapshots, which stay in use until then; the id then answers nothing', async () => {
    const i = await running();
    const { ImageId } = await ec2.send(new CreateImageCommand({ InstanceId: i.InstanceId, Name: 'old' }));
    const img = await available(ImageId!);
    const snapId = img.BlockDeviceMappings![0]!.Ebs!.SnapshotId!;
    // [obs "InvalidSnapshot.InUse: The snapshot snap-… is currently in use by ami-…" (cloud-nuke#727, aws-nuke#81)]
    const inUse = await expectCode(ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapId })), 'InvalidSnapshot.InUse');
    assert.equal(inUse.message, `The snapshot ${snapId} is currently in use by ${ImageId}`);
    await ec2.send(new CreateTagsCommand({ Resources: [ImageId!], Tags: [{ Key: 'a', Value: 'b' }] }));
    await ec2.send(new DeregisterImageCommand({ ImageId }));
    // [api DescribeImages] "Recently deregistered images appear in the returned results for a short interval and
    // then return empty results."
    assert.deepEqual((await ec2.send(new DescribeImagesCommand({ ImageIds: [ImageId!] }))).Images, []);
    assert.deepEqual(await ownImages(), []);
    await expectCode(ec2.send(new DeregisterImageCommand({ ImageId })), 'InvalidAMIID.Unavailable');
    await expectCode(launch(ec2, { ImageId }), 'InvalidAMIID.Unavailable');
    // [api DeregisterImage] the snapshots stay; now they can go.
    assert.equal((await ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [snapId] }))).Snapshots!.length, 1);
    await ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapId }));
    await expectCode(ec2.send(new DeregisterImageCommand({ ImageId: 'ami-0123456789abcdef0' })), 'InvalidAMIID.NotFound');
    // DeleteAssociatedSnapshots takes them along.
    const again = await ec2.send(new CreateImageCommand({ InstanceId: i.InstanceId, Name: 'old' }));
    const snaps = (await available(again.ImageId!)).BlockDeviceMappings!.map((b) => b.Ebs!.SnapshotId!);
    const gone = await ec2.send(new DeregisterImageCommand({ ImageId: again.ImageId, DeleteAssociatedSnapshots: true }));
    assert.deepEqual(
      gone.DeleteSnapshotResults!.map((r) => [r.SnapshotId, r.ReturnCode]),
      snaps.map((s) => [s, 'success']),
    );
    await invariants(h);
  });

  it('reset forgets the images', async () => {
    const i = await running();
    await ec2.send(new CreateImageCommand({ InstanceId: i.InstanceId, Name: 'temp' }));
    await h.reset();
    assert.deepEqual(await ownImages(), []);
  });
});
