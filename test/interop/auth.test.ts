/**
 * Signature checking (`--auth sigv4 --credentials FILE`) with real signed requests from the AWS
 * SDK for JavaScript v3, the AWS CLI and boto3.
 *
 * Rules: issue 5 ("a missing, malformed, expired or wrong signature gets AWS's error … and the
 * request does nothing"; "with sigv4 the account comes from the credentials file entry");
 * EC2's codes and statuses, with their sources, are listed in src/protocol/sigv4.ts:
 * SignatureDoesNotMatch 403, AuthFailure 401, RequestExpired 400, IncompleteSignature 400,
 * MissingParameter 400 (AWSAccessKeyId) for an unsigned request.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { createHash, createHmac } from 'node:crypto';
import { CreateVpcCommand, DescribeVpcsCommand, EC2Client, type EC2Client as Client } from '@aws-sdk/client-ec2';
import { SignatureV4 } from '@smithy/signature-v4';
import pino from 'pino';
import { ConfigError, parseServeConfig } from '../../src/config.js';
import { isLoopbackHost, loadCredentials, parseCredentials } from '../../src/server/auth.js';
import { startServer } from '../../src/server/start.js';
import { expectCode, rawQuery, useHarness, type Harness } from './harness.js';

const A = { accessKeyId: 'AKIAEC2NETTESTKEYAAA', secretAccessKey: 'secret/A+with=odd chars', accountId: '111111111111' };
const B = { accessKeyId: 'AKIAEC2NETTESTKEYBBB', secretAccessKey: 'secret-b', accountId: '222222222222' };
/** Twelve digits, but the file maps it elsewhere: with sigv4 the file decides, not the key's digits. */
const C = { accessKeyId: '333333333333_KEY_C', secretAccessKey: 'secret-c', accountId: '444444444444' };
const UNKNOWN = 'AKIAEC2NETUNKNOWNKEY';
const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** The VPCs `who` sees (default VPC included), as CIDR blocks with owners. */
async function vpcsOf(h: Harness, who: typeof A, region = 'us-east-1') {
  const out = await h.ec2(region, who.accessKeyId, who.secretAccessKey).send(new DescribeVpcsCommand({}));
  return (out.Vpcs ?? []).map((v) => `${v.CidrBlock} ${v.OwnerId}`).sort();
}

/** The request the SDK would send for `command`, signed, captured just before it leaves. */
async function capturedRequest(client: Client, command: CreateVpcCommand) {
  let captured: { headers: Record<string, string>; body: string } | undefined;
  client.middlewareStack.addRelativeTo(
    () => async (args: any) => {
      captured = { headers: { ...args.request.headers }, body: String(args.request.body) };
      throw new Error('captured');
    },
    { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'captureSignedRequest' },
  );
  await client.send(command).catch(() => undefined);
  assert.ok(captured?.headers.authorization, 'the SDK signed the request');
  return captured;
}

/** Sends exactly these headers and body (node:http keeps Host and Content-Length as given). */
function send(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const XML_ENTITIES: Record<string, string> = { '&apos;': "'", '&quot;': '"', '&lt;': '<', '&gt;': '>', '&amp;': '&' };
/** [Code, Message] of an EC2 error document, the message unescaped. */
const codeOf = (text: string) =>
  /<Code>([^<]+)<\/Code><Message>([^<]*)<\/Message>/
    .exec(text)
    ?.slice(1, 3)
    .map((s) => s.replace(/&(apos|quot|lt|gt|amp);/g, (m) => XML_ENTITIES[m]!));

describe('signature checking: SigV4 (interop)', () => {
  const h = useHarness({ credentials: [A, B, C] });

  it('SDK v3: the right key works and acts in the account its file entry names', async () => {
    const ec2 = h.ec2('eu-west-1', A.accessKeyId, A.secretAccessKey);
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }));
    assert.equal(vpc.Vpc?.OwnerId, A.accountId);
    assert.deepEqual(await vpcsOf(h, A, 'eu-west-1'), [`10.1.0.0/16 ${A.accountId}`, `172.31.0.0/16 ${A.accountId}`]);
    assert.deepEqual(await vpcsOf(h, B, 'eu-west-1'), [`172.31.0.0/16 ${B.accountId}`]);
    // A key that looks like an account id still maps to its entry's account.
    const c = await h.ec2('eu-west-1', C.accessKeyId, C.secretAccessKey).send(new DescribeVpcsCommand({}));
    assert.deepEqual(
      c.Vpcs?.map((v) => v.OwnerId),
      [C.accountId],
    );
  });

  it('AWS CLI: the right key works; a wrong secret is SignatureDoesNotMatch and changes nothing', async () => {
    const out = await h.cli(['create-vpc', '--cidr-block', '10.2.0.0/16'], 'us-east-1', A.accessKeyId, A.secretAccessKey);
    assert.equal(out.Vpc.OwnerId, A.accountId);
    await assert.rejects(h.cli(['create-vpc', '--cidr-block', '10.3.0.0/16'], 'us-east-1', A.accessKeyId, 'not-the-secret'), (e: Error) => {
      assert.match(e.message, /\(SignatureDoesNotMatch\)/);
      assert.ok(e.message.includes(MISMATCH), e.message);
      return true;
    });
    await assert.rejects(h.cli(['describe-vpcs'], 'us-east-1', UNKNOWN, 'x'), /\(AuthFailure\).*AWS was not able to validate the provided access credentials/);
    assert.deepEqual(await vpcsOf(h, A), [`10.2.0.0/16 ${A.accountId}`, `172.31.0.0/16 ${A.accountId}`]);
  });

  it('boto3: the right key works (a session token is accepted); wrong secret and unknown key are refused', async () => {
    const owner = await h.boto3(`result = ec2.create_vpc(CidrBlock='10.4.0.0/16')['Vpc']['OwnerId']`, 'us-east-1', B.accessKeyId, B.secretAccessKey);
    assert.equal(owner, B.accountId);
    const withToken = await h.boto3(
      [
        'import boto3 as b3',
        `c = b3.client('ec2', endpoint_url=${JSON.stringify(h.url)}, region_name='us-east-1', aws_access_key_id=${JSON.stringify(B.accessKeyId)}, aws_secret_access_key=${JSON.stringify(B.secretAccessKey)}, aws_session_token='FQoGZXIvYXdzEXAMPLE')`,
        "result = sorted(v['CidrBlock'] for v in c.describe_vpcs()['Vpcs'])",
      ].join('\n'),
    );
    assert.deepEqual(withToken, ['10.4.0.0/16', '172.31.0.0/16']);
    const errors = await h.boto3(
      [
        'import boto3 as b3',
        'out = []',
        `for key, secret in [(${JSON.stringify(B.accessKeyId)}, 'wrong'), (${JSON.stringify(UNKNOWN)}, 'x')]:`,
        `    c = b3.client('ec2', endpoint_url=${JSON.stringify(h.url)}, region_name='us-east-1', aws_access_key_id=key, aws_secret_access_key=secret)`,
        '    try:',
        "        c.create_vpc(CidrBlock='10.5.0.0/16')",
        "        out.append('succeeded')",
        '    except botocore.exceptions.ClientError as e:',
        "        out.append([e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode']])",
        'result = out',
      ].join('\n'),
    );
    assert.deepEqual(errors, [
      ['SignatureDoesNotMatch', 403],
      ['AuthFailure', 401],
    ]);
    assert.deepEqual(await vpcsOf(h, B), [`10.4.0.0/16 ${B.accountId}`, `172.31.0.0/16 ${B.accountId}`]);
  });

  it('boto3: a presigned GET URL works, and only with its own parameters', async () => {
    const url: string = await h.boto3(
      `result = ec2.generate_presigned_url('describe_vpcs', Params={}, ExpiresIn=300, HttpMethod='GET')`,
      'us-east-1',
      A.accessKeyId,
      A.secretAccessKey,
    );
    assert.match(url, /X-Amz-Algorithm=AWS4-HMAC-SHA256/);
    const ok = await fetch(url);
    const text = await ok.text();
    assert.equal(ok.status, 200, text);
    assert.match(text, /<DescribeVpcsResponse/);
    assert.ok(text.includes(`<ownerId>${A.accountId}</ownerId>`));
    const tampered = await fetch(url.replace('Action=DescribeVpcs', 'Action=DescribeSubnets'));
    assert.equal(tampered.status, 403);
    assert.deepEqual(codeOf(await tampered.text()), ['SignatureDoesNotMatch', MISMATCH]);
  });

  it('SDK v3: a wrong secret is SignatureDoesNotMatch (403) and the VPC is not created', async () => {
    const bad = h.ec2('us-east-1', A.accessKeyId, 'not-the-secret');
    const e = await expectCode(bad.send(new CreateVpcCommand({ CidrBlock: '10.6.0.0/16' })), 'SignatureDoesNotMatch');
    assert.equal(e.$metadata.httpStatusCode, 403);
    assert.equal(e.message, MISMATCH);
    assert.deepEqual(await vpcsOf(h, A), [`172.31.0.0/16 ${A.accountId}`]);
  });

  it('SDK v3: an unknown key is AuthFailure (401)', async () => {
    const e = await expectCode(h.ec2('us-east-1', UNKNOWN, 'x').send(new DescribeVpcsCommand({})), 'AuthFailure');
    assert.equal(e.$metadata.httpStatusCode, 401);
    assert.equal(e.message, 'AWS was not able to validate the provided access credentials');
  });

  it('a signed request with its body changed is SignatureDoesNotMatch and does nothing; unchanged it works', async () => {
    const client = h.ec2('us-east-1', A.accessKeyId, A.secretAccessKey);
    const signed = await capturedRequest(client, new CreateVpcCommand({ CidrBlock: '10.7.0.0/16' }));
    assert.match(signed.body, /CidrBlock=10\.7\.0\.0%2F16/);
    const changed = signed.body.replace('10.7.0.0', '10.8.0.0'); // same length, so Content-Length still fits
    const refused = await send(h.url, signed.headers, changed);
    assert.equal(refused.status, 403);
    assert.deepEqual(codeOf(refused.text), ['SignatureDoesNotMatch', MISMATCH]);
    assert.deepEqual(await vpcsOf(h, A), [`172.31.0.0/16 ${A.accountId}`]);
    const accepted = await send(h.url, signed.headers, signed.body);
    assert.equal(accepted.status, 200, accepted.text);
    assert.deepEqual(await vpcsOf(h, A), [`10.7.0.0/16 ${A.accountId}`, `172.31.0.0/16 ${A.accountId}`]);
  });

  it('SDK v3: an X-Amz-Date more than 15 minutes off is RequestExpired (400) and does nothing', async () => {
    for (const offset of [-20 * 60_000, 20 * 60_000]) {
      const skewed = new EC2Client({
        endpoint: h.url,
        region: 'us-east-1',
        credentials: { accessKeyId: A.accessKeyId, secretAccessKey: A.secretAccessKey },
        maxAttempts: 1,
        systemClockOffset: offset,
      });
      try {
        const e = await expectCode(skewed.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' })), 'RequestExpired');
        assert.equal(e.$metadata.httpStatusCode, 400);
        assert.equal(e.message, 'Request has expired.');
      } finally {
        skewed.destroy();
      }
    }
    assert.deepEqual(await vpcsOf(h, A), [`172.31.0.0/16 ${A.accountId}`]);
  });

  it('SDK v3 signer: a presigned GET URL works until it expires', async () => {
    const signer = new SignatureV4({ service: 'ec2', region: 'us-east-1', credentials: A, sha256: Sha256 });
    const target = new URL(h.url);
    const presign = (signingDate: Date, expiresIn: number) =>
      signer.presign(
        {
          method: 'GET',
          protocol: 'http:',
          hostname: target.hostname,
          port: Number(target.port),
          path: '/',
          query: { Action: 'DescribeVpcs', Version: '2016-11-15' },
          headers: { host: target.host },
        },
        { signingDate, expiresIn },
      );
    const urlOf = (r: Awaited<ReturnType<typeof presign>>) =>
      `${h.url}/?${Object.entries(r.query as Record<string, string>)
        .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
        .join('&')}`;
    const fresh = await fetch(urlOf(await presign(new Date(), 60)));
    assert.equal(fresh.status, 200, await fresh.clone().text());
    assert.ok((await fresh.text()).includes(`<ownerId>${A.accountId}</ownerId>`));
    const stale = await fetch(urlOf(await presign(new Date(Date.now() - 120_000), 60)));
    assert.equal(stale.status, 400);
    assert.deepEqual(codeOf(await stale.text()), ['RequestExpired', 'Request has expired.']);
  });

  it("unsigned or malformed requests get AWS's errors and do nothing", async () => {
    const unsigned = await rawQuery(h.url, 'Action=CreateVpc&Version=2016-11-15&CidrBlock=10.10.0.0%2F16');
    assert.equal(unsigned.status, 400);
    assert.deepEqual(codeOf(unsigned.text), ['MissingParameter', 'The request must contain the parameter AWSAccessKeyId']);
    const malformed = await rawQuery(h.url, 'Action=CreateVpc&Version=2016-11-15&CidrBlock=10.10.0.0%2F16', {
      authorization: `AWS4-HMAC-SHA256 Credential=${A.accessKeyId}/20260101/us-east-1/ec2/aws4_request`,
      'x-amz-date': '20260101T000000Z',
    });
    assert.equal(malformed.status, 400);
    assert.equal(codeOf(malformed.text)?.[0], 'IncompleteSignature');
    // Scope checks come after the time window, so these requests carry a current X-Amz-Date.
    const now = new Date()
      .toISOString()
      .replace(/\.[0-9]{3}Z$/, 'Z')
      .replace(/[-:]/g, '');
    const wrongService = await rawQuery(h.url, 'Action=DescribeVpcs&Version=2016-11-15', {
      authorization: `AWS4-HMAC-SHA256 Credential=${A.accessKeyId}/${now.slice(0, 8)}/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
      'x-amz-date': now,
    });
    assert.equal(wrongService.status, 403);
    assert.deepEqual(codeOf(wrongService.text), ['SignatureDoesNotMatch', "Credential should be scoped to correct service: 'ec2'."]);
    const badRegion = await expectCode(h.ec2('xx-nowhere-9', A.accessKeyId, A.secretAccessKey).send(new DescribeVpcsCommand({})), 'AuthFailure');
    assert.equal(badRegion.$metadata.httpStatusCode, 401);
    assert.deepEqual(await vpcsOf(h, A), [`172.31.0.0/16 ${A.accountId}`]);
  });

  it('admin endpoints are not signature-checked (documented as global)', async () => {
    const res = await fetch(`${h.url}/_ec2net/health`);
    assert.equal(res.status, 200);
  });
});

describe('signature checking: configuration and start-up', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ec2net-auth-config-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it('--auth none|sigv4 and --credentials, or EC2NET_AUTH / EC2NET_CREDENTIALS; flags win', () => {
    assert.equal(parseServeConfig([], {}).auth, undefined);
    assert.equal(parseServeConfig(['--auth', 'none'], { EC2NET_CREDENTIALS: '/x.json' }).credentialsFile, undefined);
    const c = parseServeConfig(['--auth', 'sigv4', '--credentials', '/a.json'], { EC2NET_AUTH: 'none', EC2NET_CREDENTIALS: '/b.json' });
    assert.deepEqual([c.auth, c.credentialsFile], ['sigv4', '/a.json']);
    const e = parseServeConfig([], { EC2NET_AUTH: 'sigv4', EC2NET_CREDENTIALS: '/b.json' });
    assert.deepEqual([e.auth, e.credentialsFile], ['sigv4', '/b.json']);
    assert.throws(
      () => parseServeConfig(['--auth', 'sigv4'], {}),
      (x: unknown) => x instanceof ConfigError && /--credentials FILE/.test(x.message),
    );
    assert.throws(
      () => parseServeConfig(['--auth', 'sigv2'], {}),
      (x: unknown) => x instanceof ConfigError && /none or sigv4/.test(x.message),
    );
  });

  it('the credentials file is checked whole: every problem names the entry', () => {
    const bad: [unknown, RegExp][] = [
      [[], /expected \{"credentials"/],
      [{ credentials: [] }, /empty/],
      [{ credentials: [{ ...A, accountId: '1234' }] }, /credentials\[0\]\.accountId must be 12 digits/],
      [{ credentials: [{ ...A, accessKeyId: 'short' }] }, /credentials\[0\]\.accessKeyId/],
      [{ credentials: [{ ...A, accessKeyId: 'AKIA/SLASH/IN/KEY0000' }] }, /credentials\[0\]\.accessKeyId/],
      [{ credentials: [{ ...A, secretAccessKey: '' }] }, /secretAccessKey/],
      [{ credentials: [A, { ...A }] }, /credentials\[1\]\.accessKeyId .* appears twice/],
      [{ credentials: [{ ...A, secretKey: 'typo' }] }, /unknown field "secretKey"/],
      [
        { credentials: [JSON.parse(`{"accessKeyId":"AKIAEC2NETTESTKEYAAA","secretAccessKey":"s","accountId":"111111111111","__proto__":{"x":1}}`)] },
        /unknown field "__proto__"/,
      ],
    ];
    for (const [doc, why] of bad)
      assert.throws(
        () => parseCredentials(doc),
        (e: unknown) => e instanceof ConfigError && why.test(e.message),
        JSON.stringify(doc),
      );
    assert.equal(parseCredentials({ credentials: [A, B] }).length, 2);
    assert.throws(() => loadCredentials(file('broken.json', '{"credentials": [')), /not valid JSON/);
    assert.throws(() => loadCredentials(join(dir, 'missing.json')), /cannot read the credentials file/);
    const store = loadCredentials(file('good.json', JSON.stringify({ credentials: [A, C] })));
    assert.equal(store.find(C.accessKeyId)?.accountId, C.accountId);
    assert.equal(store.find('__proto__'), undefined);
    assert.equal(store.find('constructor'), undefined);
  });

  it('a bad credentials file stops the start before anything listens', async () => {
    const path = file('bad.json', JSON.stringify({ credentials: [{ ...A, accountId: 'x' }] }));
    await assert.rejects(
      startServer(
        { host: '127.0.0.1', port: 0, accountId: '123456789012', logLevel: 'silent', auth: 'sigv4', credentialsFile: path },
        pino({ level: 'silent' }),
      ),
      ConfigError,
    );
  });

  it('loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) assert.ok(isLoopbackHost(host), host);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.2', 'example.com']) assert.ok(!isLoopbackHost(host), host);
  });

  it('a non-loopback listen address with signature checking off logs a warning; with sigv4 it does not', async () => {
    const creds = file('warn.json', JSON.stringify({ credentials: [A] }));
    for (const [auth, expectWarning] of [
      [{}, true],
      [{ auth: 'sigv4' as const, credentialsFile: creds }, false],
    ] as const) {
      const lines: any[] = [];
      const sink = new Writable({
        write(chunk, _enc, done) {
          for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
          done();
        },
      });
      // Listening on all interfaces is only bound here; no traffic is sent to it.
      const server = await startServer({ host: '0.0.0.0', port: 0, accountId: '123456789012', logLevel: 'info', ...auth }, pino({ level: 'info' }, sink));
      await server.close();
      const warnings = lines.filter((l) => l.level === 40 && /signature checking off/.test(l.msg));
      assert.equal(warnings.length, expectWarning ? 1 : 0, JSON.stringify(lines));
    }
  });

  it("with a journal, requests replay into the account of the key's file entry", async () => {
    const dataDir = join(dir, 'journal');
    const creds = file('journal.json', JSON.stringify({ credentials: [C] }));
    const first = await startServer(
      { host: '127.0.0.1', port: 0, accountId: '123456789012', logLevel: 'silent', dataDir, auth: 'sigv4', credentialsFile: creds },
      pino({ level: 'silent' }),
    );
    const client = new EC2Client({ endpoint: first.url, region: 'us-east-1', credentials: C, maxAttempts: 1 });
    try {
      await client.send(new CreateVpcCommand({ CidrBlock: '10.11.0.0/16' }));
    } finally {
      client.destroy();
      await first.close();
    }
    const second = await startServer({ host: '127.0.0.1', port: 0, accountId: '123456789012', logLevel: 'silent', dataDir }, pino({ level: 'silent' }));
    // Without signature checking a 12-digit key selects that account: the VPC is in C's account.
    const reader = new EC2Client({
      endpoint: second.url,
      region: 'us-east-1',
      credentials: { accessKeyId: C.accountId, secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    try {
      const out = await reader.send(new DescribeVpcsCommand({}));
      assert.deepEqual(out.Vpcs?.map((v) => `${v.CidrBlock} ${v.OwnerId}`).sort(), [`10.11.0.0/16 ${C.accountId}`, `172.31.0.0/16 ${C.accountId}`]);
    } finally {
      reader.destroy();
      await second.close();
    }
  });
});

/** node:crypto as the SDK signer's hash. */
class Sha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}
const toBytes = (d: string | ArrayBuffer | ArrayBufferView) =>
  typeof d === 'string' ? Buffer.from(d) : ArrayBuffer.isView(d) ? Buffer.from(d.buffer, d.byteOffset, d.byteLength) : Buffer.from(d);
