/**
 * DescribeImages over the built-in public image catalogue (src/engine/images.ts).
 *
 * - ImageIds: each must be well formed (`InvalidAMIID.Malformed`) and exist in the caller's Region
 *   (`InvalidAMIID.NotFound`, every missing id listed in one error). Explicitly named images are
 *   returned even when deprecated.
 * - The catalogue's images and the account's own (CreateImage, RegisterImage: account-images.ts);
 *   an own image recently deregistered, named by id, is answered with nothing.
 * - Owners: `self` (the caller's account), `amazon`,
 *   `aws-marketplace`, `aws-backup-vault` (by ImageOwnerAlias) and 12-digit account ids; values
 *   are ORed. Anything else is `InvalidUserID.Malformed`.
 * - ExecutableUsers (ORed): `all` keeps public images, `self` those the caller may launch (all it
 *   sees), an account id those with an explicit launch permission for it (the owner's own included).
 * - IncludeDeprecated (default false) hides images whose DeprecationTime has passed.
 * - MaxResults 5–1000 with NextToken; without MaxResults every match comes back at once.
 */
import { Ec2Error, invalidParam } from '../engine/errors.js';
import { compileFilters, type FilterSpec } from '../engine/filters.js';
import { checkImageId, findImage, imageExists, imagesNotFound, isDeprecated, OWNER_ALIASES, regionImages, type ImageInfo } from '../engine/images.js';
import { recentlyDeregistered } from '../engine/account-images.js';
import type { AccountImage, ImageBlockDevice, Tags } from '../engine/model.js';
import { tagList } from '../engine/tags.js';
import { handlers, type Output } from './handler.js';
import { imageCatalogue } from './launch-images.js';
import { paginate } from './paginate.js';

// RunInstances (launch-images.ts) asks the catalogue when strict image checking is on.
imageCatalogue.exists = imageExists;

type ImageView = NonNullable<Output<'DescribeImages'>['Images']>[number];

const NO_TAGS: Tags = new Map();

/** What DescribeImages lists and filters: a catalogue image or one of the account's own, in one form. */
interface ListedImage {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly ownerId: string;
  readonly ownerAlias?: 'amazon';
  readonly architecture: string;
  readonly platform?: 'windows';
  readonly platformDetails: string;
  readonly usageOperation: string;
  readonly rootDeviceName: string;
  readonly virtualizationType: 'hvm' | 'paravirtual';
  readonly state: string;
  readonly public: boolean;
  readonly enaSupport: boolean;
  readonly sriovNetSupport?: string;
  readonly bootMode?: string;
  readonly tpmSupport?: string;
  readonly imdsSupport?: string;
  readonly creationDate: string;
  readonly deprecationTime?: string;
  readonly imageLocation: string;
  readonly devices: readonly ImageBlockDevice[];
  readonly tags: Tags;
  readonly sourceInstanceId?: string;
  readonly kernelId?: string;
  readonly ramdiskId?: string;
  readonly freeTierEligible?: boolean;
  /** Accounts with an explicit launch permission. */
  readonly launchUserIds: readonly string[];
}

function fromCatalogue(i: ImageInfo): ListedImage {
  const root = { snapshotId: i.rootVolume.snapshotId, size: i.rootVolume.sizeGiB, volumeType: i.rootVolume.type, deleteOnTermination: true, encrypted: false };
  return { ...i, devices: [{ device: i.rootDeviceName, ebs: root }], tags: NO_TAGS, freeTierEligible: true, launchUserIds: [] };
}

function fromAccount(a: AccountImage): ListedImage {
  const windows = a.platform === 'windows';
  return {
    id: a.id,
    name: a.name,
    description: a.description,
    ownerId: a.ownerId,
    architecture: a.architecture,
    platform: a.platform,
    platformDetails: windows ? 'Windows' : 'Linux/UNIX',
    usageOperation: windows ? 'RunInstances:0002' : 'RunInstances',
    rootDeviceName: a.rootDeviceName,
    virtualizationType: a.virtualizationType,
    state: a.state,
    public: a.launchGroups.includes('all'),
    enaSupport: a.enaSupport,
    sriovNetSupport: a.sriovNetSupport,
    bootMode: a.bootMode,
    tpmSupport: a.tpmSupport,
    imdsSupport: a.imdsSupport,
    creationDate: a.creationDate.toISOString(),
    imageLocation: `${a.ownerId}/${a.name}`,
    devices: a.blockDevices,
    tags: a.tags,
    sourceInstanceId: a.sourceInstanceId,
    kernelId: a.kernelId,
    ramdiskId: a.ramdiskId,
    launchUserIds: a.launchUserIds,
  };
}

const ebsOf = (i: ListedImage) => i.devices.flatMap((d) => (d.ebs ? [d.ebs] : []));

export const imageFilters: FilterSpec<ListedImage> = {
  resourceName: 'image',
  tags: (i) => i.tags,
  getters: {
    architecture: (i) => i.architecture,
    'block-device-mapping.delete-on-termination': (i) => ebsOf(i).map((e) => e.deleteOnTermination),
    'block-device-mapping.device-name': (i) => i.devices.map((d) => d.device),
    'block-device-mapping.snapshot-id': (i) => ebsOf(i).map((e) => e.snapshotId),
    'block-device-mapping.volume-size': (i) => ebsOf(i).map((e) => e.size),
    'block-device-mapping.volume-type': (i) => ebsOf(i).map((e) => e.volumeType),
    'block-device-mapping.encrypted': (i) => ebsOf(i).map((e) => e.encrypted),
    'creation-date': (i) => i.creationDate,
    description: (i) => i.description,
    'ena-support': (i) => i.enaSupport,
    'free-tier-eligible': (i) => i.freeTierEligible ?? false,
    hypervisor: () => 'xen',
    'image-allowed': () => undefined,
    'image-id': (i) => i.id,
    'image-type': () => 'machine',
    'is-public': (i) => i.public,
    'kernel-id': (i) => i.kernelId,
    'manifest-location': (i) => i.imageLocation,
    name: (i) => i.name,
    'owner-alias': (i) => i.ownerAlias,
    'owner-id': (i) => i.ownerId,
    platform: (i) => i.platform,
    'product-code': () => undefined,
    'product-code.type': () => undefined,
    'ramdisk-id': (i) => i.ramdiskId,
    'root-device-name': (i) => i.rootDeviceName,
    'root-device-type': () => 'ebs',
    'source-image-id': () => undefined,
    'source-image-region': () => undefined,
    'source-instance-id': (i) => i.sourceInstanceId,
    state: (i) => i.state,
    'state-reason-code': () => undefined,
    'state-reason-message': () => undefined,
    'sriov-net-support': (i) => i.sriovNetSupport,
    'virtualization-type': (i) => i.virtualizationType,
  },
};

/** One block device mapping as the API shows it (also DescribeImageAttribute blockDeviceMapping). */
export function mappingView(d: ImageBlockDevice) {
  if (!d.ebs) return { DeviceName: d.device, VirtualName: d.virtualName };
  const e = d.ebs;
  return {
    DeviceName: d.device,
    Ebs: {
      DeleteOnTermination: e.deleteOnTermination,
      SnapshotId: e.snapshotId,
      VolumeSize: e.size,
      VolumeType: e.volumeType,
      Iops: e.iops,
      Throughput: e.throughput,
      Encrypted: e.encrypted,
      KmsKeyId: e.kmsKeyId,
    },
  };
}

function imageView(i: ListedImage): ImageView {
  return {
    ImageId: i.id,
    ImageLocation: i.imageLocation,
    State: i.state as ImageView['State'],
    OwnerId: i.ownerId,
    CreationDate: i.creationDate,
    Public: i.public,
    Architecture: i.architecture as ImageView['Architecture'],
    ImageType: 'machine',
    // AWS sends `windows` (lowercase) although the model's PlatformValues enum spells it `Windows`.
    Platform: i.platform as 'Windows' | undefined,
    PlatformDetails: i.platformDetails,
    UsageOperation: i.usageOperation,
    EnaSupport: i.enaSupport,
    SriovNetSupport: i.sriovNetSupport,
    Hypervisor: 'xen',
    ImageOwnerAlias: i.ownerAlias,
    Name: i.name,
    Description: i.description,
    RootDeviceName: i.rootDeviceName,
    RootDeviceType: 'ebs',
    VirtualizationType: i.virtualizationType,
    BootMode: i.bootMode as ImageView['BootMode'],
    TpmSupport: i.tpmSupport as ImageView['TpmSupport'],
    ImdsSupport: i.imdsSupport as ImageView['ImdsSupport'],
    DeprecationTime: i.deprecationTime,
    SourceInstanceId: i.sourceInstanceId,
    KernelId: i.kernelId,
    RamdiskId: i.ramdiskId,
    FreeTierEligible: i.freeTierEligible,
    BlockDeviceMappings: i.devices.map(mappingView),
    Tags: tagList(i.tags),
  };
}

/** One predicate for the `ExecutableUsers` list (ORed); throws on a value AWS would not accept. */
function executableBy(users: readonly string[]): (i: ListedImage) => boolean {
  for (const u of users) if (u !== 'all' && u !== 'self' && !/^[0-9]{12}$/.test(u)) throw new Ec2Error('InvalidUserID.Malformed', `User ID '${u}' is invalid`);
  return (i) => users.some((u) => (u === 'all' ? i.public : u === 'self' || u === i.ownerId || i.launchUserIds.includes(u)));
}

/** One predicate for the `Owners` list (ORed); throws on a value AWS would not accept. */
function ownerMatcher(owners: readonly string[], self: string): (i: ListedImage) => boolean {
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
    let chosen: ListedImage[];
    if (ids.length > 0) {
      for (const id of ids) checkImageId(id);
      // A recently deregistered image of the account is answered with nothing, not an error (API reference, DescribeImages).
      const known = ids.filter((id) => !recentlyDeregistered(ctx.region, id));
      const missing = known.filter((id) => !imageExists(region, id) && !ctx.region.images.has(id));
      if (missing.length > 0) throw imagesNotFound(missing);
      chosen = known.map((id) => {
        const own = ctx.region.images.get(id);
        return own ? fromAccount(own) : fromCatalogue(findImage(region, id)!);
      });
    } else {
      const now = ctx.cloud.now();
      const listed = input.IncludeDeprecated === true ? regionImages(region) : regionImages(region).filter((i) => !isDeprecated(i, now));
      chosen = listed.map(fromCatalogue);
      for (const own of ctx.region.images.values()) if (own.state !== 'deregistered') chosen.push(fromAccount(own));
    }

    const executable = input.ExecutableUsers?.length ? executableBy(input.ExecutableUsers) : undefined;
    const selected = chosen.filter((i) => (!ownedBy || ownedBy(i)) && (!executable || executable(i)) && match(i));
    const page = paginate(ctx, selected, (i) => i.id, input, input.ImageIds, 'imageIds');
    return { Images: page.items.map(imageView), NextToken: page.nextToken };
  },
});
