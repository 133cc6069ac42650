/**
 * The console's server routes without a browser: the built page, JSON reads that never create a
 * world, actions that are ordinary EC2 requests (rules, errors, journal), and the live stream.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  AcceptVpcPeeringConnectionCommand,
  AssociateRouteTableCommand,
  AttachVpnGatewayCommand,
  CreateCustomerGatewayCommand,
  CreateVpnConnectionCommand,
  CreateVpnConnectionRouteCommand,
  CreateVpnGatewayCommand,
  CreateNetworkInterfaceCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DescribeInternetGatewaysCommand,
  DescribeNetworkAclsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeVpcsCommand,
} from '@aws-sdk/client-ec2';
import pino from 'pino';
import { startServer } from '../../src/server/start.js';
import { findWorld } from '../../src/console/topology.js';
import type { ActionResponse, TopologyResponse, WorldsResponse } from '../../src/console/types.js';
import { attachNewGateway, until, useHarness } from '../interop/harness.js';

const ACCOUNT = '444455556666';
const ROUTING_ACCOUNT = '444455557777';

async function action(url: string, body: unknown, contentType = 'application/json') {
  const res = await fetch(`${url}/console/api/action`, { method: 'POST', headers: { 'content-type': contentType }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as ActionResponse & { error?: string } };
}

describe('console routes', () => {
  const h = useHarness({ resetEachTest: false });
  const ec2 = h.ec2('eu-west-1', ACCOUNT);

  it('serves the built page under /console/ (and redirects /console)', async () => {
    const page = await fetch(`${h.url}/console/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    const html = await page.text();
    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script, 'the page loads its script from /console/assets/');
    const js = await fetch(`${h.url}${script}`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('cache-control') ?? '', /immutable/);
    const bare = await fetch(`${h.url}/console?account=1`, { redirect: 'manual' });
    assert.equal(bare.status, 302);
    assert.equal(bare.headers.get('location'), '/console/?account=1');
    assert.equal((await fetch(`${h.url}/console/..%2f..%2fpackage.json`)).status, 400);
    assert.equal((await fetch(`${h.url}/console/assets/missing.js`)).status, 404);
  });

  it('reads worlds and topology without creating a world', async () => {
    const before = h.server.cloud().worldCount;
    const missing = await fetch(`${h.url}/console/api/topology?account=${ACCOUNT}&region=ap-south-1`);
    assert.equal(missing.status, 404);
    assert.equal(h.server.cloud().worldCount, before);
    const vpcs = await ec2.send(new DescribeVpcsCommand({}));
    const worlds = (await (await fetch(`${h.url}/console/api/worlds`)).json()) as WorldsResponse;
    assert.ok(worlds.worlds.some((w) => w.account === ACCOUNT && w.region === 'eu-west-1'));
    const t = (await (await fetch(`${h.url}/console/api/topology?account=${ACCOUNT}&region=eu-west-1`)).json()) as TopologyResponse;
    assert.equal(t.vpcId, vpcs.Vpcs![0]!.VpcId);
    assert.equal(t.subnets.length, 3, 'the default VPC has one subnet per zone');
    const gateway = (await ec2.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'attachment.vpc-id', Values: [t.vpcId!] }] })))
      .InternetGateways![0]!;
    assert.equal(t.vpcs.find((v) => v.id === t.vpcId)?.internetGatewayId, gateway.InternetGatewayId, 'the default VPC shows its gateway');
    for (const s of t.subnets) assert.equal(s.usage.used + s.usage.reserved + s.usage.free, s.usage.total);
  });

  it('sends actions through the Query API: refusals carry the EC2 code and message', async () => {
    const t = (await (await fetch(`${h.url}/console/api/topology?account=${ACCOUNT}&region=eu-west-1`)).json()) as TopologyResponse;
    const subnetId = t.subnets[0]!.id;
    const a = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, SecondaryPrivateIpAddressCount: 1 }))).NetworkInterface!;
    const b = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId }))).NetworkInterface!;
    const secondary = a.PrivateIpAddresses!.find((x) => !x.Primary)!.PrivateIpAddress!;
    const move = (allow: boolean) =>
      action(h.url, {
        account: ACCOUNT,
        region: 'eu-west-1',
        action: 'AssignPrivateIpAddresses',
        params: { NetworkInterfaceId: b.NetworkInterfaceId!, 'PrivateIpAddress.1': secondary, AllowReassignment: String(allow) },
      });
    const refused = await move(false);
    assert.equal(refused.status, 200);
    assert.equal(refused.body.ok, false);
    assert.equal(refused.body.errorCode, 'InvalidParameterValue');
    assert.match(refused.body.message ?? '', /already assigned to another network interface/);
    const done = await move(true);
    assert.equal(done.body.ok, true, JSON.stringify(done.body));
    const now = (await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [b.NetworkInterfaceId!] }))).NetworkInterfaces![0]!;
    assert.ok(now.PrivateIpAddresses!.some((x) => x.PrivateIpAddress === secondary));
  });

  it('draws route tables: the main one first, whom each serves (explicitly or implicitly), routes with their state', async () => {
    const rt = h.ec2('eu-west-1', ROUTING_ACCOUNT);
    const vpcId = (await rt.send(new CreateVpcCommand({ CidrBlock: '10.30.0.0/16' }))).Vpc!.VpcId!;
    const subnet = async (cidr: string) => (await rt.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr }))).Subnet!.SubnetId!;
    const [a, b] = [await subnet('10.30.1.0/24'), await subnet('10.30.2.0/24')];
    const custom = (
      await rt.send(
        new CreateRouteTableCommand({ VpcId: vpcId, TagSpecifications: [{ ResourceType: 'route-table', Tags: [{ Key: 'Name', Value: 'private' }] }] }),
      )
    ).RouteTable!.RouteTableId!;
    await rt.send(new AssociateRouteTableCommand({ RouteTableId: custom, SubnetId: b }));
    // A route to an interface attached to no instance is a blackhole (API reference, Route.State:
    // "the route's target isn't available").
    const loose = (await rt.send(new CreateNetworkInterfaceCommand({ SubnetId: a }))).NetworkInterface!.NetworkInterfaceId!;
    await rt.send(new CreateRouteCommand({ RouteTableId: custom, DestinationCidrBlock: '0.0.0.0/0', NetworkInterfaceId: loose }));
    const igw = await attachNewGateway(rt, vpcId);
    const main = (
      await rt.send(
        new DescribeRouteTablesCommand({
          Filters: [
            { Name: 'vpc-id', Values: [vpcId] },
            { Name: 'association.main', Values: ['true'] },
          ],
        }),
      )
    ).RouteTables![0]!;
    await rt.send(new CreateRouteCommand({ RouteTableId: main.RouteTableId!, DestinationCidrBlock: '0.0.0.0/0', GatewayId: igw }));
    const acl = (
      await rt.send(
        new DescribeNetworkAclsCommand({
          Filters: [
            { Name: 'vpc-id', Values: [vpcId] },
            { Name: 'default', Values: ['true'] },
          ],
        }),
      )
    ).NetworkAcls![0]!;

    const t = (await (await fetch(`${h.url}/console/api/topology?account=${ROUTING_ACCOUNT}&region=eu-west-1&vpc=${vpcId}`)).json()) as TopologyResponse;
    assert.deepEqual(
      t.routeTables.map((x) => [x.id, x.main, x.name]),
      [
        [main.RouteTableId, true, undefined],
        [custom, false, 'private'],
      ],
    );
    const [m, c] = t.routeTables as [TopologyResponse['routeTables'][0], TopologyResponse['routeTables'][0]];
    assert.deepEqual([m.subnetIds, m.implicitSubnetIds], [[], [a]], 'the main table serves the subnet without an explicit association');
    assert.deepEqual([c.subnetIds, c.implicitSubnetIds], [[b], []]);
    assert.deepEqual(
      m.routes.map((r) => [r.destination, r.target, r.state]),
      [
        ['10.30.0.0/16', 'local', 'active'],
        ['0.0.0.0/0', igw, 'active'],
      ],
    );
    assert.deepEqual(c.routes[1], { destination: '0.0.0.0/0', target: loose, state: 'blackhole', origin: 'CreateRoute' });
    const byId = new Map(t.subnets.map((s) => [s.id, s]));
    assert.deepEqual([byId.get(a)!.routeTableId, byId.get(a)!.routeTableImplicit], [main.RouteTableId, true]);
    assert.deepEqual([byId.get(b)!.routeTableId, byId.get(b)!.routeTableImplicit], [custom, false]);
    for (const s of t.subnets) assert.equal(s.networkAclId, acl.NetworkAclId, 'a new subnet uses the default network ACL');

    // The detail is DescribeRouteTables' own view.
    const detail = (await (await fetch(`${h.url}/console/api/detail?account=${ROUTING_ACCOUNT}&region=eu-west-1&kind=route-table&id=${custom}`)).json()) as {
      Routes: { State: string; NetworkInterfaceId?: string }[];
      Associations: { SubnetId?: string }[];
    };
    assert.equal(detail.Routes.find((r) => r.NetworkInterfaceId === loose)?.State, 'blackhole');
    assert.deepEqual(
      detail.Associations.map((x) => x.SubnetId),
      [b],
    );

    // Replacing the target goes through ReplaceRoute: a refusal carries EC2's code, then it is done.
    const replace = (target: Record<string, string>) =>
      action(h.url, {
        account: ROUTING_ACCOUNT,
        region: 'eu-west-1',
        action: 'ReplaceRoute',
        params: { RouteTableId: custom, DestinationCidrBlock: '0.0.0.0/0', ...target },
      });
    const refused = await replace({ GatewayId: 'igw-0123456789abcdef0' });
    assert.equal(refused.body.ok, false);
    assert.match(refused.body.errorCode ?? '', /GatewayID\.NotFound$/);
    assert.equal((await replace({ GatewayId: igw })).body.ok, true);
    const after = (await (await fetch(`${h.url}/console/api/topology?account=${ROUTING_ACCOUNT}&region=eu-west-1&vpc=${vpcId}`)).json()) as TopologyResponse;
    assert.deepEqual(
      after.routeTables[1]!.routes.map((r) => [r.target, r.state]),
      [
        ['local', 'active'],
        [igw, 'active'],
      ],
    );
  });

  it("marks requester-managed interfaces (NAT gateways, endpoints) as such, apart from a person's", async () => {
    const rt = h.ec2('eu-west-1', ROUTING_ACCOUNT);
    const t0 = (await (await fetch(`${h.url}/console/api/topology?account=${ROUTING_ACCOUNT}&region=eu-west-1`)).json()) as TopologyResponse;
    const id = (await rt.send(new CreateNetworkInterfaceCommand({ SubnetId: t0.subnets[0]!.id }))).NetworkInterface!.NetworkInterfaceId!;
    // No operation makes one yet: the record is marked as a NAT gateway would make it.
    const eni = findWorld(h.server.cloud(), ROUTING_ACCOUNT, 'eu-west-1')!.networkInterfaces.get(id)!;
    Object.assign(eni, { requesterManaged: true, requesterId: 'AIDAEXAMPLENATGATEWAY', interfaceType: 'nat_gateway' });
    const t = (await (await fetch(`${h.url}/console/api/topology?account=${ROUTING_ACCOUNT}&region=eu-west-1`)).json()) as TopologyResponse;
    const node = t.interfaces.find((e) => e.id === id)!;
    assert.deepEqual([node.requesterManaged, node.requesterId, node.type], [true, 'AIDAEXAMPLENATGATEWAY', 'nat_gateway']);
    assert.ok(t.interfaces.filter((e) => e.id !== id).every((e) => !e.requesterManaged));
  });

  it("lists an interface's delegated prefixes, IPv4 /28s then IPv6 /80s", async () => {
    const account = '444455558888';
    const pd = h.ec2('eu-west-1', account);
    const { Vpc } = await pd.send(new CreateVpcCommand({ CidrBlock: '10.7.0.0/16', AmazonProvidedIpv6CidrBlock: true }));
    const { Vpcs } = await pd.send(new DescribeVpcsCommand({ VpcIds: [Vpc!.VpcId!] }));
    const v6 = Vpcs![0]!.Ipv6CidrBlockAssociationSet![0]!.Ipv6CidrBlock!.replace('/56', '/64');
    const { Subnet } = await pd.send(new CreateSubnetCommand({ VpcId: Vpc!.VpcId!, CidrBlock: '10.7.1.0/24', Ipv6CidrBlock: v6 }));
    const { NetworkInterface: eni } = await pd.send(
      new CreateNetworkInterfaceCommand({ SubnetId: Subnet!.SubnetId!, Ipv4Prefixes: [{ Ipv4Prefix: '10.7.1.32/28' }], Ipv6PrefixCount: 1 }),
    );
    const t = (await (await fetch(`${h.url}/console/api/topology?account=${account}&region=eu-west-1&vpc=${Vpc!.VpcId}`)).json()) as TopologyResponse;
    const node = t.interfaces.find((e) => e.id === eni!.NetworkInterfaceId)!;
    assert.deepEqual(node.prefixes, ['10.7.1.32/28', eni!.Ipv6Prefixes![0]!.Ipv6Prefix]);
  });

  it('accepts only JSON, only its own actions, only 12-digit accounts', async () => {
    assert.equal(
      (await action(h.url, { account: ACCOUNT, region: 'eu-west-1', action: 'StopInstances', params: {} }, 'application/x-www-form-urlencoded')).status,
      415,
    );
    assert.equal((await action(h.url, { account: ACCOUNT, region: 'eu-west-1', action: 'DeleteVpc', params: {} })).status, 400);
    assert.equal((await action(h.url, { account: 'test', region: 'eu-west-1', action: 'StopInstances', params: {} })).status, 400);
    assert.equal((await action(h.url, { account: ACCOUNT, region: 'eu-west-1', action: 'StopInstances', params: { Action: 'DeleteVpc' } })).status, 400);
  });

  it('streams every Query request as it happens (server-sent events)', async () => {
    const controller = new AbortController();
    const res = await fetch(`${h.url}/console/api/events`, { signal: controller.signal });
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }));
    await action(h.url, { account: ACCOUNT, region: 'eu-west-1', action: 'StopInstances', params: { 'InstanceId.1': 'i-0000000000000000f' } });
    let text = '';
    const deadline = Date.now() + 5000;
    while (!/"action":"StopInstances"/.test(text) && Date.now() < deadline) text += decoder.decode((await reader.read()).value);
    controller.abort();
    const events = text
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => JSON.parse(l.slice(6)) as Record<string, unknown>);
    const sdk = events.filter((e) => e.action === 'DescribeVpcs').pop()!;
    assert.equal(sdk.accessKeyId, ACCOUNT);
    assert.equal(sdk.status, 200);
    assert.equal(sdk.readOnly, true);
    const mine = events.filter((e) => e.origin === 'console').pop()!;
    assert.equal(mine.action, 'StopInstances');
    assert.equal(mine.errorCode, 'InvalidInstanceID.NotFound');
  });

  it("shows a VPC's peering connections from its own end, in both accounts' worlds (VPC Peering Guide: one connection, requester and accepter)", async () => {
    const [P1, P2] = ['444455558881', '444455558882'];
    const one = h.ec2('eu-west-1', P1);
    const two = h.ec2('eu-west-1', P2);
    const x = (await one.send(new CreateVpcCommand({ CidrBlock: '10.40.0.0/16' }))).Vpc!.VpcId!;
    const y = (await two.send(new CreateVpcCommand({ CidrBlock: '10.41.0.0/16' }))).Vpc!.VpcId!;
    const id = (await one.send(new CreateVpcPeeringConnectionCommand({ VpcId: x, PeerVpcId: y, PeerOwnerId: P2 }))).VpcPeeringConnection!
      .VpcPeeringConnectionId!;
    const peerings = async (account: string, vpc: string) =>
      ((await (await fetch(`${h.url}/console/api/topology?account=${account}&region=eu-west-1&vpc=${vpc}`)).json()) as TopologyResponse).peerings;
    const requesterEnd = await until(
      () => peerings(P1, x),
      (p) => p[0]?.state === 'pending-acceptance',
      'pending-acceptance',
    );
    assert.deepEqual(requesterEnd, [
      { id, state: 'pending-acceptance', role: 'requester', peerVpcId: y, peerOwnerId: P2, peerRegion: 'eu-west-1', peerCidrs: ['10.41.0.0/16'] },
    ]);
    await two.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }));
    const accepterEnd = await until(
      () => peerings(P2, y),
      (p) => p[0]?.state === 'active',
      'active',
    );
    assert.deepEqual(
      accepterEnd.map((p) => [p.id, p.role, p.peerVpcId, p.peerOwnerId, p.peerCidrs]),
      [[id, 'accepter', x, P1, ['10.40.0.0/16']]],
    );
  });

  it("shows the VPN connections of the VPC's virtual private gateway, with the customer gateway at the far end", async () => {
    const ec2 = h.ec2('eu-west-1', '444455558883');
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.42.0.0/16' }))).Vpc!.VpcId!;
    const other = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.43.0.0/16' }))).Vpc!.VpcId!;
    const vgw = (await ec2.send(new CreateVpnGatewayCommand({ Type: 'ipsec.1' }))).VpnGateway!.VpnGatewayId!;
    await ec2.send(new AttachVpnGatewayCommand({ VpnGatewayId: vgw, VpcId: vpc }));
    const cgw = (
      await ec2.send(
        new CreateCustomerGatewayCommand({
          Type: 'ipsec.1',
          IpAddress: '198.51.100.40',
          BgpAsn: 65040,
          TagSpecifications: [{ ResourceType: 'customer-gateway', Tags: [{ Key: 'Name', Value: 'branch' }] }],
        }),
      )
    ).CustomerGateway!.CustomerGatewayId!;
    const created = (
      await ec2.send(new CreateVpnConnectionCommand({ Type: 'ipsec.1', CustomerGatewayId: cgw, VpnGatewayId: vgw, Options: { StaticRoutesOnly: true } }))
    ).VpnConnection!;
    const id = created.VpnConnectionId!;
    await ec2.send(new CreateVpnConnectionRouteCommand({ VpnConnectionId: id, DestinationCidrBlock: '192.168.40.0/24' }));
    const vpns = async (v: string) =>
      ((await (await fetch(`${h.url}/console/api/topology?account=444455558883&region=eu-west-1&vpc=${v}`)).json()) as TopologyResponse).vpnConnections;
    const shown = await until(
      () => vpns(vpc),
      (list) => list[0]?.state === 'available',
      'available',
    );
    assert.deepEqual(shown, [
      {
        id,
        state: 'available',
        vpnGatewayId: vgw,
        customerGatewayId: cgw,
        customerGatewayName: 'branch',
        customerGatewayIp: '198.51.100.40',
        customerGatewayAsn: 65040,
        staticRoutesOnly: true,
        routes: ['192.168.40.0/24'],
        tunnelOutsideIps: created.Options!.TunnelOptions!.map((t) => t.OutsideIpAddress!),
      },
    ]);
    assert.deepEqual(await vpns(other), [], 'another VPC shows none');
  });
});

describe('console with signature checking on', () => {
  it('only reads: actions are refused, since they carry no signature', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ec2net-console-'));
    const file = join(dir, 'credentials.json');
    await writeFile(file, JSON.stringify({ credentials: [{ accessKeyId: 'AKIACONSOLETEST0001', secretAccessKey: 'secret', accountId: ACCOUNT }] }));
    const server = await startServer(
      { host: '127.0.0.1', port: 0, accountId: '123456789012', logLevel: 'silent', auth: 'sigv4', credentialsFile: file },
      pino({ level: 'silent' }),
    );
    try {
      const worlds = (await (await fetch(`${server.url}/console/api/worlds`)).json()) as WorldsResponse;
      assert.match(worlds.readOnly ?? '', /signature checking/i);
      const r = await action(server.url, { account: ACCOUNT, region: 'us-east-1', action: 'StopInstances', params: { 'InstanceId.1': 'i-0000000000000000f' } });
      assert.equal(r.status, 403);
      assert.equal(server.cloud().worldCount, 0, 'nothing ran');
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('console actions are durable', () => {
  it('journals a console action like any other request: it survives a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ec2net-console-'));
    const config = { host: '127.0.0.1', port: 0, accountId: '123456789012', logLevel: 'silent', dataDir: dir };
    try {
      let server = await startServer(config, pino({ level: 'silent' }));
      const q = (body: string) =>
        fetch(server.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: `AWS4-HMAC-SHA256 Credential=${ACCOUNT}/20250101/us-east-1/ec2/aws4_request`,
          },
          body,
        });
      await q('Action=DescribeVpcs&Version=2016-11-15');
      const t = (await (await fetch(`${server.url}/console/api/topology?account=${ACCOUNT}&region=us-east-1`)).json()) as TopologyResponse;
      const made = await q(`Action=CreateNetworkInterface&Version=2016-11-15&SubnetId=${t.subnets[0]!.id}`);
      const eni = /<networkInterfaceId>([^<]+)</.exec(await made.text())![1]!;
      const r = await action(server.url, {
        account: ACCOUNT,
        region: 'us-east-1',
        action: 'ModifyNetworkInterfaceAttribute',
        params: { NetworkInterfaceId: eni, 'SourceDestCheck.Value': 'false' },
      });
      assert.equal(r.body.ok, true, JSON.stringify(r.body));
      await server.close();
      server = await startServer(config, pino({ level: 'silent' }));
      const after = (await (await fetch(`${server.url}/console/api/topology?account=${ACCOUNT}&region=us-east-1`)).json()) as TopologyResponse;
      assert.ok(after.interfaces.some((e) => e.id === eni));
      const detail = (await (await fetch(`${server.url}/console/api/detail?account=${ACCOUNT}&region=us-east-1&kind=interface&id=${eni}`)).json()) as {
        SourceDestCheck: boolean;
      };
      assert.equal(detail.SourceDestCheck, false);
      await server.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
