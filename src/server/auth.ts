/**
 * Signature checking for the Query API (`--auth sigv4 --credentials FILE`): the credentials file,
 * checked whole at start-up, and the request authenticator that maps a verified access key to the
 * account its file entry names.
 *
 * File format (README "Signature checking"):
 *   {"credentials": [{"accessKeyId": "…", "secretAccessKey": "…", "accountId": "123456789012"}]}
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { ConfigError } from '../config.js';
import { findRegion } from '../engine/regions.js';
import { verifySigV4 } from '../protocol/sigv4.js';

export interface CredentialEntry {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly accountId: string;
}

/** Who a verified request comes from: the key, its scope's region, and the key's account. */
export interface AuthenticatedCaller {
  readonly accessKeyId: string;
  readonly region: string;
  readonly accountId: string;
}

/** Access key ids as IAM makes them: 16–128 word characters (IAM API reference, AccessKey). */
const ACCESS_KEY_ID = /^[A-Za-z0-9_]{16,128}$/;
const ENTRY_FIELDS = new Set(['accessKeyId', 'secretAccessKey', 'accountId']);

export class CredentialStore {
  /** A Map, never a plain object: a key id such as `__proto__` stays an ordinary key. */
  private readonly byKey: Map<string, CredentialEntry>;

  constructor(entries: readonly CredentialEntry[]) {
    this.byKey = new Map(entries.map((e) => [e.accessKeyId, e]));
  }

  get size(): number {
    return this.byKey.size;
  }

  find(accessKeyId: string): CredentialEntry | undefined {
    return this.byKey.get(accessKeyId);
  }
}

/** Reads and checks a credentials file; every problem is a ConfigError naming the file and the entry. */
export function loadCredentials(file: string): CredentialStore {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read the credentials file ${file} (--credentials): ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`the credentials file ${file} (--credentials) is not valid JSON: ${(e as Error).message}`);
  }
  return new CredentialStore(parseCredentials(doc, file));
}

export function parseCredentials(doc: unknown, source = 'credentials'): CredentialEntry[] {
  const fail = (why: string) => new ConfigError(`${source}: ${why}`);
  if (!isObject(doc) || !Array.isArray(doc.credentials)) {
    throw fail('expected {"credentials":[{"accessKeyId":…,"secretAccessKey":…,"accountId":…}]}');
  }
  if (doc.credentials.length === 0) throw fail('"credentials" is empty: no request could be signed');
  const seen = new Set<string>();
  return doc.credentials.map((entry: unknown, i: number): CredentialEntry => {
    const at = `credentials[${i}]`;
    if (!isObject(entry)) throw fail(`${at} must be an object`);
    for (const key of Object.keys(entry)) {
      if (!ENTRY_FIELDS.has(key)) throw fail(`${at} has an unknown field "${key}" (expected accessKeyId, secretAccessKey, accountId)`);
    }
    const { accessKeyId, secretAccessKey, accountId } = entry;
    if (typeof accessKeyId !== 'string' || !ACCESS_KEY_ID.test(accessKeyId)) {
      throw fail(`${at}.accessKeyId must be 16 to 128 letters, digits or underscores`);
    }
    if (typeof secretAccessKey !== 'string' || secretAccessKey.length === 0) throw fail(`${at}.secretAccessKey must be a non-empty string`);
    if (typeof accountId !== 'string' || !/^[0-9]{12}$/.test(accountId)) throw fail(`${at}.accountId must be 12 digits`);
    if (seen.has(accessKeyId)) throw fail(`${at}.accessKeyId ${accessKeyId} appears twice`);
    seen.add(accessKeyId);
    return { accessKeyId, secretAccessKey, accountId };
  });
}

/**
 * The authenticator the HTTP front calls before decoding anything: verifies the request's SigV4
 * signature against the store and returns the caller, or throws the Ec2Error AWS would answer.
 */
export function sigv4Authenticator(store: CredentialStore, now: () => number = Date.now) {
  return (req: IncomingMessage, body: Uint8Array): AuthenticatedCaller => {
    const verified = verifySigV4(
      { method: req.method ?? 'GET', target: req.url ?? '/', headers: req.headersDistinct, body },
      {
        secretFor: (id) => store.find(id)?.secretAccessKey,
        isRegion: (name) => findRegion(name) !== undefined,
        now: now(),
      },
    );
    return { accessKeyId: verified.accessKeyId, region: verified.region, accountId: store.find(verified.accessKeyId)!.accountId };
  };
}

export type Authenticator = ReturnType<typeof sigv4Authenticator>;

/** Whether a listen address only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$/.test(h) || /^::ffff:127\./.test(h);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
