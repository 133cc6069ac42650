/**
 * Metadata and the API from inside an instance (README "Data plane"): 169.254.169.254 answers as
 * the instance that asks, and ec2net's API is at 169.254.169.254:4566, so software made for EC2
 * runs unmodified in an instance namespace: curl, the AWS CLI and the ClusterLabs resource agents.
 * Needs Linux and root (CI has both), curl, the AWS CLI and Debian's resource-agents.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  AllocateAddressCommand,
  AssignPrivateIpAddressesCommand,
  CreateRouteCommand,
  DescribeAddressesCommand,
  DescribeRouteTablesCommand,
  DescribeNetworkInterfacesCommand,
  EC2Client,
  ModifyInstanceMetadataOptionsCommand,
  RunInstancesCommand,
  type Instance,
} from '@aws-sdk/client-ec2';
import type { RunningServer } from '../../src/server/start.js';
import { routerNsOf } from '../../src/dataplane/picture.js';
import { dataplaneTestLock } from './lock.js';
import { ipIn, namespaces, skipReason, startDataplaneServer } from './netns-tools.js';

const AGENTS = '/usr/lib/ocf/resource.d/heartbeat';
const skip = skipReason() ?? false;
dataplaneTestLock();

/**
 * cloud-init's EC2 datasource (Debian's cloud-init, DataSourceEc2.get_data) as it runs at boot:
 * it finds 169.254.169.254, crawls meta-data and the identity document. strict_id off: the
 * namespace has no EC2 DMI data to identify the platform by.
 */
const CLOUD_INIT_EC2 = `
import json, tempfile
from cloudinit import distros, helpers
from cloudinit.sources import DataSourceEc2
tmp = tempfile.mkdtemp()
paths = helpers.Paths({"cloud_dir": tmp, "run_dir": tmp})
distro = distros.fetch("debian")("debian", {}, paths)
cfg = {"datasource": {"Ec2": {"strict_id": False, "metadata_urls": ["http://169.254.169.254"], "timeout": 5, "max_wait": 10}}}
ds = DataSourceEc2.DataSourceEc2(cfg, distro, paths)
ok = ds.get_data()
print(json.dumps({"ok": ok, "instanceId": ds.get_instance_id(), "az": ds.availability_zone, "region": ds.region, "localIpv4": ds.metadata.get("local-ipv4")}))
`;

/** Why the cloud-init test cannot run (Debian's cloud-init is not importable by /usr/bin/python3), or false. */
function cloudInitSkip(): string | false {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import cloudinit.sources.DataSourceEc2'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? false : "cloud-init is not installed (Debian's cloud-init package)";
}

/** The AWS CLI's own executable (a pyenv shim needs the user's environment; the real one does not). */
function awsCli(): string {
  const r = spawnSync('sh', ['-c', 'pyenv which aws 2>/dev/null || command -v aws'], { encoding: 'utf8' });
  return r.stdout.trim().split('\n')[0]!;
}

describe('data plane: metadata and the API from inside an instance', { skip }, () => {
  let server: RunningServer;
  let ec2: EC2Client;
  /** The namespaces this server made (other ec2net processes may run beside it). */
  const made = new Set<string>();
  let home: string;
  /** The environment of commands run on an instance: a profile whose endpoint is ec2net from inside. */
  let env: NodeJS.ProcessEnv;

  before(async () => {
    ({ server, ec2 } = await startDataplaneServer());
    home = mkdtempSync(join(tmpdir(), 'ec2net-inside-'));
    // A shared config profile may name the endpoint (AWS SDKs and Tools Reference Guide,
    // "Service-specific endpoints": endpoint_url), so the agents' `--profile` finds ec2net.
    writeFileSync(join(home, 'config'), '[profile ec2net]\nregion = us-east-1\nendpoint_url = http://169.254.169.254:4566\noutput = text\n');
    writeFileSync(join(home, 'credentials'), '[ec2net]\naws_access_key_id = test\naws_secret_access_key = test\n');
    env = { ...process.env, AWS_CONFIG_FILE: join(home, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'), OCF_ROOT: '/usr/lib/ocf' };
  });
  after(async () => {
    await server?.close();
    rmSync(home, { force: true, recursive: true });
    // The relays exit with the server: no namespace is kept alive by one, no socket is left.
    assert.deepEqual(
      namespaces().filter((ns) => made.has(ns)),
      [],
    );
    assert.deepEqual(
      readdirSync('/run/ec2net/dataplane').filter((f) => f === `inside-${process.pid}.sock`),
      [],
    );
  });

  /**
   * Runs a command in an instance's namespace (bounded in time). Asynchronously: the server runs in
   * this process and answers the command's requests meanwhile.
   */
  const on = (instanceId: string, argv: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile('ip', ['netns', 'exec', instanceId, ...argv], { encoding: 'utf8', timeout: 60_000, env: { ...env, ...extraEnv } }, (error, stdout, stderr) =>
        resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
      );
    });
  const curl = async (instanceId: string, args: string[]) => (await on(instanceId, ['curl', '-s', '--max-time', '5', ...args])).stdout;

  async function launch(count: number): Promise<Instance[]> {
    const run = await ec2.send(new RunInstancesCommand({ ImageId: 'ami-0123456789abcdef0', MinCount: count, MaxCount: count, InstanceType: 't3.micro' }));
    await server.dataplane!.settled();
    for (const i of run.Instances!) made.add(i.InstanceId!).add(routerNsOf(i.VpcId!));
    return run.Instances!;
  }

  it('answers IMDSv2 (token, then instance-id) and IMDSv1 at 169.254.169.254 as the instance that asks', async () => {
    const [a, b] = await launch(2);
    for (const i of [a!, b!]) {
      // EC2 User Guide, "Use the Instance Metadata Service to access instance metadata": PUT a token, then GET with it.
      const token = await curl(i.InstanceId!, ['-X', 'PUT', '-H', 'X-aws-ec2-metadata-token-ttl-seconds: 21600', 'http://169.254.169.254/latest/api/token']);
      assert.match(token, /^\S{20,}$/);
      assert.equal(
        await curl(i.InstanceId!, ['-H', `X-aws-ec2-metadata-token: ${token}`, 'http://169.254.169.254/latest/meta-data/instance-id']),
        i.InstanceId,
      );
      assert.equal(await curl(i.InstanceId!, ['http://169.254.169.254/latest/meta-data/local-ipv4']), i.PrivateIpAddress);
      assert.equal(await curl(i.InstanceId!, ['http://169.254.169.254/latest/meta-data/mac']), i.NetworkInterfaces![0]!.MacAddress);
    }
    // A token is the instance's own: another instance's is refused (401), as on EC2.
    const tokenA = await curl(a!.InstanceId!, ['-X', 'PUT', '-H', 'X-aws-ec2-metadata-token-ttl-seconds: 60', 'http://169.254.169.254/latest/api/token']);
    const status = await curl(b!.InstanceId!, [
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-H',
      `X-aws-ec2-metadata-token: ${tokenA}`,
      'http://169.254.169.254/latest/meta-data/instance-id',
    ]);
    assert.equal(status, '401');
    // From inside, only EC2's paths: neither ec2net's path prefix nor its header names another instance.
    assert.equal(
      await curl(b!.InstanceId!, ['-o', '/dev/null', '-w', '%{http_code}', `http://169.254.169.254/${a!.InstanceId}/latest/meta-data/instance-id`]),
      '404',
    );
    assert.equal(
      await curl(b!.InstanceId!, ['-H', `X-ec2net-Instance-Id: ${a!.InstanceId}`, 'http://169.254.169.254/latest/meta-data/instance-id']),
      b!.InstanceId,
    );
    // Nor does the relay's own header, which it sets itself whatever the instance sent.
    assert.equal(
      await curl(b!.InstanceId!, [
        '-H',
        `X-ec2net-Inside: imds ${routerNsOf(a!.VpcId!)} ${a!.PrivateIpAddress}`,
        'http://169.254.169.254/latest/meta-data/instance-id',
      ]),
      b!.InstanceId,
    );
    // HttpTokens required: IMDSv1 is refused with 401 (EC2 User Guide, "Configure the instance metadata options").
    await ec2.send(new ModifyInstanceMetadataOptionsCommand({ InstanceId: a!.InstanceId!, HttpTokens: 'required' }));
    assert.equal(await curl(a!.InstanceId!, ['-o', '/dev/null', '-w', '%{http_code}', 'http://169.254.169.254/latest/meta-data/instance-id']), '401');
  });

  it('lets the AWS CLI on an instance call DescribeInstances at 169.254.169.254:4566', async () => {
    const [a] = await launch(1);
    const r = await on(a!.InstanceId!, [
      awsCli(),
      '--profile',
      'ec2net',
      'ec2',
      'describe-instances',
      '--instance-ids',
      a!.InstanceId!,
      '--query',
      'Reservations[].Instances[].PrivateIpAddress',
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), a!.PrivateIpAddress);
    // The explicit flag works as well (AWS CLI, "Command line options": --endpoint-url).
    const flag = await on(
      a!.InstanceId!,
      [awsCli(), '--endpoint-url', 'http://169.254.169.254:4566', '--region', 'us-east-1', 'ec2', 'describe-vpcs', '--output', 'text'],
      {
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
      },
    );
    assert.equal(flag.status, 0, flag.stderr);
    assert.match(flag.stdout, /vpc-/);
  });

  it(
    "runs the ClusterLabs awsvip agent's start, monitor and stop on an instance",
    { skip: existsSync(`${AGENTS}/awsvip`) ? false : 'resource-agents is not installed' },
    async () => {
      const [a, b] = await launch(2);
      const eniOf = (i: Instance) => i.NetworkInterfaces![0]!.NetworkInterfaceId!;
      const assigned = await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eniOf(b!), SecondaryPrivateIpAddressCount: 1 }));
      const vip = assigned.AssignedPrivateIpAddresses![0]!.PrivateIpAddress!;
      // resource-agents' awsvip: OCF_RESKEY_* are its parameters; exit 0 is OCF_SUCCESS, 7 OCF_NOT_RUNNING.
      const agent = async (action: string) =>
        await on(a!.InstanceId!, [`${AGENTS}/awsvip`, action], {
          OCF_RESKEY_secondary_private_ip: vip,
          OCF_RESKEY_awscli: awsCli(),
          OCF_RESKEY_profile: 'ec2net',
          OCF_RESKEY_api_delay: '0',
        });
      const holder = async () => {
        const d = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'addresses.private-ip-address', Values: [vip] }] }));
        return d.NetworkInterfaces?.map((n) => n.NetworkInterfaceId);
      };
      assert.equal((await agent('monitor')).status, 7, 'not running on A while B holds the address');
      const start = await agent('start');
      assert.equal(start.status, 0, start.stderr);
      assert.deepEqual(await holder(), [eniOf(a!)], 'start took the address over from B (AllowReassignment)');
      assert.equal((await agent('monitor')).status, 0);
      const stop = await agent('stop');
      assert.equal(stop.status, 0, stop.stderr);
      assert.deepEqual(await holder(), []);
      assert.equal((await agent('monitor')).status, 7);
    },
  );

  it(
    "runs the ClusterLabs awseip agent's start, monitor and stop on an instance",
    { skip: existsSync(`${AGENTS}/awseip`) ? false : 'resource-agents is not installed' },
    async () => {
      const [a] = await launch(1);
      const eip = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
      // resource-agents' awseip: by instance id, or (private_ip_address) by the interface whose
      // local-ipv4s in the metadata list that address.
      const agent = async (action: string, privateIp?: string) =>
        await on(a!.InstanceId!, [`${AGENTS}/awseip`, action], {
          OCF_RESKEY_elastic_ip: eip.PublicIp!,
          OCF_RESKEY_allocation_id: eip.AllocationId!,
          OCF_RESKEY_awscli: awsCli(),
          OCF_RESKEY_profile: 'ec2net',
          OCF_RESKEY_api_delay: '0',
          ...(privateIp ? { OCF_RESKEY_private_ip_address: privateIp } : {}),
        });
      const association = async () => (await ec2.send(new DescribeAddressesCommand({ AllocationIds: [eip.AllocationId!] }))).Addresses![0]!;
      for (const privateIp of [undefined, a!.PrivateIpAddress!]) {
        assert.equal((await agent('monitor', privateIp)).status, 7);
        const start = await agent('start', privateIp);
        assert.equal(start.status, 0, start.stderr);
        const held = await association();
        assert.equal(held.InstanceId, a!.InstanceId);
        assert.equal(held.PrivateIpAddress, a!.PrivateIpAddress);
        assert.equal((await agent('monitor', privateIp)).status, 0);
        const stop = await agent('stop', privateIp);
        assert.equal(stop.status, 0, stop.stderr);
        assert.equal((await association()).AssociationId, undefined);
        assert.equal((await agent('monitor', privateIp)).status, 7);
      }
    },
  );

  it(
    "runs the ClusterLabs aws-vpc-move-ip agent's start, monitor and stop on an instance",
    { skip: existsSync(`${AGENTS}/aws-vpc-move-ip`) ? false : 'resource-agents is not installed' },
    async () => {
      const [a, b] = await launch(2);
      const tables = await ec2.send(
        new DescribeRouteTablesCommand({
          Filters: [
            { Name: 'vpc-id', Values: [a!.VpcId!] },
            { Name: 'association.main', Values: ['true'] },
          ],
        }),
      );
      const rtb = tables.RouteTables![0]!.RouteTableId!;
      // The overlay address lies outside the VPC; its /32 route points at B (replace-route needs a route to replace).
      const overlay = '10.200.0.10';
      await ec2.send(
        new CreateRouteCommand({ RouteTableId: rtb, DestinationCidrBlock: `${overlay}/32`, NetworkInterfaceId: b!.NetworkInterfaces![0]!.NetworkInterfaceId! }),
      );
      const agent = async (action: string) =>
        await on(a!.InstanceId!, [`${AGENTS}/aws-vpc-move-ip`, action], {
          OCF_RESKEY_ip: overlay,
          OCF_RESKEY_routing_table: rtb,
          OCF_RESKEY_interface: 'eth0',
          OCF_RESKEY_awscli: awsCli(),
          OCF_RESKEY_profile: 'ec2net',
        });
      const target = async () => {
        const t = await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [rtb] }));
        return t.RouteTables![0]!.Routes!.find((r) => r.DestinationCidrBlock === `${overlay}/32`);
      };
      const configured = () => ipIn(a!.InstanceId!, ['-o', 'addr', 'show', 'dev', 'eth0']).includes(`inet ${overlay}/32`);
      assert.equal((await agent('monitor')).status, 7);
      const start = await agent('start');
      assert.equal(start.status, 0, start.stderr);
      // The agent replaced the route with one to its own interface, and configured the address on eth0.
      const route = await target();
      assert.equal(route?.NetworkInterfaceId, a!.NetworkInterfaces![0]!.NetworkInterfaceId);
      assert.equal(route?.InstanceId, a!.InstanceId);
      assert.ok(configured());
      assert.equal((await agent('monitor')).status, 0);
      const stop = await agent('stop');
      assert.equal(stop.status, 0, stop.stderr);
      assert.ok(!configured());
      assert.equal((await agent('monitor')).status, 7);
    },
  );
  it("crawls the metadata with cloud-init's EC2 datasource on an instance", { skip: cloudInitSkip() }, async () => {
    const [a] = await launch(1);
    const r = await on(a!.InstanceId!, ['/usr/bin/python3', '-c', CLOUD_INIT_EC2]);
    assert.equal(r.status, 0, r.stderr);
    const got = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    assert.deepEqual(got, { ok: true, instanceId: a!.InstanceId, az: a!.Placement!.AvailabilityZone, region: 'us-east-1', localIpv4: a!.PrivateIpAddress });
  });
});
