/**
 * The account's images survive a restart exactly (they are kept with the rest of the region's state
 * and their creation replays from the journal): the same ids, mappings, permissions, tags and
 * states, a deregistered one still answered with nothing, and DeleteSnapshot still refused for a
 * snapshot an image uses.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  CreateImageCommand,
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  EC2Client,
  ModifyImageAttributeCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import pino from 'pino';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { expectCode, until } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'ec2net-images-durable-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const start = () => startServer({ host: '127.0.0.1', port: 0, accountId: '123456789012', logLevel: 'silent', dataDir: dir }, pino({ level: 'silent' }));
const client = (s: RunningServer) =>
  new EC2Client({ endpoint: s.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' }, maxAttempts: 1 });
const images = async (s: RunningServer) => {
  const { worlds } = (await (await fetch(`${s.url}/_ec2net/state`)).json()) as { worlds: Record<string, any>[] };
  return worlds.map((w) => w.images);
};

describe('account images across a restart', () => {
  it('come back exactly', async () => {
    const first = await start();
    const ec2 = client(first);
    const launched = await ec2.send(new RunInstancesCommand({ ImageId: 'ami-0123456789abcdef0', InstanceType: 't3.micro', MinCount: 1, MaxCount: 1 }));
    const instanceId = launched.Instances![0]!.InstanceId!;
    const running = async () => (await ec2.send(new CreateImageCommand({ InstanceId: instanceId, Name: 'kept' }))).ImageId!;
    const kept = (await until(
      () => running().catch(() => undefined),
      (id) => id !== undefined,
      'an image of the running instance',
    ))!;
    await ec2.send(new ModifyImageAttributeCommand({ ImageId: kept, LaunchPermission: { Add: [{ Group: 'all' }] } }));
    const gone = (await ec2.send(new CreateImageCommand({ InstanceId: instanceId, Name: 'gone' }))).ImageId!;
    await ec2.send(new DeregisterImageCommand({ ImageId: gone }));
    const keptImage = await until(
      async () => (await ec2.send(new DescribeImagesCommand({ ImageIds: [kept] }))).Images![0]!,
      (i) => i.State === 'available',
      'available',
    );
    const before = await images(first);
    ec2.destroy();
    await first.close();

    const second = await start();
    assert.deepEqual(await images(second), before);
    const again = client(second);
    const listed = (await again.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images!;
    assert.deepEqual(listed, [keptImage]);
    assert.equal(listed[0]!.Public, true);
    assert.deepEqual((await again.send(new DescribeImagesCommand({ ImageIds: [gone] }))).Images, []);
    await expectCode(again.send(new DeleteSnapshotCommand({ SnapshotId: keptImage.BlockDeviceMappings![0]!.Ebs!.SnapshotId })), 'InvalidSnapshot.InUse');
    again.destroy();
    await second.close();
  });
});
