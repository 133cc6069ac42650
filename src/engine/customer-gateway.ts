/**
 * Customer gateways: the record of the customer's end of a Site-to-Site VPN (its outside IPv4
 * address and BGP ASN). Made `pending`, `available` shortly after; deleted through `deleting` to
 * `deleted`, then visible a while as AWS lists them (the CustomerGateway State values).
 *
 * Rules from the CreateCustomerGateway API reference: BgpAsn "Default: 65000 … Valid values: 1 to
 * 2,147,483,647"; BgpAsnExtended "Valid values: 2,147,483,648 to 4,294,967,295"; "You must specify
 * either BgpAsn or BgpAsnExtended"; and "To create more than one customer gateway with the same VPN
 * type, IP address, and BGP ASN, specify a unique device name for each customer gateway. An identical
 * request returns information about the existing customer gateway". Quota from the Site-to-Site VPN
 * User Guide: "Customer gateways per Region: 50". A gateway used by a VPN connection cannot be deleted
 * (IncorrectState: community.aws ec2_customer_gateway retries its delete on exactly that code).
 */
import { parseIpv4 } from './cidr.js';
import type { RegionState } from './cloud.js';
import { Ec2Error, invalidCombination, invalidParam, missingParam } from './errors.js';
import { checkId, ID_KINDS, notFound } from './ids.js';
import type { Taggable, Tags } from './model.js';
import { TIMER_HANDLERS } from './timers.js';

export type CustomerGatewayState = 'pending' | 'available' | 'deleting' | 'deleted';

export interface CustomerGateway extends Taggable {
  readonly resourceType: 'customer-gateway';
  readonly type: 'ipsec.1';
  state: CustomerGatewayState;
  readonly ipAddress: string;
  /** The ASN as a number (a 32-bit ASN fits a double exactly). */
  readonly bgpAsn: number;
  /** Whether it was given as BgpAsnExtended (shown then in BgpAsnExtended, else in BgpAsn). */
  readonly extendedAsn: boolean;
  readonly deviceName?: string;
  readonly certificateArn?: string;
}

/** Site-to-Site VPN quotas: "Customer gateways per Region: 50". */
export const CUSTOMER_GATEWAYS_PER_REGION = 50;
/** CreateCustomerGateway, BgpAsn: "Default: 65000". */
const DEFAULT_BGP_ASN = 65000;
const MAX_BGP_ASN = 2_147_483_647;
const MAX_BGP_ASN_EXTENDED = 4_294_967_295;

export function getCustomerGateway(region: RegionState, id: string): CustomerGateway {
  checkId(ID_KINDS.customerGateway, id);
  const cgw = region.customerGateways.get(id);
  if (!cgw) throw notFound(ID_KINDS.customerGateway, id);
  return cgw;
}

export interface CreateCustomerGatewayParams {
  readonly type: string;
  /** IpAddress, or the deprecated PublicIp (community.aws ec2_customer_gateway still sends PublicIp). */
  readonly ipAddress?: string;
  readonly bgpAsn?: number;
  readonly bgpAsnExtended?: number;
  readonly deviceName?: string;
  readonly certificateArn?: string;
  readonly tags: Tags;
}

/** CreateCustomerGateway: an identical live gateway (type, address, ASN, device name) is answered instead of a new one. */
export function createCustomerGateway(region: RegionState, p: CreateCustomerGatewayParams): CustomerGateway {
  if (p.type !== 'ipsec.1') throw invalidParam(p.type, 'type', 'The only supported type is ipsec.1.');
  if (p.bgpAsn !== undefined && p.bgpAsnExtended !== undefined) {
    throw invalidCombination('You can specify either BgpAsn or BgpAsnExtended, but not both.');
  }
  if (p.bgpAsn !== undefined && (p.bgpAsn < 1 || p.bgpAsn > MAX_BGP_ASN)) {
    throw invalidParam(p.bgpAsn, 'bgpAsn', `Valid values are 1 to ${MAX_BGP_ASN}.`);
  }
  if (p.bgpAsnExtended !== undefined && (p.bgpAsnExtended <= MAX_BGP_ASN || p.bgpAsnExtended > MAX_BGP_ASN_EXTENDED)) {
    throw invalidParam(p.bgpAsnExtended, 'bgpAsnExtended', `Valid values are ${MAX_BGP_ASN + 1} to ${MAX_BGP_ASN_EXTENDED}.`);
  }
  if (p.ipAddress === undefined) throw missingParam('ipAddress');
  if (parseIpv4(p.ipAddress) === undefined) throw invalidParam(p.ipAddress, 'ipAddress', 'It is not a valid IPv4 address.');
  const extended = p.bgpAsnExtended !== undefined;
  const asn = p.bgpAsnExtended ?? p.bgpAsn ?? DEFAULT_BGP_ASN;
  const same = [...region.customerGateways.values()].find(
    (g) => (g.state === 'pending' || g.state === 'available') && g.ipAddress === p.ipAddress && g.bgpAsn === asn && g.deviceName === p.deviceName,
  );
  if (same) return same;
  if (countLive(region) >= CUSTOMER_GATEWAYS_PER_REGION) {
    throw new Ec2Error('CustomerGatewayLimitExceeded', "You've reached the limit on the number of customer gateways you can create for the Region.");
  }
  const cgw: CustomerGateway = {
    id: region.ids.next(ID_KINDS.customerGateway),
    resourceType: 'customer-gateway',
    type: 'ipsec.1',
    state: 'pending',
    ipAddress: p.ipAddress,
    bgpAsn: asn,
    extendedAsn: extended,
    deviceName: p.deviceName,
    certificateArn: p.certificateArn,
    tags: p.tags,
  };
  region.customerGateways.set(cgw.id, region.register(cgw));
  region.schedule(region.cloud.nowMs() + region.cloud.timings.pendingMs, 'customer-gateway-available', cgw.id);
  return cgw;
}

function countLive(region: RegionState): number {
  let n = 0;
  for (const g of region.customerGateways.values()) if (g.state !== 'deleted') n++;
  return n;
}

/**
 * DeleteCustomerGateway: refused while a VPN connection that is not deleted uses it; deleting a
 * gateway already deleting (or deleted but still listed) answers success, as deleting twice does.
 */
export function deleteCustomerGateway(region: RegionState, cgw: CustomerGateway, inUseBy: string | undefined): void {
  if (cgw.state === 'deleting' || cgw.state === 'deleted') return;
  if (inUseBy) throw new Ec2Error('IncorrectState', `The customer gateway ${cgw.id} is in use by ${inUseBy}.`);
  region.unschedule(cgw.id, 'customer-gateway-available');
  cgw.state = 'deleting';
  region.schedule(region.cloud.nowMs() + region.cloud.timings.shuttingDownMs, 'customer-gateway-deleted', cgw.id);
}

TIMER_HANDLERS.set('customer-gateway-available', (region, id) => {
  const cgw = region.customerGateways.get(id);
  if (cgw?.state === 'pending') cgw.state = 'available';
});

TIMER_HANDLERS.set('customer-gateway-deleted', (region, id) => {
  const cgw = region.customerGateways.get(id);
  if (cgw?.state !== 'deleting') return;
  cgw.state = 'deleted';
  region.schedule(region.cloud.nowMs() + region.cloud.timings.terminatedVisibleMs, 'customer-gateway-expired', id);
});

/** Deleted gateways stay listed a while, then are gone. */
TIMER_HANDLERS.set('customer-gateway-expired', (region, id) => {
  if (region.customerGateways.get(id)?.state !== 'deleted') return;
  region.customerGateways.delete(id);
  region.unregister(id);
});
