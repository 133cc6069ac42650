/**
 * The durable journal (src/store/journal.ts) and what the Query API writes to it
 * (src/server/query-api.ts): every successful state-changing request, in order, with its clock
 * instant and random position; nothing for refused or read-only requests (except the creation
 * of a world); committed with the rest of its event-loop turn before any answer waiting on it goes
 * out (what survives a SIGKILL); and a
 * replay from the seed rebuilds exactly the same state.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { allHandlers } from '../../src/api/index.js';
import { Cloud } from '../../src/engine/cloud.js';
import { checkInvariants } from '../../src/engine/invariants.js';
import { exportState } from '../../src/engine/snapshot.js';
import { loadModel } from '../../src/protocol/model.js';
import { bodyText } from '../../src/protocol/encode.js';
import { QueryApi } from '../../src/server/query-api.js';
import { Journal, SCHEMA_VERSION, type JournalEntry } from '../../src/store/journal.js';

const ACCOUNT = '123456789012';
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'ec2net-journal-'));
  dirs.push(d);
  return d;
};
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const entry = (n: number): JournalEntry => ({
  at: 1_700_000_000_000 + n,
  rng: `${n}:${n % 32}`,
  account: ACCOUNT,
  region: 'us-east-1',
  params: `Action=CreateVpc&CidrBlock=10.${n}.0.0%2F16`,
});

/** A cloud with a controllable clock and a Query API journaling into `journal`. */
function world(seed: string, journal?: Journal) {
  const clock = { now: Date.parse('2025-03-01T00:00:00Z') };
  const cloud = new Cloud({ defaultAccountId: ACCOUNT, seed, now: () => new Date(clock.now) });
  const api = new QueryApi(loadModel(), allHandlers, () => cloud);
  if (journal) api.journal = journal;
  const call = (params: Record<string, string>, accessKeyId = 'AKIAEXAMPLE', region = 'us-east-1') => {
    const r = api.handle(new URLSearchParams({ Version: '2016-11-15', ...params }), { accessKeyId, region });
    return r;
  };
  const ok = (params: Record<string, string>, accessKeyId?: string, region?: string) => {
    const r = call(params, accessKeyId, region);
    assert.equal(r.status, 200, `${params.Action}: ${r.body}`);
    return bodyText(r.body);
  };
  return { clock, cloud, api, call, ok };
}

const pick = (xml: string, tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1] ?? assert.fail(`no <${tag}> in ${xml.slice(0, 300)}`);
const pickAll = (xml: string, tag: string) => [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map((m) => m[1]!);

describe('Journal (SQLite)', () => {
  it('keeps meta and entries in order across a reopen', () => {
    const dir = join(tempDir(), 'nested', 'data');
    const j = Journal.open(dir);
    assert.equal(j.get('seed'), undefined);
    j.set('seed', 's1');
    j.set('seed', 's2');
    for (let n = 0; n < 50; n++) j.append(entry(n));
    j.close();
    const k = Journal.open(dir);
    assert.equal(k.get('seed'), 's2');
    assert.equal(k.count(), 50);
    assert.deepEqual(
      [...k.entries()],
      Array.from({ length: 50 }, (_, n) => entry(n)),
    );
    k.close();
  });

  it('records the schema version and refuses a data dir written by a newer ec2net', () => {
    const dir = tempDir();
    Journal.open(dir).close();
    const db = new Database(join(dir, 'ec2net.sqlite'));
    assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    assert.throws(() => Journal.open(dir), /newer ec2net/);
  });

  it('replace() swaps meta and entries in one transaction', () => {
    const j = Journal.open(tempDir());
    j.set('seed', 'old');
    j.set('other', 'x');
    for (let n = 0; n < 5; n++) j.append(entry(n));
    j.replace({ seed: 'new' }, [entry(7), entry(8)]);
    assert.equal(j.get('seed'), 'new');
    assert.equal(j.get('other'), undefined);
    assert.deepEqual([...j.entries()], [entry(7), entry(8)]);
    j.close();
  });

  it('appended entries are committed together right after the turn, before whenCommitted calls back; a second connection then sees them (what a SIGKILL leaves)', async () => {
    const dir = tempDir();
    const writer = Journal.open(dir);
    writer.set('seed', 'abc');
    const reader = new Database(join(dir, 'ec2net.sqlite'), { readonly: true });
    const committed = () => (reader.prepare('SELECT COUNT(*) AS n FROM ops').get() as { n: number }).n;
    let calledBack = 0;
    writer.whenCommitted(() => calledBack++);
    assert.equal(calledBack, 1, 'nothing pending: called back at once');
    writer.append(entry(1));
    writer.append(entry(2));
    const seen = await new Promise<{ rows: number; error: unknown }>((resolve) => writer.whenCommitted((error) => resolve({ rows: committed(), error })));
    assert.deepEqual(seen, { rows: 2, error: undefined }, 'both committed before the callback');
    writer.append(entry(3));
    assert.equal(committed(), 2, 'not yet: the commit happens after this turn');
    assert.equal(writer.count(), 3, 'a read of the journal commits what is pending first');
    assert.equal(committed(), 3);
    reader.close();
    writer.close();
  });

  it('a commit that fails reaches every waiting callback with the error, and writes none of its batch', async () => {
    const j = Journal.open(tempDir());
    j.append(entry(1));
    j.append({ ...entry(2), params: null as unknown as string }); // NOT NULL: the transaction fails
    const errors = await Promise.all([0, 1].map(() => new Promise<unknown>((resolve) => j.whenCommitted(resolve))));
    for (const e of errors) assert.match(String(e), /NOT NULL/);
    assert.equal(j.count(), 0);
    j.append(entry(3));
    await new Promise<void>((resolve, reject) => j.whenCommitted((e) => (e === undefined ? resolve() : reject(e as Error))));
    assert.deepEqual([...j.entries()], [entry(3)], 'the journal goes on after a failed batch');
    j.close();
  });
});

describe('what the Query API journals', () => {
  it('successful changes only, with their instant, random position, account and region', () => {
    const j = Journal.open(tempDir());
    const w = world('s', j);
    w.ok({ Action: 'CreateVpc', CidrBlock: '10.1.0.0/16' }); // creates the world too: one entry
    assert.equal(j.count(), 1);
    w.ok({ Action: 'DescribeVpcs' });
    assert.equal(j.count(), 1, 'a read is not journaled');
    assert.equal(w.call({ Action: 'CreateVpc', CidrBlock: 'nonsense' }).status, 400);
    assert.equal(j.count(), 1, 'a refused request is not journaled');
    assert.equal(w.call({ Action: 'CreateVpc', CidrBlock: '10.2.0.0/16', DryRun: 'true' }).status, 412);
    assert.equal(j.count(), 1, 'a dry run is not journaled');
    w.clock.now += 1234;
    const before = w.cloud.random.position();
    w.ok({ Action: 'CreateVpc', CidrBlock: '10.3.0.0/16', AmazonProvidedIpv6CidrBlock: 'true' });
    const last = [...j.entries()].at(-1)!;
    assert.equal(last.at, w.clock.now);
    assert.equal(last.rng, before);
    assert.equal(last.account, ACCOUNT);
    assert.equal(last.region, 'us-east-1');
    assert.equal(new URLSearchParams(last.params).get('CidrBlock'), '10.3.0.0/16');
    j.close();
  });

  it('a refused or read-only first request in a new account or region still records the world it created', () => {
    const j = Journal.open(tempDir());
    const w = world('s', j);
    w.ok({ Action: 'DescribeVpcs' }, '111111111111', 'eu-west-1');
    assert.equal(w.call({ Action: 'CreateVpc', CidrBlock: 'bad' }, '222222222222', 'ap-southeast-2').status, 400);
    const entries = [...j.entries()];
    assert.deepEqual(
      entries.map((e) => [e.account, e.region, new URLSearchParams(e.params).get('Action')]),
      [
        ['111111111111', 'eu-west-1', 'DescribeVpcs'],
        ['222222222222', 'ap-southeast-2', 'DescribeAvailabilityZones'],
      ],
    );
    // Replaying just those gives the same worlds, default VPCs and all.
    const replayed = world('s');
    for (const e of entries) replayed.api.replay(e);
    assert.equal(JSON.stringify(exportState(replayed.cloud)), JSON.stringify(exportState(w.cloud)));
    j.close();
  });

  it('replaying the journal from the seed rebuilds exactly the same state (ids, addresses, MACs, timers, accounts)', () => {
    const dir = tempDir();
    const j = Journal.open(dir);
    j.set('seed', 'replay-seed');
    const w = world('replay-seed', j);
    const vpc = pick(w.ok({ Action: 'CreateVpc', CidrBlock: '10.0.0.0/16', AmazonProvidedIpv6CidrBlock: 'true' }), 'vpcId');
    const igw = pick(
      w.ok({
        Action: 'CreateInternetGateway',
        'TagSpecification.1.ResourceType': 'internet-gateway',
        'TagSpecification.1.Tag.1.Key': 'Name',
        'TagSpecification.1.Tag.1.Value': 'gw',
      }),
      'internetGatewayId',
    );
    w.ok({ Action: 'AttachInternetGateway', InternetGatewayId: igw, VpcId: vpc }); // the Elastic IP below needs it
    const v6 = pick(w.ok({ Action: 'DescribeVpcs', 'VpcId.1': vpc }), 'ipv6CidrBlock');
    const subnet = pick(
      w.ok({ Action: 'CreateSubnet', VpcId: vpc, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a', Ipv6CidrBlock: v6.replace('00::/56', '01::/64') }),
      'subnetId',
    );
    const enis = [1, 2, 3].map(() =>
      pick(w.ok({ Action: 'CreateNetworkInterface', SubnetId: subnet, SecondaryPrivateIpAddressCount: '2', Ipv6AddressCount: '1' }), 'networkInterfaceId'),
    );
    w.clock.now += 10;
    const moved = pickAll(w.ok({ Action: 'DescribeNetworkInterfaces', 'NetworkInterfaceId.1': enis[0]! }), 'privateIpAddress')[2]!;
    w.ok({ Action: 'AssignPrivateIpAddresses', NetworkInterfaceId: enis[1]!, 'PrivateIpAddress.1': moved, AllowReassignment: 'true' });
    const alloc = pick(w.ok({ Action: 'AllocateAddress', Domain: 'vpc' }), 'allocationId');
    w.ok({ Action: 'AssociateAddress', AllocationId: alloc, NetworkInterfaceId: enis[1]!, PrivateIpAddress: moved });
    const instance = pick(
      w.ok({ Action: 'RunInstances', ImageId: 'ami-12345678', MinCount: '1', MaxCount: '1', InstanceType: 't3.large', SubnetId: subnet }),
      'instanceId',
    );
    w.clock.now += 5_000; // pending → running, fired by the next request
    w.ok({ Action: 'AttachNetworkInterface', NetworkInterfaceId: enis[2]!, InstanceId: instance, DeviceIndex: '1' });
    w.ok({ Action: 'CreateTags', 'ResourceId.1': enis[0]!, 'Tag.1.Key': 'Name', 'Tag.1.Value': 'zero' });
    w.ok({ Action: 'AllocateAddress' }, '111111111111', 'eu-west-1');
    w.clock.now += 60_000;
    w.ok({ Action: 'DescribeInstances' }); // a read fires the attach transition: not journaled, but time-determined
    w.ok({ Action: 'UnassignPrivateIpAddresses', NetworkInterfaceId: enis[1]!, 'PrivateIpAddress.1': moved });
    j.close();

    const k = Journal.open(dir);
    const r = world(k.get('seed')!);
    r.clock.now = w.clock.now;
    for (const e of k.entries()) r.api.replay(e);
    k.close();
    for (const c of [w.cloud, r.cloud]) for (const region of c.allRegions()) region.settle();
    assert.deepEqual(checkInvariants(r.cloud), []);
    assert.equal(JSON.stringify(exportState(r.cloud), null, 1), JSON.stringify(exportState(w.cloud), null, 1));
  });

  it('a replay runs each request at its recorded instant, not the replaying clock', () => {
    const j = Journal.open(tempDir());
    const w = world('t', j);
    w.ok({ Action: 'CreateVpc', CidrBlock: '10.0.0.0/16' });
    const subnet = pick(w.ok({ Action: 'DescribeSubnets' }), 'subnetId');
    w.ok({ Action: 'CreateNetworkInterface', SubnetId: subnet });
    const r = world('t');
    r.clock.now += 365 * 24 * 3600_000;
    for (const e of j.entries()) r.api.replay(e);
    j.close();
    assert.equal(JSON.stringify(exportState(r.cloud)), JSON.stringify(exportState(w.cloud)));
  });
});
