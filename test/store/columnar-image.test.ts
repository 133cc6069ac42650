/**
 * The columnar image (src/store/columnar-image.ts) on graphs the sample world does not hold:
 * cycles, sharing, every kind of value, many records of one shape and odd keys — each decodes to
 * the same graph. The whole cloud's round trip is cloud-image.test.ts's.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  COLUMNAR_MAGIC,
  ColumnarDecoding,
  DamagedImageError,
  decodeColumnar,
  encodeColumnar,
  isColumnar,
  LAZY_MIN,
  type GraphRules,
} from '../../src/store/columnar-image.js';

class Registered {
  constructor(public n = 1) {}
}

const root = { root: true };
const rules: GraphRules = {
  root,
  className: (proto) => (proto === Registered.prototype ? 'Registered' : undefined),
  classPrototype: (name) => (name === 'Registered' ? Registered.prototype : undefined),
  isRandom: () => false,
  randomState: () => assert.fail('no random here'),
  makeRandom: () => assert.fail('no random here'),
  fail: (what, path) => {
    throw new Error(`${what} at ${JSON.stringify(path)}`);
  },
};

const roundTrip = (state: object) => {
  const bytes = encodeColumnar(state, rules);
  assert.ok(isColumnar(bytes));
  return decodeColumnar(bytes, rules);
};

describe('columnar image', () => {
  it('carries every kind of value, sharing and cycles', () => {
    const shared = { id: 'x', when: new Date(Date.UTC(2026, 0, 1)) };
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const map = new Map<unknown, unknown>([
      ['a', shared],
      [7, cyclic],
    ]);
    cyclic.container = map; // a cycle through a Map
    const state = {
      numbers: [0, -0, 1.5, 2 ** 32, -1, NaN, Infinity, 4294967295],
      big: 2n ** 80n,
      flags: [true, false, null, undefined],
      text: ['', 'é', '\u{1F600}', 'same', 'same'],
      set: new Set(['p', 1, null]),
      map,
      again: shared,
      registered: new Registered(3),
      bytes: new Uint32Array([1, 2, 3]),
      nullProto: Object.assign(Object.create(null) as object, { k: 1 }),
      odd: JSON.parse('{"__proto__": 1, "0": "zero", "a b": 2}') as object,
      theRoot: root,
    };
    const out = roundTrip(state) as typeof state;
    assert.ok(Object.is(out.numbers[1], -0));
    assert.deepEqual(out.numbers, state.numbers);
    assert.equal(out.big, state.big);
    assert.deepEqual(out.flags, state.flags);
    assert.deepEqual(out.text, state.text);
    assert.deepEqual([...out.set], [...state.set]);
    assert.equal(out.map.get('a'), out.again, 'sharing kept');
    assert.equal((out.again as typeof shared).when.getTime(), shared.when.getTime());
    const loop = out.map.get(7) as Record<string, unknown>;
    assert.equal(loop.self, loop, 'a cycle through a field');
    assert.equal(loop.container, out.map, 'a cycle through a Map');
    assert.deepEqual([...out.map.keys()], ['a', 7]);
    assert.ok(out.registered instanceof Registered);
    assert.equal(out.registered.n, 3);
    assert.deepEqual([...out.bytes], [1, 2, 3]);
    assert.equal(Object.getPrototypeOf(out.nullProto), null);
    assert.deepEqual(Object.entries(out.odd), Object.entries(state.odd));
    assert.equal(Object.getPrototypeOf(out.odd), Object.prototype, '"__proto__" stays a plain key');
    assert.equal(out.theRoot, root);
  });

  it('many records of a few shapes (the built path), arrays of every small length and long ones', () => {
    const records = Array.from({ length: 500 }, (_, i) =>
      i % 3 === 0 ? { id: `r-${i}`, n: i, tags: new Map([['k', String(i)]]) } : { id: `r-${i}`, n: i, list: Array.from({ length: i % 20 }, (_, j) => j) },
    );
    const out = roundTrip({ records, long: Array.from({ length: 1000 }, (_, i) => `s${i % 7}`) }) as { records: typeof records; long: string[] };
    assert.deepEqual(out.records, records);
    assert.equal(out.long.length, 1000);
    assert.equal(out.long[999], 's5');
  });

  it('refuses what it cannot carry, naming where', () => {
    assert.throws(() => encodeColumnar({ a: { f: () => 1 } }, rules), /a function at \["a","f"\]/);
    assert.throws(() => encodeColumnar({ a: new (class Other {})() }, rules), /unregistered class Other/);
    assert.throws(() => encodeColumnar({ m: new Map([[{}, 1]]) }, rules), /Map key/);
  });

  it('a truncated image is refused', () => {
    const bytes = encodeColumnar({ a: [1, 2, 3] }, rules);
    assert.throws(() => decodeColumnar(bytes.subarray(0, bytes.length - 1), rules), /truncated/);
  });

  describe('large collections decoded lazily', () => {
    /** A world-like graph: large Maps and a Set in records' fields, sharing records with small ones and with each other. */
    const sample = () => {
      const vpc = { id: 'vpc-1', cidr: '10.0.0.0/16' };
      const enis = new Map<string, object>(Array.from({ length: LAZY_MIN + 5 }, (_, i) => [`eni-${i}`, { id: `eni-${i}`, vpc, n: i }] as const));
      const taggables = new Map<string, object>([['vpc-1', vpc], ...enis]);
      const loop: Record<string, unknown> = { id: 'loop' };
      loop.self = loop; // a cycle inside the lazy section
      enis.set('loop', loop);
      const world = new Registered(1) as Registered & Record<string, unknown>;
      Object.assign(world, {
        vpcs: new Map([['vpc-1', vpc]]),
        enis,
        taggables,
        used: new Set(Array.from({ length: LAZY_MIN }, (_, i) => `mac-${i}`)),
        small: new Map([['a', 1]]),
        after: 'kept',
      });
      // A large Map also reached outside a field (an array element): it stays in the first section.
      const listed = new Map(Array.from({ length: LAZY_MIN }, (_, i) => [i, `v${i}`] as const));
      return { worlds: [world], holder: { listed }, list: [listed] };
    };

    it('the root is made first; a lazy field decodes the rest on first use, to the same graph', () => {
      const state = sample();
      const d = new ColumnarDecoding(encodeColumnar(state, rules), rules);
      assert.equal(d.done, false, 'the large collections wait');
      const out = d.state as unknown as ReturnType<typeof sample>;
      const w = out.worlds[0]!;
      assert.ok(w instanceof Registered);
      assert.equal(w.after, 'kept');
      assert.equal(out.holder.listed, out.list[0], 'a large Map met outside a field is shared, not lazy');
      assert.equal(d.done, false);
      const enis = w.enis as Map<string, object>;
      assert.equal(d.done, true, 'using a lazy field decodes everything');
      assert.equal(enis.size, LAZY_MIN + 6);
      assert.equal(enis.get('eni-7'), (w.taggables as Map<string, unknown>).get('eni-7'), 'records shared between lazy collections');
      assert.equal((enis.get('eni-7') as { vpc: unknown }).vpc, (w.vpcs as Map<string, unknown>).get('vpc-1'), 'and with the first section');
      const loop = enis.get('loop') as unknown as Record<string, unknown>;
      assert.equal(loop.self, loop, 'a cycle inside the lazy section');
      assert.deepEqual(
        Object.getOwnPropertyDescriptor(w, 'enis'),
        { value: enis, writable: true, enumerable: true, configurable: true },
        'a plain field again',
      );
      assert.deepEqual(Object.keys(w), Object.keys(state.worlds[0]!), 'fields in their order');
      assert.deepEqual(out, state);
    });

    it('decoded in steps, the same graph; a field set before it is used is kept', () => {
      const state = sample();
      const bytes = encodeColumnar(state, rules);
      const d = new ColumnarDecoding(bytes, rules);
      let steps = 0;
      while (!d.step(100)) steps++;
      assert.ok(steps > 10, `decoded in ${steps} steps`);
      assert.deepEqual(d.state, state);

      const d2 = new ColumnarDecoding(bytes, rules);
      const w = (d2.state as unknown as ReturnType<typeof sample>).worlds[0]!;
      w.used = new Set(['replaced']);
      assert.equal(d2.done, true);
      assert.deepEqual([...(w.used as Set<string>)], ['replaced']);
    });

    it('a step stops inside a large Set or Map (no step is longer than its values); strings of the lazy section come in chunks', () => {
      // 10,000 distinct strings first met in the lazy section: several chunks of them.
      const names = new Set(Array.from({ length: 10_000 }, (_, i) => `name-${i}`));
      const counts = new Map(Array.from({ length: 5_000 }, (_, i) => [i, `count-${i}`] as const));
      const state = { holder: { names, counts } };
      const d = new ColumnarDecoding(encodeColumnar(state, rules), rules);
      let steps = 0;
      while (!d.step(100)) steps++;
      // 10,000 + 10,000 values in two nodes: about 200 steps of 100, not one step per node.
      assert.ok(steps >= 190, `decoded in ${steps} steps`);
      assert.deepEqual(d.state, state);
      // Used before the steps are done: the rest is decoded at once, from the middle of a node.
      const d2 = new ColumnarDecoding(encodeColumnar(state, rules), rules);
      for (let i = 0; i < 30; i++) d2.step(100);
      assert.equal(d2.done, false);
      assert.equal((d2.state.holder as typeof state.holder).names.size, 10_000);
      assert.deepEqual(d2.state, state);
    });

    it('a damaged byte anywhere after the magic is found when the image is opened, before any of it is used', () => {
      // README "Durable state": a damaged snapshot is refused at the start, never met by a request.
      const bytes = encodeColumnar(sample(), rules);
      const sizes = COLUMNAR_MAGIC.length + 8;
      // Every byte of the sizes, the head's start and the checksum; a byte in every 61 elsewhere.
      const positions = [...Array(bytes.length).keys()].filter(
        (at) => at >= COLUMNAR_MAGIC.length && (at < sizes + 64 || at >= bytes.length - 8 || at % 61 === 0),
      );
      for (const at of positions) {
        const damaged = Buffer.from(bytes);
        damaged[at]! ^= 0x20;
        assert.throws(
          () => new ColumnarDecoding(damaged, rules),
          (e: Error) => (at < sizes ? /truncated|disagree/.test(e.message) : e instanceof DamagedImageError),
          `byte ${at} of ${bytes.length}`,
        );
      }
    });

    it('an image without large collections is decoded at once', () => {
      const plain = { a: [1, 2], m: new Map([['k', { v: 1 }]]) };
      const d = new ColumnarDecoding(encodeColumnar(plain, rules), rules);
      assert.equal(d.done, true);
      assert.deepEqual(d.state, plain);
    });
  });
});
