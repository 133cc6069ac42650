/** Every implemented operation, by name. Model operations missing here answer UnsupportedOperation. */
import { addressHandlers } from './addresses.js';
import type { HandlerMap } from './handler.js';
import { imageHandlers } from './images.js';
import { instanceTypeHandlers } from './instance-types.js';
import { instanceHandlers } from './instances.js';
import { internetGatewayHandlers } from './internet-gateways.js';
import { networkInterfacePermissionHandlers } from './network-interface-permissions.js';
import { networkInterfaceHandlers } from './network-interfaces.js';
import { regionHandlers } from './regions.js';
import { routeTableHandlers } from './route-tables.js';
import { networkAclHandlers } from './network-acls.js';
import { dhcpOptionsHandlers } from './dhcp-options.js';
import { classicLinkHandlers } from './classic-link.js';
import { natGatewayHandlers } from './nat-gateways.js';
import { egressOnlyInternetGatewayHandlers } from './egress-only-internet-gateways.js';
import { securityGroupHandlers } from './security-groups.js';
import { subnetHandlers } from './subnets.js';
import { tagHandlers } from './tags.js';
import { vpcHandlers } from './vpcs.js';

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
  ...instanceHandlers,
  ...securityGroupHandlers,
  ...routeTableHandlers,
  ...networkAclHandlers,
  ...dhcpOptionsHandlers,
  ...classicLinkHandlers,
  ...natGatewayHandlers,
  ...egressOnlyInternetGatewayHandlers,
};
