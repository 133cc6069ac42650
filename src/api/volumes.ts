/**
 * EBS volume operations: CreateVolume, AttachVolume, DetachVolume, DeleteVolume, DescribeVolumes,
 * ModifyVolume, DescribeVolumesModifications, DescribeVolumeStatus. The rules live in
 * src/engine/volume.ts and volume-rules.ts; this module reads requests and shapes answers.
 */
import type { RegionState } from '../engine/cloud.js';
import { Ec2Error, invalidCombination, invalidValue } from '../engine/errors.js';
import { perWorld, type FilterSpec } from '../engine/filters.js';
import { checkId, ID_KINDS, notFound } from '../engine/ids.js';
import { getInstance } from '../engine/instance.js';
import type { Volume, VolumeAttachmentRecord } from '../engine/model.js';
import { tagList, tagsFromSpecs } from '../engine/tags.js';
import {
  attachVolume,
  checkAttachVolume,
  checkDeleteVolume,
  checkDetachVolume,
  checkModifyVolume,
  createVolume,
  deleteVolume,
  detachVolume,
  getVolume,
  modifyVolume,
} from '../engine/volume.js';
import { findSnapshot, gp2Iops, resolveShape, TYPE_LIMITS } from '../engine/volume-rules.js';
import { describe } from './describe.js';
import { handlers, type RequestContext } from './handler.js';
import { idempotent } from './idempotency.js';

function attachmentView(volumeId: string, a: VolumeAttachmentRecord) {
  return {
    AttachTime: a.attachTime,
    Device: a.device,
    InstanceId: a.instanceId,
    State: a.state,
    VolumeId: volumeId,
    DeleteOnTermination: a.deleteOnTermination,
  };
}

export function volumeView(v: Volume) {
  return {
    Attachments: v.attachments.map((a) => attachmentView(v.id, a)),
    AvailabilityZone: v.zone.zoneName,
    AvailabilityZoneId: v.zone.zoneId,
    CreateTime: v.createTime,
    Encrypted: v.encrypted,
    KmsKeyId: v.kmsKeyId,
    Size: v.size,
    SnapshotId: v.snapshotId,
    State: v.state,
    VolumeId: v.id,
    Iops: v.iops,
    Tags: tagList(v.tags),
    VolumeType: v.volumeType,
    MultiAttachEnabled: v.multiAttachEnabled,
    Throughput: v.throughput,
    FastRestored: false,
  };
}

const volumeFilters = perWorld((_region: RegionState): FilterSpec<Volume> => ({
  resourceName: 'volume',
  tags: (v) => v.tags,
  getters: {
    'attachment.attach-time': (v) => v.attachments.map((a) => a.attachTime.toISOString()),
    'attachment.delete-on-termination': (v) => v.attachments.map((a) => a.deleteOnTermination),
    'attachment.device': (v) => v.attachments.map((a) => a.device),
    'attachment.instance-id': (v) => v.attachments.map((a) => a.instanceId),
    'attachment.status': (v) => v.attachments.map((a) => a.state),
    'availability-zone': (v) => v.zone.zoneName,
    'availability-zone-id': (v) => v.zone.zoneId,
    'create-time': (v) => v.createTime.toISOString(),
    encrypted: (v) => v.encrypted,
    'fast-restored': () => false,
    'multi-attach-enabled': (v) => v.multiAttachEnabled,
    'operator.managed': () => false,
    'operator.principal': () => undefined,
    size: (v) => v.size,
    'snapshot-id': (v) => v.snapshotId,
    status: (v) => v.state,
    'volume-id': (v) => v.id,
    'volume-type': (v) => v.volumeType,
  },
}));

/**
 * MaxResults of DescribeVolumes: "between 5 and 500; if MaxResults is given a value larger than 500,
 * only 500 items are returned" (API reference): below 5 is refused, above the cap is lowered to it.
 */
function pageSize(max: number | undefined, low: number, cap: number): number | undefined {
  if (max !== undefined && max < low) {
    throw invalidValue(`Value ( ${max} ) for parameter maxResults is invalid. Expecting a value greater than ${low - 1}.`);
  }
  return max === undefined ? undefined : Math.min(max, cap);
}

function modificationView(v: Volume) {
  const m = v.modification!;
  return {
    VolumeId: v.id,
    ModificationState: m.state,
    TargetSize: m.target.size,
    TargetIops: m.target.iops,
    TargetVolumeType: m.target.volumeType,
    TargetThroughput: m.target.throughput,
    TargetMultiAttachEnabled: m.target.multiAttach,
    OriginalSize: m.original.size,
    OriginalIops: m.original.iops,
    OriginalVolumeType: m.original.volumeType,
    OriginalThroughput: m.original.throughput,
    OriginalMultiAttachEnabled: m.original.multiAttach,
    Progress: m.state === 'modifying' ? 0 : m.state === 'optimizing' ? 50 : 100,
    StartTime: m.startTime,
    EndTime: m.endTime,
  };
}

const modificationFilters: FilterSpec<Volume> = {
  resourceName: 'volume modification',
  getters: {
    'modification-state': (v) => v.modification!.state,
    'original-iops': (v) => v.modification!.original.iops,
    'original-size': (v) => v.modification!.original.size,
    'original-volume-type': (v) => v.modification!.original.volumeType,
    'original-multi-attach-enabled': (v) => v.modification!.original.multiAttach,
    'start-time': (v) => v.modification!.startTime.toISOString(),
    'target-iops': (v) => v.modification!.target.iops,
    'target-size': (v) => v.modification!.target.size,
    'target-volume-type': (v) => v.modification!.target.volumeType,
    'target-throughput': (v) => v.modification!.target.throughput,
    'target-multi-attach-enabled': (v) => v.modification!.target.multiAttach,
    'volume-id': (v) => v.id,
  },
};

function zoneOf(ctx: RequestContext, name: string | undefined, id: string | undefined) {
  if (name !== undefined && id !== undefined) throw invalidCombination('Only one of AvailabilityZone and AvailabilityZoneId may be specified.');
  if (name === undefined && id === undefined) throw new Ec2Error('MissingParameter', 'The request must contain the parameter AvailabilityZone');
  const zone = ctx.region.info.zones.find((z) => z.zoneName === name || z.zoneId === id);
  if (!zone) throw invalidValue(name !== undefined ? `Invalid availability zone: [${name}]` : `Invalid availability zone ID: [${id}]`);
  return zone;
}

export const volumeHandlers = handlers({
  CreateVolume: (ctx, input) =>
    idempotent(
      ctx,
      input,
      () => {
        const region = ctx.region;
        const zone = zoneOf(ctx, input.AvailabilityZone, input.AvailabilityZoneId);
        let snapshot: { id: string; size: number } | undefined;
        if (input.SnapshotId !== undefined) {
          checkId(ID_KINDS.snapshot, input.SnapshotId);
          snapshot = findSnapshot(region, input.SnapshotId);
          if (!snapshot) throw notFound(ID_KINDS.snapshot, input.SnapshotId);
        }
        const shape = resolveShape(
          { size: input.Size, volumeType: input.VolumeType, iops: input.Iops, throughput: input.Throughput, multiAttach: input.MultiAttachEnabled },
          'gp2',
          snapshot?.size,
          snapshot,
        );
        if (input.KmsKeyId !== undefined && input.Encrypted !== true) {
          throw new Ec2Error('InvalidParameterDependency', 'The parameter KmsKeyId requires the parameter Encrypted to be set.');
        }
        const tags = tagsFromSpecs(input.TagSpecifications, 'volume');
        const volume = createVolume(region, {
          id: region.ids.next(ID_KINDS.volume),
          zone,
          shape,
          snapshotId: snapshot?.id,
          encrypted: input.Encrypted ?? false,
          kmsKeyId: input.KmsKeyId,
          tags,
        });
        // The create answer carries the tag set even when empty (the AWS CLI reference's
        // create-volume example: "Tags": []); DescribeVolumes leaves an untagged volume's out.
        const view = volumeView(volume);
        return { id: volume.id, output: { ...view, Tags: view.Tags ?? [] } };
      },
      (id) => {
        const v = ctx.region.volumes.get(id);
        if (!v) throw new Ec2Error('IdempotentParameterMismatch', `The volume created with client token '${input.ClientToken}' no longer exists.`);
        return volumeView(v);
      },
    ),

  AttachVolume: (ctx, input) => {
    const volume = getVolume(ctx.region, input.VolumeId);
    const instance = getInstance(ctx.region, input.InstanceId);
    checkAttachVolume(ctx.region, volume, instance, input.Device);
    return attachmentView(volume.id, attachVolume(ctx.region, volume, instance, input.Device));
  },

  DetachVolume: (ctx, input) => {
    const volume = getVolume(ctx.region, input.VolumeId);
    if (input.InstanceId !== undefined) getInstance(ctx.region, input.InstanceId);
    const attachment = checkDetachVolume(ctx.region, volume, input.InstanceId, input.Device);
    detachVolume(ctx.region, volume, attachment);
    return attachmentView(volume.id, attachment);
  },

  DeleteVolume: (ctx, input) => {
    const volume = getVolume(ctx.region, input.VolumeId);
    checkDeleteVolume(volume);
    deleteVolume(ctx.region, volume);
    return {};
  },

  DescribeVolumes: (ctx, input) => {
    const region = ctx.region;
    const page = describe(
      ctx,
      { ...input, MaxResults: pageSize(input.MaxResults, 5, 500) },
      volumeFilters(region),
      input.VolumeIds,
      (id) => getVolume(region, id),
      () => region.volumes.values(),
      'volumeIds',
    );
    return { Volumes: page.items.map(volumeView), NextToken: page.nextToken };
  },

  ModifyVolume: (ctx, input) => {
    const volume = getVolume(ctx.region, input.VolumeId);
    checkModifyVolume(ctx.region, volume);
    if (input.Size !== undefined && input.Size < volume.size) {
      throw invalidValue(`New size cannot be smaller than existing size (${volume.size}GiB).`);
    }
    const volumeType = input.VolumeType ?? volume.volumeType;
    const typeChanges = volumeType !== volume.volumeType;
    const limits = TYPE_LIMITS[volumeType as keyof typeof TYPE_LIMITS];
    // Unchanged IOPS/throughput carry over when the type stays; a new type takes its own defaults.
    const target = resolveShape(
      {
        size: input.Size ?? volume.size,
        volumeType,
        iops: input.Iops ?? (!typeChanges && limits?.iops && volume.iops !== undefined ? volume.iops : undefined),
        throughput: input.Throughput ?? (!typeChanges && limits?.throughput ? volume.throughput : undefined),
        multiAttach: input.MultiAttachEnabled ?? volume.multiAttachEnabled,
      },
      volume.volumeType,
      volume.size,
    );
    const same =
      target.size === volume.size &&
      target.volumeType === volume.volumeType &&
      (target.volumeType === 'gp2' || target.iops === volume.iops) &&
      target.throughput === volume.throughput &&
      target.multiAttach === volume.multiAttachEnabled;
    if (same) throw invalidCombination('New size, volume type, IOPS, throughput and Multi-Attach setting are all the same as the current ones.');
    if (target.multiAttach !== volume.multiAttachEnabled && volume.attachments.length > 0) {
      throw new Ec2Error('IncorrectState', `Multi-Attach can only be changed while volume '${volume.id}' is not attached.`);
    }
    modifyVolume(ctx.region, volume, target.volumeType === 'gp2' ? { ...target, iops: gp2Iops(target.size) } : target);
    return { VolumeModification: modificationView(volume) };
  },

  DescribeVolumesModifications: (ctx, input) => {
    const region = ctx.region;
    const ids = [...new Set(input.VolumeIds ?? [])];
    const chosen =
      ids.length > 0
        ? ids.map((id) => {
            const v = getVolume(region, id);
            if (!v.modification) throw new Ec2Error('InvalidVolumeModification.NotFound', `Modification for volume '${id}' does not exist.`);
            return v;
          })
        : [...region.volumes.values()].filter((v) => v.modification);
    const page = describe(
      ctx,
      { Filters: input.Filters, MaxResults: input.MaxResults, NextToken: input.NextToken },
      modificationFilters,
      undefined,
      (id) => getVolume(region, id),
      () => chosen,
      'volumeIds',
    );
    return { VolumesModifications: page.items.map(modificationView), NextToken: page.nextToken };
  },

  DescribeVolumeStatus: (ctx, input) => {
    const region = ctx.region;
    const spec: FilterSpec<Volume> = {
      resourceName: 'volume status',
      getters: {
        'availability-zone': (v) => v.zone.zoneName,
        'volume-status.status': (v) => (v.state === 'creating' ? 'insufficient-data' : 'ok'),
        'volume-status.details-name': () => ['io-enabled', 'io-performance'],
        'volume-status.details-status': () => ['passed', 'not-applicable'],
        'event.description': () => undefined,
        'event.event-id': () => undefined,
        'event.event-type': () => undefined,
        'event.not-after': () => undefined,
        'event.not-before': () => undefined,
        'action.code': () => undefined,
        'action.description': () => undefined,
        'action.event-id': () => undefined,
      },
    };
    const page = describe(
      ctx,
      input,
      spec,
      input.VolumeIds,
      (id) => getVolume(region, id),
      () => region.volumes.values(),
      'volumeIds',
    );
    return {
      VolumeStatuses: page.items.map((v) => ({
        VolumeId: v.id,
        AvailabilityZone: v.zone.zoneName,
        AvailabilityZoneId: v.zone.zoneId,
        VolumeStatus: {
          Status: v.state === 'creating' ? ('insufficient-data' as const) : ('ok' as const),
          Details: [
            { Name: 'io-enabled' as const, Status: 'passed' },
            { Name: 'io-performance' as const, Status: 'not-applicable' },
          ],
        },
        Events: [],
        Actions: [],
        AttachmentStatuses: v.attachments.map((a) => ({ InstanceId: a.instanceId, IoPerformance: 'normal' })),
      })),
      NextToken: page.nextToken,
    };
  },
});
