/**
 * A restart answers before the snapshot's large collections are decoded (README "Durable state";
 * src/store/columnar-image.ts, layout 2): they are decoded in the background after the server
 * listens, or at once by the first request that needs one. Either way the state is the one that
 * was stored, and health says whether the decoding still runs and when it finished.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pino from 'pino';
import { ConfigError } from '../../src/config.js';
import { startServer, type RunningServer, type ServerConfig } from '../../src/server/start.js';
import { LAZY_MIN } from '../../src/store/columnar-image.js';
import { bodyText } from '../../src/protocol/encode.js';

const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const ENIS = LAZY_MIN + 50;
const caller = { accessKeyId: 'AKIDEXAMPLE', region: 'us-east-1' };

const start = (dataDir: string, extra: Partial<ServerConfig> = {}) =>
  startServer(
    {
      host: '127.0.0.1',
      port: 0,
      accountId: '123456789012',
      logLevel: 'silent',
      dataDir,
      cloud: { quotas: { networkInterfacesPerRegion: ENIS + 100 } },
      ...extra,
    },
    pino({ level: 'silent' }),
  );

/** In-process, as the listener would handle it (journaled); synchronous, so nothing runs in between. */
function handle(s: RunningServer, params: Record<string, string>): string {
  const r = s.handle(new URLSearchParams({ Version: '2016-11-15', ...params }), caller);
  const body = bodyText(r.body);
  assert.equal(r.status, 200, body);
  return body;
}
const pick = (xml: string, tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1] ?? assert.fail(`no <${tag}>`);
const state = async (s: RunningServer) => (await fetch(`${s.url}/_ec2net/state`)).text();
const health = async (s: RunningServer) =>
  (
    (await (await fetch(`${s.url}/_ec2net/health`)).json()) as {
      storage: { decoding?: { state: string; finishedAt?: string; ms?: number; steps?: number; longestStepMs?: number } };
    }
  ).storage;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Whether the world's interfaces are still a lazy field (an accessor that decodes on first use). */
const lazy = (s: RunningServer) => {
  const world = s.cloud().region('123456789012', 'us-east-1');
  return typeof Object.getOwnPropertyDescriptor(world, 'networkInterfaces')?.get === 'function';
};

/** A data directory holding more interfaces than LAZY_MIN, shut down cleanly (a snapshot, an empty log). */
async function populated(): Promise<{ dir: string; before: string; lastEni: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'ec2net-lazy-'));
  dirs.push(dir);
  const s = await start(dir);
  const vpc = pick(handle(s, { Action: 'CreateVpc', CidrBlock: '10.0.0.0/16' }), 'vpcId');
  const subnet = pick(handle(s, { Action: 'CreateSubnet', VpcId: vpc, CidrBlock: '10.0.0.0/20' }), 'subnetId');
  let lastEni = '';
  for (let i = 0; i < ENIS; i++) lastEni = pick(handle(s, { Action: 'CreateNetworkInterface', SubnetId: subnet }), 'networkInterfaceId');
  handle(s, { Action: 'CreateTags', 'ResourceId.1': lastEni, 'Tag.1.Key': 'k', 'Tag.1.Value': 'v' });
  const before = await state(s);
  await s.close();
  return { dir, before, lastEni };
}

describe('restart with lazily decoded large collections', () => {
  it('answers a request on small families before the interfaces are decoded; the first request that needs them decodes them', async () => {
    const { dir, before, lastEni } = await populated();
    const s = await start(dir, { decodeStepValues: 100 });
    try {
      // Right after the start, before any background step ran.
      assert.ok(lazy(s), 'the interfaces are not decoded yet');
      // The id generator's issued ids (a helper of the cloud, merged into today's) wait too.
      const ids = s.cloud().ids as unknown as object;
      assert.equal(typeof Object.getOwnPropertyDescriptor(ids, 'issued')?.get, 'function', 'issued ids not decoded yet');
      assert.match(handle(s, { Action: 'DescribeVpcs' }), /10\.0\.0\.0\/16/);
      assert.ok(lazy(s), 'DescribeVpcs did not need them');
      const xml = handle(s, { Action: 'DescribeNetworkInterfaces', 'NetworkInterfaceId.1': lastEni });
      assert.match(xml, new RegExp(lastEni));
      assert.match(xml, /<key>k<\/key>\s*<value>v<\/value>/);
      assert.ok(!lazy(s), 'decoded by the request that needed them');
      assert.ok((Object.getOwnPropertyDescriptor(ids, 'issued')?.value as Set<string>).has(lastEni), 'issued ids decoded into the helper');
      assert.equal(await state(s), before, 'the stored state, whole');
      const h = await health(s);
      assert.equal(h.decoding?.state, 'done');
      assert.ok(h.decoding.finishedAt && !Number.isNaN(Date.parse(h.decoding.finishedAt)));
    } finally {
      await s.close();
    }
  });

  it('decodes in the background when nothing needs them; health says so until it finishes', async () => {
    const { dir, before } = await populated();
    const s = await start(dir, { decodeStepValues: 100 });
    try {
      assert.ok(lazy(s));
      const states: string[] = [];
      for (let i = 0; i < 2000; i++) {
        const d = (await health(s)).decoding;
        states.push(d?.state ?? 'none');
        if (d?.state === 'done') break;
      }
      assert.equal(states[0], 'background', 'reported while it runs');
      assert.equal(states[states.length - 1], 'done', 'and once finished');
      assert.ok(!lazy(s), 'decoded without any request needing it');
      assert.equal(await state(s), before);
    } finally {
      await s.close();
    }
  });

  it('the background decoding waits until the first answer has gone out, so a restart serves its first client first', async () => {
    const { dir, before } = await populated();
    const s = await start(dir, { decodeStepValues: 100, decodeIdleMs: 60_000 });
    try {
      await sleep(200);
      assert.ok(lazy(s), 'nothing decoded while no request came');
      assert.equal((await health(s)).decoding?.state, 'background', 'the first answer');
      for (let i = 0; i < 500 && lazy(s); i++) await sleep(10);
      assert.ok(!lazy(s), 'decoded in the background once the first answer went out');
      const h = await health(s);
      assert.equal(h.decoding?.state, 'done');
      // At least one background step ran; a use on demand may finish what the steps began (on a loaded machine it often does).
      assert.ok(h.decoding.steps! >= 1 && h.decoding.longestStepMs! >= 0, JSON.stringify(h.decoding));
      assert.equal(await state(s), before);
    } finally {
      await s.close();
    }
  });

  it('with no request at all, the background decoding begins once the server has been idle a while', async () => {
    const { dir, before } = await populated();
    const s = await start(dir, { decodeIdleMs: 50 });
    try {
      assert.ok(lazy(s));
      for (let i = 0; i < 500 && lazy(s); i++) await sleep(10);
      assert.ok(!lazy(s), 'decoded without any request');
      assert.equal(await state(s), before);
    } finally {
      await s.close();
    }
  });

  it('a snapshot damaged on disk (a byte of its lazy section changed) is refused at the start with one plain line naming the file, and left as it is', async () => {
    // The large collections are decoded after the server listens: damage there must stop the
    // start (their checksum is checked when the snapshot is opened), never fail a request later.
    const { dir } = await populated();
    const file = join(dir, 'ec2net.sqlite');
    const db = new Database(file);
    const image = (db.prepare('SELECT image FROM snapshots').get() as { image: Buffer }).image;
    image[image.length - 100]! ^= 0x01; // among the last values: the lazy section's
    db.prepare('UPDATE snapshots SET image = ?').run(image);
    db.close();
    await assert.rejects(start(dir), (e: Error) => e instanceof ConfigError && e.message.startsWith(`${file}: the snapshot is damaged`));
    const cli = spawnSync(process.execPath, [CLI, 'serve', '--port', '0', '--imds-port', 'off', '--data-dir', dir], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(cli.status, 2, cli.stderr);
    assert.equal(cli.stderr.trim().split('\n').length, 1, cli.stderr);
    assert.match(cli.stderr, /^ec2net: .*ec2net\.sqlite: the snapshot is damaged: its checksum does not match/);
    const after = new Database(file, { readonly: true });
    assert.deepEqual((after.prepare('SELECT image FROM snapshots').get() as { image: Buffer }).image, image, 'left as it is');
    after.close();
  });

  it('a change while they wait (a new VPC registers with the taggables) lands in the decoded state and survives the next restart', async () => {
    const { dir } = await populated();
    const s = await start(dir, { decodeStepValues: 100 });
    const vpc = pick(handle(s, { Action: 'CreateVpc', CidrBlock: '10.1.0.0/16' }), 'vpcId');
    const after1 = await state(s);
    assert.match(after1, new RegExp(vpc));
    await s.close();
    const again = await start(dir);
    try {
      assert.equal(await state(again), after1);
    } finally {
      await again.close();
    }
  });
});
