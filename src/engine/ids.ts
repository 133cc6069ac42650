/**
 * Resource IDs and MAC addresses: one place that makes them, one table of their formats and
 * of the error codes AWS uses when an ID is malformed or unknown.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Ec2Error } from './errors.js';

export interface IdKind {
  /** e.g. `vpc` for `vpc-0123456789abcdef0`. */
  readonly prefix: string;
  /** What AWS calls it in "The vpc ID 'vpc-x' does not exist". */
  readonly noun: string;
  readonly notFoundCode: string;
  readonly malformedCode: string;
  /** AWS's NotFound wording when it is not "The <noun> ID '<id>' does not exist". */
  readonly notFoundMessage?: (id: string) => string;
}

const kind = (prefix: string, noun: string, notFoundCode: string, malformedCode: string): IdKind => ({ prefix, noun, notFoundCode, malformedCode });

/** Formats and error codes, from AWS's "Error codes for the Amazon EC2 API" page. */
export const ID_KINDS = {
  vpc: kind('vpc', 'vpc', 'InvalidVpcID.NotFound', 'InvalidVpcID.Malformed'),
  subnet: kind('subnet', 'subnet', 'InvalidSubnetID.NotFound', 'InvalidSubnetID.Malformed'),
  securityGroup: {
    ...kind('sg', 'security group', 'InvalidGroup.NotFound', 'InvalidGroupId.Malformed'),
    notFoundMessage: (id: string) => `The security group '${id}' does not exist`,
  },
  securityGroupRule: kind('sgr', 'security group rule', 'InvalidSecurityGroupRuleId.NotFound', 'InvalidSecurityGroupRuleId.Malformed'),
  networkInterface: kind('eni', 'networkInterface', 'InvalidNetworkInterfaceID.NotFound', 'InvalidNetworkInterfaceId.Malformed'),
  attachment: kind('eni-attach', 'attachment', 'InvalidAttachmentID.NotFound', 'InvalidNetworkInterfaceAttachmentId.Malformed'),
  instance: kind('i', 'instance', 'InvalidInstanceID.NotFound', 'InvalidInstanceID.Malformed'),
  reservation: kind('r', 'reservation', 'InvalidReservationID.NotFound', 'InvalidReservationID.Malformed'),
  allocation: kind('eipalloc', 'allocation', 'InvalidAllocationID.NotFound', 'InvalidAllocationID.Malformed'),
  association: kind('eipassoc', 'association', 'InvalidAssociationID.NotFound', 'InvalidAssociationID.Malformed'),
  vpcCidrAssociation: kind('vpc-cidr-assoc', 'association', 'InvalidVpcCidrBlockAssociationID.NotFound', 'InvalidVpcCidrBlockAssociationID.Malformed'),
  subnetCidrAssociation: kind(
    'subnet-cidr-assoc',
    'association',
    'InvalidSubnetCidrBlockAssociationID.NotFound',
    'InvalidSubnetCidrBlockAssociationID.Malformed',
  ),
  dhcpOptions: kind('dopt', 'dhcpOptions', 'InvalidDhcpOptionID.NotFound', 'InvalidDhcpOptionsId.Malformed'),
  internetGateway: kind('igw', 'internetGateway', 'InvalidInternetGatewayID.NotFound', 'InvalidInternetGatewayId.Malformed'),
  routeTable: kind('rtb', 'routeTable', 'InvalidRouteTableID.NotFound', 'InvalidRouteTableId.Malformed'),
  routeTableAssociation: kind('rtbassoc', 'association', 'InvalidAssociationID.NotFound', 'InvalidAssociationID.Malformed'),
  networkAclAssociation: kind('aclassoc', 'association', 'InvalidAssociationID.NotFound', 'InvalidAssociationID.Malformed'),
  // CreateRoute's code for an unknown NAT gateway (DescribeNatGateways answers NatGatewayNotFound instead).
  natGateway: kind('nat', 'natGateway', 'InvalidNatGatewayID.NotFound', 'InvalidNatGatewayID.Malformed'),
  egressOnlyInternetGateway: kind(
    'eigw',
    'egressOnlyInternetGateway',
    'InvalidEgressOnlyInternetGatewayId.NotFound',
    'InvalidEgressOnlyInternetGatewayId.Malformed',
  ),
  vpcPeeringConnection: kind('pcx', 'vpcPeeringConnection', 'InvalidVpcPeeringConnectionID.NotFound', 'InvalidVpcPeeringConnectionId.Malformed'),
  prefixList: {
    ...kind('pl', 'prefix list', 'InvalidPrefixListID.NotFound', 'InvalidPrefixListID.Malformed'),
    notFoundMessage: (id: string) => `The prefix list ID '${id}' does not exist`,
  },
  serviceAttachment: kind('ela-attach', 'attachment', 'InvalidAttachmentID.NotFound', 'InvalidNetworkInterfaceAttachmentId.Malformed'),
  vpcEndpoint: kind('vpce', 'vpcEndpoint', 'InvalidVpcEndpointId.NotFound', 'InvalidVpcEndpointId.Malformed'),
  vpnGateway: kind('vgw', 'vpnGateway', 'InvalidVpnGatewayID.NotFound', 'InvalidVpnGatewayID.Malformed'),
  customerGateway: kind('cgw', 'customerGateway', 'InvalidCustomerGatewayID.NotFound', 'InvalidCustomerGatewayId.Malformed'),
  vpnConnection: kind('vpn', 'vpnConnection', 'InvalidVpnConnectionID.NotFound', 'InvalidVpnConnectionID.Malformed'),
  transitGateway: kind('tgw', 'transitGateway', 'InvalidTransitGatewayID.NotFound', 'InvalidTransitGatewayID.Malformed'),
  networkAcl: kind('acl', 'networkAcl', 'InvalidNetworkAclID.NotFound', 'InvalidNetworkAclId.Malformed'),
  volume: {
    ...kind('vol', 'volume', 'InvalidVolume.NotFound', 'InvalidVolumeID.Malformed'),
    notFoundMessage: (id: string) => `The volume '${id}' does not exist.`,
  },
  snapshot: {
    ...kind('snap', 'snapshot', 'InvalidSnapshot.NotFound', 'InvalidSnapshotID.Malformed'),
    notFoundMessage: (id: string) => `The snapshot '${id}' does not exist.`,
  },
  image: {
    ...kind('ami', 'image', 'InvalidAMIID.NotFound', 'InvalidAMIID.Malformed'),
    notFoundMessage: (id: string) => `The image id '[${id}]' does not exist`,
  },
  keyPair: {
    ...kind('key', 'key pair', 'InvalidKeyPair.NotFound', 'InvalidKeyPair.NotFound'),
    notFoundMessage: (id: string) => `The key pair '${id}' does not exist`,
  },
  launchTemplate: {
    ...kind('lt', 'launch template', 'InvalidLaunchTemplateId.NotFound', 'InvalidLaunchTemplateId.Malformed'),
    notFoundMessage: (id: string) => `The specified launch template, with template ID ${id}, does not exist.`,
  },
  // Names and ids alike are unknown as InvalidPlacementGroup.Unknown (AWS's error-code list has no NotFound for ids).
  placementGroup: {
    ...kind('pg', 'placement group', 'InvalidPlacementGroup.Unknown', 'InvalidPlacementGroupId.Malformed'),
    notFoundMessage: (id: string) => `The Placement Group '${id}' is unknown.`,
  },
  eniPermission: kind('eni-perm', 'networkInterfacePermission', 'InvalidPermission.NotFound', 'InvalidNetworkInterfacePermissionId.Malformed'),
} as const satisfies Record<string, IdKind>;

export type IdKindName = keyof typeof ID_KINDS;

/**
 * AWS answers `…Malformed` when the prefix is wrong or the rest is not hex, and `…NotFound`
 * for a well-prefixed hex ID of the wrong length (observed: `eni-0` is NotFound).
 */
export function checkId(k: IdKind, id: string): void {
  // Checked in place (every request naming a resource comes here): no slice, no regex.
  const start = k.prefix.length + 1;
  const digits = id.length - start;
  if (digits < 1 || digits > 17 || id.charCodeAt(start - 1) !== 0x2d || !id.startsWith(k.prefix) || !isLowerHex(id, start)) {
    throw new Ec2Error(k.malformedCode, `Invalid id: "${id}" (expecting "${k.prefix}-...")`);
  }
}

/** True if every character of `s` from `start` on is 0-9 or a-f. */
function isLowerHex(s: string, start: number): boolean {
  for (let i = start; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

export function notFound(k: IdKind, id: string): Ec2Error {
  return new Ec2Error(k.notFoundCode, k.notFoundMessage ? k.notFoundMessage(id) : `The ${k.noun} ID '${id}' does not exist`);
}

/** Makes IDs and MACs that are never handed out twice by this generator (its memory can be saved and restored). */
export class IdGenerator {
  private readonly issued = new Set<string>();
  private readonly macs = new Set<string>();

  constructor(private readonly random: (n: number) => Buffer = randomBytes) {}

  next(k: IdKind): string {
    for (;;) {
      const id = `${k.prefix}-${this.random(9).toString('hex').slice(0, 17)}`;
      if (!this.issued.has(id)) {
        this.issued.add(id);
        return id;
      }
    }
  }

  /**
   * An ID made from `material` instead of the random stream (re-hashed while taken): for what a
   * world makes by itself, so adding such a thing does not shift the IDs drawn after it.
   */
  derive(k: IdKind, material: string): string {
    for (let attempt = 0; ; attempt++) {
      const id = `${k.prefix}-${createHash('sha256').update(`${material}:${attempt}`).digest('hex').slice(0, 17)}`;
      if (!this.issued.has(id)) {
        this.issued.add(id);
        return id;
      }
    }
  }

  /** A locally administered unicast MAC, `02:` + five random octets, as AWS's own examples show. */
  nextMac(): string {
    for (;;) {
      const h = this.random(5).toString('hex');
      const mac = `02:${h.slice(0, 2)}:${h.slice(2, 4)}:${h.slice(4, 6)}:${h.slice(6, 8)}:${h.slice(8, 10)}`;
      if (!this.macs.has(mac)) {
        this.macs.add(mac);
        return mac;
      }
    }
  }

  /** Marks IDs/MACs as used (e.g. when restoring state) so they are never generated again. */
  remember(ids: Iterable<string>): void {
    for (const id of ids) (/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(id) ? this.macs : this.issued).add(id);
  }

  snapshot(): { ids: string[]; macs: string[] } {
    return { ids: [...this.issued], macs: [...this.macs] };
  }
}
