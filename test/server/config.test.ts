/**
 * Configuration and the `ec2net` command. Rules are ec2net's own (ARCHITECTURE.md "Suggested layout":
 * `config.ts — flags + EC2NET_* environment`; the usage text of src/cli.ts): every flag has an
 * EC2NET_* equivalent, flags win, an empty variable counts as unset, bad values and unknown flags
 * stop the command with exit code 2 (the conventional "usage error" status).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { ConfigError, DEFAULTS, parseServeConfig, type ServeConfig } from '../../src/config.js';
import { VERSION } from '../../src/version.js';

const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The settings this file covers (other options have their own tests). */
const core = (c: ServeConfig) => ({ host: c.host, port: c.port, accountId: c.accountId, logLevel: c.logLevel });

describe('parseServeConfig', () => {
  it('defaults: 127.0.0.1:4566, account 123456789012, log level info', () => {
    const c = parseServeConfig([], {});
    assert.deepEqual(core(c), core(DEFAULTS));
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.port, 4566);
    assert.equal(c.accountId, '123456789012');
    assert.equal(c.logLevel, 'info');
  });

  it('EC2NET_* variables set every value', () => {
    const c = parseServeConfig([], { EC2NET_HOST: '0.0.0.0', EC2NET_PORT: '5000', EC2NET_ACCOUNT_ID: '111122223333', EC2NET_LOG_LEVEL: 'warn' });
    assert.deepEqual([c.host, c.port, c.accountId, c.logLevel], ['0.0.0.0', 5000, '111122223333', 'warn']);
  });

  it('flags win over the environment, in both --flag value and --flag=value forms', () => {
    const env = { EC2NET_HOST: '0.0.0.0', EC2NET_PORT: '5000', EC2NET_ACCOUNT_ID: '111122223333', EC2NET_LOG_LEVEL: 'warn' };
    const c = parseServeConfig(['--host', '::1', '--port=6000', '--account-id', '444455556666', '--log-level=silent'], env);
    assert.deepEqual([c.host, c.port, c.accountId, c.logLevel], ['::1', 6000, '444455556666', 'silent']);
  });

  it('an empty variable counts as unset', () => {
    const c = parseServeConfig([], { EC2NET_HOST: '', EC2NET_PORT: '', EC2NET_ACCOUNT_ID: '', EC2NET_LOG_LEVEL: '' });
    assert.deepEqual(core(c), core(DEFAULTS));
  });

  it('ports 0 (any free port) to 65535 are accepted', () => {
    assert.equal(parseServeConfig(['--port', '0'], {}).port, 0);
    assert.equal(parseServeConfig(['--port', '65535', '--imds-port', 'off'], {}).port, 65535);
    assert.equal(parseServeConfig([], { EC2NET_PORT: '8080' }).port, 8080);
  });

  it('a bad port is a ConfigError naming the value, from a flag or the environment', () => {
    for (const bad of ['abc', '-1', '65536', '1.5', '0x50', ' 80', '80 ', '1e3', '99999999999999999999', '']) {
      assert.throws(
        () => parseServeConfig([`--port=${bad}`], {}),
        (e: unknown) => e instanceof ConfigError && e.message.includes(`'${bad}'`),
        `--port ${bad}`,
      );
    }
    assert.throws(() => parseServeConfig([], { EC2NET_PORT: 'http' }), ConfigError);
  });

  it('a bad account id or log level is a ConfigError', () => {
    for (const bad of ['12345', '1234567890123', 'abcdefghijkl', '12345678901a']) {
      assert.throws(() => parseServeConfig(['--account-id', bad], {}), ConfigError, bad);
    }
    assert.throws(() => parseServeConfig([], { EC2NET_ACCOUNT_ID: '1' }), ConfigError);
    assert.throws(() => parseServeConfig(['--log-level', 'verbose'], {}), ConfigError);
    assert.throws(() => parseServeConfig([], { EC2NET_LOG_LEVEL: 'INFO' }), ConfigError);
  });

  it('unknown flags, positionals and flags without a value are refused', () => {
    const code = (argv: string[]) => {
      try {
        parseServeConfig(argv, {});
      } catch (e) {
        return (e as { code?: string }).code;
      }
      return 'accepted';
    };
    assert.equal(code(['--bogus']), 'ERR_PARSE_ARGS_UNKNOWN_OPTION');
    assert.equal(code(['-p', '80']), 'ERR_PARSE_ARGS_UNKNOWN_OPTION');
    assert.equal(code(['extra']), 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL');
    assert.equal(code(['--port']), 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE');
  });
});

// ---------------------------------------------------------------------------------------------

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Spawned servers run without an IMDS listener (its fixed default port would collide between test
 * files) and in memory only (no data directory left in the working tree).
 */
const baseEnv = (): NodeJS.ProcessEnv => {
  // An ephemeral server's local CA goes under XDG_DATA_HOME: a temporary one, not the user's.
  const env: NodeJS.ProcessEnv = { ...process.env, EC2NET_IMDS_PORT: 'off', EC2NET_EPHEMERAL: '1', XDG_DATA_HOME: mkdtempSync(join(tmpdir(), 'ec2net-xdg-')) };
  for (const k of [
    'EC2NET_HOST',
    'EC2NET_PORT',
    'EC2NET_ACCOUNT_ID',
    'EC2NET_LOG_LEVEL',
    'EC2NET_DATA_DIR',
    'EC2NET_TLS',
    'EC2NET_TLS_CA_DIR',
    'EC2NET_TLS_CERT',
    'EC2NET_TLS_KEY',
  ])
    delete env[k];
  return env;
};

/** Runs the CLI to completion (it must exit by itself). */
function runCli(args: string[], env: NodeJS.ProcessEnv = baseEnv()): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * Starts a long-running server command, waits for its "listening" log line, checks /_ec2net/health,
 * then stops it with SIGTERM (the whole process group when `group`, so npm's child goes too).
 */
async function serveAndStop(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  group = false,
): Promise<{ url: string; line: Record<string, unknown>; exit: Run }> {
  const child = spawn(command, args, { env, cwd: ROOT, detached: group, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const stop = (signal: NodeJS.Signals) => {
    try {
      if (group) process.kill(-child.pid!, signal);
      else child.kill(signal);
    } catch {
      /* already gone */
    }
  };
  const exited = new Promise<Run>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  const killer = setTimeout(() => stop('SIGKILL'), 60_000);
  try {
    const line = await new Promise<Record<string, unknown>>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        stdout += d;
        for (const text of stdout.split('\n')) {
          if (!text.startsWith('{')) continue;
          const entry = JSON.parse(text) as Record<string, unknown>;
          if (typeof entry.url === 'string') resolve(entry);
        }
      });
      child.stderr.on('data', (d) => (stderr += d));
      void exited.then((r) => reject(new Error(`server exited early (${r.code}): ${r.stderr}${r.stdout}`)));
    });
    const url = line.url as string;
    const health = (await (await fetch(`${url}/_ec2net/health`)).json()) as { status: string; version: string };
    assert.deepEqual([health.status, health.version], ['ok', VERSION]);
    stop('SIGTERM');
    const exit = await exited;
    return { url, line, exit };
  } finally {
    clearTimeout(killer);
    stop('SIGKILL');
  }
}

describe('the ec2net command', () => {
  it('no command prints usage and exits 1; --help exits 0; --version prints the version', async () => {
    const none = await runCli([]);
    assert.equal(none.code, 1);
    assert.match(none.stdout, /^ec2net .*\n\nUsage: ec2net serve /);
    const help = await runCli(['--help']);
    assert.equal(help.code, 0);
    assert.equal(help.stdout, none.stdout);
    const version = await runCli(['--version']);
    assert.deepEqual([version.code, version.stdout], [0, `${VERSION}\n`]);
  });

  it('an unknown command exits 2 with usage on stderr', async () => {
    const r = await runCli(['launch']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command 'launch'/);
    assert.match(r.stderr, /Usage: ec2net serve/);
  });

  it('serve rejects unknown flags, positionals and bad values with exit code 2 and a message', async () => {
    const cases: [string[], RegExp][] = [
      [['serve', '--bogus'], /--bogus/],
      [['serve', 'now'], /now/],
      [['serve', '--port', 'abc'], /--port must be 0\.\.65535, not 'abc'/],
      [['serve', '--port', '70000'], /--port/],
      [['serve', '--account-id', '42'], /--account-id must be 12 digits/],
      [['serve', '--log-level', 'loud'], /--log-level must be one of/],
    ];
    const runs = await Promise.all(cases.map(([args]) => runCli(args)));
    runs.forEach((r, i) => {
      const [args, message] = cases[i]!;
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^ec2net: /);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
    });
    const fromEnv = await runCli(['serve'], { ...baseEnv(), EC2NET_PORT: 'eighty' });
    assert.equal(fromEnv.code, 2);
    assert.match(fromEnv.stderr, /'eighty'/);
  });

  it('serve --port 0 listens on a free port, logs its url, and exits 0 on SIGTERM', async () => {
    const { url, line, exit } = await serveAndStop(
      process.execPath,
      [CLI, 'serve', '--port', '0', '--log-level', 'info', '--account-id', '111122223333'],
      baseEnv(),
    );
    assert.match(url, /^http:\/\/127\.0\.0\.1:[0-9]+$/);
    assert.notEqual(url, 'http://127.0.0.1:0');
    assert.equal(line.accountId, '111122223333');
    assert.equal(exit.code, 0);
  });

  it('EC2NET_PORT and EC2NET_HOST configure `serve` without flags', async () => {
    const { url, exit } = await serveAndStop(process.execPath, [CLI, 'serve'], {
      ...baseEnv(),
      EC2NET_PORT: '0',
      EC2NET_HOST: '127.0.0.1',
      EC2NET_LOG_LEVEL: 'info',
    });
    assert.match(url, /^http:\/\/127\.0\.0\.1:[0-9]+$/);
    assert.equal(exit.code, 0);
  });

  it('`npm start -- --port 0` passes the flags through to serve', async () => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const { url } = await serveAndStop(npm, ['start', '--silent', '--', '--port', '0', '--log-level', 'info'], baseEnv(), true);
    assert.match(url, /^http:\/\/127\.0\.0\.1:[0-9]+$/);
  });

  it('a port already in use stops serve with exit code 2', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await runCli(['serve', '--port', String(port), '--log-level', 'silent']);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /already in use .*--port/);
    } finally {
      blocker.close();
    }
  });
});
