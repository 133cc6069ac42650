/** CreateSnapshot, DescribeSnapshots, DeleteSnapshot over the account's EBS snapshots (src/engine/ebs-snapshot.ts). */
import { checkSnapshotNotInUse } from '../engine/account-images.js';
import type { RegionState } from '../engine/cloud.js';
import { createSnapshot, deleteSnapshot, getSnapshot } from '../engine/ebs-snapshot.js';
import { Ec2Error, invalidValue } from '../engine/errors.js';
import type { FilterSpec } from '../engine/filters.js';
import type { EbsSnapshot } from '../engine/model.js';
import { tagList, tagsFromSpecs } from '../engine/tags.js';
import { getVolume } from '../engine/volume.js';
import { describe } from './describe.js';
import { handlers } from './handler.js';

function snapshotView(s: EbsSnapshot) {
  return {
    SnapshotId: s.id,
    VolumeId: s.volumeId,
    State: s.state,
    StartTime: s.startTime,
    CompletionTime: s.completionTime,
    Progress: s.state === 'completed' ? '100%' : '0%',
    OwnerId: s.ownerId,
    Description: s.description,
    VolumeSize: s.volumeSize,
    Encrypted: s.encrypted,
    KmsKeyId: s.kmsKeyId,
    StorageTier: 'standard' as const,
    Tags: tagList(s.tags),
  };
}

const snapshotFilters: FilterSpec<EbsSnapshot> = {
  resourceName: 'snapshot',
  tags: (s) => s.tags,
  getters: {
    description: (s) => s.description,
    encrypted: (s) => s.encrypted,
    'owner-alias': () => undefined,
    'owner-id': (s) => s.ownerId,
    progress: (s) => (s.state === 'completed' ? '100%' : '0%'),
    'snapshot-id': (s) => s.id,
    'start-time': (s) => s.startTime.toISOString(),
    status: (s) => s.state,
    'storage-tier': () => 'standard',
    'volume-id': (s) => s.volumeId,
    'volume-size': (s) => s.volumeSize,
  },
};

/** `OwnerIds`: `self`, `amazon` and account ids; only the caller's own snapshots exist to be listed. */
function ownerFilter(region: RegionState, owners: readonly string[] | undefined): (s: EbsSnapshot) => boolean {
  if (!owners?.length) return () => true;
  for (const o of owners) {
    if (o !== 'self' && o !== 'amazon' && o !== 'aws-marketplace' && !/^[0-9]{12}$/.test(o))
      throw new Ec2Error('InvalidUserID.Malformed', `User ID '${o}' is invalid`);
  }
  const self = owners.includes('self') || owners.includes(region.accountId);
  return () => self;
}

export const snapshotHandlers = handlers({
  CreateSnapshot: (ctx, input) => {
    const volume = getVolume(ctx.region, input.VolumeId);
    const description = input.Description ?? '';
    if (description.length > 255) throw invalidValue('The description of a snapshot can be at most 255 characters long.');
    const tags = tagsFromSpecs(input.TagSpecifications, 'snapshot');
    // The create answer carries the tag set even when empty: the AWS CLI reference's create-snapshot
    // example shows "Tags": [], and amazon.aws ec2_snapshot reads snapshot['Tags'] straight after
    // CreateSnapshot. Nothing shows DescribeSnapshots doing the same (ec2_snapshot_info
    // allows for an absent `Tags`), so this is not a per-shape rule in always-present.ts.
    const view = snapshotView(createSnapshot(ctx.region, volume, description, tags));
    return { ...view, Tags: view.Tags ?? [] };
  },

  DescribeSnapshots: (ctx, input) => {
    const region = ctx.region;
    // "between 5 and 1,000; if MaxResults is given a value larger than 1,000, only 1,000 results are returned" (API reference).
    if (input.MaxResults !== undefined && input.MaxResults < 5) {
      throw invalidValue(`Value ( ${input.MaxResults} ) for parameter maxResults is invalid. Expecting a value greater than 4.`);
    }
    const owned = ownerFilter(region, input.OwnerIds);
    const maxResults = input.MaxResults === undefined ? undefined : Math.min(input.MaxResults, 1000);
    const page = describe(
      ctx,
      { ...input, MaxResults: maxResults },
      snapshotFilters,
      input.SnapshotIds,
      (id) => getSnapshot(region, id),
      () => [...region.snapshots.values()].filter(owned),
      'snapshotIds',
    );
    return { Snapshots: page.items.map(snapshotView), NextToken: page.nextToken };
  },

  DeleteSnapshot: (ctx, input) => {
    const snapshot = getSnapshot(ctx.region, input.SnapshotId);
    checkSnapshotNotInUse(ctx.region, snapshot.id);
    deleteSnapshot(ctx.region, snapshot);
    return {};
  },
});
