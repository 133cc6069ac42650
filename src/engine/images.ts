/**
 * A small built-in catalogue of well-known public images (AMIs), the same list in every Region.
 *
 * Each Region has its own ids, as on AWS: `ami-0` + 16 hex digits taken from SHA-256 of
 * `<region>/<image name>`, so an id is stable across restarts and differs between Regions (and its
 * root snapshot id is made the same way). Names, descriptions, owners, root devices and boot modes
 * follow what AWS shows for these images; the owners are Amazon (137112412989, alias `amazon`),
 * Amazon's Windows account (801119661308, alias `amazon`), Canonical (099720109477) and Debian
 * (136693071363), the last two without an alias.
 *
 * Choices:
 * - AWS deprecates every public AMI two years after its creation; ec2net's current images carry no
 *   DeprecationTime, so the catalogue keeps working whatever today's date is. One image, the old
 *   Amazon Linux AMI 2018.03, is deprecated (since 2025-12-18) so that IncludeDeprecated matters.
 * - Every image is public, `available`, EBS-backed, HVM, ENA-enabled, on the Xen hypervisor value
 *   AWS reports for all HVM images.
 */
import { createHash } from 'node:crypto';
import { Ec2Error } from './errors.js';

export type ImageArchitecture = 'x86_64' | 'arm64';
export type ImageBootMode = 'legacy-bios' | 'uefi' | 'uefi-preferred';

export interface ImageInfo {
  readonly id: string;
  readonly region: string;
  readonly name: string;
  readonly description: string;
  readonly ownerId: string;
  /** `amazon` for Amazon-owned images; absent for other publishers. */
  readonly ownerAlias?: 'amazon';
  readonly architecture: ImageArchitecture;
  /** `windows` for Windows images, else absent. */
  readonly platform?: 'windows';
  readonly platformDetails: 'Linux/UNIX' | 'Windows';
  readonly usageOperation: 'RunInstances' | 'RunInstances:0002';
  readonly rootDeviceName: string;
  readonly rootDeviceType: 'ebs';
  readonly virtualizationType: 'hvm';
  readonly hypervisor: 'xen';
  readonly imageType: 'machine';
  readonly state: 'available';
  readonly public: true;
  readonly enaSupport: true;
  readonly sriovNetSupport: 'simple';
  readonly bootMode?: ImageBootMode;
  readonly imdsSupport?: 'v2.0';
  /** ISO 8601 with milliseconds, as DescribeImages prints it. */
  readonly creationDate: string;
  readonly deprecationTime?: string;
  /** `amazon/<name>` for Amazon's images, `<owner id>/<name>` otherwise. */
  readonly imageLocation: string;
  readonly rootVolume: { readonly snapshotId: string; readonly sizeGiB: number; readonly type: 'gp2' | 'gp3' };
}

const AMAZON = '137112412989';
const AMAZON_WINDOWS = '801119661308';
const CANONICAL = '099720109477';
const DEBIAN = '136693071363';

/** Owner aliases AWS accepts in DescribeImages `Owners` (besides `self` and account ids). */
export const OWNER_ALIASES = ['amazon', 'aws-marketplace', 'aws-backup-vault'] as const;

interface Template {
  readonly name: string;
  readonly description: string;
  readonly ownerId: string;
  readonly architecture: ImageArchitecture;
  readonly rootDeviceName: '/dev/xvda' | '/dev/sda1';
  readonly sizeGiB: number;
  readonly volumeType: 'gp2' | 'gp3';
  readonly creationDate: string;
  readonly bootMode?: ImageBootMode;
  readonly imdsSupport?: 'v2.0';
  readonly windows?: true;
  readonly deprecationTime?: string;
  /** AWS's own ids of this image in the Regions where they are known (others get a derived id). */
  readonly awsIds?: Readonly<Record<string, string>>;
}

const al2023 = (arch: ImageArchitecture, minimal: boolean): Template => ({
  name: `al2023-ami-${minimal ? 'minimal-' : ''}2023.6.20250218.2-kernel-6.1-${arch}`,
  description: `Amazon Linux 2023 AMI 2023.6.20250218.2 ${arch} ${minimal ? 'Minimal ' : ''}HVM kernel-6.1`,
  ownerId: AMAZON,
  architecture: arch,
  rootDeviceName: '/dev/xvda',
  sizeGiB: minimal ? 2 : 8,
  volumeType: 'gp3',
  creationDate: '2025-02-18T22:57:35.000Z',
  bootMode: arch === 'arm64' ? 'uefi' : 'uefi-preferred',
  imdsSupport: 'v2.0',
});

const al2 = (arch: ImageArchitecture): Template => ({
  name: `amzn2-ami-kernel-5.10-hvm-2.0.20250220.0-${arch}-gp2`,
  description: `Amazon Linux 2 Kernel 5.10 AMI 2.0.20250220.0 ${arch} HVM gp2`,
  ownerId: AMAZON,
  architecture: arch,
  rootDeviceName: '/dev/xvda',
  sizeGiB: 8,
  volumeType: 'gp2',
  creationDate: '2025-02-20T19:42:49.000Z',
  bootMode: arch === 'arm64' ? 'uefi' : undefined,
});

const ubuntu = (release: '22.04' | '24.04', arch: ImageArchitecture): Template => {
  const deb = arch === 'x86_64' ? 'amd64' : 'arm64';
  const noble = release === '24.04';
  return {
    name: noble ? `ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-${deb}-server-20250305` : `ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-${deb}-server-20250228`,
    description: noble ? `Canonical, Ubuntu, 24.04, ${deb} noble image` : `Canonical, Ubuntu, 22.04 LTS, ${deb} jammy image build on 2025-02-28`,
    ownerId: CANONICAL,
    architecture: arch,
    rootDeviceName: '/dev/sda1',
    sizeGiB: 8,
    volumeType: noble ? 'gp3' : 'gp2',
    creationDate: noble ? '2025-03-05T08:21:37.000Z' : '2025-02-28T10:05:12.000Z',
    bootMode: arch === 'arm64' ? 'uefi' : 'uefi-preferred',
  };
};

const debian12 = (arch: ImageArchitecture): Template => ({
  name: `debian-12-${arch === 'x86_64' ? 'amd64' : 'arm64'}-20250210-2019`,
  description: 'Debian 12 (20250210-2019)',
  ownerId: DEBIAN,
  architecture: arch,
  rootDeviceName: '/dev/xvda',
  sizeGiB: 8,
  volumeType: 'gp2',
  creationDate: '2025-02-10T20:26:14.000Z',
  bootMode: arch === 'arm64' ? 'uefi' : 'uefi-preferred',
});

const TEMPLATES: readonly Template[] = [
  al2023('x86_64', false),
  al2023('arm64', false),
  al2023('x86_64', true),
  al2023('arm64', true),
  al2('x86_64'),
  al2('arm64'),
  ubuntu('24.04', 'x86_64'),
  ubuntu('24.04', 'arm64'),
  ubuntu('22.04', 'x86_64'),
  ubuntu('22.04', 'arm64'),
  debian12('x86_64'),
  debian12('arm64'),
  {
    name: 'Windows_Server-2022-English-Full-Base-2025.02.13',
    description: 'Microsoft Windows Server 2022 Full Locale English AMI provided by Amazon',
    ownerId: AMAZON_WINDOWS,
    architecture: 'x86_64',
    rootDeviceName: '/dev/sda1',
    sizeGiB: 30,
    volumeType: 'gp2',
    creationDate: '2025-02-13T06:42:18.000Z',
    windows: true,
  },
  {
    name: 'amzn-ami-hvm-2018.03.0.20231218.0-x86_64-gp2',
    description: 'Amazon Linux AMI 2018.03.0.20231218.0 x86_64 HVM gp2',
    ownerId: AMAZON,
    architecture: 'x86_64',
    rootDeviceName: '/dev/xvda',
    sizeGiB: 8,
    volumeType: 'gp2',
    creationDate: '2023-12-18T19:12:07.000Z',
    deprecationTime: '2025-12-18T19:12:00.000Z',
  },
  {
    // Amazon Linux AMI 2017.09.0 (HVM, gp2), long deprecated, with the ids AWS gave it in each
    // Region: tools still name it by id (amazon.aws's ec2_ami integration target looks it up with
    // image-id, is-public, owner-id and name filters).
    name: 'amzn-ami-hvm-2017.09.0.20170930-x86_64-gp2',
    description: 'Amazon Linux AMI 2017.09.0.20170930 x86_64 HVM GP2',
    ownerId: AMAZON,
    architecture: 'x86_64',
    rootDeviceName: '/dev/xvda',
    sizeGiB: 8,
    volumeType: 'gp2',
    creationDate: '2017-09-30T00:00:00.000Z',
    deprecationTime: '2019-09-30T00:00:00.000Z',
    awsIds: {
      'us-east-1': 'ami-8c1be5f6',
      'us-east-2': 'ami-c5062ba0',
      'us-west-1': 'ami-02eada62',
      'us-west-2': 'ami-e689729e',
      'ca-central-1': 'ami-fd55ec99',
      'eu-west-1': 'ami-acd005d5',
      'eu-central-1': 'ami-c7ee5ca8',
      'eu-west-2': 'ami-1a7f6d7e',
      'ap-southeast-1': 'ami-0797ea64',
      'ap-southeast-2': 'ami-8536d6e7',
      'ap-northeast-2': 'ami-9bec36f5',
      'ap-northeast-1': 'ami-2a69be4c',
      'ap-south-1': 'ami-4fc58420',
      'sa-east-1': 'ami-f1344b9d',
    },
  },
];

/** 17 hex digits from a hash; the first is `0`, as in every long-format id AWS hands out. */
const hex17 = (text: string) => `0${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;

function build(region: string, t: Template): ImageInfo {
  const amazonOwned = t.ownerId === AMAZON || t.ownerId === AMAZON_WINDOWS;
  return Object.freeze({
    id: t.awsIds?.[region] ?? `ami-${hex17(`${region}/${t.name}`)}`,
    region,
    name: t.name,
    description: t.description,
    ownerId: t.ownerId,
    ownerAlias: amazonOwned ? 'amazon' : undefined,
    architecture: t.architecture,
    platform: t.windows ? 'windows' : undefined,
    platformDetails: t.windows ? 'Windows' : 'Linux/UNIX',
    usageOperation: t.windows ? 'RunInstances:0002' : 'RunInstances',
    rootDeviceName: t.rootDeviceName,
    rootDeviceType: 'ebs',
    virtualizationType: 'hvm',
    hypervisor: 'xen',
    imageType: 'machine',
    state: 'available',
    public: true,
    enaSupport: true,
    sriovNetSupport: 'simple',
    bootMode: t.bootMode,
    imdsSupport: t.imdsSupport,
    creationDate: t.creationDate,
    deprecationTime: t.deprecationTime,
    imageLocation: `${amazonOwned ? 'amazon' : t.ownerId}/${t.name}`,
    rootVolume: Object.freeze({ snapshotId: `snap-${hex17(`${region}/${t.name}/root`)}`, sizeGiB: t.sizeGiB, type: t.volumeType }),
  } satisfies ImageInfo);
}

const byRegion = new Map<string, { readonly list: readonly ImageInfo[]; readonly byId: ReadonlyMap<string, ImageInfo> }>();

function catalogue(region: string) {
  let c = byRegion.get(region);
  if (!c) {
    const list = Object.freeze(TEMPLATES.map((t) => build(region, t)));
    c = { list, byId: new Map(list.map((i) => [i.id, i])) };
    byRegion.set(region, c);
  }
  return c;
}

/** Every built-in image of `region`. */
export function regionImages(region: string): readonly ImageInfo[] {
  return catalogue(region).list;
}

/** The built-in image `id` of `region`, or undefined. */
export function findImage(region: string, id: string): ImageInfo | undefined {
  return catalogue(region).byId.get(id);
}

/** Whether `id` is a catalogue image of `region` (what RunInstances checks when strict images are on). */
export function imageExists(region: string, id: string): boolean {
  return catalogue(region).byId.has(id);
}

/** The shape of an AMI id RunInstances accepts: `ami-` and 8 or 17 lowercase hex digits. */
export function isWellFormedImageId(id: string): boolean {
  return /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/.test(id);
}

/** Whether the image is deprecated at `now`. */
export function isDeprecated(image: ImageInfo, now: Date): boolean {
  return image.deprecationTime !== undefined && Date.parse(image.deprecationTime) <= now.getTime();
}

/**
 * DescribeImages' id check: `InvalidAMIID.Malformed` unless the id is `ami-` and 1–17 lowercase hex
 * digits (a well-prefixed hex id of another length is simply not found, as for other EC2 ids).
 */
export function checkImageId(id: string): void {
  if (!/^ami-[0-9a-f]{1,17}$/.test(id)) {
    throw new Ec2Error('InvalidAMIID.Malformed', `Invalid id: "${id}" (expecting "ami-...")`);
  }
}

/** AWS's NotFound for one or several image ids: "The image id '[ami-1]' does not exist". */
export function imagesNotFound(ids: readonly string[]): Ec2Error {
  return ids.length === 1
    ? new Ec2Error('InvalidAMIID.NotFound', `The image id '[${ids[0]}]' does not exist`)
    : new Ec2Error('InvalidAMIID.NotFound', `The image ids '[${ids.join(', ')}]' do not exist`);
}
