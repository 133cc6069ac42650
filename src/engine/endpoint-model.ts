/**
 * The records of prefix lists and VPC endpoints: plain data kept in Maps on RegionState;
 * behaviour lives in prefix-list.ts and vpc-endpoint.ts.
 */
import type { Taggable } from './model.js';

export interface PrefixListEntry {
  readonly cidr: string;
  readonly description?: string;
}

/** A customer-managed prefix list. AWS-managed lists are not stored: they follow from the region (aws-prefix-lists.ts). */
export interface ManagedPrefixList extends Taggable {
  readonly resourceType: 'prefix-list';
  readonly ownerId: string;
  name: string;
  readonly addressFamily: 'IPv4' | 'IPv6';
  maxEntries: number;
  version: number;
  state: 'create-complete' | 'modify-complete' | 'restore-complete';
  /** The entries of the current version, sorted by CIDR. */
  entries: PrefixListEntry[];
  /** Every version's entries, oldest first (GetManagedPrefixListEntries' TargetVersion, RestoreManagedPrefixListVersion). */
  readonly versions: { readonly version: number; readonly entries: PrefixListEntry[] }[];
}

export type VpcEndpointType = 'Gateway' | 'Interface';

export interface VpcEndpoint extends Taggable {
  readonly resourceType: 'vpc-endpoint';
  readonly ownerId: string;
  readonly vpcId: string;
  readonly serviceName: string;
  readonly type: VpcEndpointType;
  state: 'pending' | 'available' | 'deleting';
  policyDocument?: string;
  /** Gateway endpoints: the tables holding a route to the service's prefix list. */
  readonly routeTableIds: string[];
  /** Interface endpoints: one subnet per zone, each with one requester-managed interface (same order). */
  readonly subnetIds: string[];
  readonly networkInterfaceIds: string[];
  readonly groupIds: string[];
  privateDnsEnabled: boolean;
  readonly createTime: number;
}
