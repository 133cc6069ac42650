/**
 * RunInstances and the room left in its subnet, through the real clients: how many instances fit
 * when each new interface also takes delegated IPv4 prefixes (a /28 is 16 aligned addresses), and
 * MinCount/MaxCount when only some of them fit.
 *
 * Sources, cited per test:
 * - [api RunInstances] the EC2 API reference, RunInstances request parameters: "MaxCount … If you
 *   specify a value that is more capacity than Amazon EC2 can launch in the target Availability
 *   Zone, Amazon EC2 launches the largest possible number of instances above the specified minimum
 *   count"; "MinCount … Amazon EC2 does not launch any instances".
 * - [ref §x] /work/shared/reference/aws-behaviour.md (§3 "Prefix delegation", §3 "Subnet exhaustion":
 *   RunInstances' own message `There are not enough free addresses in subnet 'subnet-…' to satisfy
 *   the requested number of instances.`)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CreateNetworkInterfaceCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeSubnetsCommand,
  RunInstancesCommand,
  type EC2Client,
  type Instance,
} from '@aws-sdk/client-ec2';
import { parseIpv4Cidr } from '../../src/engine/cidr.js';
import { IMAGE, invariants, refusedUnchanged, useHarness } from './harness.js';

// A /26: 64 addresses, 59 usable; of its four aligned /28 blocks only the middle two hold no
// reserved address (the first has .0-.3, the last the broadcast address), so two prefixes fit.
const SUBNET = '10.0.0.0/26';
const TYPE = 'c5.large'; // Nitro, 10 addresses per interface: room for a primary and a prefix

async function subnetOf(ec2: EC2Client): Promise<string> {
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
  const { Subnet } = await ec2.send(new CreateSubnetCommand({ VpcId: Vpc!.VpcId!, CidrBlock: SUBNET, AvailabilityZone: 'us-east-1a' }));
  return Subnet!.SubnetId!;
}

async function available(ec2: EC2Client, subnetId: string): Promise<number> {
  const { Subnets } = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] }));
  return Subnets![0]!.AvailableIpAddressCount!;
}

/** One new eth0 per instance in `subnetId`, each with one IPv4 prefix EC2 picks. */
const withPrefix = (subnetId: string, MinCount: number, MaxCount: number) =>
  new RunInstancesCommand({
    ImageId: IMAGE,
    InstanceType: TYPE,
    MinCount,
    MaxCount,
    NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnetId, Ipv4PrefixCount: 1 }],
  });

const runMessage = (subnetId: string) => `There are not enough free addresses in subnet '${subnetId}' to satisfy the requested number of instances.`;

describe('RunInstances: room in the subnet for prefixes (interop)', { concurrency: 1 }, () => {
  const h = useHarness();
  const ec2 = h.ec2();

  it('MinCount more than the free /28 blocks hold is refused with RunInstances’ own message; nothing is launched (SDK)', async () => {
    // [ref §3 Prefix delegation] each prefix is an aligned /28 (16 addresses); [ref §3 Subnet exhaustion]
    // RunInstances' message; [api RunInstances] MinCount that cannot be met launches nothing.
    // 59 free addresses would hold three primaries and three prefixes' worth of addresses, but only two
    // aligned free /28 blocks exist.
    const subnetId = await subnetOf(ec2);
    const e = await refusedUnchanged(h, ec2, () => ec2.send(withPrefix(subnetId, 3, 3)), 'InsufficientFreeAddressesInSubnet');
    assert.equal(e.message, runMessage(subnetId));
    assert.equal(e.$metadata.httpStatusCode, 400);
  });

  it('MaxCount beyond the room launches as many as fit above MinCount, each with its own aligned /28 (boto3)', async () => {
    // [api RunInstances] MaxCount: "launches the largest possible number of instances above the
    // specified minimum count"; [ref §3 Prefix delegation] a /28 inside the subnet, no overlap.
    const subnetId = await subnetOf(ec2);
    const r = await h.boto3(
      `result = ec2.run_instances(ImageId='${IMAGE}', InstanceType='${TYPE}', MinCount=1, MaxCount=3, ` +
        `NetworkInterfaces=[{'DeviceIndex': 0, 'SubnetId': '${subnetId}', 'Ipv4PrefixCount': 1}])`,
    );
    const instances = r.Instances as Instance[];
    assert.equal(instances.length, 2);
    const prefixes = instances.map((i) => i.NetworkInterfaces![0]!.Ipv4Prefixes![0]!.Ipv4Prefix!);
    assert.deepEqual(prefixes.sort(), ['10.0.0.16/28', '10.0.0.32/28']);
    const subnet = parseIpv4Cidr(SUBNET)!;
    for (const p of prefixes) assert.ok(subnet.containsCidr(parseIpv4Cidr(p)!));
    assert.equal(await available(ec2, subnetId), 59 - 2 * (1 + 16));
    await invariants(h);
  });

  it('when the addresses EC2 picks leave fewer blocks than counted, the launch still stops at what fits (SDK)', async () => {
    // [api RunInstances] MinCount/MaxCount as above. Set-up: an interface fills the first block
    // (.4-.15), so the next address EC2 picks (lowest first here) falls inside a free block and
    // leaves room for one prefix where two blocks were free when the launch began.
    const subnetId = await subnetOf(ec2);
    await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, SecondaryPrivateIpAddressCount: 11 }));
    const e = await refusedUnchanged(h, ec2, () => ec2.send(withPrefix(subnetId, 2, 2)), 'InsufficientFreeAddressesInSubnet');
    assert.equal(e.message, runMessage(subnetId));
    const r = await ec2.send(withPrefix(subnetId, 1, 2));
    assert.equal(r.Instances!.length, 1);
    assert.equal(r.Instances![0]!.AmiLaunchIndex, 0);
    await invariants(h);
  });
});
