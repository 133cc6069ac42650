/**
 * The domain records of one account × region. Plain data plus the pools that manage addresses;
 * behaviour lives in the per-resource modules (vpc.ts, subnet.ts, security-group.ts …).
 */
import type { CidrAssociationState } from './cidr-association.js';
import type { Ipv4Cidr, Ipv6Cidr } from './cidr.js';
import type { Ipv4Pool, Ipv6Pool } from './ipam.js';
import type { ZoneInfo } from './regions.js';

export type Tags = Map<string, string>;

export interface Taggable {
  readonly id: string;
  readonly resourceType: string;
  readonly tags: Tags;
}

export interface VpcCidrAssociation {
  readonly associationId: string;
  readonly cidr: Ipv4Cidr;
  state: CidrAssociationState;
}

export interface VpcIpv6Association {
  readonly associationId: string;
  readonly cidr: Ipv6Cidr;
  readonly networkBorderGroup: string;
  state: CidrAssociationState;
  /** Index of the next /64 handed to a subnet that asks for one automatically (unused in practice: subnets name theirs). */
}

export interface Vpc extends Taggable {
  readonly resourceType: 'vpc';
  readonly ownerId: string;
  readonly isDefault: boolean;
  readonly cidrs: VpcCidrAssociation[];
  readonly ipv6Cidrs: VpcIpv6Association[];
  /** A DHCP options set id, or `default` (none: AssociateDhcpOptions with `default`). */
  dhcpOptionsId: string;
  readonly instanceTenancy: string;
  state: 'pending' | 'available';
  enableDnsSupport: boolean;
  enableDnsHostnames: boolean;
}

/** An internet gateway: attached to at most one VPC, and a VPC has at most one (Amazon VPC User Guide, "Internet gateways"). */
export interface InternetGateway extends Taggable {
  readonly resourceType: 'internet-gateway';
  readonly ownerId: string;
  /** The VPC it is attached to; AWS reports such an attachment with state `available`. */
  vpcId?: string;
}

/** A grant on a network interface to another account or an AWS service (CreateNetworkInterfacePermission). */
export interface InterfacePermission {
  readonly id: string;
  readonly networkInterfaceId: string;
  readonly awsAccountId?: string;
  readonly awsService?: string;
  readonly permission: 'INSTANCE-ATTACH' | 'EIP-ASSOCIATE';
}

export interface SubnetIpv6Association {
  readonly associationId: string;
  readonly cidr: Ipv6Cidr;
  readonly pool: Ipv6Pool;
  state: CidrAssociationState;
}

export interface Subnet extends Taggable {
  readonly resourceType: 'subnet';
  readonly ownerId: string;
  readonly vpcId: string;
  readonly zone: ZoneInfo;
  readonly cidr: Ipv4Cidr;
  readonly pool: Ipv4Pool;
  readonly defaultForAz: boolean;
  readonly ipv6: SubnetIpv6Association[];
  mapPublicIpOnLaunch: boolean;
  assignIpv6AddressOnCreation: boolean;
  state: 'pending' | 'available';
}

export interface SecurityGroupRule extends Taggable {
  readonly resourceType: 'security-group-rule';
  readonly groupId: string;
  readonly groupOwnerId: string;
  readonly isEgress: boolean;
  readonly ipProtocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly cidrIpv4?: string;
  readonly cidrIpv6?: string;
  readonly prefixListId?: string;
  readonly referencedGroupId?: string;
  readonly referencedUserId?: string;
  description?: string;
}

export interface SecurityGroup extends Taggable {
  readonly resourceType: 'security-group';
  readonly ownerId: string;
  readonly vpcId: string;
  readonly name: string;
  readonly description: string;
  readonly isDefault: boolean;
  /** Rules in the order they were added, keyed by rule id. */
  readonly rules: Map<string, SecurityGroupRule>;
}

/** One private IPv4 address of an interface, with the Elastic IP mapped to it (if any). */
export interface PrivateIp {
  readonly address: number;
  readonly text: string;
  primary: boolean;
  /** Allocation id of the Elastic IP associated with this address: the interface's half of the bijection. */
  elasticIp?: string;
}

export interface Ipv6Address {
  readonly address: bigint;
  readonly text: string;
}

export interface NetworkInterfaceAttachment {
  readonly attachmentId: string;
  readonly instanceId: string;
  readonly instanceOwnerId: string;
  readonly deviceIndex: number;
  readonly networkCardIndex: number;
  readonly attachTime: Date;
  status: 'attaching' | 'attached' | 'detaching' | 'detached';
  deleteOnTermination: boolean;
}

export interface NetworkInterface extends Taggable {
  readonly resourceType: 'network-interface';
  readonly ownerId: string;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly zone: ZoneInfo;
  readonly macAddress: string;
  readonly interfaceType: string;
  readonly requesterManaged: boolean;
  readonly requesterId?: string;
  /**
   * A requester-managed interface's attachment to its AWS service (`ela-attach-…`, not an instance):
   * shown as attached at device index 1 to owner `amazon-aws`, and it cannot be detached.
   */
  readonly serviceAttachmentId?: string;
  readonly createdAt: Date;
  /**
   * Whether this interface asks for a public IPv4 when an instance launches with it as its only
   * interface: the subnet's MapPublicIpOnLaunch at creation (EC2 User Guide, "Elastic network interfaces").
   */
  readonly publicIpOnLaunch: boolean;
  description: string;
  sourceDestCheck: boolean;
  status: 'available' | 'in-use' | 'attaching' | 'detaching' | 'associated';
  /** Primary first, then secondaries in the order assigned. */
  readonly privateIps: PrivateIp[];
  readonly ipv6Addresses: Ipv6Address[];
  /** Delegated IPv4 /28 prefixes (base addresses) and IPv6 /80 prefixes. */
  readonly ipv4Prefixes: number[];
  readonly ipv6Prefixes: bigint[];
  groupIds: string[];
  attachment?: NetworkInterfaceAttachment;
  /** An auto-assigned public IPv4 from Amazon's pool (not an Elastic IP), mapped to the primary address. */
  autoPublicIp?: string;
}

export interface ElasticIp extends Taggable {
  readonly resourceType: 'elastic-ip';
  readonly allocationId: string;
  readonly publicIp: string;
  readonly ownerId: string;
  readonly networkBorderGroup: string;
  readonly publicIpv4Pool: string;
  /** The address's half of the bijection with a private IPv4. */
  association?: { readonly associationId: string; readonly networkInterfaceId: string; readonly privateIp: string };
}

/** An SSH key pair (EC2 keeps only the public half). */
export interface KeyPair extends Taggable {
  readonly resourceType: 'key-pair';
  readonly name: string;
  readonly keyType: 'rsa' | 'ed25519';
  readonly fingerprint: string;
  /** The public key in OpenSSH form, `<type> <base64> <name>`. */
  readonly publicKey: string;
  readonly createTime: Date;
}

/** A placement group (EC2 User Guide, "Placement groups"): how the instances launched into it are placed. */
export interface PlacementGroup extends Taggable {
  readonly resourceType: 'placement-group';
  readonly name: string;
  readonly strategy: 'cluster' | 'spread' | 'partition';
  /** Partition groups only. */
  readonly partitionCount?: number;
  /** Spread groups only. */
  readonly spreadLevel?: 'host' | 'rack';
  readonly state: 'pending' | 'available' | 'deleting' | 'deleted';
}

/** Where an instance was launched in its placement group. */
export interface InstancePlacement {
  readonly groupId: string;
  readonly groupName: string;
  /** Partition groups only: 1 … the group's partition count. */
  readonly partitionNumber?: number;
}

/** One version of a launch template: the launch parameters as given (RequestLaunchTemplateData, plain data). */
export interface LaunchTemplateVersionRecord {
  readonly number: number;
  readonly description?: string;
  readonly createTime: Date;
  readonly data: Record<string, unknown>;
}

/** A launch template and its numbered versions (EC2 User Guide, "Launch templates"). */
export interface LaunchTemplate extends Taggable {
  readonly resourceType: 'launch-template';
  readonly name: string;
  readonly createTime: Date;
  readonly createdBy: string;
  defaultVersion: number;
  /** The number the next version gets: numbers are never reused, even after deletions. */
  nextVersion: number;
  readonly versions: Map<number, LaunchTemplateVersionRecord>;
}

export type InstanceStateName = 'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';

export interface Instance extends Taggable {
  readonly resourceType: 'instance';
  readonly reservationId: string;
  readonly ownerId: string;
  readonly imageId: string;
  /** Changeable while stopped (ModifyInstanceAttribute instanceType). */
  instanceType: string;
  readonly zone: ZoneInfo;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly launchTime: Date;
  readonly amiLaunchIndex: number;
  readonly clientToken?: string;
  readonly keyName?: string;
  /** The public key of `keyName` at launch (OpenSSH form), for the instance metadata. */
  readonly publicKey?: string;
  state: InstanceStateName;
  stateTransitionReason: string;
  /** Attached interfaces by id, in device order when listed. */
  readonly interfaceIds: string[];
  /** Whether eth0 asked for a public IPv4 at launch (the subnet default or AssociatePublicIpAddress). */
  readonly wantsPublicIp: boolean;
  metadata: {
    httpTokens: 'optional' | 'required';
    httpEndpoint: 'enabled' | 'disabled';
    httpPutResponseHopLimit: number;
    instanceMetadataTags: 'enabled' | 'disabled';
    /** The IPv6 endpoint (fd00:ec2::254); absent = disabled, the default (kept absent so older snapshots read the same). */
    httpProtocolIpv6?: 'enabled' | 'disabled';
  };
  terminatedAt?: Date;
  /** No longer filled (a forced detach frees its index once detached); kept so state written by earlier releases reads the same. */
  readonly blockedDeviceIndexes: Set<number>;
  /** The image's root device name (`/dev/xvda`, `/dev/sda1`); set at launch. */
  rootDeviceName?: string;
  /** EBS volumes attached (or attaching/detaching), in attachment order; each volume's attachment names this instance. */
  volumeIds?: string[];
  /** Instance attributes (ModifyInstanceAttribute / DescribeInstanceAttribute); absent means AWS's default. */
  attributes?: InstanceAttributes;
  /** CPU options chosen at launch or while stopped (cpu-options.ts); absent means the type's defaults. */
  cpuOptions?: { readonly coreCount: number; readonly threadsPerCore: number };
  /** The placement group it was launched into; absent when none. */
  placement?: InstancePlacement;
}

export interface InstanceAttributes {
  /** Base64 text, as RunInstances and ModifyInstanceAttribute carry it. */
  userData?: string;
  disableApiTermination: boolean;
  disableApiStop: boolean;
  shutdownBehavior: 'stop' | 'terminate';
  ebsOptimized: boolean;
  /** `standard` or `unlimited` for burstable (T) types; undefined for other types. */
  cpuCredits?: 'standard' | 'unlimited';
}

export type VolumeType = 'standard' | 'io1' | 'io2' | 'gp2' | 'sc1' | 'st1' | 'gp3';

/** One attachment of an EBS volume (several only for Multi-Attach io1/io2 volumes). */
export interface VolumeAttachmentRecord {
  readonly instanceId: string;
  readonly device: string;
  readonly attachTime: Date;
  state: 'attaching' | 'attached' | 'detaching';
  deleteOnTermination: boolean;
}

/** The latest modification of a volume (ModifyVolume / DescribeVolumesModifications). */
export interface VolumeModificationRecord {
  state: 'modifying' | 'optimizing' | 'completed';
  readonly startTime: Date;
  endTime?: Date;
  readonly original: {
    readonly size: number;
    readonly volumeType: VolumeType;
    readonly iops?: number;
    readonly throughput?: number;
    readonly multiAttach: boolean;
  };
  readonly target: {
    readonly size: number;
    readonly volumeType: VolumeType;
    readonly iops?: number;
    readonly throughput?: number;
    readonly multiAttach: boolean;
  };
}

export interface Volume extends Taggable {
  readonly resourceType: 'volume';
  readonly ownerId: string;
  readonly zone: ZoneInfo;
  readonly createTime: Date;
  size: number;
  volumeType: VolumeType;
  iops?: number;
  throughput?: number;
  readonly encrypted: boolean;
  readonly kmsKeyId?: string;
  /** '' when not made from a snapshot (AWS shows an empty SnapshotId). */
  readonly snapshotId: string;
  multiAttachEnabled: boolean;
  state: 'creating' | 'available' | 'in-use';
  readonly attachments: VolumeAttachmentRecord[];
  modification?: VolumeModificationRecord;
}

/** An EBS snapshot of a volume (CreateSnapshot): `pending` → `completed` on the clock. */
export interface EbsSnapshot extends Taggable {
  readonly resourceType: 'snapshot';
  readonly ownerId: string;
  readonly volumeId: string;
  readonly volumeSize: number;
  readonly description: string;
  readonly startTime: Date;
  readonly encrypted: boolean;
  readonly kmsKeyId?: string;
  state: 'pending' | 'completed';
  completionTime?: Date;
}

/** One block device mapping of an AMI: an EBS volume (from a snapshot, or blank with a size) or an instance store volume. */
export interface ImageBlockDevice {
  readonly device: string;
  /** `ephemeral0`–`ephemeral23`: an instance store volume (no `ebs`). */
  readonly virtualName?: string;
  readonly ebs?: {
    readonly snapshotId?: string;
    readonly size: number;
    readonly volumeType: VolumeType;
    readonly iops?: number;
    readonly throughput?: number;
    readonly deleteOnTermination: boolean;
    readonly encrypted: boolean;
    readonly kmsKeyId?: string;
  };
}

export type ImageArchitectureName = 'i386' | 'x86_64' | 'arm64' | 'x86_64_mac' | 'arm64_mac';

/**
 * An AMI the account made (CreateImage from an instance, RegisterImage from snapshots): `pending` →
 * `available`; a deregistered one is kept a while as `deregistered` (named by id it is then an
 * empty answer, not an error, as AWS answers for recently deregistered images).
 */
export interface AccountImage extends Taggable {
  readonly resourceType: 'image';
  readonly ownerId: string;
  readonly name: string;
  description: string;
  readonly architecture: ImageArchitectureName;
  readonly platform?: 'windows';
  readonly rootDeviceName: string;
  readonly virtualizationType: 'hvm' | 'paravirtual';
  readonly enaSupport: boolean;
  readonly sriovNetSupport?: 'simple';
  readonly bootMode?: 'legacy-bios' | 'uefi' | 'uefi-preferred';
  readonly tpmSupport?: 'v2.0';
  imdsSupport?: 'v2.0';
  readonly kernelId?: string;
  readonly ramdiskId?: string;
  readonly creationDate: Date;
  readonly blockDevices: readonly ImageBlockDevice[];
  readonly sourceInstanceId?: string;
  readonly sourceImageId?: string;
  state: 'pending' | 'available' | 'deregistered';
  /** Launch permissions: groups (only `all`, which makes the image public) and account ids. */
  readonly launchGroups: string[];
  readonly launchUserIds: string[];
  deregisteredAt?: Date;
}
