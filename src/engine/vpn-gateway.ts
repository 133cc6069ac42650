/**
 * Virtual private gateways: the VPN end of a VPC. Made `available` (the CreateVpnGateway example in
 * the EC2 API reference answers `available`), attached to one VPC at a time (attaching → attached,
 * detaching → detached, the AttachmentStatus values), deleted once detached (deleting → deleted,
 * then visible a while like other deleted resources). Routes can target an attached one, and it can
 * propagate its routes into the VPC's route tables (EnableVgwRoutePropagation).
 * Error codes from the API reference's "Error codes" page (VpnGatewayLimitExceeded,
 * VpnGatewayAttachmentLimitExceeded, InvalidVpcState, InvalidVpnGatewayAttachment.NotFound,
 * IncorrectState); their wording is the page's description where no AWS answer is quoted.
 */
import type { RegionState } from './cloud.js';
import { Ec2Error, invalidParam, invalidValue } from './errors.js';
import { endGatewayAssociation, forgetGatewayAssociations } from './gateway-route-table.js';
import { checkId, ID_KINDS, notFound } from './ids.js';
import type { Taggable, Tags, Vpc } from './model.js';
import type { RouteTable } from './routing-model.js';
import { TIMER_HANDLERS } from './timers.js';

export type VpnAttachmentState = 'attaching' | 'attached' | 'detaching' | 'detached';

export interface VpnGatewayAttachment {
  readonly vpcId: string;
  state: VpnAttachmentState;
}

export interface VpnGateway extends Taggable {
  readonly resourceType: 'vpn-gateway';
  readonly ownerId: string;
  readonly type: 'ipsec.1';
  state: 'pending' | 'available' | 'deleting' | 'deleted';
  readonly amazonSideAsn: number;
  readonly availabilityZone?: string;
  /** The current (or last) attachment first, then earlier ones now `detached` (one per VPC). */
  attachments: VpnGatewayAttachment[];
  /** Route tables its routes propagate to (EnableVgwRoutePropagation), all in the attached VPC. */
  propagations: string[];
}

/** Site-to-Site VPN quotas: "Virtual private gateways per Region: 5". */
export const VPN_GATEWAYS_PER_REGION = 5;
/** CreateVpnGateway, AmazonSideAsn: "Default: 64512". */
const DEFAULT_ASN = 64512;

export function getVpnGateway(region: RegionState, id: string): VpnGateway {
  checkId(ID_KINDS.vpnGateway, id);
  const vgw = region.vpnGateways.get(id);
  if (!vgw) throw notFound(ID_KINDS.vpnGateway, id);
  return vgw;
}

export interface CreateVpnGatewayParams {
  readonly type: string;
  readonly amazonSideAsn?: number;
  readonly availabilityZone?: string;
  readonly tags: Tags;
}

/**
 * CreateVpnGateway: "If you're using a 16-bit ASN, it must be in the 64512 to 65534 range. If you're
 * using a 32-bit ASN, it must be in the 4200000000 to 4294967294 range." (API reference).
 */
export function createVpnGateway(region: RegionState, p: CreateVpnGatewayParams): VpnGateway {
  // GatewayType has one value; "Currently the only supported type is ipsec.1" (DescribeVpnGateways, filter type).
  if (p.type !== 'ipsec.1') throw invalidParam(p.type, 'type', 'The only supported type is ipsec.1.');
  const asn = p.amazonSideAsn ?? DEFAULT_ASN;
  const privateAsn = (asn >= 64512 && asn <= 65534) || (asn >= 4200000000 && asn <= 4294967294);
  if (!Number.isInteger(asn) || !privateAsn) {
    throw invalidParam(asn, 'amazonSideAsn', 'The ASN must be in the 64512 to 65534 range or the 4200000000 to 4294967294 range.');
  }
  if (countLive(region) >= VPN_GATEWAYS_PER_REGION) {
    throw new Ec2Error('VpnGatewayLimitExceeded', "You've reached the limit on the number of virtual private gateways that you can create.");
  }
  const vgw: VpnGateway = {
    id: region.ids.next(ID_KINDS.vpnGateway),
    resourceType: 'vpn-gateway',
    ownerId: region.accountId,
    type: 'ipsec.1',
    state: 'available',
    amazonSideAsn: asn,
    availabilityZone: p.availabilityZone,
    attachments: [],
    propagations: [],
    tags: p.tags,
  };
  region.vpnGateways.set(vgw.id, region.register(vgw));
  return vgw;
}

function countLive(region: RegionState): number {
  let n = 0;
  for (const g of region.vpnGateways.values()) if (g.state !== 'deleted') n++;
  return n;
}

/** The VPC it is attaching or attached to (what a route or an edge association may use). */
export function vpnGatewayVpc(vgw: VpnGateway): string | undefined {
  const a = vgw.attachments[0];
  return a && (a.state === 'attaching' || a.state === 'attached') ? a.vpcId : undefined;
}

/** The gateway attaching, attached or detaching to a VPC, if any (one per VPC). */
function gatewayInVpc(region: RegionState, vpcId: string): VpnGateway | undefined {
  for (const g of region.vpnGateways.values()) {
    const a = g.attachments[0];
    if (a?.vpcId === vpcId && a.state !== 'detached') return g;
  }
  return undefined;
}

function requireAvailable(vgw: VpnGateway): void {
  if (vgw.state !== 'available') throw new Ec2Error('IncorrectState', `The VPN gateway '${vgw.id}' is in state ${vgw.state}.`);
}

/** AttachVpnGateway: `attaching` now, `attached` shortly after. Attaching again to the same VPC answers the attachment. */
export function attachVpnGateway(region: RegionState, vgw: VpnGateway, vpc: Vpc): VpnGatewayAttachment {
  requireAvailable(vgw);
  const current = vgw.attachments[0];
  if (current && current.state !== 'detached') {
    if (current.vpcId === vpc.id && current.state !== 'detaching') return current;
    throw new Ec2Error(
      'VpnGatewayAttachmentLimitExceeded',
      "You've reached the limit on the number of VPCs that can be attached to the specified virtual private gateway.",
    );
  }
  if (gatewayInVpc(region, vpc.id)) throw new Ec2Error('InvalidVpcState', `The VPC ${vpc.id} already has a virtual private gateway attached.`);
  const attachment: VpnGatewayAttachment = { vpcId: vpc.id, state: 'attaching' };
  vgw.attachments = [attachment, ...vgw.attachments.filter((a) => a.vpcId !== vpc.id)];
  region.schedule(region.cloud.nowMs() + region.cloud.timings.attachingMs, 'vpn-gateway-attached', vgw.id);
  return attachment;
}

/** DetachVpnGateway: `detaching`, then `detached`; its propagations into the VPC's tables and its edge association end. */
export function detachVpnGateway(region: RegionState, vgw: VpnGateway, vpcId: string): void {
  checkId(ID_KINDS.vpc, vpcId);
  const current = vgw.attachments[0];
  if (!current || current.vpcId !== vpcId || current.state === 'detached' || current.state === 'detaching') {
    throw new Ec2Error('InvalidVpnGatewayAttachment.NotFound', `The attachment with vpn gateway ID '${vgw.id}' and vpc ID '${vpcId}' does not exist`);
  }
  region.unschedule(vgw.id, 'vpn-gateway-attached');
  current.state = 'detaching';
  vgw.propagations = [];
  endGatewayAssociation(region, vgw.id);
  region.schedule(region.cloud.nowMs() + region.cloud.timings.detachingMs, 'vpn-gateway-detached', vgw.id);
}

/**
 * DeleteVpnGateway: refused while attached ("You must first detach the virtual private gateway from
 * the VPC", VPN guide) or while a VPN connection uses it (`inUseBy`: "delete the VPN connection"
 * comes first in the guide's clean-up steps).
 */
export function deleteVpnGateway(region: RegionState, vgw: VpnGateway, inUseBy?: string): void {
  if (vgw.state === 'deleted') throw notFound(ID_KINDS.vpnGateway, vgw.id);
  if (vgw.state === 'deleting') return;
  if (inUseBy) throw new Ec2Error('IncorrectState', `The VPN gateway '${vgw.id}' is in use by ${inUseBy}.`);
  const current = vgw.attachments[0];
  if (current && current.state !== 'detached') {
    throw new Ec2Error('IncorrectState', `The VPN gateway '${vgw.id}' is in use: it is ${current.state} to ${current.vpcId}.`);
  }
  vgw.state = 'deleting';
  forgetGatewayAssociations(region, vgw.id);
  region.schedule(region.cloud.nowMs() + region.cloud.timings.shuttingDownMs, 'vpn-gateway-deleted', vgw.id);
}

/** DeleteVpc: a gateway still attaching, attached or detaching keeps the VPC. */
export function vpcHasVpnGateway(region: RegionState, vpcId: string): boolean {
  return gatewayInVpc(region, vpcId) !== undefined;
}

// ---- routes -------------------------------------------------------------------------------------------

/**
 * CreateRoute/ReplaceRoute with a `vgw-` GatewayId: the gateway must be attached to the table's VPC
 * (answered as for an internet gateway outside it: "route table … and network gateway … belong to
 * different networks").
 */
export function vpnRouteTarget(region: RegionState, table: RouteTable, id: string): string {
  checkId(ID_KINDS.vpnGateway, id);
  // GatewayId is any gateway's: an unknown one answers the generic code (as route-table.ts does).
  const vgw = region.vpnGateways.get(id);
  if (!vgw || vgw.state === 'deleted') throw new Ec2Error('InvalidGatewayID.NotFound', `The gateway ID '${id}' does not exist`);
  if (vpnGatewayVpc(vgw) !== table.vpcId) throw invalidValue(`route table ${table.id} and network gateway ${vgw.id} belong to different networks`);
  return vgw.id;
}

/** A route to a gateway is active while the gateway is attached to the table's VPC (Route.State: "the specified gateway isn't attached to the VPC"). */
export function vpnRouteActive(region: RegionState, table: RouteTable, id: string): boolean {
  const vgw = region.vpnGateways.get(id);
  return vgw !== undefined && vgw.attachments[0]?.vpcId === table.vpcId && vgw.attachments[0].state === 'attached';
}

// ---- route propagation -------------------------------------------------------------------------------

/**
 * EnableVgwRoutePropagation: "The virtual private gateway must be attached to the same VPC that the
 * routing tables are associated with." (API reference). Answered with the wording AWS uses for an
 * internet gateway outside the VPC (route-table.ts).
 */
export function enableRoutePropagation(region: RegionState, table: RouteTable, vgw: VpnGateway): void {
  if (vpnGatewayVpc(vgw) !== table.vpcId) {
    throw new Ec2Error('Gateway.NotAttached', `resource ${vgw.id} is not attached to network ${table.vpcId}`);
  }
  if (!vgw.propagations.includes(table.id)) vgw.propagations.push(table.id);
}

export function disableRoutePropagation(vgw: VpnGateway, table: RouteTable): void {
  vgw.propagations = vgw.propagations.filter((id) => id !== table.id);
}

/** The gateways propagating into a table (its PropagatingVgws). */
export function propagatingVgws(region: RegionState, tableId: string): string[] {
  const out: string[] = [];
  for (const g of region.vpnGateways.values()) if (g.propagations.includes(tableId)) out.push(g.id);
  return out;
}

/** DeleteRouteTable: the table's propagations go with it. */
export function dropTablePropagations(region: RegionState, tableId: string): void {
  for (const g of region.vpnGateways.values()) g.propagations = g.propagations.filter((id) => id !== tableId);
}

// ---- timed transitions -----------------------------------------------------------------------------

TIMER_HANDLERS.set('vpn-gateway-attached', (region, id) => {
  const a = region.vpnGateways.get(id)?.attachments[0];
  if (a?.state === 'attaching') a.state = 'attached';
});

TIMER_HANDLERS.set('vpn-gateway-detached', (region, id) => {
  const a = region.vpnGateways.get(id)?.attachments[0];
  if (a?.state === 'detaching') a.state = 'detached';
});

TIMER_HANDLERS.set('vpn-gateway-deleted', (region, id) => {
  const vgw = region.vpnGateways.get(id);
  if (vgw?.state !== 'deleting') return;
  vgw.state = 'deleted';
  region.schedule(region.cloud.nowMs() + region.cloud.timings.terminatedVisibleMs, 'vpn-gateway-expired', id);
});

/** Deleted gateways stay visible a while, then are gone (like deleted NAT gateways). */
TIMER_HANDLERS.set('vpn-gateway-expired', (region, id) => {
  if (region.vpnGateways.get(id)?.state !== 'deleted') return;
  region.vpnGateways.delete(id);
  region.unregister(id);
});
