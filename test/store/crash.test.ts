/**
 * Crash test: the real CLI (`ec2net serve --data-dir DIR`) under load is killed with SIGKILL at a
 * random moment, restarted from the same data dir, and checked; many rounds on one data dir.
 *
 * Load: several workers, each in its own account (so each owns its world and its requests are
 * sequential), send state-changing requests — create and delete interfaces, assign, reassign and
 * unassign secondary addresses, allocate, associate, disassociate and release Elastic IPs, tag and
 * untag, change descriptions, launch instances, attach and detach interfaces — and keep a model
 * of every change the server ACKNOWLEDGED (a 200 with its whole body read).
 *
 * Kill: after a random number of acknowledged changes (from inside the response handler, so other
 * workers' requests are in flight), after a random delay, or 0–2 ms after the N-th request was sent
 * (while the server is busy with it: it may die before, during or after committing it). After the restart, for every worker,
 * every fact of its model (each interface, its description, tags, secondary addresses and
 * attachment; each Elastic IP, its association and tags; each instance) must be in the state; the
 * only exception is what the one request the worker had in flight at the kill may have touched
 * (it may or may not have been committed). The model then adopts the state as found. The
 * invariant checker must find nothing. Any 5xx fails the test.
 *
 * Snapshots: the server snapshots its state every few (5–60) logged changes, and every fourth
 * round is killed the moment the server logs that a snapshot begins (while it encodes, writes or
 * compacts): a snapshot and the log it replaces change in one transaction, so nothing may be lost.
 *
 * Size: EC2NET_CRASH_ROUNDS rounds (default 5); EC2NET_CRASH_SEED picks the kill points. Prints
 * "crash test: R rounds, N acknowledged changes checked".
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { Rng, type StateExport, type WorldExport } from '../fuzz/generators.js';

const ROUNDS = positiveInt(process.env.EC2NET_CRASH_ROUNDS, 5);
const SEED = process.env.EC2NET_CRASH_SEED || 'ec2net-crash';
const WORKERS = 6;
const REGION = 'us-east-1';
const CLI = fileURLToPath(new URL('../../src/cli.js', import.meta.url));

function positiveInt(text: string | undefined, fallback: number): number {
  const n = Number(text);
  return text && Number.isInteger(n) && n > 0 ? n : fallback;
}

// ---- the server process -------------------------------------------------------------------------

interface Proc {
  readonly child: ChildProcess;
  readonly url: string;
  readonly exited: Promise<void>;
  stderr: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts the CLI. It snapshots its state every `snapshotEvery` logged changes; `onSnapshotStart`,
 * when given, is called as soon as the server logs that a snapshot begins (to kill it in the middle).
 */
async function startCli(dataDir: string, snapshotEvery: number, onSnapshotStart?: () => void): Promise<Proc> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const level = onSnapshotStart ? 'debug' : 'silent';
    const args = [
      CLI,
      'serve',
      '--port',
      String(port),
      '--imds-port',
      'off',
      '--data-dir',
      dataDir,
      '--log-level',
      level,
      '--snapshot-every',
      String(snapshotEvery),
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', onSnapshotStart ? 'pipe' : 'ignore', 'pipe'] });
    const proc: Proc = { child, url: `http://127.0.0.1:${port}`, exited: new Promise((r) => child.once('exit', () => r())), stderr: '' };
    if (onSnapshotStart) {
      let seenStart = false; // the start's own snapshot (of a crash's log) is not the one to kill
      child.stdout!.on('data', (d: Buffer) => {
        if (!d.toString().includes('snapshot starting')) return;
        if (seenStart || !d.toString().includes('"reason":"start"')) onSnapshotStart();
        seenStart = true;
      });
    }
    child.stderr!.on('data', (d: Buffer) => (proc.stderr += d.toString()));
    let exited = false;
    void proc.exited.then(() => (exited = true));
    const deadline = Date.now() + 60_000;
    while (!exited && Date.now() < deadline) {
      try {
        const res = await fetch(`${proc.url}/_ec2net/health`);
        if (res.ok) return proc;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    if (!exited) child.kill('SIGKILL');
    await proc.exited;
    // The port may have been taken in between; anything else is a failed start.
    if (attempt >= 3 || !/EADDRINUSE/.test(proc.stderr)) throw new Error(`ec2net did not start: ${proc.stderr.slice(0, 2000)}`);
  }
}

// ---- facts: what a worker's acknowledged changes say its world holds -------------------------------

type Facts = Map<string, string>;

/**
 * The facts of one world: interfaces (except instances' launch interfaces at device 0), their
 * description, tags, secondary addresses and attachment; Elastic IPs, their association and tags;
 * instances. An interface detaching counts as detached (its detach was acknowledged).
 */
function factsOf(world: WorldExport | undefined): Facts {
  const f: Facts = new Map();
  if (!world) return f;
  for (const e of world.networkInterfaces) {
    if (e.attachment?.deviceIndex === 0) continue;
    f.set(`eni:${e.id}`, e.privateIps[0]!.address);
    f.set(`eni:${e.id}:desc`, e.description);
    f.set(
      `eni:${e.id}:ips`,
      e.privateIps
        .filter((p) => !p.primary)
        .map((p) => p.address)
        .sort()
        .join(','),
    );
    f.set(`eni:${e.id}:att`, e.attachment && e.attachment.status !== 'detaching' ? `${e.attachment.instanceId}/${e.attachment.attachmentId}` : 'none');
    for (const [k, v] of Object.entries(e.tags)) f.set(`eni:${e.id}:tag:${k}`, v);
  }
  for (const a of world.elasticIps) {
    f.set(`eip:${a.allocationId}`, a.publicIp);
    f.set(
      `eip:${a.allocationId}:assoc`,
      a.association ? `${a.association.networkInterfaceId}/${a.association.privateIp}/${a.association.associationId}` : 'none',
    );
    for (const [k, v] of Object.entries(a.tags)) f.set(`eip:${a.allocationId}:tag:${k}`, v);
  }
  for (const i of world.instances) f.set(`i:${i.id}`, i.subnetId);
  return f;
}

/** A worker's request: its parameters, how an acknowledgement changes the facts, and which facts it touches if unacknowledged. */
interface Op {
  readonly params: Record<string, string>;
  apply(facts: Facts, body: string): void;
  touches(key: string, facts: Facts): boolean;
}

const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1] ?? assert.fail(`no <${name}> in ${xml.slice(0, 300)}`);
const tags = (xml: string, name: string) => [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, 'g'))].map((m) => m[1]!);
const ids = (facts: Facts, kind: 'eni' | 'eip' | 'i') =>
  [...facts.keys()].filter((k) => k.startsWith(`${kind}:`) && k.split(':').length === 2).map((k) => k.slice(kind.length + 1));
const ipsOf = (facts: Facts, eni: string) => (facts.get(`eni:${eni}:ips`) || '').split(',').filter(Boolean);
const setIps = (facts: Facts, eni: string, ips: string[]) => facts.set(`eni:${eni}:ips`, [...ips].sort().join(','));
/** Elastic IP associations point at an interface and address; these keys are touched by any address move. */
const isAssoc = (k: string) => /^eip:[^:]+:assoc$/.test(k);
const newResource = (kind: string) => (k: string, facts: Facts) => k.startsWith(`${kind}:`) && !facts.has(`${kind}:${k.split(':')[1]}`);

class Worker {
  readonly account: string;
  readonly rng: Rng;
  facts: Facts = new Map();
  subnet?: string;
  acked = 0;
  /** The request in flight when the server died: unknown whether it was committed. */
  uncertain?: Op;
  private counter = 0;

  constructor(
    readonly index: number,
    seed: string,
  ) {
    this.account = String(100000000000 + index);
    this.rng = new Rng(`${seed}:worker:${index}`);
  }

  /** The next request, chosen from what the worker's model says exists. */
  next(): Op {
    const rng = this.rng;
    const f = this.facts;
    const enis = ids(f, 'eni');
    const eips = ids(f, 'eip');
    const instances = ids(f, 'i');
    const free = enis.filter((e) => f.get(`eni:${e}:att`) === 'none');
    const withSecondaries = enis.filter((e) => ipsOf(f, e).length > 0);
    const n = ++this.counter;
    const r = rng.next();
    if (!this.subnet) throw new Error('no subnet');
    if (enis.length < 3 || (r < 0.14 && enis.length < 14)) {
      const desc = `w${this.index}-${n}`;
      return {
        params: {
          Action: 'CreateNetworkInterface',
          SubnetId: this.subnet,
          Description: desc,
          'TagSpecification.1.ResourceType': 'network-interface',
          'TagSpecification.1.Tag.1.Key': 'owner',
          'TagSpecification.1.Tag.1.Value': `w${this.index}`,
        },
        apply: (facts, body) => {
          const id = tag(body, 'networkInterfaceId');
          facts.set(`eni:${id}`, tag(body, 'privateIpAddress'));
          facts.set(`eni:${id}:desc`, desc);
          facts.set(`eni:${id}:ips`, '');
          facts.set(`eni:${id}:att`, 'none');
          facts.set(`eni:${id}:tag:owner`, `w${this.index}`);
        },
        touches: newResource('eni'),
      };
    }
    if (r < 0.26) {
      const eni = rng.pick(enis);
      return {
        params: { Action: 'AssignPrivateIpAddresses', NetworkInterfaceId: eni, SecondaryPrivateIpAddressCount: String(rng.int(1, 2)) },
        apply: (facts, body) =>
          setIps(facts, eni, [...ipsOf(facts, eni), ...tags(body.slice(body.indexOf('<assignedPrivateIpAddressesSet')), 'privateIpAddress')]),
        touches: (k) => k === `eni:${eni}:ips`,
      };
    }
    if (r < 0.34 && withSecondaries.length > 0 && enis.length > 1) {
      const from = rng.pick(withSecondaries);
      const to = rng.pick(enis.filter((e) => e !== from));
      const ip = rng.pick(ipsOf(f, from));
      return {
        params: { Action: 'AssignPrivateIpAddresses', NetworkInterfaceId: to, 'PrivateIpAddress.1': ip, AllowReassignment: 'true' },
        apply: (facts) => {
          setIps(
            facts,
            from,
            ipsOf(facts, from).filter((x) => x !== ip),
          );
          setIps(facts, to, [...ipsOf(facts, to), ip]);
          // The Elastic IP on a reassigned address moves with it, keeping its association id.
          for (const k of [...facts.keys()].filter(isAssoc)) {
            const [eni, addr, assoc] = facts.get(k)!.split('/');
            if (eni === from && addr === ip) facts.set(k, `${to}/${ip}/${assoc}`);
          }
        },
        touches: (k) => k === `eni:${from}:ips` || k === `eni:${to}:ips` || isAssoc(k),
      };
    }
    if (r < 0.42 && withSecondaries.length > 0) {
      const eni = rng.pick(withSecondaries);
      const ip = rng.pick(ipsOf(f, eni));
      return {
        params: { Action: 'UnassignPrivateIpAddresses', NetworkInterfaceId: eni, 'PrivateIpAddress.1': ip },
        apply: (facts) => {
          setIps(
            facts,
            eni,
            ipsOf(facts, eni).filter((x) => x !== ip),
          );
          // Unassigning drops the Elastic IP on the address (it stays allocated).
          for (const k of [...facts.keys()].filter(isAssoc)) if (facts.get(k)!.startsWith(`${eni}/${ip}/`)) facts.set(k, 'none');
        },
        touches: (k) => k === `eni:${eni}:ips` || isAssoc(k),
      };
    }
    if (r < 0.48) {
      const unassociated = eips.filter((a) => f.get(`eip:${a}:assoc`) === 'none');
      if (eips.length >= 4 && unassociated.length > 0) {
        const alloc = rng.pick(unassociated);
        return {
          params: { Action: 'ReleaseAddress', AllocationId: alloc },
          apply: (facts) => {
            for (const k of [...facts.keys()]) if (k === `eip:${alloc}` || k.startsWith(`eip:${alloc}:`)) facts.delete(k);
          },
          touches: (k) => k.startsWith(`eip:${alloc}`),
        };
      }
      if (eips.length < 4) {
        return {
          params: { Action: 'AllocateAddress', Domain: 'vpc' },
          apply: (facts, body) => {
            const id = tag(body, 'allocationId');
            facts.set(`eip:${id}`, tag(body, 'publicIp'));
            facts.set(`eip:${id}:assoc`, 'none');
          },
          touches: newResource('eip'),
        };
      }
    }
    if (r < 0.58 && eips.length > 0 && enis.length > 0) {
      const alloc = rng.pick(eips);
      const eni = rng.pick(enis);
      const ip = rng.chance(0.5) || ipsOf(f, eni).length === 0 ? f.get(`eni:${eni}`)! : rng.pick(ipsOf(f, eni));
      return {
        params: { Action: 'AssociateAddress', AllocationId: alloc, NetworkInterfaceId: eni, PrivateIpAddress: ip },
        apply: (facts, body) => {
          // Whatever Elastic IP was on the address is displaced.
          for (const k of [...facts.keys()].filter(isAssoc)) if (facts.get(k)!.startsWith(`${eni}/${ip}/`)) facts.set(k, 'none');
          facts.set(`eip:${alloc}:assoc`, `${eni}/${ip}/${tag(body, 'associationId')}`);
        },
        touches: isAssoc,
      };
    }
    if (r < 0.63) {
      const associated = eips.filter((a) => f.get(`eip:${a}:assoc`) !== 'none');
      if (associated.length > 0) {
        const alloc = rng.pick(associated);
        return {
          params: { Action: 'DisassociateAddress', AssociationId: f.get(`eip:${alloc}:assoc`)!.split('/')[2]! },
          apply: (facts) => void facts.set(`eip:${alloc}:assoc`, 'none'),
          touches: (k) => k === `eip:${alloc}:assoc`,
        };
      }
    }
    if (r < 0.76) {
      const target = rng.chance(0.7) || eips.length === 0 ? `eni:${rng.pick(enis)}` : `eip:${rng.pick(eips)}`;
      const id = target.split(':')[1]!;
      const key = rng.pick(['k0', 'k1', 'k2']);
      const value = `v${this.index}-${n}`;
      return {
        params: { Action: 'CreateTags', 'ResourceId.1': id, 'Tag.1.Key': key, 'Tag.1.Value': value },
        apply: (facts) => void facts.set(`${target}:tag:${key}`, value),
        touches: (k) => k === `${target}:tag:${key}`,
      };
    }
    if (r < 0.8) {
      const target = `eni:${rng.pick(enis)}`;
      const key = rng.pick(['k0', 'k1', 'k2']);
      return {
        params: { Action: 'DeleteTags', 'ResourceId.1': target.split(':')[1]!, 'Tag.1.Key': key },
        apply: (facts) => void facts.delete(`${target}:tag:${key}`),
        touches: (k) => k === `${target}:tag:${key}`,
      };
    }
    if (r < 0.86) {
      const eni = rng.pick(enis);
      const desc = `d${this.index}-${n}`;
      return {
        params: { Action: 'ModifyNetworkInterfaceAttribute', NetworkInterfaceId: eni, 'Description.Value': desc },
        apply: (facts) => void facts.set(`eni:${eni}:desc`, desc),
        touches: (k) => k === `eni:${eni}:desc`,
      };
    }
    if (r < 0.89 && free.length > 4) {
      const eni = rng.pick(free);
      return {
        params: { Action: 'DeleteNetworkInterface', NetworkInterfaceId: eni },
        apply: (facts) => {
          for (const k of [...facts.keys()]) if (k === `eni:${eni}` || k.startsWith(`eni:${eni}:`)) facts.delete(k);
          // Its Elastic IPs are disassociated and stay allocated.
          for (const k of [...facts.keys()].filter(isAssoc)) if (facts.get(k)!.startsWith(`${eni}/`)) facts.set(k, 'none');
        },
        touches: (k) => k.startsWith(`eni:${eni}`) || isAssoc(k),
      };
    }
    if (r < 0.92 && instances.length < 3) {
      return {
        params: { Action: 'RunInstances', ImageId: 'ami-12345678', MinCount: '1', MaxCount: '1', InstanceType: 't3.large', SubnetId: this.subnet },
        apply: (facts, body) => void facts.set(`i:${tag(body, 'instanceId')}`, this.subnet!),
        touches: newResource('i'),
      };
    }
    if (r < 0.97 && free.length > 0 && instances.length > 0) {
      const eni = rng.pick(free);
      const instance = rng.pick(instances);
      return {
        params: { Action: 'AttachNetworkInterface', NetworkInterfaceId: eni, InstanceId: instance, DeviceIndex: String(rng.int(1, 2)) },
        apply: (facts, body) => void facts.set(`eni:${eni}:att`, `${instance}/${tag(body, 'attachmentId')}`),
        touches: (k) => k === `eni:${eni}:att`,
      };
    }
    const attached = enis.filter((e) => f.get(`eni:${e}:att`) !== 'none');
    if (attached.length > 0) {
      const eni = rng.pick(attached);
      return {
        params: { Action: 'DetachNetworkInterface', AttachmentId: f.get(`eni:${eni}:att`)!.split('/')[1]! },
        apply: (facts) => void facts.set(`eni:${eni}:att`, 'none'),
        touches: (k) => k === `eni:${eni}:att`,
      };
    }
    const eni = rng.pick(enis);
    return {
      params: { Action: 'AssignPrivateIpAddresses', NetworkInterfaceId: eni, SecondaryPrivateIpAddressCount: '1' },
      apply: (facts, body) =>
        setIps(facts, eni, [...ipsOf(facts, eni), ...tags(body.slice(body.indexOf('<assignedPrivateIpAddressesSet')), 'privateIpAddress')]),
      touches: (k) => k === `eni:${eni}:ips`,
    };
  }
}

const authorization = (account: string) =>
  `AWS4-HMAC-SHA256 Credential=${account}/20250301/${REGION}/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`;

async function query(url: string, account: string, params: Record<string, string>): Promise<{ status: number; body: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: authorization(account), 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: new URLSearchParams({ Version: '2016-11-15', ...params }),
  });
  return { status: res.status, body: await res.text() };
}

describe('crash: SIGKILL under load, restart, every acknowledged change is there', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ec2net-crash-'));
  let proc: Proc | undefined;
  after(async () => {
    if (proc && proc.child.exitCode === null) {
      proc.child.kill('SIGKILL');
      await proc.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`${ROUNDS} rounds of load, SIGKILL at a random point, restart and check`, async () => {
    const started = Date.now();
    const rng = new Rng(SEED);
    const workers = Array.from({ length: WORKERS }, (_, i) => new Worker(i, SEED));
    let checkedChanges = 0;
    let checkedFacts = 0;
    let uncertainTotal = 0;
    let killedInFlight = 0;
    let roundsCut = 0;
    let pendingChanges = 0;

    /** After a restart: every worker's facts are in the state, except what its uncertain request may have touched; then adopt the state. */
    const verify = async (round: number) => {
      const state = (await (await fetch(`${proc!.url}/_ec2net/state`)).json()) as StateExport;
      const inv = await fetch(`${proc!.url}/_ec2net/invariants`);
      assert.equal(inv.status, 200, `round ${round}: invariants after restart: ${await inv.text()}`);
      for (const w of workers) {
        const actual = factsOf(state.worlds.find((x) => x.accountId === w.account && x.region === REGION));
        const keys = new Set([...w.facts.keys(), ...actual.keys()]);
        for (const k of keys) {
          if (w.uncertain?.touches(k, w.facts)) continue;
          assert.equal(
            actual.get(k),
            w.facts.get(k),
            `round ${round}, worker ${w.index}: ${k} was acknowledged as ${w.facts.get(k) ?? '(absent)'} but after the restart is ${actual.get(k) ?? '(absent)'}` +
              (w.uncertain ? ` (the request in flight at the kill: ${JSON.stringify(w.uncertain.params)})` : ''),
          );
          checkedFacts++;
        }
        if (w.uncertain) uncertainTotal++;
        w.uncertain = undefined;
        w.facts = actual;
      }
      checkedChanges += pendingChanges;
      pendingChanges = 0;
    };

    let killedInSnapshot = 0;
    for (let round = 0; round <= ROUNDS; round++) {
      // Kill while the load is on, by one of four triggers (see the header); the fourth is the moment a snapshot begins.
      const mode = (['acks', 'delay', 'sent', 'snapshot'] as const)[round % 4]!;
      // Snapshots come often (every 5–60 logged changes), so kills of the other modes land around them too.
      const snapshotEvery = rng.int(5, 60);
      let killOnSnapshot: (() => void) | undefined;
      proc = await startCli(dataDir, snapshotEvery, round < ROUNDS && mode === 'snapshot' ? () => killOnSnapshot?.() : undefined);
      if (round > 0) await verify(round - 1);
      if (round === ROUNDS) break;
      // Each worker's world and subnet (a read, which creates the world on first use).
      for (const w of workers) {
        if (w.subnet) continue;
        const r = await query(proc.url, w.account, { Action: 'DescribeSubnets', 'Filter.1.Name': 'availability-zone', 'Filter.1.Value.1': `${REGION}a` });
        assert.equal(r.status, 200, r.body);
        w.subnet = tag(r.body, 'subnetId');
      }

      // Load, then SIGKILL: after a random number of acknowledged changes, after a random delay, or a
      // moment (0–2 ms) after the N-th request went out, while the server is busy with it.
      const killAfterAcks = mode === 'acks' ? rng.int(5, 150) : Infinity;
      const killAfterMs = mode === 'delay' ? rng.int(100, 1500) : Infinity;
      const killAfterSent = mode === 'sent' ? rng.int(5, 300) : Infinity;
      const killDelay = rng.int(0, 2);
      let roundAcks = 0;
      let roundSent = 0;
      let inFlight = 0;
      let killed = false;
      const current = proc;
      const kill = () => {
        if (killed) return;
        killed = true;
        if (inFlight > 0) killedInFlight++;
        current.child.kill('SIGKILL');
      };
      if (mode === 'snapshot')
        killOnSnapshot = () => {
          if (!killed) killedInSnapshot++;
          kill();
        };
      const timer = Number.isFinite(killAfterMs) ? setTimeout(kill, killAfterMs) : undefined;
      const safety = setTimeout(kill, 20_000);
      const run = async (w: Worker) => {
        while (!killed) {
          const op = w.next();
          inFlight++;
          let res: { status: number; body: string };
          try {
            const pending = query(current.url, w.account, op.params);
            if (++roundSent === killAfterSent) setTimeout(kill, killDelay);
            res = await pending;
          } catch {
            // No (whole) answer: the server died with this request in flight. It may or may not have been committed.
            w.uncertain = op;
            return;
          } finally {
            inFlight--;
          }
          assert.ok(res.status < 500, `round ${round}, worker ${w.index}: ${res.status} for ${JSON.stringify(op.params)}: ${res.body.slice(0, 500)}`);
          if (res.status !== 200) continue; // refused: changes nothing (e.g. attaching to an instance still pending)
          op.apply(w.facts, res.body);
          w.acked++;
          pendingChanges++;
          if (++roundAcks >= killAfterAcks) kill();
        }
      };
      await Promise.all(workers.map(run));
      const cut = workers.filter((w) => w.uncertain).length;
      if (cut > 0) roundsCut++;
      if (process.env.EC2NET_CRASH_VERBOSE)
        console.log(
          `round ${round}: ${roundAcks} acknowledged, killed ${mode === 'snapshot' ? 'as a snapshot began' : mode === 'delay' ? `after ${killAfterMs} ms` : mode === 'acks' ? `after ${killAfterAcks} acks` : `${killDelay} ms after request ${killAfterSent} was sent`} with ${cut} requests cut off`,
        );
      clearTimeout(timer);
      clearTimeout(safety);
      await current.exited;
      assert.equal(current.child.signalCode, 'SIGKILL', `round ${round}: the server exited by itself: ${current.stderr.slice(0, 2000)}`);
    }
    const stop = proc!;
    stop.child.kill('SIGKILL');
    await stop.exited;

    console.log(
      `crash test: ${ROUNDS} rounds, ${checkedChanges} acknowledged changes checked (${checkedFacts} facts compared; ${killedInFlight} kills with requests in flight, ` +
        `${roundsCut} rounds with requests cut off by the kill, ${uncertainTotal} such requests allowed either outcome, ${killedInSnapshot} kills as a snapshot began) in ${Date.now() - started} ms, seed ${SEED}`,
    );
    assert.ok(checkedChanges > 0, 'no change was acknowledged');
    if (ROUNDS >= 2) assert.ok(killedInFlight > 0, 'no round was killed with requests in flight');
    if (ROUNDS >= 4) assert.ok(killedInSnapshot > 0, 'no round was killed as a snapshot began');
  });
});
