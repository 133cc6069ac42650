/**
 * AWS Signature Version 4 verification (AWS General Reference, "Signature Version 4 signing
 * process"; IAM User Guide, "Create a signed AWS API request"), for the Authorization header form
 * and the presigned query-string form. Built on node:crypto alone.
 *
 * Checks run in the order AWS's own front end runs them (recorded by dynalite from real
 * responses): required signature parts → date format → time window → Host signed → algorithm →
 * credential shape → credential scope → access key → signature. The codes and statuses are EC2's:
 * - MissingParameter 400 "The request must contain the parameter AWSAccessKeyId" for an unsigned
 *   request (observed: test-kitchen/kitchen-ec2#440, Aws::EC2::Errors::MissingParameter);
 * - IncompleteSignature 400 for a malformed signature (EC2 API reference, "Common error types");
 * - RequestExpired 400 "Request has expired." past the 15-minute window or X-Amz-Expires
 *   (observed on EC2: aws/aws-sdk-java#1443 "Status Code: 400; Error Code: RequestExpired",
 *   aws/aws-sdk-go-v2#1674; window: EC2 API reference, RequestExpired);
 * - AuthFailure 401 "AWS was not able to validate the provided access credentials" for an unknown
 *   key (observed: aws/aws-sdk-java#2508 "Status Code: 401; Error Code: AuthFailure");
 * - SignatureDoesNotMatch 403 for a wrong signature or scope (observed on EC2: mitchellh/vagrant-aws#138
 *   "403 Forbidden … <Code>SignatureDoesNotMatch</Code>", aws/aws-cli#134 for the message).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Ec2Error } from '../engine/errors.js';

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
/** How far X-Amz-Date may be from the server's clock (EC2 API reference, RequestExpired). */
export const MAX_SKEW_MS = 15 * 60 * 1000;
/** Longest X-Amz-Expires a presigned request may carry: seven days. */
export const MAX_EXPIRES_SECONDS = 604_800;

/** An HTTP request as received: header names lower-case, every value of a repeated header kept. */
export interface SignedRequest {
  readonly method: string;
  /** The raw request target: path and query string, percent-encoded as sent. */
  readonly target: string;
  readonly headers: Readonly<Record<string, readonly string[] | undefined>>;
  readonly body: Uint8Array;
}

export interface VerifyOptions {
  /** The secret of an access key, or undefined when the key is unknown. */
  readonly secretFor: (accessKeyId: string) => string | undefined;
  /** Whether a region name may appear in a credential scope. */
  readonly isRegion: (name: string) => boolean;
  /** The signing name the scope must carry (default `ec2`). */
  readonly service?: string;
  /** The server's clock, epoch milliseconds (default Date.now()). */
  readonly now?: number;
}

export interface VerifiedCaller {
  readonly accessKeyId: string;
  readonly region: string;
  /** Whether the signature came in the query string (a presigned URL). */
  readonly presigned: boolean;
}

const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

export const incompleteSignature = (message: string) => new Ec2Error('IncompleteSignature', message, 400);
export const signatureDoesNotMatch = (message = SIGNATURE_MISMATCH) => new Ec2Error('SignatureDoesNotMatch', message, 403);
export const authFailure = (message = 'AWS was not able to validate the provided access credentials') => new Ec2Error('AuthFailure', message, 401);
export const requestExpired = () => new Ec2Error('RequestExpired', 'Request has expired.', 400);

/** Verifies a request's SigV4 signature; returns who signed it, or throws the Ec2Error AWS answers. */
export function verifySigV4(req: SignedRequest, opts: VerifyOptions): VerifiedCaller {
  const service = opts.service ?? 'ec2';
  const now = opts.now ?? Date.now();
  const { path, query } = splitTarget(req.target);
  const authorization = first(req.headers, 'authorization');
  const queryParams = new URLSearchParams(query);
  const parts = authorization !== undefined ? headerParts(authorization, req.headers) : queryParts(queryParams);

  // The time window comes before everything but the shape (AWS checks the date first).
  const requestTime = parseAmzDate(parts.date);
  let expiresSeconds: number | undefined;
  if (parts.presigned && queryParams.has('X-Amz-Expires')) {
    const text = queryParams.get('X-Amz-Expires')!;
    if (!/^[0-9]{1,7}$/.test(text)) throw incompleteSignature(`X-Amz-Expires should be a number, not '${text}'.`);
    expiresSeconds = Number(text);
    if (expiresSeconds > MAX_EXPIRES_SECONDS) {
      throw incompleteSignature(`X-Amz-Expires must be less than a week (in seconds) that is ${MAX_EXPIRES_SECONDS}`);
    }
  }
  if (requestTime > now + MAX_SKEW_MS) throw requestExpired();
  if (expiresSeconds !== undefined ? now > requestTime + expiresSeconds * 1000 : now > requestTime + MAX_SKEW_MS) {
    throw requestExpired();
  }

  const signedHeaders = parts.signedHeaders.split(';');
  if (!signedHeaders.includes('host')) {
    throw signatureDoesNotMatch("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  if (parts.algorithm !== ALGORITHM) {
    throw incompleteSignature(`Unsupported AWS 'algorithm': '${parts.algorithm}' (only ${ALGORITHM} for now). `);
  }
  const credential = parts.credential.replace(/\/+$/, '').split('/');
  if (credential.length !== 5) {
    throw incompleteSignature(`Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${parts.credential}'`);
  }
  const [accessKeyId, scopeDate, region, scopeService, terminator] = credential as [string, string, string, string, string];
  const scopeErrors: string[] = [];
  if (scopeService !== service) scopeErrors.push(`Credential should be scoped to correct service: '${service}'.`);
  if (terminator !== 'aws4_request') {
    scopeErrors.push(`Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'.`);
  }
  if (scopeDate !== parts.date.slice(0, 8)) {
    scopeErrors.push(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${parts.date.slice(0, 8)}', from '${parts.date}'.`,
    );
  }
  if (scopeErrors.length > 0) throw signatureDoesNotMatch(scopeErrors.join(' '));
  // EC2 answers a region it does not serve with AuthFailure (as query-api.ts does for unsigned requests).
  if (!opts.isRegion(region)) throw authFailure(`Credential should be scoped to a valid region, not '${region}'.`);

  const secret = opts.secretFor(accessKeyId);
  if (secret === undefined) throw authFailure();

  const bodyHash = sha256Hex(req.body);
  const claimedHash = first(req.headers, 'x-amz-content-sha256');
  let payloadHashes: string[];
  if (claimedHash !== undefined && !parts.presigned) {
    // The claimed hash is what was signed; it must also be the body's, or the body is not covered.
    if (claimedHash === UNSIGNED_PAYLOAD ? req.body.length > 0 : claimedHash !== bodyHash) throw signatureDoesNotMatch();
    payloadHashes = [claimedHash];
  } else if (parts.presigned && req.body.length === 0) {
    // A presigned URL carries no body: signers use the empty hash (SDK v3, botocore over http) or UNSIGNED-PAYLOAD.
    payloadHashes = [bodyHash, UNSIGNED_PAYLOAD];
  } else {
    payloadHashes = [bodyHash];
  }

  const key = signingKey(secret, scopeDate, region, scopeService);
  const scope = `${scopeDate}/${region}/${scopeService}/${terminator}`;
  const uri = canonicalUri(path);
  const canonicalQueryString = canonicalQuery(query, parts.presigned ? 'X-Amz-Signature' : undefined);
  const headers = canonicalHeaders(req.headers, signedHeaders);
  const provided = parts.signature.toLowerCase();
  const match = payloadHashes.some((payloadHash) => {
    const request = [req.method.toUpperCase(), uri, canonicalQueryString, headers, parts.signedHeaders, payloadHash].join('\n');
    return sameHex(hmacHex(key, stringToSign(parts.date, scope, request)), provided);
  });
  if (!match) throw signatureDoesNotMatch();
  return { accessKeyId, region, presigned: parts.presigned };
}

interface SignatureParts {
  readonly algorithm: string;
  readonly credential: string;
  readonly signedHeaders: string;
  readonly signature: string;
  /** ISO 8601 basic format, as signed. */
  readonly date: string;
  readonly presigned: boolean;
}

/** Parses `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`; AWS's IncompleteSignature wording. */
function headerParts(authorization: string, headers: SignedRequest['headers']): SignatureParts {
  const text = authorization.trim();
  const space = text.indexOf(' ');
  const algorithm = space < 0 ? text : text.slice(0, space);
  const fields = new Map<string, string>();
  const rest = space < 0 ? '' : text.slice(space + 1);
  // Fields are separated by commas and/or whitespace, as AWS reads them.
  for (const pair of rest.split(/[\s,]+/)) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    if (eq < 0) {
      throw incompleteSignature(`'${pair}' not a valid key=value pair (missing equal-sign) in Authorization header: '${authorization}'.`);
    }
    const name = pair.slice(0, eq);
    if (!fields.has(name)) fields.set(name, pair.slice(eq + 1));
  }
  let message = '';
  for (const name of ['Credential', 'Signature', 'SignedHeaders']) {
    if (!fields.get(name)) message += `Authorization header requires '${name}' parameter. `;
  }
  const amzDate = first(headers, 'x-amz-date');
  const httpDate = first(headers, 'date');
  if (amzDate === undefined && httpDate === undefined) {
    message += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  }
  if (message) throw incompleteSignature(`${message}Authorization=${authorization}`);
  return {
    algorithm,
    credential: fields.get('Credential')!,
    signedHeaders: fields.get('SignedHeaders')!,
    signature: fields.get('Signature')!,
    date: amzDate ?? basicFromHttpDate(httpDate!),
    presigned: false,
  };
}

/** The presigned form's parameters, or — with none of them — the unsigned-request error. */
function queryParts(query: URLSearchParams): SignatureParts {
  const names = ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Date'];
  if (!names.some((n) => query.has(n))) {
    // Signature Version 2 (AWSAccessKeyId + Signature) is not verified: refused as unverifiable.
    if (query.has('AWSAccessKeyId')) throw authFailure();
    throw new Ec2Error('MissingParameter', 'The request must contain the parameter AWSAccessKeyId');
  }
  let message = '';
  for (const name of names) if (!query.get(name)) message += `AWS query-string parameters must include '${name}'. `;
  if (message) throw incompleteSignature(`${message}Re-examine the query-string parameters.`);
  return {
    algorithm: query.get('X-Amz-Algorithm')!,
    credential: query.get('X-Amz-Credential')!,
    signedHeaders: query.get('X-Amz-SignedHeaders')!,
    signature: query.get('X-Amz-Signature')!,
    date: query.get('X-Amz-Date')!,
    presigned: true,
  };
}

const BASIC_FORMAT = /^([0-9]{4})([0-9]{2})([0-9]{2})T([0-9]{2})([0-9]{2})([0-9]{2})Z$/;

/** Epoch milliseconds of an ISO 8601 basic-format time (`20150830T123600Z`), or IncompleteSignature. */
export function parseAmzDate(text: string): number {
  const m = BASIC_FORMAT.exec(text);
  const ms = m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : NaN;
  // Date.UTC rolls over (month 13, second 61): a real date formats back to the same text.
  if (!m || !Number.isFinite(ms) || toBasic(ms) !== text) {
    throw incompleteSignature(`Date must be in ISO-8601 'basic format'. Got '${text}'. See http://en.wikipedia.org/wiki/ISO_8601`);
  }
  return ms;
}

export function toBasic(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.[0-9]{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** The `Date` header (RFC 7231 IMF-fixdate) in basic format; left as is (and refused later) when unparsable. */
function basicFromHttpDate(text: string): string {
  const ms = /^[A-Za-z]{3}, [0-9]{2} [A-Za-z]{3} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT$/.test(text) ? Date.parse(text) : NaN;
  return Number.isFinite(ms) ? toBasic(ms) : text;
}

/** Path and query of a request target; an absolute-form target (`http://host/p?q`) is reduced to its path. */
export function splitTarget(target: string): { path: string; query: string } {
  let rest = target;
  const absolute = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(rest);
  if (absolute) rest = rest.slice(absolute[0].length);
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  const path = q < 0 ? rest : rest.slice(0, q);
  return { path: path === '' ? '/' : path, query: q < 0 ? '' : rest.slice(q + 1) };
}

/** RFC 3986 encoding: everything but unreserved characters (A–Z a–z 0–9 - _ . ~) as %XX of UTF-8. */
export function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The canonical URI of every service but S3: the path as sent, with empty, `.` and `..` segments
 * removed, then URI-encoded once more (so `%20` on the wire is `%2520` here).
 */
export function canonicalUri(rawPath: string): string {
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailing = segments.length > 0 && rawPath.endsWith('/') ? '/' : '';
  return `/${segments.map(uriEncode).join('/')}${trailing}`;
}

/**
 * The canonical query string: every parameter (but `exclude`) decoded as the server reads it
 * (URLSearchParams, so what is signed is what is acted on), RFC 3986-encoded, sorted by name then value.
 */
export function canonicalQuery(rawQuery: string, exclude?: string): string {
  const pairs: [string, string][] = [];
  for (const [name, value] of new URLSearchParams(rawQuery)) {
    if (name === exclude) continue;
    pairs.push([uriEncode(name), uriEncode(value)]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([n, v]) => `${n}=${v}`).join('&');
}

/** `name:value\n` for each signed header: values trimmed, inner runs of spaces collapsed, repeats joined by commas. */
export function canonicalHeaders(headers: SignedRequest['headers'], signed: readonly string[]): string {
  let out = '';
  for (const name of signed) {
    const values = Object.prototype.hasOwnProperty.call(headers, name) ? (headers[name] ?? []) : [];
    out += `${name}:${values.map((v) => v.trim().replace(/\s+/g, ' ')).join(',')}\n`;
  }
  return out;
}

export function stringToSign(amzDate: string, scope: string, canonicalRequest: string): string {
  return `${ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
}

/** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). */
export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const kDate = createHmac('sha256', `AWS4${secret}`).update(date).digest();
  const kRegion = createHmac('sha256', kDate).update(region).digest();
  const kService = createHmac('sha256', kRegion).update(service).digest();
  return createHmac('sha256', kService).update('aws4_request').digest();
}

export const sha256Hex = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
const hmacHex = (key: Buffer, data: string) => createHmac('sha256', key).update(data).digest('hex');

function sameHex(expected: string, provided: string): boolean {
  if (!/^[0-9a-f]{64}$/.test(provided)) return false;
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(provided, 'hex'));
}

function first(headers: SignedRequest['headers'], name: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(headers, name) ? headers[name]?.[0] : undefined;
}
