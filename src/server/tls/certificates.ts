/**
 * Certificates for ec2net's HTTPS: a local certificate authority, made once and kept in a
 * directory, and the leaf certificates it issues for the names ec2net answers as.
 *
 * Keys are RSA 2048 made and used by Node's own crypto; node-forge only lays out the X.509
 * structures (it is loaded on first use: starting with an existing CA never loads it). The layout
 * follows RFC 5280 and what strict verifiers ask (Python 3.13's VERIFY_X509_STRICT, browsers' CA/B
 * Forum rules): the CA has a critical basicConstraints with cA, keyCertSign and a subject key
 * identifier; a leaf names every host in subjectAltName, carries serverAuth and its issuer's key
 * identifier, and is valid for at most 397 days.
 */
import { createPrivateKey, generateKeyPair, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type * as Forge from 'node-forge';
import { ConfigError } from '../../config.js';

const DAY_MS = 24 * 3600 * 1000;
export const CA_VALIDITY_DAYS = 3650;
export const LEAF_VALIDITY_DAYS = 397;
/** Leaves start an hour early: a client whose clock is a little behind still accepts them. */
const BACKDATE_MS = 3600 * 1000;

export const CA_CERT_FILE = 'ca.pem';
export const CA_KEY_FILE = 'ca-key.pem';

export interface KeyPair {
  readonly privateKey: KeyObject;
  /** SPKI PEM. */
  readonly publicKeyPem: string;
}

export interface CertificateAuthority {
  readonly certPem: string;
  readonly key: KeyObject;
  /** Where the certificate is, for clients to trust (AWS_CA_BUNDLE); undefined when held only in memory. */
  readonly certFile?: string;
  /** True when this start made it. */
  readonly created: boolean;
}

let forgeModule: Promise<typeof Forge> | undefined;
/** node-forge takes ~100 ms to load: only when a certificate is made (and while a key is being made). */
export function loadForge(): Promise<unknown> {
  return forge();
}

function forge(): Promise<typeof Forge> {
  forgeModule ??= import('node-forge').then((m) => ((m as { default?: typeof Forge }).default ?? m) as typeof Forge);
  return forgeModule;
}

export async function newKeyPair(): Promise<KeyPair> {
  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  return { privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** A positive 128-bit serial number, as hex (RFC 5280 4.1.2.2: unique per issuer, at most 20 octets). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0]! &= 0x7f;
  return bytes.toString('hex');
}

/** Signs `cert` with Node's crypto (SHA-256 with RSA): forge lays out the to-be-signed part, OpenSSL signs it. */
function signNatively(cert: Forge.pki.Certificate, key: KeyObject): void {
  let tbs = '';
  const md = {
    algorithm: 'sha256',
    update(bytes: string) {
      tbs += bytes;
      return md;
    },
  };
  const signer = { sign: () => sign('sha256', Buffer.from(tbs, 'binary'), key).toString('binary') };
  cert.sign(signer as unknown as Forge.pki.rsa.PrivateKey, md as unknown as Forge.md.MessageDigest);
}

/** A new self-signed CA certificate and its key, valid from `now` for CA_VALIDITY_DAYS. */
export async function makeCa(now = new Date(), key?: Promise<KeyPair>): Promise<{ certPem: string; key: KeyObject }> {
  // The key is made on the thread pool while forge loads on this thread.
  const made = key ?? newKeyPair();
  const f = await forge();
  const keys = await made;
  const cert = f.pki.createCertificate();
  cert.publicKey = f.pki.publicKeyFromPem(keys.publicKeyPem);
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(now.getTime() - BACKDATE_MS);
  cert.validity.notAfter = new Date(now.getTime() + CA_VALIDITY_DAYS * DAY_MS);
  // A name of its own (its creation time): two ec2net CAs trusted at once are never mistaken for each other.
  const subject = [
    { name: 'organizationName', value: 'ec2net' },
    { name: 'commonName', value: `ec2net local CA ${now.toISOString().slice(0, 19)}Z ${cert.serialNumber.slice(0, 8)}` },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  signNatively(cert, keys.privateKey);
  return { certPem: f.pki.certificateToPem(cert), key: keys.privateKey };
}

/**
 * A leaf certificate for `names` (host names and IP addresses; the first is also its common
 * name), signed by `ca`, for `leafKey`'s public key.
 */
export async function issueLeaf(
  ca: Pick<CertificateAuthority, 'certPem' | 'key'>,
  names: readonly string[],
  leafKey: KeyPair,
  now = new Date(),
): Promise<string> {
  if (names.length === 0) throw new Error('a leaf certificate needs at least one name');
  const f = await forge();
  const issuer = f.pki.certificateFromPem(ca.certPem);
  const cert = f.pki.createCertificate();
  cert.publicKey = f.pki.publicKeyFromPem(leafKey.publicKeyPem);
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(now.getTime() - BACKDATE_MS);
  const notAfter = now.getTime() + LEAF_VALIDITY_DAYS * DAY_MS;
  cert.validity.notAfter = new Date(Math.min(notAfter, issuer.validity.notAfter.getTime()));
  cert.setSubject([{ name: 'commonName', value: names[0]! }]);
  cert.setIssuer(issuer.subject.attributes);
  const issuerKeyId = (issuer.getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier?: string } | null)?.subjectKeyIdentifier;
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: names.map((n) => (isIP(n) ? { type: 7, ip: n } : { type: 2, value: n })) },
    { name: 'subjectKeyIdentifier' },
    {
      name: 'authorityKeyIdentifier',
      keyIdentifier: issuerKeyId ? f.util.hexToBytes(issuerKeyId) : issuer.generateSubjectKeyIdentifier().getBytes(),
    },
  ]);
  signNatively(cert, ca.key);
  return f.pki.certificateToPem(cert);
}

/**
 * A key for a CA that `dir` lacks, started now on the thread pool (an RSA key takes 0.1–0.5 s):
 * a start makes it while it loads the model and the state. Nothing is written.
 */
export function caKeyAhead(dir: string): Promise<KeyPair> | undefined {
  if (existsSync(join(dir, CA_CERT_FILE))) return undefined;
  const key = newKeyPair();
  key.catch(() => undefined); // awaited later, or never when the start fails first
  return key;
}

/**
 * The CA kept in `dir` (ca.pem and ca-key.pem): read when it is there (a CA of the user's own
 * may be put there), made and written once when it is not (with `key` when one was started ahead). Every problem is a ConfigError naming
 * the file.
 */
export async function loadOrMakeCa(dir: string, now = new Date(), key?: Promise<KeyPair>): Promise<CertificateAuthority> {
  const certFile = join(dir, CA_CERT_FILE);
  const keyFile = join(dir, CA_KEY_FILE);
  if (!existsSync(certFile)) {
    const made = await makeCa(now, key);
    if (writeCaOnce(dir, made.certPem, made.key)) return { ...made, certFile, created: true };
    // Another ec2net made one at the same moment: use that one.
  }
  return readCa(certFile, keyFile, now);
}

/**
 * Writes the CA's files unless another process got there first (false then). Each file is
 * written aside and linked into place (a link never replaces): the key first, so a reader that
 * sees ca.pem finds its key.
 */
function writeCaOnce(dir: string, certPem: string, key: KeyObject): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new ConfigError(`cannot make the TLS directory ${dir} (--tls-ca-dir): ${(e as Error).message}`);
  }
  const aside = (name: string) => join(dir, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}`);
  const keyAside = aside(CA_KEY_FILE);
  const certAside = aside(CA_CERT_FILE);
  try {
    writeFileSync(keyAside, key.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    writeFileSync(certAside, certPem, { mode: 0o644 });
    try {
      linkSync(keyAside, join(dir, CA_KEY_FILE));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (certAppears(join(dir, CA_CERT_FILE))) return false;
      // A key whose certificate never came: a start killed half-way. Replace it.
      renameSync(keyAside, join(dir, CA_KEY_FILE));
    }
    try {
      linkSync(certAside, join(dir, CA_CERT_FILE));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
    return true;
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`cannot write the local CA into ${dir} (--tls-ca-dir): ${(e as Error).message}`);
  } finally {
    rmSync(keyAside, { force: true });
    rmSync(certAside, { force: true });
  }
}

/** Another writer links ca.pem right after its key: whether it does within a few seconds. */
function certAppears(certFile: string): boolean {
  const until = Date.now() + 3000;
  while (!existsSync(certFile) && Date.now() < until) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  return existsSync(certFile);
}

function readCa(certFile: string, keyFile: string, now: Date): CertificateAuthority {
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (e) {
      throw new ConfigError(`cannot read the local CA's ${what} ${file}: ${(e as Error).message}`);
    }
  };
  const certPem = read(certFile, 'certificate');
  const keyPem = read(keyFile, 'key');
  let cert: X509Certificate;
  let key: KeyObject;
  try {
    cert = new X509Certificate(certPem);
    key = createPrivateKey(keyPem);
  } catch (e) {
    throw new ConfigError(`the local CA in ${certFile} / ${keyFile} cannot be read (${(e as Error).message}): remove both files to have a new one made`);
  }
  if (!cert.ca) throw new ConfigError(`${certFile} is not a CA certificate (no basicConstraints cA): remove it to have a new CA made`);
  if (!cert.checkPrivateKey(key)) throw new ConfigError(`${keyFile} is not the key of ${certFile}`);
  if (key.asymmetricKeyType !== 'rsa') throw new ConfigError(`the CA key ${keyFile} must be an RSA key (it is ${key.asymmetricKeyType})`);
  if (new Date(cert.validTo).getTime() <= now.getTime())
    throw new ConfigError(`the local CA ${certFile} expired on ${cert.validTo}: remove ${certFile} and ${keyFile} to have a new one made`);
  return { certPem, key, certFile, created: false };
}
