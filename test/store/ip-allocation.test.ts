/**
 * The private-IPv4 allocation mode is a property of each world, recorded in its state: worlds of data
 * directories written before the mode existed (a schema-1 journal, test/fixtures/v1-datadir; a snapshot
 * of the first image encoding, test/fixtures/v2-graph-datadir) keep picking the lowest free address
 * under today's default (`--ip-allocation random`), while worlds created from then on scatter; a world
 * keeps its mode across restarts whatever the flag says, and its log replays to the same addresses.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { CreateNetworkInterfaceCommand, DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import pino from 'pino';
import type { IpAllocation } from '../../src/engine/ipam.js';
import { startServer, type RunningServer } from '../../src/server/start.js';
import { FIXTURE_CLOCK_END_MS } from '../fixtures/make-v1-fixture.js';
import { FIXTURE_V2_CLOCK_MS } from '../fixtures/make-v2-fixture.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/', import.meta.url));
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function copyOf(fixture?: string): string {
  const d = mkdtempSync(join(tmpdir(), 'ec2net-ipalloc-'));
  dirs.push(d);
  if (fixture) cpSync(join(FIXTURES, fixture), d, { recursive: true });
  return d;
}

const start = (dataDir: string, ipAllocation: IpAllocation, clockMs: number) =>
  startServer(
    { host: '127.0.0.1', port: 0, accountId: '123456789012', logLevel: 'silent', dataDir, cloud: { now: () => new Date(clockMs), ipAllocation } },
    pino({ level: 'silent' }),
  );

/** The address EC2 picks for a new interface in `subnetId` (account by access key). */
async function pick(s: RunningServer, subnetId: string | undefined, accessKeyId = 'AKIAEXAMPLE'): Promise<string> {
  const ec2 = new EC2Client({ endpoint: s.url, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey: 'x' }, maxAttempts: 1 });
  try {
    let subnet = subnetId;
    if (subnet === undefined) {
      const { Subnets } = await ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'availability-zone', Values: ['us-east-1a'] }] }));
      subnet = Subnets![0]!.SubnetId!;
    }
    return (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet }))).NetworkInterface!.PrivateIpAddress!;
  } finally {
    ec2.destroy();
  }
}

const FIXTURES_UNDER_TEST = [
  { fixture: 'v1-datadir', clock: FIXTURE_CLOCK_END_MS, subnet: 'subnet-eb864ccab9a07578c', what: 'a schema-1 journal' },
  { fixture: 'v2-graph-datadir', clock: FIXTURE_V2_CLOCK_MS, subnet: 'subnet-bad73a191a1da37d0', what: 'a first-encoding snapshot' },
];

describe('private IPv4 allocation mode across stored state', () => {
  for (const f of FIXTURES_UNDER_TEST) {
    it(`${f.what}: its worlds keep the lowest free address under --ip-allocation random; new worlds scatter`, async () => {
      const byMode: Record<string, { old: string; fresh: string }> = {};
      for (const mode of ['lowest', 'random'] as const) {
        const s = await start(copyOf(f.fixture), mode, f.clock);
        try {
          byMode[mode] = { old: await pick(s, f.subnet), fresh: await pick(s, undefined, '333344445555') };
        } finally {
          await s.close();
        }
      }
      assert.equal(byMode.random!.old, byMode.lowest!.old, 'an old world picks as it always did');
      assert.equal(byMode.lowest!.fresh, '172.31.0.4');
      assert.notEqual(byMode.random!.fresh, '172.31.0.4', 'a new world scatters');
    });
  }

  it('a world keeps its mode across restarts whatever the flag, and its log replays to the same addresses', async () => {
    const dir = copyOf();
    const clock = Date.parse('2026-06-01T00:00:00Z');
    const first = await start(dir, 'random', clock);
    const picked = [await pick(first, undefined), await pick(first, undefined)];
    const before = await (await fetch(`${first.url}/_ec2net/state`)).text();
    await first.close();
    // Reopened with the other flag: the world, restored or replayed, is as it was and keeps scattering.
    const second = await start(dir, 'lowest', clock);
    try {
      assert.equal(await (await fetch(`${second.url}/_ec2net/state`)).text(), before);
      const next = await pick(second, undefined);
      assert.ok(!picked.includes(next));
      assert.notEqual(next, '172.31.0.4', 'the world still scatters');
    } finally {
      await second.close();
    }
  });
});
