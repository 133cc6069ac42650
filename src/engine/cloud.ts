/**
 * The whole emulated cloud: accounts × regions, each its own world, created on first use with
 * a default VPC as AWS does. IDs come from one generator so they are unique across all worlds.
 */
import { formatIpv6, parseIpv6Cidr, type Ipv6Cidr } from './cidr.js';
import { IdGenerator } from './ids.js';
import type { IpAllocation } from './ipam.js';
import type {
  AccountImage,
  EbsSnapshot,
  ElasticIp,
  Instance,
  InterfacePermission,
  InternetGateway,
  KeyPair,
  PlacementGroup,
  LaunchTemplate,
  NetworkInterface,
  SecurityGroup,
  Subnet,
  Taggable,
  Volume,
  Vpc,
} from './model.js';
import { MultiIndex } from './multi-index.js';
import { PublicIpPools } from './public-ips.js';
import type {
  DhcpOptions,
  EgressOnlyInternetGateway,
  NatGateway,
  NetworkAcl,
  NetworkAclAssociation,
  RouteTable,
  RouteTableAssociation,
} from './routing-model.js';
import { SeededRandom } from './random.js';
import type { ManagedPrefixList, VpcEndpoint } from './endpoint-model.js';
import type { VpcPeeringSide } from './peering-model.js';
import { VpcSubnets } from './subnet-index.js';
import { TIMER_HANDLERS, type Timer } from './timers.js';
import { TimerQueue } from './timer-queue.js';
import { findRegion, type RegionInfo } from './regions.js';
import { createDefaultVpc } from './vpc.js';
import type { StsSession } from './sts.js';
import type { VpnGateway } from './vpn-gateway.js';
import type { CustomerGateway } from './customer-gateway.js';
import type { VpnConnection } from './vpn-connection.js';

/** Adjustable limits, named after the AWS quotas they mirror. */
export interface Quotas {
  /** Security groups per network interface: 5 by default, adjustable up to 16 on AWS. */
  readonly securityGroupsPerInterface: number;
  /** Elastic IP addresses per region: 5 by default on AWS. */
  readonly elasticIpsPerRegion: number;
  /** Network interfaces per region: 5,000 by default on AWS. */
  readonly networkInterfacesPerRegion: number;
  /** VPCs per region, the default VPC included: 5 by default (Amazon VPC quotas). */
  readonly vpcsPerRegion: number;
  /** Internet gateways per region, the default VPC's included: 5 by default (Amazon VPC quotas). */
  readonly internetGatewaysPerRegion: number;
  /** Active VPC peering connections per VPC: 50 by default (Amazon VPC quotas). */
  readonly activePeeringsPerVpc: number;
  /** Outstanding VPC peering connection requests: 25 by default (Amazon VPC quotas). */
  readonly outstandingPeeringRequests: number;
}

export const DEFAULT_QUOTAS: Quotas = {
  securityGroupsPerInterface: 5,
  elasticIpsPerRegion: 5,
  networkInterfacesPerRegion: 5000,
  vpcsPerRegion: 5,
  internetGatewaysPerRegion: 5,
  activePeeringsPerVpc: 50,
  outstandingPeeringRequests: 25,
};

export interface CloudOptions {
  /** Used for access keys that are not a 12-digit account id. */
  readonly defaultAccountId: string;
  readonly quotas?: Partial<Quotas>;
  /** Public IPv4 pool per region (CIDR text); regions not listed get a default /16 of their own. */
  readonly publicPools?: Readonly<Record<string, string>>;
  readonly ids?: IdGenerator;
  /** Seed of the cloud's random source; the same seed and requests give the same IDs and addresses. */
  readonly seed?: string;
  readonly now?: () => Date;
  readonly lifecycle?: Partial<LifecycleTimings>;
  /** RunInstances refuses image ids outside the built-in catalogue. */
  readonly strictImages?: boolean;
  /**
   * How worlds created from now on pick private IPv4s (ipam.ts). Unset: `lowest`, what a cloud built
   * in code (tests, older callers) always had; the `ec2net` command's default is `random`.
   */
  readonly ipAllocation?: IpAllocation;
}

/** How long transitional states last, and how long terminated instances stay visible (milliseconds). */
export interface LifecycleTimings {
  readonly pendingMs: number;
  readonly stoppingMs: number;
  readonly shuttingDownMs: number;
  readonly attachingMs: number;
  readonly detachingMs: number;
  readonly terminatedVisibleMs: number;
}

export const DEFAULT_TIMINGS: LifecycleTimings = {
  pendingMs: 500,
  stoppingMs: 500,
  shuttingDownMs: 500,
  attachingMs: 200,
  detachingMs: 200,
  terminatedVisibleMs: 60 * 60 * 1000,
};

export class RegionState {
  readonly vpcs = new Map<string, Vpc>();
  readonly subnets = new Map<string, Subnet>();
  /** Subnets per VPC, sorted by address (see subnet-index.ts). */
  private readonly vpcSubnetIndex = new Map<string, VpcSubnets>();
  readonly securityGroups = new Map<string, SecurityGroup>();
  readonly networkInterfaces = new Map<string, NetworkInterface>();
  readonly instances = new Map<string, Instance>();
  /** Transitions waiting for their time (instance states, attachment states), settled at each request. */
  private readonly pending = new TimerQueue();
  /** Internet gateways by id. */
  readonly internetGateways = new Map<string, InternetGateway>();
  /** Network interface permissions by id; they go with their interface. */
  readonly interfacePermissions = new Map<string, InterfacePermission>();
  /** Key pairs by key pair id (names are unique in the world too). */
  readonly keyPairs = new Map<string, KeyPair>();
  /** Placement groups by id (names are unique in the world too). */
  readonly placementGroups = new Map<string, PlacementGroup>();
  /** Launch templates by id (names are unique in the world too). */
  readonly launchTemplates = new Map<string, LaunchTemplate>();
  /** Elastic IPs by allocation id. */
  readonly elasticIps = new Map<string, ElasticIp>();
  /** EBS volumes by id (per account × region, as on AWS). */
  readonly volumes = new Map<string, Volume>();
  /** EBS snapshots made by this account in this region, by id. */
  readonly snapshots = new Map<string, EbsSnapshot>();
  /** AMIs made by this account in this region (CreateImage, RegisterImage), deregistered ones for a while, by id. */
  readonly images = new Map<string, AccountImage>();
  /** Private IPv4 (text) → interfaces holding it (one per VPC at most): the index behind IP filters and reassignment. */
  readonly interfacesByPrivateIp = new MultiIndex<NetworkInterface>();
  /** Idempotency tokens: token → what the first request was and what it produced. */
  readonly clientTokens = new Map<string, { readonly operation: string; readonly fingerprint: string; readonly resourceId: string }>();
  /** Every taggable resource by id, for CreateTags/DeleteTags/DescribeTags. */
  readonly taggables = new Map<string, Taggable>();

  /** Route tables by id, and their associations (subnet and main) by association id. */
  readonly routeTables = new Map<string, RouteTable>();
  readonly routeTableAssociations = new Map<string, RouteTableAssociation>();
  /** Network ACLs by id, and their subnet associations (exactly one per subnet) by association id. */
  readonly networkAcls = new Map<string, NetworkAcl>();
  readonly networkAclAssociations = new Map<string, NetworkAclAssociation>();
  /** NAT gateways by id (deleted ones stay visible for a while, as on AWS). */
  readonly natGateways = new Map<string, NatGateway>();
  /** Egress-only internet gateways by id. */
  readonly egressOnlyInternetGateways = new Map<string, EgressOnlyInternetGateway>();
  /** DHCP options sets by id, the default one included. */
  readonly dhcpOptions = new Map<string, DhcpOptions>();
  /** Customer-managed prefix lists by id (AWS-managed ones follow from the region: aws-prefix-lists.ts). */
  readonly prefixLists = new Map<string, ManagedPrefixList>();
  /** VPC endpoints by id. */
  readonly vpcEndpoints = new Map<string, VpcEndpoint>();
  /** Virtual private gateways by id (deleted ones stay visible a while). */
  readonly vpnGateways = new Map<string, VpnGateway>();
  /** Customer gateways by id (deleted ones stay visible a while). */
  readonly customerGateways = new Map<string, CustomerGateway>();
  /** Site-to-Site VPN connections by id (deleted ones stay visible a while). */
  readonly vpnConnections = new Map<string, VpnConnection>();
  /** VPC peering connections this world sees (as requester, accepter or both), by id; the connection record is shared with the other world. */
  readonly vpcPeeringConnections = new Map<string, VpcPeeringSide>();

  /** The account's default DHCP options set in this world, made on first need. */
  defaultDhcpOptionsId?: string;
  /**
   * How this world picks private IPv4s: its cloud's choice when it was created, kept for its life, so
   * a replayed log or a restored image picks what it picked. Worlds written before the choice existed
   * are `lowest` (cloud-image.ts sets it on restore; a log without it replays under `lowest`).
   */
  ipAllocation: IpAllocation;
  /** Other families (network interfaces, instances…) register what keeps a VPC or subnet from deletion. */
  readonly vpcDependencyChecks: ((vpcId: string) => boolean)[] = [];
  readonly subnetDependencyChecks: ((subnetId: string) => boolean)[] = [];

  constructor(
    readonly cloud: Cloud,
    readonly accountId: string,
    readonly info: RegionInfo,
  ) {
    this.ipAllocation = cloud.ipAllocation;
  }

  get ids(): IdGenerator {
    return this.cloud.ids;
  }

  get name(): string {
    return this.info.name;
  }

  now(): Date {
    return this.cloud.now();
  }

  /** Registers a taggable resource; resources register once, when created. */
  register<T extends Taggable>(resource: T): T {
    this.taggables.set(resource.id, resource);
    return resource;
  }

  unregister(id: string): void {
    this.taggables.delete(id);
  }

  /** The instance type of an instance, for per-interface limits. */
  instanceTypeOf(instanceId: string): string | undefined {
    return this.instances.get(instanceId)?.instanceType;
  }

  /** An instance's attached interfaces in device order, or undefined if there is no such instance. */
  interfacesOfInstance(instanceId: string): NetworkInterface[] | undefined {
    return this.instances.get(instanceId)?.interfaceIds.map((id) => this.networkInterfaces.get(id)!);
  }

  subnetsOf(vpcId: string): VpcSubnets {
    let index = this.vpcSubnetIndex.get(vpcId);
    if (!index) {
      index = new VpcSubnets();
      this.vpcSubnetIndex.set(vpcId, index);
    }
    return index;
  }

  vpcHasOtherDependencies(vpcId: string): boolean {
    return this.vpcDependencyChecks.some((check) => check(vpcId));
  }

  subnetHasOtherDependencies(subnetId: string): boolean {
    return this.subnetDependencyChecks.some((check) => check(subnetId));
  }

  /** Transitions waiting for their time, in the order they were scheduled (a copy, for exports and the console). */
  get timers(): readonly Timer[] {
    return this.pending.list();
  }

  /** When the next transition is due (ms since epoch), if one is waiting. */
  get nextTimerAt(): number | undefined {
    return this.pending.nextAt();
  }

  /** Schedules the `kind` transition of resource `id` for when the clock reaches `at` (ms since epoch). */
  schedule(at: number, kind: string, id: string): void {
    this.pending.push({ at, kind, id });
  }

  /** Drops scheduled transitions of a resource (e.g. a stop overtaken by a terminate). */
  unschedule(id: string, kind?: string): void {
    this.pending.remove(id, kind);
  }

  /** Runs every transition whose time has come, oldest first (ties in scheduling order). Called before each request is handled. */
  settle(): void {
    if (this.pending.size === 0) return;
    const now = this.cloud.nowMs();
    for (let timer = this.pending.popDue(now); timer; timer = this.pending.popDue(now)) {
      const handler = TIMER_HANDLERS.get(timer.kind);
      if (!handler) throw new Error(`no handler for timer kind ${timer.kind}`);
      const id = timer.id;
      // The transition happens at its own time, whenever it is noticed: replays stay exact.
      this.cloud.at(timer.at, () => handler(this, id));
    }
  }

  defaultVpc(): Vpc | undefined {
    for (const vpc of this.vpcs.values()) if (vpc.isDefault) return vpc;
    return undefined;
  }
}

export class Cloud {
  readonly ids: IdGenerator;
  readonly random: SeededRandom;
  readonly defaultAccountId: string;
  private clock: () => Date;
  /** No injected clock: nowMs() reads Date.now(). */
  private readonly realClock: boolean;
  /** While set, the clock reads this instant: a timer firing sees its own time, a replayed request its recorded time. */
  private frozenAt?: number;
  readonly quotas: Quotas;
  readonly publicIps: PublicIpPools;
  readonly timings: LifecycleTimings;
  readonly strictImages: boolean;
  /** What new worlds get as their RegionState.ipAllocation. */
  readonly ipAllocation: IpAllocation;
  private readonly worlds = new Map<string, RegionState>();
  /** Temporary credentials issued by STS (AssumeRole, GetSessionToken), by access key id (src/engine/sts.ts). */
  readonly stsSessions = new Map<string, StsSession>();
  /** Amazon-provided IPv6 /56 blocks handed out so far: unique across every account and region. */
  private readonly ipv6Blocks = new Set<bigint>();

  constructor(options: CloudOptions) {
    this.defaultAccountId = options.defaultAccountId;
    this.random = new SeededRandom(options.seed);
    this.ids = options.ids ?? new IdGenerator((n) => this.random.bytes(n));
    this.clock = options.now ?? (() => new Date());
    this.realClock = options.now === undefined;
    this.quotas = { ...DEFAULT_QUOTAS, ...options.quotas };
    this.timings = { ...DEFAULT_TIMINGS, ...options.lifecycle };
    this.strictImages = options.strictImages ?? false;
    this.ipAllocation = options.ipAllocation ?? 'lowest';
    this.publicIps = new PublicIpPools(options.publicPools ?? {}, () => this.random.float());
  }

  now(): Date {
    return this.frozenAt !== undefined ? new Date(this.frozenAt) : this.clock();
  }

  /** `now()` in ms since epoch, without making a Date (once per request, and when timers settle). */
  nowMs(): number {
    return this.frozenAt ?? (this.realClock ? Date.now() : this.clock().getTime());
  }

  /** Runs `fn` with the clock reading `at` (nested calls keep the outer instant's place). */
  at<T>(at: number, fn: () => T): T {
    const outer = this.frozenAt;
    this.frozenAt = at;
    try {
      return fn();
    } finally {
      this.frozenAt = outer;
    }
  }

  /** Number of account × region worlds created so far. */
  get worldCount(): number {
    return this.worlds.size;
  }

  /** The world of one account in one region, created (with its default VPC) on first use. */
  region(accountId: string, regionName: string): RegionState {
    const key = `${accountId}/${regionName}`;
    let world = this.worlds.get(key);
    if (!world) {
      const info = findRegion(regionName);
      if (!info) throw new Error(`unknown region ${regionName}`);
      world = new RegionState(this, accountId, info);
      this.worlds.set(key, world);
      createDefaultVpc(world);
    }
    return world;
  }

  /** The world of one account in one region if it exists (never creates one: a peer that was never used has no VPC). */
  existingRegion(accountId: string, regionName: string): RegionState | undefined {
    return this.worlds.get(`${accountId}/${regionName}`);
  }

  /** A fresh Amazon-provided IPv6 /56 from 2600:1f00::/24, as AWS hands out for VPCs. */
  allocateIpv6Block(): Ipv6Cidr {
    for (;;) {
      const bits = BigInt(this.random.bytes(4).readUInt32BE(0));
      const base = (0x26001fn << 104n) | (bits << 72n);
      if (this.ipv6Blocks.has(base)) continue;
      this.ipv6Blocks.add(base);
      return parseIpv6Cidr(`${formatIpv6(base)}/56`)!;
    }
  }

  /** Every world created so far, for state export. */
  allRegions(): IterableIterator<RegionState> {
    return this.worlds.values();
  }
}
