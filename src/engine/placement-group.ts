/**
 * Placement groups (EC2 User Guide, "Placement groups"): cluster, spread and partition groups,
 * one name space per account × region, and where RunInstances puts an instance in one.
 */
import type { RegionState } from './cloud.js';
import { Ec2Error, invalidCombination, invalidValue, missingParam } from './errors.js';
import { checkId, ID_KINDS, notFound } from './ids.js';
import type { Instance, InstancePlacement, PlacementGroup, Tags } from './model.js';
import type { ZoneInfo } from './regions.js';

export type PlacementStrategy = PlacementGroup['strategy'];
export const PLACEMENT_STRATEGIES: readonly PlacementStrategy[] = ['cluster', 'spread', 'partition'];

/** API reference, CreatePlacementGroup / Terraform's aws_placement_group: 1–7 partitions, 2 when not given. */
export const MAX_PARTITIONS = 7;
const DEFAULT_PARTITIONS = 2;

/** Observed: "The Placement Group 'x' is unknown." (InvalidPlacementGroup.Unknown, AWS's error-code list). */
export const placementGroupUnknown = (name: string) => new Ec2Error('InvalidPlacementGroup.Unknown', `The Placement Group '${name}' is unknown.`);

export function findPlacementGroupByName(region: RegionState, name: string): PlacementGroup | undefined {
  for (const g of region.placementGroups.values()) if (g.name === name) return g;
  return undefined;
}

export function getPlacementGroupByName(region: RegionState, name: string): PlacementGroup {
  const g = findPlacementGroupByName(region, name);
  if (!g) throw placementGroupUnknown(name);
  return g;
}

export function getPlacementGroupById(region: RegionState, id: string): PlacementGroup {
  checkId(ID_KINDS.placementGroup, id);
  const g = region.placementGroups.get(id);
  if (!g) throw notFound(ID_KINDS.placementGroup, id);
  return g;
}

export const placementGroupArn = (region: RegionState, g: PlacementGroup) => `arn:aws:ec2:${region.name}:${region.accountId}:placement-group/${g.name}`;

export interface PlacementGroupRequest {
  readonly name?: string;
  readonly strategy?: PlacementStrategy;
  readonly partitionCount?: number;
  readonly spreadLevel?: 'host' | 'rack';
  readonly tags?: Tags;
}

/** CreatePlacementGroup: validates everything, then adds the group, available at once. */
export function createPlacementGroup(region: RegionState, req: PlacementGroupRequest): PlacementGroup {
  const name = req.name;
  if (name === undefined || name === '') throw missingParam('GroupName');
  // API reference: "Constraints: Up to 255 ASCII characters".
  if (name.length > 255 || !/^[\x20-\x7e]+$/.test(name)) throw invalidValue(`Value (${name}) for parameter GroupName is invalid.`);
  if (req.strategy === undefined) throw missingParam('Strategy');
  const strategy = req.strategy;
  if (req.partitionCount !== undefined) {
    // API reference: "PartitionCount: Valid only when Strategy is set to partition."
    if (strategy !== 'partition') throw invalidCombination('PartitionCount can only be specified for a placement group with the partition strategy.');
    if (!Number.isInteger(req.partitionCount) || req.partitionCount < 1 || req.partitionCount > MAX_PARTITIONS) {
      throw invalidValue(`Value (${req.partitionCount}) for parameter PartitionCount is invalid. Valid values are 1 to ${MAX_PARTITIONS}.`);
    }
  }
  if (req.spreadLevel !== undefined) {
    if (strategy !== 'spread') throw invalidCombination('SpreadLevel can only be specified for a placement group with the spread strategy.');
    // API reference: "Host – You can use host only with Outpost placement groups."
    if (req.spreadLevel === 'host')
      throw invalidValue('Value (host) for parameter SpreadLevel is invalid. The host spread level is only supported on Outposts.');
  }
  // Observed: "The placement group 'x' already exists." (FDio/csit#179, from Terraform).
  if (findPlacementGroupByName(region, name)) throw new Ec2Error('InvalidPlacementGroup.Duplicate', `The placement group '${name}' already exists.`);
  const group: PlacementGroup = {
    id: region.ids.next(ID_KINDS.placementGroup),
    resourceType: 'placement-group',
    name,
    strategy,
    // A spread group in a Region is spread across racks (Terraform's aws_placement_group: spread_level defaults to rack).
    ...(strategy === 'partition' ? { partitionCount: req.partitionCount ?? DEFAULT_PARTITIONS } : {}),
    ...(strategy === 'spread' ? { spreadLevel: req.spreadLevel ?? 'rack' } : {}),
    state: 'available',
    tags: req.tags ?? new Map(),
  };
  region.placementGroups.set(group.id, region.register(group));
  return group;
}

/** The instances that hold a group: every one not yet terminated. */
function membersOf(region: RegionState, group: PlacementGroup): Instance[] {
  return [...region.instances.values()].filter((i) => i.placement?.groupId === group.id && i.state !== 'terminated');
}

/** DeletePlacementGroup (by name): refused while an instance is in it. */
export function deletePlacementGroup(region: RegionState, name: string | undefined): PlacementGroup {
  if (name === undefined || name === '') throw missingParam('GroupName');
  const group = getPlacementGroupByName(region, name);
  // EC2 User Guide, "Delete a placement group": terminate or move its instances first.
  if (membersOf(region, group).length > 0) {
    throw new Ec2Error('InvalidPlacementGroup.InUse', `The placement group '${name}' is in use and may not be deleted.`);
  }
  region.placementGroups.delete(group.id);
  region.unregister(group.id);
  return group;
}

export interface PlacementRequest {
  readonly groupName?: string;
  readonly groupId?: string;
  readonly partitionNumber?: number;
}

/**
 * Where `count` instances launched into the group named by `req` go in `zone`, one entry per
 * instance; undefined when no group is asked for. Checks everything before anything is made.
 */
export function planPlacement(region: RegionState, req: PlacementRequest | undefined, zone: ZoneInfo, count: number): InstancePlacement[] | undefined {
  if (!req || ((req.groupName === undefined || req.groupName === '') && (req.groupId === undefined || req.groupId === ''))) {
    if (req?.partitionNumber !== undefined) throw invalidCombination('A partition number can only be specified with a partition placement group.');
    return undefined;
  }
  const group = req.groupId ? getPlacementGroupById(region, req.groupId) : getPlacementGroupByName(region, req.groupName!);
  if (req.groupId && req.groupName && req.groupName !== group.name) {
    throw invalidCombination(`The placement group name '${req.groupName}' and ID '${req.groupId}' do not refer to the same placement group.`);
  }
  const members = membersOf(region, group);
  if (group.strategy === 'cluster') {
    // A cluster group lives in one Availability Zone (observed: bcbio/bcbio-nextgen-vm#45, terraform-provider-aws#1772).
    const elsewhere = members.find((i) => i.zone.zoneName !== zone.zoneName);
    if (elsewhere) {
      throw new Ec2Error(
        'InvalidPlacementGroup.InUse',
        `The placement group '${group.name}' is in use in another availability zone: ${elsewhere.zone.zoneName}`,
      );
    }
  }
  if (group.strategy !== 'partition') {
    if (req.partitionNumber !== undefined) throw invalidCombination('A partition number can only be specified with a partition placement group.');
    return Array.from({ length: count }, () => ({ groupId: group.id, groupName: group.name }));
  }
  const partitions = group.partitionCount!;
  if (req.partitionNumber !== undefined) {
    if (!Number.isInteger(req.partitionNumber) || req.partitionNumber < 1 || req.partitionNumber > partitions) {
      throw invalidValue(
        `Value (${req.partitionNumber}) for parameter PartitionNumber is invalid. The placement group '${group.name}' has ${partitions} partitions.`,
      );
    }
    return Array.from({ length: count }, () => ({ groupId: group.id, groupName: group.name, partitionNumber: req.partitionNumber }));
  }
  // EC2 User Guide, partition placement groups: without a partition number, EC2 spreads the
  // instances evenly across the partitions; each goes where the zone's fewest are.
  const load = new Array<number>(partitions).fill(0);
  for (const i of members) if (i.zone.zoneName === zone.zoneName && i.placement?.partitionNumber) load[i.placement.partitionNumber - 1]!++;
  return Array.from({ length: count }, () => {
    const least = load.indexOf(Math.min(...load));
    load[least]!++;
    return { groupId: group.id, groupName: group.name, partitionNumber: least + 1 };
  });
}
