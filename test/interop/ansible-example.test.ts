/**
 * The project's own Ansible playbook (examples/ansible/) against a real ec2net, with Debian's
 * ansible and its amazon.aws collection — the way a user drives ec2net through `AWS_URL`.
 * site.yml builds a VPC, two appliances, a hot-attached interface, a key pair and an Elastic IP,
 * and moves a virtual IP between the appliances with reassignment; a second run must change
 * nothing (Ansible's idempotency contract, which amazon.aws modules keep against AWS). teardown.yml
 * removes it all.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import {
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeKeyPairsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeVpcsCommand,
} from '@aws-sdk/client-ec2';
import { fastCliWaiters, startHarness, type Harness } from './harness.js';

const run = promisify(execFile);
const examples = fileURLToPath(new URL('../../../examples/ansible/', import.meta.url));

interface Recap {
  readonly ok: number;
  readonly changed: number;
  readonly failed: number;
}

/** Runs one playbook against the harness; returns the recap line's counts (fails the test with the log otherwise). */
async function playbook(h: Harness, name: string): Promise<Recap> {
  const env = {
    ...process.env,
    AWS_URL: h.url,
    AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEPLAYBOOK1',
    AWS_SECRET_ACCESS_KEY: 'example-secret',
    AWS_REGION: 'us-east-1',
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_LOCALHOST_WARNING: 'false',
    ANSIBLE_INVENTORY_UNPARSED_WARNING: 'false',
    ANSIBLE_RETRY_FILES_ENABLED: 'false',
  };
  const { stdout } = await run('ansible-playbook', [`${examples}${name}`], { env, cwd: examples, timeout: 600_000, maxBuffer: 64 << 20 }).catch(
    (e: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`${name} failed:\n${e.stdout ?? ''}\n${e.stderr ?? e.message}`);
    },
  );
  const line = stdout.split('\n').find((l) => /^localhost\s+:/.test(l));
  assert.ok(line, `no recap in:\n${stdout}`);
  const count = (k: string) => Number(new RegExp(`${k}=(\\d+)`).exec(line!)![1]);
  return { ok: count('ok'), changed: count('changed'), failed: count('failed') };
}

describe('examples/ansible with Debian ansible (interop)', () => {
  let h: Harness;
  before(async () => {
    // ec2_instance's `wait` uses botocore's waiters (15 s between polls by default): poll every second.
    await fastCliWaiters();
    h = await startHarness();
  });
  after(async () => h.close());

  // Three ansible-playbook runs of a dozen modules each: longer than the suite's default timeout.
  it('site.yml builds the network, moves the virtual IP, and a second run changes nothing; teardown.yml removes it', { timeout: 900_000 }, async () => {
    const first = await playbook(h, 'site.yml');
    assert.equal(first.failed, 0);
    assert.ok(first.changed > 0, 'the first run creates things');

    const ec2 = h.ec2('us-east-1', 'AKIAEXAMPLEPLAYBOOK1');
    const { Vpcs } = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'tag:Name', Values: ['ec2net-example-vpc'] }] }));
    assert.equal(Vpcs?.length, 1);
    const vpcId = Vpcs![0]!.VpcId!;
    const { Reservations } = await ec2.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: 'vpc-id', Values: [vpcId] },
          { Name: 'instance-state-name', Values: ['running'] },
        ],
      }),
    );
    const instances = Reservations!.flatMap((r) => r.Instances!);
    const byName = (n: string) => instances.find((i) => i.Tags?.some((t) => t.Key === 'Name' && t.Value === `ec2net-example-appliance-${n}`))!;
    const [a, b] = [byName('a'), byName('b')];
    assert.ok(a && b, 'both appliances run');
    assert.equal(a.KeyName, 'ec2net-example-key');
    // a: eth0 plus the hot-attached floating interface at device index 1.
    assert.deepEqual(a.NetworkInterfaces!.map((n) => n.Attachment!.DeviceIndex).sort(), [0, 1]);
    // The virtual IP ended on b's primary interface, and only there.
    const { NetworkInterfaces: holders } = await ec2.send(
      new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'addresses.private-ip-address', Values: ['10.42.1.100'] }] }),
    );
    assert.deepEqual(
      holders!.map((n) => n.Attachment?.InstanceId),
      [b.InstanceId],
    );
    const { Addresses } = await ec2.send(new DescribeAddressesCommand({ Filters: [{ Name: 'instance-id', Values: [a.InstanceId!] }] }));
    assert.equal(Addresses?.length, 1);

    const second = await playbook(h, 'site.yml');
    assert.deepEqual({ failed: second.failed, changed: second.changed }, { failed: 0, changed: 0 }, 'the second run changes nothing');

    const down = await playbook(h, 'teardown.yml');
    assert.equal(down.failed, 0);
    const left = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'tag:Name', Values: ['ec2net-example-vpc'] }] }));
    assert.deepEqual(left.Vpcs, []);
    const keys = await ec2.send(new DescribeKeyPairsCommand({ Filters: [{ Name: 'key-name', Values: ['ec2net-example-key'] }] }));
    assert.deepEqual(keys.KeyPairs ?? [], []);
    const eips = await ec2.send(new DescribeAddressesCommand({}));
    assert.deepEqual(eips.Addresses ?? [], [], 'the Elastic IP was released');
  });
});
