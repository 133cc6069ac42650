/**
 * Site-to-Site VPN connections: a customer gateway joined to a virtual private gateway by two IPsec
 * tunnels.
 */
import type { RegionState } from './cloud.js';
import type { Taggable } from './model.js';

export type VpnState = 'pending' | 'available' | 'deleting' | 'deleted';

export interface VpnTunnel {
  /** The AWS end's outside address, drawn from the region's public pool. */
  readonly outsideIp: string;
  /** A /30 of 169.254.0.0/16 (TunnelInsideCidr). */
  readonly insideCidr: string;
  readonly preSharedKey: string;
}

export interface VpnStaticRoute {
  readonly destinationCidr: string;
  state: VpnState;
}

export interface VpnConnection extends Taggable {
  readonly resourceType: 'vpn-connection';
  readonly type: 'ipsec.1';
  state: VpnState;
  readonly customerGatewayId: string;
  vpnGatewayId: string;
  readonly staticRoutesOnly: boolean;
  readonly localIpv4NetworkCidr: string;
  readonly remoteIpv4NetworkCidr: string;
  readonly tunnels: VpnTunnel[];
  routes: VpnStaticRoute[];
  /** When its state last changed (VgwTelemetry LastStatusChange), ms since the epoch. */
  lastStatusChange: number;
}

/** The live VPN connection (not deleted) using a customer gateway, if any. */
export function connectionUsingCustomerGateway(region: RegionState, cgwId: string): string | undefined {
  for (const c of region.vpnConnections.values()) if (c.customerGatewayId === cgwId && c.state !== 'deleted') return c.id;
  return undefined;
}
