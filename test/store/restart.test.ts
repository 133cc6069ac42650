/**
 * Opening stored state never depends on today's flags or rules (src/store/restore.ts): a lowered
 * quota, another public pool, another transition time or a stricter engine rule leave existing
 * resources as they are, after a clean shutdown (snapshot) and after a crash (log replayed under
 * the flags it was written with); only new requests meet the new limits.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import { Ec2Error } from '../../src/engine/errors.js';
import { startServer, type ServerConfig, type RunningServer } from '../../src/server/start.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'ec2net-restart-'));
  dirs.push(d);
  return d;
};
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const start = (dataDir: string, extra: Partial<ServerConfig> = {}, lines?: string[]) =>
  startServer(
    { host: '127.0.0.1', port: 0, accountId: '123456789012', logLevel: 'info', dataDir, ...extra },
    lines ? pino({ level: 'info' }, { write: (l: string) => void lines.push(l) }) : pino({ level: 'silent' }),
  );

async function call(s: RunningServer, params: Record<string, string>): Promise<{ status: number; body: string }> {
  const res = await fetch(s.url, { method: 'POST', body: new URLSearchParams({ Version: '2016-11-15', ...params }) });
  return { status: res.status, body: await res.text() };
}
async function ok(s: RunningServer, params: Record<string, string>): Promise<string> {
  const r = await call(s, params);
  assert.equal(r.status, 200, r.body);
  return r.body;
}
const pick = (xml: string, tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1] ?? assert.fail(`no <${tag}> in ${xml}`);
const state = async (s: RunningServer) => (await fetch(`${s.url}/_ec2net/state`)).text();

/** What a SIGKILL leaves: the database and its write-ahead log as they are on disk now (no shutdown snapshot). */
function crashCopy(dir: string): string {
  const copy = tempDir();
  for (const f of ['ec2net.sqlite', 'ec2net.sqlite-wal']) if (existsSync(join(dir, f))) copyFileSync(join(dir, f), join(copy, f));
  return copy;
}

const sixVpcs = async (s: RunningServer) => {
  for (let i = 0; i < 6; i++) await ok(s, { Action: 'CreateVpc', CidrBlock: `10.${i}.0.0/16` });
};

describe('restart under other flags or rules', () => {
  it('a lowered quota keeps the VPCs made under the higher one (clean shutdown); only new requests meet it', async () => {
    const dir = tempDir();
    const first = await start(dir, { cloud: { quotas: { vpcsPerRegion: 20 } } });
    await sixVpcs(first);
    const before = await state(first);
    await first.close();
    const second = await start(dir); // default quota: 5 VPCs, the default one included
    assert.equal(await state(second), before);
    const refused = await call(second, { Action: 'CreateVpc', CidrBlock: '10.99.0.0/16' });
    assert.equal(refused.status, 400);
    assert.match(refused.body, /VpcLimitExceeded/);
    await second.close();
  });

  it('the same after a crash: the log is replayed under the quota it was written with', async () => {
    const dir = tempDir();
    const first = await start(dir, { cloud: { quotas: { vpcsPerRegion: 20 } } });
    await sixVpcs(first);
    const before = await state(first);
    const copy = crashCopy(dir);
    await first.close();
    const lines: string[] = [];
    const second = await start(copy, {}, lines);
    assert.equal(await state(second), before);
    assert.ok(
      lines.some((l) => /"replayed":6/.test(l) && /state restored in \d+ ms/.test(l)),
      lines.join(''),
    );
    assert.match((await call(second, { Action: 'CreateVpc', CidrBlock: '10.99.0.0/16' })).body, /VpcLimitExceeded/);
    await second.close();
  });

  it('another public pool: Elastic IPs keep their addresses; new ones come from the new pool', async () => {
    const dir = tempDir();
    const first = await start(dir, { cloud: { publicPools: { 'us-east-1': '198.51.100.0/24' } } });
    const held = pick(await ok(first, { Action: 'AllocateAddress', Domain: 'vpc' }), 'publicIp');
    assert.match(held, /^198\.51\.100\./);
    const before = await state(first);
    const copy = crashCopy(dir);
    await first.close();
    for (const d of [dir, copy]) {
      const second = await start(d, { cloud: { publicPools: { 'us-east-1': '203.0.113.0/24' } } });
      assert.equal(await state(second), before);
      assert.match(pick(await ok(second, { Action: 'AllocateAddress', Domain: 'vpc' }), 'publicIp'), /^203\.0\.113\./);
      await second.close();
    }
  });

  it('another transition time: a launch in flight keeps the time it was given', async () => {
    const dir = tempDir();
    let now = Date.UTC(2026, 0, 1);
    const clock = () => new Date(now);
    const first = await start(dir, { cloud: { now: clock, lifecycle: { pendingMs: 60_000 } } });
    await ok(first, { Action: 'RunInstances', ImageId: 'ami-0123456789abcdef0', MinCount: '1', MaxCount: '1' });
    const before = await state(first);
    assert.match(before, /"kind": "instance-running"/);
    const copy = crashCopy(dir);
    await first.close();
    for (const d of [dir, copy]) {
      now = Date.UTC(2026, 0, 1);
      const second = await start(d, { cloud: { now: clock, lifecycle: { pendingMs: 10 } } });
      assert.equal(await state(second), before);
      now += 59_000;
      assert.match(await state(second), /"state": "pending"/, 'still pending: its time is the one it was given');
      now += 1_000;
      assert.doesNotMatch(await state(second), /"state": "pending"/);
      await second.close();
    }
  });

  it('an engine whose rule became stricter opens the same state; refused log entries of a crash are skipped and named', async () => {
    // The seam: from now on CreateVpc and RunInstances are refused (a rule made stricter by an upgrade).
    const stricter = {
      extraRule: (action: string) => {
        if (action === 'CreateVpc' || action === 'RunInstances') throw new Ec2Error('InvalidParameterValue', `${action} is now refused`);
      },
    };
    const dir = tempDir();
    const first = await start(dir, { cloud: { quotas: { vpcsPerRegion: 20 } } });
    await sixVpcs(first);
    await ok(first, { Action: 'RunInstances', ImageId: 'ami-0123456789abcdef0', MinCount: '1', MaxCount: '1' });
    const before = await state(first);
    const copy = crashCopy(dir);
    await first.close();
    const second = await start(dir, stricter);
    assert.equal(await state(second), before, 'a snapshot holds records, not requests');
    assert.match((await call(second, { Action: 'CreateVpc', CidrBlock: '10.99.0.0/16' })).body, /now refused/);
    await second.close();
    // After a crash the log is replayed: what the stricter engine refuses is skipped, never blocking the start.
    const lines: string[] = [];
    const third = await start(copy, { ...stricter, cloud: { quotas: { vpcsPerRegion: 20 } } }, lines);
    assert.ok(
      lines.some((l) => /log entry \d+ \(CreateVpc\) no longer replays: CreateVpc is now refused; skipped/.test(l)),
      lines.join(''),
    );
    assert.equal(JSON.parse(await state(third)).worlds[0].vpcs.length, 1, 'the default VPC (made with the world), not the refused ones');
    await third.close();
  });

  it('health reports the state size, the log since the last snapshot and when that snapshot was taken', async () => {
    const dir = tempDir();
    const first = await start(dir, { snapshotEvery: 4 });
    await ok(first, { Action: 'CreateVpc', CidrBlock: '10.0.0.0/16' });
    type Health = {
      storage: { durable: boolean; resources: number; stateBytes?: number; logEntriesSinceSnapshot: number; lastSnapshotAt?: string; restoreMs: number };
    };
    const health = async () => ((await (await fetch(`${first.url}/_ec2net/health`)).json()) as Health).storage;
    let h = await health();
    assert.equal(h.durable, true);
    assert.equal(h.logEntriesSinceSnapshot, 1);
    assert.equal(h.stateBytes, undefined, 'no snapshot yet');
    assert.equal(typeof h.restoreMs, 'number');
    // The bound is 4 changes or half the resources (about a dozen here), whichever is more.
    const vpcId = pick(await ok(first, { Action: 'DescribeVpcs' }), 'vpcId');
    for (let i = 0; i < 12; i++) await ok(first, { Action: 'CreateTags', 'ResourceId.1': vpcId, 'Tag.1.Key': 'n', 'Tag.1.Value': String(i) });
    await new Promise((r) => setTimeout(r, 50));
    h = await health();
    assert.ok(h.stateBytes! > 1000, JSON.stringify(h));
    assert.ok(Date.now() - Date.parse(h.lastSnapshotAt!) < 60_000);
    assert.ok(h.logEntriesSinceSnapshot < 12, 'the log was snapshotted away at its bound');
    assert.ok(h.resources > 10);
    await first.close();
  });
});
