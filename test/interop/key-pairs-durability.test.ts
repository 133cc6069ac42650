/**
 * Key pairs and launch templates survive a restart exactly: a made key comes from the seeded
 * random stream, so replaying the journal makes the same key (same fingerprint, same public key),
 * and templates come back with their versions and default.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  CreateKeyPairCommand,
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  DescribeKeyPairsCommand,
  EC2Client,
  ModifyLaunchTemplateCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import pino from 'pino';
import { startServer, type RunningServer } from '../../src/server/start.js';

const dir = mkdtempSync(join(tmpdir(), 'ec2net-keys-durable-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const start = () => startServer({ host: '127.0.0.1', port: 0, accountId: '123456789012', logLevel: 'silent', dataDir: dir }, pino({ level: 'silent' }));
const client = (s: RunningServer) =>
  new EC2Client({ endpoint: s.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' }, maxAttempts: 1 });
/** What this test is about in the exported state (instance states move on with the clock, so only their ids and tags). */
const state = async (s: RunningServer) => {
  const { worlds } = (await (await fetch(`${s.url}/_ec2net/state`)).json()) as { worlds: Record<string, any>[] };
  return worlds.map((w) => ({ keyPairs: w.keyPairs, launchTemplates: w.launchTemplates, instances: w.instances.map((i: any) => [i.id, i.tags]) }));
};

describe('key pairs and launch templates across a restart', () => {
  it('come back exactly, made keys included; new ones keep being new', async () => {
    const first = await start();
    const ec2 = client(first);
    const rsa = await ec2.send(new CreateKeyPairCommand({ KeyName: 'r' }));
    const ed = await ec2.send(new CreateKeyPairCommand({ KeyName: 'e', KeyType: 'ed25519', KeyFormat: 'ppk' }));
    await ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'web', LaunchTemplateData: { ImageId: 'ami-0123456789abcdef0', KeyName: 'r' } }));
    await ec2.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateName: 'web', SourceVersion: '1', LaunchTemplateData: { InstanceType: 't3.small' } }));
    await ec2.send(new ModifyLaunchTemplateCommand({ LaunchTemplateName: 'web', DefaultVersion: '2' }));
    await ec2.send(new RunInstancesCommand({ MinCount: 1, MaxCount: 1, LaunchTemplate: { LaunchTemplateName: 'web' } }));
    const before = await state(first);
    const world = before.find((w) => w.keyPairs.length > 0)!;
    assert.deepEqual([world.keyPairs.length, world.launchTemplates[0].versions.length, world.instances.length], [2, 2, 1]);
    ec2.destroy();
    await first.close();

    const second = await start();
    assert.deepEqual(await state(second), before);
    const again = client(second);
    const keys = (await again.send(new DescribeKeyPairsCommand({}))).KeyPairs!;
    assert.deepEqual(
      keys.map((k) => [k.KeyName, k.KeyFingerprint]),
      [
        ['e', ed.KeyFingerprint],
        ['r', rsa.KeyFingerprint],
      ],
    );
    const next = await again.send(new CreateKeyPairCommand({ KeyName: 'n' }));
    assert.notEqual(next.KeyFingerprint, rsa.KeyFingerprint);
    assert.notEqual(next.KeyPairId, rsa.KeyPairId);
    again.destroy();
    await second.close();
  });
});
