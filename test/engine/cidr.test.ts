import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatIpv4,
  formatIpv6,
  Ipv4Cidr,
  Ipv6Cidr,
  nthSubCidr4,
  nthSubCidr6,
  parseIpv4,
  parseIpv4Cidr,
  parseIpv6,
  parseIpv6Cidr,
} from '../../src/engine/cidr.js';

test('parseIpv4 accepts strict dotted quads', () => {
  assert.equal(parseIpv4('0.0.0.0'), 0);
  assert.equal(parseIpv4('10.0.0.1'), 0x0a000001);
  assert.equal(parseIpv4('255.255.255.255'), 0xffffffff);
  assert.equal(parseIpv4('192.168.100.7'), 192 * 2 ** 24 + 168 * 2 ** 16 + 100 * 256 + 7);
});

test('parseIpv4 rejects malformed input', () => {
  for (const bad of [
    '',
    '1.2.3',
    '1.2.3.4.5',
    '010.0.0.1',
    '10.00.0.1',
    '256.0.0.1',
    '1.2.3.-1',
    ' 1.2.3.4',
    '1.2.3.4 ',
    '1..3.4',
    '1.2.3.',
    '.1.2.3',
    'a.b.c.d',
    '1.2.3.4/32',
    '0x1.2.3.4',
    '1.2.3.04',
  ]) {
    assert.equal(parseIpv4(bad), undefined, bad);
  }
});

test('formatIpv4 round trips and rejects out-of-range numbers', () => {
  for (const s of ['0.0.0.0', '10.0.0.1', '172.31.255.254', '255.255.255.255', '128.0.0.0']) {
    assert.equal(formatIpv4(parseIpv4(s)!), s);
  }
  assert.throws(() => formatIpv4(-1), RangeError);
  assert.throws(() => formatIpv4(2 ** 32), RangeError);
  assert.throws(() => formatIpv4(1.5), RangeError);
});

test('parseIpv4Cidr canonicalises like AWS', () => {
  assert.equal(parseIpv4Cidr('100.68.0.18/18')!.toString(), '100.68.0.0/18');
  assert.equal(parseIpv4Cidr('10.0.1.77/24')!.toString(), '10.0.1.0/24');
  assert.equal(parseIpv4Cidr('10.0.0.0/16')!.toString(), '10.0.0.0/16');
  assert.equal(parseIpv4Cidr('10.1.2.3/0')!.toString(), '0.0.0.0/0');
  assert.equal(parseIpv4Cidr('10.1.2.3/32')!.toString(), '10.1.2.3/32');
  assert.equal(parseIpv4Cidr('255.255.255.255/1')!.toString(), '128.0.0.0/1');
  for (const bad of ['10.0.0.0', '10.0.0.0/33', '10.0.0.0/', '10.0.0.0/016', '10.0.0.0/-1', '10.0.0/16', '10.0.0.0/16/1', '10.0.0.0/a']) {
    assert.equal(parseIpv4Cidr(bad), undefined, bad);
  }
});

test('Ipv4Cidr geometry and relations', () => {
  const c = parseIpv4Cidr('10.0.0.0/16')!;
  assert.equal(c.size, 65536);
  assert.equal(c.first, parseIpv4('10.0.0.0'));
  assert.equal(c.last, parseIpv4('10.0.255.255'));
  assert.equal(c.contains(parseIpv4('10.0.200.1')!), true);
  assert.equal(c.contains(parseIpv4('10.1.0.0')!), false);
  assert.equal(c.contains(parseIpv4('9.255.255.255')!), false);
  const sub = parseIpv4Cidr('10.0.4.0/22')!;
  assert.equal(c.containsCidr(sub), true);
  assert.equal(sub.containsCidr(c), false);
  assert.equal(c.overlaps(sub) && sub.overlaps(c), true);
  assert.equal(parseIpv4Cidr('10.0.4.0/24')!.overlaps(parseIpv4Cidr('10.0.5.0/24')!), false);
  assert.equal(parseIpv4Cidr('0.0.0.0/0')!.size, 2 ** 32);
  assert.equal(parseIpv4Cidr('0.0.0.0/0')!.contains(0xffffffff), true);
  assert.equal(parseIpv4Cidr('10.0.0.0/8')!.equals(new Ipv4Cidr(parseIpv4('10.9.9.9')!, 8)), true);
  assert.equal(nthSubCidr4(c, 24, 3).toString(), '10.0.3.0/24');
  assert.throws(() => nthSubCidr4(c, 24, 256), RangeError);
});

test('parseIpv6 accepts the RFC 4291 forms', () => {
  assert.equal(parseIpv6('::'), 0n);
  assert.equal(parseIpv6('::1'), 1n);
  assert.equal(parseIpv6('1::'), 1n << 112n);
  assert.equal(parseIpv6('2600:1f18:0abc:de00:0000:0000:0000:0001'), parseIpv6('2600:1f18:abc:de00::1'));
  assert.equal(parseIpv6('FFFF:ffff:ffff:ffff:ffff:ffff:ffff:ffff'), (1n << 128n) - 1n);
  assert.equal(parseIpv6('::ffff:10.0.0.1'), 0xffff_0a00_0001n);
  assert.equal(parseIpv6('1:2:3:4:5:6:7::'), parseIpv6('1:2:3:4:5:6:7:0'));
  assert.equal(parseIpv6('::2:3:4:5:6:7:8'), parseIpv6('0:2:3:4:5:6:7:8'));
});

test('parseIpv6 rejects malformed input', () => {
  for (const bad of [
    '',
    ':',
    ':::',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '1::2::3',
    '12345::',
    'g::',
    ':1::2',
    '1::2:',
    '1:2:3:4:5:6:7:8::',
    'fe80::1%eth0',
    '[::1]',
    '::1.2.3',
    '1.2.3.4::',
    '::1.2.3.4:5',
    '1:2:3:4:5:6:7:1.2.3.4',
  ]) {
    assert.equal(parseIpv6(bad), undefined, bad);
  }
});

test('formatIpv6 prints RFC 5952 canonical text and round trips', () => {
  const cases: [string, string][] = [
    ['2600:1f18:0abc:de00:0:0:0:1', '2600:1f18:abc:de00::1'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['1:0:0:0:0:0:0:0', '1::'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group is not compressed
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // the longest run wins
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // the first of equal runs wins
    ['2001:DB8::ABCD', '2001:db8::abcd'],
    ['::ffff:10.0.0.1', '::ffff:a00:1'],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'],
  ];
  for (const [input, canonical] of cases) {
    const v = parseIpv6(input);
    assert.notEqual(v, undefined, input);
    assert.equal(formatIpv6(v!), canonical, input);
    assert.equal(parseIpv6(canonical), v, canonical);
  }
  assert.throws(() => formatIpv6(-1n), RangeError);
  assert.throws(() => formatIpv6(1n << 128n), RangeError);
});

test('formatIpv6/parseIpv6 round trip pseudo-random values', () => {
  let x = 0x9e3779b97f4a7c15n;
  for (let i = 0; i < 500; i++) {
    x = (x * 6364136223846793005n + 1442695040888963407n) & ((1n << 128n) - 1n);
    // Knock out some groups so that "::" runs are exercised too.
    let v = x;
    for (let g = 0; g < 8; g++) if ((x >> BigInt(g * 7)) & 1n) v &= ~(0xffffn << BigInt(g * 16));
    assert.equal(parseIpv6(formatIpv6(v)), v);
  }
});

test('parseIpv6Cidr canonicalises and Ipv6Cidr relations hold', () => {
  const vpc = parseIpv6Cidr('2600:1f18:abc:de12::1/56')!;
  assert.equal(vpc.toString(), '2600:1f18:abc:de00::/56');
  assert.equal(vpc.size, 1n << 72n);
  const sub = parseIpv6Cidr('2600:1f18:abc:de05::/64')!;
  assert.equal(vpc.containsCidr(sub), true);
  assert.equal(sub.containsCidr(vpc), false);
  assert.equal(vpc.overlaps(sub), true);
  assert.equal(sub.contains(parseIpv6('2600:1f18:abc:de05:ffff:ffff:ffff:ffff')!), true);
  assert.equal(sub.contains(parseIpv6('2600:1f18:abc:de06::')!), false);
  assert.equal(sub.last, parseIpv6('2600:1f18:abc:de05:ffff:ffff:ffff:ffff'));
  assert.equal(parseIpv6Cidr('::/0')!.toString(), '::/0');
  assert.equal(parseIpv6Cidr('::1/128')!.toString(), '::1/128');
  for (const bad of ['2600::', '2600::/129', '2600::/064', '2600:::/64', '2600::/']) {
    assert.equal(parseIpv6Cidr(bad), undefined, bad);
  }
  assert.ok(new Ipv6Cidr(parseIpv6('2600::1')!, 64).equals(parseIpv6Cidr('2600::/64')!));
});

test('nthSubCidr6 picks the k-th /64 of a /56', () => {
  const vpc = parseIpv6Cidr('2600:1f18:abc:de00::/56')!;
  assert.equal(nthSubCidr6(vpc, 64, 0).toString(), '2600:1f18:abc:de00::/64');
  assert.equal(nthSubCidr6(vpc, 64, 1).toString(), '2600:1f18:abc:de01::/64');
  assert.equal(nthSubCidr6(vpc, 64, 255n).toString(), '2600:1f18:abc:deff::/64');
  assert.equal(nthSubCidr6(vpc, 56, 0).toString(), vpc.toString());
  assert.throws(() => nthSubCidr6(vpc, 64, 256), RangeError);
  assert.throws(() => nthSubCidr6(vpc, 64, -1n), RangeError);
  assert.throws(() => nthSubCidr6(vpc, 48, 0), RangeError);
});
