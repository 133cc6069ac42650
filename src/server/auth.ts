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
import { Ec2Error } from '../engine/errors.js';
import { findRegion } from '../engine/regions.js';
import { isExpired, type StsSession } from '../engine/sts.js';
import { authFailure, requestExpired, verifySigV4 } from '../protocol/sigv4.js';
import type { ServiceName } from './services.js';

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
  /** The service the request was signed for (its credential scope's). */
  readonly service: ServiceName;
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
 * signature against the store — or against temporary credentials STS issued here (`sessions`) —
 * and returns the caller, or throws the error AWS would answer. The signature must be scoped to
 * the service the request is for (`ec2`, `sts`, `iam`).
 *
 * Temporary credentials must come with their session token (`X-Amz-Security-Token`, header or
 * query) and be unexpired. What AWS answers otherwise: EC2 — AuthFailure (401) for a token it
 * cannot validate, RequestExpired "Request has expired." (400) once the credentials have expired
 * (observed: aws/aws-sdk-ruby#143, aws/aws-sdk-go#253); STS — InvalidClientTokenId (403) "The
 * security token included in the request is invalid." and ExpiredToken (403) "The security token
 * included in the request is expired" (observed: aws-azure-login/aws-azure-login#251,
 * DavidMuller/aws-requests-auth#27).
 */
/** Temporary credentials STS issued, and the clock their expirations are on (the cloud's). */
export interface SessionLookup {
  find(accessKeyId: string): StsSession | undefined;
  nowMs(): number;
}

export function sigv4Authenticator(store: CredentialStore, now: () => number = Date.now, sessions?: SessionLookup) {
  return (req: IncomingMessage, body: Uint8Array, service: ServiceName = 'ec2'): AuthenticatedCaller => {
    try {
      const verified = verifySigV4(
        { method: req.method ?? 'GET', target: req.url ?? '/', headers: req.headersDistinct, body },
        {
          secretFor: (id) => store.find(id)?.secretAccessKey ?? sessions?.find(id)?.secretAccessKey,
          isRegion: (name) => findRegion(name) !== undefined,
          service,
          now: now(),
        },
      );
      const entry = store.find(verified.accessKeyId);
      if (entry) return { accessKeyId: verified.accessKeyId, region: verified.region, accountId: entry.accountId, service };
      const session = sessions!.find(verified.accessKeyId)!;
      if (sessionTokenOf(req) !== session.sessionToken) {
        throw service === 'ec2' ? authFailure() : new Ec2Error('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
      }
      if (isExpired(session, sessions!.nowMs())) {
        throw service === 'ec2' ? requestExpired() : new Ec2Error('ExpiredToken', 'The security token included in the request is expired', 403);
      }
      return { accessKeyId: verified.accessKeyId, region: verified.region, accountId: session.accountId, service };
    } catch (e) {
      throw service === 'ec2' || !(e instanceof Ec2Error) ? e : asQueryServiceError(e);
    }
  };
}

/** The session token of a request: the `X-Amz-Security-Token` header, or the query parameter of a presigned URL. */
function sessionTokenOf(req: IncomingMessage): string | undefined {
  const header = req.headers['x-amz-security-token'];
  if (header !== undefined) return Array.isArray(header) ? header[0] : header;
  const target = req.url ?? '';
  const q = target.indexOf('?');
  return q < 0 ? undefined : (new URLSearchParams(target.slice(q + 1)).get('X-Amz-Security-Token') ?? undefined);
}

/**
 * A refusal of the signature check as STS and IAM word it: no signature → MissingAuthenticationToken;
 * a key it cannot validate → InvalidClientTokenId; a request outside the time window → SignatureDoesNotMatch "Signature expired" (the query services'
 * wording). Malformed and mismatched signatures keep their codes.
 */
function asQueryServiceError(e: Ec2Error): Ec2Error {
  switch (e.code) {
    case 'MissingParameter':
      return new Ec2Error('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
    case 'AuthFailure':
      if (e.message.startsWith('Credential should be scoped')) return new Ec2Error('SignatureDoesNotMatch', e.message, 403);
      return new Ec2Error('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
    case 'RequestExpired':
      return new Ec2Error('SignatureDoesNotMatch', 'Signature expired: the request is not within 15 minutes of the server time.', 403);
    default:
      return e;
  }
}

export type Authenticator = ReturnType<typeof sigv4Authenticator>;

/** Whether a listen address only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$/.test(h) || /^::ffff:127\./.test(h);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
