/**
 * The JSON the web console reads: shared by the server routes (src/console/) and the front end
 * (console/src/), which imports these types only. No runtime code here.
 */

/** One account × region world that exists. */
export interface WorldRef {
  readonly account: string;
  readonly region: string;
  readonly vpcCount: number;
  readonly interfaceCount: number;
}

export interface WorldsResponse {
  readonly defaultAccount: string;
  readonly defaultRegion: string;
  readonly worlds: WorldRef[];
  /** Why the console only reads, when it does (signature checking is on). */
  readonly readOnly?: string;
}

export interface VpcSummary {
  readonly id: string;
  readonly name?: string;
  readonly cidrs: string[];
  readonly ipv6Cidrs: string[];
  readonly isDefault: boolean;
  readonly state: string;
  /** The internet gateway attached to it, if any (Elastic IPs can only be mapped into a VPC that has one). */
  readonly internetGatewayId?: string;
  readonly subnetCount: number;
  readonly interfaceCount: number;
  readonly instanceCount: number;
}

/** Address usage of a subnet's IPv4 block: used + reserved + free = total. */
export interface SubnetUsage {
  readonly total: number;
  readonly reserved: number;
  /** Taken one by one or inside delegated /28 prefixes. */
  readonly used: number;
  readonly free: number;
  readonly prefixes: number;
}

export interface SubnetNode {
  readonly id: string;
  readonly name?: string;
  readonly cidr: string;
  readonly ipv6Cidrs: string[];
  readonly zone: string;
  readonly zoneId: string;
  readonly defaultForAz: boolean;
  readonly usage: SubnetUsage;
  /** The route table the subnet uses: its explicit association, else the VPC's main table. */
  readonly routeTableId?: string;
  /** True when the subnet has no explicit association and follows the main table. */
  readonly routeTableImplicit: boolean;
  readonly networkAclId?: string;
}

/** One route as the console draws it: destination → target, and whether the target is there. */
export interface RouteNode {
  /** IPv4 or IPv6 block, or prefix list id. */
  readonly destination: string;
  /** `local`, igw-…, eni-…, nat-…, pcx-…, eigw-…: what the traffic goes to. */
  readonly target: string;
  /** The instance behind an interface target, when there is one. */
  readonly instanceId?: string;
  readonly state: 'active' | 'blackhole';
  readonly origin: string;
}

export interface RouteTableNode {
  readonly id: string;
  readonly name?: string;
  readonly main: boolean;
  /** Subnets associated explicitly. */
  readonly subnetIds: string[];
  /** For the main table: the subnets that use it because they have no explicit association. */
  readonly implicitSubnetIds: string[];
  readonly routes: RouteNode[];
}

/** A VPC peering connection of the drawn VPC, seen from this VPC's end. */
export interface PeeringNode {
  readonly id: string;
  readonly name?: string;
  /** initiating-request, pending-acceptance, provisioning, active, deleting, deleted, rejected, failed, expired. */
  readonly state: string;
  /** Which end this VPC is. */
  readonly role: 'requester' | 'accepter';
  readonly peerVpcId: string;
  readonly peerOwnerId: string;
  readonly peerRegion: string;
  /** The peer VPC's IPv4 blocks while the connection stands and the VPC exists. */
  readonly peerCidrs: string[];
}

/**
 * A Site-to-Site VPN connection of the drawn VPC (its virtual private gateway is attached to it):
 * the customer gateway at the far end, the tunnels' AWS-side outside addresses and the static routes.
 */
export interface VpnConnectionNode {
  readonly id: string;
  readonly name?: string;
  /** pending, available, modifying, deleting, deleted. */
  readonly state: string;
  readonly vpnGatewayId: string;
  readonly customerGatewayId: string;
  readonly customerGatewayName?: string;
  readonly customerGatewayIp?: string;
  readonly customerGatewayAsn?: number;
  readonly staticRoutesOnly: boolean;
  readonly routes: string[];
  readonly tunnelOutsideIps: string[];
}

export interface InstanceNode {
  readonly id: string;
  readonly name?: string;
  readonly type: string;
  readonly state: string;
  readonly subnetId: string;
  readonly zone: string;
  /** Attached interfaces in device order. */
  readonly interfaceIds: string[];
}

export interface AddressNode {
  readonly ip: string;
  readonly primary: boolean;
  /** Allocation id of the Elastic IP mapped to this address. */
  readonly eip?: string;
}

export interface InterfaceNode {
  readonly id: string;
  readonly name?: string;
  readonly description: string;
  readonly subnetId: string;
  readonly zone: string;
  readonly status: string;
  readonly type: string;
  /**
   * Made and owned by a service (NAT gateway, VPC endpoint, load balancer…), not by the account:
   * drawn as its own kind of box in its subnet, never among the interfaces a person attaches.
   */
  readonly requesterManaged: boolean;
  /** Who manages it (RequesterId): a service principal or account. */
  readonly requesterId?: string;
  readonly addresses: AddressNode[];
  readonly ipv6: string[];
  /** Delegated prefixes: IPv4 /28s, then IPv6 /80s. */
  readonly prefixes: string[];
  /** Auto-assigned public IPv4 (not an Elastic IP), on the primary address. */
  readonly publicIp?: string;
  readonly attachment?: {
    readonly instanceId: string;
    readonly deviceIndex: number;
    readonly networkCardIndex: number;
    readonly status: string;
    readonly deleteOnTermination: boolean;
  };
}

export interface ElasticIpNode {
  readonly allocationId: string;
  readonly publicIp: string;
  readonly name?: string;
  readonly association?: { readonly associationId: string; readonly networkInterfaceId: string; readonly privateIp: string };
}

export interface TopologyResponse {
  readonly account: string;
  readonly region: string;
  /** Every VPC of the world, for the VPC tabs. */
  readonly vpcs: VpcSummary[];
  /** The VPC drawn (the requested one, else the default VPC, else the first). */
  readonly vpcId?: string;
  readonly subnets: SubnetNode[];
  readonly instances: InstanceNode[];
  readonly interfaces: InterfaceNode[];
  /** Every Elastic IP of the world: those on this VPC's addresses and the unassociated ones. */
  readonly elasticIps: ElasticIpNode[];
  /** The VPC's route tables, the main one first. */
  readonly routeTables: RouteTableNode[];
  /** The VPC's peering connections (both ends' worlds show them), by id. */
  readonly peerings: PeeringNode[];
  /** The VPN connections of the virtual private gateway attached to the VPC, by id. */
  readonly vpnConnections: VpnConnectionNode[];
  /** When the next scheduled transition (pending → running, attaching → attached…) is due (ms since epoch). */
  readonly nextChangeAt?: number;
  readonly serverTime: number;
}

/** The request the console sends to act: one EC2 Query action with its wire parameters. */
export interface ActionRequest {
  readonly account: string;
  readonly region: string;
  readonly action: string;
  readonly params: Record<string, string>;
}

export interface ActionResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly action: string;
  readonly requestId: string;
  readonly errorCode?: string;
  readonly message?: string;
}

/**
 * A server-sent event on /console/api/events. On connecting, the stream first sends one
 * `backlog` event whose data is an ActivityEntry[] (the recent past), then live events.
 */
export type ConsoleEvent =
  | {
      readonly type: 'activity';
      readonly seq: number;
      readonly time: string;
      readonly action: string;
      readonly accessKeyId: string;
      readonly account: string;
      readonly region: string;
      readonly status: number;
      readonly errorCode?: string;
      readonly requestId: string;
      readonly readOnly: boolean;
      readonly origin: string;
      readonly ms: number;
    }
  /** The whole state was replaced (reset or import): every view reloads. */
  | { readonly type: 'reset'; readonly seq: number };

export type ActivityEntry = Extract<ConsoleEvent, { type: 'activity' }>;

/** One attached interface in the Linux data plane (GET /console/api/dataplane). */
export interface InterfaceCounters {
  readonly networkInterfaceId: string;
  readonly instanceId: string;
  readonly device: string;
  /** The instance's link as the router sees it: `up`, or `down` (stopped, or not yet up). */
  readonly link: 'up' | 'down';
  /** Packets and bytes the instance sent on this interface, and those delivered to it. */
  readonly sent: { packets: number; bytes: number };
  readonly received: { packets: number; bytes: number };
  /** Packets its security groups dropped on the way in and out (since the rules last changed). */
  readonly droppedBySecurityGroups: { inbound: number; outbound: number };
}

/** GET /console/api/dataplane: whether the data plane is on (--dataplane netns), and its interfaces. */
export interface DataplaneResponse {
  readonly on: boolean;
  readonly interfaces: readonly InterfaceCounters[];
}
