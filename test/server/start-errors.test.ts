/**
 * Starting ec2net beside another one, and every way a start can fail. The rules are ec2net's own
 * (README "Configuration"): the metadata port follows the API port (--port + 1) unless --imds-port
 * is given; one server per data directory; a failure to start is one line on stderr naming what went
 * wrong and the flag that fixes it, with exit code 2 and no stack trace.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import { ConfigError, parseServeConfig } from '../../src/config.js';
import { startServer } from '../../src/server/start.js';

const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));

const work = mkdtempSync(join(tmpdir(), 'ec2net-start-'));
after(() => rmSync(work, { recursive: true, force: true }));

describe('the metadata port rule', () => {
  it('without --imds-port the metadata service listens on --port + 1 (4566 → 4567)', () => {
    assert.equal(parseServeConfig([], {}).imdsPort, 4567);
    assert.equal(parseServeConfig(['--port', '5000'], {}).imdsPort, 5001);
    assert.equal(parseServeConfig([], { EC2NET_PORT: '6000' }).imdsPort, 6001);
  });

  it('--port 0 (any free port) makes the metadata port any free port too', () => {
    assert.equal(parseServeConfig(['--port', '0'], {}).imdsPort, 0);
  });

  it('--imds-port or EC2NET_IMDS_PORT wins; off turns the listener off', () => {
    assert.equal(parseServeConfig(['--port', '5000', '--imds-port', '7000'], {}).imdsPort, 7000);
    assert.equal(parseServeConfig(['--port', '5000'], { EC2NET_IMDS_PORT: '7001' }).imdsPort, 7001);
    assert.equal(parseServeConfig(['--port', '5000', '--imds-port', 'off'], {}).imdsPort, undefined);
    assert.equal(parseServeConfig(['--port', '5000'], { EC2NET_IMDS_PORT: '' }).imdsPort, 5001, 'an empty variable counts as unset');
  });

  it('--port 65535 without --imds-port, or both on one port, is a ConfigError naming --imds-port', () => {
    assert.throws(
      () => parseServeConfig(['--port', '65535'], {}),
      (e: unknown) => e instanceof ConfigError && /--imds-port/.test(e.message),
    );
    assert.equal(parseServeConfig(['--port', '65535', '--imds-port', 'off'], {}).imdsPort, undefined);
    assert.throws(
      () => parseServeConfig(['--port', '5000', '--imds-port', '5000'], {}),
      (e: unknown) => e instanceof ConfigError && /--imds-port/.test(e.message),
    );
  });
});

interface Run {
  code: number | null;
  stderr: string;
}

/** An environment without EC2NET_* settings (the flags of each test say everything). */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('EC2NET_')) delete env[k];
  return env;
}

/** Runs `ec2net serve ...args` in `cwd` until it exits by itself. */
function serveFails(args: string[], cwd = work): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'serve', '--log-level', 'silent', ...args], { cwd, env: cleanEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

/** Starts `ec2net serve ...args` in `cwd` and resolves once it logs that it listens; `stop` ends it. */
async function serve(args: string[], cwd = work): Promise<{ url: string; imdsUrl?: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [CLI, 'serve', '--log-level', 'info', ...args], { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const line = await new Promise<{ url: string; imdsUrl?: string }>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      const listening = stdout.split('\n').find((l) => l.includes('"url"'));
      if (listening) resolve(JSON.parse(listening) as { url: string; imdsUrl?: string });
    });
    void exited.then(() => reject(new Error(`serve ${args.join(' ')} exited: ${stderr}`)));
  });
  return {
    ...line,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A start failure as the issue asks for it: exit code 2, one line, no stack trace, naming `flag`. */
function assertOneLine(r: Run, flag: string, what: RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^ec2net: [^\n]+\n$/, `one line: ${JSON.stringify(r.stderr)}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.ok(r.stderr.includes(flag), `names ${flag}: ${r.stderr}`);
  assert.match(r.stderr, what);
}

/** A port that something else holds, for as long as the test needs it. */
async function occupied(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server };
}

/** Two free ports P and P + 1 (the metadata port rule needs the pair). */
async function freePair(): Promise<number> {
  for (;;) {
    const a = await occupied();
    const b = createServer();
    const ok = await new Promise<boolean>((resolve) => {
      b.once('error', () => resolve(false));
      b.listen(a.port + 1, '127.0.0.1', () => resolve(true));
    });
    a.server.close();
    if (ok) {
      b.close();
      return a.port;
    }
  }
}

describe('ec2net serve beside another one', () => {
  it('a second server with only another --port starts: its metadata service on its own --port + 1', async () => {
    const dirA = join(work, 'beside-a');
    const dirB = join(work, 'beside-b');
    mkdirSync(dirA);
    mkdirSync(dirB);
    const [p, q] = [await freePair(), await freePair()];
    const first = await serve(['--port', String(p)], dirA);
    try {
      const second = await serve(['--port', String(q)], dirB);
      try {
        assert.equal(first.imdsUrl, `http://127.0.0.1:${p + 1}`);
        assert.equal(second.imdsUrl, `http://127.0.0.1:${q + 1}`);
        for (const s of [first, second]) assert.equal((await fetch(`${s.url}/_ec2net/health`)).status, 200);
      } finally {
        await second.stop();
      }
    } finally {
      await first.stop();
    }
  });

  it('a second server on the same data directory stops with one line naming --data-dir; once the first stops, it starts', async () => {
    const dir = join(work, 'shared');
    const first = await serve(['--port', '0', '--data-dir', dir]);
    try {
      assertOneLine(await serveFails(['--port', '0', '--data-dir', dir]), '--data-dir', /is in use by another running ec2net/);
    } finally {
      await first.stop();
    }
    const again = await serve(['--port', '0', '--data-dir', dir]);
    await again.stop();
  });

  it('`ec2net import` into the data directory of a running server is refused, naming the other way', async () => {
    const dir = join(work, 'import-busy');
    const running = await serve(['--port', '0', '--data-dir', dir]);
    try {
      const file = join(work, 'export.json');
      writeFileSync(file, await (await fetch(`${running.url}/_ec2net/export`)).text());
      const r = await new Promise<Run>((resolve) => {
        const child = spawn(process.execPath, [CLI, 'import', file, '--data-dir', dir], { env: cleanEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d) => (stderr += d));
        child.on('close', (code) => resolve({ code, stderr }));
      });
      assertOneLine(r, '/_ec2net/import', /is in use by another running ec2net/);
    } finally {
      await running.stop();
    }
  });

  it('a data directory left by a killed server (kill -9) is not locked', async () => {
    const dir = join(work, 'killed');
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', dir, '--log-level', 'info'], {
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => String(d).includes('"url"') && resolve()));
    const gone = new Promise((resolve) => child.on('close', resolve));
    child.kill('SIGKILL');
    await gone;
    const again = await serve(['--port', '0', '--data-dir', dir]);
    await again.stop();
  });
});

describe('a failure to start is one line naming the flag that fixes it', () => {
  it('the API port in use: --port', async () => {
    const held = await occupied();
    try {
      assertOneLine(
        await serveFails(['--port', String(held.port), '--ephemeral']),
        '--port',
        new RegExp(`port 127\\.0\\.0\\.1:${held.port} is already in use`),
      );
    } finally {
      held.server.close();
    }
  });

  it('the metadata port in use: --imds-port', async () => {
    const held = await occupied();
    try {
      assertOneLine(
        await serveFails(['--port', '0', '--imds-port', String(held.port), '--ephemeral']),
        '--imds-port',
        /instance metadata port .* is already in use/,
      );
    } finally {
      held.server.close();
    }
  });

  it("a data directory that cannot be made or is not ec2net's: --data-dir", async () => {
    const file = join(work, 'a-file');
    writeFileSync(file, 'not a directory');
    assertOneLine(await serveFails(['--port', '0', '--data-dir', join(file, 'state')]), '--data-dir', /cannot be created/);
    assertOneLine(await serveFails(['--port', '0', '--data-dir', file]), '--data-dir', /not a directory/);
    const foreign = join(work, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'ec2net.sqlite'), 'this is not a SQLite database, but it is long enough to be read as one');
    assertOneLine(await serveFails(['--port', '0', '--data-dir', foreign]), '--data-dir', /cannot be used/);
  });

  it("an address that is not this machine's: --host", async () => {
    // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never assigned to a real interface.
    assertOneLine(await serveFails(['--host', '192.0.2.1', '--port', '0', '--ephemeral']), '--host', /not an address of this machine/);
  });

  it('bad flags and values', async () => {
    assertOneLine(await serveFails(['--bogus']), '--help', /unknown flag --bogus/);
    assertOneLine(await serveFails(['--port']), '--port', /--port needs a value/);
    assertOneLine(await serveFails(['--port', 'http']), '--port', /'http'/);
    assertOneLine(await serveFails(['--imds-port', 'x']), '--imds-port', /'x'/);
    assertOneLine(await serveFails(['--port', '65535']), '--imds-port', /no port after it/);
  });
});

describe('startServer and the data directory lock', () => {
  const config = (dataDir: string, port = 0) => ({ host: '127.0.0.1', port, accountId: '123456789012', logLevel: 'silent', dataDir });
  const quiet = pino({ level: 'silent' });

  it('two servers in one process cannot share a data directory; closing the first frees it', async () => {
    const dir = join(work, 'in-process');
    const first = await startServer(config(dir), quiet);
    await assert.rejects(startServer(config(dir), quiet), (e: unknown) => e instanceof ConfigError && /in use/.test(e.message));
    await first.close();
    const second = await startServer(config(dir), quiet);
    await second.close();
  });

  it('a start that fails to listen leaves the data directory unlocked', async () => {
    const dir = join(work, 'failed-listen');
    const held = await occupied();
    try {
      await assert.rejects(startServer(config(dir, held.port), quiet), (e: unknown) => e instanceof ConfigError && /--port/.test(e.message));
    } finally {
      held.server.close();
    }
    const server = await startServer(config(dir), quiet);
    await server.close();
  });
});
