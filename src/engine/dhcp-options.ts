/**
 * DHCP options sets: the account's default set in each region, custom sets, and the one set (or
 * `default`, meaning none) each VPC uses. Rules from the Amazon VPC User Guide ("DHCP option
 * sets in Amazon VPC") and the EC2 API reference (CreateDhcpOptions, AssociateDhcpOptions).
 */
import type { RegionState } from './cloud.js';
import { Ec2Error, invalidValue, missingParam } from './errors.js';
import { checkId, ID_KINDS, notFound } from './ids.js';
import type { Tags, Vpc } from './model.js';
import type { DhcpConfiguration, DhcpOptions } from './routing-model.js';

export function getDhcpOptions(region: RegionState, id: string): DhcpOptions {
  checkId(ID_KINDS.dhcpOptions, id);
  const d = region.dhcpOptions.get(id);
  if (!d) throw notFound(ID_KINDS.dhcpOptions, id);
  return d;
}

/**
 * The default set's contents: the Amazon DNS server and the region's internal domain
 * (`ec2.internal` in us-east-1, `<region>.compute.internal` elsewhere; VPC User Guide, "DHCP option set concepts").
 */
export function defaultDomainName(regionName: string): string {
  return regionName === 'us-east-1' ? 'ec2.internal' : `${regionName}.compute.internal`;
}

/** Records the default set under the id the world drew for it (no draw of its own). */
export function recordDefaultDhcpOptions(region: RegionState, id: string): void {
  if (region.dhcpOptions.has(id)) return;
  const set: DhcpOptions = {
    id,
    resourceType: 'dhcp-options',
    ownerId: region.accountId,
    configurations: [
      { key: 'domain-name', values: [defaultDomainName(region.name)] },
      { key: 'domain-name-servers', values: ['AmazonProvidedDNS'] },
    ],
    tags: new Map(),
  };
  region.dhcpOptions.set(id, region.register(set));
}

/** The options CreateDhcpOptions takes (API reference, NewDhcpConfiguration). */
const KEYS = new Set(['domain-name', 'domain-name-servers', 'ntp-servers', 'netbios-name-servers', 'netbios-node-type', 'ipv6-address-preferred-lease-time']);

export interface DhcpConfigurationInput {
  readonly Key?: string;
  readonly Values?: readonly string[];
}

/** Checks every configuration first; a refused request makes nothing. */
export function createDhcpOptions(region: RegionState, input: readonly DhcpConfigurationInput[] | undefined, tags: Tags): DhcpOptions {
  if (!input || input.length === 0) throw missingParam('dhcpConfiguration');
  const configurations: DhcpConfiguration[] = [];
  for (const c of input) {
    if (c.Key === undefined) throw missingParam('dhcpConfiguration.key');
    if (!KEYS.has(c.Key)) throw invalidValue(`Value (${c.Key}) for parameter name is invalid. Unknown DHCP option`);
    if (configurations.some((x) => x.key === c.Key)) throw invalidValue(`Value (${c.Key}) for parameter name is invalid. Duplicate DHCP option`);
    const values = [...(c.Values ?? [])];
    if (values.length === 0) throw invalidValue(`Value for parameter ${c.Key} is invalid. At least one value is required`);
    checkValues(c.Key, values);
    configurations.push({ key: c.Key, values });
  }
  const set: DhcpOptions = { id: region.ids.next(ID_KINDS.dhcpOptions), resourceType: 'dhcp-options', ownerId: region.accountId, configurations, tags };
  region.dhcpOptions.set(set.id, region.register(set));
  return set;
}

/** At most four name, NTP and NetBIOS servers; node type 1, 2, 4 or 8 (VPC User Guide, "DHCP option set concepts"). */
function checkValues(key: string, values: string[]): void {
  if ((key === 'domain-name-servers' || key === 'ntp-servers' || key === 'netbios-name-servers') && values.length > 4) {
    throw invalidValue(`Value for parameter ${key} is invalid. Up to four servers can be specified`);
  }
  if (key === 'netbios-node-type' && (values.length !== 1 || !['1', '2', '4', '8'].includes(values[0]!))) {
    throw invalidValue(`Value (${values.join(',')}) for parameter netbios-node-type is invalid. Valid values are 1, 2, 4 or 8`);
  }
}

/** `default` detaches any set from the VPC (DescribeVpcs then shows `default`). */
export function associateDhcpOptions(region: RegionState, id: string, vpc: Vpc): void {
  if (id !== 'default') getDhcpOptions(region, id);
  vpc.dhcpOptionsId = id;
}

/** Observed: "The dhcpOptions 'dopt-…' has dependencies and cannot be deleted." (DependencyViolation while a VPC uses it). */
export function deleteDhcpOptions(region: RegionState, set: DhcpOptions): void {
  for (const vpc of region.vpcs.values()) {
    if (vpc.dhcpOptionsId === set.id) throw new Ec2Error('DependencyViolation', `The dhcpOptions '${set.id}' has dependencies and cannot be deleted.`);
  }
  region.dhcpOptions.delete(set.id);
  region.unregister(set.id);
}
