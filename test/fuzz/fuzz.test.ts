/**
 * Fuzz test: random and mutated Query requests for every implemented operation, generated from the
 * service model (see generators.ts). After every request: no 5xx, no crash, and the invariant
 * checker (no address held twice, Elastic IP ↔ private IP bijection, free counts, attachment
 * consistency…) finds nothing. Replay determinism is checked two ways:
 *  - in process: every journaled request is replayed at once on a shadow cloud (same seed), and the
 *    two clouds' state exports are compared every 50 requests; on a difference the (deterministic)
 *    run is repeated comparing after every request of that window, to name the diverging request;
 *  - over HTTP: a durable server (data dir in a temp folder) is fuzzed, stopped, and a second server
 *    started from the same data dir must export exactly the same GET /_ec2net/state.
 *
 * Bounded and seeded: CI runs EC2NET_FUZZ_ITERATIONS (default 3000) requests in process and a third
 * of that over HTTP with seed EC2NET_FUZZ_SEED (default 'ec2net-fuzz'); a failure prints the seed,
 * the request number and the request. Larger run:
 *   EC2NET_FUZZ_ITERATIONS=100000 EC2NET_FUZZ_SEED=$RANDOM node --test dist/test/fuzz/
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pino from 'pino';
import { allHandlers } from '../../src/api/index.js';
import { Cloud } from '../../src/engine/cloud.js';
import { checkInvariants } from '../../src/engine/invariants.js';
import { exportState } from '../../src/engine/snapshot.js';
import { loadModel } from '../../src/protocol/model.js';
import { bodyText } from '../../src/protocol/encode.js';
import { QueryApi } from '../../src/server/query-api.js';
import { startServer } from '../../src/server/start.js';
import { Journal, type JournalEntry } from '../../src/store/journal.js';
import {
  allIdsOf,
  authorizationFor,
  describeRequest,
  harvestIds,
  pickCaller,
  RequestGenerator,
  Rng,
  TEMPLATED_OPERATIONS,
  type Caller,
  type Params,
} from './generators.js';

const ITERATIONS = positiveInt(process.env.EC2NET_FUZZ_ITERATIONS, 3000);
const HTTP_ITERATIONS = Math.max(100, Math.floor(ITERATIONS / 3));
const SEED = process.env.EC2NET_FUZZ_SEED || 'ec2net-fuzz';
const ACCOUNT = '123456789012';
const START = Date.parse('2025-03-01T00:00:00Z');

function positiveInt(text: string | undefined, fallback: number): number {
  const n = Number(text);
  return text && Number.isInteger(n) && n > 0 ? n : fallback;
}

const model = loadModel();
const implemented = Object.keys(allHandlers);
/** Model operations with no handler (UnsupportedOperation) and names that are no operation at all. */
const unimplemented = Object.keys(model.operations)
  .filter((op) => !implemented.includes(op))
  .slice(0, 50);

/** Operations that make things, picked more often so the worlds fill up with interfaces, addresses and instances. */
const GROWTH = [
  'CreateNetworkInterface',
  'RunInstances',
  'AssignPrivateIpAddresses',
  'AllocateAddress',
  'AssociateAddress',
  'AttachNetworkInterface',
  'CreateSubnet',
  'AssignIpv6Addresses',
  'CreateVpc',
  'AttachInternetGateway',
];

/**
 * Picks the next operation: every implemented one, the state-changing ones more often so state grows
 * deep. The share for "any implemented operation" goes round them in turn from a random start, so
 * every operation is sent however many there are (a uniform pick left some out, seed by seed).
 */
const cursors = new WeakMap<Rng, number>();
function pickOperation(rng: Rng): string {
  const r = rng.next();
  if (r < 0.01) return rng.pick(unimplemented);
  if (r < 0.015) return rng.pick(['', 'describevpcs', 'Describe Vpcs', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'X'.repeat(300)]);
  if (r < 0.2) return rng.pick(GROWTH);
  if (r < 0.6) return rng.pick(TEMPLATED_OPERATIONS.filter((op) => implemented.includes(op)));
  // One cursor per run (per generator), so a run replayed from its seed picks the same operations.
  const cursor = ((cursors.get(rng) ?? rng.int(0, implemented.length - 1)) + 1) % implemented.length;
  cursors.set(rng, cursor);
  return implemented[cursor]!;
}

/** The caller's world (account, region) as the server resolves it. */
function worldOf(caller: Caller): { account: string; region: string } {
  return { account: /^[0-9]{12}$/.test(caller.accessKeyId) ? caller.accessKeyId : ACCOUNT, region: caller.region ?? 'us-east-1' };
}

/** Fires every transition whose time has come, in every world (what the next request there would do first). */
function settleAll(cloud: Cloud): void {
  for (const region of cloud.allRegions()) region.settle();
}

/** The state export of one world (undefined before its first request): cheaper than the whole cloud's, per request. */
function worldState(cloud: Cloud, account: string, region: string, settle = true) {
  for (const r of cloud.allRegions()) {
    if (r.accountId === account && r.name === region) {
      if (settle) r.settle();
      return exportState({ allRegions: () => [r][Symbol.iterator](), stsSessions: new Map() } as unknown as Cloud).worlds[0];
    }
  }
  return undefined;
}

/** Where two JSON texts first differ, with some context. */
function difference(a: string, b: string): string {
  let at = 0;
  while (at < a.length && a[at] === b[at]) at++;
  return `at char ${at}:\n  live:   …${a.slice(Math.max(0, at - 300), at + 200)}\n  replay: …${b.slice(Math.max(0, at - 300), at + 200)}`;
}

class Stats {
  readonly byOp = new Map<string, { ok: number; client: number }>();
  requests = 0;
  ok = 0;

  add(op: string, status: number): void {
    this.requests++;
    const s = this.byOp.get(op) ?? { ok: 0, client: 0 };
    if (status === 200) {
      s.ok++;
      this.ok++;
    } else s.client++;
    this.byOp.set(op, s);
  }

  neverSucceeded(): string[] {
    return implemented.filter((op) => !this.byOp.get(op)?.ok);
  }
}

/** A failure report: what, the seed and request number, the request, and the command that replays the run up to it. */
function failure(what: string, test: 'in process' | 'over HTTP', n: number, params: Params, caller: Caller, extra = ''): string {
  const iterations = test === 'in process' ? n + 1 : Math.max(300, 3 * (n + 1));
  return (
    `${what}\n  seed=${SEED} (${test}) request #${n}\n  ${describeRequest(params, caller)}${extra ? `\n  ${extra}` : ''}\n` +
    `  reproduce: EC2NET_FUZZ_SEED='${SEED}' EC2NET_FUZZ_ITERATIONS=${iterations} node --test --test-name-pattern='${test}' dist/test/fuzz/`
  );
}

/** State-changing operations whose success the fuzz must reach: proof that it gets past validation. */
const MUST_SUCCEED = [
  'CreateVpc',
  'CreateSubnet',
  'CreateNetworkInterface',
  'DeleteNetworkInterface',
  'AssignPrivateIpAddresses',
  'UnassignPrivateIpAddresses',
  'AllocateAddress',
  'AssociateAddress',
  'DisassociateAddress',
  'ReleaseAddress',
  'RunInstances',
  'AttachNetworkInterface',
  'DetachNetworkInterface',
  'TerminateInstances',
  'CreateTags',
  'CreateSecurityGroup',
  'AuthorizeSecurityGroupIngress',
  'CreateInternetGateway',
  'AttachInternetGateway',
  'DetachInternetGateway',
  'DeleteInternetGateway',
];

/** A replayed state that differs from the live one, found by a periodic comparison somewhere in [windowStart, n]. */
class Divergence extends Error {
  constructor(
    message: string,
    readonly n: number,
    readonly windowStart: number,
  ) {
    super(message);
  }
}

interface Summary {
  readonly stats: Stats;
  readonly ms: number;
  readonly journaled: number;
  readonly comparisons: number;
  readonly sizes: string;
}

/** Full-state comparisons of the live and the shadow (replayed) cloud happen this often; exact mode compares after every request. */
const COMPARE_EVERY = 50;

/**
 * The in-process fuzz: `iterations` requests through the Query API, journaled, each journaled one
 * replayed at once on a shadow cloud. Every request: status < 500, XML body, invariants. Every
 * COMPARE_EVERY requests (and after every request from `exactFrom` on) the two clouds must export
 * the same state. Deterministic for a seed: same requests, ids, addresses and clock.
 */
function fuzzInProcess(iterations: number, exactFrom = Infinity): Summary {
  const started = Date.now();
  const rng = new Rng(SEED);
  const gen = new RequestGenerator(model, rng);
  let now = START;
  const makeCloud = () => new Cloud({ defaultAccountId: ACCOUNT, seed: `cloud:${SEED}`, now: () => new Date(now) });
  const cloud = makeCloud();
  const shadowCloud = makeCloud();
  const api = new QueryApi(model, allHandlers, () => cloud);
  const shadow = new QueryApi(model, allHandlers, () => shadowCloud);
  const journal: JournalEntry[] = [];
  api.journal = { append: (e) => void journal.push(e) };
  const stats = new Stats();
  let comparisons = 0;
  let lastAgreed = -1;
  let allIds: string[] = [];
  const seen: string[] = [];

  for (let n = 0; n < iterations; n++) {
    // Time moves on: transitions (pending → running, attaching → attached…) fire between requests; now and then a long jump expires terminated instances.
    now += rng.chance(0.005) ? 2 * 3600_000 : rng.int(0, 400);
    const caller = pickCaller(rng);
    const op = pickOperation(rng);
    const { account, region } = worldOf(caller);
    const params = gen.generate(op, { world: worldState(cloud, account, region), region, allIds, seen });
    const before = journal.length;
    let result;
    try {
      result = api.handle(new URLSearchParams(params), caller);
    } catch (e) {
      assert.fail(failure(`handle() threw: ${(e as Error)?.stack ?? String(e)}`, 'in process', n, params, caller));
    }
    stats.add(op, result.status);
    const text = bodyText(result.body);
    if (result.status === 200) harvestIds(text, seen);
    if (result.status >= 500) {
      const fault = result.fault as Error | undefined;
      assert.fail(failure(`${result.status} ${result.errorCode}`, 'in process', n, params, caller, fault?.stack ?? String(fault)));
    }
    if (!text.startsWith('<?xml')) assert.fail(failure('response is not XML', 'in process', n, params, caller, text.slice(0, 200)));
    const violations = checkInvariants(cloud);
    if (violations.length > 0)
      assert.fail(
        failure(
          `invariants violated after ${result.status} ${result.errorCode ?? ''}: ${JSON.stringify(violations.slice(0, 5))}`,
          'in process',
          n,
          params,
          caller,
        ),
      );

    // Replay what was journaled on the shadow cloud; it must succeed.
    for (const entry of journal.slice(before)) {
      try {
        shadow.replay(entry);
      } catch (e) {
        assert.fail(failure(`replay of a journaled request failed: ${(e as Error)?.stack ?? String(e)}`, 'in process', n, params, caller));
      }
    }
    // And leave the same state: the caller's world after every request in exact mode; every world periodically.
    if (n >= exactFrom) {
      const a = JSON.stringify(worldState(cloud, account, region) ?? null);
      const b = JSON.stringify(worldState(shadowCloud, account, region) ?? null);
      comparisons++;
      if (a !== b)
        assert.fail(
          failure(
            `replayed state diverges after this request (status ${result.status} ${result.errorCode ?? ''}) ${difference(a, b)}`,
            'in process',
            n,
            params,
            caller,
          ),
        );
    }
    if (n % COMPARE_EVERY === COMPARE_EVERY - 1 || n === iterations - 1) {
      settleAll(cloud);
      settleAll(shadowCloud);
      const whole = exportState(cloud);
      const x = JSON.stringify(whole);
      const y = JSON.stringify(exportState(shadowCloud));
      comparisons++;
      if (x !== y) {
        throw new Divergence(
          failure(`replayed state diverges somewhere in requests #${lastAgreed + 1}–#${n} ${difference(x, y)}`, 'in process', n, params, caller),
          n,
          lastAgreed + 1,
        );
      }
      lastAgreed = n;
      allIds = allIdsOf(whole);
    }
  }
  const worlds = [...cloud.allRegions()];
  const count = (f: (w: (typeof worlds)[number]) => number) => worlds.reduce((acc, w) => acc + f(w), 0);
  return {
    stats,
    ms: Date.now() - started,
    journaled: journal.length,
    comparisons,
    sizes: `${worlds.length} worlds, ${count((w) => w.networkInterfaces.size)} interfaces, ${count((w) => w.instances.size)} instances, ${count((w) => w.elasticIps.size)} Elastic IPs`,
  };
}

describe('fuzz', () => {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it(`in process: ${ITERATIONS} random and mutated requests, no 5xx, invariants after each, shadow replay identical (seed ${SEED})`, () => {
    let summary: Summary;
    try {
      summary = fuzzInProcess(ITERATIONS);
    } catch (e) {
      if (!(e instanceof Divergence)) throw e;
      // The run is deterministic: run it again comparing after every request of the window, to name the request.
      fuzzInProcess(e.n + 1, e.windowStart);
      assert.fail(e.message);
    }
    const { stats } = summary;
    const never = stats.neverSucceeded();
    console.log(
      `fuzz (in process): ${stats.requests} requests (${stats.ok} succeeded) over ${implemented.length} operations in ${summary.ms} ms, seed ${SEED}; ` +
        `${summary.journaled} journaled and replayed, ${summary.comparisons} state comparisons; ${summary.sizes}; never succeeded: ${never.join(', ') || 'none'}`,
    );
    if (ITERATIONS >= 1000) {
      const untried = implemented.filter((op) => !stats.byOp.has(op));
      assert.deepEqual(untried, [], `the fuzz never sent: ${untried.join(', ')}`);
      const missing = MUST_SUCCEED.filter((op) => never.includes(op));
      assert.deepEqual(missing, [], `the fuzz never got these past validation: ${missing.join(', ')}`);
    }
  });

  it(`over HTTP against a durable server: ${HTTP_ITERATIONS} requests, then a restart from the data dir exports identical state`, async () => {
    const started = Date.now();
    const seed = `${SEED}:http`;
    const rng = new Rng(seed);
    const gen = new RequestGenerator(model, rng);
    const dataDir = mkdtempSync(join(tmpdir(), 'ec2net-fuzz-'));
    dirs.push(dataDir);
    // The journal's seed makes the cloud's ids and addresses reproducible too.
    const seeded = Journal.open(dataDir);
    seeded.replace({ seed: `cloud:${seed}` }, []);
    seeded.close();
    let now = START;
    const config = { host: '127.0.0.1', port: 0, accountId: ACCOUNT, logLevel: 'silent', dataDir, cloud: { now: () => new Date(now) } };
    const server = await startServer(config, pino({ level: 'silent' }));
    const stats = new Stats();
    let allIds: string[] = [];
    const seen: string[] = [];
    let stateA: unknown;
    try {
      for (let n = 0; n < HTTP_ITERATIONS; n++) {
        now += rng.chance(0.005) ? 2 * 3600_000 : rng.int(0, 400);
        const caller = pickCaller(rng);
        const op = pickOperation(rng);
        const { account, region } = worldOf(caller);
        if (n % 50 === 0) allIds = allIdsOf(exportState(server.cloud()));
        const params = gen.generate(op, { world: worldState(server.cloud(), account, region, false), region, allIds, seen });
        const auth = authorizationFor(caller);
        const headers: Record<string, string> = auth ? { authorization: auth } : {};
        let body = new URLSearchParams(params).toString();
        if (rng.chance(0.03)) {
          // Raw damage below the form layer: broken escapes, stray separators, bytes that are not UTF-8.
          const at = rng.int(0, body.length);
          body =
            body.slice(0, at) +
            rng.pick(['%', '%zz', '%E0%A4', '%FF%FE', '&&=&', '==', '+%2B+', '%00', '\u0000', '&Action=', '#frag', ';x=1']) +
            body.slice(at);
        }
        let res: Response;
        if (rng.chance(0.1) && body.length < 6000) {
          res = await fetch(`${server.url}/?${body}`, { headers });
        } else {
          res = await fetch(server.url, { method: 'POST', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body });
        }
        const text = await res.text();
        stats.add(op, res.status);
        if (res.status === 200) harvestIds(text, seen);
        if (res.status >= 500) assert.fail(failure(`HTTP ${res.status}: ${text.slice(0, 300)}`, 'over HTTP', n, params, caller));
        const violations = checkInvariants(server.cloud());
        if (violations.length > 0)
          assert.fail(failure(`invariants violated after HTTP ${res.status}: ${JSON.stringify(violations.slice(0, 5))}`, 'over HTTP', n, params, caller));
      }
      // Last, a change whose transition is then fired by a read-only request (which is not journaled):
      // the restarted server must still show the same state, as of the same instant.
      const launch = await fetch(server.url, {
        method: 'POST',
        body: new URLSearchParams({ Action: 'RunInstances', Version: '2016-11-15', ImageId: 'ami-12345678', MinCount: '1', MaxCount: '1' }),
      });
      assert.equal(launch.status, 200, await launch.text());
      now += 60_000;
      const look = await fetch(server.url, { method: 'POST', body: new URLSearchParams({ Action: 'DescribeInstances', Version: '2016-11-15' }) });
      assert.equal(look.status, 200, await look.text());
      const inv = await fetch(`${server.url}/_ec2net/invariants`);
      assert.equal(inv.status, 200, await inv.text());
      stateA = await (await fetch(`${server.url}/_ec2net/state`)).json();
    } finally {
      await server.close();
    }

    // A second server from the same data dir, at the same instant: exactly the same state, nothing excluded.
    const restarted = await startServer(config, pino({ level: 'silent' }));
    try {
      const stateB = await (await fetch(`${restarted.url}/_ec2net/state`)).json();
      assert.deepEqual(stateB, stateA, 'the state rebuilt from the journal differs from the state before the restart');
      const inv = await fetch(`${restarted.url}/_ec2net/invariants`);
      assert.equal(inv.status, 200, await inv.text());
    } finally {
      await restarted.close();
    }
    const journal = Journal.open(dataDir);
    const entries = journal.count();
    journal.close();
    console.log(
      `fuzz (HTTP, durable): ${stats.requests} requests (${stats.ok} succeeded), ${entries} journaled, restart state identical, in ${Date.now() - started} ms, seed ${seed}`,
    );
  });
});
