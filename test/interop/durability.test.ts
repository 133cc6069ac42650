/**
 * Durable state and state transfer (the "trust" issue): a restart restores everything exactly;
 * export/import move a whole state; a corrupt or inconsistent import is refused and changes nothing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  CreateNetworkInterfaceCommand,
  CreateNetworkInterfacePermissionCommand,
  DescribeInstancesCommand,
  DescribeSubnetsCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import pino from 'pino';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { Journal } from '../../src/store/journal.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'ec2net-durable-'));
  dirs.push(d);
  return d;
};
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A stopped clock: states compared across a restart do not move on by themselves (a launch stays `pending`) on a slow machine. */
const CLOCK = { now: () => new Date(Date.UTC(2026, 0, 1)) };
const start = (dataDir?: string) =>
  startServer({ host: '127.0.0.1', port: 0, accountId: '123456789012', logLevel: 'silent', dataDir, cloud: CLOCK }, pino({ level: 'silent' }));

const client = (s: RunningServer) =>
  new EC2Client({ endpoint: s.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' }, maxAttempts: 1 });

const state = async (s: RunningServer) => (await fetch(`${s.url}/_ec2net/state`)).text();

/** Builds a small world: an instance, an extra interface with secondaries, an Elastic IP on it. */
async function populate(s: RunningServer) {
  const ec2 = client(s);
  const { Subnets } = await ec2.send(new DescribeSubnetsCommand({}));
  const subnetId = Subnets![0]!.SubnetId!;
  await ec2.send(new RunInstancesCommand({ ImageId: 'ami-0123456789abcdef0', MinCount: 1, MaxCount: 1, SubnetId: subnetId, ClientToken: 'tok-1' }));
  const { NetworkInterface } = await ec2.send(
    new CreateNetworkInterfaceCommand({ SubnetId: subnetId, SecondaryPrivateIpAddressCount: 2, Description: 'durable' }),
  );
  await ec2.send(
    new CreateNetworkInterfacePermissionCommand({
      NetworkInterfaceId: NetworkInterface!.NetworkInterfaceId,
      AwsAccountId: '210987654321',
      Permission: 'INSTANCE-ATTACH',
    }),
  );
  const { AllocationId } = await ec2.send(new AllocateAddressCommand({}));
  await ec2.send(
    new AssociateAddressCommand({
      AllocationId,
      NetworkInterfaceId: NetworkInterface!.NetworkInterfaceId,
      PrivateIpAddress: NetworkInterface!.PrivateIpAddresses![1]!.PrivateIpAddress,
    }),
  );
  ec2.destroy();
}

describe('durable state (interop)', () => {
  it('a restart restores the exact state, and ids keep being new', async () => {
    const dir = tempDir();
    const first = await start(dir);
    await populate(first);
    const before = await state(first);
    await first.close();
    const second = await start(dir);
    assert.equal(await state(second), before, 'same ids, addresses, MACs, associations, tags');
    // The idempotency token survives: the same RunInstances returns the same reservation.
    const ec2 = client(second);
    const { Subnets } = await ec2.send(new DescribeSubnetsCommand({}));
    const again = await ec2.send(
      new RunInstancesCommand({ ImageId: 'ami-0123456789abcdef0', MinCount: 1, MaxCount: 1, SubnetId: Subnets![0]!.SubnetId, ClientToken: 'tok-1' }),
    );
    assert.ok(before.includes(again.Instances![0]!.InstanceId!));
    const fresh = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: Subnets![0]!.SubnetId }));
    assert.ok(!before.includes(fresh.NetworkInterface!.NetworkInterfaceId!), 'a new id, never one handed out before');
    assert.ok(!before.includes(fresh.NetworkInterface!.MacAddress!), 'a new MAC');
    ec2.destroy();
    await second.close();
  });

  it('a logged change this engine now refuses is skipped and named in the log; the start goes on with the rest', async () => {
    // E.g. a log left by a crash, replayed by a release whose rule became stricter. Here: a
    // DeleteVpc of a VPC that never existed, appended by hand after a clean shutdown.
    const dir = tempDir();
    const first = await start(dir);
    await populate(first);
    const before = await state(first);
    await first.close();
    const journal = Journal.open(dir);
    journal.append({
      at: CLOCK.now().getTime(),
      rng: '0:0',
      account: '123456789012',
      region: 'us-east-1',
      params: 'Action=DeleteVpc&Version=2016-11-15&VpcId=vpc-0123456789abcdef0',
    });
    journal.close();
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const second = await startServer({ host: '127.0.0.1', port: 0, accountId: '123456789012', logLevel: 'info', dataDir: dir, cloud: CLOCK }, logger);
    assert.equal(await state(second), before);
    assert.ok(
      lines.some((l) => /log entry 1 \(DeleteVpc\) no longer replays: The vpc ID 'vpc-0123456789abcdef0' does not exist; skipped/.test(l)),
      lines.join(''),
    );
    await second.close();
  });

  it('transitions in flight resume after a restart: a pending instance becomes running on time', async () => {
    const dir = tempDir();
    const slow = (d: string) =>
      startServer(
        { host: '127.0.0.1', port: 0, accountId: '123456789012', logLevel: 'silent', dataDir: d, cloud: { lifecycle: { pendingMs: 1500 } } },
        pino({ level: 'silent' }),
      );
    const first = await slow(dir);
    const ec2 = client(first);
    const { Instances } = await ec2.send(new RunInstancesCommand({ ImageId: 'ami-0123456789abcdef0', MinCount: 1, MaxCount: 1 }));
    const id = Instances![0]!.InstanceId!;
    ec2.destroy();
    await first.close();
    const second = await slow(dir);
    const probe = client(second);
    const stateOf = async () => (await probe.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!.State!.Name;
    const launchedAt = Date.now();
    const seen = await stateOf();
    if (Date.now() - launchedAt < 1000) assert.equal(seen, 'pending', 'still pending right after the restart');
    await new Promise((r) => setTimeout(r, 1600));
    assert.equal(await stateOf(), 'running');
    probe.destroy();
    await second.close();
  });

  it('export then import into another server gives the same state', async () => {
    const source = await start(tempDir());
    await populate(source);
    const exported = await (await fetch(`${source.url}/_ec2net/export`)).text();
    const target = await start(tempDir());
    const res = await fetch(`${target.url}/_ec2net/import`, { method: 'POST', body: exported });
    assert.equal(res.status, 200);
    assert.equal(await state(target), await state(source));
    await source.close();
    // The import is durable too.
    await target.close();
    const dir = dirs[dirs.length - 1]!;
    const reopened = await start(dir);
    assert.ok((await state(reopened)).includes('durable'));
    await reopened.close();
  });

  it('a corrupt or inconsistent import is refused and changes nothing', async () => {
    const s = await start(tempDir());
    await populate(s);
    const before = await state(s);
    const bad = [
      'not json',
      JSON.stringify({ format: 'something-else' }),
      JSON.stringify({ format: 'ec2net-export', schemaVersion: 1, seed: 's', entries: [{ at: 'x' }] }),
      JSON.stringify({
        format: 'ec2net-export',
        schemaVersion: 1,
        seed: 's',
        entries: [{ at: 1, rng: '0:0', account: '123456789012', region: 'us-east-1', params: 'Action=DeleteVpc&VpcId=vpc-0123456789abcdef0' }],
      }),
    ];
    for (const body of bad) {
      const res = await fetch(`${s.url}/_ec2net/import`, { method: 'POST', body });
      assert.equal(res.status, 400, body);
      assert.match(((await res.json()) as { error: string }).error, /^import refused/);
    }
    assert.equal(await state(s), before);
    await s.close();
  });

  it('an ephemeral server exports too, and a durable one imports it', async () => {
    const source = await start(undefined);
    await populate(source);
    const exported = await (await fetch(`${source.url}/_ec2net/export`)).text();
    const dir = tempDir();
    const target = await start(dir);
    assert.equal((await fetch(`${target.url}/_ec2net/import`, { method: 'POST', body: exported })).status, 200);
    assert.equal(await state(target), await state(source));
    await target.close();
    const reopened = await start(dir);
    assert.equal(await state(reopened), await state(source));
    await reopened.close();
    await source.close();
  });
});
