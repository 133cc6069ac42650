/**
 * What an EBS volume may be: sizes, IOPS and throughput per volume type, device names, snapshot
 * sizes, the default EBS encryption key. Shared by CreateVolume, ModifyVolume and RunInstances'
 * block device mappings.
 *
 * Sources: EC2 API reference, CreateVolume / ModifyVolume / EbsBlockDevice (size, IOPS and
 * throughput ranges per type; gp2 is CreateVolume's default type; Iops is required for io1/io2 and
 * not allowed for gp2, st1, sc1, standard; Throughput only for gp3, 125–1000 MiB/s); Amazon EBS
 * User Guide, "Amazon EBS volume types" (gp3: 500 IOPS per GiB and 0.25 MiB/s per IOPS at most,
 * baseline 3,000 IOPS and 125 MiB/s; gp2: 3 IOPS per GiB, 100 minimum, 16,000 maximum; io1: 50 IOPS
 * per GiB; io2: 1,000 IOPS per GiB) and "Multi-Attach" (io1/io2 only); EC2 User Guide, "Device names
 * on Linux instances".
 */
import { createHash } from 'node:crypto';
import { Ec2Error, invalidCombination, invalidValue } from './errors.js';
import { ID_KINDS, checkId, notFound } from './ids.js';
import { regionImages } from './images.js';
import type { RegionState } from './cloud.js';
import type { VolumeType } from './model.js';

export const VOLUME_TYPES: readonly VolumeType[] = ['standard', 'io1', 'io2', 'gp2', 'sc1', 'st1', 'gp3'];

interface TypeLimits {
  readonly minSize: number;
  readonly maxSize: number;
  readonly iops?: { readonly min: number; readonly max: number; readonly perGiB: number; readonly required: boolean; readonly default?: number };
  readonly throughput?: { readonly min: number; readonly max: number; readonly perIops: number; readonly default: number };
}

export const TYPE_LIMITS: Readonly<Record<VolumeType, TypeLimits>> = {
  gp2: { minSize: 1, maxSize: 16384 },
  gp3: {
    minSize: 1,
    maxSize: 65536,
    iops: { min: 3000, max: 16000, perGiB: 500, required: false, default: 3000 },
    throughput: { min: 125, max: 1000, perIops: 0.25, default: 125 },
  },
  io1: { minSize: 4, maxSize: 16384, iops: { min: 100, max: 64000, perGiB: 50, required: true } },
  io2: { minSize: 4, maxSize: 65536, iops: { min: 100, max: 256000, perGiB: 1000, required: true } },
  st1: { minSize: 125, maxSize: 16384 },
  sc1: { minSize: 125, maxSize: 16384 },
  standard: { minSize: 1, maxSize: 1024 },
};

/** gp2's IOPS follow its size: 3 per GiB, between 100 and 16,000. */
export const gp2Iops = (size: number) => Math.min(16000, Math.max(100, 3 * size));

export function checkVolumeType(type: string): VolumeType {
  if (!(VOLUME_TYPES as readonly string[]).includes(type)) {
    throw invalidValue(`Value (${type}) for parameter volumeType is invalid. Valid values: ${VOLUME_TYPES.join(', ')}`);
  }
  return type as VolumeType;
}

export interface VolumeShape {
  readonly size: number;
  readonly volumeType: VolumeType;
  readonly iops?: number;
  readonly throughput?: number;
  readonly multiAttach: boolean;
}

export interface VolumeShapeRequest {
  readonly size?: number;
  readonly volumeType?: string;
  readonly iops?: number;
  readonly throughput?: number;
  readonly multiAttach?: boolean;
}

/**
 * Checks a requested size/type/IOPS/throughput and fills in AWS's defaults. `defaultType` is gp2 for
 * CreateVolume; `minSize` is the snapshot's size when the volume comes from one.
 */
export function resolveShape(
  req: VolumeShapeRequest,
  defaultType: VolumeType,
  fallbackSize: number | undefined,
  snapshot?: { id: string; size: number },
  blockDevice = false,
): VolumeShape {
  const volumeType = req.volumeType === undefined ? defaultType : checkVolumeType(req.volumeType);
  const limits = TYPE_LIMITS[volumeType];
  const size = req.size ?? fallbackSize;
  if (size === undefined) throw new Ec2Error('MissingParameter', 'The request must contain the parameter size or snapshotId');
  if (snapshot && size < snapshot.size) {
    // Observed for RunInstances mappings (terraform-provider-aws issues quoting
    // "InvalidBlockDeviceMapping: Volume of size 4GB is smaller than snapshot 'snap-…', expect size >= 8GB").
    const message = `Volume of size ${size}GB is smaller than snapshot '${snapshot.id}', expect size >= ${snapshot.size}GB`;
    throw blockDevice ? new Ec2Error('InvalidBlockDeviceMapping', message) : invalidValue(message);
  }
  if (size < limits.minSize) throw invalidValue(`Volume of ${size}GiB is too small; minimum is ${limits.minSize}GiB.`);
  if (size > limits.maxSize) throw invalidValue(`Volume of ${size}GiB is too large; maximum is ${limits.maxSize}GiB.`);
  let iops: number | undefined;
  if (req.iops !== undefined) {
    if (!limits.iops) throw invalidCombination(`The parameter iops is not supported for ${volumeType} volumes.`);
    if (req.iops < limits.iops.min || req.iops > limits.iops.max) {
      throw invalidValue(
        `Value (${req.iops}) for parameter iops is invalid. Expected a value between ${limits.iops.min} and ${limits.iops.max} for ${volumeType} volumes.`,
      );
    }
    if (req.iops > limits.iops.perGiB * size && req.iops > limits.iops.min) {
      throw invalidValue(`Iops to volume size ratio of ${(req.iops / size).toFixed(6)} is too high; maximum is ${limits.iops.perGiB.toFixed(6)}.`);
    }
    iops = req.iops;
  } else if (limits.iops?.required) {
    throw new Ec2Error('MissingParameter', `The parameter iops must be specified for ${volumeType} volumes.`);
  } else if (limits.iops) {
    iops = limits.iops.default;
  } else if (volumeType === 'gp2') {
    iops = gp2Iops(size);
  }
  let throughput: number | undefined;
  if (req.throughput !== undefined) {
    if (!limits.throughput) throw invalidCombination(`The parameter throughput is not supported for ${volumeType} volumes.`);
    if (req.throughput < limits.throughput.min || req.throughput > limits.throughput.max) {
      throw invalidValue(
        `Value (${req.throughput}) for parameter throughput is invalid. Expected a value between ${limits.throughput.min} and ${limits.throughput.max}.`,
      );
    }
    if (req.throughput > limits.throughput.default && req.throughput > (iops ?? 0) * limits.throughput.perIops) {
      throw invalidValue(
        `Throughput (MiBps) to iops ratio of ${(req.throughput / (iops ?? 1)).toFixed(6)} is too high; maximum is ${limits.throughput.perIops.toFixed(6)} MiBps per iops.`,
      );
    }
    throughput = req.throughput;
  } else if (limits.throughput) {
    throughput = limits.throughput.default;
  }
  const multiAttach = req.multiAttach ?? false;
  if (multiAttach && volumeType !== 'io1' && volumeType !== 'io2') {
    throw invalidCombination(`The volume type ${volumeType} does not support Multi-Attach; only io1 and io2 volumes do.`);
  }
  return { size, volumeType, iops, throughput, multiAttach };
}

/** A snapshot a volume can be made from: the account's own, or a root snapshot of a built-in image of the region. */
export function findSnapshot(region: RegionState, snapshotId: string): { id: string; size: number } | undefined {
  const own = region.snapshots.get(snapshotId);
  if (own) return { id: own.id, size: own.volumeSize };
  for (const image of regionImages(region.name)) {
    if (image.rootVolume.snapshotId === snapshotId) return { id: snapshotId, size: image.rootVolume.sizeGiB };
  }
  return undefined;
}

/**
 * The snapshot a block device mapping that adds a volume starts from (checked and found), or none; a mapping
 * needs a size or a snapshot (RunInstances, CreateImage and RegisterImage alike).
 */
export function mappingSnapshot(
  region: RegionState,
  device: string,
  ebs: { readonly SnapshotId?: string; readonly VolumeSize?: number },
): { id: string; size: number } | undefined {
  let snapshot: { id: string; size: number } | undefined;
  if (ebs.SnapshotId !== undefined) {
    checkId(ID_KINDS.snapshot, ebs.SnapshotId);
    snapshot = findSnapshot(region, ebs.SnapshotId);
    if (!snapshot) throw notFound(ID_KINDS.snapshot, ebs.SnapshotId);
  }
  if (ebs.VolumeSize === undefined && !snapshot) {
    throw new Ec2Error('InvalidBlockDeviceMapping', `The block device mapping for ${device} must specify a volume size or a snapshot.`);
  }
  return snapshot;
}

/** The root volume of an image outside the catalogue: `/dev/xvda`, 8 GiB gp2 (what most public Linux AMIs have), a snapshot id derived from the image id. */
export function defaultRootVolume(region: string, imageId: string) {
  return {
    rootDeviceName: '/dev/xvda',
    snapshotId: `snap-0${createHash('sha256').update(`${region}/${imageId}/root`).digest('hex').slice(0, 16)}`,
    sizeGiB: 8,
    type: 'gp2' as VolumeType,
  };
}

/**
 * Device names AWS accepts for EBS volumes: /dev/sd[a-z] and /dev/hd[a-z] with an optional
 * partition 1–15, /dev/xvd[a-z] and /dev/xvd[a-z][a-z], and the bare `xvd…` names Windows uses.
 */
const DEVICE_NAME = /^(\/dev\/(sd|hd)[a-z]([1-9]|1[0-5])?|(\/dev\/)?xvd[a-z]{1,2})$/;

export function checkDeviceName(device: string, blockDevice = false): void {
  if (!DEVICE_NAME.test(device)) {
    if (blockDevice) throw new Ec2Error('InvalidBlockDeviceMapping', `Invalid device name ${device}`);
    throw invalidValue(`Value (${device}) for parameter device is invalid. ${device} is not a valid EBS device name.`);
  }
}

/** The ARN of the account's AWS managed key for EBS (`alias/aws/ebs`) in a region: stable, made from the account and region. */
export function defaultEbsKeyArn(region: string, accountId: string): string {
  const h = createHash('sha256').update(`${accountId}/${region}/alias/aws/ebs`).digest('hex');
  return `arn:aws:kms:${region}:${accountId}:key/${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
