/**
 * Internet gateways: one per VPC at most, attached to one VPC at most. A VPC needs one before an
 * Elastic IP can be mapped into it, and keeps it while any public address is mapped.
 * Codes and messages are the ones AWS answers (sources in the comments; aws-behaviour.md §2, §4.13).
 */
import type { RegionState } from './cloud.js';
import { Ec2Error, invalidValue } from './errors.js';
import { endGatewayAssociation, forgetGatewayAssociations } from './gateway-route-table.js';
import { checkId, ID_KINDS, notFound } from './ids.js';
import type { InternetGateway, Tags, Vpc } from './model.js';

export function getInternetGateway(region: RegionState, id: string): InternetGateway {
  checkId(ID_KINDS.internetGateway, id);
  const igw = region.internetGateways.get(id);
  if (!igw) throw notFound(ID_KINDS.internetGateway, id);
  return igw;
}

/** A new gateway; `derivedId` is given only for the default VPC's, which is always made (and counts towards the quota). */
export function createInternetGateway(region: RegionState, tags: Tags = new Map(), derivedId?: string): InternetGateway {
  // Observed: "The maximum number of internet gateways has been reached." (CloudFormation reports quoting
  // EC2's answer); the code is InternetGatewayLimitExceeded in AWS's error-code list.
  if (derivedId === undefined && region.internetGateways.size >= region.cloud.quotas.internetGatewaysPerRegion) {
    throw new Ec2Error('InternetGatewayLimitExceeded', 'The maximum number of internet gateways has been reached.');
  }
  const id = derivedId ?? region.ids.next(ID_KINDS.internetGateway);
  const igw: InternetGateway = {
    id,
    resourceType: 'internet-gateway',
    ownerId: region.accountId,
    tags,
  };
  region.internetGateways.set(igw.id, region.register(igw));
  return igw;
}

/** The gateway attached to a VPC, if any. */
export function gatewayOfVpc(region: RegionState, vpcId: string): InternetGateway | undefined {
  for (const igw of region.internetGateways.values()) if (igw.vpcId === vpcId) return igw;
  return undefined;
}

export function attachInternetGateway(region: RegionState, igw: InternetGateway, vpc: Vpc): void {
  // Observed: "resource igw-e748039f is already attached to network vpc-3c7d7347" (berlioz-the/berlioz#1,
  // aws-sdk transcript; also when the VPC named is the one it is attached to). The error-code page:
  // "You also cannot attach an internet gateway to more than one VPC at a time."
  if (igw.vpcId !== undefined) {
    throw new Ec2Error('Resource.AlreadyAssociated', `resource ${igw.id} is already attached to network ${igw.vpcId}`);
  }
  // Observed: "InvalidParameterValue: Network vpc-9f7ca1e2 already has an internet gateway attached"
  // (binlab/terraform-aws-vault-ha-raft#54, 2021; cloudfoundry-incubator/kubo-deployment#167, 2017).
  if (gatewayOfVpc(region, vpc.id)) throw invalidValue(`Network ${vpc.id} already has an internet gateway attached`);
  igw.vpcId = vpc.id;
}

/** Whether any address of the VPC is mapped to a public one: an associated Elastic IP or an auto-assigned public IPv4. */
function hasMappedPublicAddress(region: RegionState, vpcId: string): boolean {
  for (const eni of region.networkInterfaces.values()) {
    if (eni.vpcId !== vpcId) continue;
    if (eni.autoPublicIp !== undefined || eni.privateIps.some((ip) => ip.elasticIp !== undefined)) return true;
  }
  return false;
}

/**
 * Detaches `igw` from the VPC named `vpcId`. AWS compares the id with the attachment and does not
 * look the VPC up: a transcript with a gateway id given as the VPC id answers Gateway.NotAttached.
 */
export function detachInternetGateway(region: RegionState, igw: InternetGateway, vpcId: string): void {
  // Observed (boto3 transcript): "resource igw-8f4bc9f6 is not attached to network igw-8f4bc9f6".
  if (igw.vpcId !== vpcId) throw new Ec2Error('Gateway.NotAttached', `resource ${igw.id} is not attached to network ${vpcId}`);
  // Observed for Elastic IPs and for instances with auto-assigned public IPs (hashicorp/terraform#497,
  // #1303; prabhatsharma/kubernetes-the-hard-way-aws#16; alchemy-run/alchemy#1125).
  if (hasMappedPublicAddress(region, vpcId)) {
    throw new Ec2Error(
      'DependencyViolation',
      `Network ${vpcId} has some mapped public address(es). Please unmap those public address(es) before detaching the gateway.`,
    );
  }
  delete igw.vpcId;
  endGatewayAssociation(region, igw.id);
}

export function deleteInternetGateway(region: RegionState, igw: InternetGateway): void {
  // Observed: "The internetGateway 'igw-…' has dependencies and cannot be deleted" (ernestio/ernest#333,
  // awslabs/landing-zone-accelerator-on-aws#765, saltstack/salt#60140).
  if (igw.vpcId !== undefined) {
    throw new Ec2Error('DependencyViolation', `The internetGateway '${igw.id}' has dependencies and cannot be deleted.`);
  }
  forgetGatewayAssociations(region, igw.id);
  region.internetGateways.delete(igw.id);
  region.unregister(igw.id);
}

/**
 * AssociateAddress into a VPC with no gateway attached. Observed: "Network vpc-0ad8441633cb38af1 is not
 * attached to any internet gateway" (aws-samples/cfn101-workshop#165; openstack/ec2-api notes, aws-behaviour.md §4.13).
 */
export function requireInternetGateway(region: RegionState, vpcId: string): void {
  if (!gatewayOfVpc(region, vpcId)) throw new Ec2Error('Gateway.NotAttached', `Network ${vpcId} is not attached to any internet gateway`);
}
