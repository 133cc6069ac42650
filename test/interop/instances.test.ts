/**
 * Instances through the real clients (SDK v3, AWS CLI, boto3): RunInstances defaults and launch
 * validation, the lifecycle state machine (StartInstances/StopInstances/TerminateInstances and
 * their state-change answers), DescribeInstances (filters, pagination), ClientToken idempotency,
 * ModifyInstanceAttribute SourceDestCheck, and the waiters of all three clients.
 *
 * Sources, cited per test:
 * - [notes "…"] the user's ENI notes, /work/shared/reference/eni-notes.md (section named)
 * - [ref §x] /work/shared/reference/aws-behaviour.md
 * - [model] the EC2 API model's doc strings (@aws-sdk/client-ec2 d.ts)
 * - [obs …] an AWS answer recorded in a public issue or in openstack ec2-api's functional tests
 *
 * Timings are the Cloud defaults (pending/stopping/shutting-down 500 ms): tests wait with the
 * clients' own waiters or poll DescribeInstances, never sleep for a fixed time. The AWS CLI's
 * waiters use botocore's own waiter definitions with the delay lowered to 1 s (AWS_DATA_PATH), so
 * the acceptors under test are AWS's.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  AttachNetworkInterfaceCommand,
  CreateNetworkInterfaceCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeAddressesCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  ModifyInstanceAttributeCommand,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
  paginateDescribeInstances,
  waitUntilInstanceRunning,
  waitUntilInstanceStopped,
  waitUntilInstanceTerminated,
  type EC2Client,
  type Instance,
} from '@aws-sdk/client-ec2';
import { nthSubCidr6, parseIpv6Cidr } from '../../src/engine/cidr.js';
import { attachNewGateway, expectCode, fastCliWaiters, IMAGE, invariants, launch, useHarness } from './harness.js';

const ACCOUNT = '123456789012';

// ---- helpers (each interop file keeps its own) ---------------------------------------------------

/** SDK waiter options: poll every second, give up after 15 s. */
const fast = (client: EC2Client) => ({ client, minDelay: 1, maxDelay: 1, maxWaitTime: 15 });

async function getInstance(ec2: EC2Client, id: string): Promise<Instance> {
  const r = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  assert.equal(r.Reservations!.length, 1);
  return r.Reservations![0]!.Instances![0]!;
}

/** Polls DescribeInstances until the instance is in `state` (50 ms apart, 5 s at most). */
async function untilState(ec2: EC2Client, id: string, state: string): Promise<Instance> {
  const end = Date.now() + 5000;
  for (;;) {
    const i = await getInstance(ec2, id);
    if (i.State!.Name === state) return i;
    if (Date.now() > end) throw new Error(`${id} still ${i.State!.Name}, expected ${state}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function allInstances(ec2: EC2Client, filters?: { Name: string; Values: string[] }[]): Promise<Instance[]> {
  const r = await ec2.send(new DescribeInstancesCommand({ Filters: filters }));
  return (r.Reservations ?? []).flatMap((x) => x.Instances ?? []);
}

const idsOf = (list: Instance[]) => list.map((i) => i.InstanceId!).sort();

async function freeIps(ec2: EC2Client, subnetId: string): Promise<number> {
  const { Subnets } = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] }));
  return Subnets![0]!.AvailableIpAddressCount!;
}

/** A VPC with one subnet (optionally dual-stack) in `zone`. */
async function network(ec2: EC2Client, vpcCidr: string, subnetCidr: string, opts: { ipv6?: boolean; zone?: string } = {}) {
  const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: vpcCidr, AmazonProvidedIpv6CidrBlock: opts.ipv6 }));
  const ipv6 = opts.ipv6 ? nthSubCidr6(parseIpv6Cidr(Vpc!.Ipv6CidrBlockAssociationSet![0]!.Ipv6CidrBlock!)!, 64, 1).toString() : undefined;
  const { Subnet } = await ec2.send(
    new CreateSubnetCommand({ VpcId: Vpc!.VpcId!, CidrBlock: subnetCidr, Ipv6CidrBlock: ipv6, AvailabilityZone: opts.zone ?? 'us-east-1a' }),
  );
  return { vpcId: Vpc!.VpcId!, subnetId: Subnet!.SubnetId! };
}

/**
 * botocore reads data files from AWS_DATA_PATH before its own: a copy of its EC2 waiter
 * definitions with every delay set to 1 s keeps the CLI's waiters (same acceptors) fast.
 */

// The suites run side by side (each has its own server) to keep the file's wall time short.
describe('Instances (interop)', { concurrency: true }, () => {
  describe('RunInstances defaults and cold attach (interop)', { concurrency: 1 }, () => {
    const h = useHarness();
    const ec2 = h.ec2();
    before(fastCliWaiters);

    it('no subnet: a default subnet of the default VPC; eth0 is created with DeleteOnTermination=true and the default group', async () => {
      // [ref §4.17 Defaults]: no subnet → a default subnet of the default VPC; no group → the VPC's
      // default group; the auto-created primary ENI has DeleteOnTermination=true (obs S8).
      // [notes "Default EC2 virtual network interface (eth0)"]: eth0 is the only ENI created at launch.
      const i = await launch(ec2);
      assert.match(i.InstanceId!, /^i-[0-9a-f]{17}$/);
      assert.deepEqual(i.State, { Code: 0, Name: 'pending' });
      const { Vpcs } = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }));
      assert.equal(i.VpcId, Vpcs![0]!.VpcId);
      const { Subnets } = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [i.SubnetId!] }));
      assert.equal(Subnets![0]!.DefaultForAz, true);
      assert.equal(Subnets![0]!.VpcId, i.VpcId);
      assert.equal(i.Placement!.AvailabilityZone, Subnets![0]!.AvailabilityZone);
      assert.equal(i.NetworkInterfaces!.length, 1);
      const eth0 = i.NetworkInterfaces![0]!;
      assert.equal(eth0.Attachment!.DeviceIndex, 0);
      assert.equal(eth0.Attachment!.DeleteOnTermination, true);
      assert.equal(eth0.SubnetId, i.SubnetId);
      assert.equal(eth0.PrivateIpAddress, i.PrivateIpAddress);
      assert.deepEqual(
        i.SecurityGroups!.map((g) => g.GroupName),
        ['default'],
      );
      assert.deepEqual(
        eth0.Groups!.map((g) => g.GroupName),
        ['default'],
      );

      await waitUntilInstanceRunning(fast(ec2), { InstanceIds: [i.InstanceId!] });
      const running = await getInstance(ec2, i.InstanceId!);
      assert.deepEqual(running.State, { Code: 16, Name: 'running' });
      // The same interface through DescribeNetworkInterfaces: in-use, attached, DeleteOnTermination=true.
      const { NetworkInterfaces } = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eth0.NetworkInterfaceId!] }));
      const eni = NetworkInterfaces![0]!;
      assert.equal(eni.Status, 'in-use');
      assert.equal(eni.Attachment!.InstanceId, i.InstanceId);
      assert.equal(eni.Attachment!.InstanceOwnerId, ACCOUNT);
      assert.equal(eni.Attachment!.Status, 'attached');
      assert.equal(eni.Attachment!.DeleteOnTermination, true);
      assert.equal(eni.Attachment!.DeviceIndex, 0);
      // [notes "ENIs"]: you can name the address in the subnet, or leave AWS to pick one.
      const pinned = await launch(ec2, { SubnetId: i.SubnetId, PrivateIpAddress: '172.31.0.100' });
      assert.equal(pinned.PrivateIpAddress, '172.31.0.100');
      assert.equal(pinned.NetworkInterfaces![0]!.PrivateIpAddress, '172.31.0.100');
      await expectCode(launch(ec2, { SubnetId: i.SubnetId, PrivateIpAddress: '172.31.0.100' }), 'InvalidIPAddress.InUse');
      await invariants(h);
    });

    it('an existing ENI at launch (cold attach) gets DeleteOnTermination=false and survives termination as available with all its addresses (CLI)', async () => {
      // [notes "Network interfaces created by CLI are NOT terminated automatically"]
      // [notes "Attaching ENI when the instance is launched is called cold attach"]
      // [ref §4.17 DeleteOnTermination]: an existing ENI passed at launch → false; it survives as `available` (obs S8).
      // [ref §4.18]: DeleteOnTermination=false interfaces are detached and keep private IPs, SGs and their EIP association.
      const net = await network(ec2, '10.0.0.0/16', '10.0.1.0/24', { ipv6: true });
      await attachNewGateway(ec2, net.vpcId); // the Elastic IP below needs a gateway [ref §4.13]
      const { NetworkInterface: created } = await ec2.send(
        new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId, SecondaryPrivateIpAddressCount: 1, Ipv6AddressCount: 1 }),
      );
      const eniId = created!.NetworkInterfaceId!;
      const eip = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
      await ec2.send(new AssociateAddressCommand({ AllocationId: eip.AllocationId, NetworkInterfaceId: eniId }));
      const free = await freeIps(ec2, net.subnetId);

      const out = await h.cli([
        'run-instances',
        '--image-id',
        IMAGE,
        '--instance-type',
        't3.micro',
        '--network-interfaces',
        `DeviceIndex=0,NetworkInterfaceId=${eniId}`,
      ]);
      const id = out.Instances[0].InstanceId as string;
      assert.equal(out.Instances[0].SubnetId, net.subnetId);
      assert.equal(out.Instances[0].VpcId, net.vpcId);
      assert.equal(out.Instances[0].NetworkInterfaces[0].NetworkInterfaceId, eniId);
      assert.equal(out.Instances[0].NetworkInterfaces[0].Attachment.DeleteOnTermination, false);
      assert.equal(await freeIps(ec2, net.subnetId), free, 'a cold attach takes no new address');
      // The EIP on the ENI's primary address is the instance's public address.
      assert.equal(out.Instances[0].PublicIpAddress, eip.PublicIp);
      const { NetworkInterfaces: cold } = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] }));
      assert.equal(cold![0]!.Attachment!.InstanceId, id);
      assert.equal(cold![0]!.Attachment!.DeleteOnTermination, false);
      assert.equal(cold![0]!.Status, 'in-use');

      await waitUntilInstanceRunning(fast(ec2), { InstanceIds: [id] });
      await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
      await waitUntilInstanceTerminated(fast(ec2), { InstanceIds: [id] });
      await h.cli(['wait', 'network-interface-available', '--network-interface-ids', eniId]);

      const { NetworkInterfaces } = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] }));
      const after = NetworkInterfaces![0]!;
      assert.equal(after.Status, 'available');
      assert.equal(after.Attachment, undefined);
      assert.equal(after.MacAddress, created!.MacAddress);
      assert.deepEqual(
        after.PrivateIpAddresses!.map((a) => a.PrivateIpAddress),
        created!.PrivateIpAddresses!.map((a) => a.PrivateIpAddress),
      );
      assert.deepEqual(
        after.Ipv6Addresses!.map((a) => a.Ipv6Address),
        created!.Ipv6Addresses!.map((a) => a.Ipv6Address),
      );
      assert.equal(after.Association?.PublicIp, eip.PublicIp, 'the Elastic IP stays associated');
      const { Addresses } = await ec2.send(new DescribeAddressesCommand({ AllocationIds: [eip.AllocationId!] }));
      assert.equal(Addresses![0]!.NetworkInterfaceId, eniId);
      assert.equal(Addresses![0]!.InstanceId, undefined, 'the instance id drops from the address');
      assert.equal(await freeIps(ec2, net.subnetId), free, 'the surviving interface keeps its addresses');
      await invariants(h);
    });

    it("new interfaces at launch default to DeleteOnTermination=true; an explicit false (the console's manual eth1) survives termination", async () => {
      // [notes "By default, network interfaces created automatically during launch … are terminated …
      // Does not include eth1 that you can add during launch"]: the console sends DeleteOnTermination=false
      // for that eth1. The API default for a new interface is true (AWS support, quoted in
      // terraform-provider-aws#6080: NOT_SET → "Delete on Termination = True").
      const net = await network(ec2, '10.0.0.0/16', '10.0.1.0/24');
      const i = await launch(ec2, {
        NetworkInterfaces: [
          { DeviceIndex: 0, SubnetId: net.subnetId },
          { DeviceIndex: 1, SubnetId: net.subnetId, DeleteOnTermination: false },
        ],
      });
      const [eth0, eth1] = i.NetworkInterfaces!;
      assert.equal(eth0!.Attachment!.DeleteOnTermination, true);
      assert.equal(eth1!.Attachment!.DeleteOnTermination, false);
      await ec2.send(new TerminateInstancesCommand({ InstanceIds: [i.InstanceId!] }));
      await waitUntilInstanceTerminated(fast(ec2), { InstanceIds: [i.InstanceId!] });
      await expectCode(
        ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eth0!.NetworkInterfaceId!] })),
        'InvalidNetworkInterfaceID.NotFound',
      );
      const { NetworkInterfaces } = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eth1!.NetworkInterfaceId!] }));
      assert.equal(NetworkInterfaces![0]!.Status, 'available');
      await invariants(h);
    });

    it('ClientToken: the same token and request returns the same reservation; a different request is IdempotentParameterMismatch', async () => {
      // [doc EC2 "Ensuring idempotency"] via the SDK, then boto3 with the same token.
      const token = 'run-once-0001';
      const a = await ec2.send(new RunInstancesCommand({ ImageId: IMAGE, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, ClientToken: token }));
      const b = await ec2.send(new RunInstancesCommand({ ImageId: IMAGE, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, ClientToken: token }));
      assert.equal(b.ReservationId, a.ReservationId);
      assert.deepEqual(
        b.Instances!.map((x) => x.InstanceId),
        a.Instances!.map((x) => x.InstanceId),
      );
      assert.equal(a.Instances![0]!.ClientToken, token);
      const viaBoto = await h.boto3(
        `result = ec2.run_instances(ImageId='${IMAGE}', InstanceType='t3.micro', MinCount=1, MaxCount=1, ClientToken='${token}')['Instances'][0]['InstanceId']`,
      );
      assert.equal(viaBoto, a.Instances![0]!.InstanceId);
      assert.equal((await allInstances(ec2)).length, 1, 'one instance, however often the request is repeated');
      await expectCode(
        ec2.send(new RunInstancesCommand({ ImageId: IMAGE, InstanceType: 'm5.large', MinCount: 1, MaxCount: 1, ClientToken: token })),
        'IdempotentParameterMismatch',
      );
      assert.equal((await allInstances(ec2)).length, 1);
      const byToken = await allInstances(ec2, [{ Name: 'client-token', Values: [token] }]);
      assert.deepEqual(idsOf(byToken), [a.Instances![0]!.InstanceId!]);
      await invariants(h);
    });
  });

  describe('RunInstances validation (interop)', { concurrency: 1 }, () => {
    const h = useHarness();
    const ec2 = h.ec2();

    it('an existing ENI with DeleteOnTermination=true is InvalidParameterCombination, and nothing is launched', async () => {
      // [ref §4.17 DeleteOnTermination] [model InstanceNetworkInterfaceSpecification.DeleteOnTermination]
      // [obs S8 test_create_instance_with_invalid_params; terraform#12933 quotes the message]
      const net = await network(ec2, '10.0.0.0/16', '10.0.1.0/24');
      const { NetworkInterface: eni } = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId }));
      const e = await expectCode(
        launch(ec2, { NetworkInterfaces: [{ NetworkInterfaceId: eni!.NetworkInterfaceId, DeviceIndex: 0, DeleteOnTermination: true }] }),
        'InvalidParameterCombination',
      );
      assert.equal(e.message, 'A network interface may not specify a network interface ID and delete on termination as true');
      assert.deepEqual(await allInstances(ec2), []);
      const { NetworkInterfaces } = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eni!.NetworkInterfaceId!] }));
      assert.equal(NetworkInterfaces![0]!.Status, 'available');
      await invariants(h);
    });

    it('NetworkInterfaces with a top-level SubnetId is InvalidParameterCombination (boto3), and nothing is created', async () => {
      // [ref §4.17 NetworkInterfaces list]; message observed from AWS (aws-cli#1874, goamz#188).
      const net = await network(ec2, '10.0.0.0/16', '10.0.1.0/24');
      const free = await freeIps(ec2, net.subnetId);
      await expectCode(
        h
          .boto3(
            `ec2.run_instances(ImageId='${IMAGE}', InstanceType='t3.micro', MinCount=1, MaxCount=1, SubnetId='${net.subnetId}', ` +
              `NetworkInterfaces=[{'DeviceIndex': 0, 'SubnetId': '${net.subnetId}'}])`,
          )
          .catch((e: Error) => {
            assert.match(e.message, /Network interfaces and an instance-level subnet ID may not be specified on the same request/);
            throw e;
          }),
        'InvalidParameterCombination',
      );
      assert.deepEqual(await allInstances(ec2), []);
      assert.equal(await freeIps(ec2, net.subnetId), free);
      const { NetworkInterfaces } = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'subnet-id', Values: [net.subnetId] }] }));
      assert.deepEqual(NetworkInterfaces, []);
      await invariants(h);
    });

    it('an ENI already attached elsewhere is InvalidNetworkInterface.InUse', async () => {
      // [obs terraform-provider-aws#27513, aws-parallelcluster#4063]: "InvalidNetworkInterface.InUse: Interface: [eni-x] in use."
      const first = await launch(ec2);
      const eth0 = first.NetworkInterfaces![0]!.NetworkInterfaceId!;
      const e = await expectCode(launch(ec2, { NetworkInterfaces: [{ NetworkInterfaceId: eth0, DeviceIndex: 0 }] }), 'InvalidNetworkInterface.InUse');
      assert.equal(e.message, `Interface: [${eth0}] in use.`);
      assert.deepEqual(idsOf(await allInstances(ec2)), [first.InstanceId!]);
      await invariants(h);
    });

    it('network-interface tags with no interface to create are InvalidParameterValue', async () => {
      // [obs kubernetes-sigs/cluster-api-provider-aws#5594]
      const net = await network(ec2, '10.0.0.0/16', '10.0.1.0/24');
      const { NetworkInterface: eni } = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId }));
      const e = await expectCode(
        launch(ec2, {
          NetworkInterfaces: [{ NetworkInterfaceId: eni!.NetworkInterfaceId, DeviceIndex: 0 }],
          TagSpecifications: [{ ResourceType: 'network-interface', Tags: [{ Key: 'k', Value: 'v' }] }],
        }),
        'InvalidParameterValue',
      );
      assert.equal(e.message, 'You cannot specify tags for network interfaces if there are no network interfaces being created by the request.');
      assert.deepEqual(await allInstances(ec2), []);
      await invariants(h);
    });

    it('more interfaces than the type allows is AttachmentLimitExceeded at launch; nothing is created', async () => {
      // [ref §6] t3.micro: 2 interfaces. [ref §4.7 Errors] message format "Interface count <N> exceeds the
      // limit for <type>" [obs f5devcentral/terraform-aws-bigip#28: a 3-NIC launch of m4.large; knife-ec2#375].
      const net = await network(ec2, '10.0.0.0/16', '10.0.1.0/24');
      const free = await freeIps(ec2, net.subnetId);
      const e = await expectCode(
        launch(ec2, { NetworkInterfaces: [0, 1, 2].map((DeviceIndex) => ({ DeviceIndex, SubnetId: net.subnetId })) }),
        'AttachmentLimitExceeded',
      );
      assert.equal(e.message, 'Interface count 3 exceeds the limit for t3.micro');
      assert.equal(await freeIps(ec2, net.subnetId), free);
      assert.deepEqual(await allInstances(ec2), []);
      // m5.large allows 3 [ref §6]. The notes' "only one additional (eth1) at launch" is the console's
      // limit; the API allows up to the type's limit [ref §4.17 Other; S8 launches with eth0 + index 2].
      const ok = await launch(ec2, { InstanceType: 'm5.large', NetworkInterfaces: [0, 1, 2].map((DeviceIndex) => ({ DeviceIndex, SubnetId: net.subnetId })) });
      assert.deepEqual(
        ok.NetworkInterfaces!.map((n) => n.Attachment!.DeviceIndex),
        [0, 1, 2],
      );
      assert.equal(await freeIps(ec2, net.subnetId), free - 3);
      await invariants(h);
    });

    it('a new interface with more addresses than the type allows per interface is refused at launch', async () => {
      // [ref §6] t3.micro: 2 IPv4 addresses per interface (primary + 1). [ref §4.17 Errors] InvalidInterface.IpAddressLimitExceeded.
      const net = await network(ec2, '10.0.0.0/16', '10.0.1.0/24');
      const free = await freeIps(ec2, net.subnetId);
      await expectCode(
        launch(ec2, { NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: net.subnetId, SecondaryPrivateIpAddressCount: 2 }] }),
        'InvalidInterface.IpAddressLimitExceeded',
      );
      assert.equal(await freeIps(ec2, net.subnetId), free);
      const ok = await launch(ec2, { NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: net.subnetId, SecondaryPrivateIpAddressCount: 1 }] });
      assert.equal(ok.NetworkInterfaces![0]!.PrivateIpAddresses!.length, 2);
      await invariants(h);
    });
  });

  describe('Instance lifecycle (interop)', { concurrency: 1 }, () => {
    const h = useHarness();
    const ec2 = h.ec2();

    it('Stop/Start/Terminate answer CurrentState/PreviousState with AWS codes 0/16/32/48/64/80 (SDK waiters)', async () => {
      // [model InstanceState.Code: 0 pending, 16 running, 32 shutting-down, 48 terminated, 64 stopping, 80 stopped]
      // [model TerminateInstances: idempotent] [doc EC2 User Guide "Instance lifecycle"]
      const id = (await launch(ec2)).InstanceId!;
      const state = (Code: number, Name: string) => ({ Code, Name });
      await waitUntilInstanceRunning(fast(ec2), { InstanceIds: [id] });

      const stop = await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
      assert.deepEqual(stop.StoppingInstances, [{ InstanceId: id, CurrentState: state(64, 'stopping'), PreviousState: state(16, 'running') }]);
      await waitUntilInstanceStopped(fast(ec2), { InstanceIds: [id] });
      const stopped = await getInstance(ec2, id);
      assert.deepEqual(stopped.State, state(80, 'stopped'));
      assert.match(stopped.StateTransitionReason!, /^User initiated \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT\)$/);
      // Stopping a stopped instance changes nothing and says so.
      const again = await ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
      assert.deepEqual(again.StoppingInstances![0]!.CurrentState, state(80, 'stopped'));
      assert.deepEqual(again.StoppingInstances![0]!.PreviousState, state(80, 'stopped'));

      const start = await ec2.send(new StartInstancesCommand({ InstanceIds: [id] }));
      assert.deepEqual(start.StartingInstances, [{ InstanceId: id, CurrentState: state(0, 'pending'), PreviousState: state(80, 'stopped') }]);
      await waitUntilInstanceRunning(fast(ec2), { InstanceIds: [id] });
      const startAgain = await ec2.send(new StartInstancesCommand({ InstanceIds: [id] }));
      assert.deepEqual(startAgain.StartingInstances![0]!.CurrentState, state(16, 'running'));
      assert.deepEqual(startAgain.StartingInstances![0]!.PreviousState, state(16, 'running'));

      const term = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
      assert.deepEqual(term.TerminatingInstances, [{ InstanceId: id, CurrentState: state(32, 'shutting-down'), PreviousState: state(16, 'running') }]);
      await waitUntilInstanceTerminated(fast(ec2), { InstanceIds: [id] });
      const term2 = await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
      assert.deepEqual(term2.TerminatingInstances, [{ InstanceId: id, CurrentState: state(48, 'terminated'), PreviousState: state(48, 'terminated') }]);
      await invariants(h);
    });

    it('a terminated instance cannot be started (IncorrectInstanceState) or stopped; a pending one cannot be stopped', async () => {
      // [doc S3 IncorrectInstanceState]; the terminated-stop wording is observed (ansible-collections/amazon.aws#146).
      const pending = (await launch(ec2)).InstanceId!;
      const p = await expectCode(ec2.send(new StopInstancesCommand({ InstanceIds: [pending] })), 'IncorrectInstanceState');
      // [obs cloud-custodian#6014, flatcar/mantle#315]
      assert.equal(p.message, `Instance '${pending}' cannot be stopped as it has never reached the 'running' state.`);
      await untilState(ec2, pending, 'running');
      await ec2.send(new TerminateInstancesCommand({ InstanceIds: [pending] }));
      await untilState(ec2, pending, 'terminated');
      const e = await expectCode(ec2.send(new StartInstancesCommand({ InstanceIds: [pending] })), 'IncorrectInstanceState');
      assert.equal(e.message, `The instance '${pending}' is not in a state from which it can be started.`);
      const s = await expectCode(ec2.send(new StopInstancesCommand({ InstanceIds: [pending] })), 'IncorrectInstanceState');
      assert.equal(s.message, `This instance '${pending}' is not in a state from which it can be stopped.`);
      await invariants(h);
    });

    it('StartInstances refusing one instance starts none of them', async () => {
      // A refused request changes nothing (ec2net choice, matching TerminateInstances' documented
      // all-or-nothing rule [model TerminateInstances]).
      const a = (await launch(ec2)).InstanceId!;
      const b = (await launch(ec2)).InstanceId!;
      await untilState(ec2, a, 'running');
      await untilState(ec2, b, 'running');
      await ec2.send(new StopInstancesCommand({ InstanceIds: [a] }));
      await ec2.send(new TerminateInstancesCommand({ InstanceIds: [b] }));
      await untilState(ec2, a, 'stopped');
      await untilState(ec2, b, 'terminated');
      await expectCode(ec2.send(new StartInstancesCommand({ InstanceIds: [a, b] })), 'IncorrectInstanceState');
      assert.equal((await getInstance(ec2, a)).State!.Name, 'stopped');
      await invariants(h);
    });

    it('TerminateInstances with one unknown id is InvalidInstanceID.NotFound and terminates nothing', async () => {
      // [model TerminateInstances]: "If you specify multiple instances and the request fails (for example,
      // because of a single incorrect instance ID), none of the instances are terminated."
      // [ref §8] message "The instance ID 'i-x' does not exist".
      const id = (await launch(ec2)).InstanceId!;
      await untilState(ec2, id, 'running');
      const unknown = 'i-0123456789abcdef0';
      const e = await expectCode(ec2.send(new TerminateInstancesCommand({ InstanceIds: [id, unknown] })), 'InvalidInstanceID.NotFound');
      assert.equal(e.message, `The instance ID '${unknown}' does not exist`);
      assert.equal((await getInstance(ec2, id)).State!.Name, 'running');
      await expectCode(ec2.send(new TerminateInstancesCommand({ InstanceIds: [id, 'i-xyz'] })), 'InvalidInstanceID.Malformed');
      assert.equal((await getInstance(ec2, id)).State!.Name, 'running');
      await invariants(h);
    });

    it('terminated instances stay visible in DescribeInstances, without their interfaces', async () => {
      // [model TerminateInstances] "Terminated instances remain visible after termination (for approximately one hour)."
      // [ref §4.18]: the DeleteOnTermination=true eth0 is deleted and its address released.
      const i = await launch(ec2);
      const eth0 = i.NetworkInterfaces![0]!.NetworkInterfaceId!;
      const free = await freeIps(ec2, i.SubnetId!);
      await ec2.send(new TerminateInstancesCommand({ InstanceIds: [i.InstanceId!] }));
      const shutting = await getInstance(ec2, i.InstanceId!);
      assert.ok(['shutting-down', 'terminated'].includes(shutting.State!.Name!));
      await waitUntilInstanceTerminated(fast(ec2), { InstanceIds: [i.InstanceId!] });
      const gone = await getInstance(ec2, i.InstanceId!);
      assert.deepEqual(gone.State, { Code: 48, Name: 'terminated' });
      assert.deepEqual(gone.NetworkInterfaces, []);
      assert.equal(gone.PublicIpAddress, undefined);
      assert.equal(gone.PrivateIpAddress, undefined);
      assert.deepEqual(idsOf(await allInstances(ec2, [{ Name: 'instance-state-name', Values: ['terminated'] }])), [i.InstanceId!]);
      await expectCode(ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eth0] })), 'InvalidNetworkInterfaceID.NotFound');
      assert.equal(await freeIps(ec2, i.SubnetId!), free + 1);
      await invariants(h);
    });
  });

  describe('Waiters (interop)', { concurrency: 1 }, () => {
    const h = useHarness();
    const ec2 = h.ec2();
    before(fastCliWaiters);

    it('waiters: AWS CLI wait instance-running/-stopped/-terminated, boto3 waiters, and a terminal failure', async () => {
      // botocore's waiter definitions (InstanceRunning fails on shutting-down/terminated/stopping;
      // InstanceStopped fails on pending/terminated; InstanceTerminated fails on pending/stopping).
      // The CLI chain and the boto3 chain run side by side, each on its own instance.
      const cliChain = async () => {
        const cliId = (await launch(ec2)).InstanceId!;
        await h.cli(['wait', 'instance-running', '--instance-ids', cliId]);
        assert.equal((await getInstance(ec2, cliId)).State!.Name, 'running');
        await ec2.send(new StopInstancesCommand({ InstanceIds: [cliId] }));
        await h.cli(['wait', 'instance-stopped', '--instance-ids', cliId]);
        assert.equal((await getInstance(ec2, cliId)).State!.Name, 'stopped');
        await ec2.send(new TerminateInstancesCommand({ InstanceIds: [cliId] }));
        await h.cli(['wait', 'instance-terminated', '--instance-ids', cliId]);
        assert.equal((await getInstance(ec2, cliId)).State!.Name, 'terminated');
        return cliId;
      };
      // boto3: launch and wait in one script, so the first poll sees `pending` and the waiter retries.
      const botoChain = h.boto3(`
iid = ec2.run_instances(ImageId='${IMAGE}', InstanceType='t3.micro', MinCount=1, MaxCount=1)['Instances'][0]['InstanceId']
cfg = {'Delay': 1, 'MaxAttempts': 15}
seen = [ec2.describe_instances(InstanceIds=[iid])['Reservations'][0]['Instances'][0]['State']['Name']]
ec2.get_waiter('instance_running').wait(InstanceIds=[iid], WaiterConfig=cfg)
seen.append(ec2.describe_instances(InstanceIds=[iid])['Reservations'][0]['Instances'][0]['State']['Name'])
ec2.stop_instances(InstanceIds=[iid])
ec2.get_waiter('instance_stopped').wait(InstanceIds=[iid], WaiterConfig=cfg)
seen.append(ec2.describe_instances(InstanceIds=[iid])['Reservations'][0]['Instances'][0]['State']['Name'])
ec2.terminate_instances(InstanceIds=[iid])
ec2.get_waiter('instance_terminated').wait(InstanceIds=[iid], WaiterConfig=cfg)
seen.append(ec2.describe_instances(InstanceIds=[iid])['Reservations'][0]['Instances'][0]['State']['Name'])
result = seen`);
      const [cliId, states] = await Promise.all([cliChain(), botoChain]);
      assert.ok(['pending', 'running'].includes(states[0]), states[0]);
      assert.deepEqual(states.slice(1), ['running', 'stopped', 'terminated']);

      // Waiting for `running` on a terminated instance is a terminal failure, at once, in every client.
      const cliFail = await h.cli(['wait', 'instance-running', '--instance-ids', cliId]).then(
        () => undefined,
        (e: Error) => e,
      );
      assert.ok(cliFail, 'the CLI waiter must fail');
      assert.match(cliFail.message, /Waiter InstanceRunning failed: Waiter encountered a terminal failure state/);
      const sdkFail = await waitUntilInstanceRunning(fast(ec2), { InstanceIds: [cliId] }).then(
        () => undefined,
        (e: Error) => e,
      );
      assert.ok(sdkFail, 'the SDK waiter must fail');
      assert.match(String(sdkFail.message), /FAILURE/);
      await invariants(h);
    });
  });

  describe('DescribeInstances (interop)', { concurrency: 1 }, () => {
    const h = useHarness();
    const ec2 = h.ec2();

    it('filters: instance-state-name, network-interface.*, subnet-id, tag:Name, private-ip-address, ip-address (SDK, CLI)', async () => {
      // Filter names and meanings: EC2 API reference, DescribeInstances "Filters".
      // private-ip-address: eth0's primary address only ("To filter by additional IP addresses … use
      // network-interface.addresses.private-ip-address").
      const net = await network(ec2, '10.0.0.0/16', '10.0.1.0/24');
      const { NetworkInterface: spare } = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: net.subnetId, PrivateIpAddress: '10.0.1.50' }));
      const web = await launch(ec2, { TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'web-1' }] }] });
      const db = await launch(ec2, {
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'db-1' }] }],
        NetworkInterfaces: [
          {
            DeviceIndex: 0,
            SubnetId: net.subnetId,
            PrivateIpAddresses: [
              { PrivateIpAddress: '10.0.1.20', Primary: true },
              { PrivateIpAddress: '10.0.1.21', Primary: false },
            ],
          },
          { DeviceIndex: 1, NetworkInterfaceId: spare!.NetworkInterfaceId },
        ],
      });
      const idle = await launch(ec2);
      for (const i of [web, db, idle]) await untilState(ec2, i.InstanceId!, 'running');
      await ec2.send(new StopInstancesCommand({ InstanceIds: [idle.InstanceId!] }));
      await untilState(ec2, idle.InstanceId!, 'stopped');
      const webNow = await getInstance(ec2, web.InstanceId!);
      assert.ok(webNow.PublicIpAddress);

      const f = async (Name: string, ...Values: string[]) => idsOf(await allInstances(ec2, [{ Name, Values }]));
      assert.deepEqual(await f('instance-state-name', 'running'), idsOf([web, db]));
      assert.deepEqual(await f('instance-state-name', 'stopped'), [idle.InstanceId!]);
      assert.deepEqual(await f('instance-state-code', '80'), [idle.InstanceId!]);
      assert.deepEqual(await f('network-interface.private-ip-address', '10.0.1.50'), [db.InstanceId!], 'eth1 addresses count');
      assert.deepEqual(await f('network-interface.addresses.private-ip-address', '10.0.1.21'), [db.InstanceId!]);
      assert.deepEqual(await f('network-interface.network-interface-id', spare!.NetworkInterfaceId!), [db.InstanceId!]);
      assert.deepEqual(await f('subnet-id', net.subnetId), [db.InstanceId!]);
      assert.deepEqual(await f('private-ip-address', '10.0.1.20'), [db.InstanceId!]);
      assert.deepEqual(await f('private-ip-address', '10.0.1.21'), [], 'a secondary address is not the instance address');
      assert.deepEqual(await f('ip-address', webNow.PublicIpAddress!), [web.InstanceId!]);
      assert.deepEqual(await f('ip-address', '*'), [web.InstanceId!], 'db (two interfaces) and the stopped instance have no public IPv4');
      assert.deepEqual(await f('tag:Name', 'db-1'), [db.InstanceId!]);

      const cli = await h.cli(['describe-instances', '--filters', 'Name=tag:Name,Values=web-*', 'Name=instance-state-name,Values=running']);
      assert.deepEqual(
        cli.Reservations.flatMap((r: { Instances: Instance[] }) => r.Instances.map((i) => i.InstanceId)),
        [web.InstanceId],
      );
      assert.deepEqual(await f('network-interface.private-ip-address', '10.0.1.5*'), [db.InstanceId!], 'wildcards');
      await invariants(h);
    });

    it('pagination with MaxResults 5 through the SDK paginator and boto3 paginator; bad MaxResults refused', async () => {
      // [model DescribeInstances MaxResults 5–1000; not with InstanceIds] [model paginators-1 DescribeInstances]
      const r = await ec2.send(new RunInstancesCommand({ ImageId: IMAGE, InstanceType: 't3.micro', MinCount: 7, MaxCount: 7 }));
      assert.equal(r.Instances!.length, 7);
      assert.deepEqual(
        r.Instances!.map((i) => i.AmiLaunchIndex),
        [0, 1, 2, 3, 4, 5, 6],
      );
      const seen: string[] = [];
      let pages = 0;
      for await (const page of paginateDescribeInstances({ client: ec2, pageSize: 5 }, {})) {
        pages++;
        const ids = (page.Reservations ?? []).flatMap((x) => x.Instances ?? []).map((i) => i.InstanceId!);
        assert.ok(ids.length <= 5, `a page of ${ids.length}`);
        for (const x of page.Reservations ?? []) assert.equal(x.ReservationId, r.ReservationId);
        seen.push(...ids);
      }
      assert.equal(pages, 2);
      assert.deepEqual(seen.sort(), idsOf(r.Instances!));
      const boto = await h.boto3(`
seen = []
for page in ec2.get_paginator('describe_instances').paginate(PaginationConfig={'PageSize': 5}):
    seen += [i['InstanceId'] for res in page['Reservations'] for i in res['Instances']]
result = sorted(seen)`);
      assert.deepEqual(boto, idsOf(r.Instances!));
      await expectCode(ec2.send(new DescribeInstancesCommand({ MaxResults: 4 })), 'InvalidParameterValue');
      await expectCode(ec2.send(new DescribeInstancesCommand({ MaxResults: 5, InstanceIds: [r.Instances![0]!.InstanceId!] })), 'InvalidParameterCombination');
      await invariants(h);
    });
  });

  describe('ModifyInstanceAttribute SourceDestCheck (interop)', { concurrency: 1 }, () => {
    const h = useHarness();
    const ec2 = h.ec2();

    it('applies to the primary interface; refused with several interfaces (InvalidInstanceID) and on a terminated instance', async () => {
      // [notes "Attributes": each ENI has a source/destination check flag]
      // [ref §5 Source/dest check]: the instance-level attribute only works with one ENI; with more →
      // InvalidInstanceID "There are multiple interfaces attached…".
      const i = await launch(ec2);
      const id = i.InstanceId!;
      const eth0 = i.NetworkInterfaces![0]!.NetworkInterfaceId!;
      await untilState(ec2, id, 'running');
      await ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: id, SourceDestCheck: { Value: false } }));
      const { NetworkInterfaces } = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eth0] }));
      assert.equal(NetworkInterfaces![0]!.SourceDestCheck, false);
      assert.equal((await getInstance(ec2, id)).SourceDestCheck, false);
      const attr = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: 'sourceDestCheck' }));
      assert.equal(attr.SourceDestCheck!.Value, false);
      // The CLI's boolean form sets it back.
      await h.cli(['modify-instance-attribute', '--instance-id', id, '--source-dest-check']);
      assert.equal((await getInstance(ec2, id)).SourceDestCheck, true);

      const { NetworkInterface: eth1 } = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: i.SubnetId! }));
      await ec2.send(new AttachNetworkInterfaceCommand({ InstanceId: id, NetworkInterfaceId: eth1!.NetworkInterfaceId!, DeviceIndex: 1 }));
      const e = await expectCode(ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: id, SourceDestCheck: { Value: false } })), 'InvalidInstanceID');
      assert.equal(e.message, `There are multiple interfaces attached to instance '${id}'. Please specify an interface ID for the operation instead.`);
      const after = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eth0, eth1!.NetworkInterfaceId!] }));
      assert.deepEqual(
        after.NetworkInterfaces!.map((n) => n.SourceDestCheck),
        [true, true],
      );

      await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
      await untilState(ec2, id, 'terminated');
      // No interface is left to carry the flag: refused, not a server error.
      await expectCode(ec2.send(new ModifyInstanceAttributeCommand({ InstanceId: id, SourceDestCheck: { Value: false } })), 'InvalidInstanceID');
      await invariants(h);
    });
  });
});
