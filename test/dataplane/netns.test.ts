/**
 * The netns data plane (README "Data plane"): instances are network namespaces, and traffic
 * follows the control plane's mapping of addresses to interfaces. These tests make real
 * namespaces and veth pairs, so they need Linux and root (CI has both); elsewhere they are skipped
 * with the reason. All traffic stays between namespaces the server made.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  AssignPrivateIpAddressesCommand,
  AuthorizeSecurityGroupIngressCommand,
  AttachNetworkInterfaceCommand,
  CreateNetworkInterfaceCommand,
  CreateSubnetCommand,
  DetachNetworkInterfaceCommand,
  DescribeInstancesCommand,
  ModifyNetworkInterfaceAttributeCommand,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
  UnassignPrivateIpAddressesCommand,
  EC2Client,
  type Instance,
} from '@aws-sdk/client-ec2';
import type { RunningServer } from '../../src/server/start.js';
import { dataplaneTestLock } from './lock.js';
import { ipIn, namespaces, rootLinks, runIn, skipReason, startDataplaneServer, tcpClient, tcpEcho, udpReceiver, udpSender, until } from './netns-tools.js';

const skip = skipReason() ?? false;
dataplaneTestLock();

async function launch(ec2: EC2Client, count: number): Promise<Instance[]> {
  const run = await ec2.send(new RunInstancesCommand({ ImageId: 'ami-0123456789abcdef0', MinCount: count, MaxCount: count, InstanceType: 't3.large' }));
  return run.Instances!;
}

describe('data plane: instances as network namespaces', { skip }, () => {
  let server: RunningServer;
  let ec2: EC2Client;
  let before_: { ns: string[]; links: string[] };

  before(async () => {
    before_ = { ns: namespaces(), links: rootLinks() };
    ({ server, ec2 } = await startDataplaneServer());
  });
  after(async () => {
    await server?.close();
    // Nothing leaks: the namespaces and root links are what they were before the server started.
    assert.deepEqual(namespaces(), before_.ns);
    assert.deepEqual(rootLinks(), before_.links);
  });

  it('gives each running instance a namespace named by its id, with eth0 as DHCP configures it on EC2', async () => {
    const [i] = await launch(ec2, 1);
    await server.dataplane!.settled();
    assert.ok(namespaces().includes(i!.InstanceId!));
    const eni = i!.NetworkInterfaces![0]!;
    const link = ipIn(i!.InstanceId!, ['-o', 'link', 'show', 'eth0']);
    assert.match(link, /mtu 9001/);
    assert.match(link, new RegExp(`link/ether ${eni.MacAddress}`));
    // The default subnet is a /20 (EC2 User Guide, "Default VPCs"); the router is its base + 1.
    assert.match(ipIn(i!.InstanceId!, ['-o', 'addr', 'show', 'eth0']), new RegExp(`inet ${eni.PrivateIpAddress!.replace(/\./g, '\\.')}/20`));
    assert.match(ipIn(i!.InstanceId!, ['route', 'show', 'default']), /default via 172\.31\.\d+\.1 dev eth0/);
  });

  it('carries TCP and UDP between two instances', async () => {
    const [a, b] = await launch(ec2, 2);
    await server.dataplane!.settled();
    const bIp = b!.PrivateIpAddress!;
    const echo = runIn(b!.InstanceId!, tcpEcho(7000));
    const udp = runIn(b!.InstanceId!, udpReceiver(7001));
    try {
      await echo.line(/ready/);
      await udp.line(/ready/);
      const client = runIn(a!.InstanceId!, tcpClient(bIp, 7000, 'hello-tcp'));
      assert.equal(await client.line(/^(echo|error)/), 'echo hello-tcp');
      const sender = runIn(a!.InstanceId!, udpSender(bIp, 7001, 20, 20));
      assert.match(await udp.line(/^got \d+ seq-/), /seq-\d+/);
      sender.stop();
    } finally {
      echo.stop();
      udp.stop();
    }
  });

  it('moves a secondary address with AllowReassignment and the traffic follows within 1 s', async () => {
    const [a, b, c] = await launch(ec2, 3);
    const eniOf = (i: Instance) => i.NetworkInterfaces![0]!.NetworkInterfaceId!;
    const assigned = await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eniOf(b!), SecondaryPrivateIpAddressCount: 1 }));
    const vip = assigned.AssignedPrivateIpAddresses![0]!.PrivateIpAddress!;
    await server.dataplane!.settled();
    // On EC2 a secondary address is delivered by the fabric but configured by the instance itself.
    execFileSync('ip', ['-n', b!.InstanceId!, 'addr', 'add', `${vip}/20`, 'dev', 'eth0']);
    const onB = runIn(b!.InstanceId!, udpReceiver(7100));
    const onC = runIn(c!.InstanceId!, udpReceiver(7100));
    await onB.line(/ready/);
    await onC.line(/ready/);
    const client = runIn(a!.InstanceId!, udpSender(vip, 7100, 20, 400));
    try {
      await onB.line(/^got/);
      const t0 = Date.now();
      await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eniOf(c!), PrivateIpAddresses: [vip], AllowReassignment: true }));
      execFileSync('ip', ['-n', c!.InstanceId!, 'addr', 'add', `${vip}/20`, 'dev', 'eth0']);
      const first = Number(/^got (\d+)/.exec(await onC.line(/^got/, 3000))![1]);
      const ms = first - t0;
      console.log(`# failover: traffic reached C ${ms} ms after AssignPrivateIpAddresses was sent`);
      assert.ok(ms < 1000, `traffic reached C ${ms} ms after the move`);
      // Unassigned, the address is no one's: the fabric stops delivering it (C still has it configured).
      await ec2.send(new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: eniOf(c!), PrivateIpAddresses: [vip] }));
      await server.dataplane!.settled();
      await new Promise((r) => setTimeout(r, 100));
      const seen = onC.lines.length;
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(onC.lines.length, seen, 'nothing reaches C once the address is unassigned');
    } finally {
      client.stop();
      onB.stop();
      onC.stop();
    }
  });

  it('drops what an interface sends from an address not its own, unless its source/destination check is off', async () => {
    const [a, b] = await launch(ec2, 2);
    await server.dataplane!.settled();
    // An address of the subnet no interface holds, configured by hand in A.
    const spoof = '172.31.15.200';
    execFileSync('ip', ['-n', a!.InstanceId!, 'addr', 'add', `${spoof}/20`, 'dev', 'eth0']);
    // B's security group must let that source in: its default group allows only its members' own
    // addresses ("Security group rules": a group as source means the private IPs of its interfaces).
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: b!.SecurityGroups![0]!.GroupId!,
        IpPermissions: [{ IpProtocol: 'udp', FromPort: 7200, ToPort: 7200, IpRanges: [{ CidrIp: `${spoof}/32` }] }],
      }),
    );
    const onB = runIn(b!.InstanceId!, udpReceiver(7200));
    try {
      await onB.line(/ready/);
      const spoofed = runIn(a!.InstanceId!, udpSender(b!.PrivateIpAddress!, 7200, 20, 15, spoof));
      await new Promise((r) => spoofed.child.on('exit', r));
      assert.equal(onB.lines.filter((l) => l.startsWith('got')).length, 0, 'a spoofed source must be dropped while the check is on');
      // EC2 User Guide, "Source/destination checking": turning it off lets an instance forward others' traffic.
      await ec2.send(
        new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: a!.NetworkInterfaces![0]!.NetworkInterfaceId!, SourceDestCheck: { Value: false } }),
      );
      await server.dataplane!.settled();
      const allowed = runIn(a!.InstanceId!, udpSender(b!.PrivateIpAddress!, 7200, 20, 50, spoof));
      await onB.line(/^got/, 3000);
      allowed.stop();
    } finally {
      onB.stop();
    }
  });

  it('adds eth1 on attach and removes it on detach; an instance in another subnet is reached through the router', async () => {
    const [a, b] = await launch(ec2, 2);
    const vpcId = a!.VpcId!;
    // A second subnet of the default VPC (172.31.0.0/16), away from the default subnets' /20s.
    const subnet = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '172.31.200.0/24', AvailabilityZone: a!.Placement!.AvailabilityZone }));
    const subnetId = subnet.Subnet!.SubnetId!;
    const eni = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId }));
    const eniId = eni.NetworkInterface!.NetworkInterfaceId!;
    // Attaching needs a running instance: pending → running takes 50 ms in these tests.
    await new Promise((r) => setTimeout(r, 100));
    const attached = await ec2.send(new AttachNetworkInterfaceCommand({ InstanceId: a!.InstanceId!, NetworkInterfaceId: eniId, DeviceIndex: 1 }));
    await server.dataplane!.settled();
    const eth1 = ipIn(a!.InstanceId!, ['-o', 'addr', 'show', 'eth1']);
    assert.match(eth1, new RegExp(`inet ${eni.NetworkInterface!.PrivateIpAddress!.replace(/\./g, '\\.')}/24`));
    // B (default subnet) reaches A's eth1 address in the other subnet: via its default route and the VPC router.
    const onA = runIn(a!.InstanceId!, udpReceiver(7400));
    try {
      await onA.line(/ready/);
      const sender = runIn(b!.InstanceId!, udpSender(eni.NetworkInterface!.PrivateIpAddress!, 7400, 20, 50));
      await onA.line(/^got/, 3000);
      sender.stop();
    } finally {
      onA.stop();
    }
    await ec2.send(new DetachNetworkInterfaceCommand({ AttachmentId: attached.AttachmentId! }));
    await until(() => !ipIn(a!.InstanceId!, ['-o', 'link', 'show']).includes('eth1'), 3000, 'eth1 to go');
  });

  it('takes the interfaces down on stop, up on start, and removes the namespace on terminate', async () => {
    const [i] = await launch(ec2, 1);
    const id = i!.InstanceId!;
    await server.dataplane!.settled();
    assert.match(ipIn(id, ['-o', 'link', 'show', 'eth0']), /state UP/);
    await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
    await server.dataplane!.settled();
    assert.match(ipIn(id, ['-o', 'link', 'show', 'eth0']), /state DOWN/);
    // The stop completes on its timer; then the instance can be started again.
    await new Promise((r) => setTimeout(r, 150));
    await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    await ec2.send(new StartInstancesCommand({ InstanceIds: [id] }));
    await server.dataplane!.settled();
    assert.match(ipIn(id, ['-o', 'link', 'show', 'eth0']), /state UP/);
    assert.match(ipIn(id, ['route', 'show', 'default']), /default via/);
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    // shutting-down → terminated is a timed transition: the data plane notices it without a request.
    await until(() => !namespaces().includes(id), 5000, `namespace ${id} to go`);
  });
});

describe('data plane: restarts and clean-up', { skip }, () => {
  it('rebuilds the data plane from the restored state after a restart, and removes it on exit', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ec2net-dp-'));
    const nsBefore = namespaces();
    try {
      let { server, ec2 } = await startDataplaneServer({ dataDir });
      const [i] = await launch(ec2, 1);
      await server.dataplane!.settled();
      assert.ok(namespaces().includes(i!.InstanceId!));
      await server.close();
      assert.deepEqual(namespaces(), nsBefore);
      ({ server, ec2 } = await startDataplaneServer({ dataDir }));
      try {
        await server.dataplane!.settled();
        assert.match(ipIn(i!.InstanceId!, ['-o', 'addr', 'show', 'eth0']), new RegExp(`inet ${i!.PrivateIpAddress!.replace(/\./g, '\\.')}/`));
      } finally {
        await server.close();
      }
      assert.deepEqual(namespaces(), nsBefore);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('removes at the next start the namespaces of an ec2net killed with SIGKILL', async () => {
    const cli = fileURLToPath(new URL('../../src/cli.js', import.meta.url));
    const child = spawn(process.execPath, [cli, 'serve', '--ephemeral', '--port', '0', '--imds-port', 'off', '--dataplane', 'netns'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise((r) => child.on('exit', r));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the server did not start in 20 s')), 20_000);
        createInterface({ input: child.stdout! }).on('line', (l) => {
          const m = /listening on (http:\/\/[0-9.:]+)/.exec(l);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
      });
      const ec2 = new EC2Client({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
      const [i] = await launch(ec2, 1);
      await until(() => namespaces().includes(i!.InstanceId!), 5000, 'the killed server to make its namespace');
      child.kill('SIGKILL');
      await exited;
      assert.ok(namespaces().includes(i!.InstanceId!), 'a killed process cleans nothing');
      const { server } = await startDataplaneServer();
      assert.ok(!namespaces().includes(i!.InstanceId!), 'removed at the next start');
      await server.close();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('removes at start what a killed ec2net left behind', async () => {
    const registryDir = mkdtempSync(join(tmpdir(), 'ec2net-dp-registry-'));
    const leftover = `ec2net-vpc-lefttest${process.pid}`;
    // A process that has exited: its pid is no one's (or a later process's, with another start time).
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    execFileSync('ip', ['netns', 'add', leftover]);
    try {
      mkdirSync(registryDir, { recursive: true });
      writeFileSync(join(registryDir, `${dead}.json`), JSON.stringify({ pid: dead, started: 'gone', namespaces: [leftover] }));
      const { server } = await startDataplaneServer({ dataplaneOptions: { registryDir } });
      await server.close();
      assert.ok(!namespaces().includes(leftover), 'the leftover namespace is removed');
    } finally {
      spawnSync('ip', ['netns', 'del', leftover]);
      rmSync(registryDir, { recursive: true, force: true });
    }
  });
});

describe('data plane: --dataplane-configure-secondary', { skip }, () => {
  it('configures secondary addresses in the instance, and removes them when unassigned', async () => {
    const { server, ec2 } = await startDataplaneServer({ dataplaneConfigureSecondary: true });
    try {
      const [i] = await launch(ec2, 1);
      const eniId = i!.NetworkInterfaces![0]!.NetworkInterfaceId!;
      const assigned = await ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: eniId, SecondaryPrivateIpAddressCount: 1 }));
      const secondary = assigned.AssignedPrivateIpAddresses![0]!.PrivateIpAddress!;
      await server.dataplane!.settled();
      assert.ok(ipIn(i!.InstanceId!, ['-o', 'addr', 'show', 'eth0']).includes(`inet ${secondary}/20`));
      await ec2.send(new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: eniId, PrivateIpAddresses: [secondary] }));
      await server.dataplane!.settled();
      assert.ok(!ipIn(i!.InstanceId!, ['-o', 'addr', 'show', 'eth0']).includes(`inet ${secondary}/`));
    } finally {
      await server.close();
    }
  });
});
