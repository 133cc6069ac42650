/**
 * DescribeInstanceTypes and DescribeInstanceTypeOfferings, over the catalogue in
 * spec/instance-types.json (network limits, hypervisor, bare metal, vCPUs, memory, EFA).
 *
 * The catalogue holds network facts only; the other attributes AWS reports are derived from the
 * instance type's name here, by the rules below. Each rule was checked against a full
 * DescribeInstanceTypes dump (the one moto ships, 1,263 types, the same upstream as the catalogue):
 * the derived value matches the dump for every type the two have in common.
 *
 * - CurrentGeneration: false for the families AWS now reports as previous generation — the old
 *   Xen ones (t1 m1 m2 m3 m4 c1 c3 c4 r3 r4 i2 d2, plus the retired cr1 hs1 cc2 g2) and also a1,
 *   c5, c6gn, m5, m6i, r5 and r6i, which AWS moved there. Families newer than the dump are current.
 * - ProcessorInfo.SupportedArchitectures: `arm64` for Graviton, i.e. a1 and every family whose
 *   generation digit is followed by `g` (t4g c6g c7gn m8gd im4gn is4gen x2gd g5g hpc7g …);
 *   `x86_64_mac` for mac1, `arm64_mac` for the other mac families; `i386` is added for the nine
 *   32-bit-capable types (t1.micro, t2.nano–medium, m1.small/medium, c1.medium, c3.large);
 *   otherwise `x86_64`.
 * - FreeTierEligible: t3.micro, t3.small, t4g.micro, t4g.small, c7i-flex.large, m7i-flex.large
 *   (AWS's Free Tier since July 2025; t2.micro reports false there).
 * - NetworkInfo.EnaSupport: `required` on Nitro and bare metal; on Xen `supported` for h1, i3,
 *   r4, x1, x1e and m4.16xlarge (and f1, p3, which the dump no longer lists but which have ENA),
 *   `unsupported` for the rest.
 * - NetworkInfo.EncryptionInTransitSupported: false on Xen and for the Nitro families listed in
 *   NO_ENCRYPTION_IN_TRANSIT, true otherwise.
 * - NetworkInfo.BandwidthWeightings: `default`, `ebs-1`, `vpc-1` for the 8th-generation families
 *   that offer bandwidth weighting; omitted otherwise.
 * - SupportedUsageClasses, SupportedRootDeviceTypes, SupportedVirtualizationTypes,
 *   SupportedBootModes, BurstablePerformanceSupported: small tables below.
 * - NetworkPerformance is not in the catalogue and is left out; so are EBS, instance storage, GPU
 *   and the other blocks. Filters on those attributes answer UnsupportedOperation rather than
 *   silently matching nothing.
 *
 * DescribeInstanceTypeOfferings: ec2net offers every catalogue type in the caller's Region and in
 * every one of its zones (a simplification: AWS offers a subset per Region and per zone).
 */
import type { InstanceTypeInfo } from '../engine/instance-types.js';
import { instanceTypes } from '../engine/instance-types.js';
import { Ec2Error } from '../engine/errors.js';
import { compileFilters, type Filter, type FilterSpec } from '../engine/filters.js';
import type { Output } from './handler.js';
import { handlers } from './handler.js';
import { paginate } from './paginate.js';

type InstanceTypeView = NonNullable<Output<'DescribeInstanceTypes'>['InstanceTypes']>[number];
type Architecture = 'i386' | 'x86_64' | 'arm64' | 'x86_64_mac' | 'arm64_mac';
type EnaSupport = 'required' | 'supported' | 'unsupported';
type UsageClass = 'capacity-block' | 'on-demand' | 'spot';
type BootMode = 'legacy-bios' | 'uefi';
type BandwidthWeighting = 'default' | 'vpc-1' | 'ebs-1';

// ---------------------------------------------------------------------------------------------
// Derivation tables (see the header for where they come from)

const PREVIOUS_GENERATION = new Set([
  'a1',
  'c1',
  'c3',
  'c4',
  'c5',
  'c6gn',
  'cc1',
  'cc2',
  'cg1',
  'cr1',
  'd2',
  'g2',
  'hi1',
  'hs1',
  'i2',
  'm1',
  'm2',
  'm3',
  'm4',
  'm5',
  'm6i',
  'r3',
  'r4',
  'r5',
  'r6i',
  't1',
]);

const I386_CAPABLE = new Set(['c1.medium', 'c3.large', 'm1.medium', 'm1.small', 't1.micro', 't2.medium', 't2.micro', 't2.nano', 't2.small']);

const FREE_TIER = new Set(['t3.micro', 't3.small', 't4g.micro', 't4g.small', 'c7i-flex.large', 'm7i-flex.large']);

const BURSTABLE = new Set(['t2', 't3', 't3a', 't4g']);

/** Xen families with an ENA driver ("supported"); every other Xen type is "unsupported". */
const ENA_ON_XEN = new Set(['f1', 'h1', 'i3', 'p3', 'r4', 'x1', 'x1e']);
const ENA_ON_XEN_TYPES = new Set(['m4.16xlarge']);

/** Nitro families (and mac) that do not encrypt traffic between instances in transit. */
const NO_ENCRYPTION_IN_TRANSIT = new Set([
  'a1',
  'c5',
  'c5d',
  'c6g',
  'c6gd',
  'g5g',
  'm5',
  'm5a',
  'm5ad',
  'm5d',
  'm6g',
  'm6gd',
  'mac-m4max',
  'mac1',
  'mac2',
  'mac2-m1ultra',
  'mac2-m2',
  'mac2-m2pro',
  'r5',
  'r5a',
  'r5ad',
  'r5b',
  'r5d',
  'r6g',
  'r6gd',
  't3',
  't3a',
  't4g',
  'x2gd',
  'z1d',
]);

const BANDWIDTH_WEIGHTING_FAMILIES = new Set([
  'c8a',
  'c8g',
  'c8gd',
  'c8i',
  'c8i-flex',
  'c8id',
  'm8a',
  'm8g',
  'm8gd',
  'm8i',
  'm8i-flex',
  'm8id',
  'r8a',
  'r8g',
  'r8gd',
  'r8i',
  'r8i-flex',
  'r8id',
  'x8aedz',
  'x8g',
  'x8i',
]);
const BANDWIDTH_WEIGHTINGS: BandwidthWeighting[] = ['default', 'ebs-1', 'vpc-1'];

/** Families sold On-Demand only (no Spot): HPC, Mac, High Memory, the -ine network families. */
const ON_DEMAND_ONLY_FAMILIES = /^(hpc\d|mac|u-|u7i|c8ine$|m8ine$)/;
const ON_DEMAND_ONLY_TYPES = new Set(['t2.nano']);
/** Types also sold as EC2 Capacity Blocks for ML. */
const CAPACITY_BLOCK_FAMILIES = new Set(['p4d', 'p4de', 'p5', 'p5e', 'p5en', 'p6-b200', 'p6-b300', 'trn2']);
const CAPACITY_BLOCK_TYPES = new Set(['trn1.32xlarge']);

/** Families that can also boot from an instance-store root volume. */
const INSTANCE_STORE_ROOT = new Set(['c1', 'c3', 'd2', 'i2', 'm1', 'm2', 'm3', 'r3', 'x1', 'cr1', 'hs1']);
/** Families that still run paravirtual (PV) AMIs. */
const PARAVIRTUAL = new Set(['c1', 'c3', 'm1', 'm2', 'm3', 't1']);
/** Nitro x86 families that boot legacy BIOS only (no UEFI). */
const LEGACY_BIOS_ONLY = new Set(['dl1', 'g4ad', 'p4d', 'p4de', 'trn1', 'trn1n', 'u-3tb1', 'u-6tb1', 'vt1']);

// ---------------------------------------------------------------------------------------------
// Derived facts, computed once per type

export interface DerivedInstanceType {
  readonly info: InstanceTypeInfo;
  readonly family: string;
  readonly currentGeneration: boolean;
  readonly freeTierEligible: boolean;
  readonly burstable: boolean;
  readonly architectures: Architecture[];
  readonly enaSupport: EnaSupport;
  readonly encryptionInTransit: boolean;
  readonly bandwidthWeightings: BandwidthWeighting[];
  readonly usageClasses: UsageClass[];
  readonly rootDeviceTypes: ('ebs' | 'instance-store')[];
  readonly virtualizationTypes: ('hvm' | 'paravirtual')[];
  readonly bootModes: BootMode[];
}

const familyOf = (name: string) => name.slice(0, name.indexOf('.'));

/** Graviton: a1, or a `g` right after the generation digit (c6g, m7gd, im4gn, is4gen, x8g …). */
const isGraviton = (family: string) => family === 'a1' || /^[a-z]+\d+g[a-z]*$/.test(family);

function architecturesOf(name: string, family: string): Architecture[] {
  if (family === 'mac1') return ['x86_64_mac'];
  if (family.startsWith('mac')) return ['arm64_mac'];
  if (isGraviton(family)) return ['arm64'];
  return I386_CAPABLE.has(name) ? ['i386', 'x86_64'] : ['x86_64'];
}

function derive(info: InstanceTypeInfo): DerivedInstanceType {
  const name = info.instanceType;
  const family = familyOf(name);
  const architectures = architecturesOf(name, family);
  // Xen, or one of the retired fallback types whose hypervisor the catalogue does not know (cr1, hs1).
  const xen = info.hypervisor === 'xen' || (info.hypervisor === null && !info.bareMetal);
  const arm = architectures.includes('arm64') || architectures.includes('arm64_mac');
  return {
    info,
    family,
    currentGeneration: !PREVIOUS_GENERATION.has(family),
    freeTierEligible: FREE_TIER.has(name),
    burstable: BURSTABLE.has(family),
    architectures,
    enaSupport: !xen ? 'required' : ENA_ON_XEN.has(family) || ENA_ON_XEN_TYPES.has(name) ? 'supported' : 'unsupported',
    encryptionInTransit: !xen && !NO_ENCRYPTION_IN_TRANSIT.has(family),
    bandwidthWeightings: BANDWIDTH_WEIGHTING_FAMILIES.has(family) ? BANDWIDTH_WEIGHTINGS : [],
    usageClasses:
      ON_DEMAND_ONLY_FAMILIES.test(family) || ON_DEMAND_ONLY_TYPES.has(name)
        ? ['on-demand']
        : CAPACITY_BLOCK_FAMILIES.has(family) || CAPACITY_BLOCK_TYPES.has(name)
          ? ['capacity-block', 'on-demand', 'spot']
          : ['on-demand', 'spot'],
    rootDeviceTypes: INSTANCE_STORE_ROOT.has(family) ? ['ebs', 'instance-store'] : ['ebs'],
    virtualizationTypes: PARAVIRTUAL.has(family) ? ['hvm', 'paravirtual'] : ['hvm'],
    bootModes: family.startsWith('mac')
      ? ['legacy-bios']
      : arm
        ? ['uefi']
        : xen || info.bareMetal || LEGACY_BIOS_ONLY.has(family)
          ? ['legacy-bios']
          : ['legacy-bios', 'uefi'],
  };
}

let derived: Map<string, DerivedInstanceType> | undefined;

/** Every catalogue type with its derived attributes, by name. */
export function derivedInstanceTypes(): ReadonlyMap<string, DerivedInstanceType> {
  if (!derived) {
    derived = new Map();
    for (const [name, info] of instanceTypes()) derived.set(name, derive(info));
  }
  return derived;
}

// ---------------------------------------------------------------------------------------------
// DescribeInstanceTypes

const orNull = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

export const instanceTypeFilters: FilterSpec<DerivedInstanceType> = {
  resourceName: 'instance type',
  getters: {
    'instance-type': (t) => t.info.instanceType,
    'bare-metal': (t) => t.info.bareMetal,
    'burstable-performance-supported': (t) => t.burstable,
    'current-generation': (t) => t.currentGeneration,
    'free-tier-eligible': (t) => t.freeTierEligible,
    hypervisor: (t) => t.info.hypervisor,
    'memory-info.size-in-mib': (t) => t.info.memoryMiB,
    'vcpu-info.default-vcpus': (t) => t.info.defaultVCpus,
    'processor-info.supported-architecture': (t) => t.architectures,
    'supported-boot-mode': (t) => t.bootModes,
    'supported-root-device-type': (t) => t.rootDeviceTypes,
    'supported-usage-class': (t) => t.usageClasses,
    'supported-virtualization-type': (t) => t.virtualizationTypes,
    'network-info.maximum-network-interfaces': (t) => t.info.maxNetworkInterfaces,
    'network-info.maximum-network-cards': (t) => t.info.networkCards,
    'network-info.ipv4-addresses-per-interface': (t) => t.info.ipv4AddressesPerInterface,
    'network-info.ipv6-addresses-per-interface': (t) => t.info.ipv6AddressesPerInterface,
    'network-info.ipv6-supported': (t) => t.info.ipv6Supported,
    'network-info.efa-supported': (t) => t.info.efaSupported,
    'network-info.efa-info.maximum-efa-interfaces': (t) => (t.info.efaSupported ? t.info.maximumEfaInterfaces : undefined),
    'network-info.ena-support': (t) => t.enaSupport,
    'network-info.encryption-in-transit-supported': (t) => t.encryptionInTransit,
    'network-info.bandwidth-weightings': (t) => t.bandwidthWeightings,
  },
};

/** Filters AWS documents whose data the catalogue does not have: refused loudly, never "no match". */
const UNMODELLED_FILTERS = new Set([
  'auto-recovery-supported',
  'dedicated-hosts-supported',
  'hibernation-supported',
  'instance-storage-supported',
  'network-info.flexible-ena-queues-support',
  'network-info.network-performance',
  'nitro-enclaves-support',
  'nitro-tpm-support',
  'nitro-tpm-info.supported-versions',
  'processor-info.sustained-clock-speed-in-ghz',
  'processor-info.supported-features',
  'reboot-migration-support',
  'vcpu-info.default-cores',
  'vcpu-info.default-threads-per-core',
  'vcpu-info.valid-cores',
  'vcpu-info.valid-threads-per-core',
]);

function refuseUnmodelled(filters: readonly Filter[] | undefined): void {
  for (const f of filters ?? []) {
    const name = f.Name ?? '';
    if (UNMODELLED_FILTERS.has(name) || name.startsWith('ebs-info.') || name.startsWith('instance-storage-info.')) {
      throw new Ec2Error('UnsupportedOperation', `The filter '${name}' is not supported by ec2net: its instance-type catalogue has no data for it.`);
    }
  }
}

export function instanceTypeView(t: DerivedInstanceType): InstanceTypeView {
  const i = t.info;
  return {
    InstanceType: i.instanceType as InstanceTypeView['InstanceType'],
    CurrentGeneration: t.currentGeneration,
    FreeTierEligible: t.freeTierEligible,
    SupportedUsageClasses: t.usageClasses,
    SupportedRootDeviceTypes: t.rootDeviceTypes,
    SupportedVirtualizationTypes: t.virtualizationTypes,
    BareMetal: i.bareMetal,
    Hypervisor: orNull(i.hypervisor),
    ProcessorInfo: { SupportedArchitectures: t.architectures },
    VCpuInfo: i.defaultVCpus === null ? undefined : { DefaultVCpus: i.defaultVCpus },
    MemoryInfo: i.memoryMiB === null ? undefined : { SizeInMiB: i.memoryMiB },
    NetworkInfo: {
      MaximumNetworkInterfaces: i.maxNetworkInterfaces,
      MaximumNetworkCards: i.networkCards,
      DefaultNetworkCardIndex: i.defaultNetworkCardIndex,
      NetworkCards: i.networkCardDetails.map((c) => ({ NetworkCardIndex: c.networkCardIndex, MaximumNetworkInterfaces: c.maximumNetworkInterfaces })),
      Ipv4AddressesPerInterface: i.ipv4AddressesPerInterface,
      Ipv6AddressesPerInterface: orNull(i.ipv6AddressesPerInterface),
      Ipv6Supported: orNull(i.ipv6Supported),
      EnaSupport: t.enaSupport,
      EfaSupported: orNull(i.efaSupported),
      EfaInfo: i.efaSupported ? { MaximumEfaInterfaces: i.maximumEfaInterfaces } : undefined,
      EncryptionInTransitSupported: t.encryptionInTransit,
      BandwidthWeightings: t.bandwidthWeightings.length > 0 ? t.bandwidthWeightings : undefined,
    },
    BurstablePerformanceSupported: t.burstable,
    SupportedBootModes: t.bootModes,
  };
}

/** AWS answers an unpaginated DescribeInstanceTypes with one page of (at most) 100 and a NextToken. */
const DEFAULT_TYPES_PAGE = 100;
/** …and DescribeInstanceTypeOfferings with pages of (at most) 1,000. */
const DEFAULT_OFFERINGS_PAGE = 1000;

// ---------------------------------------------------------------------------------------------
// DescribeInstanceTypeOfferings

interface Offering {
  readonly instanceType: string;
  readonly locationType: 'region' | 'availability-zone' | 'availability-zone-id';
  readonly location: string;
}

const offeringFilters: FilterSpec<Offering> = {
  resourceName: 'instance type offering',
  getters: {
    'instance-type': (o) => o.instanceType,
    location: (o) => o.location,
  },
};

export const instanceTypeHandlers = handlers({
  DescribeInstanceTypes: (ctx, input) => {
    refuseUnmodelled(input.Filters);
    const match = compileFilters(instanceTypeFilters, input.Filters);
    const all = derivedInstanceTypes();
    const names = [...new Set(input.InstanceTypes ?? [])];
    let chosen: Iterable<DerivedInstanceType> = all.values();
    if (names.length > 0) {
      const unknown = names.filter((n) => !all.has(n));
      if (unknown.length > 0) {
        throw new Ec2Error('InvalidInstanceType', `The following supplied instance types do not exist: [${unknown.join(', ')}]`);
      }
      chosen = names.map((n) => all.get(n)!);
    }
    const filtered: DerivedInstanceType[] = [];
    for (const t of chosen) if (match(t)) filtered.push(t);
    const page = paginate(ctx, filtered, (t) => t.info.instanceType, {
      MaxResults: input.MaxResults ?? DEFAULT_TYPES_PAGE,
      NextToken: input.NextToken,
    });
    return { InstanceTypes: page.items.map(instanceTypeView), NextToken: page.nextToken };
  },

  DescribeInstanceTypeOfferings: (ctx, input) => {
    const match = compileFilters(offeringFilters, input.Filters);
    const locationType = input.LocationType ?? 'region';
    const region = ctx.region.info;
    let locations: string[];
    if (locationType === 'region') locations = [region.name];
    else if (locationType === 'availability-zone') locations = region.zones.map((z) => z.zoneName);
    else if (locationType === 'availability-zone-id') locations = region.zones.map((z) => z.zoneId);
    else locations = []; // outpost: ec2net has no Outposts
    const offerings: Offering[] = [];
    for (const location of locations) {
      for (const name of instanceTypes().keys()) {
        const o: Offering = { instanceType: name, locationType: locationType as Offering['locationType'], location };
        if (match(o)) offerings.push(o);
      }
    }
    const page = paginate(ctx, offerings, (o) => `${o.location} ${o.instanceType}`, {
      MaxResults: input.MaxResults ?? DEFAULT_OFFERINGS_PAGE,
      NextToken: input.NextToken,
    });
    return {
      InstanceTypeOfferings: page.items.map((o) => ({
        InstanceType: o.instanceType as InstanceTypeView['InstanceType'],
        LocationType: o.locationType,
        Location: o.location,
      })),
      NextToken: page.nextToken,
    };
  },
});
