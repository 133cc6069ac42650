/**
 * The account's own AMIs: CreateImage (from an instance: a snapshot of each of its EBS volumes),
 * RegisterImage (from snapshots), DeregisterImage, and the attributes that can change
 * (description, launch permissions, IMDS support). Every check is made before anything changes.
 *
 * Rules (EC2 API reference: CreateImage, RegisterImage, DeregisterImage, ModifyImageAttribute,
 * DescribeImages; EC2 User Guide, "Create an Amazon EBS-backed AMI"):
 * - A name is 3–128 characters of letters, digits, ( ) [ ] space . / - ' @ _, unique among the
 *   account's AMIs in the Region (`InvalidAMIName.Malformed`, `InvalidAMIName.Duplicate`).
 * - CreateImage takes an instance that is running or stopped; each attached EBS volume becomes a
 *   snapshot ("Created by CreateImage(i-…) for ami-…"); the request's mappings may drop a device
 *   (NoDevice), change DeleteOnTermination, or add volumes; the image is `pending` until its
 *   snapshots are taken, then `available`.
 * - RegisterImage needs the root device's snapshot among its mappings; defaults as the reference
 *   says (architecture i386, virtualization paravirtual, root device /dev/sda1).
 * - A deregistered image's snapshots stay (DeleteSnapshot refuses one an image still uses,
 *   `InvalidSnapshot.InUse`). DescribeImages answers a recently deregistered id with nothing (API
 *   reference: "Recently deregistered images appear in the returned results for a short interval
 *   and then return empty results"); after an hour, and once no instance launched from it remains,
 *   the id is unknown.
 * - Only the owner may change or deregister an image; another's is `AuthFailure` (what amazon.aws
 *   ec2_ami_info expects when it asks about images owned by others).
 */
import type { RegionState } from './cloud.js';
import { createSnapshot } from './ebs-snapshot.js';
import { Ec2Error, invalidValue } from './errors.js';
import { checkId, ID_KINDS, notFound } from './ids.js';
import { findImage } from './images.js';
import type { AccountImage, ImageArchitectureName, ImageBlockDevice, Instance, Tags } from './model.js';
import { TIMER_HANDLERS } from './timers.js';
import { instanceVolumes } from './volume.js';
import { checkDeviceName, mappingSnapshot, resolveShape } from './volume-rules.js';
import type { BlockDeviceRequest } from './launch-storage.js';

const NAME = /^[A-Za-z0-9()[\] ./\-'@_]{3,128}$/;
const EPHEMERAL = /^ephemeral([0-9]|1[0-9]|2[0-3])$/;

/** How long a deregistered image's id answers "nothing" rather than "not found". */
const DEREGISTERED_VISIBLE_MS = 60 * 60 * 1000;

export function checkImageName(region: RegionState, name: string): void {
  if (!NAME.test(name)) {
    throw new Ec2Error(
      'InvalidAMIName.Malformed',
      `AMI names must be between 3 and 128 characters long, and may contain letters, numbers, '(', ')', '[', ']', ' ', '.', '/', '-', ''', '@' and '_'`,
    );
  }
  for (const image of region.images.values()) {
    if (image.state !== 'deregistered' && image.name === name) {
      throw new Ec2Error('InvalidAMIName.Duplicate', `AMI name ${name} is already in use by AMI ${image.id}`);
    }
  }
}

export function checkDescription(description: string): void {
  if (description.length > 255) throw invalidValue('AMI descriptions can be at most 255 characters long.');
}

/** The account's live image `id`; someone else's image is AuthFailure, a deregistered one Unavailable. */
export function getOwnImage(region: RegionState, id: string): AccountImage {
  checkId(ID_KINDS.image, id);
  const image = region.images.get(id);
  if (image?.state === 'deregistered') throw unavailable(id);
  if (image) return image;
  if (findImage(region.name, id)) throw new Ec2Error('AuthFailure', `Not authorized for image:${id}`);
  throw notFound(ID_KINDS.image, id);
}

export function unavailable(id: string): Ec2Error {
  return new Ec2Error('InvalidAMIID.Unavailable', `The image id '[${id}]' is no longer available`);
}

/** The traits an image made from an instance inherits from the image the instance was launched from. */
function inherited(region: RegionState, imageId: string) {
  const own = region.images.get(imageId);
  if (own)
    return {
      architecture: own.architecture,
      platform: own.platform,
      virtualizationType: own.virtualizationType,
      enaSupport: own.enaSupport,
      bootMode: own.bootMode,
      tpmSupport: own.tpmSupport,
      imdsSupport: own.imdsSupport,
      sriov: own.sriovNetSupport,
    };
  const listed = findImage(region.name, imageId);
  if (listed)
    return {
      architecture: listed.architecture,
      platform: listed.platform,
      virtualizationType: 'hvm' as const,
      enaSupport: listed.enaSupport,
      bootMode: listed.bootMode,
      tpmSupport: undefined,
      imdsSupport: listed.imdsSupport,
      sriov: listed.sriovNetSupport,
    };
  return {
    architecture: 'x86_64' as const,
    platform: undefined,
    virtualizationType: 'hvm' as const,
    enaSupport: true,
    bootMode: undefined,
    tpmSupport: undefined,
    imdsSupport: undefined,
    sriov: 'simple' as const,
  };
}

/** A requested mapping that adds a volume: its size, and the snapshot it starts from. */
function newEbsMapping(region: RegionState, device: string, m: BlockDeviceRequest): ImageBlockDevice {
  const e = m.Ebs!;
  const snapshot = mappingSnapshot(region, device, e);
  if (e.KmsKeyId !== undefined && e.Encrypted !== true) {
    throw new Ec2Error('InvalidParameterDependency', 'The parameter KmsKeyId requires the parameter Encrypted to be set.');
  }
  const shape = resolveShape({ size: e.VolumeSize, volumeType: e.VolumeType, iops: e.Iops, throughput: e.Throughput }, 'gp2', snapshot?.size, snapshot, true);
  return {
    device,
    ebs: {
      snapshotId: snapshot?.id,
      size: shape.size,
      volumeType: shape.volumeType,
      iops: shape.iops,
      throughput: shape.throughput,
      deleteOnTermination: e.DeleteOnTermination ?? true,
      encrypted: e.Encrypted ?? false,
      kmsKeyId: e.KmsKeyId,
    },
  };
}

/** Checks one requested mapping's form: a named device, once, and one of NoDevice, VirtualName, Ebs. */
function checkMapping(m: BlockDeviceRequest, seen: Set<string>): string {
  const device = m.DeviceName;
  if (device === undefined || device === '') throw new Ec2Error('InvalidBlockDeviceMapping', 'A block device mapping must name a device.');
  if (seen.has(device)) throw new Ec2Error('InvalidBlockDeviceMapping', `The device '${device}' is used in more than one block-device mapping`);
  seen.add(device);
  if (m.NoDevice !== undefined) return device;
  if (m.VirtualName !== undefined) {
    if (!EPHEMERAL.test(m.VirtualName))
      throw new Ec2Error('InvalidBlockDeviceMapping', `Invalid virtual name ${m.VirtualName}; expected ephemeral0 to ephemeral23.`);
    return device;
  }
  if (!m.Ebs) throw new Ec2Error('InvalidBlockDeviceMapping', `The block device mapping for ${device} needs Ebs, VirtualName or NoDevice.`);
  checkDeviceName(device, true);
  return device;
}

export interface NewImage {
  readonly name: string;
  readonly description: string;
  readonly mappings: readonly BlockDeviceRequest[];
  readonly imageTags: Tags;
  readonly snapshotTags: Tags;
}

/** CreateImage: an image of `instance`'s EBS volumes, as changed by the request's mappings. */
export function createImageFromInstance(region: RegionState, instance: Instance, p: NewImage): AccountImage {
  if (instance.state !== 'running' && instance.state !== 'stopped') {
    throw new Ec2Error('IncorrectInstanceState', `The instance '${instance.id}' is not in a state from which it can be imaged.`);
  }
  checkImageName(region, p.name);
  checkDescription(p.description);
  const attached = instanceVolumes(region, instance).filter((v) => v.attachment.state === 'attached' || v.attachment.state === 'attaching');
  const byDevice = new Map(attached.map((v) => [v.attachment.device, v]));
  const seen = new Set<string>();
  const dropped = new Set<string>();
  const changed = new Map<string, BlockDeviceRequest>();
  const added: ImageBlockDevice[] = [];
  for (const m of p.mappings) {
    const device = checkMapping(m, seen);
    if (m.NoDevice !== undefined) {
      if (device === instance.rootDeviceName)
        throw new Ec2Error('InvalidBlockDeviceMapping', `The root device ${device} of the instance cannot be suppressed with NoDevice.`);
      dropped.add(device);
    } else if (m.VirtualName !== undefined) {
      added.push({ device, virtualName: m.VirtualName });
    } else if (byDevice.has(device)) {
      // Of an existing volume only DeleteOnTermination (and a larger size) may change (API reference, CreateImage).
      const current = byDevice.get(device)!.volume;
      if (m.Ebs!.VolumeSize !== undefined && m.Ebs!.VolumeSize < current.size) {
        throw invalidValue(`Volume of size ${m.Ebs!.VolumeSize}GB is smaller than the ${current.size}GB volume at ${device}.`);
      }
      changed.set(device, m);
    } else {
      added.push(newEbsMapping(region, device, m));
    }
  }

  const id = region.ids.next(ID_KINDS.image);
  const from = inherited(region, instance.imageId);
  const devices: ImageBlockDevice[] = [];
  for (const { volume, attachment } of attached) {
    if (dropped.has(attachment.device)) continue;
    const ask = changed.get(attachment.device)?.Ebs;
    const snapshot = createSnapshot(region, volume, `Created by CreateImage(${instance.id}) for ${id}`, new Map(p.snapshotTags));
    devices.push({
      device: attachment.device,
      ebs: {
        snapshotId: snapshot.id,
        size: ask?.VolumeSize ?? volume.size,
        volumeType: volume.volumeType,
        // A gp2 volume's IOPS follow from its size: AMI mappings show IOPS only for the types that set them.
        iops: volume.volumeType === 'gp2' || volume.volumeType === 'standard' ? undefined : volume.iops,
        throughput: volume.throughput,
        deleteOnTermination: ask?.DeleteOnTermination ?? attachment.deleteOnTermination,
        encrypted: volume.encrypted,
        kmsKeyId: volume.kmsKeyId,
      },
    });
  }
  devices.push(...added);
  const image = addImage(region, {
    id,
    name: p.name,
    description: p.description,
    architecture: from.architecture,
    platform: from.platform,
    rootDeviceName: instance.rootDeviceName ?? '/dev/xvda',
    virtualizationType: from.virtualizationType,
    enaSupport: from.enaSupport,
    sriovNetSupport: from.sriov,
    bootMode: from.bootMode,
    tpmSupport: from.tpmSupport,
    imdsSupport: from.imdsSupport,
    blockDevices: devices,
    sourceInstanceId: instance.id,
    sourceImageId: instance.imageId,
    tags: p.imageTags,
  });
  // Pending until its snapshots are taken (they complete on the same clock).
  const delay = region.cloud.timings.pendingMs;
  if (delay <= 0) TIMER_HANDLERS.get('image-available')!(region, image.id);
  else region.schedule(region.now().getTime() + delay, 'image-available', image.id);
  return image;
}

export interface RegisterRequest {
  readonly name: string;
  readonly description: string;
  readonly rootDeviceName?: string;
  readonly mappings: readonly BlockDeviceRequest[];
  readonly architecture?: ImageArchitectureName;
  readonly virtualizationType?: string;
  readonly enaSupport?: boolean;
  readonly sriovNetSupport?: string;
  readonly bootMode?: 'legacy-bios' | 'uefi' | 'uefi-preferred';
  readonly tpmSupport?: string;
  readonly imdsSupport?: string;
  readonly kernelId?: string;
  readonly ramdiskId?: string;
  readonly tags: Tags;
}

/** RegisterImage from snapshots (an EBS-backed image): available at once. */
export function registerImage(region: RegionState, p: RegisterRequest): AccountImage {
  checkImageName(region, p.name);
  checkDescription(p.description);
  const virtualizationType = p.virtualizationType ?? 'paravirtual';
  if (virtualizationType !== 'hvm' && virtualizationType !== 'paravirtual') {
    throw invalidValue(`Value (${virtualizationType}) for parameter virtualizationType is invalid. Valid values: hvm, paravirtual`);
  }
  if (p.sriovNetSupport !== undefined && p.sriovNetSupport !== 'simple') {
    throw invalidValue(`Value (${p.sriovNetSupport}) for parameter sriovNetSupport is invalid. Only 'simple' is supported.`);
  }
  if (p.tpmSupport !== undefined && p.tpmSupport !== 'v2.0')
    throw invalidValue(`Value (${p.tpmSupport}) for parameter tpmSupport is invalid. Valid value: v2.0`);
  if (p.tpmSupport !== undefined && p.bootMode !== 'uefi') {
    throw new Ec2Error('InvalidParameterCombination', 'TpmSupport v2.0 requires the uefi boot mode.');
  }
  if (p.imdsSupport !== undefined && p.imdsSupport !== 'v2.0')
    throw invalidValue(`Value (${p.imdsSupport}) for parameter imdsSupport is invalid. Valid value: v2.0`);
  const rootDeviceName = p.rootDeviceName ?? '/dev/sda1';
  const seen = new Set<string>();
  const devices: ImageBlockDevice[] = [];
  for (const m of p.mappings) {
    const device = checkMapping(m, seen);
    if (m.NoDevice !== undefined) continue;
    if (m.VirtualName !== undefined) devices.push({ device, virtualName: m.VirtualName });
    else devices.push(newEbsMapping(region, device, m));
  }
  const root = devices.find((d) => d.device === rootDeviceName);
  if (!root?.ebs?.snapshotId) {
    throw new Ec2Error('InvalidBlockDeviceMapping', `The root device ${rootDeviceName} must be mapped to an EBS snapshot in the block device mappings.`);
  }
  return addImage(region, {
    id: region.ids.next(ID_KINDS.image),
    name: p.name,
    description: p.description,
    architecture: p.architecture ?? 'i386',
    rootDeviceName,
    virtualizationType,
    enaSupport: p.enaSupport ?? false,
    sriovNetSupport: p.sriovNetSupport as 'simple' | undefined,
    bootMode: p.bootMode,
    tpmSupport: p.tpmSupport as 'v2.0' | undefined,
    imdsSupport: p.imdsSupport as 'v2.0' | undefined,
    kernelId: p.kernelId,
    ramdiskId: p.ramdiskId,
    blockDevices: devices,
    tags: p.tags,
    state: 'available',
  });
}

type ImageFields = Omit<AccountImage, 'resourceType' | 'ownerId' | 'creationDate' | 'state' | 'launchGroups' | 'launchUserIds'> & {
  state?: AccountImage['state'];
};

function addImage(region: RegionState, f: ImageFields): AccountImage {
  const image: AccountImage = {
    ...f,
    resourceType: 'image',
    ownerId: region.accountId,
    creationDate: region.now(),
    state: f.state ?? 'pending',
    launchGroups: [],
    launchUserIds: [],
  };
  region.images.set(image.id, region.register(image));
  return image;
}

TIMER_HANDLERS.set('image-available', (region, id) => {
  const image = region.images.get(id);
  if (image?.state === 'pending') image.state = 'available';
});

/** The snapshot ids an image's mappings use. */
export function imageSnapshotIds(image: AccountImage): string[] {
  return image.blockDevices.flatMap((d) => (d.ebs?.snapshotId ? [d.ebs.snapshotId] : []));
}

/** DeleteSnapshot's rule: a snapshot an image still uses stays. */
export function checkSnapshotNotInUse(region: RegionState, snapshotId: string): void {
  for (const image of region.images.values()) {
    if (image.state !== 'deregistered' && imageSnapshotIds(image).includes(snapshotId)) {
      throw new Ec2Error('InvalidSnapshot.InUse', `The snapshot ${snapshotId} is currently in use by ${image.id}`);
    }
  }
}

/** DeregisterImage: the image goes; its snapshots stay unless the caller deletes them. */
export function deregisterImage(region: RegionState, image: AccountImage): void {
  image.state = 'deregistered';
  image.deregisteredAt = region.now();
  region.unregister(image.id);
  region.unschedule(image.id);
  region.schedule(region.now().getTime() + DEREGISTERED_VISIBLE_MS, 'image-forgotten', image.id);
}

TIMER_HANDLERS.set('image-forgotten', (region, id) => {
  const image = region.images.get(id);
  if (image?.state !== 'deregistered') return;
  // "After all instances that reference a deregistered AMI are terminated, specifying the ID of the
  // image will eventually return an error" (API reference, DescribeImages).
  for (const instance of region.instances.values()) {
    if (instance.imageId === id && instance.state !== 'terminated') {
      region.schedule(region.now().getTime() + DEREGISTERED_VISIBLE_MS, 'image-forgotten', id);
      return;
    }
  }
  region.images.delete(id);
});

/** Whether an image id was deregistered recently: DescribeImages answers it with nothing. */
export function recentlyDeregistered(region: RegionState, id: string): boolean {
  return region.images.get(id)?.state === 'deregistered';
}

export interface PermissionChange {
  readonly groups: readonly string[];
  readonly userIds: readonly string[];
}

function checkPermissions(c: PermissionChange): void {
  for (const g of c.groups) if (g !== 'all') throw invalidValue(`Value (${g}) for parameter group is invalid. Only 'all' is supported.`);
  for (const u of c.userIds) if (!/^[0-9]{12}$/.test(u)) throw new Ec2Error('InvalidUserID.Malformed', `User ID '${u}' is invalid`);
}

/** ModifyImageAttribute launchPermission: adds, then removes; `all` makes the image public. */
export function changeLaunchPermissions(image: AccountImage, add: PermissionChange, remove: PermissionChange): void {
  checkPermissions(add);
  checkPermissions(remove);
  const apply = (list: string[], plus: readonly string[], minus: readonly string[]) => {
    for (const x of plus) if (!list.includes(x)) list.push(x);
    for (const x of minus) {
      const at = list.indexOf(x);
      if (at >= 0) list.splice(at, 1);
    }
  };
  apply(image.launchGroups, add.groups, remove.groups);
  apply(image.launchUserIds, add.userIds, remove.userIds);
}

export function setImageDescription(image: AccountImage, description: string): void {
  checkDescription(description);
  image.description = description;
}

/** ModifyImageAttribute imdsSupport: only `v2.0`, and it cannot be undone (API reference). */
export function setImageImdsSupport(image: AccountImage, value: string): void {
  if (value !== 'v2.0') throw invalidValue(`Value (${value}) for parameter imdsSupport is invalid. Valid value: v2.0`);
  image.imdsSupport = 'v2.0';
}

/** ResetImageAttribute launchPermission: the image is private again. */
export function resetLaunchPermissions(image: AccountImage): void {
  image.launchGroups.length = 0;
  image.launchUserIds.length = 0;
}

/** RunInstances' view of an image it may launch: the account's own must be available. */
export function checkLaunchableOwnImage(region: RegionState, id: string): boolean {
  const image = region.images.get(id);
  if (!image) return false;
  if (image.state !== 'available') throw unavailable(id);
  return true;
}
