/**
 * What users may not do to interfaces an AWS service put in their subnets (requester-managed:
 * NAT gateways…), nor to the Elastic IPs those services hold. Observed answers:
 * - an Elastic IP of a NAT gateway cannot be associated elsewhere, disassociated or released:
 *   "AuthFailure: You do not have permission to access the specified resource." (HTTP 400;
 *   kubernetes/kops#1604, genevieve/leftovers#33, eformat/sno-for-100#5, terraform-provider-aws#3572);
 * - a service attachment cannot be detached: "You are not allowed to manage 'ela-attach' attachments."
 */
import type { RegionState } from './cloud.js';
import { Ec2Error } from './errors.js';
import type { ElasticIp, NetworkInterface } from './model.js';

const noPermission = () => new Ec2Error('AuthFailure', 'You do not have permission to access the specified resource.');

/** AssociateAddress onto a requester-managed interface. */
export function refuseManagedTarget(eni: NetworkInterface): void {
  if (eni.requesterManaged) throw noPermission();
}

/** Any change to an Elastic IP a service holds (associate elsewhere, disassociate, release). */
export function refuseManagedAddress(region: RegionState, eip: ElasticIp): void {
  const holder = eip.association ? region.networkInterfaces.get(eip.association.networkInterfaceId) : undefined;
  if (holder?.requesterManaged) throw noPermission();
}

/** DetachNetworkInterface with a service attachment's id. */
export function refuseServiceDetach(attachmentId: string): void {
  if (attachmentId.startsWith('ela-attach-')) {
    throw new Ec2Error('OperationNotPermitted', "You are not allowed to manage 'ela-attach' attachments.");
  }
}

/** Address changes on a requester-managed interface (assign/unassign private or IPv6 addresses). */
export function refuseManagedInterfaceChange(eni: NetworkInterface): void {
  if (eni.requesterManaged) {
    throw new Ec2Error('OperationNotPermitted', `You are not allowed to modify the requester-managed network interface ${eni.id}.`);
  }
}
