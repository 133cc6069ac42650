/**
 * Site-to-Site VPN connections: a customer gateway joined to a virtual private gateway by two IPsec
 * tunnels. Made `pending`, `available` shortly after; deleted through `deleting` to `deleted`, then
 * listed a while (the VpnState values). A modification (ModifyVpnConnection, ModifyVpnConnectionOptions)
 * holds it `modifying` for a while, and another one is refused meanwhile: AWS answers `modifying`
 * (the CLI's modify-vpn-connection-options example), a state the service model's enum lacks and
 * terraform-provider-aws waits out after each modification (waitVPNConnectionUpdated). Transit gateways are not emulated: a connection to one is
 * refused as to an unknown transit gateway.
 *
 * Rules, from the Site-to-Site VPN User Guide ("Tunnel options for your Site-to-Site VPN
 * connection"): each tunnel's inside CIDR is "a size /30 CIDR block from the 169.254.0.0/16 range",
 * unique across the connections of one virtual private gateway, and not one of 169.254.0.0/30,
 * 169.254.1.0/30, 169.254.2.0/30, 169.254.3.0/30, 169.254.4.0/30, 169.254.5.0/30 or
 * 169.254.169.252/30; a pre-shared key is "between 8 and 64 characters … alphanumeric characters,
 * periods (.), and underscores (_)" and "can't start with zero (0)"; IPv6 inside addresses are
 * "supported only for VPN connections on a transit gateway". Quotas ("Site-to-Site VPN quotas"):
 * "Site-to-Site VPN connections per Region: 50", "per virtual private gateway: 10". Static routes
 * (CreateVpnConnectionRoute) are for connections with StaticRoutesOnly; the routes of an available
 * connection propagate into the route tables its gateway propagates to ("Route propagation").
 */
import { formatIpv4, parseIpv4, parseIpv4Cidr } from './cidr.js';
import type { RegionState } from './cloud.js';
import type { CustomerGateway } from './customer-gateway.js';
import { Ec2Error, invalidCombination, invalidParam, invalidValue, missingParam } from './errors.js';
import { checkId, ID_KINDS, notFound } from './ids.js';
import type { Taggable, Tags } from './model.js';
import type { Route, RouteTable } from './routing-model.js';
import { TIMER_HANDLERS } from './timers.js';
import type { VpnGateway } from './vpn-gateway.js';

/** A static route's states; a connection's add `modifying`. */
export type VpnRouteState = 'pending' | 'available' | 'deleting' | 'deleted';
export type VpnState = VpnRouteState | 'modifying';

export interface VpnTunnel {
  /** The AWS end's outside address, drawn from the region's public pool. */
  readonly outsideIp: string;
  /** A /30 of 169.254.0.0/16 (TunnelInsideCidr): the first host is AWS's end, the second the customer's. */
  readonly insideCidr: string;
  readonly preSharedKey: string;
}

export interface VpnStaticRoute {
  readonly destinationCidr: string;
  state: VpnRouteState;
}

export interface VpnConnection extends Taggable {
  readonly resourceType: 'vpn-connection';
  readonly type: 'ipsec.1';
  state: VpnState;
  customerGatewayId: string;
  vpnGatewayId: string;
  readonly staticRoutesOnly: boolean;
  localIpv4NetworkCidr: string;
  remoteIpv4NetworkCidr: string;
  readonly tunnels: VpnTunnel[];
  routes: VpnStaticRoute[];
  /** When its state last changed (VgwTelemetry LastStatusChange), ms since the epoch. */
  lastStatusChange: number;
}

export const VPN_CONNECTIONS_PER_REGION = 50;
export const VPN_CONNECTIONS_PER_GATEWAY = 10;
const RESERVED_INSIDE = new Set(['169.254.0.0', '169.254.1.0', '169.254.2.0', '169.254.3.0', '169.254.4.0', '169.254.5.0', '169.254.169.252']);
const LINK_LOCAL = parseIpv4Cidr('169.254.0.0/16')!;
const PSK_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._';

export function getVpnConnection(region: RegionState, id: string): VpnConnection {
  checkId(ID_KINDS.vpnConnection, id);
  const vpn = region.vpnConnections.get(id);
  if (!vpn) throw notFound(ID_KINDS.vpnConnection, id);
  return vpn;
}

const live = (c: VpnConnection) => c.state !== 'deleted';

/** The live VPN connection (not deleted) using a customer gateway, if any. */
export function connectionUsingCustomerGateway(region: RegionState, cgwId: string): string | undefined {
  for (const c of region.vpnConnections.values()) if (c.customerGatewayId === cgwId && live(c)) return c.id;
  return undefined;
}

/** The live VPN connection (not deleted) to a virtual private gateway, if any. */
export function connectionUsingVpnGateway(region: RegionState, vgwId: string): string | undefined {
  for (const c of region.vpnConnections.values()) if (c.vpnGatewayId === vgwId && live(c)) return c.id;
  return undefined;
}

export interface TunnelOptionsParams {
  readonly insideCidr?: string;
  readonly preSharedKey?: string;
}

export interface CreateVpnConnectionParams {
  readonly type: string;
  readonly customerGateway: CustomerGateway;
  readonly vpnGateway?: VpnGateway;
  readonly transitGatewayId?: string;
  readonly staticRoutesOnly: boolean;
  readonly localIpv4NetworkCidr?: string;
  readonly remoteIpv4NetworkCidr?: string;
  readonly tunnelInsideIpVersion?: string;
  readonly tunnels: readonly TunnelOptionsParams[];
  readonly tags: Tags;
}

export function createVpnConnection(region: RegionState, p: CreateVpnConnectionParams): VpnConnection {
  if (p.type !== 'ipsec.1') throw invalidParam(p.type, 'type', 'The only supported type is ipsec.1.');
  if (p.transitGatewayId !== undefined) {
    if (p.vpnGateway) throw invalidCombination('You cannot specify both a virtual private gateway and a transit gateway.');
    // Transit gateways are not emulated: none exists to connect to.
    checkId(ID_KINDS.transitGateway, p.transitGatewayId);
    throw notFound(ID_KINDS.transitGateway, p.transitGatewayId);
  }
  const vgw = p.vpnGateway;
  if (!vgw) throw missingParam('VpnGatewayId');
  const cgw = p.customerGateway;
  if (cgw.state !== 'pending' && cgw.state !== 'available') {
    throw new Ec2Error('InvalidCustomerGatewayState', `The customer gateway ${cgw.id} is not in the available state, and therefore cannot be used.`);
  }
  if (vgw.state !== 'available') throw new Ec2Error('InvalidVpnGatewayState', `The virtual private gateway ${vgw.id} is not in the available state.`);
  if (p.tunnelInsideIpVersion !== undefined && p.tunnelInsideIpVersion !== 'ipv4') {
    throw invalidParam(p.tunnelInsideIpVersion, 'TunnelInsideIpVersion', 'IPv6 inside addresses are supported only for VPN connections on a transit gateway.');
  }
  const localCidr = networkCidr(p.localIpv4NetworkCidr, 'LocalIpv4NetworkCidr');
  const remoteCidr = networkCidr(p.remoteIpv4NetworkCidr, 'RemoteIpv4NetworkCidr');
  if (p.tunnels.length > 2) throw invalidValue(`A VPN connection has two tunnels; ${p.tunnels.length} tunnel options were given.`);
  const onGateway = [...region.vpnConnections.values()].filter((c) => live(c) && c.vpnGatewayId === vgw.id);
  const usedInside = new Set(onGateway.flatMap((c) => c.tunnels.map((t) => t.insideCidr)));
  for (const t of p.tunnels) {
    if (t.insideCidr !== undefined) {
      checkInsideCidr(t.insideCidr);
      if (usedInside.has(t.insideCidr)) throw invalidValue(`The tunnel inside CIDR ${t.insideCidr} is already in use by a VPN connection of ${vgw.id}.`);
      usedInside.add(t.insideCidr);
    }
    if (t.preSharedKey !== undefined) checkPreSharedKey(t.preSharedKey);
  }
  if (onGateway.some((c) => region.customerGateways.get(c.customerGatewayId)?.ipAddress === cgw.ipAddress)) {
    throw new Ec2Error(
      'InvalidCustomerGateway.DuplicateIpAddress',
      `There is a conflict among the specified gateway IP addresses: ${vgw.id} already has a VPN connection to ${cgw.ipAddress}.`,
    );
  }
  const inRegion = [...region.vpnConnections.values()].filter(live).length;
  if (inRegion >= VPN_CONNECTIONS_PER_REGION || onGateway.length >= VPN_CONNECTIONS_PER_GATEWAY) {
    throw new Ec2Error('VpnConnectionLimitExceeded', "You've reached the limit on the number of VPN connections that you can create.");
  }
  const id = region.ids.next(ID_KINDS.vpnConnection);
  const tunnels: VpnTunnel[] = [0, 1].map((i) => {
    const given = p.tunnels[i];
    const insideCidr = given?.insideCidr ?? drawInsideCidr(region, usedInside);
    usedInside.add(insideCidr);
    return {
      outsideIp: region.cloud.publicIps.allocate(region.name),
      insideCidr,
      preSharedKey: given?.preSharedKey ?? drawPreSharedKey(region),
    };
  });
  const vpn: VpnConnection = {
    id,
    resourceType: 'vpn-connection',
    type: 'ipsec.1',
    state: 'pending',
    customerGatewayId: cgw.id,
    vpnGatewayId: vgw.id,
    staticRoutesOnly: p.staticRoutesOnly,
    localIpv4NetworkCidr: localCidr,
    remoteIpv4NetworkCidr: remoteCidr,
    tunnels,
    routes: [],
    lastStatusChange: region.cloud.nowMs(),
    tags: p.tags,
  };
  region.vpnConnections.set(id, region.register(vpn));
  region.schedule(region.cloud.nowMs() + region.cloud.timings.pendingMs, 'vpn-connection-available', id);
  return vpn;
}

/** Local/RemoteIpv4NetworkCidr: an IPv4 CIDR, "Default: 0.0.0.0/0". */
function networkCidr(text: string | undefined, param: string): string {
  if (text === undefined) return '0.0.0.0/0';
  const cidr = parseIpv4Cidr(text);
  if (!cidr) throw invalidParam(text, param, 'It is not a valid IPv4 CIDR block.');
  return cidr.toString();
}

function checkInsideCidr(text: string): void {
  const cidr = parseIpv4Cidr(text);
  const base = text.split('/')[0]!;
  if (!cidr || cidr.prefix !== 30 || parseIpv4(base) !== cidr.base || !LINK_LOCAL.contains(cidr.base)) {
    throw invalidParam(text, 'TunnelInsideCidr', 'It must be a /30 CIDR block from the 169.254.0.0/16 range.');
  }
  if (RESERVED_INSIDE.has(base)) throw invalidParam(text, 'TunnelInsideCidr', 'This CIDR block is reserved.');
}

function checkPreSharedKey(key: string): void {
  if (key.length < 8 || key.length > 64 || !/^[A-Za-z0-9._]+$/.test(key) || key.startsWith('0')) {
    throw invalidValue(
      'The pre-shared key must be between 8 and 64 characters, contain only alphanumeric characters, periods and underscores, and not start with zero.',
    );
  }
}

/** A free, unreserved /30 of 169.254.0.0/16, drawn at random as AWS does. */
function drawInsideCidr(region: RegionState, used: ReadonlySet<string>): string {
  for (;;) {
    const base = LINK_LOCAL.base + 4 * Math.floor(region.cloud.random.float() * (LINK_LOCAL.size / 4));
    const text = formatIpv4(base);
    if (!RESERVED_INSIDE.has(text) && !used.has(`${text}/30`)) return `${text}/30`;
  }
}

/** 32 characters of the allowed alphabet, never starting with zero. */
function drawPreSharedKey(region: RegionState): string {
  const bytes = region.cloud.random.bytes(32);
  let key = '';
  for (const b of bytes) key += PSK_ALPHABET[b % PSK_ALPHABET.length];
  return key.startsWith('0') ? `A${key.slice(1)}` : key;
}

/** DeleteVpnConnection: `deleting`, then `deleted`; deleting one already going answers success. */
export function deleteVpnConnection(region: RegionState, vpn: VpnConnection): void {
  if (vpn.state === 'deleting' || vpn.state === 'deleted') return;
  region.unschedule(vpn.id, 'vpn-connection-available');
  region.unschedule(vpn.id, 'vpn-connection-modified');
  setState(region, vpn, 'deleting');
  region.schedule(region.cloud.nowMs() + region.cloud.timings.shuttingDownMs, 'vpn-connection-deleted', vpn.id);
}

function setState(region: RegionState, vpn: VpnConnection, state: VpnState): void {
  vpn.state = state;
  vpn.lastStatusChange = region.cloud.nowMs();
}

function requireModifiable(vpn: VpnConnection): void {
  if (vpn.state === 'deleting' || vpn.state === 'deleted') {
    throw new Ec2Error('IncorrectState', `The VPN connection ${vpn.id} is in state ${vpn.state}.`);
  }
}

/** A modification waits for the one under way to finish (the code as for the other states that refuse it). */
function requireSettled(vpn: VpnConnection): void {
  requireModifiable(vpn);
  if (vpn.state === 'modifying') throw new Ec2Error('IncorrectState', `The VPN connection ${vpn.id} is in state ${vpn.state}.`);
}

/** A modification accepted: `modifying` now, `available` when it is done (after the pending time, as creation). */
function startModifying(region: RegionState, vpn: VpnConnection): void {
  region.unschedule(vpn.id, 'vpn-connection-available');
  setState(region, vpn, 'modifying');
  region.schedule(region.cloud.nowMs() + region.cloud.timings.pendingMs, 'vpn-connection-modified', vpn.id);
}

/** CreateVpnConnectionRoute: a static route of a StaticRoutesOnly connection, one per destination. */
export function createVpnConnectionRoute(vpn: VpnConnection, destination: string): void {
  requireModifiable(vpn);
  const cidr = parseIpv4Cidr(destination);
  if (!cidr) throw invalidParam(destination, 'DestinationCidrBlock', 'It is not a valid IPv4 CIDR block.');
  if (!vpn.staticRoutesOnly) {
    throw invalidValue(`The VPN connection ${vpn.id} uses dynamic (BGP) routing; static routes need a connection with StaticRoutesOnly.`);
  }
  const text = cidr.toString();
  if (vpn.routes.some((r) => r.destinationCidr === text)) {
    throw new Ec2Error('RouteAlreadyExists', `The route identified by ${text} already exists in VPN connection ${vpn.id}.`);
  }
  vpn.routes.push({ destinationCidr: text, state: 'available' });
}

/** DeleteVpnConnectionRoute: the static route must exist. */
export function deleteVpnConnectionRoute(vpn: VpnConnection, destination: string): void {
  requireModifiable(vpn);
  const text = parseIpv4Cidr(destination)?.toString() ?? destination;
  if (!vpn.routes.some((r) => r.destinationCidr === text)) {
    throw new Ec2Error('InvalidRoute.NotFound', `The route identified by ${destination} does not exist in VPN connection ${vpn.id}.`);
  }
  vpn.routes = vpn.routes.filter((r) => r.destinationCidr !== text);
}

/**
 * ModifyVpnConnection: moves the connection to another virtual private gateway and/or customer
 * gateway (a transit gateway is refused as unknown, as at creation). The tunnels keep their
 * addresses and keys.
 */
export function moveVpnConnection(region: RegionState, vpn: VpnConnection, to: { vpnGateway?: VpnGateway; customerGateway?: CustomerGateway }): void {
  requireModifiable(vpn);
  if (!to.vpnGateway && !to.customerGateway) throw missingParam('VpnGatewayId');
  const vgw = to.vpnGateway ?? region.vpnGateways.get(vpn.vpnGatewayId)!;
  const cgw = to.customerGateway ?? region.customerGateways.get(vpn.customerGatewayId)!;
  if (vgw.state !== 'available') throw new Ec2Error('InvalidVpnGatewayState', `The virtual private gateway ${vgw.id} is not in the available state.`);
  if (cgw.state !== 'pending' && cgw.state !== 'available') {
    throw new Ec2Error('InvalidCustomerGatewayState', `The customer gateway ${cgw.id} is not in the available state, and therefore cannot be used.`);
  }
  if (vgw.id === vpn.vpnGatewayId && cgw.id === vpn.customerGatewayId) {
    throw invalidValue(`The VPN connection ${vpn.id} already connects ${cgw.id} to ${vgw.id}.`);
  }
  const others = [...region.vpnConnections.values()].filter((c) => live(c) && c.vpnGatewayId === vgw.id && c.id !== vpn.id);
  if (vgw.id !== vpn.vpnGatewayId && others.length >= VPN_CONNECTIONS_PER_GATEWAY) {
    throw new Ec2Error('VpnConnectionLimitExceeded', "You've reached the limit on the number of VPN connections that you can create.");
  }
  const used = new Set(others.flatMap((c) => c.tunnels.map((t) => t.insideCidr)));
  const clash = vpn.tunnels.find((t) => used.has(t.insideCidr));
  if (clash) throw invalidValue(`The tunnel inside CIDR ${clash.insideCidr} is already in use by a VPN connection of ${vgw.id}.`);
  if (others.some((c) => region.customerGateways.get(c.customerGatewayId)?.ipAddress === cgw.ipAddress)) {
    throw new Ec2Error(
      'InvalidCustomerGateway.DuplicateIpAddress',
      `There is a conflict among the specified gateway IP addresses: ${vgw.id} already has a VPN connection to ${cgw.ipAddress}.`,
    );
  }
  requireSettled(vpn);
  vpn.vpnGatewayId = vgw.id;
  vpn.customerGatewayId = cgw.id;
  startModifying(region, vpn);
}

/**
 * ModifyVpnConnectionOptions: the IPv4 CIDRs on each side of the tunnels. IPv6 CIDRs belong to
 * connections with IPv6 inside addresses, which only a transit gateway has.
 */
export function modifyVpnConnectionOptions(
  region: RegionState,
  vpn: VpnConnection,
  o: { local?: string; remote?: string; localIpv6?: string; remoteIpv6?: string },
): void {
  requireModifiable(vpn);
  if (o.localIpv6 !== undefined || o.remoteIpv6 !== undefined) {
    throw invalidValue(`IPv6 network CIDRs need IPv6 inside addresses, which are supported only for VPN connections on a transit gateway.`);
  }
  const local = o.local !== undefined ? networkCidr(o.local, 'LocalIpv4NetworkCidr') : vpn.localIpv4NetworkCidr;
  const remote = o.remote !== undefined ? networkCidr(o.remote, 'RemoteIpv4NetworkCidr') : vpn.remoteIpv4NetworkCidr;
  requireSettled(vpn);
  vpn.localIpv4NetworkCidr = local;
  vpn.remoteIpv4NetworkCidr = remote;
  startModifying(region, vpn);
}

// ---- route propagation ------------------------------------------------------------------------------

/**
 * The routes a table receives by propagation: the static routes of each available connection of
 * each gateway propagating into it. A destination the table already routes keeps its own route
 * ("Route priority": a static route in the table is preferred to a propagated one).
 */
export function propagatedRoutes(region: RegionState, table: RouteTable): Route[] {
  const out: Route[] = [];
  const taken = new Set(table.routes.map((r) => r.destinationCidrBlock).filter((d) => d !== undefined));
  for (const vgw of region.vpnGateways.values()) {
    if (!vgw.propagations.includes(table.id)) continue;
    for (const c of region.vpnConnections.values()) {
      // A connection being modified keeps its routes (its static routes are not what changes).
      if (c.vpnGatewayId !== vgw.id || (c.state !== 'available' && c.state !== 'modifying')) continue;
      for (const r of c.routes) {
        if (r.state !== 'available' || taken.has(r.destinationCidr)) continue;
        taken.add(r.destinationCidr);
        out.push({ destinationCidrBlock: r.destinationCidr, gatewayId: vgw.id, origin: 'EnableVgwRoutePropagation' });
      }
    }
  }
  return out;
}

// ---- timed transitions -----------------------------------------------------------------------------

TIMER_HANDLERS.set('vpn-connection-available', (region, id) => {
  const vpn = region.vpnConnections.get(id);
  if (vpn?.state === 'pending') setState(region, vpn, 'available');
});

TIMER_HANDLERS.set('vpn-connection-modified', (region, id) => {
  const vpn = region.vpnConnections.get(id);
  if (vpn?.state === 'modifying') setState(region, vpn, 'available');
});

TIMER_HANDLERS.set('vpn-connection-deleted', (region, id) => {
  const vpn = region.vpnConnections.get(id);
  if (vpn?.state !== 'deleting') return;
  setState(region, vpn, 'deleted');
  vpn.routes = [];
  for (const t of vpn.tunnels) region.cloud.publicIps.release(region.name, t.outsideIp);
  region.schedule(region.cloud.nowMs() + region.cloud.timings.terminatedVisibleMs, 'vpn-connection-expired', id);
});

/** Deleted connections stay listed a while, then are gone. */
TIMER_HANDLERS.set('vpn-connection-expired', (region, id) => {
  if (region.vpnConnections.get(id)?.state !== 'deleted') return;
  region.vpnConnections.delete(id);
  region.unregister(id);
});
