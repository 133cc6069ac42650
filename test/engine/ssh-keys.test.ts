/**
 * The key material module: deterministic key making (a replayed CreateKeyPair makes the same key),
 * public key parsing in ImportKeyPair's three formats, and EC2's fingerprints (EC2 User Guide,
 * "Verify the fingerprint of your key pair"), each checked against node:crypto's own encodings.
 */
import assert from 'node:assert/strict';
import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, it } from 'node:test';
import { importedFingerprint, KeyFormatError, makeKey, parsePublicKeyMaterial, publicKeyFromBlob } from '../../src/engine/ssh-keys.js';

const seed = (n: number) => Buffer.alloc(32, n);
// A 512-bit RSA public key (DER SPKI), below the 1024 bits AWS accepts. Fixed, so that no test waits on key generation.
const SMALL_RSA_SPKI = 'MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBALOauJLjB+TTSWNNtcbhBpo/V2Uz0Lwo7avWaLw6aQlYPssx66rKSyI/4u4AT9V2G1VNi7fp5xQdkrz/pTPzFysCAwEAAQ==';
const colonHex = (b: Buffer) => b.toString('hex').match(/../g)!.join(':');
const sshString = (b: Buffer | string) => {
  const buf = Buffer.from(b);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(buf.length);
  return Buffer.concat([len, buf]);
};

describe('ssh-keys', () => {
  it('makes the same key from the same seed, another from another seed', () => {
    for (const type of ['rsa', 'ed25519'] as const) {
      const a = makeKey(type, 'pem', seed(1), 'k');
      assert.equal(makeKey(type, 'pem', seed(1), 'k').privateKey, a.privateKey);
      assert.notEqual(makeKey(type, 'pem', seed(2), 'k').fingerprint, a.fingerprint);
    }
  });

  it('RSA: 2048-bit PKCS#1 PEM whose public key is the blob, fingerprint SHA-1 of DER PKCS#8', () => {
    const k = makeKey('rsa', 'pem', seed(3), 'k');
    assert.match(k.privateKey, /^-----BEGIN RSA PRIVATE KEY-----/);
    const priv = createPrivateKey(k.privateKey);
    assert.equal(priv.asymmetricKeyDetails!.modulusLength, 2048);
    assert.equal(priv.asymmetricKeyDetails!.publicExponent, 65537n);
    assert.equal(
      k.fingerprint,
      colonHex(
        createHash('sha1')
          .update(priv.export({ format: 'der', type: 'pkcs8' }))
          .digest(),
      ),
    );
    const fromBlob = publicKeyFromBlob(k.blob);
    assert.deepEqual(fromBlob.key.export({ format: 'der', type: 'spki' }), createPublicKey(priv).export({ format: 'der', type: 'spki' }));
  });

  it('ED25519: OpenSSH private key, fingerprint base64 SHA-256 of the blob with padding', () => {
    const k = makeKey('ed25519', 'pem', seed(4), 'k');
    assert.match(k.privateKey, /^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    assert.equal(k.fingerprint, createHash('sha256').update(k.blob).digest('base64'));
    assert.ok(k.fingerprint.endsWith('='));
  });

  it('reads OpenSSH, RFC 4716 and base64 DER public keys; imported RSA fingerprint is MD5 of DER SPKI', () => {
    const publicKey = createPublicKey(makeKey('rsa', 'pem', seed(6), 'k').privateKey);
    const jwk = publicKey.export({ format: 'jwk' });
    const mp = (b64: string) => {
      const b = Buffer.from(b64, 'base64url');
      return sshString(b[0]! & 0x80 ? Buffer.concat([Buffer.alloc(1), b]) : b);
    };
    const blob = Buffer.concat([sshString('ssh-rsa'), mp(jwk.e!), mp(jwk.n!)]);
    const b64 = blob.toString('base64');
    const spki = publicKey.export({ format: 'der', type: 'spki' });
    const expected = colonHex(createHash('md5').update(spki).digest());
    const forms = [
      `ssh-rsa ${b64} someone@somewhere\n`,
      `---- BEGIN SSH2 PUBLIC KEY ----\nComment: "a long \\\n comment"\n${b64.match(/.{1,70}/g)!.join('\n')}\n---- END SSH2 PUBLIC KEY ----\n`,
      spki.toString('base64'),
      publicKey.export({ format: 'der', type: 'pkcs1' }).toString('base64'),
    ];
    for (const form of forms) {
      const key = parsePublicKeyMaterial(Buffer.from(form));
      assert.equal(key.type, 'rsa');
      assert.deepEqual(key.blob, blob);
      assert.equal(importedFingerprint(key), expected);
    }
  });

  it('refuses DSA and ECDSA blobs, a type that does not match its blob, truncated blobs, small RSA keys', () => {
    const ed = makeKey('ed25519', 'pem', seed(5), 'k').blob.toString('base64');
    const bad = [
      `ssh-dss ${Buffer.concat([sshString('ssh-dss'), sshString(Buffer.alloc(8, 1))]).toString('base64')}`,
      `ecdsa-sha2-nistp256 ${Buffer.concat([sshString('ecdsa-sha2-nistp256'), sshString('nistp256'), sshString(Buffer.alloc(65, 4))]).toString('base64')}`,
      `ssh-rsa ${ed}`,
      `ssh-ed25519 ${Buffer.from(ed, 'base64').subarray(0, 30).toString('base64')}`,
      SMALL_RSA_SPKI,
      'hello',
    ];
    for (const text of bad) assert.throws(() => parsePublicKeyMaterial(Buffer.from(text)), KeyFormatError, text);
  });
});
