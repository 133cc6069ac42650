/**
 * The EBS volumes an instance launches with: its image's root volume, changed or completed by the
 * request's block device mappings, and the extra volumes those mappings ask for. Everything is
 * checked before anything is made (planLaunchStorage), then made per instance (attachLaunchStorage).
 *
 * Rules (EC2 User Guide, "Block device mappings" and "Device names on Linux instances"; EC2 API
 * reference, BlockDeviceMapping and EbsBlockDevice):
 * - A mapping naming the image's root device changes the root volume (size ≥ the snapshot's,
 *   type, IOPS, throughput, encryption, DeleteOnTermination); other device names add volumes.
 * - `NoDevice` leaves a device out; the root device cannot be left out.
 * - `VirtualName` (`ephemeral0`–`ephemeral23`) names an instance store volume: ec2net's types carry
 *   no instance store data, so these are accepted and ignored, as AWS ignores them for types
 *   without instance store.
 * - A device named twice is `InvalidBlockDeviceMapping`.
 * - Volumes made at launch are deleted on termination unless DeleteOnTermination is false.
 * - An image's other EBS mappings (the account's own images) add their volumes too; a request's
 *   mapping for one of the image's devices changes it as for the root.
 * Images outside the built-in catalogue and the account's get `/dev/xvda`, 8 GiB gp2 (see volume-rules.ts).
 */
import type { RegionState } from './cloud.js';
import { Ec2Error, invalidValue } from './errors.js';
import { ID_KINDS } from './ids.js';
import { findImage } from './images.js';
import type { ImageBlockDevice, Instance, Tags } from './model.js';
import { createVolume, deleteVolume, instanceVolumes } from './volume.js';
import { checkDeviceName, mappingSnapshot, defaultRootVolume, findSnapshot, resolveShape, type VolumeShape } from './volume-rules.js';

export interface BlockDeviceRequest {
  readonly DeviceName?: string;
  readonly VirtualName?: string;
  readonly NoDevice?: string;
  readonly Ebs?: {
    readonly DeleteOnTermination?: boolean;
    readonly Iops?: number;
    readonly SnapshotId?: string;
    readonly VolumeSize?: number;
    readonly VolumeType?: string;
    readonly KmsKeyId?: string;
    readonly Throughput?: number;
    readonly Encrypted?: boolean;
  };
}

export interface PlannedVolume {
  readonly device: string;
  readonly shape: VolumeShape;
  readonly snapshotId?: string;
  readonly encrypted: boolean;
  readonly kmsKeyId?: string;
  readonly deleteOnTermination: boolean;
}

export interface LaunchStorage {
  readonly rootDeviceName: string;
  /** Root first, then the other mappings in request order. */
  readonly volumes: readonly PlannedVolume[];
}

const EPHEMERAL = /^ephemeral([0-9]|1[0-9]|2[0-3])$/;

/** An image's block devices: the account's own image's mappings; a catalogue image's root, or the documented default for others. */
export function imageDevices(region: RegionState, imageId: string): { rootDeviceName: string; devices: readonly ImageBlockDevice[] } {
  const own = region.images.get(imageId);
  if (own) return { rootDeviceName: own.rootDeviceName, devices: own.blockDevices };
  const image = findImage(region.name, imageId);
  const root = image
    ? { rootDeviceName: image.rootDeviceName, snapshotId: image.rootVolume.snapshotId, sizeGiB: image.rootVolume.sizeGiB, type: image.rootVolume.type }
    : defaultRootVolume(region.name, imageId);
  const ebs = { snapshotId: root.snapshotId, size: root.sizeGiB, volumeType: root.type, deleteOnTermination: true, encrypted: false };
  return { rootDeviceName: root.rootDeviceName, devices: [{ device: root.rootDeviceName, ebs }] };
}

type ImageEbs = NonNullable<ImageBlockDevice['ebs']>;

/** The volume an image's EBS mapping gives, as a request's mapping for the same device changes it. */
function fromImage(region: RegionState, device: string, d: ImageEbs, e: BlockDeviceRequest['Ebs'] = {}): PlannedVolume {
  const snapshot = d.snapshotId === undefined ? undefined : { id: d.snapshotId, size: findSnapshot(region, d.snapshotId)?.size ?? d.size };
  const sameType = e.VolumeType === undefined || e.VolumeType === d.volumeType;
  return {
    device,
    shape: resolveShape(
      {
        size: e.VolumeSize,
        volumeType: e.VolumeType ?? d.volumeType,
        iops: e.Iops ?? (sameType ? d.iops : undefined),
        throughput: e.Throughput ?? (sameType ? d.throughput : undefined),
      },
      d.volumeType,
      d.size,
      snapshot,
      true,
    ),
    snapshotId: d.snapshotId,
    encrypted: e.Encrypted ?? d.encrypted,
    kmsKeyId: e.KmsKeyId ?? d.kmsKeyId,
    deleteOnTermination: e.DeleteOnTermination ?? d.deleteOnTermination,
  };
}

export function planLaunchStorage(region: RegionState, imageId: string, mappings: readonly BlockDeviceRequest[] | undefined): LaunchStorage {
  const image = imageDevices(region, imageId);
  const rootDeviceName = image.rootDeviceName;
  // The image's own EBS volumes, root first; a request's mapping may change, drop or add to them.
  const fromTheImage = new Map<string, PlannedVolume>();
  for (const d of image.devices) if (d.ebs && d.device === rootDeviceName) fromTheImage.set(d.device, fromImage(region, d.device, d.ebs));
  for (const d of image.devices) if (d.ebs && d.device !== rootDeviceName) fromTheImage.set(d.device, fromImage(region, d.device, d.ebs));
  const imageEbs = new Map(image.devices.flatMap((d) => (d.ebs ? [[d.device, d.ebs] as const] : [])));
  const seen = new Set<string>();
  const others: PlannedVolume[] = [];
  for (const m of mappings ?? []) {
    const device = m.DeviceName;
    if (device === undefined || device === '') throw new Ec2Error('InvalidBlockDeviceMapping', 'A block device mapping must name a device.');
    if (seen.has(device)) {
      // Observed: "The device 'xvda' is used in more than one block-device mapping".
      throw new Ec2Error('InvalidBlockDeviceMapping', `The device '${device}' is used in more than one block-device mapping`);
    }
    seen.add(device);
    const isRoot = device === rootDeviceName;
    if (m.NoDevice !== undefined) {
      if (isRoot) throw new Ec2Error('InvalidBlockDeviceMapping', `The root device ${device} of the image cannot be suppressed with NoDevice.`);
      fromTheImage.delete(device);
      continue;
    }
    if (m.VirtualName !== undefined) {
      if (!EPHEMERAL.test(m.VirtualName))
        throw new Ec2Error('InvalidBlockDeviceMapping', `Invalid virtual name ${m.VirtualName}; expected ephemeral0 to ephemeral23.`);
      if (m.Ebs) throw new Ec2Error('InvalidBlockDeviceMapping', `The block device mapping for ${device} cannot have both a virtual name and EBS settings.`);
      continue;
    }
    if (!m.Ebs) throw new Ec2Error('InvalidBlockDeviceMapping', `The block device mapping for ${device} needs Ebs, VirtualName or NoDevice.`);
    checkDeviceName(device, true);
    const e = m.Ebs;
    if (e.KmsKeyId !== undefined && e.Encrypted !== true) {
      throw new Ec2Error('InvalidParameterDependency', 'The parameter KmsKeyId requires the parameter Encrypted to be set.');
    }
    const ofImage = imageEbs.get(device);
    // The root always starts from the image's snapshot; another image device does unless the mapping names another snapshot.
    if (ofImage && (isRoot || e.SnapshotId === undefined || e.SnapshotId === ofImage.snapshotId)) {
      fromTheImage.set(device, fromImage(region, device, ofImage, e));
      continue;
    }
    fromTheImage.delete(device);
    const snapshot = mappingSnapshot(region, device, e);
    others.push({
      device,
      shape: resolveShape({ size: e.VolumeSize, volumeType: e.VolumeType, iops: e.Iops, throughput: e.Throughput }, 'gp2', snapshot?.size, snapshot, true),
      snapshotId: snapshot?.id,
      encrypted: e.Encrypted ?? false,
      kmsKeyId: e.KmsKeyId,
      deleteOnTermination: e.DeleteOnTermination ?? true,
    });
  }
  const volumes = [...fromTheImage.values(), ...others];
  if (volumes.length > MAX_LAUNCH_VOLUMES) throw invalidValue(`At most ${MAX_LAUNCH_VOLUMES} EBS volumes can be attached at launch.`);
  return { rootDeviceName, volumes };
}

/** Nitro instances take at most 28 attachments in all; the root and 27 data volumes bound a launch here. */
const MAX_LAUNCH_VOLUMES = 28;

/**
 * Makes and attaches one instance's launch volumes. Their ids are derived from the instance id and
 * device (no draw from the random stream, so the ids of everything else in a launch stay as they were).
 */
export function attachLaunchStorage(region: RegionState, instance: Instance, plan: LaunchStorage, tags: Tags): void {
  instance.rootDeviceName = plan.rootDeviceName;
  instance.volumeIds ??= [];
  for (const v of plan.volumes) {
    createVolume(region, {
      id: region.ids.derive(ID_KINDS.volume, `${instance.id}/${v.device}`),
      zone: instance.zone,
      shape: v.shape,
      snapshotId: v.snapshotId,
      encrypted: v.encrypted,
      kmsKeyId: v.kmsKeyId,
      tags: new Map(tags),
      attachTo: { instance, device: v.device, deleteOnTermination: v.deleteOnTermination },
    });
  }
}

/** Undoes attachLaunchStorage for a launch that failed part way. */
export function discardLaunchStorage(region: RegionState, instance: Instance): void {
  for (const { volume } of instanceVolumes(region, instance)) deleteVolume(region, volume);
  instance.volumeIds = [];
}
