/**
 * VPC endpoint operations: Create/Modify/Describe/DeleteVpcEndpoints, and DescribeVpcEndpointServices
 * (the region's AWS services; ec2net hosts no endpoint services of its own).
 */
import type { RegionState } from '../engine/cloud.js';
import type { VpcEndpoint } from '../engine/endpoint-model.js';
import { baseEndpointDnsName, endpointServices, findEndpointService, privateDnsName, type EndpointService } from '../engine/endpoint-services.js';
import { Ec2Error, isEc2Error, missingParam } from '../engine/errors.js';
import { compileFilters, type FilterSpec } from '../engine/filters.js';
import { checkId, ID_KINDS } from '../engine/ids.js';
import { tagList, tagsFromSpecs } from '../engine/tags.js';
import { createVpcEndpoint, deleteVpcEndpoint, endpointDnsLabel, getVpcEndpoint, modifyVpcEndpoint } from '../engine/vpc-endpoint.js';
import { getVpc } from '../engine/vpc.js';
import { describe } from './describe.js';
import { handlers } from './handler.js';
import { idempotent } from './idempotency.js';
import { paginate } from './paginate.js';

/** Route 53 hosted zone of the regional `vpce.amazonaws.com` names (us-east-1's as AWS shows it; elsewhere ec2net's). */
const vpceHostedZone = (region: RegionState) =>
  region.info.name === 'us-east-1' ? 'Z7HUB22UULQXV' : `Z${region.info.name.replace(/-/g, '').toUpperCase().slice(0, 12)}VPCE`;

/** DnsEntries of an interface endpoint: the regional name, one per zone, then the service's private name when enabled. */
function dnsEntries(region: RegionState, e: VpcEndpoint) {
  if (e.type !== 'Interface') return [];
  const service = findEndpointService(region.info, e.serviceName, 'Interface')!;
  const base = baseEndpointDnsName(region.info, service);
  const label = endpointDnsLabel(e.id);
  const zone = vpceHostedZone(region);
  const out = [{ DnsName: `${label}.${base}`, HostedZoneId: zone }];
  for (const subnetId of e.subnetIds) {
    const z = region.subnets.get(subnetId)?.zone.zoneName;
    if (z) out.push({ DnsName: `${label}-${z}.${base}`, HostedZoneId: zone });
  }
  const priv = privateDnsName(region.info, service);
  if (e.privateDnsEnabled && priv) out.push({ DnsName: priv, HostedZoneId: `Z${label.slice(5, 17).toUpperCase()}` });
  return out;
}

export function vpcEndpointView(region: RegionState, e: VpcEndpoint) {
  const groupName = (id: string) => region.securityGroups.get(id)?.name;
  return {
    VpcEndpointId: e.id,
    VpcEndpointType: e.type,
    VpcId: e.vpcId,
    ServiceName: e.serviceName,
    // The model's State enum is capitalised, but AWS answers in lower case (what the SDKs' waiters test).
    State: e.state as unknown as 'Available',
    PolicyDocument: e.policyDocument,
    // A table deleted since stops being listed (its routes went with it).
    RouteTableIds: e.routeTableIds.filter((id) => region.routeTables.has(id)),
    SubnetIds: [...e.subnetIds],
    Groups: e.groupIds.map((id) => ({ GroupId: id, GroupName: groupName(id) })),
    IpAddressType: e.type === 'Interface' ? ('ipv4' as const) : undefined,
    DnsOptions: e.type === 'Interface' ? { DnsRecordIpType: 'ipv4' as const } : undefined,
    PrivateDnsEnabled: e.privateDnsEnabled,
    RequesterManaged: false,
    NetworkInterfaceIds: [...e.networkInterfaceIds],
    DnsEntries: dnsEntries(region, e),
    CreationTimestamp: new Date(e.createTime),
    Tags: tagList(e.tags) ?? [],
    OwnerId: e.ownerId,
  };
}

/** The filters the DescribeVpcEndpoints reference lists. */
const endpointFilters: FilterSpec<VpcEndpoint> = {
  resourceName: 'vpc-endpoint',
  tags: (e) => e.tags,
  getters: {
    'ip-address-type': (e) => (e.type === 'Interface' ? 'ipv4' : undefined),
    'service-name': (e) => e.serviceName,
    'service-region': () => undefined,
    'vpc-id': (e) => e.vpcId,
    'vpc-endpoint-id': (e) => e.id,
    'vpc-endpoint-state': (e) => e.state,
    'vpc-endpoint-type': (e) => e.type,
  },
};

function serviceView(region: RegionState, s: EndpointService) {
  return {
    ServiceName: s.name,
    ServiceId: `vpce-svc-${endpointDnsLabel(s.name + s.type).slice(-8)}${s.type === 'Gateway' ? '0' : '1'}`,
    ServiceType: [{ ServiceType: s.type }],
    ServiceRegion: region.info.name,
    AvailabilityZoneIds: region.info.zones.map((z) => z.zoneId),
    AvailabilityZones: region.info.zones.map((z) => z.zoneName),
    Owner: 'amazon',
    BaseEndpointDnsNames: [baseEndpointDnsName(region.info, s)],
    PrivateDnsName: privateDnsName(region.info, s),
    PrivateDnsNames: privateDnsName(region.info, s) !== undefined ? [{ PrivateDnsName: privateDnsName(region.info, s) }] : undefined,
    VpcEndpointPolicySupported: true,
    AcceptanceRequired: false,
    ManagesVpcEndpoints: false,
    Tags: [],
    PrivateDnsNameVerificationState: privateDnsName(region.info, s) !== undefined ? ('verified' as const) : undefined,
    SupportedIpAddressTypes: ['ipv4' as const],
  };
}

/** The filters the DescribeVpcEndpointServices reference lists. */
const serviceFilters = (region: RegionState): FilterSpec<EndpointService> => ({
  resourceName: 'vpc-endpoint-service',
  tags: () => new Map(),
  getters: {
    owner: () => 'amazon',
    'service-name': (s) => s.name,
    'service-region': () => region.info.name,
    'service-type': (s) => s.type,
    'supported-ip-address-types': () => 'ipv4',
  },
});

export const vpcEndpointHandlers = handlers({
  CreateVpcEndpoint: (ctx, input) =>
    idempotent(
      ctx,
      input,
      () => {
        if (input.ServiceNetworkArn !== undefined || input.ResourceConfigurationArn !== undefined || input.ServiceRegion !== undefined) {
          throw new Ec2Error('UnsupportedOperation', 'Service network, resource and cross-region VPC endpoints are not supported by ec2net yet.');
        }
        const e = createVpcEndpoint(ctx.region, {
          vpc: getVpc(ctx.region, input.VpcId),
          type: input.VpcEndpointType,
          serviceName: input.ServiceName,
          policyDocument: input.PolicyDocument,
          routeTableIds: input.RouteTableIds,
          subnetIds: [...(input.SubnetIds ?? []), ...(input.SubnetConfigurations ?? []).map((c) => c.SubnetId).filter((s): s is string => s !== undefined)],
          securityGroupIds: input.SecurityGroupIds,
          privateDnsEnabled: input.PrivateDnsEnabled,
          tags: tagsFromSpecs(input.TagSpecifications, 'vpc-endpoint'),
        });
        return { id: e.id, output: { VpcEndpoint: vpcEndpointView(ctx.region, e), ClientToken: input.ClientToken } };
      },
      (id) => ({ VpcEndpoint: vpcEndpointView(ctx.region, getVpcEndpoint(ctx.region, id)), ClientToken: input.ClientToken }),
    ),

  ModifyVpcEndpoint: (ctx, input) => {
    const e = getVpcEndpoint(ctx.region, input.VpcEndpointId);
    modifyVpcEndpoint(ctx.region, e, {
      policyDocument: input.PolicyDocument,
      resetPolicy: input.ResetPolicy,
      addRouteTableIds: input.AddRouteTableIds,
      removeRouteTableIds: input.RemoveRouteTableIds,
      addSubnetIds: input.AddSubnetIds,
      removeSubnetIds: input.RemoveSubnetIds,
      addSecurityGroupIds: input.AddSecurityGroupIds,
      removeSecurityGroupIds: input.RemoveSecurityGroupIds,
      privateDnsEnabled: input.PrivateDnsEnabled,
    });
    return { Return: true };
  },

  /**
   * Per-endpoint results: an unknown id is an Unsuccessful item with InvalidVpcEndpoint.NotFound (the
   * code the amazon.aws ec2_vpc_endpoint module checks for); a malformed one fails the whole request.
   */
  DeleteVpcEndpoints: (ctx, input) => {
    if (!input.VpcEndpointIds?.length) throw missingParam('VpcEndpointId');
    for (const id of input.VpcEndpointIds) checkId(ID_KINDS.vpcEndpoint, id);
    const unsuccessful = [];
    for (const id of input.VpcEndpointIds) {
      try {
        deleteVpcEndpoint(ctx.region, getVpcEndpoint(ctx.region, id));
      } catch (err) {
        if (!isEc2Error(err)) throw err;
        unsuccessful.push({
          ResourceId: id,
          Error: { Code: 'InvalidVpcEndpoint.NotFound', Message: `The VpcEndpoint Id '${id}' does not exist` },
        });
      }
    }
    return { Unsuccessful: unsuccessful };
  },

  DescribeVpcEndpoints: (ctx, input) => {
    const page = describe(
      ctx,
      input,
      endpointFilters,
      input.VpcEndpointIds,
      (id) => getVpcEndpoint(ctx.region, id),
      () => ctx.region.vpcEndpoints.values(),
      'vpcEndpointIds',
    );
    return { VpcEndpoints: page.items.map((e) => vpcEndpointView(ctx.region, e)), NextToken: page.nextToken };
  },

  /** Unknown names in ServiceNames: InvalidServiceName ("The Vpc Endpoint Service '…' does not exist"). */
  DescribeVpcEndpointServices: (ctx, input) => {
    const all = endpointServices(ctx.region.info);
    for (const name of input.ServiceNames ?? []) {
      if (!all.some((s) => s.name === name)) throw new Ec2Error('InvalidServiceName', `The Vpc Endpoint Service '${name}' does not exist`);
    }
    const spec = serviceFilters(ctx.region);
    const chosen = input.ServiceNames?.length ? all.filter((s) => input.ServiceNames!.includes(s.name)) : all;
    const match = compileFilters(spec, input.Filters);
    const page = paginate(ctx, chosen.filter(match), (s) => `${s.name}/${s.type}`, input);
    return {
      ServiceNames: [...new Set(page.items.map((s) => s.name))],
      ServiceDetails: page.items.map((s) => serviceView(ctx.region, s)),
      NextToken: page.nextToken,
    };
  },
});
