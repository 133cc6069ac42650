/**
 * The local CA and the leaves it issues. What a leaf must carry is what TLS clients check
 * (RFC 5280 4.2.1.6: a server's names are in subjectAltName; RFC 6125 6.4: clients match the host
 * against them, never the common name when SANs are there; CA/Browser Forum baseline requirements
 * 6.3.2: at most 398 days; Python 3.13's VERIFY_X509_STRICT: a critical basicConstraints on the CA
 * and an authority key identifier on the leaf).
 */
import assert from 'node:assert/strict';
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../src/config.js';
import { CA_VALIDITY_DAYS, LEAF_VALIDITY_DAYS, issueLeaf, loadOrMakeCa, makeCa, newKeyPair } from '../../../src/server/tls/certificates.js';

const DAY = 24 * 3600 * 1000;
const NOW = new Date('2026-03-01T12:00:00Z');

describe('local CA', () => {
  it('is a CA certificate, self-signed, valid ten years from now', async () => {
    const ca = await makeCa(NOW);
    const cert = new X509Certificate(ca.certPem);
    assert.equal(cert.ca, true);
    assert.ok(cert.verify(cert.publicKey), 'self-signed');
    assert.ok(cert.checkPrivateKey(ca.key));
    assert.ok(new Date(cert.validFrom) <= NOW);
    assert.equal(Math.round((new Date(cert.validTo).getTime() - NOW.getTime()) / DAY), CA_VALIDITY_DAYS);
    assert.match(cert.subject, /CN=ec2net local CA/);
  });

  it('two CAs never share a subject name (clients that trust both must tell them apart)', async () => {
    const [a, b] = await Promise.all([makeCa(NOW), makeCa(NOW)]);
    assert.notEqual(new X509Certificate(a.certPem).subject, new X509Certificate(b.certPem).subject);
  });

  it('is made once in its directory, key readable only by its owner, and read back unchanged after', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'ec2net-ca-')), 'tls');
    const first = await loadOrMakeCa(dir);
    assert.equal(first.created, true);
    assert.equal(first.certFile, join(dir, 'ca.pem'));
    assert.equal(statSync(join(dir, 'ca-key.pem')).mode & 0o077, 0);
    const second = await loadOrMakeCa(dir);
    assert.equal(second.created, false);
    assert.equal(second.certPem, first.certPem);
    assert.equal(readFileSync(join(dir, 'ca.pem'), 'utf8'), first.certPem);
  });

  it('two starts at once end up with the same CA', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'ec2net-ca-')), 'tls');
    const [a, b] = await Promise.all([loadOrMakeCa(dir), loadOrMakeCa(dir)]);
    assert.equal(a.certPem, b.certPem);
  });

  it('a start killed between writing the key and the certificate leaves nothing in the way', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ec2net-ca-'));
    const orphan = await makeCa();
    writeFileSync(join(dir, 'ca-key.pem'), orphan.key.export({ type: 'pkcs8', format: 'pem' }));
    const ca = await loadOrMakeCa(dir);
    assert.equal(ca.created, true);
    assert.ok(new X509Certificate(readFileSync(join(dir, 'ca.pem'), 'utf8')).checkPrivateKey(createPrivateKey(readFileSync(join(dir, 'ca-key.pem'), 'utf8'))));
  });

  it("refuses a directory whose key is not the certificate's, naming the files", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ec2net-ca-'));
    const [a, b] = await Promise.all([makeCa(), makeCa()]);
    writeFileSync(join(dir, 'ca.pem'), a.certPem);
    writeFileSync(join(dir, 'ca-key.pem'), b.key.export({ type: 'pkcs8', format: 'pem' }));
    await assert.rejects(loadOrMakeCa(dir), (e: unknown) => e instanceof ConfigError && /ca-key\.pem is not the key of .*ca\.pem/.test(e.message));
    writeFileSync(join(dir, 'ca.pem'), 'not a certificate');
    await assert.rejects(loadOrMakeCa(dir), (e: unknown) => e instanceof ConfigError && /cannot be read/.test(e.message));
  });
});

describe('leaf certificates', () => {
  it('name every host and address in subjectAltName, are signed by the CA and are for servers', async () => {
    const ca = await makeCa(NOW);
    const key = await newKeyPair();
    const pem = await issueLeaf(ca, ['localhost', '127.0.0.1', '::1'], key, NOW);
    const leaf = new X509Certificate(pem);
    const caCert = new X509Certificate(ca.certPem);
    assert.equal(leaf.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    assert.equal(leaf.ca, false);
    assert.ok(leaf.verify(caCert.publicKey), 'signed by the CA');
    assert.ok(leaf.checkIssued(caCert));
    assert.ok(leaf.checkHost('localhost'));
    assert.equal(leaf.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(leaf.checkHost('ec2.us-east-1.amazonaws.com'), undefined);
    assert.deepEqual(leaf.keyUsage, ['1.3.6.1.5.5.7.3.1'], 'serverAuth');
    assert.ok(leaf.checkPrivateKey(key.privateKey));
  });

  it('for an AWS endpoint name: that name, valid for at most 397 days and never beyond the CA', async () => {
    const ca = await makeCa(NOW);
    const leaf = new X509Certificate(await issueLeaf(ca, ['ec2.eu-west-1.amazonaws.com'], await newKeyPair(), NOW));
    assert.equal(leaf.subjectAltName, 'DNS:ec2.eu-west-1.amazonaws.com');
    assert.equal(leaf.checkHost('ec2.eu-west-1.amazonaws.com'), 'ec2.eu-west-1.amazonaws.com');
    assert.ok(new Date(leaf.validFrom) <= NOW);
    assert.equal(Math.round((new Date(leaf.validTo).getTime() - NOW.getTime()) / DAY), LEAF_VALIDITY_DAYS);
    // A CA issued long ago: the leaf ends with it.
    const late = new Date(NOW.getTime() + (CA_VALIDITY_DAYS - 10) * DAY);
    const short = new X509Certificate(await issueLeaf(ca, ['sts.amazonaws.com'], await newKeyPair(), late));
    assert.equal(short.validTo, new X509Certificate(ca.certPem).validTo);
  });

  it("carry the CA's key identifier as their authority key identifier", async () => {
    const ca = await makeCa(NOW);
    const leaf = new X509Certificate(await issueLeaf(ca, ['sts.amazonaws.com'], await newKeyPair(), NOW));
    const raw = leaf.raw.toString('hex');
    // The CA's subject key identifier, found as the leaf's authority key identifier (OID 2.5.29.35).
    const caSki = /0603551d0e04160414([0-9a-f]{40})/.exec(new X509Certificate(ca.certPem).raw.toString('hex'))?.[1];
    assert.ok(caSki);
    assert.match(raw, new RegExp(`0603551d23.{0,12}8014${caSki}`));
  });
});
