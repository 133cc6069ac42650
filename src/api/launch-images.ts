/**
 * Which image ids RunInstances accepts: the account's own images once available (a pending or
 * deregistered one is InvalidAMIID.Unavailable), any other well-formed `ami-` id, or only
 * catalogue images when strict.
 */
import { checkLaunchableOwnImage } from '../engine/account-images.js';
import type { RegionState } from '../engine/cloud.js';
import { Ec2Error } from '../engine/errors.js';

const AMI_ID = /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/;

/** Set by the images module when it is loaded: whether an image exists in a region's catalogue. */
export const imageCatalogue: { exists: (region: string, id: string) => boolean } = { exists: () => false };

export function imageAllowed(region: RegionState, imageId: string): void {
  if (!AMI_ID.test(imageId)) throw new Ec2Error('InvalidAMIID.Malformed', `Invalid id: "${imageId}" (expecting "ami-...")`);
  if (checkLaunchableOwnImage(region, imageId)) return;
  if (region.cloud.strictImages && !imageCatalogue.exists(region.name, imageId)) {
    throw new Ec2Error('InvalidAMIID.NotFound', `The image id '[${imageId}]' does not exist`);
  }
}
