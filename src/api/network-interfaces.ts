/** Network interface operations and the NetworkInterface view shared with instances. */
import { accountUserId } from '../engine/sts.js';
import { formatIpv4 as ipText } from '../engine/cidr.js';
import type { RegionState } from '../engine/cloud.js';
import { Ec2Error, invalidCombination, invalidValue } from '../engine/errors.js';
import { exactValues, perWorld, type FilterSpec } from '../engine/filters.js';
import type { NetworkInterface, PrivateIp } from '../engine/model.js';
import {
  createNetworkInterface,
  deleteNetworkInterface,
  getNetworkInterface,
  prefix80Text,
  privateDnsName,
  publicDnsName,
  setGroups,
} from '../engine/network-interface.js';
import { assignIpv6, assignPrivateIps, unassignIpv6, unassignPrivateIps } from '../engine/private-ip.js';
import { getSubnet } from '../engine/subnet.js';
import { tagList, tagsFromSpecs } from '../engine/tags.js';
import { mapForAnswer } from '../protocol/encode.js';
import { describe } from './describe.js';
import { refuseManagedInterfaceChange } from '../engine/requester-managed.js';
import { handlers, type RequestContext } from './handler.js';
import { idempotent } from './idempotency.js';
import { parseAttachmentId } from './attachment-ids.js';

// ---- views ------------------------------------------------------------------------------------

/** The public side of a private address: its Elastic IP, or for the primary the auto-assigned public IPv4. */
export function publicAssociation(region: RegionState, eni: NetworkInterface, ip: PrivateIp) {
  if (ip.elasticIp) {
    const eip = region.elasticIps.get(ip.elasticIp)!;
    return {
      PublicIp: eip.publicIp,
      PublicDnsName: publicDnsName(region.name, eip.publicIp),
      IpOwnerId: eip.ownerId,
      AllocationId: eip.allocationId,
      AssociationId: eip.association!.associationId,
    };
  }
  if (ip.primary && eni.autoPublicIp) {
    return { PublicIp: eni.autoPublicIp, PublicDnsName: publicDnsName(region.name, eni.autoPublicIp), IpOwnerId: 'amazon' };
  }
  return undefined;
}

export function groupsView(region: RegionState, groupIds: readonly string[]) {
  return groupIds.map((id) => ({ GroupId: id, GroupName: region.securityGroups.get(id)?.name ?? '' }));
}

export function attachmentView(eni: NetworkInterface) {
  const a = eni.attachment;
  if (!a) return eni.serviceAttachmentId !== undefined ? serviceAttachmentView(eni) : undefined;
  return {
    AttachTime: a.attachTime,
    AttachmentId: a.attachmentId,
    DeleteOnTermination: a.deleteOnTermination,
    DeviceIndex: a.deviceIndex,
    NetworkCardIndex: a.networkCardIndex,
    InstanceId: a.instanceId,
    InstanceOwnerId: a.instanceOwnerId,
    Status: a.status,
  };
}

/**
 * A requester-managed interface's attachment as AWS shows it: an `ela-attach-` id, device index 1,
 * instance owner `amazon-aws`, no instance (DescribeNetworkInterfaces output of a NAT gateway's interface).
 */
function serviceAttachmentView(eni: NetworkInterface) {
  return {
    AttachTime: eni.createdAt,
    AttachmentId: eni.serviceAttachmentId,
    DeleteOnTermination: false,
    DeviceIndex: 1,
    InstanceOwnerId: 'amazon-aws',
    Status: 'attached' as const,
  };
}

/** Shared by every view with nothing in the list (the encoder only reads it). */
const NONE = Object.freeze([]) as unknown as never[];

export function networkInterfaceView(region: RegionState, eni: NetworkInterface) {
  const ips = eni.privateIps;
  const primary = ips[0]!;
  // Plain loops rather than map(): a listing builds thousands of these.
  const privateIps = new Array<{ Association: ReturnType<typeof publicAssociation>; Primary: boolean; PrivateDnsName: string; PrivateIpAddress: string }>(
    ips.length,
  );
  for (let i = 0; i < ips.length; i++) {
    const ip = ips[i]!;
    privateIps[i] = {
      Association: ip.elasticIp || ip.primary ? publicAssociation(region, eni, ip) : undefined,
      Primary: ip.primary,
      PrivateDnsName: privateDnsName(region.name, ip.address),
      PrivateIpAddress: ip.text,
    };
  }
  return {
    Association: publicAssociation(region, eni, primary),
    Attachment: attachmentView(eni),
    AvailabilityZone: eni.zone.zoneName,
    AvailabilityZoneId: eni.zone.zoneId,
    Description: eni.description,
    Groups: groupsView(region, eni.groupIds),
    InterfaceType: eni.interfaceType as 'interface',
    Ipv6Addresses: eni.ipv6Addresses.length === 0 ? NONE : eni.ipv6Addresses.map((a) => ({ Ipv6Address: a.text, IsPrimaryIpv6: false })),
    MacAddress: eni.macAddress,
    NetworkInterfaceId: eni.id,
    OwnerId: eni.ownerId,
    PrivateDnsName: privateIps[0]!.PrivateDnsName,
    PrivateIpAddress: primary.text,
    PrivateIpAddresses: privateIps,
    Ipv4Prefixes: eni.ipv4Prefixes.length === 0 ? NONE : eni.ipv4Prefixes.map((b) => ({ Ipv4Prefix: `${ipText(b)}/28` })),
    Ipv6Prefixes: eni.ipv6Prefixes.length === 0 ? NONE : eni.ipv6Prefixes.map((b) => ({ Ipv6Prefix: prefix80Text(b) })),
    RequesterId: eni.requesterId,
    RequesterManaged: eni.requesterManaged,
    SourceDestCheck: eni.sourceDestCheck,
    Status: eni.status,
    SubnetId: eni.subnetId,
    TagSet: tagList(eni.tags) ?? NONE,
    VpcId: eni.vpcId,
    Ipv6Native: false,
  };
}

// ---- filters ------------------------------------------------------------------------------------

const eips = (region: RegionState, eni: NetworkInterface) => eni.privateIps.flatMap((ip) => (ip.elasticIp ? [region.elasticIps.get(ip.elasticIp)!] : []));

/** Every filter the DescribeNetworkInterfaces reference documents. */
export const networkInterfaceFilters = perWorld((region: RegionState): FilterSpec<NetworkInterface> => {
  const primaryPublic = (e: NetworkInterface) => publicAssociation(region, e, e.privateIps[0]!);
  return {
    resourceName: 'network interface',
    tags: (e) => e.tags,
    getters: {
      'addresses.private-ip-address': (e) => e.privateIps.map((i) => i.text),
      'addresses.primary': (e) => e.privateIps.map((i) => i.primary),
      'addresses.association.public-ip': (e) => e.privateIps.map((i) => publicAssociation(region, e, i)?.PublicIp),
      'addresses.association.owner-id': (e) => e.privateIps.map((i) => publicAssociation(region, e, i)?.IpOwnerId),
      'association.association-id': (e) => eips(region, e).map((x) => x.association!.associationId),
      'association.allocation-id': (e) => eips(region, e).map((x) => x.allocationId),
      'association.ip-owner-id': (e) => primaryPublic(e)?.IpOwnerId,
      'association.public-ip': (e) => primaryPublic(e)?.PublicIp,
      'association.public-dns-name': (e) => primaryPublic(e)?.PublicDnsName,
      'attachment.attachment-id': (e) => e.attachment?.attachmentId,
      'attachment.attach-time': (e) => e.attachment?.attachTime.toISOString(),
      'attachment.delete-on-termination': (e) => e.attachment?.deleteOnTermination,
      'attachment.device-index': (e) => e.attachment?.deviceIndex,
      'attachment.instance-id': (e) => e.attachment?.instanceId,
      'attachment.instance-owner-id': (e) => e.attachment?.instanceOwnerId,
      'attachment.network-card-index': (e) => e.attachment?.networkCardIndex,
      'attachment.status': (e) => e.attachment?.status,
      'availability-zone': (e) => e.zone.zoneName,
      'availability-zone-id': (e) => e.zone.zoneId,
      description: (e) => e.description,
      'group-id': (e) => e.groupIds,
      'group-name': (e) => e.groupIds.map((id) => region.securityGroups.get(id)?.name),
      'ipv6-addresses.ipv6-address': (e) => e.ipv6Addresses.map((a) => a.text),
      'ipv6-address': (e) => e.ipv6Addresses.map((a) => a.text),
      'interface-type': (e) => e.interfaceType,
      'mac-address': (e) => e.macAddress,
      'network-interface-id': (e) => e.id,
      'operator.managed': () => false,
      'operator.principal': () => undefined,
      'owner-id': (e) => e.ownerId,
      'private-ip-address': (e) => e.privateIps.map((i) => i.text),
      'private-dns-name': (e) => e.privateIps.map((i) => privateDnsName(region.name, i.text)),
      'requester-id': (e) => e.requesterId,
      'requester-managed': (e) => e.requesterManaged,
      'source-dest-check': (e) => e.sourceDestCheck,
      status: (e) => e.status,
      'subnet-id': (e) => e.subnetId,
      'vpc-id': (e) => e.vpcId,
    },
  };
});

/** Candidates from the IP index when the filters pin exact private addresses: no scan. */
function indexedCandidates(region: RegionState, filters: { Name?: string; Values?: string[] }[] | undefined) {
  for (const name of ['private-ip-address', 'addresses.private-ip-address']) {
    const values = exactValues(filters, name);
    if (values) return [...new Set(values.flatMap((v) => region.interfacesByPrivateIp.get(v)))];
  }
  const ids = exactValues(filters, 'network-interface-id');
  if (ids) return ids.flatMap((id) => region.networkInterfaces.get(id) ?? []);
  return undefined;
}

// ---- handlers -----------------------------------------------------------------------------------

const view = (ctx: RequestContext, eni: NetworkInterface) => networkInterfaceView(ctx.region, eni);

export const networkInterfaceHandlers = handlers({
  CreateNetworkInterface: (ctx, input) =>
    idempotent(
      ctx,
      input,
      () => {
        const subnet = getSubnet(ctx.region, input.SubnetId);
        const specs = input.PrivateIpAddresses ?? [];
        const primaries = specs.filter((s) => s.Primary);
        if (primaries.length > 1) throw invalidValue('Only one private IP address may be designated as primary.');
        if (input.PrivateIpAddress !== undefined && primaries.length === 1 && primaries[0]!.PrivateIpAddress !== input.PrivateIpAddress) {
          throw invalidCombination(
            'The primary private IP address may be given by PrivateIpAddress or by a PrivateIpAddresses entry marked Primary, not both.',
          );
        }
        for (const s of specs)
          if (s.PrivateIpAddress === undefined)
            throw new Ec2Error('MissingParameter', 'The request must contain the parameter PrivateIpAddresses.N.PrivateIpAddress');
        const primaryIp = input.PrivateIpAddress ?? primaries[0]?.PrivateIpAddress;
        const secondaryIps = specs.map((s) => s.PrivateIpAddress!).filter((a) => a !== primaryIp);
        const eni = createNetworkInterface(ctx.region, {
          subnet,
          // AWS shows who created an interface (amazon.aws's ec2_eni target, run against AWS, expects a
          // RequesterId string); here the account's user (src/engine/sts.ts), which a replay gives back.
          requesterId: accountUserId(ctx.accountId),
          description: input.Description,
          primaryIp,
          secondaryIps,
          secondaryCount: input.SecondaryPrivateIpAddressCount,
          ipv6Addresses: (input.Ipv6Addresses ?? []).map((a) => a.Ipv6Address ?? ''),
          ipv6Count: input.Ipv6AddressCount,
          ipv4Prefixes: (input.Ipv4Prefixes ?? []).map((p) => p.Ipv4Prefix ?? ''),
          ipv4PrefixCount: input.Ipv4PrefixCount,
          ipv6Prefixes: (input.Ipv6Prefixes ?? []).map((p) => p.Ipv6Prefix ?? ''),
          ipv6PrefixCount: input.Ipv6PrefixCount,
          groupIds: input.Groups,
          interfaceType: input.InterfaceType,
          tags: tagsFromSpecs(input.TagSpecifications, 'network-interface'),
        });
        return { id: eni.id, output: { NetworkInterface: view(ctx, eni), ClientToken: input.ClientToken } };
      },
      (id) => {
        const eni = ctx.region.networkInterfaces.get(id);
        if (!eni) throw new Ec2Error('IdempotentParameterMismatch', `The network interface created with client token '${input.ClientToken}' no longer exists.`);
        return { NetworkInterface: view(ctx, eni), ClientToken: input.ClientToken };
      },
    ),

  DeleteNetworkInterface: (ctx, input) => {
    deleteNetworkInterface(ctx.region, getNetworkInterface(ctx.region, input.NetworkInterfaceId));
    return {};
  },

  DescribeNetworkInterfaces: (ctx, input) => {
    const region = ctx.region;
    const candidates = indexedCandidates(region, input.Filters);
    const page = describe(
      ctx,
      input,
      networkInterfaceFilters(region),
      input.NetworkInterfaceIds,
      (id) => getNetworkInterface(region, id),
      () => candidates ?? region.networkInterfaces.values(),
      'networkInterfaceIds',
    );
    return { NetworkInterfaces: mapForAnswer(page.items, (e) => view(ctx, e)), NextToken: page.nextToken };
  },

  ModifyNetworkInterfaceAttribute: (ctx, input) => {
    const eni = getNetworkInterface(ctx.region, input.NetworkInterfaceId);
    const given = (
      [
        'Description',
        'SourceDestCheck',
        'Groups',
        'Attachment',
        'AssociatePublicIpAddress',
        'EnaSrdSpecification',
        'EnablePrimaryIpv6',
        'ConnectionTrackingSpecification',
        'AssociatedSubnetIds',
      ] as const
    ).filter((k) => input[k] !== undefined && !(Array.isArray(input[k]) && (input[k] as unknown[]).length === 0 && k !== 'Groups'));
    if (given.length === 0) throw invalidCombination('No attributes specified.');
    if (given.length > 1) throw invalidCombination('Only one attribute may be modified at a time.');
    if (eni.requesterManaged) throw new Ec2Error('OperationNotPermitted', `You are not allowed to modify the requester-managed network interface ${eni.id}.`);
    switch (given[0]) {
      case 'Description':
        if (input.Description!.Value === undefined) throw invalidCombination('The Description attribute requires a Value.');
        eni.description = input.Description!.Value;
        break;
      case 'SourceDestCheck':
        if (input.SourceDestCheck!.Value === undefined) throw invalidCombination('The SourceDestCheck attribute requires a Value.');
        eni.sourceDestCheck = input.SourceDestCheck!.Value;
        break;
      case 'Groups':
        setGroups(ctx.region, eni, input.Groups!);
        break;
      case 'Attachment': {
        const a = input.Attachment!;
        if (a.AttachmentId === undefined) throw new Ec2Error('MissingParameter', 'The request must contain the parameter Attachment.AttachmentId');
        if (a.DeleteOnTermination === undefined)
          throw new Ec2Error('MissingParameter', 'The request must contain the parameter Attachment.DeleteOnTermination');
        parseAttachmentId(a.AttachmentId);
        if (eni.attachment?.attachmentId !== a.AttachmentId) {
          throw new Ec2Error('InvalidAttachmentID.NotFound', `The attachment ID '${a.AttachmentId}' does not exist`);
        }
        eni.attachment.deleteOnTermination = a.DeleteOnTermination;
        break;
      }
      default:
        throw new Ec2Error('UnsupportedOperation', `Modifying ${given[0]} of a network interface is not supported by ec2net yet.`);
    }
    return {};
  },

  DescribeNetworkInterfaceAttribute: (ctx, input) => {
    const eni = getNetworkInterface(ctx.region, input.NetworkInterfaceId);
    const base = { NetworkInterfaceId: eni.id };
    switch (input.Attribute) {
      case undefined:
        throw invalidCombination('The request must contain the parameter Attribute');
      case 'description':
        return { ...base, Description: { Value: eni.description } };
      case 'groupSet':
        return { ...base, Groups: groupsView(ctx.region, eni.groupIds) };
      case 'sourceDestCheck':
        return { ...base, SourceDestCheck: { Value: eni.sourceDestCheck } };
      case 'attachment':
        return { ...base, Attachment: attachmentView(eni) };
      case 'associatePublicIpAddress':
        return { ...base, AssociatePublicIpAddress: eni.publicIpOnLaunch };
    }
  },

  ResetNetworkInterfaceAttribute: (ctx, input) => {
    const eni = getNetworkInterface(ctx.region, input.NetworkInterfaceId);
    if (input.SourceDestCheck === undefined) throw new Ec2Error('MissingParameter', 'The request must contain the parameter SourceDestCheck');
    eni.sourceDestCheck = true;
    return {};
  },

  AssignPrivateIpAddresses: (ctx, input) => {
    const eni = getNetworkInterface(ctx.region, input.NetworkInterfaceId);
    refuseManagedInterfaceChange(eni);
    const r = assignPrivateIps(ctx.region, eni, {
      addresses: input.PrivateIpAddresses,
      count: input.SecondaryPrivateIpAddressCount,
      prefixes: input.Ipv4Prefixes,
      prefixCount: input.Ipv4PrefixCount,
      allowReassignment: input.AllowReassignment === true,
    });
    return {
      NetworkInterfaceId: eni.id,
      AssignedPrivateIpAddresses: r.addresses.map((a) => ({ PrivateIpAddress: a })),
      AssignedIpv4Prefixes: r.prefixes.map((p) => ({ Ipv4Prefix: p })),
    };
  },

  UnassignPrivateIpAddresses: (ctx, input) => {
    const eni = getNetworkInterface(ctx.region, input.NetworkInterfaceId);
    refuseManagedInterfaceChange(eni);
    unassignPrivateIps(ctx.region, eni, input.PrivateIpAddresses ?? [], input.Ipv4Prefixes ?? []);
    return {};
  },

  AssignIpv6Addresses: (ctx, input) => {
    const eni = getNetworkInterface(ctx.region, input.NetworkInterfaceId);
    refuseManagedInterfaceChange(eni);
    const added = assignIpv6(ctx.region, eni, {
      addresses: input.Ipv6Addresses,
      count: input.Ipv6AddressCount,
      prefixes: input.Ipv6Prefixes,
      prefixCount: input.Ipv6PrefixCount,
    });
    return { NetworkInterfaceId: eni.id, AssignedIpv6Addresses: added.addresses, AssignedIpv6Prefixes: added.prefixes };
  },

  UnassignIpv6Addresses: (ctx, input) => {
    const eni = getNetworkInterface(ctx.region, input.NetworkInterfaceId);
    refuseManagedInterfaceChange(eni);
    const removed = unassignIpv6(ctx.region, eni, input.Ipv6Addresses ?? [], input.Ipv6Prefixes ?? []);
    return { NetworkInterfaceId: eni.id, UnassignedIpv6Addresses: removed.addresses, UnassignedIpv6Prefixes: removed.prefixes };
  },
});
