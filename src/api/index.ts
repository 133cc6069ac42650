/** Every implemented operation, by name. Model operations missing here answer UnsupportedOperation. */
import { accountAttributeHandlers } from './account-attributes.js';
import { addressHandlers } from './addresses.js';
import { classicLinkHandlers } from './classic-link.js';
import type { HandlerMap } from './handler.js';
import { accountImageHandlers } from './account-images.js';
import { imageHandlers } from './images.js';
import { instanceTypeHandlers } from './instance-types.js';
import { instanceAttributeHandlers } from './instance-attributes.js';
import { instanceHandlers } from './instances.js';
import { internetGatewayHandlers } from './internet-gateways.js';
import { keyPairHandlers } from './key-pairs.js';
import { placementGroupHandlers } from './placement-groups.js';
import { launchTemplateDataHandlers } from './launch-template-data.js';
import { launchTemplateHandlers } from './launch-templates.js';
import { networkInterfacePermissionHandlers } from './network-interface-permissions.js';
import { networkInterfaceHandlers } from './network-interfaces.js';
import { regionHandlers } from './regions.js';
import { routeTableHandlers } from './route-tables.js';
import { networkAclHandlers } from './network-acls.js';
import { dhcpOptionsHandlers } from './dhcp-options.js';
import { natGatewayHandlers } from './nat-gateways.js';
import { prefixListHandlers } from './prefix-lists.js';
import { vpcEndpointHandlers } from './vpc-endpoints.js';
import { egressOnlyInternetGatewayHandlers } from './egress-only-internet-gateways.js';
import { securityGroupHandlers } from './security-groups.js';
import { snapshotHandlers } from './snapshots.js';
import { subnetHandlers } from './subnets.js';
import { tagHandlers } from './tags.js';
import { volumeHandlers } from './volumes.js';
import { vpcHandlers } from './vpcs.js';
import { vpnGatewayHandlers } from './vpn-gateways.js';
import { customerGatewayHandlers } from './customer-gateways.js';
import { vpnConnectionHandlers } from './vpn-connections.js';
import { vpcPeeringHandlers } from './vpc-peering.js';

export const allHandlers: HandlerMap = {
  ...regionHandlers,
  ...vpcHandlers,
  ...internetGatewayHandlers,
  ...subnetHandlers,
  ...tagHandlers,
  ...networkInterfaceHandlers,
  ...networkInterfacePermissionHandlers,
  ...addressHandlers,
  ...instanceTypeHandlers,
  ...imageHandlers,
  ...accountImageHandlers,
  ...instanceHandlers,
  ...instanceAttributeHandlers,
  ...volumeHandlers,
  ...snapshotHandlers,
  ...securityGroupHandlers,
  ...accountAttributeHandlers,
  ...keyPairHandlers,
  ...placementGroupHandlers,
  ...routeTableHandlers,
  ...networkAclHandlers,
  ...dhcpOptionsHandlers,
  ...classicLinkHandlers,
  ...launchTemplateHandlers,
  ...launchTemplateDataHandlers,
  ...natGatewayHandlers,
  ...prefixListHandlers,
  ...vpcEndpointHandlers,
  ...egressOnlyInternetGatewayHandlers,
  ...vpnGatewayHandlers,
  ...customerGatewayHandlers,
  ...vpnConnectionHandlers,
  ...vpcPeeringHandlers,
};
