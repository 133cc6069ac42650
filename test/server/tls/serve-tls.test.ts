/**
 * HTTPS as the `ec2net serve` command sets it up (README "HTTPS and AWS endpoint names"): the flags
 * and their EC2NET_* variables, the CA kept in the data directory and made once, the line that says
 * what to trust, and the user's own certificate.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { ConfigError, parseServeConfig } from '../../../src/config.js';
import { issueLeaf, makeCa, newKeyPair } from '../../../src/server/tls/certificates.js';

const CLI = fileURLToPath(new URL('../../../src/cli.js', import.meta.url));

describe('TLS flags', () => {
  it('on by default; the CA in <data-dir>/tls, or under XDG_DATA_HOME (else ~/.local/share) with --ephemeral', () => {
    assert.deepEqual(parseServeConfig(['--data-dir', '/d'], {}).tls, { caDir: '/d/tls' });
    assert.deepEqual(parseServeConfig(['--ephemeral'], { XDG_DATA_HOME: '/x' }).tls, { caDir: '/x/ec2net/tls' });
    assert.deepEqual(parseServeConfig(['--ephemeral'], { HOME: '/home/u' }).tls, { caDir: '/home/u/.local/share/ec2net/tls' });
    assert.deepEqual(parseServeConfig(['--ephemeral', '--tls-ca-dir', '/ca'], { EC2NET_TLS_CA_DIR: '/other' }).tls, { caDir: '/ca' });
    assert.deepEqual(parseServeConfig([], { EC2NET_TLS_CA_DIR: '/other' }).tls, { caDir: '/other' });
    assert.deepEqual(parseServeConfig(['--tls-cert', 'c.pem', '--tls-key', 'k.pem'], {}).tls, { certFile: 'c.pem', keyFile: 'k.pem' });
    assert.deepEqual(parseServeConfig([], { EC2NET_TLS_CERT: 'c.pem', EC2NET_TLS_KEY: 'k.pem' }).tls, { certFile: 'c.pem', keyFile: 'k.pem' });
    assert.equal(parseServeConfig(['--tls', 'off'], {}).tls, undefined);
    assert.equal(parseServeConfig([], { EC2NET_TLS: 'off' }).tls, undefined);
  });

  it('refuses a bad --tls, a certificate without its key, and a CA directory beside an own certificate', () => {
    const refused = (argv: string[], message: RegExp) =>
      assert.throws(
        () => parseServeConfig(argv, {}),
        (e: unknown) => e instanceof ConfigError && message.test(e.message),
      );
    refused(['--tls', 'yes'], /--tls must be on or off, not 'yes'/);
    refused(['--tls-cert', 'c.pem'], /--tls-cert and --tls-key go together/);
    refused(['--tls-key', 'k.pem'], /--tls-cert and --tls-key go together/);
    refused(['--tls-cert', 'c.pem', '--tls-key', 'k.pem', '--tls-ca-dir', '/ca'], /--tls-ca-dir is for certificates ec2net issues/);
  });
});

interface Started {
  lines: Record<string, unknown>[];
  port: number;
  stop(): Promise<void>;
}

/** Starts `ec2net serve` and waits for its HTTPS line (or its exit, rejected with stderr). */
function serve(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--imds-port', 'off', '--log-level', 'info', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      const lines = out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const https = lines.find((l) => typeof l.httpsUrl === 'string');
      if (!https) return;
      clearTimeout(timer);
      resolve({
        lines,
        port: Number(new URL(https.httpsUrl as string).port),
        stop: () => {
          child.kill('SIGTERM');
          return exited;
        },
      });
    });
    void exited.then(() => reject(new Error(`exited: ${err}`)));
  });
}

function httpsGet(port: number, path: string, ca: string, servername = 'localhost'): Promise<{ status: number; body: string; cert: X509Certificate }> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path, ca, servername, agent: false }, (res) => {
      let body = '';
      const cert = new X509Certificate((res.socket as import('node:tls').TLSSocket).getPeerCertificate().raw);
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body, cert }));
    });
    req.on('error', reject);
  });
}

describe('ec2net serve with HTTPS', () => {
  it('makes the CA in the data directory once, says what to set, and serves HTTPS on the same port', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'ec2net-serve-tls-')), 'data');
    const caFile = join(dataDir, 'tls', 'ca.pem');
    const first = await serve(['--data-dir', dataDir]);
    try {
      assert.ok(first.lines.some((l) => l.caFile === caFile && /made a local CA/.test(String(l.msg))));
      const line = first.lines.find((l) => typeof l.httpsUrl === 'string')!;
      assert.equal(line.caFile, caFile);
      for (const v of ['AWS_CA_BUNDLE', 'REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE']) assert.match(String(line.msg), new RegExp(`${v}=${caFile}`));
      assert.match(String(line.msg), new RegExp(`HTTPS_PROXY=http://127\\.0\\.0\\.1:${first.port}`));
      const health = await httpsGet(first.port, '/_ec2net/health', readFileSync(caFile, 'utf8'));
      assert.equal(health.status, 200);
      assert.deepEqual(JSON.parse(health.body).tls, { certificates: 'local CA', caFile });
    } finally {
      await first.stop();
    }
    const pem = readFileSync(caFile, 'utf8');
    const second = await serve(['--data-dir', dataDir]);
    try {
      assert.equal(readFileSync(caFile, 'utf8'), pem, 'the same CA on the next start');
      assert.ok(!second.lines.some((l) => /made a local CA/.test(String(l.msg))));
    } finally {
      await second.stop();
    }
  });

  it("serves the user's own certificate with --tls-cert/--tls-key, and makes no CA", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ec2net-own-cert-'));
    const ca = await makeCa();
    const key = await newKeyPair();
    writeFileSync(join(dir, 'cert.pem'), await issueLeaf(ca, ['localhost'], key));
    writeFileSync(join(dir, 'key.pem'), key.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const s = await serve(['--data-dir', join(dir, 'data'), '--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem')]);
    try {
      const r = await httpsGet(s.port, '/_ec2net/health', ca.certPem);
      assert.equal(r.status, 200);
      assert.ok(r.cert.checkIssued(new X509Certificate(ca.certPem)));
      assert.equal(existsSync(join(dir, 'data', 'tls')), false);
    } finally {
      await s.stop();
    }
  });

  it("a key that is not the certificate's stops the start with one line naming both flags", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ec2net-own-cert-'));
    const ca = await makeCa();
    writeFileSync(join(dir, 'cert.pem'), await issueLeaf(ca, ['localhost'], await newKeyPair()));
    writeFileSync(join(dir, 'key.pem'), (await newKeyPair()).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await assert.rejects(
      serve(['--ephemeral', '--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem')]),
      /ec2net: --tls-cert .* and --tls-key .* cannot be used together/,
    );
  });
});
