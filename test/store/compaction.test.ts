/**
 * Disk bounded by the state, not its history: after every snapshot the log before it and the
 * older snapshot are dropped and their pages given back, so however long the history, the data
 * directory stays within 3× the size of an export of the state (plus, between snapshots, the
 * write-ahead log's fixed cap: at 100,000 interfaces the whole directory is 0.8× the export, see
 * bench/RESULTS.md).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { WAL_LIMIT_BYTES } from '../../src/store/journal.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const dirBytes = (dir: string) => readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);

async function ok(s: RunningServer, params: Record<string, string>): Promise<string> {
  const res = await fetch(s.url, { method: 'POST', body: new URLSearchParams({ Version: '2016-11-15', ...params }) });
  const body = await res.text();
  assert.equal(res.status, 200, body);
  return body;
}
const pick = (xml: string, tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)![1]!;

describe('compaction', () => {
  it('a long history of churn leaves the directory within 3× an export of the state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ec2net-compact-'));
    dirs.push(dir);
    const s = await startServer(
      { host: '127.0.0.1', port: 0, accountId: '123456789012', logLevel: 'silent', dataDir: dir, snapshotEvery: 200 },
      pino({ level: 'silent' }),
    );
    const subnetId = pick(await ok(s, { Action: 'DescribeSubnets' }), 'subnetId');
    // A standing state of 600 interfaces, then a history five times as long that changes little of it.
    for (let i = 0; i < 600; i++) await ok(s, { Action: 'CreateNetworkInterface', SubnetId: subnetId, Description: `standing ${i}` });
    const sizes: number[] = [];
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 500; i++) {
        const id = pick(await ok(s, { Action: 'CreateNetworkInterface', SubnetId: subnetId }), 'networkInterfaceId');
        await ok(s, { Action: 'CreateTags', 'ResourceId.1': id, 'Tag.1.Key': 'k', 'Tag.1.Value': String(i) });
        await ok(s, { Action: 'DeleteNetworkInterface', NetworkInterfaceId: id });
        if (i % 100 === 99) sizes.push(dirBytes(dir));
      }
    }
    const exportBytes = (await (await fetch(`${s.url}/_ec2net/export`)).text()).length;
    const health = (await (await fetch(`${s.url}/_ec2net/health`)).json()) as { storage: { logEntriesSinceSnapshot: number } };
    assert.ok(health.storage.logEntriesSinceSnapshot < 200);
    // Between snapshots SQLite's write-ahead log may hold up to its fixed cap besides (each snapshot empties it).
    for (const size of sizes) assert.ok(size <= 3 * exportBytes + WAL_LIMIT_BYTES, `directory ${size} bytes, export ${exportBytes} bytes`);
    await s.close();
    assert.ok(dirBytes(dir) <= 3 * exportBytes, `after shutdown: ${dirBytes(dir)} bytes, export ${exportBytes}`);
    console.log(`compaction: 3,600 changes; directory ${sizes.join(' → ')} bytes (${dirBytes(dir)} after shutdown), export ${exportBytes} bytes`);
  });
});
