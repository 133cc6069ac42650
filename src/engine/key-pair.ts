/**
 * Key pairs: made by EC2 (CreateKeyPair) or imported (ImportKeyPair), one name space per
 * account × region (EC2 User Guide, "Amazon EC2 key pairs": a key pair must be imported into
 * every Region it is used in). Instances keep the key they launched with after it is deleted.
 */
import type { RegionState } from './cloud.js';
import { Ec2Error, invalidValue, missingParam } from './errors.js';
import { ID_KINDS, notFound } from './ids.js';
import type { KeyPair, Tags } from './model.js';
import { importedFingerprint, KeyFormatError, makeKey, openSshPublicKey, parsePublicKeyMaterial, type KeyType } from './ssh-keys.js';

/** How many bytes of the random stream a made key is drawn from. */
const KEY_SEED_BYTES = 32;

/** API reference, CreateKeyPair: "Constraints: Up to 255 ASCII characters". */
function checkKeyName(name: string | undefined): string {
  if (name === undefined || name === '') throw missingParam('KeyName');
  if (name.length > 255) throw invalidValue(`Value (${name}) for parameter KeyName is invalid. Length exceeds maximum of 255.`);
  if (!/^[\x20-\x7e]+$/.test(name)) throw invalidValue(`Value (${name}) for parameter KeyName is invalid. Character sets beyond ASCII are not supported.`);
  return name;
}

export function findKeyPairByName(region: RegionState, name: string): KeyPair | undefined {
  for (const k of region.keyPairs.values()) if (k.name === name) return k;
  return undefined;
}

/** Observed wording of InvalidKeyPair.NotFound for a name (also what RunInstances answers for an unknown KeyName). */
export const keyPairNotFound = (name: string) => new Ec2Error('InvalidKeyPair.NotFound', `The key pair '${name}' does not exist`);

export function getKeyPairByName(region: RegionState, name: string): KeyPair {
  const k = findKeyPairByName(region, name);
  if (!k) throw keyPairNotFound(name);
  return k;
}

export function getKeyPairById(region: RegionState, id: string): KeyPair {
  const k = region.keyPairs.get(id);
  if (!k) throw notFound(ID_KINDS.keyPair, id);
  return k;
}

function checkUnique(region: RegionState, name: string): void {
  // Observed: "The keypair 'x' already exists." (InvalidKeyPair.Duplicate, AWS's error-code list).
  if (findKeyPairByName(region, name)) throw new Ec2Error('InvalidKeyPair.Duplicate', `The keypair '${name}' already exists.`);
}

function store(region: RegionState, fields: Omit<KeyPair, 'id' | 'resourceType' | 'createTime'>): KeyPair {
  const k: KeyPair = { id: region.ids.next(ID_KINDS.keyPair), resourceType: 'key-pair', createTime: region.now(), ...fields };
  region.keyPairs.set(k.id, region.register(k));
  return k;
}

export interface CreatedKeyPair {
  readonly keyPair: KeyPair;
  /** The private key, given once and never kept. */
  readonly privateKey: string;
}

export function createKeyPair(
  region: RegionState,
  nameIn: string | undefined,
  type: KeyType = 'rsa',
  format: 'pem' | 'ppk' = 'pem',
  tags: Tags = new Map(),
): CreatedKeyPair {
  const name = checkKeyName(nameIn);
  checkUnique(region, name);
  // The key is drawn from the cloud's random stream (after the id), so a replay makes it again.
  const id = region.ids.next(ID_KINDS.keyPair);
  const made = makeKey(type, format, Buffer.from(region.cloud.random.bytes(KEY_SEED_BYTES)), name);
  const keyPair: KeyPair = {
    id,
    resourceType: 'key-pair',
    name,
    keyType: type,
    fingerprint: made.fingerprint,
    publicKey: openSshPublicKey(type, made.blob, name),
    createTime: region.now(),
    tags,
  };
  region.keyPairs.set(id, region.register(keyPair));
  return { keyPair, privateKey: made.privateKey };
}

/**
 * ImportKeyPair. `materialBase64` is the parameter as sent: the key's text, base64-encoded
 * (API reference: "For API calls, the text must be base64-encoded"). Text sent without that
 * encoding is refused as AWS refuses it (aws/aws-cli#4969: `file://` instead of `fileb://`).
 */
export function importKeyPair(region: RegionState, nameIn: string | undefined, materialBase64: string | undefined, tags: Tags = new Map()): KeyPair {
  const name = checkKeyName(nameIn);
  if (materialBase64 === undefined || materialBase64 === '') throw missingParam('PublicKeyMaterial');
  checkUnique(region, name);
  let key;
  try {
    if (!/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(materialBase64)) throw new KeyFormatError('not base64');
    key = parsePublicKeyMaterial(Buffer.from(materialBase64, 'base64'));
  } catch (e) {
    if (!(e instanceof KeyFormatError)) throw e;
    // Observed for every unreadable, DSA or ECDSA key (trailofbits/algo#376, StreisandEffect/streisand#1171).
    throw new Ec2Error('InvalidKey.Format', 'Key is not in valid OpenSSH public key format');
  }
  return store(region, { name, keyType: key.type, fingerprint: importedFingerprint(key), publicKey: openSshPublicKey(key.type, key.blob, name), tags });
}

/** DeleteKeyPair: by name or id; a key pair that does not exist is already deleted (the call succeeds). */
export function deleteKeyPair(region: RegionState, name: string | undefined, id: string | undefined): KeyPair | undefined {
  if ((name === undefined || name === '') && (id === undefined || id === '')) throw missingParam('KeyName or KeyPairId');
  const k = id ? region.keyPairs.get(id) : findKeyPairByName(region, name!);
  if (!k) return undefined;
  region.keyPairs.delete(k.id);
  region.unregister(k.id);
  return k;
}
