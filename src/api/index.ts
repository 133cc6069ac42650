/** Every implemented operation, by name. Model operations missing here answer UnsupportedOperation. */
import { addressHandlers } from './addresses.js';
import type { HandlerMap } from './handler.js';
import { imageHandlers } from './images.js';
import { instanceTypeHandlers } from './instance-types.js';
import { instanceAttributeHandlers } from './instance-attributes.js';
import { instanceHandlers } from './instances.js';
import { internetGatewayHandlers } from './internet-gateways.js';
import { networkInterfacePermissionHandlers } from './network-interface-permissions.js';
import { networkInterfaceHandlers } from './network-interfaces.js';
import { regionHandlers } from './regions.js';
import { securityGroupHandlers } from './security-groups.js';
import { snapshotHandlers } from './snapshots.js';
import { subnetHandlers } from './subnets.js';
import { tagHandlers } from './tags.js';
import { volumeHandlers } from './volumes.js';
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
  ...instanceAttributeHandlers,
  ...volumeHandlers,
  ...snapshotHandlers,
  ...securityGroupHandlers,
};
