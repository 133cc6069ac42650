/**
 * Upgrades: a data directory written by the release that stored a seed plus a request journal
 * (schema 1, test/fixtures/v1-datadir, made by test/fixtures/make-v1-fixture.ts) opens with the
 * same state, migrated once (its journal replayed, then snapshotted); the storage format carries
 * a version, and a directory written by a newer ec2net is refused with one plain line.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pino from 'pino';
import { ConfigError } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { SCHEMA_VERSION } from '../../src/store/journal.js';
import { FIXTURE_CLOCK_END_MS } from '../fixtures/make-v1-fixture.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/', import.meta.url));
const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A copy of the fixture directory (opening migrates it in place). */
function fixtureCopy(): string {
  const d = mkdtempSync(join(tmpdir(), 'ec2net-upgrade-'));
  dirs.push(d);
  cpSync(join(FIXTURES, 'v1-datadir'), d, { recursive: true });
  return d;
}

const start = (dataDir: string, lines?: string[]) =>
  startServer(
    { host: '127.0.0.1', port: 0, accountId: '123456789012', logLevel: 'info', dataDir, cloud: { now: () => new Date(FIXTURE_CLOCK_END_MS) } },
    lines ? pino({ level: 'info' }, { write: (l: string) => void lines.push(l) }) : pino({ level: 'silent' }),
  );
const state = async (s: RunningServer) => JSON.parse(await (await fetch(`${s.url}/_ec2net/state`)).text()) as unknown;

/**
 * `actual` holds everything `expected` holds (resource families and fields added since the
 * fixture was made may appear beside them, e.g. a main route table of each VPC).
 */
function assertHolds(actual: unknown, expected: unknown, path: string): void {
  if (expected === null || typeof expected !== 'object') return assert.equal(actual, expected, path);
  assert.ok(actual !== null && typeof actual === 'object', `${path}: missing`);
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: not a list`);
    assert.equal(actual.length, expected.length, `${path}: length`);
    expected.forEach((e, i) => assertHolds(actual[i], e, `${path}[${i}]`));
    return;
  }
  for (const [k, v] of Object.entries(expected)) assertHolds((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
}

describe('upgrade from a schema-1 data directory', () => {
  it('opens with the same state, migrates once (journal replayed, then snapshotted), and reopens from the snapshot', async () => {
    const expected = JSON.parse(readFileSync(join(FIXTURES, 'v1-state.json'), 'utf8')) as unknown;
    const dir = fixtureCopy();
    const lines: string[] = [];
    const first = await start(dir, lines);
    assertHolds(await state(first), expected, 'state');
    assert.ok(
      lines.some((l) => /migrated from storage format 1/.test(l) && /"replayed":17/.test(l)),
      lines.join(''),
    );
    await first.close();
    const db = new Database(join(dir, 'ec2net.sqlite'), { readonly: true });
    assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM ops').get() as { n: number }).n, 0, 'the old journal is replaced by a snapshot');
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM snapshots').get() as { n: number }).n, 1);
    db.close();
    const lines2: string[] = [];
    const second = await start(dir, lines2);
    assertHolds(await state(second), expected, 'state');
    assert.ok(
      lines2.some((l) => /"fromSnapshot":true/.test(l) && /"replayed":0/.test(l)),
      lines2.join(''),
    );
    // The instance still pending in the fixture becomes running on time.
    await second.close();
  });

  it('an export file of that release (seed + journal) still imports, to the same state', async () => {
    const expected = JSON.parse(readFileSync(join(FIXTURES, 'v1-state.json'), 'utf8')) as unknown;
    const db = new Database(join(FIXTURES, 'v1-datadir', 'ec2net.sqlite'), { readonly: true });
    const seed = (db.prepare("SELECT value FROM meta WHERE key = 'seed'").get() as { value: string }).value;
    const entries = db.prepare('SELECT at, rng, account, region, params FROM ops ORDER BY seq').all();
    db.close();
    const old = JSON.stringify({ format: 'ec2net-export', schemaVersion: 1, seed, entries });
    const dir = mkdtempSync(join(tmpdir(), 'ec2net-upgrade-'));
    dirs.push(dir);
    const s = await start(dir);
    const res = await fetch(`${s.url}/_ec2net/import`, { method: 'POST', body: old });
    assert.equal(res.status, 200, await res.text());
    assertHolds(await state(s), expected, 'state');
    await s.close();
  });

  it('a directory written by a newer ec2net is refused with one plain line, and left as it is', async () => {
    const dir = fixtureCopy();
    const db = new Database(join(dir, 'ec2net.sqlite'));
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    await assert.rejects(
      start(dir),
      (e: Error) => e instanceof ConfigError && /written by a newer ec2net \(storage format \d+; this one reads up to \d+\)/.test(e.message),
    );
    const cli = spawnSync(process.execPath, [CLI, 'serve', '--port', '0', '--imds-port', 'off', '--data-dir', dir], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(cli.status, 2);
    assert.equal(cli.stderr.trim().split('\n').length, 1, cli.stderr);
    assert.match(cli.stderr, /^ec2net: .*written by a newer ec2net/);
    const after = new Database(join(dir, 'ec2net.sqlite'), { readonly: true });
    assert.equal(after.pragma('user_version', { simple: true }), SCHEMA_VERSION + 1, 'untouched');
    after.close();
  });
});
