/** The seeded random stream: the same seed draws the same bytes, and position/seek replay exactly (the journal's contract). */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { SeededRandom } from '../../src/engine/random.js';

/** Draws of varied sizes (ids take 9 bytes, MACs 5, floats 6, IPv6 blocks 4), with the position before each. */
function draws(r: SeededRandom, count: number): { position: string; bytes: Buffer }[] {
  return Array.from({ length: count }, (_, i) => {
    const position = r.position();
    return { position, bytes: Buffer.from(r.bytes([9, 5, 6, 4, 1, 33, 4100][i % 7]!)) };
  });
}

describe('seeded random', () => {
  it('the same seed gives the same stream; another seed another', () => {
    const a = draws(new SeededRandom('s1'), 2000);
    assert.deepEqual(draws(new SeededRandom('s1'), 2000), a);
    assert.notDeepEqual(draws(new SeededRandom('s2'), 2000), a);
  });

  it('seek(position()) replays from any point, forwards or backwards, across block boundaries', () => {
    const recorded = draws(new SeededRandom('seed'), 3000);
    const r = new SeededRandom('seed');
    for (let i = recorded.length - 1; i >= 0; i -= 13) {
      r.seek(recorded[i]!.position);
      assert.deepEqual(r.bytes(recorded[i]!.bytes.length), recorded[i]!.bytes, `draw ${i} at ${recorded[i]!.position}`);
    }
    r.seek('0:0');
    assert.deepEqual(r.bytes(9), recorded[0]!.bytes);
  });

  it('positions are `block:offset` and refuse anything else', () => {
    const r = new SeededRandom('p');
    assert.equal(r.position(), '0:0');
    r.bytes(10);
    assert.equal(r.position(), '1:10');
    for (const bad of ['x', '1', '-1:0', '1:-1', '1:4097', '1.5:0']) assert.throws(() => r.seek(bad), /bad random position/);
  });

  it('new seeds are marked for the AES-CTR stream and differ', () => {
    const a = new SeededRandom();
    assert.match(a.seed, /^ctr-[0-9a-f]{32}$/);
    assert.notEqual(a.seed, new SeededRandom().seed);
  });

  it('seeds of older versions (32 hex digits) keep their SHA-256 stream, so old journals replay to the same ids', () => {
    const seed = '0123456789abcdef0123456789abcdef';
    const r = new SeededRandom(seed);
    const expected = Buffer.concat([0, 1, 2].map((k) => createHash('sha256').update(`${seed}:${k}`).digest()));
    assert.deepEqual(Buffer.from(r.bytes(40)), expected.subarray(0, 40));
    assert.equal(r.position(), '2:8');
    assert.deepEqual(Buffer.from(r.bytes(56)), expected.subarray(40, 96));
    r.seek('2:8');
    assert.deepEqual(Buffer.from(r.bytes(9)), expected.subarray(40, 49));
    assert.throws(() => r.seek('1:33'), /bad random position/);
  });

  it('float() is in [0, 1)', () => {
    const r = new SeededRandom('f');
    for (let i = 0; i < 10_000; i++) {
      const x = r.float();
      assert.ok(x >= 0 && x < 1);
    }
  });
});
