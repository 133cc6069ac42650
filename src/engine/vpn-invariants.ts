/**
 * Facts about Site-to-Site VPN resources that must always hold: a live connection names a customer
 * gateway and a virtual private gateway of its world that are not deleted, its two tunnels' inside
 * CIDRs are unique on its gateway, and its static routes are unique.
 */
import type { RegionState } from './cloud.js';

export function checkVpn(region: RegionState, v: (rule: string, detail: string) => void): void {
  const insidePerGateway = new Map<string, Set<string>>();
  for (const c of region.vpnConnections.values()) {
    if (c.state === 'deleted') continue;
    const cgw = region.customerGateways.get(c.customerGatewayId);
    if (!cgw || cgw.state === 'deleted' || cgw.state === 'deleting') v('vpn-customer-gateway', `${c.id} uses ${c.customerGatewayId}, which is gone`);
    const vgw = region.vpnGateways.get(c.vpnGatewayId);
    if (!vgw || vgw.state === 'deleted' || vgw.state === 'deleting') v('vpn-gateway', `${c.id} uses ${c.vpnGatewayId}, which is gone`);
    if (c.tunnels.length !== 2) v('vpn-tunnels', `${c.id} has ${c.tunnels.length} tunnels`);
    const used = insidePerGateway.get(c.vpnGatewayId) ?? new Set<string>();
    insidePerGateway.set(c.vpnGatewayId, used);
    for (const t of c.tunnels) {
      if (used.has(t.insideCidr)) v('vpn-inside-cidr', `${t.insideCidr} is used twice on ${c.vpnGatewayId}`);
      used.add(t.insideCidr);
    }
    if (new Set(c.routes.map((r) => r.destinationCidr)).size !== c.routes.length) v('vpn-routes', `${c.id} holds a static route twice`);
  }
}

/** The public addresses live VPN connections hold (their tunnels' outside addresses). */
export function vpnPublicIps(region: RegionState): (readonly [string, string])[] {
  const out: (readonly [string, string])[] = [];
  for (const c of region.vpnConnections.values()) if (c.state !== 'deleted') for (const t of c.tunnels) out.push([t.outsideIp, c.id]);
  return out;
}
