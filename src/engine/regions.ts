/**
 * Static catalogue of the AWS commercial partition (`aws`): every Region with its EC2 endpoint,
 * opt-in status and Availability Zones, as DescribeRegions / DescribeAvailabilityZones report them.
 *
 * Sources (facts only): AWS "Regions and Availability Zones" guide (Region list, launch history up to
 * ap-southeast-6 in Sept 2025; AZ ID format), the EC2 API reference (AvailabilityZone shape, GroupName
 * example `us-east-1-zg-1`), and ../shared/reference/aws-behaviour.md ("Regions and AZs").
 *
 * Conventions of this emulator:
 * - Regions launched after 20 March 2019 are opt-in regions; we report them as `opted-in` (the emulated
 *   account has enabled all of them). Older regions are `opt-in-not-required`.
 * - AWS maps zone names to zone IDs per account in its oldest regions; we use one fixed snapshot.
 *   Elsewhere (uniform mapping) letter N of the alphabet is `<prefix>-azN`.
 * - Zones are the standard Availability Zones only (no Local Zones / Wavelength Zones), so every zone
 *   is `availability-zone`, `available`, `opt-in-not-required`, in zone group `<region>-zg-1` and
 *   network border group `<region>`.
 * - China and GovCloud partitions (and the European Sovereign Cloud) are not included.
 */

export type RegionOptInStatus = 'opt-in-not-required' | 'opted-in' | 'not-opted-in';
export type ZoneState = 'available' | 'information' | 'impaired' | 'unavailable' | 'constrained';
export type ZoneType = 'availability-zone' | 'local-zone' | 'wavelength-zone';

export interface ZoneInfo {
  /** e.g. `us-east-1a` */
  readonly zoneName: string;
  /** e.g. `use1-az6` */
  readonly zoneId: string;
  readonly regionName: string;
  /** Zone group, e.g. `us-east-1-zg-1` */
  readonly groupName: string;
  /** e.g. `us-east-1` */
  readonly networkBorderGroup: string;
  readonly optInStatus: 'opt-in-not-required' | 'opted-in' | 'not-opted-in';
  readonly zoneType: ZoneType;
  readonly state: ZoneState;
}

export interface RegionInfo {
  /** e.g. `us-east-1` */
  readonly name: string;
  /** e.g. `ec2.us-east-1.amazonaws.com` */
  readonly endpoint: string;
  readonly optInStatus: RegionOptInStatus;
  readonly zones: readonly ZoneInfo[];
}

export const DEFAULT_REGION = 'us-east-1';

/**
 * Zones of a region: either a string of zone letters (uniform mapping, letter k of the alphabet gets
 * `-az<k>`), or an explicit letter → AZ-number map (the per-account-mapped snapshot).
 */
type ZoneSpec = string | Readonly<Record<string, number>>;

/** [region, is opt-in region, zones] */
const TABLE: ReadonlyArray<readonly [string, boolean, ZoneSpec]> = [
  ['af-south-1', true, 'abc'],
  ['ap-east-1', true, 'abc'],
  ['ap-east-2', true, 'abc'],
  ['ap-northeast-1', false, { a: 4, c: 1, d: 2 }],
  ['ap-northeast-2', false, 'abcd'],
  ['ap-northeast-3', false, 'abc'],
  ['ap-south-1', false, { a: 1, b: 3, c: 2 }],
  ['ap-south-2', true, 'abc'],
  ['ap-southeast-1', false, 'abc'],
  ['ap-southeast-2', false, { a: 1, b: 3, c: 2 }],
  ['ap-southeast-3', true, 'abc'],
  ['ap-southeast-4', true, 'abc'],
  ['ap-southeast-5', true, 'abc'],
  ['ap-southeast-6', true, 'abc'],
  ['ap-southeast-7', true, 'abc'],
  ['ca-central-1', false, { a: 1, b: 2, d: 4 }],
  ['ca-west-1', true, 'abc'],
  ['eu-central-1', false, 'abc'],
  ['eu-central-2', true, 'abc'],
  ['eu-north-1', false, 'abc'],
  ['eu-south-1', true, 'abc'],
  ['eu-south-2', true, 'abc'],
  ['eu-west-1', false, { a: 3, b: 1, c: 2 }],
  ['eu-west-2', false, { a: 2, b: 3, c: 1 }],
  ['eu-west-3', false, 'abc'],
  ['il-central-1', true, 'abc'],
  ['me-central-1', true, 'abc'],
  ['me-south-1', true, 'abc'],
  ['mx-central-1', true, 'abc'],
  ['sa-east-1', false, 'abc'],
  ['us-east-1', false, { a: 6, b: 1, c: 2, d: 4, e: 3, f: 5 }],
  ['us-east-2', false, 'abc'],
  ['us-west-1', false, { a: 3, b: 1 }],
  ['us-west-2', false, { a: 2, b: 1, c: 3, d: 4 }],
];

const DIRECTION_ABBREV: Readonly<Record<string, string>> = {
  east: 'e',
  west: 'w',
  north: 'n',
  south: 's',
  central: 'c',
  northeast: 'ne',
  northwest: 'nw',
  southeast: 'se',
  southwest: 'sw',
};

/** AWS's AZ-ID prefix: `us-east-1` → `use1`, `ap-southeast-7` → `apse7`, `mx-central-1` → `mxc1`. */
function zoneIdPrefix(region: string): string {
  const m = /^([a-z]{2})-([a-z]+)-(\d+)$/.exec(region);
  const dir = m && DIRECTION_ABBREV[m[2]!];
  if (!m || dir === undefined) throw new Error(`cannot derive zone-id prefix for region ${region}`);
  return `${m[1]}${dir}${m[3]}`;
}

function buildRegion(name: string, optIn: boolean, spec: ZoneSpec): RegionInfo {
  const prefix = zoneIdPrefix(name);
  const entries: Array<[string, number]> =
    typeof spec === 'string' ? [...spec].map((letter) => [letter, letter.charCodeAt(0) - 'a'.charCodeAt(0) + 1]) : Object.entries(spec);
  const zones = entries
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([letter, n]): ZoneInfo =>
      Object.freeze({
        zoneName: `${name}${letter}`,
        zoneId: `${prefix}-az${n}`,
        regionName: name,
        groupName: `${name}-zg-1`,
        networkBorderGroup: name,
        optInStatus: 'opt-in-not-required',
        zoneType: 'availability-zone',
        state: 'available',
      }),
    );
  return Object.freeze({
    name,
    endpoint: `ec2.${name}.amazonaws.com`,
    optInStatus: optIn ? 'opted-in' : 'opt-in-not-required',
    zones: Object.freeze(zones),
  });
}

export const REGIONS: readonly RegionInfo[] = Object.freeze(TABLE.map(([name, optIn, spec]) => buildRegion(name, optIn, spec)));

const BY_NAME: ReadonlyMap<string, RegionInfo> = new Map(REGIONS.map((r) => [r.name, r]));

/** The region called `name` (exact, case-sensitive), or undefined. */
export function findRegion(name: string): RegionInfo | undefined {
  return BY_NAME.get(name);
}

/** The zone of `region` whose ZoneName or ZoneId is `nameOrId`, or undefined. */
export function findZone(region: RegionInfo, nameOrId: string): ZoneInfo | undefined {
  return region.zones.find((z) => z.zoneName === nameOrId || z.zoneId === nameOrId);
}
