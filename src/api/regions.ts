/** DescribeRegions and DescribeAvailabilityZones. */
import { invalidValue } from '../engine/errors.js';
import { compileFilters, type FilterSpec } from '../engine/filters.js';
import { findRegion, REGIONS, type RegionInfo, type ZoneInfo } from '../engine/regions.js';
import { handlers } from './handler.js';

const regionFilters: FilterSpec<RegionInfo> = {
  resourceName: 'region',
  getters: {
    endpoint: (r) => r.endpoint,
    'region-name': (r) => r.name,
    'opt-in-status': (r) => r.optInStatus,
  },
};

const zoneFilters: FilterSpec<ZoneInfo> = {
  resourceName: 'availability zone',
  getters: {
    'group-long-name': () => undefined,
    'group-name': (z) => z.groupName,
    message: () => undefined,
    'network-border-group': (z) => z.networkBorderGroup,
    'opt-in-status': (z) => z.optInStatus,
    'parent-zone-id': () => undefined,
    'parent-zone-name': () => undefined,
    'region-name': (z) => z.regionName,
    state: (z) => z.state,
    'zone-id': (z) => z.zoneId,
    'zone-name': (z) => z.zoneName,
    'zone-type': (z) => z.zoneType,
  },
};

export const regionHandlers = handlers({
  DescribeRegions: (_ctx, input) => {
    const match = compileFilters(regionFilters, input.Filters);
    const names = input.RegionNames ?? [];
    const unknown = names.filter((n) => !findRegion(n));
    if (unknown.length > 0) throw invalidValue(`Invalid region names: ${unknown.join(', ')}`);
    const chosen = names.length > 0 ? REGIONS.filter((r) => names.includes(r.name)) : REGIONS;
    return {
      Regions: chosen.filter(match).map((r) => ({ RegionName: r.name, Endpoint: r.endpoint, OptInStatus: r.optInStatus })),
    };
  },

  DescribeAvailabilityZones: (ctx, input) => {
    const match = compileFilters(zoneFilters, input.Filters);
    const zones = ctx.region.info.zones;
    const names = input.ZoneNames ?? [];
    const ids = input.ZoneIds ?? [];
    const badNames = names.filter((n) => !zones.some((z) => z.zoneName === n));
    if (badNames.length > 0) throw invalidValue(`Invalid availability zone: [${badNames.join(', ')}]`);
    const badIds = ids.filter((n) => !zones.some((z) => z.zoneId === n));
    if (badIds.length > 0) throw invalidValue(`Invalid availability zone id: [${badIds.join(', ')}]`);
    const chosen = names.length + ids.length > 0 ? zones.filter((z) => names.includes(z.zoneName) || ids.includes(z.zoneId)) : zones;
    return {
      AvailabilityZones: chosen.filter(match).map((z) => ({
        State: z.state as 'available',
        OptInStatus: z.optInStatus as 'opt-in-not-required',
        Messages: [],
        RegionName: z.regionName,
        ZoneName: z.zoneName,
        ZoneId: z.zoneId,
        GroupName: z.groupName,
        NetworkBorderGroup: z.networkBorderGroup,
        ZoneType: z.zoneType,
      })),
    };
  },
});
