/**
 * Interop test harness: starts a real ec2net on a free port and gives tests the three real
 * clients — the AWS SDK for JavaScript v3, the AWS CLI, and boto3 (through python3).
 * A missing CLI or boto3 fails the test: CI must install them.
 *
 * A suite starts its server with one line, `const h = useHarness();` inside its `describe`.
 */
import type { Quotas } from '../../src/engine/cloud.js';
import type { IpAllocation } from '../../src/engine/ipam.js';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, beforeEach } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSubnetsCommand,
  EC2Client,
  RunInstancesCommand,
  type Instance,
  type NetworkInterface,
  type RunInstancesCommandInput,
} from '@aws-sdk/client-ec2';
import pino from 'pino';
import { startServer, type RunningServer } from '../../src/server/start.js';

const run = promisify(execFile);

export interface Harness {
  readonly server: RunningServer;
  readonly url: string;
  /** The instance metadata service (started on a free port). */
  readonly imdsUrl: string;
  /** An SDK client for `region` (default us-east-1) and access key (default the default account). */
  ec2(region?: string, accessKeyId?: string, secretAccessKey?: string): EC2Client;
  /** Runs `aws ec2 <args> --output json` and parses the output; rejects with the CLI's stderr on failure. */
  cli(args: string[], region?: string, accessKeyId?: string, secretAccessKey?: string): Promise<any>;
  /** Runs a boto3 snippet: `ec2` is a client bound to the server; the snippet's `result` is printed as JSON. */
  boto3(code: string, region?: string, accessKeyId?: string, secretAccessKey?: string): Promise<any>;
  /** POST /_ec2net/reset */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Start with signature checking (`--auth sigv4`) and these credentials, written to a temporary file. */
  readonly credentials?: readonly { accessKeyId: string; secretAccessKey: string; accountId: string }[];
  /** Quotas other than AWS's defaults, as `--quota NAME=N` sets them. */
  readonly quotas?: Partial<Quotas>;
  /**
   * How EC2 picks private IPv4s (`--ip-allocation`). Unset: `lowest`, so suites that let EC2 pick an
   * address and then name others by hand never collide; the scattered allocator has its own suite.
   */
  readonly ipAllocation?: IpAllocation;
  /** HTTPS on the same port, from a local CA made in a temporary directory (`server.httpsUrl`, `server.caFile`). */
  readonly tls?: boolean;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  let auth = {};
  if (options.credentials) {
    const credentialsFile = join(mkdtempSync(join(tmpdir(), 'ec2net-auth-')), 'credentials.json');
    writeFileSync(credentialsFile, JSON.stringify({ credentials: options.credentials }));
    auth = { auth: 'sigv4', credentialsFile };
  }
  const server = await startServer(
    {
      host: '127.0.0.1',
      port: 0,
      accountId: '123456789012',
      logLevel: 'silent',
      imdsPort: 0,
      ...auth,
      ...(options.tls ? { tls: { caDir: join(mkdtempSync(join(tmpdir(), 'ec2net-tls-')), 'tls') } } : {}),
      cloud: { ...(options.quotas ? { quotas: options.quotas } : {}), ipAllocation: options.ipAllocation ?? 'lowest' },
    },
    pino({ level: 'silent' }),
  );
  const url = server.url;
  const clients: EC2Client[] = [];
  const env = (region: string, key: string, secret: string) => ({
    ...process.env,
    AWS_ACCESS_KEY_ID: key,
    AWS_SECRET_ACCESS_KEY: secret,
    AWS_DEFAULT_REGION: region,
    AWS_REGION: region,
    AWS_ENDPOINT_URL: url,
    AWS_PAGER: '',
    AWS_MAX_ATTEMPTS: '1',
    AWS_RETRY_MODE: 'standard',
  });
  return {
    server,
    url,
    imdsUrl: server.imdsUrl!,
    ec2(region = 'us-east-1', accessKeyId = 'AKIAEXAMPLE', secretAccessKey = 'test-secret') {
      const c = sdkClient(url, region, accessKeyId, secretAccessKey);
      clients.push(c);
      return c;
    },
    async cli(args, region = 'us-east-1', accessKeyId = 'AKIAEXAMPLE', secretAccessKey = 'test-secret') {
      const { stdout } = await run('aws', ['--endpoint-url', url, 'ec2', ...args, '--output', 'json'], {
        env: env(region, accessKeyId, secretAccessKey),
        timeout: 60_000,
      }).catch((e: { stderr?: string; message: string }) => {
        throw new Error(e.stderr || e.message);
      });
      return stdout.trim() ? JSON.parse(stdout) : {};
    },
    async boto3(code, region = 'us-east-1', accessKeyId = 'AKIAEXAMPLE', secretAccessKey = 'test-secret') {
      const script = [
        'import json, boto3, botocore',
        'from botocore.config import Config',
        `ec2 = boto3.client('ec2', endpoint_url=${JSON.stringify(url)}, region_name=${JSON.stringify(region)}, aws_access_key_id=${JSON.stringify(accessKeyId)}, aws_secret_access_key=${JSON.stringify(secretAccessKey)}, config=Config(retries={'max_attempts': 1}))`,
        'result = None',
        code,
        'print(json.dumps(result, default=str))',
      ].join('\n');
      const { stdout } = await run('python3', ['-c', script], { env: env(region, accessKeyId, secretAccessKey), timeout: 60_000 }).catch(
        (e: { stderr?: string; message: string }) => {
          throw new Error(e.stderr || e.message);
        },
      );
      return JSON.parse(stdout.trim().split('\n').pop()!);
    },
    async reset() {
      const res = await fetch(`${url}/_ec2net/reset`, { method: 'POST' });
      if (res.status !== 200) throw new Error(`reset failed: ${res.status}`);
    },
    async close() {
      for (const c of clients) c.destroy();
      await server.close();
    },
  };
}

/** An SDK client without retries; `endpoint` may be a function, asked again on every request. */
function sdkClient(
  endpoint: string | (() => Promise<{ url: URL }>),
  region = 'us-east-1',
  accessKeyId = 'AKIAEXAMPLE',
  secretAccessKey = 'test-secret',
): EC2Client {
  return new EC2Client({ endpoint, region, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1 });
}

export interface SuiteHarnessOptions extends HarnessOptions {
  /** Reset the server to a fresh start before each test (default true); false keeps state from test to test. */
  readonly resetEachTest?: boolean;
}

/**
 * The set-up every interop suite shares, in one call inside its `describe`: registers hooks that start
 * a server before the suite's tests (`before`), close it after them (`after`) and, unless
 * `resetEachTest` is false, reset its state before each test (`beforeEach`, registered first, so the
 * suite's own `beforeEach` runs on the fresh state). Returns the suite's harness: its members work in
 * hooks and tests; `ec2()` may also be called at the top of the suite (`const ec2 = h.ec2();`),
 * because its clients look up the running server's URL on each request.
 */
export function useHarness(options: SuiteHarnessOptions = {}): Harness {
  const { resetEachTest = true, ...serverOptions } = options;
  let live: Harness | undefined;
  const current = (): Harness => {
    if (!live) throw new Error('the harness of useHarness() runs only from its before() hook to its after() hook: use it inside hooks and tests');
    return live;
  };
  const clients: EC2Client[] = [];
  const liveEndpoint = async () => ({ url: new URL(current().url) });
  before(async () => {
    live = await startHarness(serverOptions);
  });
  const close = async () => {
    for (const c of clients.splice(0)) c.destroy();
    await live?.close();
    live = undefined;
  };
  after(close);
  if (resetEachTest) beforeEach(() => current().reset());
  return {
    get server() {
      return current().server;
    },
    get url() {
      return current().url;
    },
    get imdsUrl() {
      return current().imdsUrl;
    },
    ec2(region, accessKeyId, secretAccessKey) {
      const c = sdkClient(liveEndpoint, region, accessKeyId, secretAccessKey);
      clients.push(c);
      return c;
    },
    cli: (...args) => current().cli(...args),
    boto3: (...args) => current().boto3(...args),
    reset: () => current().reset(),
    close,
  };
}

/** Sends a raw Query request (form body) and returns status, headers and body text. */
export async function rawQuery(url: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...headers },
    body,
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** Asserts that a promise rejects with an SDK/CLI/boto3 error carrying `code`; returns the error. */
export async function expectCode(p: Promise<unknown>, code: string): Promise<any> {
  try {
    await p;
  } catch (e: any) {
    const got = e?.name ?? e?.Code ?? e?.code;
    const text = String(e?.message ?? '');
    if (got === code || text.includes(`(${code})`)) return e;
    throw new Error(`expected error ${code}, got ${got}: ${text}`);
  }
  throw new Error(`expected error ${code}, but the call succeeded`);
}

/** Asserts GET /_ec2net/invariants reports no violation. */
export async function invariants(h: Harness): Promise<void> {
  const res = await fetch(`${h.url}/_ec2net/invariants`);
  const body = (await res.json()) as { ok: boolean; violations: unknown[] };
  assert.deepEqual(body.violations, [], 'invariant violations');
  assert.equal(body.ok, true);
}

/**
 * Expects `call` to be refused with `code` and to leave both what `view` shows and the invariants
 * as they were (nothing half-applied); returns the error.
 */
export async function expectRefusal(h: Harness, view: () => Promise<unknown>, call: () => Promise<unknown>, code: string): Promise<any> {
  const before = await view();
  const e = await expectCode(call(), code);
  assert.deepEqual(await view(), before, `a refused call (${code}) changed state`);
  await invariants(h);
  return e;
}

/**
 * Makes the AWS CLI's EC2 waiters poll every second: botocore's own waiter definitions with a 1 s
 * delay, found first through AWS_DATA_PATH (for this process and the CLIs it starts).
 */
export async function fastCliWaiters(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ec2net-waiters-'));
  const script = [
    'import json, os, botocore.session',
    "d = botocore.session.get_session().get_component('data_loader').load_service_model('ec2', 'waiters-2')",
    "for w in d['waiters'].values(): w['delay'] = 1",
    `p = os.path.join(${JSON.stringify(dir)}, 'ec2', '2016-11-15')`,
    'os.makedirs(p, exist_ok=True)',
    "json.dump(d, open(os.path.join(p, 'waiters-2.json'), 'w'))",
  ].join('\n');
  await promisify(execFile)('python3', ['-c', script]);
  process.env.AWS_DATA_PATH = dir;
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
}

/** The network as a client sees it: instances, interfaces, subnets and addresses (what refusals must not change). */
export async function networkView(ec2: EC2Client) {
  const [i, n, s, a] = await Promise.all([
    ec2.send(new DescribeInstancesCommand({})),
    ec2.send(new DescribeNetworkInterfacesCommand({})),
    ec2.send(new DescribeSubnetsCommand({})),
    ec2.send(new DescribeAddressesCommand({})),
  ]);
  return { instances: i.Reservations, interfaces: n.NetworkInterfaces, subnets: s.Subnets, addresses: a.Addresses };
}

/** A refused call leaves the network view and the invariants as they were. */
export const refusedUnchanged = (h: Harness, ec2: EC2Client, call: () => Promise<unknown>, code: string) =>
  expectRefusal(h, () => networkView(ec2), call, code);

/** Polls `probe` until `ok` holds (or fails the test after a while), for states that change on the clock. */
export async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  const end = Date.now() + 5000;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Any well-formed image id: RunInstances accepts it unless strict image checking is on. */
export const IMAGE = 'ami-0123456789abcdef0';

/** Launches one t3.micro (overridable) and returns it as RunInstances answered. */
export async function launch(ec2: EC2Client, input: Partial<RunInstancesCommandInput> = {}): Promise<Instance> {
  const r = await ec2.send(new RunInstancesCommand({ ImageId: IMAGE, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, ...input }));
  return r.Instances![0]!;
}

export async function getInstance(ec2: EC2Client, id: string): Promise<Instance> {
  const r = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return r.Reservations![0]!.Instances![0]!;
}

export async function getEni(ec2: EC2Client, id: string): Promise<NetworkInterface> {
  const { NetworkInterfaces } = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [id] }));
  return NetworkInterfaces![0]!;
}

/**
 * Creates an internet gateway and attaches it to `vpcId`; returns its id. Elastic IPs map only into a
 * VPC with a gateway attached (AssociateAddress answers Gateway.NotAttached otherwise; aws-behaviour.md §4.13).
 */
export async function attachNewGateway(ec2: EC2Client, vpcId: string): Promise<string> {
  const { InternetGateway } = await ec2.send(new CreateInternetGatewayCommand({}));
  const id = InternetGateway!.InternetGatewayId!;
  await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: id, VpcId: vpcId }));
  return id;
}
