/**
 * DescribeImages over the built-in public image catalogue (src/engine/images.ts).
 *
 * - ImageIds: each must be well formed (`InvalidAMIID.Malformed`) and exist in the caller's Region
 *   (`InvalidAMIID.NotFound`, every missing id listed in one error). Explicitly named images are
 *   returned even when deprecated.
 * - Owners: `self` (the caller's account: ec2net has no CreateImage yet, so nothing), `amazon`,
 *   `aws-marketplace`, `aws-backup-vault` (by ImageOwnerAlias) and 12-digit account ids; values
 *   are ORed. Anything else is `InvalidUserID.Malformed`.
 * - ExecutableUsers is accepted and ignored: every catalogue image is public.
 * - IncludeDeprecated (default false) hides images whose DeprecationTime has passed.
 * - MaxResults 5–1000 with NextToken; without MaxResults every match comes back at once.
 */
import { Ec2Error, invalidParam } from '../engine/errors.js';
import { compileFilters, type FilterSpec } from '../engine/filters.js';
import { checkImageId, findImage, imageExists, imagesNotFound, isDeprecated, OWNER_ALIASES, regionImages, type ImageInfo } from '../engine/images.js';
import { handlers, type Output } from './handler.js';
import { imageCatalogue } from './launch-images.js';
import { paginate } from './paginate.js';

// RunInstances (launch-images.ts) asks the catalogue when strict image checking is on.
imageCatalogue.exists = imageExists;

type ImageView = NonNullable<Output<'DescribeImages'>['Images']>[number];

const NO_TAGS: ReadonlyMap<string, string> = new Map();

export const imageFilters: FilterSpec<ImageInfo> = {
  resourceName: 'image',
  tags: () => NO_TAGS,
  getters: {
    architecture: (i) => i.architecture,
    'block-device-mapping.delete-on-termination': () => true,
    'block-device-mapping.device-name': (i) => i.rootDeviceName,
    'block-device-mapping.snapshot-id': (i) => i.rootVolume.snapshotId,
    'block-device-mapping.volume-size': (i) => i.rootVolume.sizeGiB,
    'block-device-mapping.volume-type': (i) => i.rootVolume.type,
    'block-device-mapping.encrypted': () => false,
    'creation-date': (i) => i.creationDate,
    description: (i) => i.description,
    'ena-support': (i) => i.enaSupport,
    'free-tier-eligible': () => true,
    hypervisor: (i) => i.hypervisor,
    'image-allowed': () => undefined,
    'image-id': (i) => i.id,
    'image-type': (i) => i.imageType,
    'is-public': (i) => i.public,
    'kernel-id': () => undefined,
    'manifest-location': (i) => i.imageLocation,
    name: (i) => i.name,
    'owner-alias': (i) => i.ownerAlias,
    'owner-id': (i) => i.ownerId,
    platform: (i) => i.platform,
    'product-code': () => undefined,
    'product-code.type': () => undefined,
    'ramdisk-id': () => undefined,
    'root-device-name': (i) => i.rootDeviceName,
    'root-device-type': (i) => i.rootDeviceType,
    'source-image-id': () => undefined,
    'source-image-region': () => undefined,
    'source-instance-id': () => undefined,
    state: (i) => i.state,
    'state-reason-code': () => undefined,
    'state-reason-message': () => undefined,
    'sriov-net-support': (i) => i.sriovNetSupport,
    'virtualization-type': (i) => i.virtualizationType,
  },
};

export function imageView(i: ImageInfo): ImageView {
  return {
    ImageId: i.id,
    ImageLocation: i.imageLocation,
    State: i.state,
    OwnerId: i.ownerId,
    CreationDate: i.creationDate,
    Public: i.public,
    Architecture: i.architecture,
    ImageType: i.imageType,
    // AWS sends `windows` (lowercase) although the model's PlatformValues enum spells it `Windows`.
    Platform: i.platform as 'Windows' | undefined,
    PlatformDetails: i.platformDetails,
    UsageOperation: i.usageOperation,
    EnaSupport: i.enaSupport,
    SriovNetSupport: i.sriovNetSupport,
    Hypervisor: i.hypervisor,
    ImageOwnerAlias: i.ownerAlias,
    Name: i.name,
    Description: i.description,
    RootDeviceName: i.rootDeviceName,
    RootDeviceType: i.rootDeviceType,
    VirtualizationType: i.virtualizationType,
    BootMode: i.bootMode,
    ImdsSupport: i.imdsSupport,
    DeprecationTime: i.deprecationTime,
    FreeTierEligible: true,
    BlockDeviceMappings: [
      {
        DeviceName: i.rootDeviceName,
        Ebs: {
          DeleteOnTermination: true,
          SnapshotId: i.rootVolume.snapshotId,
          VolumeSize: i.rootVolume.sizeGiB,
          VolumeType: i.rootVolume.type,
          Encrypted: false,
        },
      },
    ],
  };
}

/** One predicate for the `Owners` list (ORed); throws on a value AWS would not accept. */
function ownerMatcher(owners: readonly string[], self: string): (i: ImageInfo) => boolean {
  const ids = new Set<string>();
  const aliases = new Set<string>();
  for (const o of owners) {
    if (o === 'self') ids.add(self);
    else if ((OWNER_ALIASES as readonly string[]).includes(o)) aliases.add(o);
    else if (/^[0-9]{12}$/.test(o)) ids.add(o);
    else throw new Ec2Error('InvalidUserID.Malformed', `User ID '${o}' is invalid`);
  }
  return (i) => ids.has(i.ownerId) || (i.ownerAlias !== undefined && aliases.has(i.ownerAlias));
}

export const imageHandlers = handlers({
  DescribeImages: (ctx, input) => {
    const region = ctx.region.name;
    const max = input.MaxResults;
    if (max !== undefined && (max < 5 || max > 1000)) {
      throw invalidParam(max, 'MaxResults', 'Expecting a value between 5 and 1000.');
    }
    const match = compileFilters(imageFilters, input.Filters);
    const owners = input.Owners ?? [];
    const ownedBy = owners.length > 0 ? ownerMatcher(owners, ctx.accountId) : undefined;

    const ids = [...new Set(input.ImageIds ?? [])];
    let chosen: readonly ImageInfo[];
    if (ids.length > 0) {
      for (const id of ids) checkImageId(id);
      const missing = ids.filter((id) => !imageExists(region, id));
      if (missing.length > 0) throw imagesNotFound(missing);
      chosen = ids.map((id) => findImage(region, id)!);
    } else {
      const now = ctx.cloud.now();
      chosen = input.IncludeDeprecated === true ? regionImages(region) : regionImages(region).filter((i) => !isDeprecated(i, now));
    }

    const selected = chosen.filter((i) => (!ownedBy || ownedBy(i)) && match(i));
    const page = paginate(ctx, selected, (i) => i.id, input, input.ImageIds, 'imageIds');
    return { Images: page.items.map(imageView), NextToken: page.nextToken };
  },
});
