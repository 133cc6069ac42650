/**
 * The whole emulated cloud: accounts × regions, each its own world, created on first use with
 * a default VPC as AWS does. IDs come from one generator so they are unique across all worlds.
 */
import { randomBytes } from 'node:crypto';
import { formatIpv6, parseIpv6Cidr, type Ipv6Cidr } from './cidr.js';
import { IdGenerator } from './ids.js';
import type { ElasticIp, NetworkInterface, SecurityGroup, Subnet, Taggable, Vpc } from './model.js';
import { MultiIndex } from './multi-index.js';
import { PublicIpPools } from './public-ips.js';
import { findRegion, type RegionInfo } from './regions.js';
import { createDefaultVpc } from './vpc.js';

/** Adjustable limits, named after the AWS quotas they mirror. */
export interface Quotas {
  /** Security groups per network interface: 5 by default, adjustable up to 16 on AWS. */
  readonly securityGroupsPerInterface: number;
  /** Elastic IP addresses per region: 5 by default on AWS. */
  readonly elasticIpsPerRegion: number;
  /** Network interfaces per region: 5,000 by default on AWS. */
  readonly networkInterfacesPerRegion: number;
}

export const DEFAULT_QUOTAS: Quotas = { securityGroupsPerInterface: 5, elasticIpsPerRegion: 5, networkInterfacesPerRegion: 5000 };

export interface CloudOptions {
  /** Used for access keys that are not a 12-digit account id. */
  readonly defaultAccountId: string;
  readonly quotas?: Partial<Quotas>;
  /** Public IPv4 pool per region (CIDR text); regions not listed get a default /16 of their own. */
  readonly publicPools?: Readonly<Record<string, string>>;
  readonly ids?: IdGenerator;
  readonly now?: () => Date;
}

export class RegionState {
  readonly vpcs = new Map<string, Vpc>();
  readonly subnets = new Map<string, Subnet>();
  readonly securityGroups = new Map<string, SecurityGroup>();
  readonly networkInterfaces = new Map<string, NetworkInterface>();
  /** Elastic IPs by allocation id. */
  readonly elasticIps = new Map<string, ElasticIp>();
  /** Private IPv4 (text) → interfaces holding it (one per VPC at most): the index behind IP filters and reassignment. */
  readonly interfacesByPrivateIp = new MultiIndex<NetworkInterface>();
  /** Idempotency tokens: token → what the first request was and what it produced. */
  readonly clientTokens = new Map<string, { readonly operation: string; readonly fingerprint: string; readonly resourceId: string }>();
  /** Set by the instance module: the instance type of an instance, for per-interface limits. */
  instanceTypeOf: (instanceId: string) => string | undefined = () => undefined;
  /** Set by the instance module: an instance's attached interfaces, or undefined if no such instance. */
  interfacesOfInstance: (instanceId: string) => NetworkInterface[] | undefined = () => undefined;
  /** Every taggable resource by id, for CreateTags/DeleteTags/DescribeTags. */
  readonly taggables = new Map<string, Taggable>();

  /** The account's default DHCP options set in this world, made on first need. */
  defaultDhcpOptionsId?: string;
  /** Other families (network interfaces, instances…) register what keeps a VPC or subnet from deletion. */
  readonly vpcDependencyChecks: ((vpcId: string) => boolean)[] = [];
  readonly subnetDependencyChecks: ((subnetId: string) => boolean)[] = [];

  constructor(
    readonly cloud: Cloud,
    readonly accountId: string,
    readonly info: RegionInfo,
  ) {}

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

  vpcHasOtherDependencies(vpcId: string): boolean {
    return this.vpcDependencyChecks.some((check) => check(vpcId));
  }

  subnetHasOtherDependencies(subnetId: string): boolean {
    return this.subnetDependencyChecks.some((check) => check(subnetId));
  }

  defaultVpc(): Vpc | undefined {
    for (const vpc of this.vpcs.values()) if (vpc.isDefault) return vpc;
    return undefined;
  }
}

export class Cloud {
  readonly ids: IdGenerator;
  readonly defaultAccountId: string;
  readonly now: () => Date;
  readonly quotas: Quotas;
  readonly publicIps: PublicIpPools;
  private readonly worlds = new Map<string, RegionState>();
  /** Amazon-provided IPv6 /56 blocks handed out so far: unique across every account and region. */
  private readonly ipv6Blocks = new Set<bigint>();

  constructor(options: CloudOptions) {
    this.defaultAccountId = options.defaultAccountId;
    this.ids = options.ids ?? new IdGenerator();
    this.now = options.now ?? (() => new Date());
    this.quotas = { ...DEFAULT_QUOTAS, ...options.quotas };
    this.publicIps = new PublicIpPools(options.publicPools ?? {});
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

  /** A fresh Amazon-provided IPv6 /56 from 2600:1f00::/24, as AWS hands out for VPCs. */
  allocateIpv6Block(): Ipv6Cidr {
    for (;;) {
      const bits = BigInt(randomBytes(4).readUInt32BE(0));
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
