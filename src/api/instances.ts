/** Instance operations: launch, describe, lifecycle, attributes, and interface attach/detach. */
import { isArm64, topologyOf } from '../engine/cpu-options.js';
import { instanceStatusGetters, viewInstanceGetters } from './instance-filters.js';
import type { RegionState } from '../engine/cloud.js';
import { Ec2Error, invalidValue } from '../engine/errors.js';
import { exactValues, perWorld, type FilterSpec } from '../engine/filters.js';
import { findInstanceType, type InstanceTypeInfo } from '../engine/instance-types.js';
import {
  checkStart,
  checkStop,
  getInstance,
  rebootInstance,
  startInstance,
  STATE_CODES,
  stopInstance,
  terminateInstance,
  type StateChange,
} from '../engine/instance.js';
import { attach, attachedInterfaces, checkAttach, detach, findAttachment, primaryInterface } from '../engine/attachment.js';
import type { Instance, InstanceStateName, NetworkInterface } from '../engine/model.js';
import { getNetworkInterface, prefix80Text, privateDnsName } from '../engine/network-interface.js';
import { tagList } from '../engine/tags.js';
import { describe } from './describe.js';
import { refuseServiceDetach } from '../engine/requester-managed.js';
import { handlers, type RequestContext } from './handler.js';
import { idempotent } from './idempotency.js';
import { parseAttachmentId } from './attachment-ids.js';
import { groupsView, networkInterfaceFilters, publicAssociation } from './network-interfaces.js';
import { runInstances } from './run-instances.js';
import { blockDeviceMappingsView } from './instance-attributes.js';
import { attributesOf, checkStopAllowed, checkTerminationAllowed } from '../engine/instance-attributes.js';
import { instanceVolumes } from '../engine/volume.js';

// ---- views --------------------------------------------------------------------------------------

const stateView = (name: InstanceStateName) => ({ Code: STATE_CODES[name], Name: name });

function instanceInterfaceView(region: RegionState, eni: NetworkInterface) {
  const strip = (a: ReturnType<typeof publicAssociation>) => (a ? { PublicIp: a.PublicIp, PublicDnsName: a.PublicDnsName, IpOwnerId: a.IpOwnerId } : undefined);
  const primary = eni.privateIps[0]!;
  const a = eni.attachment!;
  return {
    Association: strip(publicAssociation(region, eni, primary)),
    Attachment: {
      AttachTime: a.attachTime,
      AttachmentId: a.attachmentId,
      DeleteOnTermination: a.deleteOnTermination,
      DeviceIndex: a.deviceIndex,
      Status: a.status,
      NetworkCardIndex: a.networkCardIndex,
    },
    Description: eni.description,
    Groups: groupsView(region, eni.groupIds),
    Ipv6Addresses: eni.ipv6Addresses.map((x) => ({ Ipv6Address: x.text, IsPrimaryIpv6: false })),
    MacAddress: eni.macAddress,
    NetworkInterfaceId: eni.id,
    OwnerId: eni.ownerId,
    PrivateDnsName: privateDnsName(region.name, primary.text),
    PrivateIpAddress: primary.text,
    PrivateIpAddresses: eni.privateIps.map((ip) => ({
      Association: strip(publicAssociation(region, eni, ip)),
      Primary: ip.primary,
      PrivateDnsName: privateDnsName(region.name, ip.text),
      PrivateIpAddress: ip.text,
    })),
    SourceDestCheck: eni.sourceDestCheck,
    Status: eni.status,
    SubnetId: eni.subnetId,
    VpcId: eni.vpcId,
    InterfaceType: eni.interfaceType,
    Ipv4Prefixes: eni.ipv4Prefixes.map((b) => ({ Ipv4Prefix: `${[b >>> 24, (b >>> 16) & 255, (b >>> 8) & 255, b & 255].join('.')}/28` })),
    Ipv6Prefixes: eni.ipv6Prefixes.map((b) => ({ Ipv6Prefix: prefix80Text(b) })),
  };
}

/** The public address of an instance: eth0's primary address's Elastic IP or auto-assigned IPv4. */
function instancePublic(region: RegionState, instance: Instance) {
  const eni = primaryInterface(region, instance);
  return eni ? publicAssociation(region, eni, eni.privateIps[0]!) : undefined;
}

/** DescribeInstances' CpuOptions: the instance's cores and threads (cpu-options.ts). */
export function cpuOptionsView(i: Instance, type: InstanceTypeInfo | undefined) {
  const t = topologyOf(i, type);
  return t ? { CoreCount: t.coreCount, ThreadsPerCore: t.threadsPerCore } : undefined;
}

export function instanceView(region: RegionState, i: Instance) {
  const type = findInstanceType(i.instanceType);
  const eth0 = primaryInterface(region, i);
  const pub = instancePublic(region, i);
  const live = i.state !== 'terminated';
  return {
    Architecture: (isArm64(i.instanceType) ? 'arm64' : 'x86_64') as 'x86_64',
    BlockDeviceMappings: blockDeviceMappingsView(region, i),
    ClientToken: i.clientToken ?? '',
    EbsOptimized: attributesOf(i).ebsOptimized,
    EnaSupport: type?.hypervisor === 'nitro' || type?.hypervisor === null,
    Hypervisor: 'xen' as const,
    NetworkInterfaces: attachedInterfaces(region, i).map((e) => instanceInterfaceView(region, e)),
    RootDeviceName: i.rootDeviceName ?? '/dev/xvda',
    RootDeviceType: 'ebs' as const,
    SecurityGroups: eth0 ? groupsView(region, eth0.groupIds) : [],
    SourceDestCheck: eth0?.sourceDestCheck,
    Tags: tagList(i.tags),
    VirtualizationType: 'hvm' as const,
    CpuOptions: cpuOptionsView(i, type),
    HibernationOptions: { Configured: false },
    MetadataOptions: {
      State: 'applied' as const,
      HttpTokens: i.metadata.httpTokens,
      HttpPutResponseHopLimit: i.metadata.httpPutResponseHopLimit,
      HttpEndpoint: i.metadata.httpEndpoint,
      HttpProtocolIpv6: i.metadata.httpProtocolIpv6 ?? 'disabled',
      InstanceMetadataTags: i.metadata.instanceMetadataTags,
    },
    EnclaveOptions: { Enabled: false },
    PlatformDetails: 'Linux/UNIX',
    UsageOperation: 'RunInstances',
    PrivateDnsNameOptions: { HostnameType: 'ip-name' as const, EnableResourceNameDnsARecord: false, EnableResourceNameDnsAAAARecord: false },
    MaintenanceOptions: { AutoRecovery: 'default' as const },
    InstanceId: i.id,
    ImageId: i.imageId,
    State: stateView(i.state),
    PrivateDnsName: eth0 && live ? privateDnsName(region.name, eth0.privateIps[0]!.text) : '',
    PublicDnsName: pub?.PublicDnsName ?? '',
    StateTransitionReason: i.stateTransitionReason,
    KeyName: i.keyName,
    AmiLaunchIndex: i.amiLaunchIndex,
    ProductCodes: [],
    InstanceType: i.instanceType as 't3.micro',
    LaunchTime: i.launchTime,
    Placement: {
      AvailabilityZone: i.zone.zoneName,
      AvailabilityZoneId: i.zone.zoneId,
      GroupName: i.placement?.groupName ?? '',
      GroupId: i.placement?.groupId,
      PartitionNumber: i.placement?.partitionNumber,
      Tenancy: 'default' as const,
    },
    Monitoring: { State: 'disabled' as const },
    SubnetId: live ? i.subnetId : undefined,
    VpcId: live ? i.vpcId : undefined,
    PrivateIpAddress: eth0?.privateIps[0]!.text,
    PublicIpAddress: pub?.PublicIp,
  };
}

function reservationsView(region: RegionState, instances: readonly Instance[]) {
  const byReservation = new Map<string, Instance[]>();
  for (const i of instances) {
    const list = byReservation.get(i.reservationId) ?? [];
    list.push(i);
    byReservation.set(i.reservationId, list);
  }
  return [...byReservation].map(([ReservationId, list]) => ({
    ReservationId,
    OwnerId: list[0]!.ownerId,
    Groups: [],
    Instances: list.map((i) => instanceView(region, i)),
  }));
}

// ---- filters ------------------------------------------------------------------------------------

const instanceFilters = perWorld((region: RegionState): FilterSpec<Instance> => {
  const eniSpec = networkInterfaceFilters(region);
  const perInterface: Record<string, (i: Instance) => unknown[]> = {};
  for (const [name, get] of Object.entries(eniSpec.getters)) {
    perInterface[`network-interface.${name}`] = (i) => attachedInterfaces(region, i).flatMap((e) => get(e) as unknown);
  }
  const eth0 = (i: Instance) => primaryInterface(region, i);
  return {
    resourceName: 'instance',
    tags: (i) => i.tags,
    getters: {
      ...viewInstanceGetters(region, (i) => instanceView(region, i)),
      ...(perInterface as FilterSpec<Instance>['getters']),
      'network-interface.addresses.association.ip-owner-id': (i) =>
        attachedInterfaces(region, i).flatMap((e) => e.privateIps.map((ip) => publicAssociation(region, e, ip)?.IpOwnerId)),
      affinity: () => undefined,
      architecture: (i) => instanceView(region, i).Architecture,
      'availability-zone': (i) => i.zone.zoneName,
      'availability-zone-id': (i) => i.zone.zoneId,
      'client-token': (i) => i.clientToken,
      'dns-name': (i) => instancePublic(region, i)?.PublicDnsName,
      'group-id': (i) => eth0(i)?.groupIds,
      'group-name': (i) => eth0(i)?.groupIds.map((g) => region.securityGroups.get(g)?.name),
      'instance.group-id': (i) => eth0(i)?.groupIds,
      'instance.group-name': (i) => eth0(i)?.groupIds.map((g) => region.securityGroups.get(g)?.name),
      hypervisor: () => 'xen',
      'image-id': (i) => i.imageId,
      'instance-id': (i) => i.id,
      'instance-lifecycle': () => undefined,
      'instance-state-code': (i) => STATE_CODES[i.state],
      'instance-state-name': (i) => i.state,
      'instance-type': (i) => i.instanceType,
      'ip-address': (i) => instancePublic(region, i)?.PublicIp,
      'key-name': (i) => i.keyName,
      'launch-index': (i) => i.amiLaunchIndex,
      'launch-time': (i) => i.launchTime.toISOString(),
      'metadata-options.http-tokens': (i) => i.metadata.httpTokens,
      'metadata-options.http-endpoint': (i) => i.metadata.httpEndpoint,
      'metadata-options.http-put-response-hop-limit': (i) => i.metadata.httpPutResponseHopLimit,
      'metadata-options.instance-metadata-tags': (i) => i.metadata.instanceMetadataTags,
      'monitoring-state': () => 'disabled',
      'owner-id': (i) => i.ownerId,
      'placement-group-name': (i) => i.placement?.groupName,
      'placement.availability-zone': (i) => i.zone.zoneName,
      'platform-details': () => 'Linux/UNIX',
      'private-dns-name': (i) => {
        const e = eth0(i);
        return e ? privateDnsName(region.name, e.privateIps[0]!.text) : undefined;
      },
      'private-ip-address': (i) => eth0(i)?.privateIps[0]!.text,
      'reservation-id': (i) => i.reservationId,
      'root-device-name': (i) => i.rootDeviceName ?? '/dev/xvda',
      'block-device-mapping.attach-time': (i) => instanceVolumes(region, i).map((x) => x.attachment.attachTime.toISOString()),
      'block-device-mapping.delete-on-termination': (i) => instanceVolumes(region, i).map((x) => x.attachment.deleteOnTermination),
      'block-device-mapping.device-name': (i) => instanceVolumes(region, i).map((x) => x.attachment.device),
      'block-device-mapping.status': (i) => instanceVolumes(region, i).map((x) => x.attachment.state),
      'block-device-mapping.volume-id': (i) => instanceVolumes(region, i).map((x) => x.volume.id),
      'ebs-optimized': (i) => attributesOf(i).ebsOptimized,
      'root-device-type': () => 'ebs',
      'source-dest-check': (i) => eth0(i)?.sourceDestCheck,
      'state-reason-code': () => undefined,
      'subnet-id': (i) => i.subnetId,
      tenancy: () => 'default',
      'virtualization-type': () => 'hvm',
      'vpc-id': (i) => i.vpcId,
    },
  };
});

/** Candidates from the IP index when a filter pins interface addresses exactly: no scan over instances. */
function indexedInstances(region: RegionState, filters: { Name?: string; Values?: string[] }[] | undefined): Instance[] | undefined {
  for (const name of ['network-interface.private-ip-address', 'network-interface.addresses.private-ip-address', 'private-ip-address']) {
    const values = exactValues(filters, name);
    if (!values) continue;
    const out = new Set<Instance>();
    for (const v of values) {
      for (const eni of region.interfacesByPrivateIp.get(v)) {
        const i = eni.attachment && region.instances.get(eni.attachment.instanceId);
        if (i) out.add(i);
      }
    }
    return [...out];
  }
  const ids = exactValues(filters, 'instance-id');
  return ids ? ids.flatMap((id) => region.instances.get(id) ?? []) : undefined;
}

// ---- handlers -----------------------------------------------------------------------------------

function stateChanges(ctx: RequestContext, ids: readonly string[], act: (i: Instance) => StateChange, check: (i: Instance) => void = () => {}) {
  // Every id must exist, and be in a state the call accepts, before anything changes
  // (one bad id or one refused instance → nothing happens).
  const instances = [...new Set(ids)].map((id) => getInstance(ctx.region, id));
  for (const i of instances) check(i);
  return instances.map((i) => {
    const { previous } = act(i);
    return { InstanceId: i.id, CurrentState: stateView(i.state), PreviousState: stateView(previous) };
  });
}

export const instanceHandlers = handlers({
  RunInstances: (ctx, input) =>
    idempotent(
      ctx,
      input,
      () => {
        const r = runInstances(ctx.region, input);
        const output = reservationsView(ctx.region, r.instances)[0]!;
        return { id: r.reservationId, output };
      },
      (reservationId) => {
        const list = [...ctx.region.instances.values()].filter((i) => i.reservationId === reservationId);
        if (list.length === 0)
          throw new Ec2Error('IdempotentParameterMismatch', `The instances launched with client token '${input.ClientToken}' no longer exist.`);
        return reservationsView(ctx.region, list)[0]!;
      },
    ),

  DescribeInstances: (ctx, input) => {
    const region = ctx.region;
    if (input.MaxResults !== undefined && (input.MaxResults < 5 || input.MaxResults > 1000)) {
      throw invalidValue(`Value ( ${input.MaxResults} ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`);
    }
    const candidates = indexedInstances(region, input.Filters);
    const page = describe(
      ctx,
      input,
      instanceFilters(region),
      input.InstanceIds,
      (id) => getInstance(region, id),
      () => candidates ?? region.instances.values(),
      'instanceIds',
    );
    return { Reservations: reservationsView(region, page.items), NextToken: page.nextToken };
  },

  DescribeInstanceStatus: (ctx, input) => {
    const region = ctx.region;
    const spec: FilterSpec<Instance> = {
      resourceName: 'instance status',
      getters: {
        'availability-zone': (i) => i.zone.zoneName,
        'instance-state-code': (i) => STATE_CODES[i.state],
        'instance-state-name': (i) => i.state,
        'instance-status.status': (i) => (i.state === 'running' ? 'ok' : 'not-applicable'),
        'instance-status.reachability': (i) => (i.state === 'running' ? 'passed' : undefined),
        'system-status.status': (i) => (i.state === 'running' ? 'ok' : 'not-applicable'),
        'system-status.reachability': (i) => (i.state === 'running' ? 'passed' : undefined),
        'event.code': () => undefined,
        ...instanceStatusGetters,
      },
    };
    const all = () => [...region.instances.values()].filter((i) => input.IncludeAllInstances || i.state === 'running');
    const page = describe(ctx, input, spec, input.InstanceIds, (id) => getInstance(region, id), all, 'instanceIds');
    const status = (i: Instance) =>
      i.state === 'running'
        ? { Status: 'ok' as const, Details: [{ Name: 'reachability' as const, Status: 'passed' as const }] }
        : { Status: 'not-applicable' as const };
    return {
      InstanceStatuses: page.items.map((i) => ({
        AvailabilityZone: i.zone.zoneName,
        AvailabilityZoneId: i.zone.zoneId,
        InstanceId: i.id,
        InstanceState: stateView(i.state),
        InstanceStatus: status(i),
        SystemStatus: status(i),
        AttachedEbsStatus:
          i.state === 'running' ? { Status: 'ok' as const, Details: [{ Name: 'reachability' as const, Status: 'passed' as const }] } : undefined,
        Events: [],
      })),
      NextToken: page.nextToken,
    };
  },

  StartInstances: (ctx, input) => ({ StartingInstances: stateChanges(ctx, input.InstanceIds, (i) => startInstance(ctx.region, i), checkStart) }),
  StopInstances: (ctx, input) => ({
    StoppingInstances: stateChanges(
      ctx,
      input.InstanceIds,
      (i) => stopInstance(ctx.region, i),
      (i) => {
        checkStop(i);
        checkStopAllowed(i);
      },
    ),
  }),
  TerminateInstances: (ctx, input) => {
    if (input.InstanceIds.length > 1000) throw invalidValue('At most 1000 instance ids may be given.');
    return { TerminatingInstances: stateChanges(ctx, input.InstanceIds, (i) => terminateInstance(ctx.region, i), checkTerminationAllowed) };
  },
  RebootInstances: (ctx, input) => {
    const instances = [...new Set(input.InstanceIds)].map((id) => getInstance(ctx.region, id));
    for (const i of instances) rebootInstance(i);
    return {};
  },

  ModifyInstanceMetadataOptions: (ctx, input) => {
    const i = getInstance(ctx.region, input.InstanceId);
    // Validate everything before changing anything: a refused request changes nothing.
    if (input.HttpPutResponseHopLimit !== undefined && (input.HttpPutResponseHopLimit < 1 || input.HttpPutResponseHopLimit > 64)) {
      throw invalidValue(`Value (${input.HttpPutResponseHopLimit}) for parameter HttpPutResponseHopLimit is invalid. Expecting a value between 1 and 64.`);
    }
    if (input.HttpTokens) i.metadata.httpTokens = input.HttpTokens;
    if (input.HttpEndpoint) i.metadata.httpEndpoint = input.HttpEndpoint;
    if (input.HttpPutResponseHopLimit !== undefined) i.metadata.httpPutResponseHopLimit = input.HttpPutResponseHopLimit;
    if (input.InstanceMetadataTags) i.metadata.instanceMetadataTags = input.InstanceMetadataTags;
    if (input.HttpProtocolIpv6) i.metadata.httpProtocolIpv6 = input.HttpProtocolIpv6;
    return { InstanceId: i.id, InstanceMetadataOptions: instanceView(ctx.region, i).MetadataOptions };
  },

  AttachNetworkInterface: (ctx, input) => {
    const region = ctx.region;
    const eni = getNetworkInterface(region, input.NetworkInterfaceId);
    const instance = getInstance(region, input.InstanceId);
    if (instance.state !== 'running' && instance.state !== 'stopped') {
      throw new Ec2Error('IncorrectInstanceState', `Instance '${instance.id}' is not 'running' or 'stopped'.`);
    }
    if (input.DeviceIndex === 0) throw invalidValue(`Instance '${instance.id}' already has an interface attached at device index '0'.`);
    if (input.DeviceIndex < 0) throw invalidValue(`Value (${input.DeviceIndex}) for parameter deviceIndex is invalid.`);
    const opts = { deviceIndex: input.DeviceIndex, networkCardIndex: input.NetworkCardIndex };
    checkAttach(region, eni, instance, opts);
    const attachmentId = attach(region, eni, instance, opts);
    return { AttachmentId: attachmentId, NetworkCardIndex: eni.attachment!.networkCardIndex };
  },

  DetachNetworkInterface: (ctx, input) => {
    refuseServiceDetach(input.AttachmentId);
    parseAttachmentId(input.AttachmentId);
    const eni = findAttachment(ctx.region, input.AttachmentId);
    detach(ctx.region, eni, input.Force === true);
    return {};
  },
});
