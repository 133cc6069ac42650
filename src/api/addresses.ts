/** Elastic IP operations: Allocate, Describe, Associate, Disassociate, Release, DescribeAddressesAttribute. */
import type { RegionState } from '../engine/cloud.js';
import { parseIpv4 } from '../engine/cidr.js';
import {
  allocateElasticIp,
  associateElasticIp,
  disassociateElasticIp,
  findAssociation,
  findElasticIpByPublicIp,
  getElasticIp,
  releaseElasticIp,
} from '../engine/elastic-ip.js';
import { Ec2Error, invalidCombination, invalidValue } from '../engine/errors.js';
import { compileFilters, perWorld, type FilterSpec } from '../engine/filters.js';
import { checkId, ID_KINDS, notFound } from '../engine/ids.js';
import type { ElasticIp, NetworkInterface } from '../engine/model.js';
import { getNetworkInterface } from '../engine/network-interface.js';
import { tagList, tagsFromSpecs } from '../engine/tags.js';
import { refuseManagedAddress, refuseManagedTarget } from '../engine/requester-managed.js';
import { handlers } from './handler.js';
import { paginate } from './paginate.js';

const holder = (region: RegionState, eip: ElasticIp): NetworkInterface | undefined =>
  eip.association ? region.networkInterfaces.get(eip.association.networkInterfaceId) : undefined;

export function addressView(region: RegionState, eip: ElasticIp) {
  const eni = holder(region, eip);
  return {
    AllocationId: eip.allocationId,
    AssociationId: eip.association?.associationId,
    Domain: 'vpc' as const,
    NetworkInterfaceId: eip.association?.networkInterfaceId,
    NetworkInterfaceOwnerId: eni?.ownerId,
    PrivateIpAddress: eip.association?.privateIp,
    Tags: tagList(eip.tags),
    PublicIpv4Pool: eip.publicIpv4Pool,
    NetworkBorderGroup: eip.networkBorderGroup,
    SubnetId: eni?.subnetId,
    InstanceId: eni?.attachment?.instanceId,
    PublicIp: eip.publicIp,
  };
}

const addressFilters = perWorld((region: RegionState): FilterSpec<ElasticIp> => {
  return {
    resourceName: 'address',
    tags: (e) => e.tags,
    getters: {
      'allocation-id': (e) => e.allocationId,
      'association-id': (e) => e.association?.associationId,
      domain: () => 'vpc',
      'instance-id': (e) => holder(region, e)?.attachment?.instanceId,
      'network-border-group': (e) => e.networkBorderGroup,
      'network-interface-id': (e) => e.association?.networkInterfaceId,
      'network-interface-owner-id': (e) => holder(region, e)?.ownerId,
      'private-ip-address': (e) => e.association?.privateIp,
      'public-ip': (e) => e.publicIp,
      'public-ipv4-pool': (e) => e.publicIpv4Pool,
    },
  };
});

function checkPublicIp(text: string): void {
  if (parseIpv4(text) === undefined)
    throw new Ec2Error('InvalidParameterValue', `Invalid value '${text}' for PublicIp. The address is not a valid IPv4 address.`);
}

/** A VPC Elastic IP named by public IP alone (the EC2-Classic way) is refused, as AWS does. */
function vpcAddressByPublicIp(region: RegionState, publicIp: string, param: string): never {
  checkPublicIp(publicIp);
  if (findElasticIpByPublicIp(region, publicIp)) {
    throw invalidValue(`You must specify an allocation id when ${param} a VPC Elastic IP address.`);
  }
  throw new Ec2Error('InvalidAddress.NotFound', `Address ${publicIp} not found.`);
}

export const addressHandlers = handlers({
  AllocateAddress: (ctx, input) => {
    if (input.Domain !== undefined && input.Domain !== 'vpc') {
      throw invalidValue(`Value (${input.Domain}) for parameter domain is invalid. EC2-Classic addresses are not available; use 'vpc'.`);
    }
    if (input.PublicIpv4Pool !== undefined && input.PublicIpv4Pool !== 'amazon') {
      throw new Ec2Error('InvalidPublicIpv4PoolID.NotFound', `The public IPv4 pool '${input.PublicIpv4Pool}' does not exist`);
    }
    if (input.CustomerOwnedIpv4Pool !== undefined || input.IpamPoolId !== undefined) {
      throw new Ec2Error('UnsupportedOperation', 'Customer-owned and IPAM pools are not supported by ec2net yet.');
    }
    if (input.Address !== undefined) checkPublicIp(input.Address);
    const eip = allocateElasticIp(ctx.region, {
      address: input.Address,
      networkBorderGroup: input.NetworkBorderGroup,
      tags: tagsFromSpecs(input.TagSpecifications, 'elastic-ip'),
    });
    return {
      AllocationId: eip.allocationId,
      PublicIpv4Pool: eip.publicIpv4Pool,
      NetworkBorderGroup: eip.networkBorderGroup,
      Domain: 'vpc',
      PublicIp: eip.publicIp,
    };
  },

  DescribeAddresses: (ctx, input) => {
    const region = ctx.region;
    const match = compileFilters(addressFilters(region), input.Filters);
    // AllocationIds and PublicIps together select the UNION of both lists, as AWS answers
    // (openstack/ec2-api test_describe_vpc_addresses, run against AWS: PublicIps=[ip1] with
    // AllocationIds=[id2] returns both addresses). Each named address must exist.
    let chosen: ElasticIp[];
    if (input.AllocationIds?.length || input.PublicIps?.length) {
      const picked = new Set<ElasticIp>();
      for (const id of input.AllocationIds ?? []) picked.add(getElasticIp(region, id));
      for (const ip of input.PublicIps ?? []) {
        checkPublicIp(ip);
        const eip = findElasticIpByPublicIp(region, ip);
        if (!eip) throw new Ec2Error('InvalidAddress.NotFound', `Address '${ip}' not found.`);
        picked.add(eip);
      }
      chosen = [...picked];
    } else {
      chosen = [...region.elasticIps.values()];
    }
    chosen.sort((a, b) => (a.allocationId < b.allocationId ? -1 : 1));
    return { Addresses: chosen.filter(match).map((e) => addressView(region, e)) };
  },

  /**
   * The reverse DNS (PTR) record of each address. Setting one (ModifyAddressAttribute) is not
   * implemented, so no address has a record: each entry names the address only, which is what
   * clients read as "no PTR record" (Terraform's aws_eip: ptr_record "").
   */
  DescribeAddressesAttribute: (ctx, input) => {
    if (input.Attribute === undefined) throw new Ec2Error('MissingParameter', 'The request must contain the parameter Attribute');
    if (input.Attribute !== 'domain-name') throw invalidValue(`Value (${input.Attribute}) for parameter attribute is invalid. Unknown attribute.`);
    const region = ctx.region;
    const ids = input.AllocationIds ?? [];
    const chosen = ids.length > 0 ? [...new Set(ids.map((id) => getElasticIp(region, id)))] : region.elasticIps.values();
    const page = paginate(ctx, chosen, (e) => e.allocationId, input, ids, 'allocationIds');
    return { Addresses: page.items.map((e) => ({ AllocationId: e.allocationId, PublicIp: e.publicIp })), NextToken: page.nextToken };
  },

  AssociateAddress: (ctx, input) => {
    const region = ctx.region;
    if (input.AllocationId === undefined) {
      if (input.PublicIp !== undefined) vpcAddressByPublicIp(region, input.PublicIp, 'associating');
      throw new Ec2Error('MissingParameter', 'The request must contain the parameter AllocationId');
    }
    const eip = getElasticIp(region, input.AllocationId);
    if (input.InstanceId !== undefined && input.NetworkInterfaceId !== undefined) {
      throw invalidCombination('Only one of InstanceId or NetworkInterfaceId may be specified.');
    }
    let eni: NetworkInterface;
    if (input.NetworkInterfaceId !== undefined) {
      eni = getNetworkInterface(region, input.NetworkInterfaceId);
    } else if (input.InstanceId !== undefined) {
      checkId(ID_KINDS.instance, input.InstanceId);
      const instance = region.instances.get(input.InstanceId);
      const enis = region.interfacesOfInstance(input.InstanceId);
      if (!instance || !enis) throw notFound(ID_KINDS.instance, input.InstanceId);
      // Observed AWS answers (terraform-provider-aws#3072, #21228; cloudposse/terraform-aws-ec2-instance#95):
      // "InvalidInstanceID: The pending instance 'i-x' is not in a valid state for this operation." (also "terminated").
      if (instance.state === 'pending' || instance.state === 'shutting-down' || instance.state === 'terminated' || enis.length === 0) {
        throw new Ec2Error('InvalidInstanceID', `The ${instance.state} instance '${instance.id}' is not in a valid state for this operation.`);
      }
      if (enis.length > 1) {
        throw new Ec2Error(
          'InvalidInstanceID',
          `There are multiple interfaces attached to instance '${input.InstanceId}'. Please specify an interface ID for the operation instead.`,
        );
      }
      eni = enis[0]!;
    } else {
      throw new Ec2Error('MissingParameter', 'Either an instance ID or a network interface ID must be specified.');
    }
    // An interface attached to an instance still launching (observed, terraform-provider-aws#19699, #6189:
    // "IncorrectInstanceState: The pending-instance-creation instance to which 'eni-x' is attached is not in a valid
    // state for this operation"; aws-behaviour.md §4.13 "The instance is pending → IncorrectInstanceState").
    const attachedTo = eni.attachment ? region.instances.get(eni.attachment.instanceId) : undefined;
    if (attachedTo?.state === 'pending') {
      throw new Ec2Error(
        'IncorrectInstanceState',
        `The pending-instance-creation instance to which '${eni.id}' is attached is not in a valid state for this operation`,
      );
    }
    refuseManagedTarget(eni);
    refuseManagedAddress(region, eip);
    const text = input.PrivateIpAddress ?? eni.privateIps[0]!.text;
    const ip = eni.privateIps.find((x) => x.text === text);
    if (!ip) {
      throw invalidValue(`The private IP address ${text} is not assigned to network interface ${eni.id}.`);
    }
    // In a VPC, moving an associated Elastic IP is allowed unless the caller says otherwise.
    const allow = input.AllowReassociation ?? true;
    const associationId = associateElasticIp(region, eip, eni, ip, allow);
    return { AssociationId: associationId };
  },

  DisassociateAddress: (ctx, input) => {
    if (input.AssociationId === undefined) {
      if (input.PublicIp !== undefined) vpcAddressByPublicIp(ctx.region, input.PublicIp, 'disassociating');
      throw new Ec2Error('MissingParameter', 'The request must contain the parameter AssociationId');
    }
    const eip = findAssociation(ctx.region, input.AssociationId);
    refuseManagedAddress(ctx.region, eip);
    disassociateElasticIp(ctx.region, eip);
    return {};
  },

  ReleaseAddress: (ctx, input) => {
    const region = ctx.region;
    if (input.AllocationId !== undefined && input.PublicIp !== undefined) {
      throw invalidCombination('You may specify either a public IP or an allocation ID, not both.');
    }
    if (input.AllocationId === undefined) {
      if (input.PublicIp !== undefined) vpcAddressByPublicIp(region, input.PublicIp, 'releasing');
      throw new Ec2Error('MissingParameter', 'The request must contain the parameter AllocationId');
    }
    const eip = getElasticIp(region, input.AllocationId);
    if (input.NetworkBorderGroup !== undefined && input.NetworkBorderGroup !== eip.networkBorderGroup) {
      throw new Ec2Error('InvalidAddress.NotFound', `Address ${eip.publicIp} not found in network border group ${input.NetworkBorderGroup}.`);
    }
    // [Default VPC] releasing disassociates automatically; [nondefault VPC] it must be disassociated first
    // (ReleaseAddress API reference).
    refuseManagedAddress(region, eip);
    const eni = holder(region, eip);
    if (eni && region.vpcs.get(eni.vpcId)?.isDefault) disassociateElasticIp(region, eip);
    releaseElasticIp(region, eip);
    return {};
  },
});
