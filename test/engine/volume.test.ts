/**
 * EBS volumes in the engine, on a clock the test moves by hand: the per-type size/IOPS/throughput
 * rules, launch storage planning, the volume and attachment state machines with their exact timing
 * edges, termination's effect on volumes, modifications and their cooldown, and instance attributes.
 * Rules are cited per test ([api X] EC2 API reference, [ebs "…"] Amazon EBS User Guide,
 * [ec2 "…"] EC2 User Guide); test/interop/volumes.test.ts proves them through real clients.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { ID_KINDS } from '../../src/engine/ids.js';
import { launchInstance, stopInstance, terminateInstance } from '../../src/engine/instance.js';
import {
  changeInstanceType,
  checkInstanceTypeChange,
  checkStopAllowed,
  checkTerminationAllowed,
  checkUserData,
  defaultCpuCredits,
  launchAttributes,
} from '../../src/engine/instance-attributes.js';
import { checkInvariants } from '../../src/engine/invariants.js';
import { ACCOUNT, ClockedWorld, TIMINGS, throwsEc2 } from './clocked-world.js';
import { attachLaunchStorage, planLaunchStorage } from '../../src/engine/launch-storage.js';
import type { Instance, Subnet } from '../../src/engine/model.js';
import { createNetworkInterface } from '../../src/engine/network-interface.js';
import { regionImages } from '../../src/engine/images.js';
import { attachVolume, checkAttachVolume, checkDetachVolume, checkModifyVolume, createVolume, detachVolume, modifyVolume } from '../../src/engine/volume.js';
import { checkDeviceName, defaultEbsKeyArn, gp2Iops, resolveShape } from '../../src/engine/volume-rules.js';

class World extends ClockedWorld {
  constructor() {
    super(TIMINGS, 'volumes');
  }
  subnet(zone = 'us-east-1a'): Subnet {
    return this.defaultSubnet(zone);
  }
  launch(imageId = 'ami-0123456789abcdef0', mappings?: Parameters<typeof planLaunchStorage>[2], type = 't3.micro'): Instance {
    const subnet = this.subnet();
    const plan = planLaunchStorage(this.region, imageId, mappings);
    const eni = createNetworkInterface(this.region, { subnet });
    const i = launchInstance(this.region, {
      reservationId: this.region.ids.next(ID_KINDS.reservation),
      imageId,
      instanceType: type,
      zone: subnet.zone,
      subnet,
      launchIndex: 0,
      interfaces: [{ eni, deviceIndex: 0, networkCardIndex: 0, deleteOnTermination: true }],
      wantsPublicIp: false,
    });
    i.attributes = launchAttributes({}, type);
    attachLaunchStorage(this.region, i, plan, new Map());
    return i;
  }
  volume(zone = 'us-east-1a', size = 10) {
    const z = this.region.info.zones.find((x) => x.zoneName === zone)!;
    return createVolume(this.region, {
      id: this.region.ids.next(ID_KINDS.volume),
      zone: z,
      shape: resolveShape({ size }, 'gp2', undefined),
      encrypted: false,
      tags: new Map(),
    });
  }
  invariants(): void {
    assert.deepEqual(checkInvariants(this.cloud), []);
  }
}

describe('volume rules', () => {
  it('sizes, IOPS and throughput per type [api CreateVolume; ebs "Amazon EBS volume types"]', () => {
    assert.deepEqual(resolveShape({ size: 10 }, 'gp2', undefined), { size: 10, volumeType: 'gp2', iops: 100, throughput: undefined, multiAttach: false });
    assert.equal(gp2Iops(1000), 3000);
    assert.equal(gp2Iops(10_000), 16000);
    assert.deepEqual(resolveShape({ size: 10, volumeType: 'gp3' }, 'gp2', undefined), {
      size: 10,
      volumeType: 'gp3',
      iops: 3000,
      throughput: 125,
      multiAttach: false,
    });
    throwsEc2(
      () => resolveShape({ size: 3, volumeType: 'io1', iops: 100 }, 'gp2', undefined),
      'InvalidParameterValue',
      'Volume of 3GiB is too small; minimum is 4GiB.',
    );
    throwsEc2(() => resolveShape({ size: 10, volumeType: 'io1', iops: 501 }, 'gp2', undefined), 'InvalidParameterValue', /ratio/);
    assert.equal(resolveShape({ size: 10, volumeType: 'io1', iops: 500 }, 'gp2', undefined).iops, 500);
    throwsEc2(() => resolveShape({ size: 10, volumeType: 'gp3', iops: 3000, throughput: 751 }, 'gp2', undefined), 'InvalidParameterValue', /ratio/);
    throwsEc2(
      () => resolveShape({ size: 10, volumeType: 'sc1' }, 'gp2', undefined),
      'InvalidParameterValue',
      'Volume of 10GiB is too small; minimum is 125GiB.',
    );
    throwsEc2(() => resolveShape({ size: 1025, volumeType: 'standard' }, 'gp2', undefined), 'InvalidParameterValue');
    throwsEc2(() => resolveShape({ size: 10, volumeType: 'gp4' }, 'gp2', undefined), 'InvalidParameterValue');
    throwsEc2(() => resolveShape({}, 'gp2', undefined), 'MissingParameter');
  });

  it('device names [ec2 "Device names on Linux instances"]', () => {
    for (const ok of ['/dev/sdf', '/dev/sda1', '/dev/sdp15', '/dev/xvdf', '/dev/xvdba', 'xvdf', '/dev/hdb']) checkDeviceName(ok);
    for (const bad of ['/dev/sdf16', '/dev/sd', 'sdf', '/dev/xvdabc', '/dev/nvme1n1', '']) throwsEc2(() => checkDeviceName(bad), 'InvalidParameterValue');
  });

  it('the default EBS key ARN is stable per account and region', () => {
    assert.equal(defaultEbsKeyArn('us-east-1', ACCOUNT), defaultEbsKeyArn('us-east-1', ACCOUNT));
    assert.notEqual(defaultEbsKeyArn('us-east-1', ACCOUNT), defaultEbsKeyArn('us-west-2', ACCOUNT));
  });
});

describe('volumes on the clock', () => {
  let w: World;
  beforeEach(() => {
    w = new World();
  });

  it('creating → available after pendingMs, not a millisecond before [ebs "Amazon EBS volume lifecycle"]', () => {
    const v = w.volume();
    assert.equal(v.state, 'creating');
    w.advance(TIMINGS.pendingMs - 1);
    assert.equal(v.state, 'creating');
    w.advance(1);
    assert.equal(v.state, 'available');
  });

  it('attaching → attached and detaching → available on their timings; refusals while creating [api AttachVolume, DetachVolume]', () => {
    const i = w.launch();
    w.advance(TIMINGS.pendingMs);
    const v = w.volume();
    throwsEc2(() => checkAttachVolume(w.region, v, i, '/dev/sdf'), 'IncorrectState');
    w.advance(TIMINGS.pendingMs);
    checkAttachVolume(w.region, v, i, '/dev/sdf');
    const a = attachVolume(w.region, v, i, '/dev/sdf');
    assert.deepEqual([v.state, a.state], ['in-use', 'attaching']);
    w.advance(TIMINGS.attachingMs);
    assert.equal(a.state, 'attached');
    w.invariants();
    detachVolume(w.region, v, checkDetachVolume(w.region, v, i.id, undefined));
    assert.equal(a.state, 'detaching');
    w.advance(TIMINGS.detachingMs - 1);
    assert.equal(v.state, 'in-use');
    w.advance(1);
    assert.deepEqual([v.state, v.attachments.length, i.volumeIds!.length], ['available', 0, 1]);
    w.invariants();
  });

  it('termination deletes DeleteOnTermination volumes and frees the others [ec2 "Preserve data when an instance is terminated"]', () => {
    const i = w.launch('ami-0123456789abcdef0', [{ DeviceName: '/dev/sdf', Ebs: { VolumeSize: 4, DeleteOnTermination: false } }]);
    assert.equal(i.rootDeviceName, '/dev/xvda');
    const [rootId, dataId] = i.volumeIds!;
    w.advance(TIMINGS.pendingMs);
    terminateInstance(w.region, i);
    assert.equal(w.region.volumes.get(rootId!)!.state, 'in-use');
    w.advance(TIMINGS.shuttingDownMs);
    assert.equal(w.region.volumes.has(rootId!), false);
    assert.equal(w.region.volumes.get(dataId!)!.state, 'available');
    w.invariants();
  });

  it('launch volume ids are derived from the instance and device, so a launch draws the same other ids as before', () => {
    const a = new World();
    const b = new World();
    const ia = a.launch();
    const ib = b.launch('ami-0123456789abcdef0', [{ DeviceName: '/dev/sdf', Ebs: { VolumeSize: 1 } }]);
    assert.equal(ia.id, ib.id);
    assert.equal(ia.volumeIds![0], ib.volumeIds![0]);
  });

  it('the catalogue images give their own root device, size and type; unknown images /dev/xvda 8 GiB gp2', () => {
    const ubuntu = regionImages('us-east-1').find((x) => x.rootDeviceName === '/dev/sda1' && x.platform === undefined)!;
    const plan = planLaunchStorage(w.region, ubuntu.id, undefined);
    assert.deepEqual(
      [plan.rootDeviceName, plan.volumes[0]!.shape.size, plan.volumes[0]!.shape.volumeType, plan.volumes[0]!.snapshotId],
      ['/dev/sda1', ubuntu.rootVolume.sizeGiB, ubuntu.rootVolume.type, ubuntu.rootVolume.snapshotId],
    );
    const other = planLaunchStorage(w.region, 'ami-12345678', undefined);
    assert.deepEqual([other.rootDeviceName, other.volumes[0]!.shape.size, other.volumes[0]!.shape.volumeType], ['/dev/xvda', 8, 'gp2']);
    throwsEc2(() => planLaunchStorage(w.region, 'ami-12345678', [{ DeviceName: '/dev/xvda', NoDevice: '' }]), 'InvalidBlockDeviceMapping');
    throwsEc2(() => planLaunchStorage(w.region, 'ami-12345678', [{ DeviceName: '/dev/sdb', VirtualName: 'ephemeral24' }]), 'InvalidBlockDeviceMapping');
  });

  it('modifying → optimizing (new size visible) → completed; six hours before the next [ebs "Modify a volume"]', () => {
    const v = w.volume();
    w.advance(TIMINGS.pendingMs);
    checkModifyVolume(w.region, v);
    modifyVolume(w.region, v, resolveShape({ size: 20, volumeType: 'gp3' }, 'gp2', undefined));
    assert.deepEqual([v.modification!.state, v.size], ['modifying', 10]);
    w.advance(TIMINGS.pendingMs);
    assert.deepEqual([v.modification!.state, v.size, v.volumeType], ['optimizing', 20, 'gp3']);
    w.advance(TIMINGS.pendingMs);
    assert.equal(v.modification!.state, 'completed');
    throwsEc2(() => checkModifyVolume(w.region, v), 'VolumeModificationRateExceeded');
    w.advance(6 * 3600 * 1000);
    checkModifyVolume(w.region, v);
  });
});

describe('instance attributes', () => {
  let w: World;
  beforeEach(() => {
    w = new World();
  });

  it('protection refuses terminate and stop; credits default by family [ec2 "Burstable performance instances"]', () => {
    const i = w.launch();
    w.advance(TIMINGS.pendingMs);
    i.attributes!.disableApiTermination = true;
    i.attributes!.disableApiStop = true;
    throwsEc2(
      () => checkTerminationAllowed(i),
      'OperationNotPermitted',
      `The instance '${i.id}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.`,
    );
    throwsEc2(
      () => checkStopAllowed(i),
      'OperationNotPermitted',
      `The instance '${i.id}' may not be stopped. Modify its 'disableApiStop' instance attribute and try again.`,
    );
    assert.deepEqual(['t2.micro', 't3.micro', 't3a.nano', 't4g.small', 'm5.large'].map(defaultCpuCredits), [
      'standard',
      'unlimited',
      'unlimited',
      'unlimited',
      undefined,
    ]);
  });

  it('instance type: only while stopped, same architecture, and within the new type\'s interface limits [ec2 "Change the instance type"]', () => {
    const i = w.launch('ami-0123456789abcdef0', undefined, 't3.large');
    w.advance(TIMINGS.pendingMs);
    throwsEc2(() => checkInstanceTypeChange(i, 't3.micro', []), 'IncorrectInstanceState');
    stopInstance(w.region, i);
    w.advance(TIMINGS.stoppingMs);
    const enis = [...w.region.networkInterfaces.values()].filter((e) => e.attachment?.instanceId === i.id);
    throwsEc2(() => checkInstanceTypeChange(i, 't4g.micro', enis), 'InvalidParameterValue');
    throwsEc2(() => checkInstanceTypeChange(i, 'nope.large', enis), 'InvalidParameterValue');
    checkInstanceTypeChange(i, 'm5.large', enis);
    changeInstanceType(i, 'm5.large');
    assert.deepEqual([i.instanceType, i.attributes!.cpuCredits], ['m5.large', undefined]);
    changeInstanceType(i, 't2.small');
    assert.equal(i.attributes!.cpuCredits, 'standard');
  });

  it('user data is base64 of at most 16 KB [api RunInstances]', () => {
    checkUserData(Buffer.from('#!/bin/sh\n').toString('base64'));
    checkUserData(Buffer.alloc(16384).toString('base64'));
    throwsEc2(() => checkUserData(Buffer.alloc(16385).toString('base64')), 'InvalidParameterValue');
    throwsEc2(() => checkUserData('not base64!'), 'InvalidParameterValue', 'Invalid BASE64 encoding of user data.');
  });
});
