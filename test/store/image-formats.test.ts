/**
 * Every snapshot encoding ec2net ever wrote still opens: a data directory whose snapshot is the
 * first image encoding (a V8 structured clone of the object graph; test/fixtures/v2-graph-datadir,
 * made by test/fixtures/make-v2-fixture.ts before the encoding changed) opens with an identical
 * `GET /_ec2net/state`, and so does the directory it becomes once a clean shutdown rewrote its
 * snapshot in today's encoding. The same holds for the columnar image's first layout (one stream
 * of nodes decoded at once; test/fixtures/v2-columnar-datadir, made by make-v2-fixture.ts at the
 * commit before the layout with lazily decoded large collections), and for layout 2 (storage format
 * 3: a lazy section whose strings are one structured clone, no checksum; test/fixtures/v3-lazy-datadir,
 * made by make-v2-fixture.ts --lazy at the commit before layout 3).
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import { startServer } from '../../src/server/start.js';
import { FIXTURE_V2_CLOCK_MS } from '../fixtures/make-v2-fixture.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/', import.meta.url));
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const start = (dataDir: string) =>
  startServer(
    { host: '127.0.0.1', port: 0, accountId: '123456789012', logLevel: 'silent', dataDir, cloud: { now: () => new Date(FIXTURE_V2_CLOCK_MS) } },
    pino({ level: 'silent' }),
  );

type StateJson = { worlds: Record<string, unknown>[] };

/**
 * Families added after the fixture was made are in today's answer, and must be empty there; so
 * are list fields added to records since (an interface's IPv6 prefixes, say). The rest must be
 * identical.
 */
function withoutFamiliesAddedSince(actual: unknown, expected: unknown): unknown {
  const copy = structuredClone(actual) as StateJson;
  const known = (expected as StateJson).worlds[0] ?? {};
  for (const world of copy.worlds) {
    for (const key of Object.keys(world)) {
      if (key in known) continue;
      assert.deepEqual(world[key], [], `${key}, a family newer than the fixture, starts empty`);
      delete world[key];
    }
  }
  dropNewEmptyLists(copy, expected, 'state');
  return copy;
}

/** Removes from `actual` the empty lists `expected` lacks, in records both hold at the same place. */
function dropNewEmptyLists(actual: unknown, expected: unknown, path: string): void {
  if (actual === null || typeof actual !== 'object' || expected === null || typeof expected !== 'object') return;
  if (Array.isArray(actual)) {
    if (Array.isArray(expected)) actual.forEach((a, i) => dropNewEmptyLists(a, expected[i], `${path}[${i}]`));
    return;
  }
  const a = actual as Record<string, unknown>;
  const e = expected as Record<string, unknown>;
  for (const key of Object.keys(a)) {
    if (key in e) dropNewEmptyLists(a[key], e[key], `${path}.${key}`);
    else if (Array.isArray(a[key]) && (a[key] as unknown[]).length === 0) delete a[key];
  }
}

describe('snapshot encodings of earlier releases', () => {
  const opensAndReopens = async (fixture: string) => {
    const expected = JSON.parse(readFileSync(join(FIXTURES, `${fixture}-state.json`), 'utf8')) as unknown;
    const dir = mkdtempSync(join(tmpdir(), 'ec2net-image-formats-'));
    dirs.push(dir);
    cpSync(join(FIXTURES, `${fixture}-datadir`), dir, { recursive: true });
    for (let k = 0; k < 2; k++) {
      const server = await start(dir);
      const state = JSON.parse(await (await fetch(`${server.url}/_ec2net/state`)).text()) as unknown;
      assert.deepEqual(withoutFamiliesAddedSince(state, expected), expected, k === 0 ? 'opened from the fixture' : 'reopened after a clean shutdown');
      const invariants = await fetch(`${server.url}/_ec2net/invariants`);
      assert.equal(invariants.status, 200, await invariants.text());
      if (k === 0) {
        // A change and its undoing: the state stays the same, but the log is no longer empty, so
        // the clean shutdown rewrites the snapshot in today's encoding.
        const vpcId = (expected as { worlds: { vpcs: { id: string }[] }[] }).worlds[0]!.vpcs[0]!.id;
        for (const action of ['CreateTags', 'DeleteTags']) {
          const body = new URLSearchParams({ Action: action, Version: '2016-11-15', 'ResourceId.1': vpcId, 'Tag.1.Key': 'rewrite', 'Tag.1.Value': 'x' });
          assert.equal((await fetch(server.url, { method: 'POST', body })).status, 200, action);
        }
      }
      await server.close();
    }
  };

  it('a snapshot of the structured-clone encoding opens with an identical state, and again after it is rewritten', () => opensAndReopens('v2-graph'));

  it('a columnar image of the first layout opens with an identical state, and again after it is rewritten', () => opensAndReopens('v2-columnar'));

  it('a columnar image of layout 2 (a lazy section, storage format 3) opens with an identical state, and again after it is rewritten', () =>
    opensAndReopens('v3-lazy'));
});
