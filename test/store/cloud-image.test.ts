/**
 * The generic snapshot (src/store/cloud-image.ts): a cloud restored from its image is the same
 * object graph as the original — every field of the cloud and of every world, not only what
 * /_ec2net/state shows — so a resource family added later is carried, or this test fails.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Cloud, RegionState } from '../../src/engine/cloud.js';
import { exportState } from '../../src/engine/snapshot.js';
import { SeededRandom } from '../../src/engine/random.js';
import { CLOUD_CONFIG_FIELDS, decodeCloud, encodeCloud, SnapshotError } from '../../src/store/cloud-image.js';
import { bodyText } from '../../src/protocol/encode.js';
import { ACCOUNT, populate, world } from './sample-world.js';

const pickAll = (xml: string, tag: string) => [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map((m) => m[1]!);

/**
 * Asserts that two object graphs are the same: same classes, fields, Map/Set order, values, and
 * the same sharing (an object reached twice in one is the same object reached twice in the other).
 */
function assertSameGraph(a: unknown, b: unknown, path: string, pairs: Map<object, object>, rootA: object, rootB: object): void {
  if (typeof a === 'function' && typeof b === 'function') return; // wiring, not state
  if (a === null || typeof a !== 'object') {
    assert.equal(b, a, `${path}: ${String(b)} ≠ ${String(a)}`);
    return;
  }
  assert.ok(b !== null && typeof b === 'object', `${path}: not carried`);
  if (a === rootA) {
    assert.equal(b, rootB, `${path}: should be the restored cloud`);
    return;
  }
  const seen = pairs.get(a);
  if (seen !== undefined) {
    assert.equal(b, seen, `${path}: sharing differs`);
    return;
  }
  pairs.set(a, b);
  assert.equal(Object.getPrototypeOf(b), Object.getPrototypeOf(a), `${path}: class differs`);
  if (a instanceof SeededRandom) {
    const r = b as SeededRandom;
    assert.equal(r.seed, a.seed, `${path}.seed`);
    assert.equal(r.position(), a.position(), `${path}: random position`);
    return;
  }
  if (a instanceof Date) return assert.equal((b as Date).getTime(), a.getTime(), path);
  if (ArrayBuffer.isView(a)) return assert.deepEqual(Buffer.from((b as Uint8Array).buffer), Buffer.from((a as Uint8Array).buffer), path);
  if (a instanceof Map) {
    const bm = b as Map<unknown, unknown>;
    assert.deepEqual([...bm.keys()], [...a.keys()], `${path}: keys`);
    for (const [k, v] of a) assertSameGraph(v, bm.get(k), `${path}[${String(k)}]`, pairs, rootA, rootB);
    return;
  }
  if (a instanceof Set) return assert.deepEqual([...(b as Set<unknown>)], [...a], path);
  const keys = Object.keys(a).filter((k) => !(a === rootA && CLOUD_CONFIG_FIELDS.has(k)));
  assert.deepEqual(
    Object.keys(b).filter((k) => keys.includes(k) || !(b === rootB && CLOUD_CONFIG_FIELDS.has(k))),
    keys,
    `${path}: fields`,
  );
  for (const k of keys) assertSameGraph((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`, pairs, rootA, rootB);
}

function roundTrip(cloud: Cloud, options = {}): Cloud {
  const restored = new Cloud({ defaultAccountId: ACCOUNT, now: () => cloud.now(), ...options });
  decodeCloud(encodeCloud(cloud), restored);
  return restored;
}

describe('cloud image (generic snapshot)', () => {
  it('restores the whole object graph: every field of the cloud and its worlds, sharing included', () => {
    const w = world();
    populate(w);
    const restored = roundTrip(w.cloud);
    assertSameGraph(w.cloud, restored, 'cloud', new Map(), w.cloud, restored);
    assert.equal(JSON.stringify(exportState(restored)), JSON.stringify(exportState(w.cloud)));
    // Wiring survives: the restored cloud draws from its own random source, where the original would.
    const a = w.cloud.ids.nextMac();
    assert.equal(restored.ids.nextMac(), a, 'the same draw as the original from the same position');
  });

  it('delegated IPv6 prefixes survive in the subnet pool: the restored world refuses the same /80 and takes it back on unassign', () => {
    const w = world();
    populate(w);
    const restored = world({}, (now) => {
      const c = new Cloud({ defaultAccountId: ACCOUNT, now });
      decodeCloud(encodeCloud(w.cloud), c);
      return c;
    });
    const region = restored.cloud.region(ACCOUNT, 'us-east-1');
    const eni = [...region.networkInterfaces.values()].find((e) => e.ipv6Prefixes.length === 2)!;
    const prefixes = pickAll(restored.ok({ Action: 'DescribeNetworkInterfaces', 'NetworkInterfaceId.1': eni.id }), 'ipv6Prefix');
    assert.equal(prefixes.length, 2);
    const again = restored.call({ Action: 'CreateNetworkInterface', SubnetId: eni.subnetId, 'Ipv6Prefix.1.Ipv6Prefix': prefixes[1]! });
    assert.match(bodyText(again.body), /InvalidIPAddress\.InUse/);
    restored.ok({ Action: 'UnassignIpv6Addresses', NetworkInterfaceId: eni.id, 'Ipv6Prefix.1': prefixes[1]! });
    restored.ok({ Action: 'CreateNetworkInterface', SubnetId: eni.subnetId, 'Ipv6Prefix.1.Ipv6Prefix': prefixes[1]! });
  });

  it('the original keeps working after a snapshot (what the snapshot replaced for a moment is put back)', () => {
    const w = world();
    populate(w);
    const before = JSON.stringify(exportState(w.cloud));
    encodeCloud(w.cloud);
    assert.equal(JSON.stringify(exportState(w.cloud)), before);
    w.ok({ Action: 'CreateNetworkInterface', SubnetId: [...w.cloud.region(ACCOUNT, 'us-east-1').subnets.keys()][0]! });
  });

  it('a restored world keeps going exactly as the original would (same ids, timers due on time)', () => {
    const w = world();
    populate(w);
    const image = encodeCloud(w.cloud);
    const w2 = world({}, (now) => {
      const c = new Cloud({ defaultAccountId: ACCOUNT, now });
      decodeCloud(image, c);
      return c;
    });
    w.clock.now += 60_000;
    w2.clock.now = w.clock.now;
    const a = w.ok({ Action: 'DescribeInstances' }).replace(/<requestId>[^<]*/, '');
    assert.equal(w2.ok({ Action: 'DescribeInstances' }).replace(/<requestId>[^<]*/, ''), a);
    assert.equal(
      w2.ok({ Action: 'CreateVpc', CidrBlock: '10.50.0.0/16' }).replace(/<requestId>[^<]*/, ''),
      w.ok({ Action: 'CreateVpc', CidrBlock: '10.50.0.0/16' }).replace(/<requestId>[^<]*/, ''),
    );
    assert.doesNotMatch(a, /<name>pending<\/name>/, 'the pending launch became running on time in both');
  });

  it('refuses state it cannot carry, naming where it is: a function in a record, an unregistered class', () => {
    const w = world();
    populate(w);
    const region = w.cloud.region(ACCOUNT, 'us-east-1') as RegionState & Record<string, unknown>;
    region.newFamily = new Map([['x-1', { id: 'x-1', onChange: () => 1 }]]);
    assert.throws(
      () => encodeCloud(w.cloud),
      (e: Error) => e instanceof SnapshotError && /function at .*newFamily\[x-1\]\.onChange/.test(e.message),
    );
    class Unknown {
      n = 1;
    }
    region.newFamily = new Map([['x-1', new Unknown()]]);
    assert.throws(() => encodeCloud(w.cloud), /unregistered class Unknown/);
    // Plain data needs nothing: a new family of plain records is carried as it is.
    region.newFamily = new Map([['x-1', { id: 'x-1', tags: new Map([['k', 'v']]), created: new Date(5), big: 7n }]]);
    const restored = roundTrip(w.cloud);
    assertSameGraph(w.cloud, restored, 'cloud', new Map(), w.cloud, restored);
  });

  it('configuration comes from the cloud restored into, not from the image', () => {
    const w = world({ quotas: { vpcsPerRegion: 20 }, lifecycle: { pendingMs: 9000 } });
    populate(w);
    const restored = roundTrip(w.cloud, { quotas: { vpcsPerRegion: 3 } });
    assert.equal(restored.quotas.vpcsPerRegion, 3);
    assert.equal(restored.timings.pendingMs, 500);
    assert.equal(JSON.stringify(exportState(restored)), JSON.stringify(exportState(w.cloud)));
  });
});
