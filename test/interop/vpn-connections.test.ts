/**
 * Site-to-Site VPN connections through the real clients.
 *
 * Sources, cited per test:
 * - [api]: EC2 API reference: CreateVpnConnection ("The response includes information that you need to
 *   give to your network administrator to configure your customer gateway"; Type ipsec.1;
 *   VpnGatewayId or TransitGatewayId), VpnConnectionOptionsSpecification (StaticRoutesOnly;
 *   Local/RemoteIpv4NetworkCidr "Default: 0.0.0.0/0"), VpnConnection, VgwTelemetry (two tunnels),
 *   VpnState (pending | available | deleting | deleted), CreateVpnConnectionRoute ("Creates a static
 *   route associated with a VPN connection between an existing virtual private gateway and a VPN
 *   customer gateway"), DescribeVpnConnections (its filters), ModifyVpnConnection ("modify the target
 *   gateway");
 * - [tunnels]: Site-to-Site VPN User Guide, "Tunnel options": inside CIDR "a size /30 CIDR block from the
 *   169.254.0.0/16 range", unique per virtual private gateway, not 169.254.0.0/30 … 169.254.5.0/30 nor
 *   169.254.169.252/30; pre-shared key 8–64 characters of alphanumerics, periods and underscores, not
 *   starting with zero;
 * - [propagation]: Amazon VPC User Guide, "Route propagation": the VPN's static routes appear in a
 *   table with propagation enabled (Origin EnableVgwRoutePropagation);
 * - [codes]: the API reference's "Error codes" page (InvalidVpnConnectionID.NotFound,
 *   InvalidCustomerGateway.DuplicateIpAddress, IncorrectState, InvalidTransitGatewayID.NotFound);
 * - [ansible]: community.aws ec2_customer_gateway retries DeleteCustomerGateway on IncorrectState
 *   (the gateway still in use by a connection being deleted).
 * - [modify]: the AWS CLI's modify-vpn-connection-options example answers State "modifying"; the
 *   Site-to-Site VPN User Guide ("Modify Site-to-Site VPN connection options") has a modification take
 *   a while; terraform-provider-aws (internal/service/ec2/vpnsite_connection.go, waitVPNConnectionUpdated)
 *   waits after every ModifyVpnConnection/ModifyVpnConnectionOptions/ModifyVpnTunnelOptions for
 *   "modifying" to become "available" before sending the next modification.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  AttachVpnGatewayCommand,
  CreateCustomerGatewayCommand,
  CreateRouteTableCommand,
  CreateVpcCommand,
  CreateVpnConnectionCommand,
  CreateVpnConnectionRouteCommand,
  CreateVpnGatewayCommand,
  DeleteCustomerGatewayCommand,
  DeleteVpnConnectionCommand,
  DeleteVpnConnectionRouteCommand,
  DeleteVpnGatewayCommand,
  DescribeRouteTablesCommand,
  DescribeVpnConnectionsCommand,
  DescribeVpnGatewaysCommand,
  DetachVpnGatewayCommand,
  EnableVgwRoutePropagationCommand,
  ModifyVpnConnectionCommand,
  ModifyVpnConnectionOptionsCommand,
  type CreateVpnConnectionCommandInput,
  type EC2Client,
  type VpnConnection,
} from '@aws-sdk/client-ec2';
import { expectCode, expectRefusal, fastCliWaiters, invariants, until, useHarness } from './harness.js';

const RESERVED = ['169.254.0.0/30', '169.254.1.0/30', '169.254.2.0/30', '169.254.3.0/30', '169.254.4.0/30', '169.254.5.0/30', '169.254.169.252/30'];

async function connection(ec2: EC2Client, id: string): Promise<VpnConnection> {
  return (await ec2.send(new DescribeVpnConnectionsCommand({ VpnConnectionIds: [id] }))).VpnConnections![0]!;
}

const allConnections = (ec2: EC2Client) => async () => (await ec2.send(new DescribeVpnConnectionsCommand({}))).VpnConnections;

async function setUp(ec2: EC2Client, ip = '198.51.100.7') {
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
  const vgw = (await ec2.send(new CreateVpnGatewayCommand({ Type: 'ipsec.1', AmazonSideAsn: 65001 }))).VpnGateway!.VpnGatewayId!;
  await ec2.send(new AttachVpnGatewayCommand({ VpnGatewayId: vgw, VpcId: vpcId }));
  const cgw = (await ec2.send(new CreateCustomerGatewayCommand({ Type: 'ipsec.1', IpAddress: ip, BgpAsn: 65010 }))).CustomerGateway!.CustomerGatewayId!;
  return { vpcId, vgw, cgw };
}

describe('VPN connections (interop)', () => {
  const h = useHarness();
  const ec2 = h.ec2();

  it('create a static connection: two tunnels, pending → available, configuration, routes propagated into a table, delete', async () => {
    const { vpcId, vgw, cgw } = await setUp(ec2);
    const rtb = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
    await until(
      async () => (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [rtb] }))).RouteTables![0]!,
      () => true,
      'table',
    );
    const { VpnConnection: created } = await ec2.send(
      new CreateVpnConnectionCommand({
        Type: 'ipsec.1',
        CustomerGatewayId: cgw,
        VpnGatewayId: vgw,
        Options: { StaticRoutesOnly: true },
        TagSpecifications: [{ ResourceType: 'vpn-connection', Tags: [{ Key: 'Name', Value: 'office-link' }] }],
      }),
    );
    const vpn = created!.VpnConnectionId!;
    assert.match(vpn, /^vpn-[0-9a-f]{17}$/);
    assert.deepEqual(
      [created!.State, created!.Type, created!.CustomerGatewayId, created!.VpnGatewayId, created!.Category, created!.Tags],
      ['pending', 'ipsec.1', cgw, vgw, 'VPN', [{ Key: 'Name', Value: 'office-link' }]],
    );
    // [api] Options default to 0.0.0.0/0 both ways; [tunnels] two tunnels, /30s of 169.254.0.0/16, unreserved, distinct.
    const o = created!.Options!;
    assert.deepEqual([o.StaticRoutesOnly, o.LocalIpv4NetworkCidr, o.RemoteIpv4NetworkCidr, o.TunnelInsideIpVersion], [true, '0.0.0.0/0', '0.0.0.0/0', 'ipv4']);
    const tunnels = o.TunnelOptions!;
    assert.equal(tunnels.length, 2);
    for (const t of tunnels) {
      assert.match(t.TunnelInsideCidr!, /^169\.254\.\d+\.\d+\/30$/);
      assert.equal(Number(t.TunnelInsideCidr!.split('/')[0]!.split('.')[3]) % 4, 0);
      assert.ok(!RESERVED.includes(t.TunnelInsideCidr!));
      assert.match(t.PreSharedKey!, /^[A-Za-z1-9._][A-Za-z0-9._]{7,63}$/);
    }
    assert.notEqual(tunnels[0]!.TunnelInsideCidr, tunnels[1]!.TunnelInsideCidr);
    assert.notEqual(tunnels[0]!.OutsideIpAddress, tunnels[1]!.OutsideIpAddress);
    // [api VgwTelemetry] one entry per tunnel, by its outside address.
    assert.deepEqual(
      created!.VgwTelemetry!.map((t) => t.OutsideIpAddress),
      tunnels.map((t) => t.OutsideIpAddress),
    );
    // [api] the configuration document names the connection, both gateways, each tunnel's addresses and key.
    const config = created!.CustomerGatewayConfiguration!;
    for (const s of [vpn, cgw, vgw, '198.51.100.7', ...tunnels.flatMap((t) => [t.OutsideIpAddress!, t.PreSharedKey!])]) assert.ok(config.includes(s), s);
    assert.ok(!config.includes('<bgp>'), 'a static connection has no BGP section');
    await until(
      () => connection(ec2, vpn),
      (c) => c.State === 'available',
      'available',
    );
    // [api CreateVpnConnectionRoute] static routes; [propagation] they reach a table with propagation on.
    await ec2.send(new EnableVgwRoutePropagationCommand({ GatewayId: vgw, RouteTableId: rtb }));
    await ec2.send(new CreateVpnConnectionRouteCommand({ VpnConnectionId: vpn, DestinationCidrBlock: '192.168.10.0/24' }));
    await expectRefusal(
      h,
      allConnections(ec2),
      () => ec2.send(new CreateVpnConnectionRouteCommand({ VpnConnectionId: vpn, DestinationCidrBlock: '192.168.10.0/24' })),
      'RouteAlreadyExists',
    );
    assert.deepEqual((await connection(ec2, vpn)).Routes, [{ DestinationCidrBlock: '192.168.10.0/24', Source: 'Static', State: 'available' }]);
    const table = async () => (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [rtb] }))).RouteTables![0]!;
    assert.deepEqual(
      (await table()).Routes!.find((r) => r.DestinationCidrBlock === '192.168.10.0/24'),
      { DestinationCidrBlock: '192.168.10.0/24', GatewayId: vgw, Origin: 'EnableVgwRoutePropagation', State: 'active' },
    );
    const byOrigin = await h.cli(['describe-route-tables', '--filters', 'Name=route.origin,Values=EnableVgwRoutePropagation']);
    assert.deepEqual(
      byOrigin.RouteTables.map((t: { RouteTableId: string }) => t.RouteTableId),
      [rtb],
    );
    // [api DescribeVpnConnections] filters (CLI).
    for (const [name, value] of [
      ['customer-gateway-id', cgw],
      ['vpn-gateway-id', vgw],
      ['state', 'available'],
      ['option.static-routes-only', 'true'],
      ['route.destination-cidr-block', '192.168.10.0/24'],
      ['type', 'ipsec.1'],
      ['tag:Name', 'office-link'],
      ['vpn-connection-id', vpn],
    ] as const) {
      const out = await h.cli(['describe-vpn-connections', '--filters', `Name=${name},Values=${value}`]);
      assert.deepEqual(
        out.VpnConnections.map((c: VpnConnection) => c.VpnConnectionId),
        [vpn],
        name,
      );
    }
    await ec2.send(new DeleteVpnConnectionRouteCommand({ VpnConnectionId: vpn, DestinationCidrBlock: '192.168.10.0/24' }));
    assert.equal(
      (await table()).Routes!.find((r) => r.DestinationCidrBlock === '192.168.10.0/24'),
      undefined,
    );
    await expectCode(ec2.send(new DeleteVpnConnectionRouteCommand({ VpnConnectionId: vpn, DestinationCidrBlock: '192.168.10.0/24' })), 'InvalidRoute.NotFound');
    await ec2.send(new CreateVpnConnectionRouteCommand({ VpnConnectionId: vpn, DestinationCidrBlock: '192.168.20.0/24' }));
    // In use: the customer gateway and the virtual private gateway cannot be deleted ([ansible] IncorrectState).
    await ec2.send(new DetachVpnGatewayCommand({ VpnGatewayId: vgw, VpcId: vpcId }));
    await expectCode(ec2.send(new DeleteCustomerGatewayCommand({ CustomerGatewayId: cgw })), 'IncorrectState');
    await until(
      async () => (await ec2.send(new DescribeVpnGatewaysCommand({ VpnGatewayIds: [vgw] }))).VpnGateways![0]!,
      (g) => g.VpcAttachments![0]!.State === 'detached',
      'detached',
    );
    const inUse = await expectCode(ec2.send(new DeleteVpnGatewayCommand({ VpnGatewayId: vgw })), 'IncorrectState');
    assert.match(String(inUse.message), new RegExp(vpn));
    // [api VpnState] deleting → deleted, still listed (boto3), its routes gone.
    await ec2.send(new DeleteVpnConnectionCommand({ VpnConnectionId: vpn }));
    assert.equal((await connection(ec2, vpn)).State, 'deleting');
    await until(
      () => connection(ec2, vpn),
      (c) => c.State === 'deleted',
      'deleted',
    );
    const listed = await h.boto3(`result = ec2.describe_vpn_connections(VpnConnectionIds=['${vpn}'])['VpnConnections'][0]`);
    assert.deepEqual([listed.State, listed.Routes], ['deleted', []]);
    await ec2.send(new DeleteCustomerGatewayCommand({ CustomerGatewayId: cgw }));
    await ec2.send(new DeleteVpnGatewayCommand({ VpnGatewayId: vgw }));
    await invariants(h);
  });

  it('a BGP connection with given tunnel options; refusals for bad options, duplicates, transit gateways and static routes', async () => {
    const { vgw, cgw } = await setUp(ec2);
    const create = (input: Partial<CreateVpnConnectionCommandInput>) => () =>
      ec2.send(new CreateVpnConnectionCommand({ Type: 'ipsec.1', CustomerGatewayId: cgw, VpnGatewayId: vgw, ...input }));
    const tunnelOptions = (TunnelInsideCidr: string, PreSharedKey = 'corp.secret_key1') => ({
      Options: { TunnelOptions: [{ TunnelInsideCidr, PreSharedKey }] },
    });
    // [tunnels] reserved, misaligned, wrong size or outside the range; bad keys.
    for (const cidr of ['169.254.169.252/30', '169.254.0.0/30', '169.254.10.1/30', '169.254.10.0/29', '10.0.0.0/30']) {
      await expectRefusal(h, allConnections(ec2), create(tunnelOptions(cidr)), 'InvalidParameterValue');
    }
    for (const key of ['short', '0startswithzero', 'has-a-dash-in-it', 'x'.repeat(65)]) {
      await expectRefusal(h, allConnections(ec2), create(tunnelOptions('169.254.10.0/30', key)), 'InvalidParameterValue');
    }
    // [codes] transit gateways are not emulated: an unknown one.
    await expectRefusal(
      h,
      allConnections(ec2),
      create({ VpnGatewayId: undefined, TransitGatewayId: 'tgw-0123456789abcdef0' }),
      'InvalidTransitGatewayID.NotFound',
    );
    await expectRefusal(h, allConnections(ec2), create({ VpnGatewayId: 'vgw-0123456789abcdef0' }), 'InvalidVpnGatewayID.NotFound');
    await expectRefusal(h, allConnections(ec2), create({ CustomerGatewayId: 'cgw-0123456789abcdef0' }), 'InvalidCustomerGatewayID.NotFound');
    const { VpnConnection: bgp } = await create(tunnelOptions('169.254.10.0/30'))();
    const t0 = bgp!.Options!.TunnelOptions![0]!;
    assert.deepEqual([t0.TunnelInsideCidr, t0.PreSharedKey, bgp!.Options!.StaticRoutesOnly], ['169.254.10.0/30', 'corp.secret_key1', false]);
    // Dynamic routing: the configuration carries both ASNs.
    assert.ok(bgp!.CustomerGatewayConfiguration!.includes('<asn>65010</asn>'));
    assert.ok(bgp!.CustomerGatewayConfiguration!.includes('<asn>65001</asn>'));
    // [codes] the same customer gateway address twice on one virtual private gateway.
    await expectRefusal(h, allConnections(ec2), create({}), 'InvalidCustomerGateway.DuplicateIpAddress');
    // [tunnels] an inside CIDR is unique per virtual private gateway.
    const other = (await ec2.send(new CreateCustomerGatewayCommand({ Type: 'ipsec.1', IpAddress: '203.0.113.20', BgpAsn: 65020 }))).CustomerGateway!
      .CustomerGatewayId!;
    await expectRefusal(h, allConnections(ec2), create({ CustomerGatewayId: other, ...tunnelOptions('169.254.10.0/30') }), 'InvalidParameterValue');
    // Static routes are for StaticRoutesOnly connections.
    const id = bgp!.VpnConnectionId!;
    await expectRefusal(
      h,
      allConnections(ec2),
      () => ec2.send(new CreateVpnConnectionRouteCommand({ VpnConnectionId: id, DestinationCidrBlock: '192.168.0.0/24' })),
      'InvalidParameterValue',
    );
    // [api ModifyVpnConnection] to another virtual private gateway; a transit gateway is unknown.
    const vgw2 = (await ec2.send(new CreateVpnGatewayCommand({ Type: 'ipsec.1' }))).VpnGateway!.VpnGatewayId!;
    await expectRefusal(
      h,
      allConnections(ec2),
      () => ec2.send(new ModifyVpnConnectionCommand({ VpnConnectionId: id, TransitGatewayId: 'tgw-0123456789abcdef0' })),
      'InvalidTransitGatewayID.NotFound',
    );
    const moved = await ec2.send(new ModifyVpnConnectionCommand({ VpnConnectionId: id, VpnGatewayId: vgw2 }));
    assert.equal(moved.VpnConnection!.VpnGatewayId, vgw2);
    assert.deepEqual(moved.VpnConnection!.Options!.TunnelOptions, bgp!.Options!.TunnelOptions);
    // [codes] unknown and malformed connection ids.
    await expectCode(ec2.send(new DescribeVpnConnectionsCommand({ VpnConnectionIds: ['vpn-0123456789abcdef0'] })), 'InvalidVpnConnectionID.NotFound');
    await expectCode(ec2.send(new DeleteVpnConnectionCommand({ VpnConnectionId: 'vpn-0123456789abcdef0' })), 'InvalidVpnConnectionID.NotFound');
    await invariants(h);
  });

  it('ModifyVpnConnectionOptions changes the IPv4 network CIDRs on each side (CLI); IPv6 ones and bad blocks are refused', async () => {
    // [api] ModifyVpnConnectionOptions: "Modifies the connection options for your Site-to-Site VPN connection",
    // Local/RemoteIpv4NetworkCidr; IPv6 CIDRs go with IPv6 inside addresses, on a transit gateway only ([tunnels]).
    const { vgw, cgw } = await setUp(ec2);
    const vpn = (await ec2.send(new CreateVpnConnectionCommand({ Type: 'ipsec.1', CustomerGatewayId: cgw, VpnGatewayId: vgw }))).VpnConnection!
      .VpnConnectionId!;
    const out = await h.cli(['modify-vpn-connection-options', '--vpn-connection-id', vpn, '--local-ipv4-network-cidr', '192.168.0.0/16']);
    assert.deepEqual([out.VpnConnection.Options.LocalIpv4NetworkCidr, out.VpnConnection.Options.RemoteIpv4NetworkCidr], ['192.168.0.0/16', '0.0.0.0/0']);
    await expectRefusal(
      h,
      allConnections(ec2),
      () => ec2.send(new ModifyVpnConnectionOptionsCommand({ VpnConnectionId: vpn, RemoteIpv4NetworkCidr: '10.0.0.0/33' })),
      'InvalidParameterValue',
    );
    await expectRefusal(
      h,
      allConnections(ec2),
      () => ec2.send(new ModifyVpnConnectionOptionsCommand({ VpnConnectionId: vpn, LocalIpv6NetworkCidr: '::/0' })),
      'InvalidParameterValue',
    );
    assert.equal((await connection(ec2, vpn)).Options!.LocalIpv4NetworkCidr, '192.168.0.0/16');
  });
});

describe('VPN connection modifications take time (interop)', () => {
  const h = useHarness();
  const ec2 = h.ec2();
  before(() => fastCliWaiters());

  const available = (vpn: string) =>
    until(
      () => connection(ec2, vpn),
      (c) => c.State === 'available',
      `${vpn} available`,
    );

  it('ModifyVpnConnectionOptions: modifying, a second modification refused with IncorrectState, then available again (SDK)', async () => {
    // [modify] the connection is "modifying" while a modification is under way and "available" after it;
    // [codes] a modification then is refused with IncorrectState (terraform waits rather than send one).
    const { vgw, cgw } = await setUp(ec2);
    const vpn = (await ec2.send(new CreateVpnConnectionCommand({ Type: 'ipsec.1', CustomerGatewayId: cgw, VpnGatewayId: vgw }))).VpnConnection!
      .VpnConnectionId!;
    await available(vpn);
    const out = await ec2.send(new ModifyVpnConnectionOptionsCommand({ VpnConnectionId: vpn, LocalIpv4NetworkCidr: '192.168.0.0/16' }));
    assert.equal(out.VpnConnection!.State, 'modifying');
    assert.equal((await connection(ec2, vpn)).State, 'modifying');
    const filtered = await ec2.send(new DescribeVpnConnectionsCommand({ Filters: [{ Name: 'state', Values: ['modifying'] }] }));
    assert.deepEqual(
      filtered.VpnConnections!.map((c) => c.VpnConnectionId),
      [vpn],
    );
    await expectRefusal(
      h,
      allConnections(ec2),
      () => ec2.send(new ModifyVpnConnectionOptionsCommand({ VpnConnectionId: vpn, RemoteIpv4NetworkCidr: '10.0.0.0/16' })),
      'IncorrectState',
    );
    const settled = await available(vpn);
    assert.equal(settled.Options!.LocalIpv4NetworkCidr, '192.168.0.0/16');
    await ec2.send(new ModifyVpnConnectionOptionsCommand({ VpnConnectionId: vpn, RemoteIpv4NetworkCidr: '10.0.0.0/16' }));
    assert.equal((await available(vpn)).Options!.RemoteIpv4NetworkCidr, '10.0.0.0/16');
    await invariants(h);
  });

  it('ModifyVpnConnection: modifying until the move is done; the CLI waiter vpn-connection-available waits it out; delete while modifying (CLI)', async () => {
    // [modify] as above; [api] ModifyVpnConnection moves the connection to another customer gateway;
    // the CLI's waiter (botocore's VpnConnectionAvailable) polls until the state is available.
    const { vgw, cgw } = await setUp(ec2);
    const other = (await ec2.send(new CreateCustomerGatewayCommand({ Type: 'ipsec.1', IpAddress: '198.51.100.8', BgpAsn: 65011 }))).CustomerGateway!
      .CustomerGatewayId!;
    const vpn = (await ec2.send(new CreateVpnConnectionCommand({ Type: 'ipsec.1', CustomerGatewayId: cgw, VpnGatewayId: vgw }))).VpnConnection!
      .VpnConnectionId!;
    await h.cli(['wait', 'vpn-connection-available', '--vpn-connection-ids', vpn]);
    // Back to back (a CLI process starts too slowly to catch the short modification).
    const moved = await ec2.send(new ModifyVpnConnectionCommand({ VpnConnectionId: vpn, CustomerGatewayId: other }));
    assert.deepEqual([moved.VpnConnection!.State, moved.VpnConnection!.CustomerGatewayId], ['modifying', other]);
    await expectCode(ec2.send(new ModifyVpnConnectionCommand({ VpnConnectionId: vpn, CustomerGatewayId: cgw })), 'IncorrectState');
    await h.cli(['wait', 'vpn-connection-available', '--vpn-connection-ids', vpn]);
    const settled = await connection(ec2, vpn);
    assert.deepEqual([settled.State, settled.CustomerGatewayId], ['available', other]);
    const back = await h.cli(['modify-vpn-connection', '--vpn-connection-id', vpn, '--customer-gateway-id', cgw]);
    assert.deepEqual([back.VpnConnection.State, back.VpnConnection.CustomerGatewayId], ['modifying', cgw]);
    await h.cli(['wait', 'vpn-connection-available', '--vpn-connection-ids', vpn]);
    // A connection being modified can still be deleted; it does not come back to available.
    await ec2.send(new ModifyVpnConnectionOptionsCommand({ VpnConnectionId: vpn, LocalIpv4NetworkCidr: '192.168.0.0/16' }));
    await ec2.send(new DeleteVpnConnectionCommand({ VpnConnectionId: vpn }));
    assert.equal((await connection(ec2, vpn)).State, 'deleting');
    await until(
      () => connection(ec2, vpn),
      (c) => c.State === 'deleted',
      `${vpn} deleted`,
    );
    await invariants(h);
  });
});
