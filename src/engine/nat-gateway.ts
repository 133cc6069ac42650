/**
 * NAT gateways, public (with an Elastic IP) and private. Creating one puts a requester-managed
 * interface of type `nat_gateway` into the subnet (Amazon VPC User Guide, "NAT gateways":
 * "creates a network interface … with a private IP address from the IP address range of the
 * subnet"); states pending → available (or failed), deleting → deleted, after which the interface
 * is gone and the Elastic IP is disassociated but stays allocated. Failure codes and messages are
 * the ones the NatGateway reference lists for FailureCode/FailureMessage.
 */
import type { RegionState } from './cloud.js';
import { associateElasticIp, getElasticIp } from './elastic-ip.js';
import { Ec2Error, invalidCombination, missingParam } from './errors.js';
import { checkId, ID_KINDS } from './ids.js';
import { gatewayOfVpc } from './internet-gateway.js';
import type { Subnet, Tags } from './model.js';
import { createNetworkInterface, destroyNetworkInterface } from './network-interface.js';
import type { NatGateway } from './routing-model.js';
import { TIMER_HANDLERS } from './timers.js';

/** The requester id AWS shows on NAT gateway interfaces (an AWS Config record of one). */
export const NAT_REQUESTER_ID = '036872051663';

/**
 * DescribeNatGateways and DeleteNatGateway answer NatGatewayNotFound ("The Nat Gateway nat-… was not
 * found"); CreateRoute answers InvalidNatGatewayID.NotFound (see route-table.ts).
 */
export function getNatGateway(region: RegionState, id: string): NatGateway {
  checkId(ID_KINDS.natGateway, id);
  const nat = region.natGateways.get(id);
  if (!nat) throw new Ec2Error('NatGatewayNotFound', `The Nat Gateway ${id} was not found`);
  return nat;
}

export interface CreateNatParams {
  readonly subnet: Subnet;
  readonly connectivityType: 'public' | 'private';
  readonly allocationId?: string;
  readonly privateIp?: string;
  readonly secondaryCount?: number;
  readonly secondaryIps?: readonly string[];
  readonly tags: Tags;
}

/**
 * Validates the request, then makes the gateway. What AWS reports as a failed gateway rather than a
 * refused request (an Elastic IP already associated, no internet gateway, no free address) makes a
 * gateway that settles into `failed` with its FailureCode, and no interface.
 */
export function createNatGateway(region: RegionState, p: CreateNatParams): NatGateway {
  const { subnet } = p;
  if (p.connectivityType === 'public' && p.allocationId === undefined) throw missingParam('allocationId');
  if (p.connectivityType === 'private' && p.allocationId !== undefined) {
    throw invalidCombination('An Elastic IP address cannot be associated with a private NAT gateway.');
  }
  const eip = p.allocationId !== undefined ? getElasticIp(region, p.allocationId) : undefined;
  const id = region.ids.next(ID_KINDS.natGateway);
  let failure: NatGateway['failure'];
  if (eip?.association) failure = { code: 'Resource.AlreadyAssociated', message: `Elastic IP address ${eip.allocationId} is already associated` };
  else if (eip && !gatewayOfVpc(region, subnet.vpcId))
    failure = { code: 'Gateway.NotAttached', message: `Network ${subnet.vpcId} has no Internet gateway attached` };
  else if (!subnet.pool.canAllocateCount(1 + (p.secondaryCount ?? 0) + (p.secondaryIps?.length ?? 0))) {
    failure = { code: 'InsufficientFreeAddressesInSubnet', message: 'Subnet has insufficient free addresses to create this NAT gateway' };
  }
  let eniId: string | undefined;
  let privateIp: string | undefined;
  if (!failure) {
    const eni = createNetworkInterface(region, {
      subnet,
      description: `Interface for NAT Gateway ${id}`,
      primaryIp: p.privateIp,
      secondaryIps: p.secondaryIps,
      secondaryCount: p.secondaryCount,
      managed: { interfaceType: 'nat_gateway', requesterId: NAT_REQUESTER_ID, attachmentId: region.ids.next(ID_KINDS.serviceAttachment) },
    });
    eniId = eni.id;
    privateIp = eni.privateIps[0]!.text;
    if (eip) associateElasticIp(region, eip, eni, eni.privateIps[0]!, false);
  }
  const nat: NatGateway = {
    id,
    resourceType: 'natgateway',
    ownerId: region.accountId,
    vpcId: subnet.vpcId,
    subnetId: subnet.id,
    connectivityType: p.connectivityType,
    state: 'pending',
    createTime: region.cloud.nowMs(),
    failure,
    networkInterfaceId: eniId,
    allocationId: eip?.allocationId,
    publicIp: eip?.publicIp,
    privateIp,
    tags: p.tags,
  };
  region.natGateways.set(id, region.register(nat));
  region.schedule(region.cloud.nowMs() + region.cloud.timings.pendingMs, 'nat-gateway-settled', id);
  return nat;
}

/** DeleteNatGateway: `deleting`, then `deleted` with its interface gone. Deleting again is harmless. */
export function deleteNatGateway(region: RegionState, nat: NatGateway): void {
  if (nat.state === 'deleting' || nat.state === 'deleted') return;
  region.unschedule(nat.id, 'nat-gateway-settled');
  nat.state = 'deleting';
  region.schedule(region.cloud.nowMs() + region.cloud.timings.shuttingDownMs, 'nat-gateway-deleted', nat.id);
}

/** Gateways that keep a subnet from deletion: any not yet deleted (its interface holds an address anyway). */
export function subnetHasNatGateway(region: RegionState, subnetId: string): boolean {
  for (const n of region.natGateways.values()) if (n.subnetId === subnetId && n.state !== 'deleted' && n.state !== 'failed') return true;
  return false;
}

/** The gateway whose interface this is, if any. */
export function natGatewayOfInterface(region: RegionState, eniId: string): NatGateway | undefined {
  for (const n of region.natGateways.values()) if (n.networkInterfaceId === eniId) return n;
  return undefined;
}

TIMER_HANDLERS.set('nat-gateway-settled', (region, id) => {
  const nat = region.natGateways.get(id);
  if (nat?.state !== 'pending') return;
  nat.state = nat.failure ? 'failed' : 'available';
  if (nat.failure) region.schedule(region.cloud.nowMs() + region.cloud.timings.terminatedVisibleMs, 'nat-gateway-expired', id);
});

TIMER_HANDLERS.set('nat-gateway-deleted', (region, id) => {
  const nat = region.natGateways.get(id);
  if (nat?.state !== 'deleting') return;
  const eni = nat.networkInterfaceId !== undefined ? region.networkInterfaces.get(nat.networkInterfaceId) : undefined;
  // The interface goes; its Elastic IP is disassociated and stays allocated.
  if (eni) destroyNetworkInterface(region, eni);
  delete nat.networkInterfaceId;
  nat.state = 'deleted';
  nat.deleteTime = region.cloud.nowMs();
  region.schedule(region.cloud.nowMs() + region.cloud.timings.terminatedVisibleMs, 'nat-gateway-expired', id);
});

/** Deleted and failed gateways stay visible about an hour, then are gone (like terminated instances). */
TIMER_HANDLERS.set('nat-gateway-expired', (region, id) => {
  const nat = region.natGateways.get(id);
  if (nat?.state !== 'deleted' && nat?.state !== 'failed') return;
  region.natGateways.delete(id);
  region.unregister(id);
});
