/**
 * Delegated prefixes in the netns data plane: traffic to any address inside an interface's IPv4 /28
 * or IPv6 /80 reaches that interface, once the instance's OS has configured the address (EC2 User
 * Guide, "Assign prefixes to network interfaces": assign the prefix, attach, "then configure your
 * operating system"), and replies from those addresses pass the source/destination check
 * ("Prefixes are included in source/destination checks"). Needs Linux and root (skipped elsewhere,
 * with the reason); all traffic stays between namespaces the server made.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import {
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeVpcsCommand,
  RunInstancesCommand,
  UnassignIpv6AddressesCommand,
  UnassignPrivateIpAddressesCommand,
  EC2Client,
  type Instance,
} from '@aws-sdk/client-ec2';
import { formatIpv6, parseIpv4Cidr, formatIpv4, parseIpv6Cidr } from '../../src/engine/cidr.js';
import type { RunningServer } from '../../src/server/start.js';
import { dataplaneTestLock } from './lock.js';
import { namespaces, rootLinks, runIn, skipReason, startDataplaneServer } from './netns-tools.js';

const skip = skipReason() ?? false;
dataplaneTestLock();

/** A TCP echo server on `port`, both families (prints "ready"). */
const echo = (port: number) => `
const srv = require('node:net').createServer((c) => c.pipe(c));
srv.listen(${port}, () => console.log('ready'));`;

/** A TCP client (from `from` when given) that gives up after 1.5 s ("error TIMEOUT"): a dropped SYN is never answered. */
const client = (to: string, port: number, text: string, from?: string) => `
const c = require('node:net').connect({ port: ${port}, host: '${to}'${from ? `, localAddress: '${from}'` : ''} }, () => c.write('${text}'));
c.setTimeout(1500, () => { console.log('error TIMEOUT'); process.exit(1); });
c.on('data', (d) => { console.log('echo ' + d.toString()); c.end(); });
c.on('error', (e) => { console.log('error ' + e.code); process.exit(1); });`;

describe('data plane: delegated prefixes', { skip }, () => {
  let server: RunningServer;
  let ec2: EC2Client;
  let subnetId: string;
  let subnet6: string;
  let before_: { ns: string[]; links: string[] };

  before(async () => {
    before_ = { ns: namespaces(), links: rootLinks() };
    ({ server, ec2 } = await startDataplaneServer());
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.30.0.0/16', AmazonProvidedIpv6CidrBlock: true }));
    const v = await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpc.Vpc!.VpcId!] }));
    subnet6 = v.Vpcs![0]!.Ipv6CidrBlockAssociationSet![0]!.Ipv6CidrBlock!.replace('/56', '/64');
    const subnet = await ec2.send(new CreateSubnetCommand({ VpcId: vpc.Vpc!.VpcId!, CidrBlock: '10.30.1.0/24', Ipv6CidrBlock: subnet6 }));
    subnetId = subnet.Subnet!.SubnetId!;
  });
  after(async () => {
    await server?.close();
    assert.deepEqual(namespaces(), before_.ns);
    assert.deepEqual(rootLinks(), before_.links);
  });

  async function launch(spec: { Ipv6AddressCount?: number; Ipv6PrefixCount?: number; Ipv4PrefixCount?: number }): Promise<Instance> {
    const run = await ec2.send(
      new RunInstancesCommand({
        ImageId: 'ami-0123456789abcdef0',
        MinCount: 1,
        MaxCount: 1,
        InstanceType: 't3.large',
        NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnetId, ...spec }],
      }),
    );
    await server.dataplane!.settled();
    return run.Instances![0]!;
  }

  /** Connects from `from` to `to`:`port`; the echo or the error. */
  const ask = async (from: Instance, to: string, port: number, source?: string) =>
    runIn(from.InstanceId!, client(to, port, 'hi', source)).line(/^(echo|error)/);

  it('an address the OS configured inside the /28 and the /80 is reached, and answers; one outside them is not; unassigned, neither is', async () => {
    const a = await launch({ Ipv6AddressCount: 1 });
    const b = await launch({ Ipv4PrefixCount: 1, Ipv6PrefixCount: 1 });
    const eth0 = b.NetworkInterfaces![0]!;
    const p4 = eth0.Ipv4Prefixes![0]!.Ipv4Prefix!;
    const p6 = eth0.Ipv6Prefixes![0]!.Ipv6Prefix!;
    const in4 = formatIpv4(parseIpv4Cidr(p4)!.base + 5);
    const in6 = formatIpv6(parseIpv6Cidr(p6)!.base + 0x1234n);
    // An address of the subnet's /64 in no delegated prefix: nobody holds it, the fabric drops it.
    const out6 = formatIpv6(parseIpv6Cidr(p6)!.base ^ (1n << 50n));
    assert.ok(parseIpv6Cidr(subnet6)!.contains(parseIpv6Cidr(`${out6}/128`)!.base));
    for (const [addr, bits] of [
      [in4, 32],
      [in6, 128],
      [out6, 128],
    ] as const) {
      execFileSync('ip', ['-n', b.InstanceId!, 'addr', 'add', `${addr}/${bits}`, 'dev', 'eth0', ...(bits === 128 ? ['nodad'] : [])]);
    }
    const srv = runIn(b.InstanceId!, echo(7300));
    try {
      await srv.line(/ready/);
      assert.equal(await ask(a, in6, 7300), 'echo hi', `${in6} inside ${p6}`);
      assert.equal(await ask(a, in4, 7300), 'echo hi', `${in4} inside ${p4}`);
      assert.equal(await ask(a, out6, 7300), 'error TIMEOUT', `${out6} is in no prefix of the interface`);
      await ec2.send(new UnassignIpv6AddressesCommand({ NetworkInterfaceId: eth0.NetworkInterfaceId!, Ipv6Prefixes: [p6] }));
      await ec2.send(new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: eth0.NetworkInterfaceId!, Ipv4Prefixes: [p4] }));
      await server.dataplane!.settled();
      assert.equal(await ask(a, in6, 7300), 'error TIMEOUT', 'the /80 is no longer delivered');
      assert.equal(await ask(a, in4, 7300), 'error TIMEOUT', 'the /28 is no longer delivered');
    } finally {
      srv.stop();
    }
  });

  it("from an address of its prefix, an instance is let in by a rule naming its group (the default group's own rule), and the answer comes back", async () => {
    // VPC User Guide, "Security group rules": a rule naming a group allows the interfaces that carry it; a prefix's addresses
    // are the interface's ("Prefixes are included in source/destination checks").
    const a = await launch({ Ipv4PrefixCount: 1, Ipv6PrefixCount: 1 });
    const b = await launch({ Ipv6AddressCount: 1 });
    const eth0 = a.NetworkInterfaces![0]!;
    const from4 = formatIpv4(parseIpv4Cidr(eth0.Ipv4Prefixes![0]!.Ipv4Prefix!)!.base + 9);
    const from6 = formatIpv6(parseIpv6Cidr(eth0.Ipv6Prefixes![0]!.Ipv6Prefix!)!.base + 9n);
    execFileSync('ip', ['-n', a.InstanceId!, 'addr', 'add', `${from4}/32`, 'dev', 'eth0']);
    execFileSync('ip', ['-n', a.InstanceId!, 'addr', 'add', `${from6}/128`, 'dev', 'eth0', 'nodad']);
    const srv = runIn(b.InstanceId!, echo(7301));
    try {
      await srv.line(/ready/);
      assert.equal(await ask(a, b.PrivateIpAddress!, 7301, from4), 'echo hi');
      assert.equal(await ask(a, b.NetworkInterfaces![0]!.Ipv6Addresses![0]!.Ipv6Address!, 7301, from6), 'echo hi');
    } finally {
      srv.stop();
    }
  });
});
