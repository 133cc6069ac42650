/**
 * The records of what surrounds the interfaces in a VPC: route tables and their associations,
 * network ACLs and theirs, DHCP options sets. Plain data only (ids, strings, numbers), kept in
 * Maps on RegionState; behaviour lives in route-table.ts, network-acl.ts, dhcp-options.ts.
 */
import type { Taggable } from './model.js';

/**
 * One route: exactly one destination and one target. Its state (active / blackhole) is not
 * stored: it follows from whether the target is there now (see routeState in route-table.ts).
 */
export interface Route {
  readonly destinationCidrBlock?: string;
  readonly destinationIpv6CidrBlock?: string;
  readonly destinationPrefixListId?: string;
  /** `local`, or an internet gateway id. */
  readonly gatewayId?: string;
  /** The instance a route was created for (AWS resolves it to the instance's interface). */
  readonly instanceId?: string;
  readonly networkInterfaceId?: string;
  readonly natGatewayId?: string;
  readonly egressOnlyInternetGatewayId?: string;
  readonly vpcPeeringConnectionId?: string;
  readonly origin: 'CreateRouteTable' | 'CreateRoute' | 'EnableVgwRoutePropagation';
}

export interface RouteTable extends Taggable {
  readonly resourceType: 'route-table';
  readonly ownerId: string;
  readonly vpcId: string;
  /** Local routes first (one per VPC block), then the others in the order they were made. */
  readonly routes: Route[];
}

/**
 * A subnet's explicit association, the VPC's main association (exactly one per VPC), or a gateway's
 * edge association (see gateway-route-table.ts), which stays listed as `disassociated` once it ends.
 */
export interface RouteTableAssociation {
  readonly id: string;
  readonly routeTableId: string;
  readonly vpcId: string;
  readonly main: boolean;
  readonly subnetId?: string;
  readonly gatewayId?: string;
  /** Absent while the association is in force. */
  state?: 'disassociated';
}

export interface NetworkAclEntry {
  readonly ruleNumber: number;
  readonly egress: boolean;
  /** `-1` (all) or a protocol number, as AWS shows it. */
  readonly protocol: string;
  readonly ruleAction: 'allow' | 'deny';
  readonly cidrBlock?: string;
  readonly ipv6CidrBlock?: string;
  readonly icmpType?: number;
  readonly icmpCode?: number;
  readonly portFrom?: number;
  readonly portTo?: number;
}

export interface NetworkAcl extends Taggable {
  readonly resourceType: 'network-acl';
  readonly ownerId: string;
  readonly vpcId: string;
  readonly isDefault: boolean;
  /** Sorted by direction then rule number. */
  entries: NetworkAclEntry[];
}

/** Every subnet has exactly one, always. */
export interface NetworkAclAssociation {
  readonly id: string;
  readonly networkAclId: string;
  readonly subnetId: string;
}

export interface DhcpConfiguration {
  readonly key: string;
  readonly values: string[];
}

export interface DhcpOptions extends Taggable {
  readonly resourceType: 'dhcp-options';
  readonly ownerId: string;
  readonly configurations: DhcpConfiguration[];
}

/** A NAT gateway: its requester-managed interface holds the private address (and the Elastic IP, when public). */
export interface NatGateway extends Taggable {
  readonly resourceType: 'natgateway';
  readonly ownerId: string;
  readonly vpcId: string;
  readonly subnetId: string;
  readonly connectivityType: 'public' | 'private';
  state: 'pending' | 'available' | 'failed' | 'deleting' | 'deleted';
  readonly createTime: number;
  deleteTime?: number;
  /** Why it failed (its FailureCode and FailureMessage); decided when it is made, shown when it settles. */
  readonly failure?: { readonly code: string; readonly message: string };
  /** Its interface while it has one (until deleted). */
  networkInterfaceId?: string;
  readonly allocationId?: string;
  readonly publicIp?: string;
  readonly privateIp?: string;
}

/** An egress-only internet gateway: attached to its VPC from creation, for outbound IPv6 only. */
export interface EgressOnlyInternetGateway extends Taggable {
  readonly resourceType: 'egress-only-internet-gateway';
  readonly ownerId: string;
  readonly vpcId: string;
}
