/**
 * HTTPS and AWS's own endpoint names, through the real clients.
 *
 * Why it matters: tools that insist on https, or on AWS's endpoint names, run against ec2net
 * unchanged. Ansible's amazon.aws modules with `debug_botocore_endpoint_logs` (on in the
 * collection's own integration targets) read the service name out of botocore's log with the
 * regex `https://(.*?)\.` (amazon.aws 5.5.1 plugins/module_utils/modules.py): an http endpoint
 * makes them fail. Clients reach AWS names through `HTTPS_PROXY` (botocore and the AWS CLI: "Using
 * an HTTP proxy", AWS CLI user guide; curl: HTTPS_PROXY) and trust ec2net's CA through
 * AWS_CA_BUNDLE (AWS CLI user guide, "Environment variables") and CURL_CA_BUNDLE.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, type AgentOptions, type RequestOptions } from 'node:https';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { CreateVpcCommand, DescribeAvailabilityZonesCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { useHarness, type Harness } from './harness.js';

const run = promisify(execFile);

/** An https agent that reaches every host through an HTTP CONNECT proxy, as HTTPS_PROXY makes other clients do. */
class ConnectAgent extends Agent {
  constructor(
    private readonly proxyPort: number,
    options: AgentOptions,
  ) {
    super(options);
  }

  override createConnection(options: RequestOptions & { servername?: string; ca?: string }, cb?: (err: Error | null, s: Duplex) => void): undefined {
    const done = cb!;
    const target = `${options.host}:${options.port ?? 443}`;
    const raw = connect(this.proxyPort, '127.0.0.1', () => raw.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`));
    let head = '';
    const onData = (d: Buffer) => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      raw.off('data', onData);
      if (!/^HTTP\/1\.1 200 /.test(head)) return done(new Error(`proxy refused: ${head.split('\r\n')[0]}`), raw);
      done(null, tlsConnect({ socket: raw, servername: options.servername ?? options.host ?? undefined, ca: options.ca }));
    };
    raw.on('data', onData);
    raw.on('error', (e) => done(e, raw));
    return undefined;
  }
}

/** Sends `request` (raw bytes) to the server and reads the whole answer until it closes. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1', () => socket.write(request));
    let data = '';
    socket.on('data', (d) => (data += d.toString()));
    socket.on('close', () => resolve(data));
    socket.on('error', () => resolve(data));
  });
}

/** The environment of a CLI or boto3 run that knows nothing of ec2net but the proxy and the CA. */
function proxyEnv(h: Harness, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_EC2', 'AWS_ENDPOINT_URL_STS', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'AWS_PROFILE']) delete env[k];
  return {
    ...env,
    AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'test-secret',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_PAGER: '',
    AWS_MAX_ATTEMPTS: '1',
    HTTPS_PROXY: `http://127.0.0.1:${h.server.port}`,
    AWS_CA_BUNDLE: h.server.caFile,
    CURL_CA_BUNDLE: h.server.caFile,
    NO_PROXY: '',
    no_proxy: '',
    ...extra,
  };
}

async function aws(h: Harness, args: string[], extra: Record<string, string> = {}): Promise<any> {
  const { stdout } = await run('aws', [...args, '--output', 'json'], { env: proxyEnv(h, extra), timeout: 60_000 }).catch(
    (e: { stderr?: string; message: string }) => {
      throw new Error(`aws ${args.join(' ')}: ${e.stderr || e.message}`);
    },
  );
  return stdout.trim() ? JSON.parse(stdout) : {};
}

describe('HTTPS and AWS endpoint names (interop)', () => {
  const h = useHarness({ tls: true });
  const ca = () => readFileSync(h.server.caFile!, 'utf8');
  const clients: { destroy(): void }[] = [];
  const sdk = (endpoint: string | undefined, region: string, agent: Agent) => {
    const c = new EC2Client({
      ...(endpoint ? { endpoint } : {}),
      region,
      credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'test-secret' },
      maxAttempts: 1,
      requestHandler: { httpsAgent: agent },
    });
    clients.push(c);
    return c;
  };

  it('one port speaks both: the SDK over https (CA trusted) and over http see the same state', async () => {
    const https = sdk(h.server.httpsUrl, 'us-east-1', new Agent({ ca: ca() }));
    const { Vpc } = await https.send(new CreateVpcCommand({ CidrBlock: '10.7.0.0/16' }));
    const plain = h.ec2();
    const { Vpcs } = await plain.send(new DescribeVpcsCommand({ VpcIds: [Vpc!.VpcId!] }));
    assert.equal(Vpcs![0]!.CidrBlock, '10.7.0.0/16');
    const byName = sdk(`https://localhost:${h.server.port}`, 'us-east-1', new Agent({ ca: ca() }));
    assert.equal((await byName.send(new DescribeVpcsCommand({ VpcIds: [Vpc!.VpcId!] }))).Vpcs!.length, 1);
    https.destroy();
    byName.destroy();
  });

  it('the certificate is really checked: a client that does not trust the CA refuses it', async () => {
    const untrusting = sdk(h.server.httpsUrl, 'us-east-1', new Agent({}));
    await assert.rejects(untrusting.send(new DescribeVpcsCommand({})), (e: Error & { code?: string }) =>
      /SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|self.signed/i.test(`${e.code} ${e.message}`),
    );
    untrusting.destroy();
  });

  it("SDK v3 through the proxy to AWS's own names: the region still comes from the signature", async () => {
    const agent = new ConnectAgent(h.server.port, { ca: ca() });
    // No endpoint: the SDK resolves https://ec2.eu-west-1.amazonaws.com itself.
    const ec2 = sdk(undefined, 'eu-west-1', agent);
    const { AvailabilityZones } = await ec2.send(new DescribeAvailabilityZonesCommand({}));
    assert.deepEqual(
      AvailabilityZones!.map((z) => z.ZoneName),
      ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    );
    const sts = new STSClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'test-secret' },
      maxAttempts: 1,
      requestHandler: { httpsAgent: agent },
    });
    clients.push(sts);
    const who = await sts.send(new GetCallerIdentityCommand({}));
    assert.equal(who.Account, '123456789012');
    for (const c of clients.splice(0)) c.destroy();
  });

  it('AWS CLI with HTTPS_PROXY and AWS_CA_BUNDLE, no endpoint URL: EC2 and STS answer', async () => {
    const { Vpc } = await aws(h, ['ec2', 'create-vpc', '--cidr-block', '10.8.0.0/16']);
    assert.match(Vpc.VpcId, /^vpc-[0-9a-f]{17}$/);
    const { Vpcs } = await aws(h, ['ec2', 'describe-vpcs', '--vpc-ids', Vpc.VpcId, '--region', 'us-east-1']);
    assert.equal(Vpcs[0].CidrBlock, '10.8.0.0/16');
    // Another region: another world, reached through its own endpoint name.
    const other = await aws(h, ['ec2', 'describe-vpcs', '--region', 'ap-southeast-2']);
    assert.ok(other.Vpcs.every((v: { VpcId: string }) => v.VpcId !== Vpc.VpcId));
    const who = await aws(h, ['sts', 'get-caller-identity']);
    assert.equal(who.Account, '123456789012');
    // And straight at the https URL, no proxy.
    const direct = await aws(h, ['--endpoint-url', h.server.httpsUrl!, 'ec2', 'describe-vpcs', '--vpc-ids', Vpc.VpcId], { HTTPS_PROXY: '' });
    assert.equal(direct.Vpcs.length, 1);
  });

  it('boto3 with HTTPS_PROXY and AWS_CA_BUNDLE, no endpoint URL', async () => {
    const script = [
      'import json, boto3',
      "ec2 = boto3.client('ec2', region_name='us-west-2')",
      "vpc = ec2.create_vpc(CidrBlock='10.9.0.0/16')['Vpc']",
      "print(json.dumps({'id': vpc['VpcId'], 'url': ec2.meta.endpoint_url}))",
    ].join('\n');
    const { stdout } = await run('python3', ['-c', script], { env: proxyEnv(h), timeout: 60_000 }).catch((e: { stderr?: string; message: string }) => {
      throw new Error(e.stderr || e.message);
    });
    const out = JSON.parse(stdout.trim().split('\n').pop()!) as { id: string; url: string };
    assert.equal(out.url, 'https://ec2.us-west-2.amazonaws.com');
    const { Vpcs } = await h.ec2('us-west-2').send(new DescribeVpcsCommand({ VpcIds: [out.id] }));
    assert.equal(Vpcs![0]!.CidrBlock, '10.9.0.0/16');
  });

  it('NO_PROXY and http:// endpoints work as before, whatever HTTPS_PROXY says', async () => {
    // The proxy variables name a port where nothing listens: a client that used them would fail.
    const elsewhere = { HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9' };
    const { Vpc } = await aws(h, ['--endpoint-url', h.url, 'ec2', 'create-vpc', '--cidr-block', '10.11.0.0/16'], {
      ...elsewhere,
      NO_PROXY: '127.0.0.1',
      no_proxy: '127.0.0.1',
    });
    const viaHttps = await aws(h, ['--endpoint-url', h.server.httpsUrl!, 'ec2', 'describe-vpcs', '--vpc-ids', Vpc.VpcId], {
      ...elsewhere,
      NO_PROXY: '127.0.0.1',
      no_proxy: '127.0.0.1',
    });
    assert.equal(viaHttps.Vpcs[0].CidrBlock, '10.11.0.0/16');
    // An http:// endpoint with HTTPS_PROXY set: HTTPS_PROXY is only for https URLs.
    const plain = await aws(h, ['--endpoint-url', h.url, 'ec2', 'describe-vpcs', '--vpc-ids', Vpc.VpcId], { HTTPS_PROXY: 'http://127.0.0.1:9' });
    assert.equal(plain.Vpcs.length, 1);
  });

  it("curl through the proxy reaches ec2net's own routes (a reset, as test runners do)", async () => {
    await h.ec2().send(new CreateVpcCommand({ CidrBlock: '10.10.0.0/16' }));
    const { stdout } = await run('curl', ['-s', '-X', 'POST', '-w', '\n%{http_code}', 'https://ec2.us-east-1.amazonaws.com/_ec2net/reset'], {
      env: proxyEnv(h),
      timeout: 30_000,
    });
    assert.match(stdout, /\n200$/);
    const { Vpcs } = await h.ec2().send(new DescribeVpcsCommand({ Filters: [{ Name: 'cidr-block', Values: ['10.10.0.0/16'] }] }));
    assert.equal(Vpcs!.length, 0);
  });

  it('never a general proxy: CONNECT to another host or port is refused with 403 and a reason', async () => {
    for (const target of ['example.com:443', 'ec2.us-east-1.amazonaws.com:22', '169.254.169.254:80']) {
      const reply = await rawExchange(h.server.port, `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`);
      assert.match(reply, /^HTTP\/1\.1 403 Forbidden\r\n/, target);
      assert.match(reply, new RegExp(`CONNECT ${target.replace(/\./g, '\\.')} refused: .*never connects anywhere else`));
    }
    // curl says the proxy refused, and gets nothing from the host.
    const curl = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', 'https://example.com/'], { env: proxyEnv(h), timeout: 30_000 }).catch(
      (e: { stdout?: string; code?: number }) => e,
    );
    assert.equal((curl as { code?: number }).code, 56, 'curl: CONNECT tunnel failed');
  });

  it('plain-HTTP proxy requests: served for an AWS endpoint name, refused for another host', async () => {
    const body = 'Action=DescribeVpcs&Version=2016-11-15';
    const served = await rawExchange(
      h.server.port,
      `POST http://ec2.us-east-1.amazonaws.com/ HTTP/1.1\r\nHost: ec2.us-east-1.amazonaws.com\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    assert.match(served, /^HTTP\/1\.1 200 /);
    assert.match(served, /<DescribeVpcsResponse/);
    const refused = await rawExchange(h.server.port, `GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n`);
    assert.match(refused, /^HTTP\/1\.1 403 Forbidden\r\n/);
    assert.match(refused, /http:\/\/example\.com refused/);
  });
});

describe('HTTPS with signature checking (interop)', () => {
  const h = useHarness({ tls: true, credentials: [{ accessKeyId: 'AKIAHTTPSCHECK000001', secretAccessKey: 'right-secret', accountId: '210987654321' }] });

  it('through the proxy the signature (made for the AWS host name) still verifies; a wrong secret is SignatureDoesNotMatch', async () => {
    const keys = { AWS_ACCESS_KEY_ID: 'AKIAHTTPSCHECK000001', AWS_SECRET_ACCESS_KEY: 'right-secret' };
    const who = await aws(h, ['sts', 'get-caller-identity'], keys);
    assert.equal(who.Account, '210987654321');
    const { Vpcs } = await aws(h, ['ec2', 'describe-vpcs'], keys);
    assert.ok(Array.isArray(Vpcs));
    await assert.rejects(aws(h, ['ec2', 'describe-vpcs'], { ...keys, AWS_SECRET_ACCESS_KEY: 'wrong-secret' }), /\(SignatureDoesNotMatch\)/);
  });
});
