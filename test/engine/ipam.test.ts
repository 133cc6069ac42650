import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv4Cidr, parseIpv6, parseIpv6Cidr } from '../../src/engine/cidr.js';
import { Ec2Error } from '../../src/engine/errors.js';
import { Ipv4Pool, Ipv6Pool } from '../../src/engine/ipam.js';

const ip4 = (s: string): number => {
  const v = parseIpv4(s);
  assert.notEqual(v, undefined, s);
  return v!;
};
const ip6 = (s: string): bigint => {
  const v = parseIpv6(s);
  assert.notEqual(v, undefined, s);
  return v!;
};
const pool4 = (cidr: string) => new Ipv4Pool(parseIpv4Cidr(cidr)!);
const pool6 = (cidr: string) => new Ipv6Pool(parseIpv6Cidr(cidr)!);

/** Deterministic [0,1) generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ec2Err = (code: string, message?: RegExp) => (e: unknown) => {
  assert.ok(e instanceof Ec2Error, `expected Ec2Error, got ${String(e)}`);
  assert.equal(e.code, code);
  if (message) assert.match(e.message, message);
  return true;
};

// ---------------------------------------------------------------------------------------
// IPv4

for (const [cidr, reserved] of [
  ['10.0.0.0/16', ['10.0.0.0', '10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.255.255']],
  ['10.0.1.0/24', ['10.0.1.0', '10.0.1.1', '10.0.1.2', '10.0.1.3', '10.0.1.255']],
  ['10.0.1.32/28', ['10.0.1.32', '10.0.1.33', '10.0.1.34', '10.0.1.35', '10.0.1.47']],
] as const) {
  test(`reserved addresses of ${cidr}`, () => {
    const p = pool4(cidr);
    assert.deepEqual(p.reserved.map(formatIpv4), reserved);
    for (const r of reserved) {
      assert.equal(p.isReserved(ip4(r)), true, r);
      assert.equal(p.isAllocated(ip4(r)), false, r);
      assert.equal(p.isFree(ip4(r)), false, r);
    }
    const first = p.cidr.base + 4;
    assert.equal(p.isReserved(first), false);
    assert.equal(p.isReserved(p.cidr.last - 1), false);
    assert.equal(p.isReserved(p.cidr.last + 1), false); // outside: not "reserved"
    assert.equal(p.reservedCount, 5);
    assert.equal(p.size, p.cidr.size);
    assert.equal(p.usedCount, 0);
    assert.equal(p.freeCount, p.cidr.size - 5);
    assert.equal(formatIpv4(p.allocateLowest()!), formatIpv4(first));
  });
}

test('/28 holds exactly 11 addresses, lowest first, then undefined', () => {
  const p = pool4('10.0.0.16/28');
  const got: string[] = [];
  for (let i = 0; i < 11; i++) got.push(formatIpv4(p.allocateLowest()!));
  assert.deepEqual(
    got,
    Array.from({ length: 11 }, (_, i) => `10.0.0.${20 + i}`),
  );
  assert.equal(p.allocateLowest(), undefined);
  assert.equal(p.usedCount, 11);
  assert.equal(p.freeCount, 0);
  assert.equal(p.canAllocateCount(1), false);
  assert.equal(p.canAllocateCount(0), true);
  assert.equal(p.allocatePrefix28(), undefined);
  p.release(ip4('10.0.0.25'));
  assert.equal(p.canAllocateCount(1), true);
  assert.equal(formatIpv4(p.allocateLowest()!), '10.0.0.25');
  assert.equal(p.allocateLowest(), undefined);
});

test('lowest free address after releases in the middle', () => {
  const p = pool4('10.0.0.0/24');
  for (let i = 0; i < 100; i++) p.allocateLowest();
  assert.equal(p.usedCount, 100);
  for (const s of ['10.0.0.70', '10.0.0.40', '10.0.0.41', '10.0.0.36']) p.release(ip4(s));
  assert.equal(p.usedCount, 96);
  assert.equal(p.isAllocated(ip4('10.0.0.40')), false);
  assert.equal(p.isFree(ip4('10.0.0.40')), true);
  const next = [1, 2, 3, 4, 5].map(() => formatIpv4(p.allocateLowest()!));
  assert.deepEqual(next, ['10.0.0.36', '10.0.0.40', '10.0.0.41', '10.0.0.70', '10.0.0.104']);
  // Lowest free across a word boundary: free 10.0.0.31 and 10.0.0.32.
  p.release(ip4('10.0.0.32'));
  p.release(ip4('10.0.0.31'));
  assert.equal(formatIpv4(p.allocateLowest()!), '10.0.0.31');
  assert.equal(formatIpv4(p.allocateLowest()!), '10.0.0.32');
});

test('allocated() yields caller allocations in ascending order', () => {
  const p = pool4('10.0.0.0/24');
  for (const s of ['10.0.0.200', '10.0.0.7', '10.0.0.31', '10.0.0.32', '10.0.0.254', '10.0.0.4']) p.allocate(ip4(s));
  p.allocatePrefix(ip4('10.0.0.64'));
  assert.deepEqual([...p.allocated()].map(formatIpv4), ['10.0.0.4', '10.0.0.7', '10.0.0.31', '10.0.0.32', '10.0.0.200', '10.0.0.254']);
  assert.deepEqual(p.prefixes(), [{ base: ip4('10.0.0.64'), prefixLen: 28 }]);
  assert.equal(p.usedCount, 6 + 16);
  assert.equal(p.freeCount, 256 - 5 - 22);
});

test('allocate(specific) errors carry AWS codes and change nothing', () => {
  const p = pool4('10.0.0.0/24');
  p.allocate(ip4('10.0.0.5'));
  const before = [...p.allocated()];
  assert.throws(() => p.allocate(ip4('10.0.9.1')), ec2Err('InvalidParameterValue', /^Address 10\.0\.9\.1 does not fall within the subnet's address range$/));
  assert.throws(() => p.allocate(ip4('9.255.255.255')), ec2Err('InvalidParameterValue', /does not fall within/));
  for (const r of ['10.0.0.0', '10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.255']) {
    assert.throws(
      () => p.allocate(ip4(r)),
      ec2Err('InvalidParameterValue', new RegExp(`^Address ${r.replace(/\./g, '\\.')} is in subnet's reserved address range$`)),
    );
  }
  assert.throws(() => p.allocate(ip4('10.0.0.5')), ec2Err('InvalidIPAddress.InUse', /^Address 10\.0\.0\.5 is in use\.$/));
  assert.deepEqual([...p.allocated()], before);
  assert.equal(p.usedCount, 1);
  assert.equal(p.isAllocated(ip4('10.0.0.5')), true);
  assert.equal(formatIpv4(p.allocateLowest()!), '10.0.0.4');
  assert.equal(formatIpv4(p.allocateLowest()!), '10.0.0.6');
});

test('release of something not allocated is a programming error', () => {
  const p = pool4('10.0.0.0/24');
  const notEc2 = (e: unknown) => e instanceof Error && !(e instanceof Ec2Error);
  assert.throws(() => p.release(ip4('10.0.0.9')), notEc2);
  assert.throws(() => p.release(ip4('10.0.0.1')), notEc2); // reserved
  assert.throws(() => p.release(ip4('10.0.1.9')), notEc2); // outside
  p.allocate(ip4('10.0.0.9'));
  p.release(ip4('10.0.0.9'));
  assert.throws(() => p.release(ip4('10.0.0.9')), notEc2); // twice
  const pre = p.allocatePrefix28()!;
  assert.throws(() => p.release(pre + 3), notEc2); // member of a prefix
  assert.throws(() => p.releasePrefix(pre + 16), notEc2);
  assert.throws(() => p.releasePrefix(pre + 1), notEc2);
  assert.equal(p.usedCount, 16);
});

test('IPv4 /28 prefix delegation: alignment, reserved, conflicts', () => {
  const p = pool4('10.0.0.0/24');
  // The first /28 holds the four reserved addresses and the last one the broadcast address.
  assert.equal(formatIpv4(p.allocatePrefix28()!), '10.0.0.16');
  assert.throws(() => p.allocatePrefix(ip4('10.0.0.0')), ec2Err('InvalidParameterValue', /reserved/));
  assert.throws(() => p.allocatePrefix(ip4('10.0.0.240')), ec2Err('InvalidParameterValue', /reserved/));
  assert.throws(() => p.allocatePrefix(ip4('10.0.0.40')), ec2Err('InvalidParameterValue', /not aligned/));
  assert.throws(() => p.allocatePrefix(ip4('10.0.1.0')), ec2Err('InvalidParameterValue', /does not fall within/));
  assert.throws(() => p.allocatePrefix(ip4('10.0.0.16')), ec2Err('InvalidIPAddress.InUse', /^Prefix 10\.0\.0\.16\/28 is in use\.$/));
  // One single address inside a block makes the whole block unavailable.
  p.allocate(ip4('10.0.0.47'));
  assert.throws(() => p.allocatePrefix(ip4('10.0.0.32')), ec2Err('InvalidIPAddress.InUse'));
  assert.equal(formatIpv4(p.allocatePrefix28()!), '10.0.0.48');
  // Addresses inside a prefix are taken.
  assert.throws(() => p.allocate(ip4('10.0.0.20')), ec2Err('InvalidIPAddress.InUse'));
  assert.equal(p.isAllocated(ip4('10.0.0.20')), true);
  assert.equal(p.isAllocatedSingly(ip4('10.0.0.20')), false);
  // allocateLowest skips prefixes.
  assert.equal(formatIpv4(p.allocateLowest()!), '10.0.0.4');
  for (let i = 5; i < 16; i++) p.allocateLowest();
  assert.equal(formatIpv4(p.allocateLowest()!), '10.0.0.32');
  // Release a prefix: its block becomes available again, lowest first.
  p.releasePrefix(ip4('10.0.0.16'));
  assert.equal(p.isFree(ip4('10.0.0.20')), true);
  assert.equal(formatIpv4(p.allocatePrefix28()!), '10.0.0.16');
  assert.deepEqual(
    p.prefixes().map((x) => formatIpv4(x.base)),
    ['10.0.0.16', '10.0.0.48'],
  );
  assert.equal(p.usedCount, 14 + 32);
  // A /28 pool has no room for a prefix at all.
  const small = pool4('10.0.0.0/28');
  assert.equal(small.allocatePrefix28(), undefined);
  assert.throws(() => small.allocatePrefix(ip4('10.0.0.0')), ec2Err('InvalidParameterValue', /reserved/));
});

test('freePrefix28Count: aligned /28 blocks with every address free, as allocatePrefix28 finds them', () => {
  // A /26: the first block holds .0-.3, the last the broadcast address; the middle two are free.
  const p = pool4('10.0.0.0/26');
  assert.equal(p.freePrefix28Count, 2);
  // One single address spoils its whole block; addresses in an already spoiled block change nothing.
  p.allocate(ip4('10.0.0.17'));
  assert.equal(p.freePrefix28Count, 1);
  p.allocateLowest();
  assert.equal(p.freePrefix28Count, 1);
  assert.equal(formatIpv4(p.allocatePrefix28()!), '10.0.0.32');
  assert.equal(p.freePrefix28Count, 0);
  p.releasePrefix(ip4('10.0.0.32'));
  p.release(ip4('10.0.0.17'));
  assert.equal(p.freePrefix28Count, 2);
  // A /16 counts every aligned block but the first and the last; a /28 subnet has none.
  assert.equal(pool4('10.1.0.0/16').freePrefix28Count, 4096 - 2);
  assert.equal(pool4('10.0.0.0/28').freePrefix28Count, 0);
  assert.equal(pool4('10.0.0.0/27').freePrefix28Count, 0);
});

test('IPv4 prefixes of other lengths', () => {
  const p = pool4('10.0.0.0/22');
  p.allocatePrefix(ip4('10.0.1.0'), 24);
  assert.equal(p.usedCount, 256);
  assert.throws(() => p.allocatePrefix(ip4('10.0.1.128'), 26), ec2Err('InvalidIPAddress.InUse'));
  assert.throws(() => p.allocatePrefix(ip4('10.0.1.128'), 20), ec2Err('InvalidParameterValue'));
  p.allocate(ip4('10.0.2.77'));
  assert.throws(() => p.allocatePrefix(ip4('10.0.2.0'), 24), ec2Err('InvalidIPAddress.InUse'));
  assert.throws(() => p.allocatePrefix(ip4('10.0.3.0'), 24), ec2Err('InvalidParameterValue', /reserved/));
  p.allocatePrefix(ip4('10.0.2.64'), 30);
  assert.equal(p.isAllocated(ip4('10.0.2.67')), true);
  p.releasePrefix(ip4('10.0.1.0'));
  assert.equal(p.usedCount, 5);
  assert.equal(formatIpv4(p.allocatePrefix28()!), '10.0.0.16');
});

test('a full /16: 65,531 allocations, releases and reallocation', () => {
  const p = pool4('10.0.0.0/16');
  const base = p.cidr.base;
  for (let i = 0; i < 65531; i++) assert.equal(p.allocateLowest(), base + 4 + i);
  assert.equal(p.allocateLowest(), undefined);
  assert.equal(p.usedCount, 65531);
  assert.equal(p.freeCount, 0);
  assert.equal(p.allocatePrefix28(), undefined);
  assert.throws(() => p.allocate(ip4('10.0.128.0')), ec2Err('InvalidIPAddress.InUse'));

  // Release a scattered set (every 7th address) plus one whole aligned /28.
  const released: number[] = [];
  for (let off = 4; off < 65535; off += 7) released.push(base + off);
  for (let off = 0x8000; off < 0x8010; off++) if ((off - 4) % 7 !== 0) released.push(base + off);
  released.sort((a, b) => a - b);
  for (const ip of released) p.release(ip);
  assert.equal(p.usedCount, 65531 - released.length);
  assert.equal(p.freeCount, released.length);

  // Exactly one /28 is completely free.
  assert.equal(formatIpv4(p.allocatePrefix28()!), '10.0.128.0');
  assert.equal(p.allocatePrefix28(), undefined);
  p.releasePrefix(ip4('10.0.128.0'));

  // Reallocation hands the released addresses back in ascending order, then nothing.
  for (const ip of released) assert.equal(p.allocateLowest(), ip);
  assert.equal(p.allocateLowest(), undefined);
  assert.equal(p.usedCount, 65531);
  let count = 0;
  let prev = -1;
  for (const ip of p.allocated()) {
    assert.ok(ip > prev);
    prev = ip;
    count++;
  }
  assert.equal(count, 65531);
  p.release(base + 65534);
  assert.equal(formatIpv4(p.allocateLowest()!), '10.0.255.254');
});

// ---------------------------------------------------------------------------------------
// IPv6

const SUBNET6 = '2600:1f18:abc:de01::/64';

test('IPv6 reserved addresses and specific allocation errors', () => {
  const p = pool6(SUBNET6);
  assert.deepEqual(p.reserved.map(formatIpv6), [
    '2600:1f18:abc:de01::',
    '2600:1f18:abc:de01::1',
    '2600:1f18:abc:de01::2',
    '2600:1f18:abc:de01::3',
    '2600:1f18:abc:de01:ffff:ffff:ffff:ffff',
  ]);
  for (const r of p.reserved) {
    assert.equal(p.isReserved(r), true);
    assert.throws(() => p.allocate(r), ec2Err('InvalidParameterValue', /is in subnet's reserved address range$/));
  }
  assert.equal(p.isReserved(ip6('2600:1f18:abc:de01::4')), false);
  assert.equal(p.freeCount, (1n << 64n) - 5n);
  p.allocate(ip6('2600:1f18:abc:de01::4'));
  assert.throws(() => p.allocate(ip6('2600:1f18:abc:de01::4')), ec2Err('InvalidIPAddress.InUse', /^Address 2600:1f18:abc:de01::4 is in use\.$/));
  assert.throws(
    () => p.allocate(ip6('2600:1f18:abc:de02::4')),
    ec2Err('InvalidParameterValue', /^Address 2600:1f18:abc:de02::4 does not fall within the subnet's address range$/),
  );
  assert.equal(p.usedCount, 1);
  assert.equal(p.isAllocated(ip6('2600:1f18:abc:de01::4')), true);
  p.release(ip6('2600:1f18:abc:de01::4'));
  assert.equal(p.usedCount, 0);
  assert.throws(
    () => p.release(ip6('2600:1f18:abc:de01::4')),
    (e: unknown) => e instanceof Error && !(e instanceof Ec2Error),
  );
});

test('IPv6 random allocation is deterministic, inside the subnet and collision-free', () => {
  const a = pool6(SUBNET6);
  const b = pool6(SUBNET6);
  const ra = rng(42);
  const rb = rng(42);
  const seen = new Set<bigint>();
  for (let i = 0; i < 200; i++) {
    const x = a.allocateRandom(ra);
    assert.equal(x, b.allocateRandom(rb));
    assert.ok(a.cidr.contains(x));
    assert.equal(a.isReserved(x), false);
    assert.ok(!seen.has(x));
    seen.add(x);
  }
  assert.equal(a.usedCount, 200);
  // Random-looking: not all in the low 32 bits of the interface id.
  assert.ok([...seen].some((x) => x - a.cidr.base > 0xffffffffn));
  assert.deepEqual(
    a.allocated(),
    [...seen].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)),
  );
});

test('IPv6 random allocation retries on collisions and reserved hits', () => {
  const p = pool6(SUBNET6);
  // A generator whose first picks land on ::0 (reserved), then ::10 twice, then ::11.
  const seq = [0, 0, 0, 0, 0, 0, 0, 16 / 2 ** 32, 0, 16 / 2 ** 32, 0, 17 / 2 ** 32];
  let i = 0;
  const r = () => seq[i++ % seq.length]!;
  assert.equal(formatIpv6(p.allocateRandom(r)), '2600:1f18:abc:de01::10');
  i = 6;
  assert.equal(formatIpv6(p.allocateRandom(r)), '2600:1f18:abc:de01::11');
  // A constant generator still terminates (sequential fallback after the retries).
  const zero = () => 0;
  assert.equal(formatIpv6(p.allocateRandom(zero)), '2600:1f18:abc:de01::4');
  assert.equal(formatIpv6(p.allocateRandom(zero)), '2600:1f18:abc:de01::5');
});

test('a tiny IPv6 pool fills up completely', () => {
  const p = pool6('2600:1f18:abc:de01::/120');
  const r = rng(7);
  const got = new Set<bigint>();
  for (let i = 0; i < 251; i++) got.add(p.allocateRandom(r));
  assert.equal(got.size, 251);
  assert.equal(p.freeCount, 0n);
  assert.throws(() => p.allocateRandom(r), ec2Err('InsufficientFreeAddressesInSubnet'));
  p.release(ip6('2600:1f18:abc:de01::99'));
  assert.equal(formatIpv6(p.allocateRandom(r)), '2600:1f18:abc:de01::99');
});

test('IPv6 /80 prefix delegation', () => {
  const p = pool6(SUBNET6);
  // First and last /80 hold reserved addresses.
  assert.throws(() => p.allocatePrefix(ip6('2600:1f18:abc:de01::')), ec2Err('InvalidParameterValue', /reserved/));
  assert.throws(() => p.allocatePrefix(ip6('2600:1f18:abc:de01:ffff::')), ec2Err('InvalidParameterValue', /reserved/));
  assert.throws(() => p.allocatePrefix(ip6('2600:1f18:abc:de01:1:0:0:1')), ec2Err('InvalidParameterValue', /not aligned/));
  assert.throws(() => p.allocatePrefix(ip6('2600:1f18:abc:de02:1::')), ec2Err('InvalidParameterValue', /does not fall within/));

  p.allocatePrefix(ip6('2600:1f18:abc:de01:1::'));
  assert.equal(p.prefixCount, 1);
  assert.equal(p.isAllocated(ip6('2600:1f18:abc:de01:1::77')), true);
  assert.equal(p.isAllocatedSingly(ip6('2600:1f18:abc:de01:1::77')), false);
  assert.throws(() => p.allocatePrefix(ip6('2600:1f18:abc:de01:1::')), ec2Err('InvalidIPAddress.InUse', /^Prefix 2600:1f18:abc:de01:1::\/80 is in use\.$/));
  assert.throws(() => p.allocate(ip6('2600:1f18:abc:de01:1::77')), ec2Err('InvalidIPAddress.InUse'));
  assert.throws(
    () => p.release(ip6('2600:1f18:abc:de01:1::77')),
    (e: unknown) => !(e instanceof Ec2Error),
  );

  // A single address inside a block blocks the block.
  p.allocate(ip6('2600:1f18:abc:de01:2:0:abc:1'));
  assert.throws(() => p.allocatePrefix(ip6('2600:1f18:abc:de01:2::')), ec2Err('InvalidIPAddress.InUse'));
  p.release(ip6('2600:1f18:abc:de01:2:0:abc:1'));
  p.allocatePrefix(ip6('2600:1f18:abc:de01:2::'));

  // Nested prefixes of other lengths conflict in both directions.
  assert.throws(() => p.allocatePrefix(ip6('2600:1f18:abc:de01:1:8000::'), 96), ec2Err('InvalidIPAddress.InUse'));
  assert.throws(() => p.allocatePrefix(ip6('2600:1f18:abc:de01::'), 72), ec2Err('InvalidParameterValue', /reserved/));
  p.allocatePrefix(ip6('2600:1f18:abc:de01:1234::'));
  assert.throws(() => p.allocatePrefix(ip6('2600:1f18:abc:de01:1200::'), 72), ec2Err('InvalidIPAddress.InUse'));
  p.releasePrefix(ip6('2600:1f18:abc:de01:1234::'));
  p.allocatePrefix(ip6('2600:1f18:abc:de01:1200::'), 72);
  assert.equal(p.isAllocated(ip6('2600:1f18:abc:de01:12ff:ffff:ffff:ffff')), true);
  assert.throws(() => p.allocatePrefix(ip6('2600:1f18:abc:de01:1234::')), ec2Err('InvalidIPAddress.InUse'));
  p.releasePrefix(ip6('2600:1f18:abc:de01:1200::'));

  assert.deepEqual(
    p.prefixes().map((x) => `${formatIpv6(x.base)}/${x.prefixLen}`),
    ['2600:1f18:abc:de01:1::/80', '2600:1f18:abc:de01:2::/80'],
  );
  assert.equal(p.freeCount, (1n << 64n) - 5n - 2n * (1n << 48n));
  p.releasePrefix(ip6('2600:1f18:abc:de01:1::'));
  assert.equal(p.isFree(ip6('2600:1f18:abc:de01:1::77')), true);
  assert.throws(
    () => p.releasePrefix(ip6('2600:1f18:abc:de01:1::')),
    (e: unknown) => !(e instanceof Ec2Error),
  );
});

test('IPv6 random /80 prefixes are aligned, distinct and avoid taken blocks', () => {
  const p = pool6(SUBNET6);
  const r = rng(1234);
  const bases = new Set<bigint>();
  for (let i = 0; i < 100; i++) {
    const b = p.allocatePrefix80(r)!;
    assert.equal((b - p.cidr.base) % (1n << 48n), 0n);
    assert.ok(p.cidr.contains(b));
    assert.notEqual(b, p.cidr.base); // block with ::0..::3
    assert.notEqual(b, p.cidr.base + (0xffffn << 48n)); // block with the last address
    assert.ok(!bases.has(b));
    bases.add(b);
  }
  // A constant generator falls back to the next free block.
  const q = pool6(SUBNET6);
  q.allocate(ip6('2600:1f18:abc:de01:1::1'));
  assert.equal(formatIpv6(q.allocatePrefix80(() => 0)!), '2600:1f18:abc:de01:2::');
  assert.equal(formatIpv6(q.allocatePrefix80(() => 0)!), '2600:1f18:abc:de01:3::');
  // Random single addresses never land inside a prefix.
  const s = pool6('2600:1f18:abc:de01::/120');
  s.allocatePrefix(ip6('2600:1f18:abc:de01::80'), 122);
  assert.throws(() => s.allocatePrefix(ip6('2600:1f18:abc:de01::c0'), 122), ec2Err('InvalidParameterValue', /reserved/));
  assert.equal(s.freeCount, 251n - 64n);
  for (let i = 0; i < 187; i++) {
    const x = s.allocateRandom(r);
    assert.ok(x < ip6('2600:1f18:abc:de01::80') || x >= ip6('2600:1f18:abc:de01::c0'));
  }
  assert.throws(() => s.allocateRandom(r), ec2Err('InsufficientFreeAddressesInSubnet'));
});

// ---- scattered IPv4 allocation (--ip-allocation random) -------------------------------------------
// AWS picks a private IPv4 it is not given from anywhere in the subnet, not the lowest free one: the
// amazon.aws ec2_eni integration target lets EC2 pick one address and then names .132–.136 by hand,
// which only works against EC2's scattered choice (VPC User Guide, "IP addressing": "we assign an
// IPv4 address from the subnet's range"; no order is promised).

test('Ipv4Pool scattered: fills a whole subnet with distinct, non-reserved addresses, then reports it full', () => {
  for (const cidr of ['10.0.0.0/28', '10.0.0.0/24', '10.0.0.0/22']) {
    const p = pool4(cidr);
    const r = rng(7);
    const seen = new Set<number>();
    for (let i = 0; i < p.size - 5; i++) {
      const ip = p.allocateScattered(r)!;
      assert.ok(p.contains(ip) && !p.isReserved(ip) && !seen.has(ip), `${cidr}: ${formatIpv4(ip)}`);
      seen.add(ip);
    }
    assert.equal(p.freeCount, 0);
    assert.equal(p.allocateScattered(r), undefined);
  }
});

test('Ipv4Pool scattered: not lowest-first, and the same draws give the same addresses', () => {
  const pick = (seed: number) => {
    const p = pool4('10.0.0.0/24');
    const r = rng(seed);
    return Array.from({ length: 10 }, () => formatIpv4(p.allocateScattered(r)!));
  };
  const a = pick(1);
  assert.deepEqual(pick(1), a);
  assert.notDeepEqual(pick(2), a);
  const lowest = Array.from({ length: 10 }, (_, k) => `10.0.0.${4 + k}`);
  assert.notDeepEqual(a, lowest);
  // Spread over the subnet, not clustered at its start.
  assert.ok(a.some((t) => Number(t.split('.')[3]) > 128));
});

test('Ipv4Pool allocateFrom: first free at or after the point, skipping reserved, taken and delegated addresses, wrapping round', () => {
  const p = pool4('10.0.0.0/24');
  assert.equal(formatIpv4(p.allocateFrom(0)!), '10.0.0.4'); // 0–3 reserved
  p.allocate(ip4('10.0.0.100'));
  p.allocatePrefix(ip4('10.0.0.112'), 28);
  assert.equal(formatIpv4(p.allocateFrom(100)!), '10.0.0.101');
  assert.equal(formatIpv4(p.allocateFrom(112)!), '10.0.0.128'); // the /28 is delegated
  assert.equal(formatIpv4(p.allocateFrom(255)!), '10.0.0.5'); // .255 reserved: wraps to the start
  // Only one free address left, below the point: found by wrapping.
  const small = pool4('10.0.1.0/28');
  for (let off = 4; off < 15; off++) if (off !== 6) small.allocate(ip4(`10.0.1.${off}`));
  assert.equal(formatIpv4(small.allocateFrom(12)!), '10.0.1.6');
  assert.equal(small.allocateFrom(0), undefined);
});

test('Ipv4Pool allocateFrom: across summary words of a large subnet (a /16 with its first half taken)', () => {
  const p = pool4('10.0.0.0/16');
  for (let off = 4; off < 32768; off++) p.allocateFrom(off);
  assert.equal(p.freeCount, 32768 - 1);
  assert.equal(formatIpv4(p.allocateFrom(5)!), '10.0.128.0');
  assert.equal(formatIpv4(p.allocateFrom(65535)!), '10.0.128.1');
});
