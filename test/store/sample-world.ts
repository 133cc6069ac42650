/**
 * A small but varied cloud built in-process through the Query API (no HTTP): what the storage
 * tests snapshot, restore and compare.
 */
import assert from 'node:assert/strict';
import { allHandlers } from '../../src/api/index.js';
import { Cloud, type CloudOptions } from '../../src/engine/cloud.js';
import { loadModel } from '../../src/protocol/model.js';
import { bodyText } from '../../src/protocol/encode.js';
import { QueryApi } from '../../src/server/query-api.js';

export const ACCOUNT = '123456789012';

/** An arbitrary ED25519 public key in OpenSSH form (32 bytes chosen for these tests; no private half exists). */
const SAMPLE_PUBLIC_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFxvHbqWNMQn3TqXl8mYWl0R8t0ZKx7kVxjv4HcE2p0q sample';

let model: ReturnType<typeof loadModel> | undefined;

/** A cloud with a controllable clock and a Query API on it. */
export function world(options: Partial<CloudOptions> = {}, restored?: (now: () => Date) => Cloud) {
  const clock = { now: Date.parse('2026-03-01T00:00:00Z') };
  const now = () => new Date(clock.now);
  const cloud = restored?.(now) ?? new Cloud({ defaultAccountId: ACCOUNT, seed: 'ctr-sample', now, ...options });
  model ??= loadModel();
  const api = new QueryApi(model, allHandlers, () => cloud);
  const call = (params: Record<string, string>, accessKeyId = 'AKIAEXAMPLE', region = 'us-east-1') =>
    api.handle(new URLSearchParams({ Version: '2016-11-15', ...params }), { accessKeyId, region });
  const ok = (params: Record<string, string>, accessKeyId?: string, region?: string) => {
    const r = call(params, accessKeyId, region);
    assert.equal(r.status, 200, `${params.Action}: ${bodyText(r.body)}`);
    return bodyText(r.body);
  };
  return { clock, cloud, api, call, ok };
}

export const pick = (xml: string, tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1] ?? assert.fail(`no <${tag}> in ${xml.slice(0, 300)}`);

/** Fills a world with a bit of everything: IPv6, rules, secondaries, IPv4 and IPv6 prefixes, an Elastic IP, instances mid-transition, tags, tokens, two accounts and regions. */
export function populate(w: ReturnType<typeof world>): void {
  const { ok, clock } = w;
  const vpcId = pick(
    ok({
      Action: 'CreateVpc',
      CidrBlock: '10.1.0.0/16',
      AmazonProvidedIpv6CidrBlock: 'true',
      'TagSpecification.1.ResourceType': 'vpc',
      'TagSpecification.1.Tag.1.Key': 'Name',
      'TagSpecification.1.Tag.1.Value': 'v',
    }),
    'vpcId',
  );
  const v6 = pick(ok({ Action: 'DescribeVpcs', 'VpcId.1': vpcId }), 'ipv6CidrBlock');
  const subnetId = pick(ok({ Action: 'CreateSubnet', VpcId: vpcId, CidrBlock: '10.1.1.0/24', Ipv6CidrBlock: v6.replace('::/56', '::/64') }), 'subnetId');
  const igw = pick(ok({ Action: 'CreateInternetGateway' }), 'internetGatewayId');
  ok({ Action: 'AttachInternetGateway', InternetGatewayId: igw, VpcId: vpcId });
  const sg = pick(ok({ Action: 'CreateSecurityGroup', GroupName: 'g', GroupDescription: 'd', VpcId: vpcId }), 'groupId');
  ok({
    Action: 'AuthorizeSecurityGroupIngress',
    GroupId: sg,
    'IpPermissions.1.IpProtocol': 'tcp',
    'IpPermissions.1.FromPort': '22',
    'IpPermissions.1.ToPort': '22',
    'IpPermissions.1.IpRanges.1.CidrIp': '10.0.0.0/8',
  });
  const eni = ok({
    Action: 'CreateNetworkInterface',
    SubnetId: subnetId,
    'SecurityGroupId.1': sg,
    SecondaryPrivateIpAddressCount: '2',
    Ipv6AddressCount: '1',
    ClientToken: 'tok-eni',
  });
  const eniId = pick(eni, 'networkInterfaceId');
  ok({ Action: 'CreateNetworkInterface', SubnetId: subnetId, Ipv4PrefixCount: '1' });
  const alloc = pick(ok({ Action: 'AllocateAddress', Domain: 'vpc' }), 'allocationId');
  ok({ Action: 'AssociateAddress', AllocationId: alloc, NetworkInterfaceId: eniId });
  const run = ok({ Action: 'RunInstances', ImageId: 'ami-0123456789abcdef0', MinCount: '2', MaxCount: '2', SubnetId: subnetId, ClientToken: 'tok-run' });
  const instanceId = pick(run, 'instanceId');
  clock.now += 10_000;
  ok({ Action: 'AttachNetworkInterface', InstanceId: instanceId, NetworkInterfaceId: eniId, DeviceIndex: '1' });
  ok({ Action: 'CreateTags', 'ResourceId.1': instanceId, 'Tag.1.Key': 'k', 'Tag.1.Value': 'v' });
  ok({ Action: 'StopInstances', 'InstanceId.1': instanceId });
  const peerVpcId = pick(ok({ Action: 'CreateVpc', CidrBlock: '10.9.0.0/16' }, '210987654321', 'eu-west-1'), 'vpcId');
  // The families added around the interfaces: each with data, so the round trip carries them.
  ok({ Action: 'ImportKeyPair', KeyName: 'k', PublicKeyMaterial: Buffer.from(SAMPLE_PUBLIC_KEY).toString('base64') });
  ok({
    Action: 'CreateLaunchTemplate',
    LaunchTemplateName: 'sample-template',
    'LaunchTemplateData.InstanceType': 't3.micro',
    'LaunchTemplateData.ImageId': 'ami-0123456789abcdef0',
  });
  const zone = pick(ok({ Action: 'DescribeSubnets', 'SubnetId.1': subnetId }), 'availabilityZone');
  const volumeId = pick(ok({ Action: 'CreateVolume', AvailabilityZone: zone, Size: '2' }), 'volumeId');
  ok({ Action: 'CreateTags', 'ResourceId.1': volumeId, 'Tag.1.Key': 'k', 'Tag.1.Value': 'v' });
  pick(ok({ Action: 'CreateSnapshot', VolumeId: volumeId }), 'snapshotId');
  const rtb = pick(ok({ Action: 'CreateRouteTable', VpcId: vpcId }), 'routeTableId');
  ok({ Action: 'CreateRoute', RouteTableId: rtb, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw });
  ok({ Action: 'AssociateRouteTable', RouteTableId: rtb, SubnetId: subnetId });
  const acl = pick(ok({ Action: 'CreateNetworkAcl', VpcId: vpcId }), 'networkAclId');
  ok({
    Action: 'CreateNetworkAclEntry',
    NetworkAclId: acl,
    RuleNumber: '10',
    Protocol: '6',
    RuleAction: 'allow',
    Egress: 'false',
    CidrBlock: '0.0.0.0/0',
    'PortRange.From': '443',
    'PortRange.To': '443',
  });
  pick(ok({ Action: 'CreateDhcpOptions', 'DhcpConfiguration.1.Key': 'domain-name', 'DhcpConfiguration.1.Value.1': 'example.internal' }), 'dhcpOptionsId');
  pick(ok({ Action: 'CreateEgressOnlyInternetGateway', VpcId: vpcId }), 'egressOnlyInternetGatewayId');
  // Attached and propagating into the custom table; the internet gateway's edge association is on a second table.
  const vgw = pick(ok({ Action: 'CreateVpnGateway', Type: 'ipsec.1', AmazonSideAsn: '65001' }), 'vpnGatewayId');
  ok({ Action: 'AttachVpnGateway', VpnGatewayId: vgw, VpcId: vpcId });
  ok({ Action: 'EnableVgwRoutePropagation', GatewayId: vgw, RouteTableId: rtb });
  const edge = pick(ok({ Action: 'CreateRouteTable', VpcId: vpcId }), 'routeTableId');
  ok({ Action: 'AssociateRouteTable', RouteTableId: edge, GatewayId: igw });
  pick(ok({ Action: 'CreateNatGateway', SubnetId: subnetId, ConnectivityType: 'private' }), 'natGatewayId');
  const pl = pick(
    ok({ Action: 'CreateManagedPrefixList', PrefixListName: 'corp', AddressFamily: 'IPv4', MaxEntries: '3', 'Entry.1.Cidr': '198.51.100.0/24' }),
    'prefixListId',
  );
  ok({ Action: 'ModifyManagedPrefixList', PrefixListId: pl, CurrentVersion: '1', 'AddEntry.1.Cidr': '203.0.113.0/24' });
  ok({ Action: 'CreateVpcEndpoint', VpcId: vpcId, ServiceName: 'com.amazonaws.us-east-1.s3', 'RouteTableId.1': rtb });
  // Still pending when the snapshot is taken; its interface holds an address of the subnet.
  ok({
    Action: 'CreateVpcEndpoint',
    VpcId: vpcId,
    VpcEndpointType: 'Interface',
    ServiceName: 'com.amazonaws.us-east-1.sts',
    PrivateDnsEnabled: 'false',
    'SubnetId.1': subnetId,
  });
  // A peering request to the other account's VPC in eu-west-1: one record seen from both worlds, a route to it.
  const pcx = pick(
    ok({ Action: 'CreateVpcPeeringConnection', VpcId: vpcId, PeerVpcId: peerVpcId, PeerOwnerId: '210987654321', PeerRegion: 'eu-west-1' }),
    'vpcPeeringConnectionId',
  );
  ok({ Action: 'CreateRoute', RouteTableId: rtb, DestinationCidrBlock: '10.9.0.0/16', VpcPeeringConnectionId: pcx });
  // A customer gateway (still pending when the snapshot is taken) and a deleted one, still listed.
  const cgw = pick(ok({ Action: 'CreateCustomerGateway', Type: 'ipsec.1', IpAddress: '198.51.100.7', BgpAsn: '65010' }), 'customerGatewayId');
  // A static VPN connection to the propagating gateway, with a route (it propagates once the connection is available).
  const vpn = pick(
    ok({ Action: 'CreateVpnConnection', Type: 'ipsec.1', CustomerGatewayId: cgw, VpnGatewayId: vgw, 'Options.StaticRoutesOnly': 'true' }),
    'vpnConnectionId',
  );
  ok({ Action: 'CreateVpnConnectionRoute', VpnConnectionId: vpn, DestinationCidrBlock: '192.168.10.0/24' });
  const oldCgw = pick(ok({ Action: 'CreateCustomerGateway', Type: 'ipsec.1', IpAddress: '198.51.100.8', BgpAsnExtended: '4200000001' }), 'customerGatewayId');
  ok({ Action: 'DeleteCustomerGateway', CustomerGatewayId: oldCgw });
  // Still pending when the snapshot is taken.
  ok({ Action: 'RunInstances', ImageId: 'ami-0123456789abcdef0', MinCount: '1', MaxCount: '1', SubnetId: subnetId });
  // Delegated IPv6 /80 prefixes: one EC2 picked, one given.
  const v6Eni = pick(ok({ Action: 'CreateNetworkInterface', SubnetId: subnetId, Ipv6PrefixCount: '1' }), 'networkInterfaceId');
  ok({ Action: 'AssignIpv6Addresses', NetworkInterfaceId: v6Eni, 'Ipv6Prefix.1': v6.replace('::/56', ':5::/80') });
}
