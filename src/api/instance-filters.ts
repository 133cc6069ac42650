/**
 * DescribeInstances and DescribeInstanceStatus filters that the EC2 API reference documents beyond
 * the ones instances.ts reads from the engine: each is read from the instance's own answer (its
 * view), so a filter matches what DescribeInstances shows — and matches nothing where ec2net
 * leaves the field out (block devices, capacity reservations, IAM profiles, Outposts, Spot…), as
 * AWS's filter does on an instance without that field.
 */
import type { RegionState } from '../engine/cloud.js';
import type { FilterGetter } from '../engine/filters.js';
import type { Instance } from '../engine/model.js';
import { viewValues } from './view-values.js';

/** Filter name → path in the DescribeInstances view of an instance. */
const VIEW_PATHS: Readonly<Record<string, string>> = {
  'block-device-mapping.attach-time': 'BlockDeviceMappings.Ebs.AttachTime',
  'block-device-mapping.delete-on-termination': 'BlockDeviceMappings.Ebs.DeleteOnTermination',
  'block-device-mapping.device-name': 'BlockDeviceMappings.DeviceName',
  'block-device-mapping.status': 'BlockDeviceMappings.Ebs.Status',
  'block-device-mapping.volume-id': 'BlockDeviceMappings.Ebs.VolumeId',
  'boot-mode': 'BootMode',
  'capacity-reservation-id': 'CapacityReservationId',
  'capacity-reservation-specification.capacity-reservation-preference': 'CapacityReservationSpecification.CapacityReservationPreference',
  'capacity-reservation-specification.capacity-reservation-target.capacity-reservation-id':
    'CapacityReservationSpecification.CapacityReservationTarget.CapacityReservationId',
  'capacity-reservation-specification.capacity-reservation-target.capacity-reservation-resource-group-arn':
    'CapacityReservationSpecification.CapacityReservationTarget.CapacityReservationResourceGroupArn',
  'current-instance-boot-mode': 'CurrentInstanceBootMode',
  'ebs-optimized': 'EbsOptimized',
  'ena-support': 'EnaSupport',
  'enclave-options.enabled': 'EnclaveOptions.Enabled',
  'hibernation-options.configured': 'HibernationOptions.Configured',
  'host-id': 'Placement.HostId',
  'iam-instance-profile.arn': 'IamInstanceProfile.Arn',
  'iam-instance-profile.id': 'IamInstanceProfile.Id',
  'ipv6-address': 'NetworkInterfaces.Ipv6Addresses.Ipv6Address',
  'kernel-id': 'KernelId',
  'maintenance-options.auto-recovery': 'MaintenanceOptions.AutoRecovery',
  'metadata-options.http-protocol-ipv4': 'MetadataOptions.HttpProtocolIpv4',
  'metadata-options.http-protocol-ipv6': 'MetadataOptions.HttpProtocolIpv6',
  'metadata-options.state': 'MetadataOptions.State',
  'network-interface.addresses.association.carrier-ip': 'NetworkInterfaces.PrivateIpAddresses.Association.CarrierIp',
  'network-interface.addresses.association.customer-owned-ip': 'NetworkInterfaces.PrivateIpAddresses.Association.CustomerOwnedIp',
  'network-interface.addresses.association.public-dns-name': 'NetworkInterfaces.PrivateIpAddresses.Association.PublicDnsName',
  'network-interface.addresses.private-dns-name': 'NetworkInterfaces.PrivateIpAddresses.PrivateDnsName',
  'network-interface.association.carrier-ip': 'NetworkInterfaces.Association.CarrierIp',
  'network-interface.association.customer-owned-ip': 'NetworkInterfaces.Association.CustomerOwnedIp',
  'network-interface.deny-all-igw-traffic': 'NetworkInterfaces.DenyAllIgwTraffic',
  'network-interface.ipv4-prefixes.ipv4-prefix': 'NetworkInterfaces.Ipv4Prefixes.Ipv4Prefix',
  'network-interface.ipv6-addresses.is-primary-ipv6': 'NetworkInterfaces.Ipv6Addresses.IsPrimaryIpv6',
  'network-interface.ipv6-native': 'NetworkInterfaces.Ipv6Native',
  'network-interface.ipv6-prefixes.ipv6-prefix': 'NetworkInterfaces.Ipv6Prefixes.Ipv6Prefix',
  'network-interface.outpost-arn': 'NetworkInterfaces.OutpostArn',
  'network-interface.public-dns-name': 'NetworkInterfaces.Association.PublicDnsName',
  'network-performance-options.bandwidth-weighting': 'NetworkPerformanceOptions.BandwidthWeighting',
  'operator.managed': 'Operator.Managed',
  'operator.principal': 'Operator.Principal',
  'outpost-arn': 'OutpostArn',
  'placement-partition-number': 'Placement.PartitionNumber',
  platform: 'Platform',
  'private-dns-name-options.enable-resource-name-dns-a-record': 'PrivateDnsNameOptions.EnableResourceNameDnsARecord',
  'private-dns-name-options.enable-resource-name-dns-aaaa-record': 'PrivateDnsNameOptions.EnableResourceNameDnsAAAARecord',
  'private-dns-name-options.hostname-type': 'PrivateDnsNameOptions.HostnameType',
  'product-code': 'ProductCodes.ProductCodeId',
  'product-code.type': 'ProductCodes.ProductCodeType',
  'ramdisk-id': 'RamdiskId',
  reason: 'StateTransitionReason',
  'spot-instance-request-id': 'SpotInstanceRequestId',
  'state-reason-message': 'StateReason.Message',
  'tpm-support': 'TpmSupport',
  'usage-operation': 'UsageOperation',
  'usage-operation-update-time': 'UsageOperationUpdateTime',
};

/**
 * The documented DescribeInstances filters read from `view` (the instance's DescribeInstances
 * answer), plus the ones read from the instance's interfaces and Elastic IPs.
 */
export function viewInstanceGetters(region: RegionState, view: (i: Instance) => unknown): Record<string, FilterGetter<Instance>> {
  const getters: Record<string, FilterGetter<Instance>> = {};
  for (const [name, path] of Object.entries(VIEW_PATHS)) getters[name] = (i) => viewValues(view(i), path);
  const interfaces = (i: Instance) => region.interfacesOfInstance(i.id) ?? [];
  const addresses = (i: Instance) => {
    const ids = new Set(interfaces(i).map((e) => e.id));
    return [...region.elasticIps.values()].filter((a) => a.association && ids.has(a.association.networkInterfaceId));
  };
  getters['network-interface.addresses.association.allocation-id'] = (i) => addresses(i).map((a) => a.allocationId);
  getters['network-interface.addresses.association.association-id'] = (i) => addresses(i).map((a) => a.association!.associationId);
  getters['network-interface.tag-key'] = (i) => interfaces(i).flatMap((e) => [...e.tags.keys()]);
  getters['network-interface.tag-value'] = (i) => interfaces(i).flatMap((e) => [...e.tags.values()]);
  // The reservation's requester (an AWS service launching on the caller's behalf): ec2net has none.
  getters['requester-id'] = () => undefined;
  return getters;
}

/** DescribeInstanceStatus filters beyond instances.ts's: the zone id; no scheduled events and no operator, so those match nothing. */
export const instanceStatusGetters: Record<string, FilterGetter<Instance>> = {
  'availability-zone-id': (i) => i.zone.zoneId,
  'attached-ebs-status.status': (i) => (i.state === 'running' ? 'ok' : undefined),
  'event.description': () => undefined,
  'event.instance-event-id': () => undefined,
  'event.not-after': () => undefined,
  'event.not-before': () => undefined,
  'event.not-before-deadline': () => undefined,
  'operator.managed': () => undefined,
  'operator.principal': () => undefined,
};
