/**
 * The private IPv4s EC2 picks, with `--ip-allocation random` (the command's default).
 *
 * Rules:
 * - [ug "IP addressing for your VPCs and subnets"] an interface gets "a private IPv4 address from the IPv4
 *   address range of the subnet"; no order is promised, and AWS's picks are scattered over the subnet.
 * - [client] amazon.aws's ec2_eni integration target creates an interface letting EC2 pick its address, then
 *   names .132–.136 of the same /24 by hand: against a lowest-first allocator that only works by luck of
 *   order, against AWS because picks are scattered.
 * - [ug "Subnet CIDR blocks"] the first four and the last address are reserved; a full subnet refuses with
 *   InsufficientFreeAddressesInSubnet [api error codes].
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AssignPrivateIpAddressesCommand, CreateNetworkInterfaceCommand, CreateSubnetCommand, CreateVpcCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { expectCode, invariants, useHarness } from './harness.js';

async function subnet(ec2: EC2Client, cidr: string): Promise<string> {
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
  return (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr }))).Subnet!.SubnetId!;
}

const lastOctet = (ip: string) => Number(ip.split('.')[3]);

describe('private IPv4s EC2 picks: scattered (interop, --ip-allocation random)', () => {
  const h = useHarness({ ipAllocation: 'random' });

  it('primary and secondary addresses are scattered over the subnet, distinct and never reserved (SDK)', async () => {
    const ec2 = h.ec2();
    const subnetId = await subnet(ec2, '10.0.1.0/24');
    const picked: string[] = [];
    for (let i = 0; i < 8; i++) {
      const eni = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, SecondaryPrivateIpAddressCount: 1 }))).NetworkInterface!;
      picked.push(...eni.PrivateIpAddresses!.map((a) => a.PrivateIpAddress!));
    }
    assert.equal(new Set(picked).size, 16);
    for (const ip of picked) assert.ok(ip.startsWith('10.0.1.') && lastOctet(ip) >= 4 && lastOctet(ip) <= 254, ip);
    const lowest = Array.from({ length: 16 }, (_, k) => `10.0.1.${4 + k}`);
    assert.notDeepEqual([...picked].sort(), lowest.sort());
    assert.ok(picked.some((ip) => lastOctet(ip) > 128));
    await invariants(h);
  });

  it('as the ec2_eni target does: one address picked by EC2, then .132–.136 named by hand (boto3)', async () => {
    const ec2 = h.ec2();
    const subnetId = await subnet(ec2, '10.0.2.0/24');
    const got = await h.boto3(`
first = ec2.create_network_interface(SubnetId='${subnetId}')['NetworkInterface']['PrivateIpAddress']
named = []
for k in range(132, 137):
    if first == '10.0.2.%d' % k:
        continue
    named.append(ec2.create_network_interface(SubnetId='${subnetId}', PrivateIpAddress='10.0.2.%d' % k)['NetworkInterface']['PrivateIpAddress'])
result = [first, named]`);
    assert.ok(got[1].length >= 4);
    // Naming an address EC2 already gave is InvalidIPAddress.InUse, as on AWS.
    await expectCode(ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId, PrivateIpAddress: got[0] })), 'InvalidIPAddress.InUse');
  });

  it('a /28 fills completely (11 addresses) and then refuses, with the addresses unchanged (CLI)', async () => {
    const ec2 = h.ec2();
    const subnetId = await subnet(ec2, '10.0.3.0/28');
    const eni = await h.cli(['create-network-interface', '--subnet-id', subnetId, '--secondary-private-ip-address-count', '9']);
    const more = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId }));
    const all = [
      ...eni.NetworkInterface.PrivateIpAddresses.map((a: { PrivateIpAddress: string }) => a.PrivateIpAddress),
      more.NetworkInterface!.PrivateIpAddress!,
    ];
    assert.deepEqual(
      all.map(lastOctet).sort((a, b) => a - b),
      [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14],
    );
    await expectCode(
      ec2.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: more.NetworkInterface!.NetworkInterfaceId, SecondaryPrivateIpAddressCount: 1 })),
      'InsufficientFreeAddressesInSubnet',
    );
    await invariants(h);
  });
});
