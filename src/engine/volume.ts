/**
 * EBS volumes: create, attach, detach, delete, modify, each with AWS's states on the world's clock
 * (`creating` → `available`; attachments `attaching` → `attached`, `detaching` → gone; modifications
 * `modifying` → `optimizing` → `completed`), and what launching and terminating an instance does to
 * its volumes. Sources: Amazon EBS User Guide ("Amazon EBS volume lifecycle", "Attach a volume",
 * "Detach a volume", "Modify a volume"), EC2 API reference (AttachVolume, DetachVolume,
 * DeleteVolume, ModifyVolume), EC2 "Error codes" page; observed messages cited where used.
 */
import type { RegionState } from './cloud.js';
import { Ec2Error, invalidValue } from './errors.js';
import { checkId, ID_KINDS, notFound } from './ids.js';
import { instanceTerminatedHooks } from './instance.js';
import type { Instance, Tags, Volume, VolumeAttachmentRecord } from './model.js';
import type { ZoneInfo } from './regions.js';
import { TIMER_HANDLERS } from './timers.js';
import { checkDeviceName, defaultEbsKeyArn, type VolumeShape } from './volume-rules.js';

export function getVolume(region: RegionState, id: string): Volume {
  checkId(ID_KINDS.volume, id);
  const v = region.volumes.get(id);
  if (!v) throw notFound(ID_KINDS.volume, id);
  return v;
}

export interface NewVolume {
  readonly id: string;
  readonly zone: ZoneInfo;
  readonly shape: VolumeShape;
  readonly snapshotId?: string;
  readonly encrypted: boolean;
  readonly kmsKeyId?: string;
  readonly tags: Tags;
  /** Made by a launch: attached from the start (no `creating`). */
  readonly attachTo?: { readonly instance: Instance; readonly device: string; readonly deleteOnTermination: boolean };
}

export function createVolume(region: RegionState, p: NewVolume): Volume {
  const now = region.now();
  const volume: Volume = {
    id: p.id,
    resourceType: 'volume',
    ownerId: region.accountId,
    zone: p.zone,
    createTime: now,
    size: p.shape.size,
    volumeType: p.shape.volumeType,
    iops: p.shape.iops,
    throughput: p.shape.throughput,
    encrypted: p.encrypted,
    kmsKeyId: p.encrypted ? (p.kmsKeyId ?? defaultEbsKeyArn(region.name, region.accountId)) : undefined,
    snapshotId: p.snapshotId ?? '',
    multiAttachEnabled: p.shape.multiAttach,
    state: p.attachTo ? 'in-use' : 'creating',
    attachments: [],
    tags: p.tags,
  };
  region.volumes.set(volume.id, region.register(volume));
  if (p.attachTo) {
    volume.attachments.push({
      instanceId: p.attachTo.instance.id,
      device: p.attachTo.device,
      attachTime: now,
      state: 'attached',
      deleteOnTermination: p.attachTo.deleteOnTermination,
    });
    (p.attachTo.instance.volumeIds ??= []).push(volume.id);
  } else {
    schedule(region, region.cloud.timings.pendingMs, 'volume-available', volume.id);
  }
  return volume;
}

function schedule(region: RegionState, delayMs: number, kind: string, id: string): void {
  if (delayMs <= 0) TIMER_HANDLERS.get(kind)!(region, id);
  else region.schedule(region.now().getTime() + delayMs, kind, id);
}

TIMER_HANDLERS.set('volume-available', (region, id) => {
  const v = region.volumes.get(id);
  if (v?.state === 'creating') v.state = 'available';
});

/** The volumes attached to an instance, in attachment order, with their attachment to it. */
export function instanceVolumes(region: RegionState, instance: Instance): { volume: Volume; attachment: VolumeAttachmentRecord }[] {
  const out: { volume: Volume; attachment: VolumeAttachmentRecord }[] = [];
  for (const id of instance.volumeIds ?? []) {
    const volume = region.volumes.get(id);
    const attachment = volume?.attachments.find((a) => a.instanceId === instance.id);
    if (volume && attachment) out.push({ volume, attachment });
  }
  return out;
}

// ---- attach ------------------------------------------------------------------------------------

/** Multi-Attach: an io1/io2 volume attaches to up to 16 instances (Amazon EBS User Guide, "Multi-Attach"). */
const MULTI_ATTACH_LIMIT = 16;

/** Throws unless AttachVolume may attach `volume` to `instance` at `device` (nothing changes here). */
export function checkAttachVolume(region: RegionState, volume: Volume, instance: Instance, device: string): void {
  checkDeviceName(device);
  if (volume.state === 'in-use') {
    if (!volume.multiAttachEnabled || volume.attachments.some((a) => a.instanceId === instance.id) || volume.attachments.length >= MULTI_ATTACH_LIMIT) {
      // Observed (terraform-provider-aws#8565): "vol-… is already attached to an instance".
      throw new Ec2Error('VolumeInUse', `${volume.id} is already attached to an instance`);
    }
  } else if (volume.state !== 'available') {
    throw new Ec2Error('IncorrectState', `Volume '${volume.id}' is in the '${volume.state}' state.`);
  }
  if (instance.state !== 'running' && instance.state !== 'stopped') {
    throw new Ec2Error('IncorrectState', `Instance '${instance.id}' is not 'running'.`);
  }
  if (volume.zone.zoneName !== instance.zone.zoneName) {
    // Observed (linuxkit/linuxkit#2388, portworx/px-dev#42).
    throw new Ec2Error('InvalidVolume.ZoneMismatch', `The volume '${volume.id}' is not in the same availability zone as instance '${instance.id}'`);
  }
  if (instanceVolumes(region, instance).some((x) => x.attachment.device === device)) {
    // Observed (Netflix/aminator#238): "Attachment point /dev/sdf is already in use".
    throw invalidValue(`Attachment point ${device} is already in use`);
  }
}

export function attachVolume(region: RegionState, volume: Volume, instance: Instance, device: string): VolumeAttachmentRecord {
  const attachment: VolumeAttachmentRecord = { instanceId: instance.id, device, attachTime: region.now(), state: 'attaching', deleteOnTermination: false };
  volume.attachments.push(attachment);
  volume.state = 'in-use';
  (instance.volumeIds ??= []).push(volume.id);
  schedule(region, region.cloud.timings.attachingMs, 'volume-attached', `${volume.id}/${instance.id}`);
  return attachment;
}

TIMER_HANDLERS.set('volume-attached', (region, key) => {
  const [volumeId, instanceId] = key.split('/');
  const a = region.volumes.get(volumeId!)?.attachments.find((x) => x.instanceId === instanceId);
  if (a?.state === 'attaching') a.state = 'attached';
});

// ---- detach ------------------------------------------------------------------------------------

/** Which attachment DetachVolume means; throws AWS's errors when there is none or it may not go. */
export function checkDetachVolume(region: RegionState, volume: Volume, instanceId: string | undefined, device: string | undefined): VolumeAttachmentRecord {
  if (volume.attachments.length === 0) {
    // AWS's wording for a volume that is not attached: "Volume 'vol-…' is in the 'available' state."
    throw new Ec2Error('IncorrectState', `Volume '${volume.id}' is in the '${volume.state}' state.`);
  }
  const candidates = volume.attachments.filter(
    (a) => (instanceId === undefined || a.instanceId === instanceId) && (device === undefined || a.device === device),
  );
  if (candidates.length === 0) {
    throw new Ec2Error(
      'InvalidAttachment.NotFound',
      `Volume '${volume.id}' is not attached to ${instanceId !== undefined ? `instance '${instanceId}'` : `device '${device}'`}.`,
    );
  }
  if (candidates.length > 1) throw new Ec2Error('MissingParameter', 'The request must contain the parameter instanceId');
  const attachment = candidates[0]!;
  if (attachment.state === 'detaching') throw new Ec2Error('IncorrectState', `Volume '${volume.id}' is in the 'detaching' state.`);
  const instance = region.instances.get(attachment.instanceId);
  if (instance && attachment.device === instance.rootDeviceName && instance.state !== 'stopped') {
    // Observed (red-hat-storage/ocs-ci#1764, a forced DetachVolume of a running instance's root volume).
    throw new Ec2Error('IncorrectState', `Unable to detach root volume '${volume.id}' from instance '${instance.id}'`);
  }
  return attachment;
}

export function detachVolume(region: RegionState, volume: Volume, attachment: VolumeAttachmentRecord): void {
  attachment.state = 'detaching';
  region.unschedule(`${volume.id}/${attachment.instanceId}`, 'volume-attached');
  schedule(region, region.cloud.timings.detachingMs, 'volume-detached', `${volume.id}/${attachment.instanceId}`);
}

/** Removes an attachment at once: the volume is `available` when nothing else holds it. */
function finishDetach(region: RegionState, volume: Volume, instanceId: string): void {
  const k = volume.attachments.findIndex((a) => a.instanceId === instanceId);
  if (k >= 0) volume.attachments.splice(k, 1);
  const instance = region.instances.get(instanceId);
  if (instance?.volumeIds) {
    const j = instance.volumeIds.indexOf(volume.id);
    if (j >= 0) instance.volumeIds.splice(j, 1);
  }
  region.unschedule(`${volume.id}/${instanceId}`);
  if (volume.attachments.length === 0) volume.state = 'available';
}

TIMER_HANDLERS.set('volume-detached', (region, key) => {
  const [volumeId, instanceId] = key.split('/');
  const v = region.volumes.get(volumeId!);
  if (v?.attachments.find((x) => x.instanceId === instanceId)?.state === 'detaching') finishDetach(region, v, instanceId!);
});

// ---- delete ------------------------------------------------------------------------------------

/** DeleteVolume: "The volume must be in the available state (not attached to an instance)" (API reference). */
export function checkDeleteVolume(volume: Volume): void {
  if (volume.state === 'creating') throw new Ec2Error('IncorrectState', `Volume '${volume.id}' is in the 'creating' state.`);
  if (volume.attachments.length > 0) {
    // Observed (NixOS/nixops-aws#104): "Volume vol-… is currently attached to i-…".
    throw new Ec2Error('VolumeInUse', `Volume ${volume.id} is currently attached to ${volume.attachments[0]!.instanceId}`);
  }
}

export function deleteVolume(region: RegionState, volume: Volume): void {
  region.volumes.delete(volume.id);
  region.unregister(volume.id);
  region.unschedule(volume.id);
  region.unschedule(`${volume.id}/modification`);
}

// ---- termination ---------------------------------------------------------------------------------

// A terminated instance's volumes: DeleteOnTermination ones are deleted, the others detached and
// `available` (EC2 User Guide, "Preserve data when an instance is terminated").
instanceTerminatedHooks.push((region, instance) => {
  for (const { volume, attachment } of instanceVolumes(region, instance)) {
    finishDetach(region, volume, instance.id);
    if (attachment.deleteOnTermination && volume.attachments.length === 0) deleteVolume(region, volume);
  }
  instance.volumeIds = [];
});

// ---- modify --------------------------------------------------------------------------------------

/** After a modification starts, the same volume cannot be modified again for six hours (Amazon EBS User Guide, "Modify a volume": requirements). */
const MODIFICATION_COOLDOWN_MS = 6 * 60 * 60 * 1000;

export function checkModifyVolume(region: RegionState, volume: Volume): void {
  const m = volume.modification;
  if (m && (m.state !== 'completed' || region.now().getTime() - m.startTime.getTime() < MODIFICATION_COOLDOWN_MS)) {
    throw new Ec2Error(
      'VolumeModificationRateExceeded',
      "You've reached the maximum modification rate per volume limit. Wait at least 6 hours between modifications per EBS volume.",
    );
  }
  if (volume.state === 'creating') throw new Ec2Error('IncorrectState', `Volume '${volume.id}' is in the 'creating' state.`);
}

export function modifyVolume(region: RegionState, volume: Volume, target: VolumeShape): void {
  volume.modification = {
    state: 'modifying',
    startTime: region.now(),
    original: { size: volume.size, volumeType: volume.volumeType, iops: volume.iops, throughput: volume.throughput, multiAttach: volume.multiAttachEnabled },
    target: { size: target.size, volumeType: target.volumeType, iops: target.iops, throughput: target.throughput, multiAttach: target.multiAttach },
  };
  schedule(region, region.cloud.timings.pendingMs, 'volume-optimizing', `${volume.id}/modification`);
}

// The new size and performance are the volume's once the modification is optimizing (Amazon EBS
// User Guide, "Monitor the progress of volume modifications").
TIMER_HANDLERS.set('volume-optimizing', (region, key) => {
  const v = region.volumes.get(key.split('/')[0]!);
  const m = v?.modification;
  if (!v || m?.state !== 'modifying') return;
  m.state = 'optimizing';
  v.size = m.target.size;
  v.volumeType = m.target.volumeType;
  v.iops = m.target.iops;
  v.throughput = m.target.throughput;
  v.multiAttachEnabled = m.target.multiAttach;
  schedule(region, region.cloud.timings.pendingMs, 'volume-modified', key);
});

TIMER_HANDLERS.set('volume-modified', (region, key) => {
  const m = region.volumes.get(key.split('/')[0]!)?.modification;
  if (m?.state !== 'optimizing') return;
  m.state = 'completed';
  m.endTime = region.now();
});
