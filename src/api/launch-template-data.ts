/**
 * GetLaunchTemplateData: the launch parameters of a running instance, in the shape of a launch
 * template's data, to make a template from it (API reference, GetLaunchTemplateData; EC2 User
 * Guide, "Create a launch template from an existing instance"). Only what ec2net keeps of an
 * instance is given; the system tags (aws:…) are not parameters and are left out.
 */
import { formatIpv4 } from '../engine/cidr.js';
import type { RegionState } from '../engine/cloud.js';
import { getInstance } from '../engine/instance.js';
import type { Instance } from '../engine/model.js';
import { findInstanceType } from '../engine/instance-types.js';
import { prefix80Text } from '../engine/network-interface.js';
import { handlers } from './handler.js';
import { cpuOptionsView } from './instances.js';

function launchTemplateData(region: RegionState, i: Instance) {
  const interfaces = (region.interfacesOfInstance(i.id) ?? []).sort((a, b) => a.attachment!.deviceIndex - b.attachment!.deviceIndex);
  const userTags = [...i.tags]
    .filter(([k]) => !k.startsWith('aws:'))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([Key, Value]) => ({ Key, Value }));
  return {
    ImageId: i.imageId,
    InstanceType: i.instanceType as 't3.micro',
    KeyName: i.keyName,
    Monitoring: { Enabled: false },
    Placement: {
      AvailabilityZone: i.zone.zoneName,
      GroupName: i.placement?.groupName ?? '',
      GroupId: i.placement?.groupId,
      PartitionNumber: i.placement?.partitionNumber,
      Tenancy: 'default' as const,
    },
    DisableApiTermination: false,
    InstanceInitiatedShutdownBehavior: 'stop' as const,
    NetworkInterfaces: interfaces.map((eni) => ({
      AssociatePublicIpAddress: eni.attachment!.deviceIndex === 0 ? eni.autoPublicIp !== undefined : undefined,
      DeleteOnTermination: eni.attachment!.deleteOnTermination,
      Description: eni.description,
      DeviceIndex: eni.attachment!.deviceIndex,
      NetworkCardIndex: eni.attachment!.networkCardIndex,
      Groups: [...eni.groupIds],
      InterfaceType: eni.interfaceType,
      Ipv6Addresses: eni.ipv6Addresses.map((a) => ({ Ipv6Address: a.text })),
      // The delegated prefixes, in the specification's own members (LaunchTemplateInstanceNetworkInterfaceSpecification).
      Ipv4Prefixes: eni.ipv4Prefixes.length ? eni.ipv4Prefixes.map((b) => ({ Ipv4Prefix: `${formatIpv4(b)}/28` })) : undefined,
      Ipv6Prefixes: eni.ipv6Prefixes.length ? eni.ipv6Prefixes.map((b) => ({ Ipv6Prefix: prefix80Text(b) })) : undefined,
      NetworkInterfaceId: eni.id,
      PrivateIpAddress: eni.privateIps[0]?.text,
      PrivateIpAddresses: eni.privateIps.map((ip) => ({ Primary: ip.primary, PrivateIpAddress: ip.text })),
      SubnetId: eni.subnetId,
    })),
    CpuOptions: cpuOptionsView(i, findInstanceType(i.instanceType)),
    TagSpecifications: userTags.length ? [{ ResourceType: 'instance' as const, Tags: userTags }] : undefined,
    MetadataOptions: {
      HttpTokens: i.metadata.httpTokens,
      HttpPutResponseHopLimit: i.metadata.httpPutResponseHopLimit,
      HttpEndpoint: i.metadata.httpEndpoint,
      HttpProtocolIpv6: i.metadata.httpProtocolIpv6 ?? 'disabled',
      InstanceMetadataTags: i.metadata.instanceMetadataTags,
    },
  };
}

export const launchTemplateDataHandlers = handlers({
  GetLaunchTemplateData: (ctx, input) => ({ LaunchTemplateData: launchTemplateData(ctx.region, getInstance(ctx.region, input.InstanceId)) }),
});
