/**
 * The account's AMIs in the engine, on a clock the test moves by hand: CreateImage's timing and
 * mapping rules (refused before anything is made), RegisterImage's defaults and checks, what a
 * deregistered image leaves behind and when it is forgotten, and launching from an own image.
 * Rules are cited per test ([api X] EC2 API reference); test/interop/account-images.test.ts proves
 * them through real clients.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkSnapshotNotInUse,
  createImageFromInstance,
  deregisterImage,
  recentlyDeregistered,
  registerImage,
  type NewImage,
} from '../../src/engine/account-images.js';
import { ID_KINDS } from '../../src/engine/ids.js';
import { launchInstance, terminateInstance } from '../../src/engine/instance.js';
import { launchAttributes } from '../../src/engine/instance-attributes.js';
import { checkInvariants } from '../../src/engine/invariants.js';
import { attachLaunchStorage, planLaunchStorage } from '../../src/engine/launch-storage.js';
import type { Instance } from '../../src/engine/model.js';
import { createNetworkInterface } from '../../src/engine/network-interface.js';
import { ClockedWorld, TIMINGS, throwsEc2 } from './clocked-world.js';

const HOUR = 3_600_000;

class World extends ClockedWorld {
  constructor() {
    super(TIMINGS, 'account-images');
  }
  launch(imageId = 'ami-0123456789abcdef0', mappings?: Parameters<typeof planLaunchStorage>[2]): Instance {
    const subnet = this.defaultSubnet();
    const plan = planLaunchStorage(this.region, imageId, mappings);
    const eni = createNetworkInterface(this.region, { subnet });
    const i = launchInstance(this.region, {
      reservationId: this.region.ids.next(ID_KINDS.reservation),
      imageId,
      instanceType: 't3.micro',
      zone: subnet.zone,
      subnet,
      launchIndex: 0,
      interfaces: [{ eni, deviceIndex: 0, networkCardIndex: 0, deleteOnTermination: true }],
      wantsPublicIp: false,
    });
    i.attributes = launchAttributes({}, 't3.micro');
    attachLaunchStorage(this.region, i, plan, new Map());
    this.advance(TIMINGS.pendingMs);
    return i;
  }
  image(instance: Instance, p: Partial<NewImage> = {}) {
    return createImageFromInstance(this.region, instance, { name: 'img', description: '', mappings: [], imageTags: new Map(), snapshotTags: new Map(), ...p });
  }
  invariants(): void {
    assert.deepEqual(checkInvariants(this.cloud), []);
  }
}

describe('CreateImage in the engine', () => {
  it('is pending until its snapshots are taken, to the millisecond [api CreateImage]', () => {
    const w = new World();
    const i = w.launch();
    const image = w.image(i);
    assert.equal(image.state, 'pending');
    w.advance(TIMINGS.pendingMs - 1);
    assert.equal(image.state, 'pending');
    w.advance(1);
    assert.equal(image.state, 'available');
    const snap = w.region.snapshots.get(image.blockDevices[0]!.ebs!.snapshotId!)!;
    assert.equal(snap.state, 'completed');
    w.invariants();
  });

  it('refuses before making anything: the root left out, a smaller volume, a taken name', () => {
    const w = new World();
    const i = w.launch('ami-0123456789abcdef0', [{ DeviceName: '/dev/sdf', Ebs: { VolumeSize: 10 } }]);
    w.image(i, { name: 'taken' });
    const before = w.region.snapshots.size;
    throwsEc2(() => w.image(i, { name: 'img-1', mappings: [{ DeviceName: '/dev/xvda', NoDevice: '' }] }), 'InvalidBlockDeviceMapping');
    throwsEc2(() => w.image(i, { name: 'img-2', mappings: [{ DeviceName: '/dev/sdf', Ebs: { VolumeSize: 5 } }] }), 'InvalidParameterValue');
    throwsEc2(() => w.image(i, { name: 'img-3', mappings: [{ DeviceName: '/dev/sdz', Ebs: {} }] }), 'InvalidBlockDeviceMapping');
    throwsEc2(() => w.image(i, { name: 'taken' }), 'InvalidAMIName.Duplicate');
    assert.equal(w.region.snapshots.size, before);
    assert.equal(w.region.images.size, 1);
  });

  it('a launch from the image gets its volumes; NoDevice leaves one out, a mapping enlarges one [api RunInstances]', () => {
    const w = new World();
    const src = w.launch('ami-0123456789abcdef0', [{ DeviceName: '/dev/sdf', Ebs: { VolumeSize: 10, DeleteOnTermination: false } }]);
    const image = w.image(src);
    w.advance(TIMINGS.pendingMs);
    const all = planLaunchStorage(w.region, image.id, undefined);
    assert.deepEqual(
      all.volumes.map((v) => [v.device, v.shape.size, v.deleteOnTermination, v.snapshotId === undefined]),
      [
        ['/dev/xvda', 8, true, false],
        ['/dev/sdf', 10, false, false],
      ],
    );
    const some = planLaunchStorage(w.region, image.id, [
      { DeviceName: '/dev/sdf', NoDevice: '' },
      { DeviceName: '/dev/xvda', Ebs: { VolumeSize: 30 } },
    ]);
    assert.deepEqual(
      some.volumes.map((v) => [v.device, v.shape.size]),
      [['/dev/xvda', 30]],
    );
  });
});

describe('RegisterImage in the engine', () => {
  it('takes the reference defaults and needs the root snapshot [api RegisterImage]', () => {
    const w = new World();
    const i = w.launch();
    const snapshotId = w.image(i).blockDevices[0]!.ebs!.snapshotId!;
    const plain = registerImage(w.region, {
      name: 'reg',
      description: '',
      mappings: [{ DeviceName: '/dev/sda1', Ebs: { SnapshotId: snapshotId } }],
      tags: new Map(),
    });
    assert.deepEqual(
      [plain.architecture, plain.virtualizationType, plain.rootDeviceName, plain.state, plain.enaSupport],
      ['i386', 'paravirtual', '/dev/sda1', 'available', false],
    );
    throwsEc2(
      () =>
        registerImage(w.region, {
          name: 'reg2',
          description: '',
          mappings: [{ DeviceName: '/dev/sdb', Ebs: { VolumeSize: 8 } }],
          rootDeviceName: '/dev/sdb',
          tags: new Map(),
        }),
      'InvalidBlockDeviceMapping',
    );
    throwsEc2(
      () =>
        registerImage(w.region, {
          name: 'reg3',
          description: '',
          tpmSupport: 'v2.0',
          bootMode: 'legacy-bios',
          mappings: [{ DeviceName: '/dev/sda1', Ebs: { SnapshotId: snapshotId } }],
          tags: new Map(),
        }),
      'InvalidParameterCombination',
    );
    assert.equal(w.region.images.size, 2);
  });
});

describe('DeregisterImage in the engine', () => {
  it('frees the snapshots and forgets the id an hour on, once no instance launched from it remains [api DescribeImages]', () => {
    const w = new World();
    const image = w.image(w.launch());
    w.advance(TIMINGS.pendingMs);
    const snapshotId = image.blockDevices[0]!.ebs!.snapshotId!;
    throwsEc2(() => checkSnapshotNotInUse(w.region, snapshotId), 'InvalidSnapshot.InUse', `The snapshot ${snapshotId} is currently in use by ${image.id}`);
    const child = w.launch(image.id);
    deregisterImage(w.region, image);
    checkSnapshotNotInUse(w.region, snapshotId);
    assert.equal(recentlyDeregistered(w.region, image.id), true);
    w.advance(HOUR);
    assert.equal(recentlyDeregistered(w.region, image.id), true, 'an instance launched from it still runs');
    terminateInstance(w.region, child);
    w.advance(HOUR);
    assert.equal(w.region.images.has(image.id), false);
    assert.equal(w.region.taggables.has(image.id), false);
    w.invariants();
  });
});
