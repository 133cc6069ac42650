/**
 * SigV4 verification (src/protocol/sigv4.ts).
 * Sources:
 * - AWS's SigV4 test suite (awslabs/aws-c-auth tests/aws-signing-test-suite/v4; the same vectors
 *   as the General Reference's "Signature Version 4 test suite"): credentials AKIDEXAMPLE /
 *   wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, us-east-1, service `service`, 20150830T123600Z;
 * - requests signed by @smithy/signature-v4, the signer inside the AWS SDK for JavaScript v3;
 * - error codes, statuses and wording: see the header of src/protocol/sigv4.ts.
 */
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { SignatureV4 } from '@smithy/signature-v4';
import { isEc2Error } from '../../src/engine/errors.js';
import {
  canonicalHeaders,
  canonicalQuery,
  canonicalUri,
  MAX_SKEW_MS,
  parseAmzDate,
  signingKey,
  splitTarget,
  verifySigV4,
  type SignedRequest,
  type VerifyOptions,
} from '../../src/protocol/sigv4.js';

const AKID = 'AKIDEXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const SUITE_TIME = Date.UTC(2015, 7, 30, 12, 36, 0);
const REGIONS = new Set(['us-east-1', 'eu-west-1']);

const suiteOptions = (overrides: Partial<VerifyOptions> = {}): VerifyOptions => ({
  secretFor: (id) => (id === AKID ? SECRET : undefined),
  isRegion: (r) => REGIONS.has(r),
  service: 'service',
  now: SUITE_TIME,
  ...overrides,
});

type Headers = Record<string, string | string[]>;
function request(method: string, target: string, headers: Headers, body: string | Uint8Array = ''): SignedRequest {
  const distinct: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(headers)) distinct[k.toLowerCase()] = Array.isArray(v) ? v : [v];
  return { method, target, headers: distinct, body: typeof body === 'string' ? Buffer.from(body) : body };
}

/** Runs `fn` expecting an Ec2Error; returns [code, status, message]. */
function refusal(fn: () => unknown): [string, number, string] {
  try {
    fn();
  } catch (e) {
    assert.ok(isEc2Error(e), `not an Ec2Error: ${String(e)}`);
    return [e.code, e.status, e.message];
  }
  assert.fail('expected the request to be refused');
}

const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

describe('SigV4: AWS test suite vectors', () => {
  const suiteAuth = (signedHeaders: string, signature: string) =>
    `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  const base = { host: 'example.amazonaws.com', 'x-amz-date': '20150830T123600Z' };

  it('get-vanilla', () => {
    const r = request('GET', '/', { ...base, authorization: suiteAuth('host;x-amz-date', '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31') });
    assert.deepEqual(verifySigV4(r, suiteOptions()), { accessKeyId: AKID, region: 'us-east-1', presigned: false });
  });

  it('get-vanilla-query-order-key-case: parameters are sorted before signing', () => {
    const r = request('GET', '/?Param2=value2&Param1=value1', {
      ...base,
      authorization: suiteAuth('host;x-amz-date', 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500'),
    });
    assert.equal(verifySigV4(r, suiteOptions()).accessKeyId, AKID);
  });

  it('get-utf8: the path is UTF-8 and percent-encoded', () => {
    const r = request('GET', '/ሴ', {
      ...base,
      authorization: suiteAuth('host;x-amz-date', '8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85'),
    });
    assert.equal(verifySigV4(r, suiteOptions()).accessKeyId, AKID);
  });

  it('post-x-www-form-urlencoded: the body is covered through its SHA-256', () => {
    const bodyHash = '9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e';
    const headers = {
      ...base,
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': '13',
      'x-amz-content-sha256': bodyHash,
      authorization: suiteAuth(
        'content-length;content-type;host;x-amz-content-sha256;x-amz-date',
        'd3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b',
      ),
    };
    assert.equal(verifySigV4(request('POST', '/', headers, 'Param1=value1'), suiteOptions()).accessKeyId, AKID);
    // Same signature, another body: the claimed hash no longer fits what arrived.
    assert.deepEqual(
      refusal(() => verifySigV4(request('POST', '/', headers, 'Param1=value2'), suiteOptions())),
      ['SignatureDoesNotMatch', 403, MISMATCH],
    );
  });

  it('the signing key chain (General Reference example: 20150830/us-east-1/iam)', () => {
    assert.equal(signingKey(SECRET, '20150830', 'us-east-1', 'iam').toString('hex'), 'c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9');
  });
});

describe('SigV4: canonical forms', () => {
  it('canonical URI: empty, . and .. segments go; each segment is encoded again', () => {
    assert.equal(canonicalUri('/'), '/');
    assert.equal(canonicalUri(''), '/');
    assert.equal(canonicalUri('//'), '/'); // get-slash
    assert.equal(canonicalUri('//example//'), '/example/'); // get-slashes
    assert.equal(canonicalUri('/./'), '/'); // get-slash-dot-slash
    assert.equal(canonicalUri('/example/..'), '/'); // get-relative
    assert.equal(canonicalUri('/example1/example2/../..'), '/'); // get-relative-relative
    assert.equal(canonicalUri('/example space/'), '/example%20space/'); // get-space
    assert.equal(canonicalUri('/a%20b'), '/a%2520b');
  });

  it('canonical query: decoded as the server reads it, RFC 3986-encoded, sorted by name then value', () => {
    assert.equal(canonicalQuery('Param2=value2&Param1=value1'), 'Param1=value1&Param2=value2');
    assert.equal(canonicalQuery('b=2&a=1&A=0'), 'A=0&a=1&b=2');
    assert.equal(canonicalQuery('Param1=value2&Param1=Value1'), 'Param1=Value1&Param1=value2'); // get-vanilla-query-order-value
    assert.equal(
      canonicalQuery('-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'),
      '-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
    ); // get-vanilla-query-unreserved
    assert.equal(canonicalQuery('ሴ=bar'), '%E1%88%B4=bar'); // get-vanilla-utf8-query
    assert.equal(canonicalQuery("a=x y&b=%2A!'()&c&d="), 'a=x%20y&b=%2A%21%27%28%29&c=&d=');
    // `+` is a space to the form decoder, so it is a space in what is signed.
    assert.equal(canonicalQuery('a=x+y'), canonicalQuery('a=x%20y'));
    assert.equal(canonicalQuery('a=1&X-Amz-Signature=abc&b=2', 'X-Amz-Signature'), 'a=1&b=2');
  });

  it('canonical headers: trimmed, inner spaces collapsed, repeated values joined by commas', () => {
    const h = request('GET', '/', { 'my-header1': '    value1', 'my-header2': '"a   b   c"', 'x-dup': ['1', ' 2 '] }).headers;
    assert.equal(canonicalHeaders(h, ['my-header1', 'my-header2', 'x-dup']), 'my-header1:value1\nmy-header2:"a b c"\nx-dup:1,2\n');
    assert.equal(canonicalHeaders(h, ['absent']), 'absent:\n');
    assert.equal(canonicalHeaders(h, ['__proto__', 'constructor']), '__proto__:\nconstructor:\n');
  });

  it('request targets: origin form, absolute form, fragments', () => {
    assert.deepEqual(splitTarget('/?a=1'), { path: '/', query: 'a=1' });
    assert.deepEqual(splitTarget('http://h:1/p?q=1#f'), { path: '/p', query: 'q=1' });
    assert.deepEqual(splitTarget('http://h'), { path: '/', query: '' });
    assert.deepEqual(splitTarget('/x'), { path: '/x', query: '' });
  });

  it('X-Amz-Date is ISO 8601 basic format and a real instant', () => {
    assert.equal(parseAmzDate('20150830T123600Z'), SUITE_TIME);
    for (const bad of ['2015-08-30T12:36:00Z', '20150830T123600', '20151330T123600Z', '20150830T126000Z', '201', '']) {
      const [code, status, message] = refusal(() => parseAmzDate(bad));
      assert.deepEqual([code, status], ['IncompleteSignature', 400]);
      assert.equal(message, `Date must be in ISO-8601 'basic format'. Got '${bad}'. See http://en.wikipedia.org/wiki/ISO_8601`);
    }
  });
});

/** The SDK v3 signer, with node:crypto as its hash. */
class NodeSha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}
const bytes = (d: string | ArrayBuffer | ArrayBufferView) =>
  typeof d === 'string' ? Buffer.from(d) : ArrayBuffer.isView(d) ? Buffer.from(d.buffer, d.byteOffset, d.byteLength) : Buffer.from(d);

const KEY = 'AKIAIOSFODNN7EXAMPLE';
const KEY_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const NOW = Date.UTC(2026, 0, 15, 10, 0, 0);
const ec2Options = (overrides: Partial<VerifyOptions> = {}): VerifyOptions => ({
  secretFor: (id) => (id === KEY ? KEY_SECRET : undefined),
  isRegion: (r) => REGIONS.has(r),
  now: NOW,
  ...overrides,
});

const escape = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

interface SignArgs {
  method?: string;
  query?: Record<string, string | string[]>;
  body?: string;
  headers?: Record<string, string>;
  region?: string;
  service?: string;
  secret?: string;
  key?: string;
  at?: number;
  sessionToken?: string;
}

function wire(method: string, path: string, query: Record<string, string | string[]>, headers: Record<string, string>, body: string): SignedRequest {
  const qs = Object.entries(query)
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${escape(k)}=${escape(x)}`))
    .join('&');
  return request(method, qs ? `${path}?${qs}` : path, headers, body);
}

/** Signs like the SDK v3 does: Authorization header, body hashed. */
async function sdkSigned(a: SignArgs = {}): Promise<SignedRequest> {
  const signer = new SignatureV4({
    service: a.service ?? 'ec2',
    region: a.region ?? 'us-east-1',
    credentials: { accessKeyId: a.key ?? KEY, secretAccessKey: a.secret ?? KEY_SECRET, sessionToken: a.sessionToken },
    sha256: NodeSha256,
  });
  const body = a.body ?? 'Action=DescribeVpcs&Version=2016-11-15';
  const method = a.method ?? 'POST';
  const headers: Record<string, string> = {
    host: '127.0.0.1:4566',
    ...(body ? { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', 'content-length': String(Buffer.byteLength(body)) } : {}),
    ...a.headers,
  };
  const signed = await signer.sign(
    { method, protocol: 'http:', hostname: '127.0.0.1', port: 4566, path: '/', query: a.query ?? {}, headers, body: body || undefined },
    { signingDate: new Date(a.at ?? NOW) },
  );
  return wire(method, '/', a.query ?? {}, signed.headers as Record<string, string>, body);
}

/** A presigned GET URL, as SignatureV4.presign makes it. */
async function sdkPresigned(a: SignArgs & { expiresIn?: number } = {}): Promise<SignedRequest> {
  const signer = new SignatureV4({
    service: a.service ?? 'ec2',
    region: a.region ?? 'us-east-1',
    credentials: { accessKeyId: a.key ?? KEY, secretAccessKey: a.secret ?? KEY_SECRET, sessionToken: a.sessionToken },
    sha256: NodeSha256,
  });
  const presigned = await signer.presign(
    {
      method: 'GET',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 4566,
      path: '/',
      query: a.query ?? { Action: 'DescribeVpcs', Version: '2016-11-15' },
      headers: { host: '127.0.0.1:4566' },
    },
    { signingDate: new Date(a.at ?? NOW), expiresIn: a.expiresIn ?? 300 },
  );
  return wire('GET', '/', presigned.query as Record<string, string>, { host: '127.0.0.1:4566' }, '');
}

describe('SigV4: requests signed by the SDK v3 signer', () => {
  it('a signed POST verifies, with the key and the scope region', async () => {
    assert.deepEqual(verifySigV4(await sdkSigned({ region: 'eu-west-1' }), ec2Options()), { accessKeyId: KEY, region: 'eu-west-1', presigned: false });
  });

  it('query strings with reserved, repeated, empty and non-ASCII values verify', async () => {
    const query = { Action: 'DescribeVpcs', 'Filter.1.Name': 'tag:a b', 'Filter.1.Value.1': "*!'()+&=/?ü€𝄞", e: '', r: ['2', '1'] };
    assert.equal(verifySigV4(await sdkSigned({ method: 'GET', body: '', query }), ec2Options()).accessKeyId, KEY);
    assert.equal(verifySigV4(await sdkSigned({ query, body: 'Version=2016-11-15&x=%20%2B' }), ec2Options()).accessKeyId, KEY);
  });

  it('a session token header is signed like any other and otherwise ignored', async () => {
    const r = await sdkSigned({ sessionToken: 'FQoGZXIvYXdzEXAMPLE//token==' });
    assert.ok(r.headers['x-amz-security-token']);
    assert.equal(verifySigV4(r, ec2Options()).accessKeyId, KEY);
  });

  it('a presigned GET URL verifies until X-Amz-Expires, then RequestExpired', async () => {
    const r = await sdkPresigned({ expiresIn: 300 });
    assert.deepEqual(verifySigV4(r, ec2Options()), { accessKeyId: KEY, region: 'us-east-1', presigned: true });
    assert.equal(verifySigV4(r, ec2Options({ now: NOW + 300_000 })).presigned, true);
    assert.deepEqual(
      refusal(() => verifySigV4(r, ec2Options({ now: NOW + 301_000 }))),
      ['RequestExpired', 400, 'Request has expired.'],
    );
    // A presigned URL with a session token (botocore and the SDK put it in the query).
    assert.equal(verifySigV4(await sdkPresigned({ sessionToken: 'tok' }), ec2Options()).presigned, true);
  });

  it('a presigned URL whose parameters are changed no longer verifies', async () => {
    const r = await sdkPresigned();
    const tampered = { ...r, target: r.target.replace('DescribeVpcs', 'DescribeSubnets') };
    assert.deepEqual(
      refusal(() => verifySigV4(tampered, ec2Options())),
      ['SignatureDoesNotMatch', 403, MISMATCH],
    );
    const added = { ...r, target: `${r.target}&VpcId.1=vpc-1` };
    assert.deepEqual(refusal(() => verifySigV4(added, ec2Options()))[0], 'SignatureDoesNotMatch');
  });

  it('X-Amz-Expires is a number of seconds up to seven days', async () => {
    const r = await sdkPresigned({ expiresIn: 300 });
    const withExpires = (v: string) => ({ ...r, target: r.target.replace('X-Amz-Expires=300', `X-Amz-Expires=${v}`) });
    assert.deepEqual(refusal(() => verifySigV4(withExpires('604801'), ec2Options())).slice(0, 2), ['IncompleteSignature', 400]);
    assert.deepEqual(refusal(() => verifySigV4(withExpires('soon'), ec2Options())).slice(0, 2), ['IncompleteSignature', 400]);
    // In range but not what was signed.
    assert.deepEqual(refusal(() => verifySigV4(withExpires('600'), ec2Options()))[0], 'SignatureDoesNotMatch');
  });
});

describe('SigV4: refusals, with EC2 codes, statuses and wording', () => {
  /** Replaces one Authorization field of a signed request. */
  const withAuth = (r: SignedRequest, edit: (auth: string) => string): SignedRequest => ({
    ...r,
    headers: { ...r.headers, authorization: [edit(r.headers.authorization![0]!)] },
  });

  it('no signature at all → MissingParameter AWSAccessKeyId (400); Signature Version 2 → AuthFailure', () => {
    assert.deepEqual(
      refusal(() => verifySigV4(request('POST', '/', { host: 'h' }, 'Action=DescribeVpcs'), ec2Options())),
      ['MissingParameter', 400, 'The request must contain the parameter AWSAccessKeyId'],
    );
    const v2 = request('GET', '/?Action=DescribeVpcs&AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&SignatureVersion=2&SignatureMethod=HmacSHA256&Signature=x', {
      host: 'h',
    });
    assert.deepEqual(refusal(() => verifySigV4(v2, ec2Options())).slice(0, 2), ['AuthFailure', 401]);
  });

  it('wrong secret → SignatureDoesNotMatch (403)', async () => {
    const r = await sdkSigned({ secret: 'not-the-secret' });
    assert.deepEqual(
      refusal(() => verifySigV4(r, ec2Options())),
      ['SignatureDoesNotMatch', 403, MISMATCH],
    );
  });

  it('unknown access key → AuthFailure (401)', async () => {
    const r = await sdkSigned({ key: 'AKIANOTINTHEFILE0000' });
    assert.deepEqual(
      refusal(() => verifySigV4(r, ec2Options())),
      ['AuthFailure', 401, 'AWS was not able to validate the provided access credentials'],
    );
  });

  it('a changed body, method, header or query → SignatureDoesNotMatch', async () => {
    const r = await sdkSigned();
    const variants: SignedRequest[] = [
      { ...r, body: Buffer.from('Action=DeleteVpc&Version=2016-11-15&VpcId=vpc-1') },
      { ...r, body: Buffer.from('') },
      { ...r, method: 'PUT' },
      { ...r, target: '/?Action=DeleteVpc' },
      { ...r, target: '/other' },
      { ...r, headers: { ...r.headers, host: ['127.0.0.1:4567'] } },
      withAuth(r, (a) => a.replace(/Signature=([0-9a-f])/, (_, c: string) => `Signature=${c === '0' ? '1' : '0'}`)),
      withAuth(r, (a) => a.replace(/Signature=[0-9a-f]+/, 'Signature=xyz')),
    ];
    for (const v of variants)
      assert.deepEqual(
        refusal(() => verifySigV4(v, ec2Options())),
        ['SignatureDoesNotMatch', 403, MISMATCH],
      );
  });

  it("x-amz-content-sha256 must be the body's hash; UNSIGNED-PAYLOAD only with no body", async () => {
    const body = 'Action=DescribeVpcs&Version=2016-11-15';
    const hashed = await sdkSigned({ headers: { 'x-amz-content-sha256': createHash('sha256').update(body).digest('hex') } });
    assert.equal(verifySigV4(hashed, ec2Options()).accessKeyId, KEY);
    const unsigned = await sdkSigned({ headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
    assert.deepEqual(refusal(() => verifySigV4(unsigned, ec2Options()))[0], 'SignatureDoesNotMatch');
    const unsignedGet = await sdkSigned({
      method: 'GET',
      body: '',
      query: { Action: 'DescribeVpcs' },
      headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    });
    assert.equal(verifySigV4(unsignedGet, ec2Options()).accessKeyId, KEY);
  });

  it('X-Amz-Date more than 15 minutes away, either side → RequestExpired (400)', async () => {
    assert.equal(verifySigV4(await sdkSigned({ at: NOW - MAX_SKEW_MS + 1000 }), ec2Options()).accessKeyId, KEY);
    assert.equal(verifySigV4(await sdkSigned({ at: NOW + MAX_SKEW_MS - 1000 }), ec2Options()).accessKeyId, KEY);
    for (const at of [NOW - MAX_SKEW_MS - 1000, NOW + MAX_SKEW_MS + 1000, NOW - 86_400_000 * 365]) {
      const r = await sdkSigned({ at });
      assert.deepEqual(
        refusal(() => verifySigV4(r, ec2Options())),
        ['RequestExpired', 400, 'Request has expired.'],
      );
    }
  });

  it('missing Authorization parts → IncompleteSignature (400), naming each', () => {
    const h = { host: 'h', 'x-amz-date': '20260115T100000Z' };
    const only = 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260115/us-east-1/ec2/aws4_request';
    assert.deepEqual(
      refusal(() => verifySigV4(request('POST', '/', { ...h, authorization: only }), ec2Options())),
      [
        'IncompleteSignature',
        400,
        `Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=${only}`,
      ],
    );
    // The Basic header of a real report (digitalepidemiologylab/crowdbreaks#3) and its answer.
    const basic = 'Basic ZWxhc3RpY3NlYXJjaDo3V3JFVXg4alJXYjRGOGdlWEtHSEJmdkoyQXNzTEJxeXI4RQ==';
    assert.deepEqual(
      refusal(() => verifySigV4(request('POST', '/', { host: 'h', authorization: basic }), ec2Options())),
      [
        'IncompleteSignature',
        400,
        `Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${basic}`,
      ],
    );
    // Fields are separated by commas and spaces (iann0036/cloud9-sync#10: "Credential= key/…").
    const spaced = 'AWS4-HMAC-SHA256 Credential= AKIAIOSFODNN7EXAMPLE/20260115/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=00';
    assert.deepEqual(
      refusal(() => verifySigV4(request('POST', '/', { ...h, authorization: spaced }), ec2Options())),
      [
        'IncompleteSignature',
        400,
        `'AKIAIOSFODNN7EXAMPLE/20260115/us-east-1/ec2/aws4_request' not a valid key=value pair (missing equal-sign) in Authorization header: '${spaced}'.`,
      ],
    );
  });

  it('missing presigned parameters → IncompleteSignature (400)', () => {
    const r = request('GET', '/?Action=DescribeVpcs&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20260115T100000Z', { host: 'h' });
    assert.deepEqual(
      refusal(() => verifySigV4(r, ec2Options())),
      [
        'IncompleteSignature',
        400,
        "AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string parameters must include 'X-Amz-Signature'. AWS query-string parameters must include 'X-Amz-SignedHeaders'. Re-examine the query-string parameters.",
      ],
    );
  });

  it("Host not signed, another algorithm, a malformed credential → AWS's messages", async () => {
    const r = await sdkSigned();
    assert.deepEqual(
      refusal(() =>
        verifySigV4(
          withAuth(r, (a) => a.replace(/SignedHeaders=[^,]+/, 'SignedHeaders=x-amz-date')),
          ec2Options(),
        ),
      ),
      ['SignatureDoesNotMatch', 403, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."],
    );
    assert.deepEqual(
      refusal(() =>
        verifySigV4(
          withAuth(r, (a) => a.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA1')),
          ec2Options(),
        ),
      ),
      ['IncompleteSignature', 400, "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA1' (only AWS4-HMAC-SHA256 for now). "],
    );
    assert.deepEqual(
      refusal(() =>
        verifySigV4(
          withAuth(r, (a) => a.replace('/ec2/aws4_request', '/aws4_request')),
          ec2Options(),
        ),
      ),
      [
        'IncompleteSignature',
        400,
        "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIAIOSFODNN7EXAMPLE/20260115/us-east-1/aws4_request'",
      ],
    );
  });

  it('a wrong service, terminator or scope date → SignatureDoesNotMatch listing every problem', async () => {
    const r = await sdkSigned({ service: 's3' });
    assert.deepEqual(
      refusal(() => verifySigV4(r, ec2Options())),
      ['SignatureDoesNotMatch', 403, "Credential should be scoped to correct service: 'ec2'."],
    );
    const all = withAuth(r, (a) => a.replace('20260115/us-east-1/s3/aws4_request', '20260114/us-east-1/s3/aws5_request'));
    assert.deepEqual(
      refusal(() => verifySigV4(all, ec2Options())),
      [
        'SignatureDoesNotMatch',
        403,
        "Credential should be scoped to correct service: 'ec2'. Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20260114' != '20260115', from '20260115T100000Z'.",
      ],
    );
  });

  it('a region EC2 does not serve → AuthFailure (401)', async () => {
    const r = await sdkSigned({ region: 'mars-north-1' });
    assert.deepEqual(
      refusal(() => verifySigV4(r, ec2Options())),
      ['AuthFailure', 401, "Credential should be scoped to a valid region, not 'mars-north-1'."],
    );
  });

  it('the Date header stands in for X-Amz-Date', () => {
    // Signed by hand (the signing key chain is checked against AWS's vector above).
    const date = new Date(NOW).toUTCString(); // Thu, 15 Jan 2026 10:00:00 GMT
    const canonical = ['GET', '/', 'Action=DescribeVpcs', `date:${date}\nhost:h\n`, 'date;host', createHash('sha256').update('').digest('hex')].join('\n');
    const sts = `AWS4-HMAC-SHA256\n20260115T100000Z\n20260115/us-east-1/ec2/aws4_request\n${createHash('sha256').update(canonical).digest('hex')}`;
    const sig = createHmac('sha256', signingKey(KEY_SECRET, '20260115', 'us-east-1', 'ec2'))
      .update(sts)
      .digest('hex');
    const authorization = `AWS4-HMAC-SHA256 Credential=${KEY}/20260115/us-east-1/ec2/aws4_request, SignedHeaders=date;host, Signature=${sig}`;
    assert.equal(verifySigV4(request('GET', '/?Action=DescribeVpcs', { host: 'h', date, authorization }), ec2Options()).accessKeyId, KEY);
    const late = new Date(NOW + MAX_SKEW_MS + 60_000).toUTCString();
    assert.deepEqual(
      refusal(() => verifySigV4(request('GET', '/?Action=DescribeVpcs', { host: 'h', date: late, authorization }), ec2Options()))[0],
      'RequestExpired',
    );
  });
});
