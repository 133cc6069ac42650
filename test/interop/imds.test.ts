/**
 * The instance metadata service over HTTP, with state made through the AWS SDK. The instance is
 * chosen by path prefix (/<instance-id>/latest/…) or the X-ec2net-Instance-Id header
 * (src/imds/server.ts). EC2 behaviour: aws-behaviour.md §7; EC2 User Guide "Retrieve instance
 * metadata" (status codes, versioned token path → 403) and "How IMDSv2 works" (TTL 1..21600,
 * X-Forwarded-For rejected, instance-bound tokens, HttpTokens=required → 401).
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { before, describe, it } from 'node:test';
import {
  AllocateAddressCommand,
  AssignPrivateIpAddressesCommand,
  AssociateAddressCommand,
  AttachNetworkInterfaceCommand,
  CreateNetworkInterfaceCommand,
  DescribeInstancesCommand,
  ModifyInstanceMetadataOptionsCommand,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  type EC2Client,
  type Instance,
  type RunInstancesCommandInput,
} from '@aws-sdk/client-ec2';
import { useHarness, type Harness } from './harness.js';

const IMAGE = 'ami-0123456789abcdef0';
const TTL = 'X-aws-ec2-metadata-token-ttl-seconds';
const TOKEN = 'X-aws-ec2-metadata-token';

interface ImdsResponse {
  readonly status: number;
  readonly body: string;
  readonly contentType: string | null;
  readonly headers: Headers;
}

async function imds(h: Harness, path: string, init: { method?: string; headers?: Record<string, string> } = {}): Promise<ImdsResponse> {
  const res = await fetch(`${h.imdsUrl}${path}`, { method: init.method ?? 'GET', headers: init.headers });
  return { status: res.status, body: await res.text(), contentType: res.headers.get('content-type'), headers: res.headers };
}

/** GET /<id>/latest/meta-data/<key>: the body on 200, else the status. */
async function meta(h: Harness, id: string, key: string, headers?: Record<string, string>): Promise<string | number> {
  const r = await imds(h, `/${id}/latest/meta-data/${key}`, { headers });
  return r.status === 200 ? r.body : r.status;
}

async function describeInstance(ec2: EC2Client, id: string): Promise<Instance> {
  const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return out.Reservations![0]!.Instances![0]!;
}

/** Polls DescribeInstances until the instance reaches `state` (the harness uses the default 500 ms transitions). */
async function waitFor(ec2: EC2Client, id: string, state: string): Promise<Instance> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const i = await describeInstance(ec2, id);
    if (i.State?.Name === state) return i;
    if (Date.now() > deadline) throw new Error(`${id} stayed ${i.State?.Name}, wanted ${state}`);
    await sleep(50);
  }
}

async function launch(ec2: EC2Client, extra: Partial<RunInstancesCommandInput> = {}): Promise<Instance> {
  const out = await ec2.send(new RunInstancesCommand({ ImageId: IMAGE, MinCount: 1, MaxCount: 1, InstanceType: 'm5.large', ...extra }));
  return waitFor(ec2, out.Instances![0]!.InstanceId!, 'running');
}

describe('imds over HTTP', () => {
  const h = useHarness({ resetEachTest: false });
  const ec2 = h.ec2();
  let inst: Instance;
  let id: string;

  before(async () => {
    inst = await launch(ec2);
    id = inst.InstanceId!;
  });

  describe('IMDSv1', () => {
    it('serves by path prefix and by header, as text/plain', async () => {
      const r = await imds(h, `/${id}/latest/meta-data/instance-id`);
      assert.equal(r.status, 200);
      assert.equal(r.body, id);
      assert.equal(r.contentType, 'text/plain');
      const viaHeader = await imds(h, '/latest/meta-data/local-ipv4', { headers: { 'X-ec2net-Instance-Id': id } });
      assert.equal(viaHeader.status, 200);
      assert.equal(viaHeader.body, inst.PrivateIpAddress);
    });

    it('lists directories one per line, sub-trees with a trailing /', async () => {
      const top = (await meta(h, id, '')) as string;
      assert.ok(top.split('\n').includes('network/'));
      assert.ok(top.split('\n').includes('instance-id'));
      assert.equal(await meta(h, id, 'network/interfaces/macs/'), `${inst.NetworkInterfaces![0]!.MacAddress}/`);
      assert.equal(await meta(h, id, 'public-ipv4'), inst.PublicIpAddress);
      assert.equal(await meta(h, id, 'mac'), inst.NetworkInterfaces![0]!.MacAddress);
    });

    it('unknown keys, unknown instances and unnamed instances → 404', async () => {
      const r = await imds(h, `/${id}/latest/meta-data/nope`);
      assert.equal(r.status, 404);
      assert.match(r.body, /404 - Not Found/);
      assert.equal((await imds(h, '/i-0123456789abcdef0/latest/meta-data/')).status, 404);
      assert.equal((await imds(h, '/latest/meta-data/')).status, 404);
    });

    it('the identity document', async () => {
      const doc = JSON.parse(String(await imds(h, `/${id}/latest/dynamic/instance-identity/document`).then((r) => r.body)));
      assert.equal(doc.instanceId, id);
      assert.equal(doc.accountId, '123456789012');
      assert.equal(doc.privateIp, inst.PrivateIpAddress);
      assert.equal(doc.availabilityZone, inst.Placement?.AvailabilityZone);
    });

    it('finds instances in other accounts and regions', async () => {
      const far = await launch(h.ec2('ap-southeast-2', '111122223333'), { InstanceType: 't3.micro' });
      assert.equal(await meta(h, far.InstanceId!, 'placement/region'), 'ap-southeast-2');
      assert.equal(await meta(h, far.InstanceId!, 'local-ipv4'), far.PrivateIpAddress);
    });
  });

  describe('IMDSv2', () => {
    it('PUT a token, then GET with it', async () => {
      const put = await imds(h, `/${id}/latest/api/token`, { method: 'PUT', headers: { [TTL]: '21600' } });
      assert.equal(put.status, 200);
      assert.equal(put.headers.get(TTL), '21600');
      const token = put.body;
      assert.equal(await meta(h, id, 'instance-id', { [TOKEN]: token }), id);
      const viaHeader = await imds(h, '/latest/api/token', { method: 'PUT', headers: { [TTL]: '60', 'X-ec2net-Instance-Id': id } });
      assert.equal(viaHeader.status, 200);
      assert.equal(
        await imds(h, '/latest/meta-data/instance-id', { headers: { [TOKEN]: viaHeader.body, 'X-ec2net-Instance-Id': id } }).then((r) => r.body),
        id,
      );
    });

    it('a missing or invalid TTL → 400', async () => {
      assert.equal((await imds(h, `/${id}/latest/api/token`, { method: 'PUT' })).status, 400);
      for (const bad of ['0', '21601', 'six-hours']) {
        assert.equal((await imds(h, `/${id}/latest/api/token`, { method: 'PUT', headers: { [TTL]: bad } })).status, 400, bad);
      }
    });

    it('X-Forwarded-For → 403; a versioned token path → 403', async () => {
      const xff = await imds(h, `/${id}/latest/api/token`, { method: 'PUT', headers: { [TTL]: '60', 'X-Forwarded-For': '203.0.113.9' } });
      assert.equal(xff.status, 403);
      const versioned = await imds(h, `/${id}/2021-03-23/api/token`, { method: 'PUT', headers: { [TTL]: '60' } });
      assert.equal(versioned.status, 403);
    });

    it('an invalid token → 401; a token of another instance → 401', async () => {
      assert.equal(await meta(h, id, 'instance-id', { [TOKEN]: 'AQAEAbogus==' }), 401);
      const other = await launch(ec2);
      const otherToken = (await imds(h, `/${other.InstanceId}/latest/api/token`, { method: 'PUT', headers: { [TTL]: '60' } })).body;
      assert.equal(await meta(h, id, 'instance-id', { [TOKEN]: otherToken }), 401);
    });

    it('a token expires after its TTL', async () => {
      const token = (await imds(h, `/${id}/latest/api/token`, { method: 'PUT', headers: { [TTL]: '1' } })).body;
      assert.equal(await meta(h, id, 'instance-id', { [TOKEN]: token }), id);
      await sleep(1100);
      assert.equal(await meta(h, id, 'instance-id', { [TOKEN]: token }), 401);
    });

    it('HttpTokens=required: no token → 401; with a token → 200', async () => {
      const strict = await launch(ec2, { MetadataOptions: { HttpTokens: 'required' } });
      const sid = strict.InstanceId!;
      assert.equal(await meta(h, sid, 'instance-id'), 401);
      const token = (await imds(h, `/${sid}/latest/api/token`, { method: 'PUT', headers: { [TTL]: '60' } })).body;
      assert.equal(await meta(h, sid, 'instance-id', { [TOKEN]: token }), sid);
      // ModifyInstanceMetadataOptions applies to the live service at once.
      await ec2.send(new ModifyInstanceMetadataOptionsCommand({ InstanceId: sid, HttpTokens: 'optional' }));
      assert.equal(await meta(h, sid, 'instance-id'), sid);
      await ec2.send(new ModifyInstanceMetadataOptionsCommand({ InstanceId: sid, HttpTokens: 'required' }));
      assert.equal(await meta(h, sid, 'instance-id'), 401);
    });

    it('HttpEndpoint=disabled → 403', async () => {
      const off = await launch(ec2);
      const oid = off.InstanceId!;
      await ec2.send(new ModifyInstanceMetadataOptionsCommand({ InstanceId: oid, HttpEndpoint: 'disabled' }));
      assert.equal(await meta(h, oid, 'instance-id'), 403);
      assert.equal((await imds(h, `/${oid}/latest/api/token`, { method: 'PUT', headers: { [TTL]: '60' } })).status, 403);
      await ec2.send(new ModifyInstanceMetadataOptionsCommand({ InstanceId: oid, HttpEndpoint: 'enabled' }));
      assert.equal(await meta(h, oid, 'instance-id'), oid);
    });

    it('HttpProtocolIpv6: disabled by default, set at launch and by ModifyInstanceMetadataOptions, shown by both', async () => {
      // EC2 User Guide, "Modify instance metadata options for existing instances": "By default, the
      // IPv6 endpoint is disabled"; RunInstances MetadataOptions and ModifyInstanceMetadataOptions take it.
      const plain = await launch(ec2);
      assert.equal(plain.MetadataOptions?.HttpProtocolIpv6, 'disabled');
      const v6 = await launch(ec2, { MetadataOptions: { HttpProtocolIpv6: 'enabled' } });
      assert.equal(v6.MetadataOptions?.HttpProtocolIpv6, 'enabled');
      const modified = await ec2.send(new ModifyInstanceMetadataOptionsCommand({ InstanceId: plain.InstanceId!, HttpProtocolIpv6: 'enabled' }));
      assert.equal(modified.InstanceMetadataOptions?.HttpProtocolIpv6, 'enabled');
      // Other options left alone keep the setting.
      await ec2.send(new ModifyInstanceMetadataOptionsCommand({ InstanceId: plain.InstanceId!, HttpTokens: 'required' }));
      const seen = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [plain.InstanceId!] }))).Reservations![0]!.Instances![0]!;
      assert.equal(seen.MetadataOptions?.HttpProtocolIpv6, 'enabled');
      const boto = await h.boto3(`result = ec2.describe_instances(InstanceIds=['${v6.InstanceId}'])['Reservations'][0]['Instances'][0]['MetadataOptions']`);
      assert.equal(boto.HttpProtocolIpv6, 'enabled');
    });
  });

  describe('live state', () => {
    it('a hot-attached interface shows a new MAC at once', async () => {
      const eni = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: inst.SubnetId }))).NetworkInterface!;
      await ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: eni.NetworkInterfaceId, InstanceId: id, DeviceIndex: 1 }));
      const macs = String(await meta(h, id, 'network/interfaces/macs/')).split('\n');
      assert.deepEqual(macs.sort(), [`${inst.NetworkInterfaces![0]!.MacAddress}/`, `${eni.MacAddress}/`].sort());
      assert.equal(await meta(h, id, `network/interfaces/macs/${eni.MacAddress}/device-number`), '1');
      assert.equal(await meta(h, id, `network/interfaces/macs/${eni.MacAddress}/interface-id`), eni.NetworkInterfaceId);
      assert.equal(await meta(h, id, `network/interfaces/macs/${eni.MacAddress}/local-ipv4s`), eni.PrivateIpAddress);
    });

    it('secondary addresses, reassignment and Elastic IPs show on both interfaces at once', async () => {
      const a = await launch(ec2);
      const b = await launch(ec2, { SubnetId: a.SubnetId });
      const eniA = a.NetworkInterfaces![0]!;
      const eniB = b.NetworkInterfaces![0]!;
      const ipsA = `network/interfaces/macs/${eniA.MacAddress}/local-ipv4s`;
      const ipsB = `network/interfaces/macs/${eniB.MacAddress}/local-ipv4s`;

      const assigned = await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eniA.NetworkInterfaceId, SecondaryPrivateIpAddressCount: 1 }));
      const secondary = assigned.AssignedPrivateIpAddresses![0]!.PrivateIpAddress!;
      assert.equal(await meta(h, a.InstanceId!, ipsA), `${a.PrivateIpAddress}\n${secondary}`, 'primary first');

      // An Elastic IP on the secondary: listed under ipv4-associations, mapped to the secondary.
      const eip = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
      await ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, NetworkInterfaceId: eniA.NetworkInterfaceId, PrivateIpAddress: secondary }));
      const assocA = `network/interfaces/macs/${eniA.MacAddress}/ipv4-associations`;
      assert.ok(
        String(await meta(h, a.InstanceId!, `${assocA}/`))
          .split('\n')
          .includes(eip.PublicIp!),
      );
      assert.equal(await meta(h, a.InstanceId!, `${assocA}/${eip.PublicIp}`), secondary);
      assert.ok(
        String(await meta(h, a.InstanceId!, `network/interfaces/macs/${eniA.MacAddress}/public-ipv4s`))
          .split('\n')
          .includes(eip.PublicIp!),
      );
      assert.equal(await meta(h, a.InstanceId!, 'public-ipv4'), a.PublicIpAddress, 'the top-level public IPv4 is the primary address’s');

      // Reassign the secondary to B: it leaves A and arrives on B with its Elastic IP.
      await ec2.send(
        new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eniB.NetworkInterfaceId, PrivateIpAddresses: [secondary], AllowReassignment: true }),
      );
      assert.equal(await meta(h, a.InstanceId!, ipsA), a.PrivateIpAddress);
      assert.equal(await meta(h, b.InstanceId!, ipsB), `${b.PrivateIpAddress}\n${secondary}`);
      assert.equal(await meta(h, a.InstanceId!, `${assocA}/${eip.PublicIp}`), 404);
      assert.equal(await meta(h, b.InstanceId!, `network/interfaces/macs/${eniB.MacAddress}/ipv4-associations/${eip.PublicIp}`), secondary);
    });

    it('stop: the public IPv4 goes at once, then everything is 404 until started again', async () => {
      const s = await launch(ec2);
      const sid = s.InstanceId!;
      assert.equal(await meta(h, sid, 'public-ipv4'), s.PublicIpAddress);
      await ec2.send(new StopInstancesCommand({ InstanceIds: [sid] }));
      assert.equal(await meta(h, sid, 'public-ipv4'), 404);
      await waitFor(ec2, sid, 'stopped');
      assert.equal(await meta(h, sid, 'instance-id'), 404);
      await ec2.send(new StartInstancesCommand({ InstanceIds: [sid] }));
      const started = await waitFor(ec2, sid, 'running');
      assert.ok(started.PublicIpAddress);
      assert.equal(await meta(h, sid, 'public-ipv4'), started.PublicIpAddress);
    });
  });
});
