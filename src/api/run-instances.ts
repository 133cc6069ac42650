/**
 * RunInstances: validates the whole launch first (image, type, subnet/zone, interfaces, groups,
 * addresses, limits), then creates every instance with its interfaces, all or nothing.
 * Rules: aws-behaviour.md §4.17, the user's ENI notes (cold attach; eth1 at launch means no
 * public IPv4 on eth0; interfaces made at launch are deleted on termination by default).
 */
import { chooseTopology } from '../engine/cpu-options.js';
import type { RegionState } from '../engine/cloud.js';
import { Ec2Error, invalidCombination, invalidValue, isEc2Error } from '../engine/errors.js';
import { launchRoom, notEnoughRoom, type SubnetDemand } from '../engine/launch-capacity.js';
import { ID_KINDS } from '../engine/ids.js';
import { findInstanceType } from '../engine/instance-types.js';
import { launchInstance, type LaunchInterface } from '../engine/instance.js';
import { planPlacement } from '../engine/placement-group.js';
import type { Instance, NetworkInterface, Subnet } from '../engine/model.js';
import { createNetworkInterface, destroyNetworkInterface, getNetworkInterface } from '../engine/network-interface.js';
import { getSubnet } from '../engine/subnet.js';
import { tagsFromSpecs } from '../engine/tags.js';
import { attachedInterfaces } from '../engine/attachment.js';
import { releasePublicIp } from '../engine/instance.js';
import type { Input } from './handler.js';
import { imageAllowed } from './launch-images.js';
import { attachLaunchStorage, discardLaunchStorage, planLaunchStorage } from '../engine/launch-storage.js';
import { launchAttributes } from '../engine/instance-attributes.js';
import { getKeyPairByName } from '../engine/key-pair.js';
import { withLaunchTemplate } from './launch-template-merge.js';

type RunInput = Input<'RunInstances'>;
type NiSpec = NonNullable<RunInput['NetworkInterfaces']>[number];

const DEFAULT_INSTANCE_TYPE = 'm1.small';

interface PlannedInterface {
  readonly spec: NiSpec;
  readonly existing?: NetworkInterface;
  readonly subnet: Subnet;
  readonly deviceIndex: number;
  readonly groupIds?: string[];
}

/** Turns the top-level shortcut parameters into the one-interface form, refusing mixtures. */
function interfaceSpecs(input: RunInput): NiSpec[] {
  const specs = input.NetworkInterfaces ?? [];
  if (specs.length === 0) {
    return [
      {
        DeviceIndex: 0,
        SubnetId: input.SubnetId,
        Groups: input.SecurityGroupIds,
        PrivateIpAddress: input.PrivateIpAddress,
        Ipv6AddressCount: input.Ipv6AddressCount,
        Ipv6Addresses: input.Ipv6Addresses,
        DeleteOnTermination: true,
      },
    ];
  }
  const clash = (what: string) => invalidCombination(`Network interfaces and an instance-level ${what} may not be specified on the same request`);
  if (input.SubnetId !== undefined) throw clash('subnet ID');
  if (input.SecurityGroupIds?.length || input.SecurityGroups?.length) throw clash('security groups');
  if (input.PrivateIpAddress !== undefined) throw clash('private IP address');
  if (input.Ipv6Addresses?.length || input.Ipv6AddressCount !== undefined) throw clash('IPv6 addresses');
  return specs;
}

function resolveDefaultSubnet(region: RegionState, zoneName: string | undefined): Subnet {
  const vpc = region.defaultVpc();
  if (!vpc) throw new Ec2Error('VPCIdNotSpecified', 'No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.');
  const subnets = [...region.subnets.values()].filter((s) => s.vpcId === vpc.id && s.defaultForAz);
  const chosen = zoneName ? subnets.find((s) => s.zone.zoneName === zoneName) : subnets.sort((a, b) => (a.zone.zoneName < b.zone.zoneName ? -1 : 1))[0];
  if (!chosen) {
    if (zoneName && !region.info.zones.some((z) => z.zoneName === zoneName)) {
      throw invalidValue(`Invalid availability zone: [${zoneName}]`);
    }
    throw new Ec2Error('VPCResourceNotSpecified', `The default VPC has no default subnet in ${zoneName ?? 'any availability zone'}; specify a subnet.`);
  }
  return chosen;
}

/** Security group names (SecurityGroups) are looked up in the launch VPC. */
function groupIdsByName(region: RegionState, vpcId: string, names: readonly string[]): string[] {
  return names.map((name) => {
    for (const g of region.securityGroups.values()) if (g.vpcId === vpcId && g.name === name) return g.id;
    throw new Ec2Error('InvalidGroup.NotFound', `The security group '${name}' does not exist in VPC '${vpcId}'`);
  });
}

export interface LaunchResult {
  readonly reservationId: string;
  readonly instances: Instance[];
}

export function runInstances(region: RegionState, input: RunInput): LaunchResult {
  if (input.MinCount < 1) throw invalidValue(`Value (${input.MinCount}) for parameter minCount is invalid. Expected a positive integer.`);
  if (input.MaxCount < input.MinCount)
    throw invalidValue(`Value (${input.MaxCount}) for parameter maxCount is invalid. Expected a value greater than or equal to minCount (${input.MinCount}).`);
  const fromTemplate = input.LaunchTemplate !== undefined ? withLaunchTemplate(region, input) : undefined;
  if (fromTemplate) input = fromTemplate.input;
  if (input.ImageId === undefined) throw new Ec2Error('MissingParameter', 'The request must contain the parameter ImageId');
  imageAllowed(region, input.ImageId!);
  const keyPair = input.KeyName !== undefined ? getKeyPairByName(region, input.KeyName) : undefined;
  const instanceType = input.InstanceType ?? DEFAULT_INSTANCE_TYPE;
  const type = findInstanceType(instanceType);
  if (!type) throw invalidValue(`Invalid value '${instanceType}' for InstanceType.`);

  const cpuOptions = chooseTopology(type, input.CpuOptions?.CoreCount, input.CpuOptions?.ThreadsPerCore);
  const storage = planLaunchStorage(region, input.ImageId!, input.BlockDeviceMappings);
  const attributes = launchAttributes(input, instanceType);
  const specs = interfaceSpecs(input);
  const indexes = specs.map((s) => {
    if (s.DeviceIndex === undefined) throw invalidValue('Each network interface requires a device index.');
    return s.DeviceIndex;
  });
  if (new Set(indexes).size !== indexes.length) throw invalidValue('Each network interface must have a unique device index.');
  if (!indexes.includes(0)) throw invalidValue('A network interface at device index 0 is required.');
  if (specs.some((s) => s.AssociatePublicIpAddress !== undefined)) {
    if (specs.length > 1)
      throw invalidCombination('The associatePublicIPAddress parameter cannot be specified when launching with multiple network interfaces.');
    if (specs[0]!.NetworkInterfaceId !== undefined)
      throw invalidCombination('The associatePublicIPAddress parameter cannot be specified for an existing network interface.');
  }
  if (specs.length > type.maxNetworkInterfaces) {
    throw new Ec2Error('AttachmentLimitExceeded', `Interface count ${specs.length} exceeds the limit for ${instanceType}`);
  }
  const pinsAddresses = specs.some(
    // Explicit prefixes are pinned addresses too: a second instance could not take the same block.
    (s) =>
      s.PrivateIpAddress !== undefined ||
      s.PrivateIpAddresses?.length ||
      s.Ipv6Addresses?.length ||
      s.Ipv4Prefixes?.length ||
      s.Ipv6Prefixes?.length ||
      s.NetworkInterfaceId !== undefined,
  );
  if (pinsAddresses && input.MaxCount > 1) {
    throw invalidCombination('Specific network interfaces or private IP addresses cannot be used when launching more than one instance.');
  }

  // Plan each interface: existing (cold attach) or new, and its subnet.
  const zoneWanted = input.Placement?.AvailabilityZone;
  const planned: PlannedInterface[] = specs.map((spec) => {
    if (spec.NetworkInterfaceId !== undefined) {
      const eni = getNetworkInterface(region, spec.NetworkInterfaceId);
      if (spec.DeleteOnTermination === true) {
        throw invalidCombination('A network interface may not specify a network interface ID and delete on termination as true');
      }
      if (spec.SubnetId !== undefined || spec.Groups?.length || spec.PrivateIpAddress !== undefined || spec.SecondaryPrivateIpAddressCount !== undefined) {
        throw invalidCombination('An existing network interface may not be combined with subnet, group or address parameters.');
      }
      // Observed from RunInstances (terraform-provider-aws#27513, aws-parallelcluster#4063).
      if (eni.attachment) throw new Ec2Error('InvalidNetworkInterface.InUse', `Interface: [${eni.id}] in use.`);
      return { spec, existing: eni, subnet: region.subnets.get(eni.subnetId)!, deviceIndex: spec.DeviceIndex! };
    }
    const subnet = spec.SubnetId !== undefined ? getSubnet(region, spec.SubnetId) : undefined;
    return { spec, subnet: subnet!, deviceIndex: spec.DeviceIndex! };
  });
  const primary = planned.find((p) => p.deviceIndex === 0)!;
  const launchSubnet = primary.subnet ?? resolveDefaultSubnet(region, zoneWanted);
  for (const p of planned) (p as { subnet: Subnet }).subnet ??= launchSubnet;
  const zone = launchSubnet.zone;
  if (zoneWanted !== undefined && zoneWanted !== zone.zoneName) {
    throw invalidValue(
      `Value (${zoneWanted}) for parameter availabilityZone is invalid. Subnet '${launchSubnet.id}' is in the availability zone ${zone.zoneName}`,
    );
  }
  for (const p of planned) {
    if (p.subnet.zone.zoneName !== zone.zoneName) {
      throw invalidValue(
        `The network interface at device index ${p.deviceIndex} is in availability zone ${p.subnet.zone.zoneName}; all interfaces must be in ${zone.zoneName}.`,
      );
    }
    if (p.subnet.vpcId !== launchSubnet.vpcId) throw invalidValue('All network interfaces of an instance must be in the same VPC.');
    const addresses =
      1 +
      Math.max(0, (p.spec.PrivateIpAddresses?.length ?? 0) - (p.spec.PrivateIpAddresses?.some((a) => a.Primary) || p.spec.PrivateIpAddress ? 1 : 0)) +
      (p.spec.SecondaryPrivateIpAddressCount ?? 0) +
      (p.spec.Ipv4PrefixCount ?? 0) +
      (p.spec.Ipv4Prefixes?.length ?? 0);
    // Observed (aws/karpenter-provider-aws#2187, #9201): an interface to create takes at most one way of giving IPv6.
    const v6Ways =
      (p.spec.Ipv6Addresses?.length ? 1 : 0) +
      (p.spec.Ipv6AddressCount !== undefined ? 1 : 0) +
      (p.spec.Ipv6Prefixes?.length ? 1 : 0) +
      (p.spec.Ipv6PrefixCount !== undefined ? 1 : 0);
    if (!p.existing && v6Ways > 1) {
      throw invalidValue('You can specify one and only one of ipv6Address or ipv6AddressCount or ipv6Prefix or ipv6PrefixCount in interfaces to create.');
    }
    if (!p.existing && addresses > type.ipv4AddressesPerInterface) {
      throw new Ec2Error(
        'InvalidInterface.IpAddressLimitExceeded',
        `The number of private IP addresses (${addresses}) for the network interface at device index ${p.deviceIndex} exceeds the limit of ${type.ipv4AddressesPerInterface} for ${instanceType}.`,
      );
    }
    // IPv6 the same way: each /80 prefix counts one (EC2 User Guide, "Assign prefixes"); a type without IPv6 allows none.
    const v6 = (p.spec.Ipv6Addresses?.length ?? 0) + (p.spec.Ipv6AddressCount ?? 0) + (p.spec.Ipv6Prefixes?.length ?? 0) + (p.spec.Ipv6PrefixCount ?? 0);
    const v6Limit = type.ipv6Supported ? (type.ipv6AddressesPerInterface ?? type.ipv4AddressesPerInterface) : 0;
    if (!p.existing && v6 > v6Limit) {
      throw new Ec2Error(
        'InvalidInterface.IpAddressLimitExceeded',
        `The number of IPv6 addresses (${v6}) for the network interface at device index ${p.deviceIndex} exceeds the limit of ${v6Limit} for ${instanceType}.`,
      );
    }
  }
  const namedGroups = input.SecurityGroups?.length ? groupIdsByName(region, launchSubnet.vpcId, input.SecurityGroups) : [];
  if (namedGroups.length) (planned[0] as { groupIds?: string[] }).groupIds = [...new Set([...(input.SecurityGroupIds ?? []), ...namedGroups])];

  // How many instances fit in the subnets' free addresses and free /28 blocks (each new interface takes its own).
  const demands = new Map<Subnet, SubnetDemand>();
  for (const p of planned) {
    if (p.existing) continue;
    const d = demands.get(p.subnet) ?? { addresses: 0, prefixes: 0 };
    d.addresses += 1 + (p.spec.SecondaryPrivateIpAddressCount ?? 0) + Math.max(0, (p.spec.PrivateIpAddresses?.length ?? 1) - 1);
    d.prefixes += (p.spec.Ipv4PrefixCount ?? 0) + (p.spec.Ipv4Prefixes?.length ?? 0);
    demands.set(p.subnet, d);
  }
  const room = launchRoom(demands, input.MaxCount);
  const count = room.count;
  if (count < input.MinCount) throw notEnoughRoom(room.tightest!.id);

  const instanceTags = tagsFromSpecs(input.TagSpecifications, 'instance', ['instance', 'network-interface', 'volume', 'spot-instances-request', 'elastic-gpu']);
  const eniTags = tagsFromSpecs(input.TagSpecifications, 'network-interface', [
    'instance',
    'network-interface',
    'volume',
    'spot-instances-request',
    'elastic-gpu',
  ]);
  const volumeTags = tagsFromSpecs(input.TagSpecifications, 'volume', ['instance', 'network-interface', 'volume', 'spot-instances-request', 'elastic-gpu']);
  if (eniTags.size > 0 && planned.every((p) => p.existing)) {
    // Observed (kubernetes-sigs/cluster-api-provider-aws#5594).
    throw invalidValue('You cannot specify tags for network interfaces if there are no network interfaces being created by the request.');
  }
  // A public IPv4 is only for a new eth0 launched alone: with eth1 at launch eth0 gets none, and it
  // does not get one later either (user's ENI notes; EC2 User Guide "Public IPv4 addresses").
  // Only a lone eth0 gets a public IPv4: a new one by AssociatePublicIpAddress or the subnet's
  // default, an existing one by the setting it took from its subnet when it was created.
  const wantsPublicIp =
    specs.length === 1 && (primary.existing ? primary.existing.publicIpOnLaunch : (primary.spec.AssociatePublicIpAddress ?? launchSubnet.mapPublicIpOnLaunch));
  const placements = planPlacement(
    region,
    input.Placement && { groupName: input.Placement.GroupName, groupId: input.Placement.GroupId, partitionNumber: input.Placement.PartitionNumber },
    zone,
    count,
  );
  const created: NetworkInterface[] = [];
  /** Creates one new interface of an instance, or takes the existing one (cold attach). */
  const launchInterface = (p: PlannedInterface): LaunchInterface => {
    if (p.existing) return { eni: p.existing, deviceIndex: p.deviceIndex, networkCardIndex: p.spec.NetworkCardIndex ?? 0, deleteOnTermination: false };
    const s = p.spec;
    const primaryIp = s.PrivateIpAddress ?? s.PrivateIpAddresses?.find((a) => a.Primary)?.PrivateIpAddress;
    const eni = createNetworkInterface(region, {
      subnet: p.subnet,
      description: s.Description,
      primaryIp,
      secondaryIps: (s.PrivateIpAddresses ?? []).map((a) => a.PrivateIpAddress!).filter((a) => a !== primaryIp),
      secondaryCount: s.SecondaryPrivateIpAddressCount,
      ipv6Addresses: (s.Ipv6Addresses ?? []).map((a) => a.Ipv6Address ?? ''),
      ipv6Count: s.Ipv6AddressCount,
      ipv4Prefixes: (s.Ipv4Prefixes ?? []).map((x) => x.Ipv4Prefix ?? ''),
      ipv4PrefixCount: s.Ipv4PrefixCount,
      ipv6Prefixes: (s.Ipv6Prefixes ?? []).map((x) => x.Ipv6Prefix ?? ''),
      ipv6PrefixCount: s.Ipv6PrefixCount,
      groupIds: p.groupIds ?? s.Groups,
      interfaceType: s.InterfaceType,
      tags: new Map(eniTags),
    });
    created.push(eni);
    return { eni, deviceIndex: p.deviceIndex, networkCardIndex: s.NetworkCardIndex ?? 0, deleteOnTermination: s.DeleteOnTermination ?? true };
  };
  const reservationId = region.ids.next(ID_KINDS.reservation);
  const instances: Instance[] = [];
  try {
    for (let k = 0; k < count; k++) {
      const mark = created.length;
      let creating: Subnet | undefined;
      let interfaces: LaunchInterface[];
      try {
        interfaces = planned.map((p) => {
          creating = p.subnet;
          return launchInterface(p);
        });
      } catch (e) {
        // The room counted above is an upper bound (addresses picked may spoil free /28 blocks):
        // MaxCount launches as many as fit above MinCount, MinCount not met launches none.
        if (!isEc2Error(e) || e.code !== 'InsufficientFreeAddressesInSubnet') throw e;
        if (k < input.MinCount) throw notEnoughRoom(creating!.id);
        for (const eni of created.splice(mark)) destroyNetworkInterface(region, eni);
        break;
      }
      const instance = launchInstance(region, {
        reservationId,
        imageId: input.ImageId!,
        instanceType,
        zone,
        subnet: launchSubnet,
        launchIndex: k,
        interfaces,
        wantsPublicIp,
        tags: new Map(instanceTags),
        clientToken: input.ClientToken,
        keyName: input.KeyName,
        publicKey: keyPair?.publicKey,
        httpTokens: input.MetadataOptions?.HttpTokens,
        httpEndpoint: input.MetadataOptions?.HttpEndpoint,
        hopLimit: input.MetadataOptions?.HttpPutResponseHopLimit,
        metadataTags: input.MetadataOptions?.InstanceMetadataTags,
        httpProtocolIpv6: input.MetadataOptions?.HttpProtocolIpv6,
      });
      instances.push(instance);
      instance.attributes = { ...attributes };
      if (placements) instance.placement = placements[k];
      if (cpuOptions) instance.cpuOptions = cpuOptions;
      attachLaunchStorage(region, instance, storage, volumeTags);
    }
  } catch (e) {
    // All or nothing: undo what this request made.
    for (const i of instances) {
      discardLaunchStorage(region, i);
      releasePublicIp(region, i);
      for (const eni of attachedInterfaces(region, i)) {
        delete eni.attachment;
        eni.status = 'available';
      }
      region.instances.delete(i.id);
      region.unregister(i.id);
      region.unschedule(i.id);
    }
    for (const eni of created) destroyNetworkInterface(region, eni);
    throw e;
  }
  for (const i of instances) for (const [k, v] of fromTemplate?.systemTags ?? []) i.tags.set(k, v);
  return { reservationId, instances };
}
