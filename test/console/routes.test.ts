/**
 * The console's server routes without a browser: the built page, JSON reads that never create a
 * world, actions that are ordinary EC2 requests (rules, errors, journal), and the live stream.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CreateNetworkInterfaceCommand, DescribeInternetGatewaysCommand, DescribeNetworkInterfacesCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import pino from 'pino';
import { startServer } from '../../src/server/start.js';
import type { ActionResponse, TopologyResponse, WorldsResponse } from '../../src/console/types.js';
import { useHarness } from '../interop/harness.js';

const ACCOUNT = '444455556666';

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
    const gateway = (await ec2.send(new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'attachment.vpc-id', Values: [t.vpcId!] }] }))).InternetGateways![0]!;
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
      action(h.url, { account: ACCOUNT, region: 'eu-west-1', action: 'AssignPrivateIpAddresses', params: { NetworkInterfaceId: b.NetworkInterfaceId!, 'PrivateIpAddress.1': secondary, AllowReassignment: String(allow) } });
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

  it('accepts only JSON, only its own actions, only 12-digit accounts', async () => {
    assert.equal((await action(h.url, { account: ACCOUNT, region: 'eu-west-1', action: 'StopInstances', params: {} }, 'application/x-www-form-urlencoded')).status, 415);
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
    const events = text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6)) as Record<string, unknown>);
    const sdk = events.filter((e) => e.action === 'DescribeVpcs').pop()!;
    assert.equal(sdk.accessKeyId, ACCOUNT);
    assert.equal(sdk.status, 200);
    assert.equal(sdk.readOnly, true);
    const mine = events.filter((e) => e.origin === 'console').pop()!;
    assert.equal(mine.action, 'StopInstances');
    assert.equal(mine.errorCode, 'InvalidInstanceID.NotFound');
  });
});

describe('console with signature checking on', () => {
  it('only reads: actions are refused, since they carry no signature', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ec2net-console-'));
    const file = join(dir, 'credentials.json');
    await writeFile(file, JSON.stringify({ credentials: [{ accessKeyId: 'AKIACONSOLETEST0001', secretAccessKey: 'secret', accountId: ACCOUNT }] }));
    const server = await startServer({ host: '127.0.0.1', port: 0, accountId: '123456789012', logLevel: 'silent', auth: 'sigv4', credentialsFile: file }, pino({ level: 'silent' }));
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
      const q = (body: string) => fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `AWS4-HMAC-SHA256 Credential=${ACCOUNT}/20250101/us-east-1/ec2/aws4_request` }, body });
      await q('Action=DescribeVpcs&Version=2016-11-15');
      const t = (await (await fetch(`${server.url}/console/api/topology?account=${ACCOUNT}&region=us-east-1`)).json()) as TopologyResponse;
      const made = await q(`Action=CreateNetworkInterface&Version=2016-11-15&SubnetId=${t.subnets[0]!.id}`);
      const eni = /<networkInterfaceId>([^<]+)</.exec(await made.text())![1]!;
      const r = await action(server.url, { account: ACCOUNT, region: 'us-east-1', action: 'ModifyNetworkInterfaceAttribute', params: { NetworkInterfaceId: eni, 'SourceDestCheck.Value': 'false' } });
      assert.equal(r.body.ok, true, JSON.stringify(r.body));
      await server.close();
      server = await startServer(config, pino({ level: 'silent' }));
      const after = (await (await fetch(`${server.url}/console/api/topology?account=${ACCOUNT}&region=us-east-1`)).json()) as TopologyResponse;
      assert.ok(after.interfaces.some((e) => e.id === eni));
      const detail = (await (await fetch(`${server.url}/console/api/detail?account=${ACCOUNT}&region=us-east-1&kind=interface&id=${eni}`)).json()) as { SourceDestCheck: boolean };
      assert.equal(detail.SourceDestCheck, false);
      await server.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
