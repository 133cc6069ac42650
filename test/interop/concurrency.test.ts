/**
 * Concurrency: many SDK clients racing, 100+ requests in flight at once, over the same addresses
 * and interfaces — AssignPrivateIpAddresses with AllowReassignment of one pool of addresses across
 * several interfaces, UnassignPrivateIpAddresses, AssociateAddress of a few Elastic IPs onto those
 * addresses, AttachNetworkInterface of the same interfaces to different instances, and
 * DetachNetworkInterface.
 *
 * What can be asserted: Node runs one request at a time, so the server's outcome is the outcome of
 * SOME sequential order of the requests. The journal records the successful changes in exactly the
 * order they were applied, which gives that order as a witness. So, per round:
 *  - the journal holds exactly the successes the clients saw (the same requests, no more, no fewer);
 *  - replaying those successes in journal order through a small reference model, each one was
 *    allowed at its point (the server accepted nothing it should have refused), and the model's final
 *    state equals the server's: every address held by the interface of the last successful
 *    assignment, every Elastic IP on the address of its last association (moved along by
 *    reassignment, dropped by unassignment), every interface on the instance of its last attachment;
 *  - an interface that started the round unattached was attached at most once, however many clients
 *    raced to attach it;
 *  - every failure is a 4xx with an expected code; the invariant checker finds nothing;
 *  - and a server restarted from the data dir rebuilds the identical state.
 * Transitions are immediate here (attach, detach, launch), so the model needs no clock.
 * Size: EC2NET_RACE_ROUNDS rounds (default 4) of EC2NET_RACE_REQUESTS requests (default 150).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pino from 'pino';
import {
  AllocateAddressCommand,
  AssignPrivateIpAddressesCommand,
  AssociateAddressCommand,
  AttachNetworkInterfaceCommand,
  CreateNetworkInterfaceCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeAddressesCommand,
  DescribeNetworkInterfacesCommand,
  DetachNetworkInterfaceCommand,
  EC2Client,
  RunInstancesCommand,
  UnassignPrivateIpAddressesCommand,
} from '@aws-sdk/client-ec2';
import { checkInvariants } from '../../src/engine/invariants.js';
import { startServer } from '../../src/server/start.js';
import { Rng } from '../fuzz/generators.js';
import { attachNewGateway } from './harness.js';

const ROUNDS = positiveInt(process.env.EC2NET_RACE_ROUNDS, 4);
const PER_ROUND = positiveInt(process.env.EC2NET_RACE_REQUESTS, 150);
const SEED = process.env.EC2NET_RACE_SEED || 'ec2net-race';
const CLIENTS = 12;

function positiveInt(text: string | undefined, fallback: number): number {
  const n = Number(text);
  return text && Number.isInteger(n) && n > 0 ? n : fallback;
}

/** The shared addresses every interface races for: 10.0.1.100 … 10.0.1.111. */
const POOL = Array.from({ length: 12 }, (_, i) => `10.0.1.${100 + i}`);

type Op =
  | { kind: 'assign'; eni: string; addrs: string[]; reassign: boolean }
  | { kind: 'unassign'; eni: string; addrs: string[] }
  | { kind: 'associate'; alloc: string; eni: string; addr: string; reassociate?: boolean }
  | { kind: 'attach'; eni: string; instance: string; device: number }
  | { kind: 'detach'; attachment: string };

/** One key per request, the same whether read from the client's input or from the journal's parameters. */
function keyOf(op: Op): string {
  switch (op.kind) {
    case 'assign':
      return `assign ${op.eni} ${op.addrs.join(',')} ${op.reassign}`;
    case 'unassign':
      return `unassign ${op.eni} ${op.addrs.join(',')}`;
    case 'associate':
      return `associate ${op.alloc} ${op.eni} ${op.addr} ${op.reassociate ?? true}`;
    case 'attach':
      return `attach ${op.eni} ${op.instance} ${op.device}`;
    case 'detach':
      return `detach ${op.attachment}`;
  }
}

function opFromJournal(params: string): Op | undefined {
  const p = new URLSearchParams(params);
  const list = (name: string) =>
    [...p.keys()]
      .filter((k) => new RegExp(`^${name}\\.\\d+$`).test(k))
      .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]))
      .map((k) => p.get(k)!);
  switch (p.get('Action')) {
    case 'AssignPrivateIpAddresses':
      return { kind: 'assign', eni: p.get('NetworkInterfaceId')!, addrs: list('PrivateIpAddress'), reassign: p.get('AllowReassignment') === 'true' };
    case 'UnassignPrivateIpAddresses':
      return { kind: 'unassign', eni: p.get('NetworkInterfaceId')!, addrs: list('PrivateIpAddress') };
    case 'AssociateAddress':
      return {
        kind: 'associate',
        alloc: p.get('AllocationId')!,
        eni: p.get('NetworkInterfaceId')!,
        addr: p.get('PrivateIpAddress')!,
        reassociate: p.has('AllowReassociation') ? p.get('AllowReassociation') === 'true' : undefined,
      };
    case 'AttachNetworkInterface':
      return { kind: 'attach', eni: p.get('NetworkInterfaceId')!, instance: p.get('InstanceId')!, device: Number(p.get('DeviceIndex')) };
    case 'DetachNetworkInterface':
      return { kind: 'detach', attachment: p.get('AttachmentId')! };
    default:
      return undefined;
  }
}

/** The reference model: who holds each pool address, where each Elastic IP is, what each racing interface is attached to. */
class Model {
  readonly holder = new Map<string, string>();
  readonly eip = new Map<string, { eni: string; addr: string }>();
  readonly attachment = new Map<string, { id: string; instance: string; device: number; detachedAt?: number }>();

  constructor(private readonly detachingMs: number) {}

  /** Detaches whose time has come are complete (the server settles them before each request). */
  settle(at: number): void {
    for (const [eni, a] of this.attachment) if (a.detachedAt !== undefined && a.detachedAt <= at) this.attachment.delete(eni);
  }

  private eipOn(addr: string): string | undefined {
    for (const [alloc, a] of this.eip) if (a.addr === addr) return alloc;
    return undefined;
  }

  /** Applies one success; returns why it should have been refused, if it should have been. */
  apply(op: Op, at: number, attachmentIdOf: (key: string) => string | undefined, maxPerInstance: number): string | undefined {
    this.settle(at);
    switch (op.kind) {
      case 'assign': {
        for (const a of op.addrs) {
          const h = this.holder.get(a);
          if (h === op.eni) return `${a} is already on ${op.eni}`;
          if (h && !op.reassign) return `${a} is on ${h} and reassignment was not allowed`;
        }
        for (const a of op.addrs) {
          this.holder.set(a, op.eni);
          const alloc = this.eipOn(a);
          if (alloc) this.eip.set(alloc, { eni: op.eni, addr: a }); // the Elastic IP moves with its address
        }
        return undefined;
      }
      case 'unassign': {
        for (const a of op.addrs) if (this.holder.get(a) !== op.eni) return `${a} is not on ${op.eni}`;
        for (const a of op.addrs) {
          this.holder.delete(a);
          const alloc = this.eipOn(a);
          if (alloc) this.eip.delete(alloc); // unassign is not reassign: the Elastic IP is dropped
        }
        return undefined;
      }
      case 'associate': {
        if (this.holder.get(op.addr) !== op.eni) return `${op.addr} is not on ${op.eni}`;
        const current = this.eip.get(op.alloc);
        if (current?.eni === op.eni && current.addr === op.addr) return undefined;
        const other = this.eipOn(op.addr);
        if (op.reassociate === false && (current || other)) return `AllowReassociation=false but ${op.alloc} or ${op.addr} is associated`;
        if (other) this.eip.delete(other);
        this.eip.set(op.alloc, { eni: op.eni, addr: op.addr });
        return undefined;
      }
      case 'attach': {
        if (this.attachment.has(op.eni)) return `${op.eni} is already attached`;
        const onInstance = [...this.attachment.values()].filter((a) => a.instance === op.instance);
        if (onInstance.some((a) => a.device === op.device)) return `device ${op.device} of ${op.instance} is taken`;
        if (onInstance.length + 2 > maxPerInstance) return `${op.instance} is full`;
        const id = attachmentIdOf(keyOf(op));
        if (!id) return 'no client saw this attachment succeed';
        this.attachment.set(op.eni, { id, instance: op.instance, device: op.device });
        return undefined;
      }
      case 'detach': {
        for (const [eni, a] of this.attachment) {
          if (a.id === op.attachment) {
            // A detach of a detaching interface changes nothing; otherwise it completes after detachingMs.
            if (a.detachedAt === undefined) {
              if (this.detachingMs <= 0) this.attachment.delete(eni);
              else a.detachedAt = at + this.detachingMs;
            }
            return undefined;
          }
        }
        return `${op.attachment} is not a current attachment`;
      }
    }
  }
}

const EXPECTED_FAILURES = new Set([
  'InvalidParameterValue',
  'Resource.AlreadyAssociated',
  'AttachmentLimitExceeded',
  'InvalidAttachmentID.NotFound',
  'PrivateIpAddressLimitExceeded',
]);

/** Lifecycle timings of the two races: transitions at once, and AWS-like delays (attaching, detaching, pending). */
const IMMEDIATE = { pendingMs: 0, attachingMs: 0, detachingMs: 0, stoppingMs: 0, shuttingDownMs: 0 };
const DELAYED = { pendingMs: 300, attachingMs: 150, detachingMs: 150, stoppingMs: 300, shuttingDownMs: 300 };

describe('concurrency: racing clients', () => {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  for (const [name, timings] of [
    ['immediate transitions', IMMEDIATE],
    ['delayed transitions (attaching, detaching)', DELAYED],
  ] as const) {
    it(`${name}: ${ROUNDS} rounds × ${PER_ROUND} concurrent requests; the journal order explains every outcome, invariants hold, a restart rebuilds the same state`, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'ec2net-race-'));
      dirs.push(dataDir);
      await race(dataDir, timings, `${SEED}:${name}`);
    });
  }
});

async function race(dataDir: string, timings: typeof IMMEDIATE, seed: string): Promise<void> {
  const config = () => ({ host: '127.0.0.1', port: 0, accountId: '123456789012', logLevel: 'silent', dataDir, cloud: { lifecycle: timings } });
  let server = await startServer(config(), pino({ level: 'silent' }));
  const clients = Array.from(
    { length: CLIENTS },
    () => new EC2Client({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'x' }, maxAttempts: 1 }),
  );
  try {
    const started = Date.now();
    const rng = new Rng(seed);
    const ec2 = clients[0]!;
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
    await attachNewGateway(ec2, vpc); // the racing Elastic IPs need a gateway (aws-behaviour.md §4.13)
    const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet!.SubnetId!;
    // Primaries well away from the pool (10.0.1.10 …).
    const eni = async (i: number) =>
      (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet, PrivateIpAddress: `10.0.1.${10 + i}` }))).NetworkInterface!.NetworkInterfaceId!;
    const holders = await Promise.all([0, 1, 2, 3, 4, 5].map(eni)); // race for addresses, never attached
    const movers = await Promise.all([6, 7, 8, 9, 10, 11].map(eni)); // race for attachments
    const allocs = await Promise.all([0, 1, 2, 3].map(async () => (await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId!));
    // t3.large: 3 interfaces per instance, so eth0 plus two of the racing interfaces (device 1 or 2).
    const run = await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12345678', MinCount: 4, MaxCount: 4, InstanceType: 't3.large', SubnetId: subnet }));
    const instances = run.Instances!.map((i) => i.InstanceId!);
    const MAX_PER_INSTANCE = 3;

    const model = new Model(timings.detachingMs);
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const settleTime = Math.max(timings.pendingMs, timings.attachingMs, timings.detachingMs) + 100;
    await sleep(settleTime); // instances running before the race
    const journalPath = join(dataDir, 'ec2net.sqlite');
    const journalLength = () => {
      const db = new Database(journalPath, { readonly: true });
      try {
        return (db.prepare('SELECT COUNT(*) AS n FROM ops').get() as { n: number }).n;
      } finally {
        db.close();
      }
    };
    const journalSince = (n: number) => {
      const db = new Database(journalPath, { readonly: true });
      try {
        return db.prepare('SELECT at, params FROM ops ORDER BY seq LIMIT -1 OFFSET ?').all(n) as { at: number; params: string }[];
      } finally {
        db.close();
      }
    };
    const associationIds = new Map<string, Set<string>>(allocs.map((a) => [a, new Set()]));
    let totalSuccesses = 0;
    let totalFailures = 0;
    let inFlightPeak = 0;

    for (let round = 0; round < ROUNDS; round++) {
      const knownAttachments = [...model.attachment.values()].map((a) => a.id);
      const startedUnattached = new Set(movers.filter((m) => !model.attachment.has(m)));
      const ops: Op[] = Array.from({ length: PER_ROUND }, (): Op => {
        const r = rng.next();
        const subset = (max: number) => [...new Set(Array.from({ length: rng.int(1, max) }, () => rng.pick(POOL)))].sort();
        if (r < 0.35) return { kind: 'assign', eni: rng.pick(holders), addrs: subset(3), reassign: rng.chance(0.9) };
        if (r < 0.5) return { kind: 'unassign', eni: rng.pick(holders), addrs: subset(2) };
        if (r < 0.65)
          return {
            kind: 'associate',
            alloc: rng.pick(allocs),
            eni: rng.pick(holders),
            addr: rng.pick(POOL),
            reassociate: rng.chance(0.2) ? rng.chance(0.5) : undefined,
          };
        if (r < 0.87 || knownAttachments.length === 0) return { kind: 'attach', eni: rng.pick(movers), instance: rng.pick(instances), device: rng.int(1, 2) };
        return { kind: 'detach', attachment: rng.pick(knownAttachments) };
      });
      const journalBefore = journalLength();
      let inFlight = 0;
      const send = async (op: Op, i: number) => {
        const c = clients[i % CLIENTS]!;
        inFlight++;
        inFlightPeak = Math.max(inFlightPeak, inFlight);
        try {
          switch (op.kind) {
            case 'assign':
              await c.send(new AssignPrivateIpAddressesCommand({ NetworkInterfaceId: op.eni, PrivateIpAddresses: op.addrs, AllowReassignment: op.reassign }));
              return { op, ok: true as const };
            case 'unassign':
              await c.send(new UnassignPrivateIpAddressesCommand({ NetworkInterfaceId: op.eni, PrivateIpAddresses: op.addrs }));
              return { op, ok: true as const };
            case 'associate': {
              const out = await c.send(
                new AssociateAddressCommand({
                  AllocationId: op.alloc,
                  NetworkInterfaceId: op.eni,
                  PrivateIpAddress: op.addr,
                  AllowReassociation: op.reassociate,
                }),
              );
              return { op, ok: true as const, id: out.AssociationId };
            }
            case 'attach': {
              const out = await c.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: op.eni, InstanceId: op.instance, DeviceIndex: op.device }));
              return { op, ok: true as const, id: out.AttachmentId };
            }
            case 'detach':
              await c.send(new DetachNetworkInterfaceCommand({ AttachmentId: op.attachment }));
              return { op, ok: true as const };
          }
        } catch (e) {
          const err = e as { name?: string; $metadata?: { httpStatusCode?: number }; message?: string };
          return { op, ok: false as const, code: err.name ?? '?', status: err.$metadata?.httpStatusCode ?? 0, message: err.message };
        } finally {
          inFlight--;
        }
      };
      const results = await Promise.all(ops.map(send));

      // Failures: 4xx with the codes these races can produce, nothing else.
      for (const r of results.filter((x) => !x.ok)) {
        if (r.ok) continue;
        assert.ok(r.status === 400 && EXPECTED_FAILURES.has(r.code), `round ${round}: ${keyOf(r.op)} failed with ${r.status} ${r.code}: ${r.message}`);
      }
      const successes = results.filter((r) => r.ok);
      totalSuccesses += successes.length;
      totalFailures += results.length - successes.length;

      // The journal holds exactly the successful requests.
      const entries = journalSince(journalBefore);
      const journaled = entries.map((e) => opFromJournal(e.params) ?? assert.fail(`unexpected journal entry ${e.params}`));
      assert.deepEqual(journaled.map(keyOf).sort(), successes.map((r) => keyOf(r.op)).sort(), `round ${round}: journal and client successes differ`);

      // An interface that started the round unattached was attached at most once.
      for (const m of startedUnattached) {
        const n = successes.filter((r) => r.op.kind === 'attach' && r.op.eni === m).length;
        assert.ok(n <= 1, `round ${round}: ${m} was attached ${n} times`);
      }

      // Replay the successes in the server's order through the model: each was allowed there.
      const attachIds = new Map<string, string>();
      for (const r of successes) {
        if (r.op.kind === 'attach' && 'id' in r && r.id) attachIds.set(keyOf(r.op), r.id);
        if (r.op.kind === 'associate' && 'id' in r && r.id) associationIds.get(r.op.alloc)!.add(r.id);
      }
      journaled.forEach((op, i) => {
        const refusal = model.apply(op, entries[i]!.at, (k) => attachIds.get(k), MAX_PER_INSTANCE);
        assert.equal(refusal, undefined, `round ${round}: the server accepted ${keyOf(op)} (journal position ${journalBefore + i}) although ${refusal}`);
      });

      // The server's state is the model's, once the transitions have run their course.
      await sleep(settleTime);
      model.settle(Infinity);
      const described = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [...holders, ...movers] }));
      const actualHolder = new Map<string, string>();
      for (const e of described.NetworkInterfaces!) {
        for (const p of e.PrivateIpAddresses ?? []) if (POOL.includes(p.PrivateIpAddress!)) actualHolder.set(p.PrivateIpAddress!, e.NetworkInterfaceId!);
        if (movers.includes(e.NetworkInterfaceId!)) {
          const want = model.attachment.get(e.NetworkInterfaceId!);
          const got = e.Attachment && { id: e.Attachment.AttachmentId!, instance: e.Attachment.InstanceId!, device: e.Attachment.DeviceIndex! };
          assert.deepEqual(got, want, `round ${round}: attachment of ${e.NetworkInterfaceId}`);
        }
      }
      assert.deepEqual(new Map([...actualHolder].sort()), new Map([...model.holder].sort()), `round ${round}: address holders`);
      const addresses = await ec2.send(new DescribeAddressesCommand({ AllocationIds: allocs }));
      for (const a of addresses.Addresses!) {
        const want = model.eip.get(a.AllocationId!);
        const got = a.NetworkInterfaceId ? { eni: a.NetworkInterfaceId, addr: a.PrivateIpAddress! } : undefined;
        assert.deepEqual(got, want, `round ${round}: Elastic IP ${a.AllocationId}`);
        if (a.AssociationId)
          assert.ok(
            associationIds.get(a.AllocationId!)!.has(a.AssociationId),
            `round ${round}: ${a.AllocationId} has association ${a.AssociationId}, which no client was given`,
          );
      }
      assert.deepEqual(checkInvariants(server.cloud()), []);
      const inv = await fetch(`${server.url}/_ec2net/invariants`);
      assert.equal(inv.status, 200, await inv.text());
    }

    // A restart from the data dir rebuilds the identical state.
    const before = await (await fetch(`${server.url}/_ec2net/state`)).text();
    await server.close();
    server = await startServer(config(), pino({ level: 'silent' }));
    const afterRestart = await (await fetch(`${server.url}/_ec2net/state`)).text();
    assert.equal(afterRestart, before, 'the state rebuilt from the journal differs');
    console.log(
      `concurrency (${timings.attachingMs ? 'delayed' : 'immediate'} transitions): ${ROUNDS} rounds × ${PER_ROUND} requests from ${CLIENTS} clients (peak ${inFlightPeak} in flight), ${totalSuccesses} succeeded and were checked against the journal order, ` +
        `${totalFailures} refused with 4xx; final: ${model.holder.size} pool addresses held, ${model.eip.size} Elastic IPs associated, ${model.attachment.size} interfaces attached; ${Date.now() - started} ms`,
    );
  } finally {
    for (const c of clients) c.destroy();
    await server.close();
  }
}
