/**
 * The customer gateway configuration document of a VPN connection (CustomerGatewayConfiguration):
 * the "generic" XML AWS hands out for configuring the customer's device — per tunnel, both ends'
 * outside and inside addresses, the IKE and IPsec settings with the pre-shared key, and the BGP
 * neighbours unless the connection uses static routes. Element names follow the
 * `vpn_connection/ipsec_tunnel` layout of the document DescribeVpnConnections returns.
 */
import { formatIpv4, parseIpv4Cidr } from './cidr.js';
import type { CustomerGateway } from './customer-gateway.js';
import type { VpnConnection, VpnTunnel } from './vpn-connection.js';
import type { VpnGateway } from './vpn-gateway.js';

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const el = (name: string, body: string) => `<${name}>${body}</${name}>`;

function insideAddress(tunnel: VpnTunnel, host: 1 | 2): string {
  const base = parseIpv4Cidr(tunnel.insideCidr)!.base;
  return el('tunnel_inside_address', el('ip_address', formatIpv4(base + host)) + el('network_mask', '255.255.255.252') + el('network_cidr', '30'));
}

function tunnelXml(vpn: VpnConnection, cgw: CustomerGateway, vgw: VpnGateway | undefined, tunnel: VpnTunnel): string {
  const bgp = (asn: number) => (vpn.staticRoutesOnly ? '' : el('bgp', el('asn', String(asn)) + el('hold_time', '30')));
  const customer = el('customer_gateway', el('tunnel_outside_address', el('ip_address', escape(cgw.ipAddress))) + insideAddress(tunnel, 2) + bgp(cgw.bgpAsn));
  const aws = el('vpn_gateway', el('tunnel_outside_address', el('ip_address', tunnel.outsideIp)) + insideAddress(tunnel, 1) + bgp(vgw?.amazonSideAsn ?? 64512));
  const ike = el(
    'ike',
    el('authentication_protocol', 'sha1') +
      el('encryption_protocol', 'aes-128-cbc') +
      el('lifetime', '28800') +
      el('perfect_forward_secrecy', 'group2') +
      el('mode', 'main') +
      el('pre_shared_key', escape(tunnel.preSharedKey)),
  );
  const ipsec = el(
    'ipsec',
    el('protocol', 'esp') +
      el('authentication_protocol', 'hmac-sha1-96') +
      el('encryption_protocol', 'aes-128-cbc') +
      el('lifetime', '3600') +
      el('perfect_forward_secrecy', 'group2') +
      el('mode', 'tunnel') +
      el('clear_df_bit', 'true') +
      el('fragmentation_before_encryption', 'true') +
      el('tcp_mss_adjustment', '1379') +
      el('dead_peer_detection', el('delay', '10') + el('retry', '3')),
  );
  return el('ipsec_tunnel', customer + aws + ike + ipsec);
}

export function customerGatewayConfiguration(vpn: VpnConnection, cgw: CustomerGateway, vgw: VpnGateway | undefined): string {
  const head =
    el('customer_gateway_id', vpn.customerGatewayId) +
    el('vpn_gateway_id', vpn.vpnGatewayId) +
    el('vpn_connection_type', vpn.type) +
    el('vpn_connection_attributes', vpn.staticRoutesOnly ? 'NoBGPVPNConnection' : 'BGPVPNConnection');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<vpn_connection id="${vpn.id}">${head}${vpn.tunnels.map((t) => tunnelXml(vpn, cgw, vgw, t)).join('')}</vpn_connection>`
  );
}
