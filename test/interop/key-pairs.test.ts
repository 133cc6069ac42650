/**
 * Key pairs through the real clients: CreateKeyPair (RSA, ED25519; pem, ppk), ImportKeyPair
 * (OpenSSH, RFC 4716, base64 DER), DescribeKeyPairs (names, ids, filters, IncludePublicKey),
 * DeleteKeyPair, and KeyName on RunInstances. Fingerprints and private keys are checked with tools
 * that owe nothing to ec2net: node:crypto, OpenSSH's ssh-keygen, PuTTY's puttygen.
 *
 * Sources, cited per test:
 * - [fp]: EC2 User Guide, "Verify the fingerprint of your key pair" (made RSA: SHA-1 of the DER
 *   PKCS#8 private key; imported RSA: MD5 of the DER public key; ED25519: base64 SHA-256, EC2 may
 *   append `=` padding) and the API reference's KeyPairInfo.KeyFingerprint;
 * - [create]: API reference, CreateKeyPair (2048-bit RSA or ED25519; "unencrypted PEM encoded
 *   PKCS#1 private key, or an unencrypted PPK formatted private key"; duplicate name is an error);
 * - [import]: API reference, ImportKeyPair (OpenSSH public key format, base64 encoded DER, RFC 4716;
 *   "For API calls, the text must be base64-encoded");
 * - [obs …]: AWS answers quoted in public issue threads (named in each test);
 * - [describe]: API reference, DescribeKeyPairs (filters key-pair-id, fingerprint, key-name,
 *   tag:<key>, tag-key; IncludePublicKey).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateKeyPairCommand,
  CreateTagsCommand,
  DeleteKeyPairCommand,
  DescribeKeyPairsCommand,
  DescribeInstancesCommand,
  ImportKeyPairCommand,
} from '@aws-sdk/client-ec2';
import { expectCode, expectRefusal, IMAGE, launch, rawQuery, useHarness } from './harness.js';

const colonHex = (b: Buffer) => b.toString('hex').match(/../g)!.join(':');
let dir: string;

/** A fresh key from ssh-keygen: its OpenSSH public line and file paths. */
function sshKeygen(type: 'rsa' | 'ed25519' | 'ecdsa', bits?: number) {
  const path = join(dir, `k${Math.random().toString(36).slice(2)}`);
  execFileSync('ssh-keygen', ['-q', '-t', type, ...(bits ? ['-b', String(bits)] : []), '-N', '', '-C', 'me@host', '-f', path]);
  return { path, pub: readFileSync(`${path}.pub`, 'utf8').trim() };
}

/** `ssh-keygen -l` (SHA-256) of a key file: the ED25519 fingerprint without EC2's padding. */
const sshFingerprint = (path: string) =>
  execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', path], { encoding: 'utf8' })
    .split(' ')[1]!
    .replace(/^SHA256:/, '');

/** MD5 of the DER SubjectPublicKeyInfo, the way amazon.aws's tests compute the imported RSA fingerprint. */
function md5OfPublicDer(pubLinePath: string): string {
  const pkcs8 = execFileSync('ssh-keygen', ['-e', '-m', 'PKCS8', '-f', pubLinePath], { encoding: 'utf8' });
  return colonHex(
    createHash('md5')
      .update(createPublicKey(pkcs8).export({ format: 'der', type: 'spki' }))
      .digest(),
  );
}

describe('key pairs', () => {
  const h = useHarness();
  const ec2 = h.ec2();
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ec2net-keys-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const view = async () => (await ec2.send(new DescribeKeyPairsCommand({ IncludePublicKey: true }))).KeyPairs;

  it('CreateKeyPair RSA: PKCS#1 PEM, 2048 bits, fingerprint = SHA-1 of the DER PKCS#8 private key [create][fp]', async () => {
    const k = await ec2.send(
      new CreateKeyPairCommand({ KeyName: 'rsa-one', TagSpecifications: [{ ResourceType: 'key-pair', Tags: [{ Key: 'team', Value: 'net' }] }] }),
    );
    assert.match(k.KeyPairId!, /^key-[0-9a-f]{17}$/);
    assert.match(k.KeyMaterial!, /^-----BEGIN RSA PRIVATE KEY-----\n[\s\S]+\n-----END RSA PRIVATE KEY-----$/);
    const priv = createPrivateKey(k.KeyMaterial!);
    assert.equal(priv.asymmetricKeyDetails?.modulusLength, 2048);
    assert.equal(
      k.KeyFingerprint,
      colonHex(
        createHash('sha1')
          .update(priv.export({ format: 'der', type: 'pkcs8' }))
          .digest(),
      ),
    );
    assert.deepEqual(k.Tags, [{ Key: 'team', Value: 'net' }]);
    // The public key EC2 keeps is the private key's: ssh-keygen derives the same one.
    const path = join(dir, 'rsa-one.pem');
    writeFileSync(path, `${k.KeyMaterial}\n`, { mode: 0o600 });
    const derived = execFileSync('ssh-keygen', ['-y', '-f', path], { encoding: 'utf8' }).trim();
    const [d] = (await ec2.send(new DescribeKeyPairsCommand({ KeyNames: ['rsa-one'], IncludePublicKey: true }))).KeyPairs!;
    assert.equal(d!.PublicKey!.split(' ').slice(0, 2).join(' '), derived);
    assert.equal(d!.KeyType, 'rsa');
    assert.equal(d!.KeyFingerprint, k.KeyFingerprint);
    assert.ok(d!.CreateTime instanceof Date);
  });

  it('CreateKeyPair ED25519: OpenSSH private key, fingerprint = padded base64 SHA-256 (ssh-keygen -l) [create][fp]', async () => {
    const out = await h.cli(['create-key-pair', '--key-name', 'ed-one', '--key-type', 'ed25519']);
    assert.match(out.KeyMaterial, /^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    const path = join(dir, 'ed-one.pem');
    writeFileSync(path, out.KeyMaterial, { mode: 0o600 });
    const fp = sshFingerprint(path);
    assert.equal(out.KeyFingerprint, `${fp}=`);
    const derived = execFileSync('ssh-keygen', ['-y', '-f', path], { encoding: 'utf8' }).trim();
    const [d] = (await ec2.send(new DescribeKeyPairsCommand({ KeyNames: ['ed-one'], IncludePublicKey: true }))).KeyPairs!;
    assert.equal(d!.PublicKey, `${derived.split(' ').slice(0, 2).join(' ')} ed-one`);
    assert.equal(d!.KeyType, 'ed25519');
  });

  it('CreateKeyPair KeyFormat ppk: a PuTTY key puttygen reads, for RSA and ED25519 [create]', async () => {
    for (const type of ['rsa', 'ed25519'] as const) {
      const k = await ec2.send(new CreateKeyPairCommand({ KeyName: `ppk-${type}`, KeyType: type, KeyFormat: 'ppk' }));
      assert.match(k.KeyMaterial!, /^PuTTY-User-Key-File-2: ssh-(rsa|ed25519)\nEncryption: none\n/);
      const path = join(dir, `ppk-${type}.ppk`);
      writeFileSync(path, k.KeyMaterial!, { mode: 0o600 });
      // puttygen checks the file's MAC; converting to OpenSSH and back to a public key proves the private half.
      const openssh = join(dir, `ppk-${type}.pem`);
      execFileSync('puttygen', [path, '-O', 'private-openssh-new', '-o', openssh]);
      const derived = execFileSync('ssh-keygen', ['-y', '-f', openssh], { encoding: 'utf8' }).trim().split(' ').slice(0, 2).join(' ');
      const [d] = (await ec2.send(new DescribeKeyPairsCommand({ KeyNames: [`ppk-${type}`], IncludePublicKey: true }))).KeyPairs!;
      assert.equal(d!.PublicKey!.split(' ').slice(0, 2).join(' '), derived);
      if (type === 'ed25519') assert.equal(d!.KeyFingerprint, `${sshFingerprint(openssh)}=`);
    }
  });

  it('ImportKeyPair: RSA (OpenSSH line) → MD5 of the DER public key; ED25519 → base64 SHA-256 [import][fp]', async () => {
    const rsa = sshKeygen('rsa', 3072);
    const r = await ec2.send(new ImportKeyPairCommand({ KeyName: 'imp-rsa', PublicKeyMaterial: Buffer.from(rsa.pub) }));
    assert.equal(r.KeyFingerprint, md5OfPublicDer(`${rsa.path}.pub`));
    assert.match(r.KeyPairId!, /^key-[0-9a-f]{17}$/);

    const ed = sshKeygen('ed25519');
    // The CLI reads the file as bytes (fileb://) and base64-encodes it.
    const e = await h.cli(['import-key-pair', '--key-name', 'imp-ed', '--public-key-material', `fileb://${ed.path}.pub`]);
    assert.equal(e.KeyFingerprint, `${sshFingerprint(`${ed.path}.pub`)}=`);

    const got = await h.boto3(`result = ec2.describe_key_pairs(KeyNames=['imp-ed', 'imp-rsa'], IncludePublicKey=True)['KeyPairs']`);
    assert.deepEqual(
      got.map((k: any) => [k.KeyName, k.KeyType, k.KeyFingerprint]),
      [
        ['imp-ed', 'ed25519', e.KeyFingerprint],
        ['imp-rsa', 'rsa', r.KeyFingerprint],
      ],
    );
    // The public key is kept (with the key pair's name as its comment, not the file's).
    assert.equal(got[1].PublicKey, `${rsa.pub.split(' ').slice(0, 2).join(' ')} imp-rsa`);
  });

  it('ImportKeyPair: RFC 4716 and base64 DER forms of the same RSA key import with the same fingerprint [import]', async () => {
    const rsa = sshKeygen('rsa', 2048);
    const rfc4716 = execFileSync('ssh-keygen', ['-e', '-m', 'RFC4716', '-f', `${rsa.path}.pub`], { encoding: 'utf8' });
    const pkcs8 = execFileSync('ssh-keygen', ['-e', '-m', 'PKCS8', '-f', `${rsa.path}.pub`], { encoding: 'utf8' });
    const der = createPublicKey(pkcs8).export({ format: 'der', type: 'spki' }).toString('base64');
    const a = await ec2.send(new ImportKeyPairCommand({ KeyName: 'a', PublicKeyMaterial: Buffer.from(rfc4716) }));
    const b = await ec2.send(new ImportKeyPairCommand({ KeyName: 'b', PublicKeyMaterial: Buffer.from(der) }));
    const expected = md5OfPublicDer(`${rsa.path}.pub`);
    assert.equal(a.KeyFingerprint, expected);
    assert.equal(b.KeyFingerprint, expected);
  });

  it('ImportKeyPair refuses ECDSA, garbage and text that is not base64-encoded: InvalidKey.Format [obs trailofbits/algo#376, aws/aws-cli#4969]', async () => {
    const ecdsa = sshKeygen('ecdsa');
    for (const material of [Buffer.from(ecdsa.pub), Buffer.from('not a key at all')]) {
      const e = await expectRefusal(h, view, () => ec2.send(new ImportKeyPairCommand({ KeyName: 'bad', PublicKeyMaterial: material })), 'InvalidKey.Format');
      assert.equal(e.message, 'Key is not in valid OpenSSH public key format');
    }
    // The key's text sent as is, not base64-encoded (what AWS CLI v2's file:// does): refused.
    const rsa = sshKeygen('rsa', 2048);
    const raw = await rawQuery(
      h.url,
      new URLSearchParams({ Action: 'ImportKeyPair', Version: '2016-11-15', KeyName: 'bad', PublicKeyMaterial: rsa.pub }).toString(),
    );
    assert.equal(raw.status, 400);
    assert.match(raw.text, /<Code>InvalidKey.Format<\/Code>/);
    assert.deepEqual(await view(), []);
  });

  it('duplicate names: InvalidKeyPair.Duplicate for create and import; names are per region [errors][obs]', async () => {
    await ec2.send(new CreateKeyPairCommand({ KeyName: 'dup' }));
    const e = await expectRefusal(h, view, () => ec2.send(new CreateKeyPairCommand({ KeyName: 'dup', KeyType: 'ed25519' })), 'InvalidKeyPair.Duplicate');
    assert.equal(e.message, "The keypair 'dup' already exists.");
    const ed = sshKeygen('ed25519');
    await expectRefusal(
      h,
      view,
      () => ec2.send(new ImportKeyPairCommand({ KeyName: 'dup', PublicKeyMaterial: Buffer.from(ed.pub) })),
      'InvalidKeyPair.Duplicate',
    );
    // Another region is another name space (EC2 User Guide: import the key into each Region).
    await h.ec2('eu-west-1').send(new ImportKeyPairCommand({ KeyName: 'dup', PublicKeyMaterial: Buffer.from(ed.pub) }));
  });

  it('DescribeKeyPairs: unknown name or id → InvalidKeyPair.NotFound; filters; tags added later [describe][errors]', async () => {
    const a = await ec2.send(new CreateKeyPairCommand({ KeyName: 'alpha', KeyType: 'ed25519' }));
    const b = await ec2.send(new ImportKeyPairCommand({ KeyName: 'beta', PublicKeyMaterial: Buffer.from(sshKeygen('rsa', 2048).pub) }));
    await ec2.send(new CreateTagsCommand({ Resources: [b.KeyPairId!], Tags: [{ Key: 'env', Value: 'prod' }] }));
    const e = await expectCode(ec2.send(new DescribeKeyPairsCommand({ KeyNames: ['alpha', 'missing'] })), 'InvalidKeyPair.NotFound');
    assert.equal(e.message, "The key pair 'missing' does not exist");
    await expectCode(ec2.send(new DescribeKeyPairsCommand({ KeyPairIds: ['key-0123456789abcdef0'] })), 'InvalidKeyPair.NotFound');
    const names = async (Filters: { Name: string; Values: string[] }[]) =>
      (await ec2.send(new DescribeKeyPairsCommand({ Filters }))).KeyPairs!.map((k) => k.KeyName);
    assert.deepEqual(await names([{ Name: 'key-name', Values: ['al*'] }]), ['alpha']);
    assert.deepEqual(await names([{ Name: 'key-pair-id', Values: [b.KeyPairId!] }]), ['beta']);
    assert.deepEqual(await names([{ Name: 'fingerprint', Values: [a.KeyFingerprint!] }]), ['alpha']);
    assert.deepEqual(await names([{ Name: 'tag:env', Values: ['prod'] }]), ['beta']);
    assert.deepEqual(await names([{ Name: 'tag-key', Values: ['env'] }]), ['beta']);
    assert.deepEqual(
      (await ec2.send(new DescribeKeyPairsCommand({ KeyPairIds: [a.KeyPairId!] }))).KeyPairs!.map((k) => [k.KeyName, k.PublicKey]),
      [['alpha', undefined]],
    );
  });

  it('DeleteKeyPair by name or id; a missing name is a success; the instance keeps its KeyName [api DeleteKeyPair]', async () => {
    const k = await ec2.send(new CreateKeyPairCommand({ KeyName: 'gone' }));
    const i = await launch(ec2, { KeyName: 'gone' });
    assert.equal(i.KeyName, 'gone');
    assert.deepEqual(await ec2.send(new DeleteKeyPairCommand({ KeyPairId: k.KeyPairId })).then((r) => [r.Return, r.KeyPairId]), [true, k.KeyPairId]);
    const again = await ec2.send(new DeleteKeyPairCommand({ KeyName: 'gone' }));
    assert.equal(again.Return, true);
    assert.deepEqual(await view(), []);
    const d = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [i.InstanceId!] }));
    assert.equal(d.Reservations![0]!.Instances![0]!.KeyName, 'gone');
  });

  it('IMDS public-keys/: 0=<name>, 0/openssh-key the public key, kept after the key pair is deleted; absent without a key [EC2 User Guide, "Instance metadata categories"]', async () => {
    const k = await ec2.send(new CreateKeyPairCommand({ KeyName: 'meta', KeyType: 'ed25519' }));
    const i = await launch(ec2, { KeyName: 'meta' });
    const bare = await launch(ec2);
    const get = async (id: string, path: string) => {
      const res = await fetch(`${h.imdsUrl}/${id}/latest/meta-data/${path}`);
      return { status: res.status, text: await res.text() };
    };
    const [d] = (await ec2.send(new DescribeKeyPairsCommand({ KeyNames: ['meta'], IncludePublicKey: true }))).KeyPairs!;
    assert.deepEqual(await get(i.InstanceId!, 'public-keys/'), { status: 200, text: '0=meta' });
    assert.deepEqual(await get(i.InstanceId!, 'public-keys/0/'), { status: 200, text: 'openssh-key' });
    assert.deepEqual(await get(i.InstanceId!, 'public-keys/0/openssh-key'), { status: 200, text: d!.PublicKey });
    await ec2.send(new DeleteKeyPairCommand({ KeyPairId: k.KeyPairId }));
    assert.deepEqual(await get(i.InstanceId!, 'public-keys/0/openssh-key'), { status: 200, text: d!.PublicKey });
    assert.equal((await get(bare.InstanceId!, 'public-keys/')).status, 404);
    assert.doesNotMatch((await get(bare.InstanceId!, '')).text, /public-keys/);
  });

  it('RunInstances with an unknown KeyName → InvalidKeyPair.NotFound, nothing launched; key-name filter [obs]', async () => {
    const none = async () => (await ec2.send(new DescribeInstancesCommand({}))).Reservations;
    const e = await expectRefusal(h, none, () => launch(ec2, { KeyName: 'nope', ImageId: IMAGE }), 'InvalidKeyPair.NotFound');
    assert.equal(e.message, "The key pair 'nope' does not exist");
    await ec2.send(new CreateKeyPairCommand({ KeyName: 'there', KeyType: 'ed25519' }));
    const i = await launch(ec2, { KeyName: 'there' });
    const d = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'key-name', Values: ['there'] }] }));
    assert.deepEqual(
      d.Reservations!.flatMap((r) => r.Instances!.map((x) => x.InstanceId)),
      [i.InstanceId],
    );
  });

  it('CreateKeyPair refuses an unknown KeyType and a name over 255 characters, changing nothing [create]', async () => {
    await expectRefusal(h, view, () => h.boto3(`ec2.create_key_pair(KeyName='x', KeyType='dsa')`), 'InvalidParameterValue');
    await expectRefusal(h, view, () => ec2.send(new CreateKeyPairCommand({ KeyName: 'x'.repeat(256) })), 'InvalidParameterValue');
  });

  it('a node-made key imports with the fingerprint its DER public key gives [fp]', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const der = publicKey.export({ format: 'der', type: 'spki' });
    const r = await ec2.send(new ImportKeyPairCommand({ KeyName: 'node', PublicKeyMaterial: Buffer.from(der.toString('base64')) }));
    assert.equal(r.KeyFingerprint, colonHex(createHash('md5').update(der).digest()));
  });
});
