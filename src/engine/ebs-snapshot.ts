/**
 * EBS snapshots of the account's volumes: CreateSnapshot copies a volume's size and encryption and
 * goes `pending` → `completed` on the world's clock; volumes can then be made from it (CreateVolume,
 * block device mappings). No data is kept: a snapshot is its metadata. Sources: EC2 API reference,
 * CreateSnapshot, DescribeSnapshots, DeleteSnapshot; Amazon EBS User Guide, "Amazon EBS snapshots".
 */
import type { RegionState } from './cloud.js';
import { checkId, ID_KINDS, notFound } from './ids.js';
import type { EbsSnapshot, Tags, Volume } from './model.js';
import { TIMER_HANDLERS } from './timers.js';

export function getSnapshot(region: RegionState, id: string): EbsSnapshot {
  checkId(ID_KINDS.snapshot, id);
  const s = region.snapshots.get(id);
  if (!s) throw notFound(ID_KINDS.snapshot, id);
  return s;
}

export function createSnapshot(region: RegionState, volume: Volume, description: string, tags: Tags): EbsSnapshot {
  const snapshot: EbsSnapshot = {
    id: region.ids.next(ID_KINDS.snapshot),
    resourceType: 'snapshot',
    ownerId: region.accountId,
    volumeId: volume.id,
    volumeSize: volume.size,
    description,
    startTime: region.now(),
    encrypted: volume.encrypted,
    kmsKeyId: volume.kmsKeyId,
    state: 'pending',
    tags,
  };
  region.snapshots.set(snapshot.id, region.register(snapshot));
  const delay = region.cloud.timings.pendingMs;
  if (delay <= 0) TIMER_HANDLERS.get('snapshot-completed')!(region, snapshot.id);
  else region.schedule(region.now().getTime() + delay, 'snapshot-completed', snapshot.id);
  return snapshot;
}

TIMER_HANDLERS.set('snapshot-completed', (region, id) => {
  const s = region.snapshots.get(id);
  if (s?.state !== 'pending') return;
  s.state = 'completed';
  s.completionTime = region.now();
});

export function deleteSnapshot(region: RegionState, snapshot: EbsSnapshot): void {
  region.snapshots.delete(snapshot.id);
  region.unregister(snapshot.id);
  region.unschedule(snapshot.id);
}
