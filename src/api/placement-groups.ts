/** Placement group operations: CreatePlacementGroup, DescribePlacementGroups, DeletePlacementGroup. */
import { compileFilters, type FilterSpec } from '../engine/filters.js';
import type { PlacementGroup } from '../engine/model.js';
import type { RegionState } from '../engine/cloud.js';
import { createPlacementGroup, deletePlacementGroup, getPlacementGroupById, getPlacementGroupByName, placementGroupArn } from '../engine/placement-group.js';
import { tagList, tagsFromSpecs } from '../engine/tags.js';
import { handlers } from './handler.js';

/** The filters the DescribePlacementGroups reference lists (it lists no group-id filter: ids go in GroupIds). */
export const placementGroupFilters = (region: RegionState): FilterSpec<PlacementGroup> => ({
  resourceName: 'placement-group',
  tags: (g) => g.tags,
  getters: {
    'group-name': (g) => g.name,
    'group-arn': (g) => placementGroupArn(region, g),
    state: (g) => g.state,
    strategy: (g) => g.strategy,
    'spread-level': (g) => g.spreadLevel,
  },
});

function placementGroupView(region: RegionState, g: PlacementGroup) {
  return {
    GroupName: g.name,
    State: g.state,
    Strategy: g.strategy,
    PartitionCount: g.partitionCount,
    GroupId: g.id,
    Tags: tagList(g.tags) ?? [],
    GroupArn: placementGroupArn(region, g),
    SpreadLevel: g.spreadLevel,
  };
}

export const placementGroupHandlers = handlers({
  CreatePlacementGroup: (ctx, input) => {
    const tags = tagsFromSpecs(input.TagSpecifications, 'placement-group');
    const g = createPlacementGroup(ctx.region, {
      name: input.GroupName,
      strategy: input.Strategy,
      partitionCount: input.PartitionCount,
      spreadLevel: input.SpreadLevel,
      tags,
    });
    return { PlacementGroup: placementGroupView(ctx.region, g) };
  },

  DescribePlacementGroups: (ctx, input) => {
    const match = compileFilters(placementGroupFilters(ctx.region), input.Filters);
    // Every name and id given must exist (InvalidPlacementGroup.Unknown), each listed once.
    const chosen = new Map<string, PlacementGroup>();
    for (const name of input.GroupNames ?? []) {
      const g = getPlacementGroupByName(ctx.region, name);
      chosen.set(g.id, g);
    }
    for (const id of input.GroupIds ?? []) {
      const g = getPlacementGroupById(ctx.region, id);
      chosen.set(g.id, g);
    }
    const pool = input.GroupNames?.length || input.GroupIds?.length ? chosen.values() : ctx.region.placementGroups.values();
    const items = [...pool].filter(match).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { PlacementGroups: items.map((g) => placementGroupView(ctx.region, g)) };
  },

  DeletePlacementGroup: (ctx, input) => {
    deletePlacementGroup(ctx.region, input.GroupName);
    return {};
  },
});
