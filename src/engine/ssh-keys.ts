/**
 * SSH key material for key pairs: making keys (deterministically, from bytes of the cloud's
 * random stream, so a replayed CreateKeyPair makes the same key), reading public keys in the
 * formats ImportKeyPair accepts, and AWS's fingerprints.
 *
 * Fingerprints (EC2 User Guide, "Verify the fingerprint of your key pair"; API reference,
 * KeyPairInfo.KeyFingerprint):
 * - RSA made by EC2: SHA-1 of the DER PKCS#8 private key, colon-separated hex;
 * - RSA imported: MD5 of the DER SubjectPublicKeyInfo public key, colon-separated hex;
 * - ED25519 either way: base64 SHA-256 of the SSH public key blob (what `ssh-keygen -l` shows,
 *   with the `=` padding EC2 may append).
 * Private keys (API reference, CreateKeyPair): RSA 2048-bit as an unencrypted PEM PKCS#1 key,
 * ED25519 as an unencrypted OpenSSH private key; or either as an unencrypted PuTTY (.ppk) file.
 */
import { checkPrimeSync, createHash, createHmac, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

export type KeyType = 'rsa' | 'ed25519';

/** A public key as EC2 keeps it. */
export interface PublicKey {
  readonly type: KeyType;
  /** The SSH wire-format public key blob (RFC 4253 §6.6, RFC 8709). */
  readonly blob: Buffer;
  readonly key: KeyObject;
}

export class KeyFormatError extends Error {}

// ---- SSH wire encoding -------------------------------------------------------------------------

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
const sshString = (data: Buffer | string) => {
  const b = typeof data === 'string' ? Buffer.from(data) : data;
  return Buffer.concat([u32(b.length), b]);
};
/** An SSH mpint: big-endian two's complement, minimal, with a leading zero when the top bit is set. */
const mpint = (n: bigint) => sshString(unsignedBytes(n, true));

function unsignedBytes(n: bigint, signPad = false): Buffer {
  let hex = n.toString(16);
  if (n === 0n) return Buffer.alloc(0);
  if (hex.length % 2) hex = `0${hex}`;
  const b = Buffer.from(hex, 'hex');
  return signPad && b[0]! & 0x80 ? Buffer.concat([Buffer.alloc(1), b]) : b;
}

const toBigInt = (b: Buffer) => (b.length === 0 ? 0n : BigInt(`0x${b.toString('hex')}`));
const b64url = (b: Buffer) => b.toString('base64url');

/** Reads SSH wire strings one after another, refusing truncated input. */
class WireReader {
  private offset = 0;
  constructor(private readonly buf: Buffer) {}
  string(): Buffer {
    if (this.offset + 4 > this.buf.length) throw new KeyFormatError('truncated');
    const n = this.buf.readUInt32BE(this.offset);
    const start = this.offset + 4;
    if (start + n > this.buf.length) throw new KeyFormatError('truncated');
    this.offset = start + n;
    return this.buf.subarray(start, start + n);
  }
  get done(): boolean {
    return this.offset === this.buf.length;
  }
}

// ---- public keys ---------------------------------------------------------------------------------

export const SSH_KEY_TYPE: Record<KeyType, string> = { rsa: 'ssh-rsa', ed25519: 'ssh-ed25519' };

function rsaBlob(e: bigint, n: bigint): Buffer {
  return Buffer.concat([sshString('ssh-rsa'), mpint(e), mpint(n)]);
}

/** The SSH blob of an RSA or ED25519 key object. */
function blobOf(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (key.asymmetricKeyType === 'rsa') return rsaBlob(toBigInt(Buffer.from(jwk.e!, 'base64url')), toBigInt(Buffer.from(jwk.n!, 'base64url')));
  return Buffer.concat([sshString('ssh-ed25519'), sshString(Buffer.from(jwk.x!, 'base64url'))]);
}

/** Parses an SSH public key blob of a type EC2 accepts (RSA, ED25519). */
export function publicKeyFromBlob(blob: Buffer): PublicKey {
  const r = new WireReader(blob);
  const type = r.string().toString('latin1');
  if (type === 'ssh-rsa') {
    const e = r.string();
    const n = r.string();
    if (!r.done || n.length === 0 || e.length === 0) throw new KeyFormatError('bad rsa blob');
    const strip = (b: Buffer) => (b[0] === 0 ? b.subarray(1) : b);
    let key: KeyObject;
    try {
      key = createPublicKey({ key: { kty: 'RSA', n: b64url(strip(n)), e: b64url(strip(e)) }, format: 'jwk' });
    } catch {
      throw new KeyFormatError('bad rsa key');
    }
    return { type: 'rsa', blob: Buffer.from(blob), key };
  }
  if (type === 'ssh-ed25519') {
    const x = r.string();
    if (!r.done || x.length !== 32) throw new KeyFormatError('bad ed25519 blob');
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(x) }, format: 'jwk' });
    return { type: 'ed25519', blob: Buffer.from(blob), key };
  }
  // DSA, ECDSA, certificates, anything else: EC2 takes only RSA and ED25519.
  throw new KeyFormatError(`unsupported key type ${type}`);
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** `ssh-rsa AAAA… [comment]`, the authorized_keys / `.pub` form. */
function fromOpenSsh(text: string): PublicKey | undefined {
  const parts = text.trim().split(/\s+/);
  if (parts.length < 2 || !/^ssh-|^ecdsa-/.test(parts[0]!) || !BASE64.test(parts[1]!)) return undefined;
  const key = publicKeyFromBlob(Buffer.from(parts[1]!, 'base64'));
  if (SSH_KEY_TYPE[key.type] !== parts[0]) throw new KeyFormatError('type mismatch');
  return key;
}

/** The SSH public key file format of RFC 4716 (`---- BEGIN SSH2 PUBLIC KEY ----`). */
function fromRfc4716(text: string): PublicKey | undefined {
  const lines = text
    .trim()
    .split(/\r?\n/)
    .map((l) => l.trim());
  if (lines[0] !== '---- BEGIN SSH2 PUBLIC KEY ----') return undefined;
  if (lines[lines.length - 1] !== '---- END SSH2 PUBLIC KEY ----') throw new KeyFormatError('no end line');
  let body = '';
  let continued = false;
  for (const line of lines.slice(1, -1)) {
    // Header lines are `Tag: value`, continued with a trailing backslash (RFC 4716 §3.3).
    if (continued || /^[^:\s]{1,64}:/.test(line)) {
      continued = line.endsWith('\\');
      continue;
    }
    body += line;
  }
  if (!BASE64.test(body)) throw new KeyFormatError('bad body');
  return publicKeyFromBlob(Buffer.from(body, 'base64'));
}

/** A base64 DER public key: SubjectPublicKeyInfo, or a PKCS#1 RSAPublicKey. */
function fromBase64Der(text: string): PublicKey | undefined {
  const compact = text.replace(/\s+/g, '');
  if (!BASE64.test(compact)) return undefined;
  const der = Buffer.from(compact, 'base64');
  for (const type of ['spki', 'pkcs1'] as const) {
    try {
      const key = createPublicKey({ key: der, format: 'der', type });
      if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'ed25519') throw new KeyFormatError('unsupported');
      return { type: key.asymmetricKeyType, blob: blobOf(key), key };
    } catch (e) {
      if (e instanceof KeyFormatError) throw e;
    }
  }
  return undefined;
}

/** RSA moduli EC2 documents are 1024, 2048 and 4096 bits; ssh-keygen's default 3072 is taken too. */
const MIN_RSA_BITS = 1024;
const MAX_RSA_BITS = 16384;

/**
 * Reads the decoded PublicKeyMaterial of ImportKeyPair: OpenSSH public key format, base64 DER,
 * or RFC 4716 (API reference, ImportKeyPair; EC2 User Guide, "Create a key pair … and import the
 * public key"). Throws KeyFormatError for anything else.
 */
export function parsePublicKeyMaterial(material: Buffer): PublicKey {
  const text = material.toString('latin1');
  const key = fromOpenSsh(text) ?? fromRfc4716(text) ?? fromBase64Der(text);
  if (!key) throw new KeyFormatError('unrecognised');
  if (key.type === 'rsa') {
    const bits = key.key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) throw new KeyFormatError(`rsa ${bits} bits`);
  }
  return key;
}

/** The one-line OpenSSH form, `<type> <base64 blob> <comment>`, as EC2 shows it (comment: the key pair's name). */
export function openSshPublicKey(type: KeyType, blob: Buffer, comment: string): string {
  return `${SSH_KEY_TYPE[type]} ${blob.toString('base64')} ${comment}`;
}

// ---- fingerprints --------------------------------------------------------------------------------

const colonHex = (digest: Buffer) => digest.toString('hex').match(/../g)!.join(':');

/** ED25519 (made or imported): base64 SHA-256 of the SSH blob, padded. */
export const ed25519Fingerprint = (blob: Buffer) => createHash('sha256').update(blob).digest('base64');

/** An imported key's fingerprint. */
export function importedFingerprint(key: PublicKey): string {
  if (key.type === 'ed25519') return ed25519Fingerprint(key.blob);
  return colonHex(
    createHash('md5')
      .update(key.key.export({ format: 'der', type: 'spki' }))
      .digest(),
  );
}

// ---- making keys ---------------------------------------------------------------------------------

/** A key EC2 made: the private key in the format asked for, the public key and the fingerprint. */
export interface MadeKey {
  readonly type: KeyType;
  readonly privateKey: string;
  readonly blob: Buffer;
  readonly fingerprint: string;
}

/** An endless deterministic byte stream from a seed (SHA-256 in counter mode). */
function expander(seed: Buffer): (n: number) => Buffer {
  let counter = 0;
  let pool = Buffer.alloc(0);
  return (n) => {
    while (pool.length < n) {
      pool = Buffer.concat([pool, createHash('sha256').update(seed).update(u32(counter++)).digest()]);
    }
    const out = pool.subarray(0, n);
    pool = pool.subarray(n);
    return out;
  };
}

const SMALL_PRIMES: readonly bigint[] = (() => {
  const out: bigint[] = [];
  for (let n = 3; n < 2000; n += 2) {
    let prime = true;
    for (let d = 3; d * d <= n; d += 2) if (n % d === 0) prime = false;
    if (prime) out.push(BigInt(n));
  }
  return out;
})();

const E = 65537n;

/** A random `bits`-bit prime p (top two bits set, so a product of two is exactly 2·bits) with gcd(p-1, e) = 1. */
function randomPrime(bits: number, draw: (n: number) => Buffer): bigint {
  for (;;) {
    const b = Buffer.from(draw(bits / 8));
    b[0]! |= 0xc0;
    b[b.length - 1]! |= 1;
    const p = toBigInt(b);
    if (SMALL_PRIMES.some((s) => p % s === 0n)) continue;
    if ((p - 1n) % E === 0n) continue;
    // OpenSSL's Miller–Rabin: false for a composite with negligible error; a prime always passes.
    if (checkPrimeSync(p, { checks: 64 })) return p;
  }
}

function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [a % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return ((oldS % m) + m) % m;
}

const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? a : gcd(b, a % b));

interface RsaParts {
  readonly n: bigint;
  readonly d: bigint;
  readonly p: bigint;
  readonly q: bigint;
  readonly iqmp: bigint;
  readonly key: KeyObject;
}

/** A 2048-bit RSA private key drawn from `seed` (the size CreateKeyPair makes). */
function rsaFromSeed(seed: Buffer): RsaParts {
  const draw = expander(seed);
  let p = randomPrime(1024, draw);
  let q = randomPrime(1024, draw);
  while (q === p) q = randomPrime(1024, draw);
  if (p < q) [p, q] = [q, p];
  const n = p * q;
  const lambda = ((p - 1n) * (q - 1n)) / gcd(p - 1n, q - 1n);
  const d = modInverse(E, lambda);
  const iqmp = modInverse(q, p);
  const part = (x: bigint) => b64url(unsignedBytes(x));
  const key = createPrivateKey({
    key: { kty: 'RSA', n: part(n), e: part(E), d: part(d), p: part(p), q: part(q), dp: part(d % (p - 1n)), dq: part(d % (q - 1n)), qi: part(iqmp) },
    format: 'jwk',
  });
  return { n, d, p, q, iqmp, key };
}

const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Base64 cut in lines of `width`. */
const wrap = (b64: string, width: number) => b64.match(new RegExp(`.{1,${width}}`, 'g'))!.join('\n');

/** The unencrypted `openssh-key-v1` private key format (OpenSSH's PROTOCOL.key). */
function openSshPrivateKey(blob: Buffer, seed: Buffer, pub: Buffer, checkInt: number, comment: string): string {
  const body = [sshString(blob.subarray(4, 4 + blob.readUInt32BE(0))), sshString(pub), sshString(Buffer.concat([seed, pub])), sshString(comment)];
  let priv = Buffer.concat([u32(checkInt), u32(checkInt), ...body]);
  const pad: number[] = [];
  for (let i = 1; (priv.length + pad.length) % 8 !== 0; i++) pad.push(i);
  priv = Buffer.concat([priv, Buffer.from(pad)]);
  const data = Buffer.concat([Buffer.from('openssh-key-v1\0'), sshString('none'), sshString('none'), sshString(''), u32(1), sshString(blob), sshString(priv)]);
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${wrap(data.toString('base64'), 70)}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

/**
 * An unencrypted PuTTY private key file, version 2 (PuTTY manual, appendix C): the MAC is an
 * HMAC-SHA-1 keyed with SHA-1("putty-private-key-file-mac-key") over the algorithm, encryption,
 * comment, public blob and private blob.
 */
function ppk(algorithm: string, blob: Buffer, privateBlob: Buffer, comment: string): string {
  const macKey = createHash('sha1').update('putty-private-key-file-mac-key').digest();
  const mac = createHmac('sha1', macKey)
    .update(Buffer.concat([sshString(algorithm), sshString('none'), sshString(comment), sshString(blob), sshString(privateBlob)]))
    .digest('hex');
  const lines = (b: Buffer) => wrap(b.toString('base64'), 64).split('\n');
  const pub = lines(blob);
  const priv = lines(privateBlob);
  return [
    `PuTTY-User-Key-File-2: ${algorithm}`,
    'Encryption: none',
    `Comment: ${comment}`,
    `Public-Lines: ${pub.length}`,
    ...pub,
    `Private-Lines: ${priv.length}`,
    ...priv,
    `Private-MAC: ${mac}`,
    '',
  ].join('\n');
}

/**
 * Makes a key as CreateKeyPair does, entirely from `seed` (at least 32 bytes of the cloud's
 * random stream): the same seed gives the same key, so replaying the journal rebuilds it.
 */
export function makeKey(type: KeyType, format: 'pem' | 'ppk', seed: Buffer, comment: string): MadeKey {
  if (type === 'rsa') {
    const rsa = rsaFromSeed(seed);
    const blob = rsaBlob(E, rsa.n);
    const pkcs8 = rsa.key.export({ format: 'der', type: 'pkcs8' });
    const fingerprint = colonHex(createHash('sha1').update(pkcs8).digest());
    const privateKey =
      format === 'pem'
        ? (rsa.key.export({ format: 'pem', type: 'pkcs1' }) as string).trimEnd()
        : ppk('ssh-rsa', blob, Buffer.concat([mpint(rsa.d), mpint(rsa.p), mpint(rsa.q), mpint(rsa.iqmp)]), comment);
    return { type, privateKey, blob, fingerprint };
  }
  const secret = expander(seed)(32);
  const key = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, secret]), format: 'der', type: 'pkcs8' });
  const pub = Buffer.from(createPublicKey(key).export({ format: 'jwk' }).x!, 'base64url');
  const blob = Buffer.concat([sshString('ssh-ed25519'), sshString(pub)]);
  const checkInt = seed.readUInt32BE(0);
  // PuTTY keeps an EdDSA private key as the mpint of the secret read little-endian.
  const privateKey =
    format === 'pem'
      ? openSshPrivateKey(blob, secret, pub, checkInt, comment)
      : ppk('ssh-ed25519', blob, mpint(toBigInt(Buffer.from(secret).reverse())), comment);
  return { type, privateKey, blob, fingerprint: ed25519Fingerprint(blob) };
}
