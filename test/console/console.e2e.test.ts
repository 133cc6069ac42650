/**
 * The web console end to end, in headless Chromium: a topology made through the SDK is drawn;
 * a secondary address moved in the console (refused without AllowReassignment, done with it)
 * is seen moved through the SDK, its Elastic IP with it; a change made through the SDK appears
 * without reloading; the activity feed shows both kinds of caller. Saves a screenshot of the
 * topology view to out/console-topology.png.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  AttachNetworkInterfaceCommand,
  AssociateRouteTableCommand,
  CreateNetworkInterfaceCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  RunInstancesCommand,
  waitUntilInstanceRunning,
  type EC2Client,
  type NetworkInterface,
} from '@aws-sdk/client-ec2';
import type { Browser, Page } from 'playwright-core';
import { findWorld } from '../../src/console/topology.js';
import { attachNewGateway, startHarness, type Harness } from '../interop/harness.js';
import { launchChromium, outDir } from './browser.js';

const ACCOUNT = '210987654321';
const REGION = 'us-east-1';
const IMAGE = 'ami-0123456789abcdef0';
const tag = (name: string) => [{ Key: 'Name', Value: name }];

async function eni(ec2: EC2Client, id: string): Promise<NetworkInterface> {
  const r = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [id] }));
  return r.NetworkInterfaces![0]!;
}

const ips = (e: NetworkInterface) => e.PrivateIpAddresses!.map((x) => x.PrivateIpAddress!);

describe('web console (headless Chromium)', { timeout: 90_000 }, () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;
  let ec2: EC2Client;
  const world = {
    vpcId: '',
    igw: '',
    subnetA: '',
    subnetB: '',
    web: '',
    db: '',
    eth1: '',
    spare: '',
    secondary: '',
    eip: '',
    spareEip: '',
    mainTable: '',
    privateTable: '',
    nat: '',
    peering: '',
  };

  before(async () => {
    [h, browser] = await Promise.all([startHarness(), launchChromium()]);
    ec2 = h.ec2(REGION, ACCOUNT);
    // The topology, made through the SDK.
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16', TagSpecifications: [{ ResourceType: 'vpc', Tags: tag('console-e2e') }] }));
    world.vpcId = vpc.Vpc!.VpcId!;
    world.igw = await attachNewGateway(ec2, world.vpcId); // the Elastic IPs below need a gateway (aws-behaviour.md §4.13)
    const subnet = async (cidr: string, zone: string, name: string) =>
      (
        await ec2.send(
          new CreateSubnetCommand({
            VpcId: world.vpcId,
            CidrBlock: cidr,
            AvailabilityZone: zone,
            TagSpecifications: [{ ResourceType: 'subnet', Tags: tag(name) }],
          }),
        )
      ).Subnet!.SubnetId!;
    world.subnetA = await subnet('10.20.1.0/24', 'us-east-1a', 'app-a');
    world.subnetB = await subnet('10.20.2.0/24', 'us-east-1b', 'app-b');
    const run = async (subnetId: string, name: string) =>
      (
        await ec2.send(
          new RunInstancesCommand({
            ImageId: IMAGE,
            InstanceType: 't3.medium',
            MinCount: 1,
            MaxCount: 1,
            SubnetId: subnetId,
            TagSpecifications: [{ ResourceType: 'instance', Tags: tag(name) }],
          }),
        )
      ).Instances![0]!.InstanceId!;
    world.web = await run(world.subnetA, 'web');
    world.db = await run(world.subnetB, 'db');
    await waitUntilInstanceRunning({ client: ec2, minDelay: 1, maxDelay: 1, maxWaitTime: 15 }, { InstanceIds: [world.web] });
    world.eth1 = (
      await ec2.send(
        new CreateNetworkInterfaceCommand({
          SubnetId: world.subnetA,
          Description: 'failover target',
          TagSpecifications: [{ ResourceType: 'network-interface', Tags: tag('web-eth1') }],
        }),
      )
    ).NetworkInterface!.NetworkInterfaceId!;
    await ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: world.eth1, InstanceId: world.web, DeviceIndex: 1 }));
    const spare = await ec2.send(
      new CreateNetworkInterfaceCommand({
        SubnetId: world.subnetA,
        SecondaryPrivateIpAddressCount: 2,
        TagSpecifications: [{ ResourceType: 'network-interface', Tags: tag('spare') }],
      }),
    );
    world.spare = spare.NetworkInterface!.NetworkInterfaceId!;
    world.secondary = ips(spare.NetworkInterface!)[1]!;
    world.eip = (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId!;
    world.spareEip = (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId!;
    await ec2.send(new AssociateAddressCommand({ AllocationId: world.eip, NetworkInterfaceId: world.spare, PrivateIpAddress: world.secondary }));
    // Routing: the main table sends 0.0.0.0/0 to the gateway; app-b has its own table whose routes
    // go to an interface attached to no instance: blackholes (API reference, Route.State).
    world.mainTable = (
      await ec2.send(
        new DescribeRouteTablesCommand({
          Filters: [
            { Name: 'vpc-id', Values: [world.vpcId] },
            { Name: 'association.main', Values: ['true'] },
          ],
        }),
      )
    ).RouteTables![0]!.RouteTableId!;
    await ec2.send(new CreateRouteCommand({ RouteTableId: world.mainTable, DestinationCidrBlock: '0.0.0.0/0', GatewayId: world.igw }));
    world.privateTable = (
      await ec2.send(new CreateRouteTableCommand({ VpcId: world.vpcId, TagSpecifications: [{ ResourceType: 'route-table', Tags: tag('private-b') }] }))
    ).RouteTable!.RouteTableId!;
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: world.privateTable, SubnetId: world.subnetB }));
    for (const cidr of ['0.0.0.0/0', '192.168.0.0/16'])
      await ec2.send(new CreateRouteCommand({ RouteTableId: world.privateTable, DestinationCidrBlock: cidr, NetworkInterfaceId: world.spare }));
    // An interface a service manages: no operation makes one yet, so the record is marked as a NAT gateway's would be.
    world.nat = (
      await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: world.subnetB, Description: 'Interface for NAT Gateway' }))
    ).NetworkInterface!.NetworkInterfaceId!;
    Object.assign(findWorld(h.server.cloud(), ACCOUNT, REGION)!.networkInterfaces.get(world.nat)!, {
      requesterManaged: true,
      interfaceType: 'nat_gateway',
      requesterId: 'AIDANATGATEWAYEXAMPLE',
    });

    // A peering request from this VPC to another of the account's (VPC Peering Guide): drawn under the route tables.
    const peerVpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.99.0.0/16' }))).Vpc!.VpcId!;
    world.peering = (
      await ec2.send(new CreateVpcPeeringConnectionCommand({ VpcId: world.vpcId, PeerVpcId: peerVpc }))
    ).VpcPeeringConnection!.VpcPeeringConnectionId!;

    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (e) => console.log(`# page error: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && console.log(`# page console: ${m.text()}`));
    await page.goto(`${h.url}/console/?account=${ACCOUNT}&region=${REGION}&vpc=${world.vpcId}`);
  });

  after(async () => {
    await browser?.close();
    await h?.close();
  });

  it('draws the VPC: zones, subnets with usage bars, instances with eth0/eth1, unattached interfaces apart, Elastic IPs on their addresses', async () => {
    await page.locator(`[data-kind=instance][data-id=${world.web}]`).waitFor();
    // Zones as columns, one subnet in each.
    assert.deepEqual(await page.locator('[data-kind=zone]').evaluateAll((els) => els.map((e) => e.getAttribute('data-id'))), ['us-east-1a', 'us-east-1b']);
    // eth0 and eth1 inside the instance, by device index.
    const web = page.locator(`[data-kind=instance][data-id=${world.web}]`);
    assert.equal(await web.locator(`[data-kind=interface][data-id=${world.eth1}] .device`).textContent(), 'eth1 ');
    assert.match((await web.locator('[data-kind=interface] .device').first().textContent()) ?? '', /^eth0/);
    // The spare interface is not in any instance; its secondary address carries the Elastic IP.
    assert.equal(await page.locator(`[data-kind=instance] [data-kind=interface][data-id=${world.spare}]`).count(), 0);
    await page.locator(`[data-kind=interface][data-id=${world.spare}] [data-kind=eip][data-id=${world.eip}][data-ip="${world.secondary}"]`).waitFor();
    // The unassociated Elastic IP is drawn apart.
    await page.locator(`.loose-eips [data-kind=eip][data-id=${world.spareEip}]`).waitFor();
    // Usage bar counts match what the SDK says.
    const sdk = (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [world.subnetA] }))).Subnets![0]!;
    const usage = page.locator(`[data-kind=subnet][data-id=${world.subnetA}] .usage`);
    assert.equal(Number(await usage.getAttribute('data-free')), sdk.AvailableIpAddressCount);
    assert.equal(Number(await usage.getAttribute('data-reserved')), 5);
    assert.equal(Number(await usage.getAttribute('data-used')), 256 - 5 - sdk.AvailableIpAddressCount!);
    // It is a drawing: an SVG, not a table.
    assert.equal(await page.locator('svg.diagram').count(), 1);
  });

  it('draws route tables (main marked, subnets served, blackholes in warning style) and a service-managed interface apart', async () => {
    const main = page.locator(`[data-kind=route-table][data-id=${world.mainTable}]`);
    await main.waitFor();
    assert.equal(await main.getAttribute('data-main'), 'true');
    assert.match((await main.locator('.rtb-serves').textContent()) ?? '', /app-a \(implicitly\)/);
    assert.equal(await main.locator(`[data-kind=route][data-target=${world.igw}][data-state=active]`).count(), 1);
    const priv = page.locator(`[data-kind=route-table][data-id=${world.privateTable}]`);
    assert.equal(await priv.getAttribute('data-main'), 'false');
    assert.match((await priv.locator('.rtb-serves').textContent()) ?? '', /app-b/);
    const black = priv.locator('[data-kind=route][data-destination="0.0.0.0/0"][data-state=blackhole]');
    assert.match((await black.textContent()) ?? '', /blackhole/);
    assert.equal(await black.locator('rect.blackhole-row').count(), 1, 'a blackhole row is drawn in the warning style');
    // Each subnet header names its table and network ACL.
    assert.equal(await page.locator(`[data-kind=subnet][data-id=${world.subnetB}]`).getAttribute('data-route-table'), world.privateTable);
    assert.match((await page.locator(`[data-kind=subnet][data-id=${world.subnetA}] [data-testid=subnet-acl]`).textContent()) ?? '', /^acl-/);
    // The NAT gateway's interface is its own kind of box, not an unattached interface.
    const nat = page
      .locator(
        `[data-kind=subnet][data-id=${world.subnetB}] ~ [data-kind=managed-interface][data-id=${world.nat}], [data-kind=managed-interface][data-id=${world.nat}]`,
      )
      .first();
    assert.match((await nat.textContent()) ?? '', /NAT gateway/);
    assert.equal(await page.locator(`[data-kind=interface][data-id=${world.nat}]`).count(), 0);

    await priv.scrollIntoViewIfNeeded();
    await priv.locator('.rtb-label').click();
    const panel = page.locator(`[data-testid=detail-panel][data-id=${world.privateTable}]`);
    await panel.locator('[data-testid=routes] tr[data-destination="0.0.0.0/0"][data-state=blackhole]').waitFor();
    assert.match((await panel.locator('[data-testid=associations]').textContent()) ?? '', new RegExp(world.subnetB));
    await page.screenshot({ path: join(await outDir(), 'console-route-tables.png') });

    // Replace one blackhole's target with the gateway, through ReplaceRoute: the SDK sees it, the drawing follows.
    await panel.locator('[data-testid=replace-route-destination]').selectOption('192.168.0.0/16');
    await panel.locator('[data-testid=replace-route-target]').selectOption(`GatewayId|${world.igw}`);
    await panel.locator('[data-testid=replace-route-send]').click();
    await page.locator('[data-testid=outcome][data-ok=true][data-action=ReplaceRoute]').waitFor();
    const table = (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [world.privateTable] }))).RouteTables![0]!;
    const replaced = table.Routes!.find((r) => r.DestinationCidrBlock === '192.168.0.0/16')!;
    assert.deepEqual([replaced.GatewayId, replaced.State], [world.igw, 'active']);
    await priv.locator(`[data-kind=route][data-destination="192.168.0.0/16"][data-state=active]`).waitFor();
    await panel.locator('.close').click();
  });

  it('draws the VPC’s peering connections under the route tables, with the peer VPC and the state (not active: warning style)', async () => {
    const row = page.locator(`[data-kind=peering][data-id=${world.peering}]`);
    await row.waitFor();
    assert.equal(await row.getAttribute('data-role'), 'requester');
    assert.match((await row.getAttribute('data-state')) ?? '', /^(initiating-request|pending-acceptance)$/);
    assert.match((await row.textContent()) ?? '', /10\.99\.0\.0\/16/);
    assert.equal(await row.locator('.blackhole-tag').count(), 1);
  });

  it('shows an interface in detail: addresses, primary flag, groups, MAC, source/dest check, attachment', async () => {
    await page.locator(`[data-kind=interface][data-id=${world.eth1}] .card-head`).click();
    const panel = page.locator(`[data-testid=detail-panel][data-id=${world.eth1}]`);
    await panel.waitFor();
    const sdk = await eni(ec2, world.eth1);
    assert.equal(await panel.locator('[data-testid=mac]').textContent(), sdk.MacAddress);
    const text = (await panel.textContent()) ?? '';
    assert.match(text, /eth1 \(network card 0\)/);
    assert.match(text, new RegExp(sdk.Groups![0]!.GroupId!));
    assert.match(text, /Source\/dest\. check\s*yes/);
    assert.match((await panel.locator('[data-testid=delete-on-termination]').textContent()) ?? '', /^no/);
    assert.match((await panel.locator(`[data-testid=addresses] tr[data-ip="${sdk.PrivateIpAddress}"]`).textContent()) ?? '', /primary/);
  });

  it('moves a secondary address in the console: refused without reassignment, moved with it (Elastic IP along), as the SDK sees', async () => {
    await page.locator(`[data-kind=address][data-eni=${world.spare}][data-ip="${world.secondary}"] [data-select^="interface|"]`).click();
    const actions = page.locator(`[data-testid=address-actions][data-ip="${world.secondary}"]`);
    await actions.waitFor();
    await actions.locator('[data-testid=move-target]').selectOption(world.eth1);

    // Without AllowReassignment: EC2's refusal, in plain words, and nothing changes.
    await actions.locator('[data-testid=allow-reassignment]').uncheck();
    await actions.locator('[data-testid=move]').click();
    const refused = page.locator('[data-testid=outcome][data-ok=false]');
    await refused.waitFor();
    assert.equal(await refused.getAttribute('data-code'), 'InvalidParameterValue');
    assert.match((await refused.textContent()) ?? '', /A value in the request was not accepted\..*already assigned to another network interface/);
    assert.ok(ips(await eni(ec2, world.spare)).includes(world.secondary));

    // With it: the address moves and keeps its Elastic IP.
    await actions.locator('[data-testid=allow-reassignment]').check();
    await actions.locator('[data-testid=move]').click();
    await page.locator('[data-testid=outcome][data-ok=true][data-action=AssignPrivateIpAddresses]').waitFor();
    const [target, source] = await Promise.all([eni(ec2, world.eth1), eni(ec2, world.spare)]);
    assert.ok(ips(target).includes(world.secondary), 'the address is on eth1 now');
    assert.ok(!ips(source).includes(world.secondary), 'and no longer on the spare interface');
    assert.equal(target.PrivateIpAddresses!.find((x) => x.PrivateIpAddress === world.secondary)!.Association?.AllocationId, world.eip);
    const address = (await ec2.send(new DescribeAddressesCommand({ AllocationIds: [world.eip] }))).Addresses![0]!;
    assert.equal(address.NetworkInterfaceId, world.eth1);
    assert.equal(address.InstanceId, world.web);
    // The drawing follows: the Elastic IP now sits on eth1 of the instance.
    await page
      .locator(
        `[data-kind=instance][data-id=${world.web}] [data-kind=interface][data-id=${world.eth1}] [data-kind=eip][data-id=${world.eip}][data-ip="${world.secondary}"]`,
      )
      .waitFor();
  });

  it('stops an instance from the console, and refuses to detach eth0 in plain words', async () => {
    await page.locator(`[data-kind=instance][data-id=${world.db}] .instance-head`).click();
    const panel = page.locator(`[data-testid=detail-panel][data-id=${world.db}]`);
    await panel.waitFor();
    await panel.locator('[data-testid=stop]').click();
    await page.locator('[data-testid=outcome][data-ok=true][data-action=StopInstances]').waitFor();
    const state = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [world.db] }))).Reservations![0]!.Instances![0]!.State!.Name;
    assert.ok(state === 'stopping' || state === 'stopped', `state ${state}`);
    // The drawing reaches 'stopped' by itself when the transition falls due.
    await page.locator(`[data-kind=instance][data-id=${world.db}][data-state=stopped]`).waitFor();

    await panel.locator('button', { hasText: 'Detach' }).first().click();
    const refused = page.locator('[data-testid=outcome][data-ok=false][data-action=DetachNetworkInterface]');
    await refused.waitFor();
    assert.equal(await refused.getAttribute('data-code'), 'OperationNotPermitted');
    assert.match((await refused.textContent()) ?? '', /This is not allowed\..*device index 0/);
  });

  it('shows an SDK-made change live, without reloading', async () => {
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    const made = await ec2.send(
      new CreateNetworkInterfaceCommand({ SubnetId: world.subnetB, TagSpecifications: [{ ResourceType: 'network-interface', Tags: tag('made-by-sdk') }] }),
    );
    const id = made.NetworkInterface!.NetworkInterfaceId!;
    await page.locator(`[data-kind=subnet][data-id=${world.subnetB}]`).waitFor();
    await page.locator(`[data-kind=interface][data-id=${id}]`).waitFor();
    await ec2.send(new AssociateAddressCommand({ AllocationId: world.spareEip, NetworkInterfaceId: id }));
    await page.locator(`[data-kind=interface][data-id=${id}] [data-kind=eip][data-id=${world.spareEip}]`).waitFor();
    assert.equal(await page.locator('.loose-eips').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 42, 'the page was not reloaded');
  });

  it('lists every call in the activity feed, live, with caller and result, and filters it', async () => {
    const feed = page.locator('[data-testid=activity-feed]');
    await feed.locator('tr[data-action=AssociateAddress][data-status="200"]').first().waitFor();
    const sdkRow = feed.locator('tr[data-action=CreateNetworkInterface]').first();
    assert.match((await sdkRow.textContent()) ?? '', new RegExp(`${ACCOUNT}.*OK`));
    assert.equal(await feed.locator('tr[data-action=AssignPrivateIpAddresses][data-code=InvalidParameterValue]').count(), 1);
    assert.match((await feed.locator('tr[data-action=AssignPrivateIpAddresses][data-status="200"]').textContent()) ?? '', /console/);
    await feed.locator('[data-testid=feed-errors]').check();
    const codes = await feed.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-code')));
    assert.ok(codes.length >= 2 && codes.every((c) => c), `errors only: ${codes.join(',')}`);
    await feed.locator('[data-testid=feed-errors]').uncheck();
  });

  it('saves a screenshot of the topology view', async () => {
    await page.locator(`[data-kind=address][data-eni=${world.eth1}][data-ip="${world.secondary}"] [data-select^="interface|"]`).click();
    await page.locator(`[data-testid=address-actions][data-ip="${world.secondary}"]`).waitFor();
    const file = join(await outDir(), 'console-topology.png');
    await page.screenshot({ path: file });
    console.log(`# screenshot: ${file}`);
  });
});
