/**
 * The object graph of a cloud as a flat, columnar image: what a snapshot stores since the
 * structured clone of the whole graph proved too slow at scale (a V8 structured clone writes every
 * property name of every record and re-creates millions of small objects one property at a time;
 * 100,000 interfaces took seconds to decode).
 *
 * The graph is walked once, depth first, and every object becomes a *node*, written after the
 * nodes it refers to (post-order), so decoding is one forward pass in which every reference points
 * back at an object already made:
 *
 * - a node is a header (kind + one number: a shape, a length, a size, a date, a binary) followed
 *   by its values (an object's fields in its shape's order, an array's elements, a Map's keys and
 *   values, a Set's members);
 * - a value is a tag (undefined, null, booleans, number, string, bigint, reference to a node,
 *   the cloud itself, a random source) and a 32-bit number: strings are interned (an index in one
 *   table, written once however many records share them), numbers that are not 32-bit unsigned
 *   integers go to a table of doubles;
 * - an object's *shape* (its keys in order, its registered class if any) is written once; records
 *   of one shape are rebuilt by one small function per shape returning an object literal, which
 *   V8 makes with a single allocation and the right hidden class at once;
 * - typed arrays and ArrayBuffers (the address pools' bitmaps) are few and large: they travel in a
 *   V8 structured clone beside the columns, with the tables.
 *
 * Large collections are decoded lazily (layout 2): a Map or Set of at least LAZY_MIN entries held
 * in a record's field is not written where it is met but after the root, in a second section,
 * and the field holds a *lazy* value. Decoding stops after the first section (everything but
 * those collections and what only they reach) with the root made; each lazy field becomes an
 * accessor that decodes the rest on first use, and a caller may decode the rest in steps
 * meanwhile (`step`). The second section refers back to the first, never the other way round.
 *
 * Layout 3 cuts the strings first met in the lazy section into chunks, each read when decoding
 * first refers to one of its strings (a step stays small however many strings there are), and
 * ends with a CRC-32 of everything before it: damaged bytes are found when the image is opened,
 * not by a request that meets them later.
 *
 * Sharing is kept (an object reached twice is one node, referred to twice). A reference to an
 * object still being written (a cycle) is written as undefined and patched after every node is
 * made. What may be in the graph and what stops the encoding are the rules of cloud-image.ts.
 */
import { deserialize, serialize } from 'node:v8';
import { crc32 } from 'node:zlib';

/** The first bytes of a columnar image (a structured clone starts with 0xFF, V8's version tag). */
export const COLUMNAR_MAGIC = Buffer.from('ec2net-columnar-image\n');
const LAYOUT_VERSION = 3;
/** Layouts this ec2net decodes (1: one section, no lazy values; 2: lazy strings in one piece, no checksum). */
const KNOWN_LAYOUTS: ReadonlySet<number> = new Set([1, 2, 3]);
/** Strings per chunk of the lazy section's strings (layout 3). */
const LAZY_STRING_CHUNK = 4096;
/** A Map or Set in a record's field with at least this many entries is decoded lazily. */
export const LAZY_MIN = 1024;

// Value tags.
const V_UNDEFINED = 0;
const V_NULL = 1;
const V_FALSE = 2;
const V_TRUE = 3;
const V_UINT = 4;
const V_DOUBLE = 5;
const V_STRING = 6;
const V_BIGINT = 7;
const V_REF = 8;
const V_ROOT = 9;
const V_RANDOM = 10;
const V_LAZY = 11;
// Node tags.
const N_OBJECT = 16;
const N_ARRAY = 17;
const N_MAP = 18;
const N_SET = 19;
const N_DATE = 20;
const N_BINARY = 21;

/** One step from a container to a value: an object property / array index, or a Map key. */
export type Step = string | number | { readonly mapKey: unknown };

export interface GraphRules {
  /** The registered class name of a prototype (undefined: not registered). */
  className(proto: object): string | undefined;
  /** The prototype of a registered class name (undefined: unknown to this ec2net). */
  classPrototype(name: string): object | undefined;
  /** A value written as the root (the cloud itself): restored as the given root. */
  readonly root: object;
  /** Whether `value` is a random source, written as its seed and position. */
  isRandom(value: object): boolean;
  randomState(value: object): { seed: string; position: string };
  makeRandom(state: { seed: string; position: string }): object;
  /** Throws: `what` sits at `path` (and `advice` says what to do). */
  fail(what: string, path: readonly Step[], advice?: string): never;
}

interface Shape {
  readonly keys: string[];
  /** Registered class name; null for an object without prototype; undefined for a plain object. */
  readonly cls?: string | null;
  /** Objects of this shape in the image (a builder function is worth compiling only for many). */
  uses: number;
}

interface Tables {
  readonly layout: number;
  readonly count: number;
  readonly strings: string[];
  readonly doubles: Float64Array;
  readonly bigints: bigint[];
  readonly binaries: unknown[];
  readonly randoms: { seed: string; position: string }[];
  readonly shapes: Shape[];
  /** Cycles: [node, 0 = property / 1 = Map value, key, target node]. */
  readonly patches: unknown[];
  /** Layout 2: the value position where the lazy section begins, and the root's node. */
  readonly eagerValues?: number;
  readonly rootNode?: number;
  /** Layout 2: each lazy collection's node. */
  readonly lazyNodes?: number[];
  /** Layout 2: the fields holding a lazy collection: [owner node, key, lazy index]… */
  readonly lazyFields?: unknown[];
  /** Layout 2: strings first met in the lazy section (they follow `strings`), a structured clone of their own. */
  readonly lazyStrings?: Uint8Array;
  /** Layout 3: the same strings in chunks of LAZY_STRING_CHUNK, each a structured clone of its own. */
  readonly lazyStringChunks?: Uint8Array[];
}

/** Encodes `state` (an object graph) into a columnar image. */
export function encodeColumnar(state: object, rules: GraphRules): Buffer {
  let tags = new Uint8Array(1 << 16);
  let nums = new Uint32Array(1 << 16);
  let n = 0;
  const strings: string[] = [];
  const stringIds = new Map<string, number>();
  const doubles: number[] = [];
  const bigints: bigint[] = [];
  const binaries: unknown[] = [];
  const randoms: { seed: string; position: string }[] = [];
  const randomIds = new Map<object, number>();
  const shapes: Shape[] = [];
  const shapeIds = new Map<string, number>();
  /** Nodes written, by object; -1 while an object is open (its descendants are being written first). */
  const nodeIds = new Map<object, number>();
  let nodes = 0;
  const patches: { node: number; map: boolean; key: unknown; target: object }[] = [];
  const path: Step[] = [];
  /** Large collections met in records' fields while writing the first section, with their lazy index. */
  const lazyIds = new Map<object, number>();
  const lazyObjects: object[] = [];
  const lazyFields: unknown[] = [];
  let deferring = true;

  const put = (tag: number, num: number) => {
    if (n === tags.length) {
      const t = new Uint8Array(n * 2);
      t.set(tags);
      tags = t;
      const u = new Uint32Array(n * 2);
      u.set(nums);
      nums = u;
    }
    tags[n] = tag;
    nums[n++] = num;
  };

  const stringId = (s: string) => {
    let id = stringIds.get(s);
    if (id === undefined) {
      id = strings.length;
      strings.push(s);
      stringIds.set(s, id);
    }
    return id;
  };

  /** Writes a value whose objects are already written (or open: a cycle, patched later). */
  const value = (v: unknown, node: number, map: boolean, key: unknown) => {
    switch (typeof v) {
      case 'undefined':
      case 'function': // wiring of a helper (checked in `prepare`), restored from the fresh cloud
        return put(V_UNDEFINED, 0);
      case 'boolean':
        return put(v ? V_TRUE : V_FALSE, 0);
      case 'number':
        if (v >>> 0 === v && !Object.is(v, -0)) return put(V_UINT, v);
        doubles.push(v);
        return put(V_DOUBLE, doubles.length - 1);
      case 'string':
        return put(V_STRING, stringId(v));
      case 'bigint':
        bigints.push(v);
        return put(V_BIGINT, bigints.length - 1);
      case 'symbol':
        return rules.fail('a symbol', path, 'state must be plain data');
    }
    if (v === null) return put(V_NULL, 0);
    const o = v as object;
    const id = nodeIds.get(o);
    // A node refers back to what is already made, but not to itself (made once its values are read).
    if (id !== undefined && id >= 0 && id !== node) return put(V_REF, id);
    if (o === rules.root) return put(V_ROOT, 0);
    if (rules.isRandom(o)) {
      let r = randomIds.get(o);
      if (r === undefined) {
        r = randoms.length;
        randoms.push(rules.randomState(o));
        randomIds.set(o, r);
      }
      return put(V_RANDOM, r);
    }
    const lazy = lazyIds.get(o);
    if (lazy !== undefined && typeof key === 'string' && !map) {
      lazyFields.push(node, key, lazy);
      return put(V_LAZY, lazy);
    }
    // Open: an ancestor of the node being written.
    patches.push({ node, map, key, target: o });
    return put(V_UNDEFINED, 0);
  };

  /** Before a node's header: writes the objects it refers to that are not written yet. */
  const prepare = (v: unknown, step: Step, helper: boolean) => {
    if (typeof v === 'function') {
      if (!helper) rules.fail('a function', [...path, step], 'state must be plain data');
      return;
    }
    if (v === null || typeof v !== 'object') return;
    if (nodeIds.has(v) || v === rules.root || rules.isRandom(v)) return;
    if (deferring && typeof step === 'string' && (v instanceof Map || v instanceof Set) && v.size >= LAZY_MIN) {
      if (!lazyIds.has(v)) {
        lazyIds.set(v, lazyObjects.length);
        lazyObjects.push(v);
      }
      return;
    }
    path.push(step);
    write(v, false);
    path.pop();
  };

  /** The shapes met last, newest first: records of one collection mostly share one, found without building its key. */
  const recent: number[] = [];
  const sameKeys = (a: readonly string[], b: readonly string[]) => {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  };
  const shapeOf = (keys: string[], cls: string | null | undefined): number => {
    for (let i = 0; i < recent.length; i++) {
      const id = recent[i]!;
      const s = shapes[id]!;
      if (s.cls === cls && sameKeys(s.keys, keys)) {
        if (i > 0) {
          recent.splice(i, 1);
          recent.unshift(id);
        }
        return id;
      }
    }
    const shapeKey = `${cls === undefined ? '' : cls === null ? '\u0001' : `${cls}\u0002`}\u0000${keys.join('\u0000')}`;
    let shape = shapeIds.get(shapeKey);
    if (shape === undefined) {
      shape = shapes.length;
      shapes.push(cls === undefined ? { keys, uses: 0 } : { keys, cls, uses: 0 });
      shapeIds.set(shapeKey, shape);
    }
    recent.unshift(shape);
    if (recent.length > 8) recent.pop();
    return shape;
  };

  const header = (o: object, tag: number, num: number) => {
    put(tag, num);
    const id = nodes++;
    nodeIds.set(o, id);
    return id;
  };

  const write = (o: object, topLevel: boolean): void => {
    nodeIds.set(o, -1);
    if (Array.isArray(o)) {
      for (let i = 0; i < o.length; i++) prepare(o[i], i, false);
      const id = header(o, N_ARRAY, o.length);
      for (let i = 0; i < o.length; i++) value(o[i], id, false, i);
    } else if (o instanceof Map) {
      for (const [k, v] of o) {
        if (k !== null && (typeof k === 'object' || typeof k === 'function')) rules.fail('an object used as a Map key', path);
        prepare(v, { mapKey: k }, false);
      }
      const id = header(o, N_MAP, o.size);
      for (const [k, v] of o) {
        value(k, id, false, undefined);
        value(v, id, true, k);
      }
    } else if (o instanceof Set) {
      for (const m of o) {
        if (m !== null && (typeof m === 'object' || typeof m === 'function')) rules.fail('an object in a Set', path, 'use a Map keyed by id');
      }
      const id = header(o, N_SET, o.size);
      for (const m of o) value(m, id, false, undefined);
    } else if (o instanceof Date) {
      doubles.push(o.getTime());
      header(o, N_DATE, doubles.length - 1);
    } else if (ArrayBuffer.isView(o) || o instanceof ArrayBuffer) {
      binaries.push(o);
      header(o, N_BINARY, binaries.length - 1);
    } else {
      const proto = Object.getPrototypeOf(o) as object | null;
      let cls: string | null | undefined;
      if (proto === null) cls = null;
      else if (proto !== Object.prototype) {
        cls = rules.className(proto);
        if (cls === undefined) {
          const name = String((proto as { constructor?: { name?: string } }).constructor?.name);
          rules.fail(`an instance of unregistered class ${name}`, path, 'register it in persisted-classes.ts');
        }
      }
      // Functions are wiring only in the cloud's own helper objects (class instances right under the cloud).
      const helper = topLevel && typeof cls === 'string';
      const keys = Object.keys(o);
      const rec = o as Record<string, unknown>;
      for (const k of keys) prepare(rec[k], k, helper);
      const shape = shapeOf(keys, cls);
      shapes[shape]!.uses++;
      const id = header(o, N_OBJECT, shape);
      for (const k of keys) value(rec[k], id, false, k);
    }
  };

  // The state object itself: its values are the cloud's top-level fields (helpers among them).
  nodeIds.set(state, -1);
  const rec = state as Record<string, unknown>;
  const keys = Object.keys(rec);
  for (const k of keys) {
    const v = rec[k];
    if (v === null || typeof v !== 'object' || nodeIds.has(v) || v === rules.root || rules.isRandom(v)) continue;
    path.push(k);
    write(v, true);
    path.pop();
  }
  shapes.push({ keys, uses: 1 });
  const rootId = header(state, N_OBJECT, shapes.length - 1);
  for (const k of keys) value(rec[k], rootId, false, k);

  // The lazy section: the large collections (one met again in the first section is there already).
  const eagerValues = n;
  const eagerStrings = strings.length;
  deferring = false;
  const lazyNodes = lazyObjects.map((o) => {
    if (!nodeIds.has(o)) {
      path.push('(lazy)');
      write(o, false);
      path.pop();
    }
    return nodeIds.get(o)!;
  });

  const tables: Tables = {
    layout: LAYOUT_VERSION,
    count: n,
    strings: strings.slice(0, eagerStrings),
    lazyStringChunks: chunksOf(strings, eagerStrings),
    doubles: Float64Array.from(doubles),
    bigints,
    binaries,
    randoms,
    shapes,
    patches: patches.flatMap((p) => [p.node, p.map ? 1 : 0, p.key, nodeIds.get(p.target)]),
    eagerValues,
    rootNode: rootId,
    lazyNodes,
    lazyFields,
  };
  const head = serialize(tables);
  const sizes = Buffer.alloc(8);
  sizes.writeUInt32LE(head.length, 0);
  sizes.writeUInt32LE(n, 4);
  // nums first, 4-byte aligned after the header, then tags.
  const pad = Buffer.alloc((4 - ((COLUMNAR_MAGIC.length + 8 + head.length) % 4)) % 4);
  const parts = [COLUMNAR_MAGIC, sizes, head, pad, Buffer.from(nums.buffer, nums.byteOffset, n * 4), Buffer.from(tags.buffer, tags.byteOffset, n)];
  // The checksum trailer: a CRC-32 of every byte before it.
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32LE(parts.reduce((crc, part) => crc32(part, crc), 0));
  return Buffer.concat([...parts, checksum]);
}

/** The strings from `from` on, in chunks of LAZY_STRING_CHUNK, each a structured clone. */
function chunksOf(strings: readonly string[], from: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let i = from; i < strings.length; i += LAZY_STRING_CHUNK) chunks.push(serialize(strings.slice(i, i + LAZY_STRING_CHUNK)));
  return chunks;
}

/** An image whose bytes changed after it was written (its checksum does not match). */
export class DamagedImageError extends Error {
  constructor() {
    super('the snapshot is damaged: its checksum does not match its bytes (changed on disk after it was written)');
  }
}

export function isColumnar(bytes: Buffer): boolean {
  return bytes.length >= COLUMNAR_MAGIC.length && bytes.subarray(0, COLUMNAR_MAGIC.length).equals(COLUMNAR_MAGIC);
}

/** Reads values in order; one object, so the builders' calls to `v()` stay monomorphic. */
class Reader {
  pos = 0;
  readonly objs: unknown[] = [];
  randomObjs: unknown[] = [];
  /** Strings read so far (those of the lazy section come in chunks, when first referred to). */
  stringsRead: number;
  /** Reads the chunks of lazy strings up to string `x`, which it returns. */
  moreStrings: (x: number) => string = (x) => {
    throw new Error(`string ${x} is not in the image`);
  };
  constructor(
    readonly tags: Uint8Array,
    readonly nums: Uint32Array,
    readonly t: Tables,
    readonly root: object,
  ) {
    this.stringsRead = t.strings.length;
  }

  v(): unknown {
    const p = this.pos++;
    const x = this.nums[p]!;
    switch (this.tags[p]) {
      case V_STRING:
        return x < this.stringsRead ? this.t.strings[x]! : this.moreStrings(x);
      case V_REF:
        return this.objs[x];
      case V_UINT:
        return x;
      case V_UNDEFINED:
        return undefined;
      case V_FALSE:
        return false;
      case V_TRUE:
        return true;
      case V_NULL:
        return null;
      case V_DOUBLE:
        return this.t.doubles[x];
      case V_BIGINT:
        return this.t.bigints[x];
      case V_ROOT:
        return this.root;
      case V_RANDOM:
        return this.randomObjs[x];
      case V_LAZY:
        return undefined; // made an accessor once its owner is made (see ColumnarDecoding)
    }
    throw new Error(`bad value tag ${this.tags[p]} at ${p}`);
  }
}

type Builder = (r: Reader) => Record<string, unknown>;

/** A shape's builder: an object literal for shapes many records share, else properties one by one. */
function builderOf(shape: Shape): Builder {
  const { keys } = shape;
  if (shape.uses >= 8 && keys.length <= 64 && !keys.includes('__proto__')) {
    // The keys are data, quoted as JSON string literals: the body is only `{"k": r.v(), …}`.
    const body = `return {${keys.map((k) => `${JSON.stringify(k)}: r.v()`).join(', ')}};`;
    return new Function('r', body) as Builder;
  }
  return (r) => {
    const o: Record<string, unknown> = {};
    for (const k of keys) {
      if (k === '__proto__') Object.defineProperty(o, k, { value: r.v(), enumerable: true, writable: true, configurable: true });
      else o[k] = r.v();
    }
    return o;
  };
}

/** Arrays shorter than this are made by a literal of their length (one allocation, no growth). */
const SMALL_ARRAY = 16;
const smallArrays: ((r: Reader) => unknown[])[] = [];
const smallArrayBuilder = (length: number) => new Function('r', `return [${Array.from({ length }, () => 'r.v()').join(', ')}];`) as (r: Reader) => unknown[];

/** Decodes a columnar image back into the object graph it was made from (the state object), all of it. */
export function decodeColumnar(bytes: Buffer, rules: GraphRules): Record<string, unknown> {
  const decoding = new ColumnarDecoding(bytes, rules);
  decoding.finish();
  return decoding.state;
}

/**
 * A columnar image being decoded: made, it has decoded the first section (`state` is the root);
 * the large collections are decoded on first use of a field holding one (`finish`), or in steps
 * (`step`) meanwhile.
 */
export class ColumnarDecoding {
  /** The state object (the graph's root). */
  readonly state: Record<string, unknown>;
  private readonly r: Reader;
  private readonly t: Tables;
  private readonly count: number;
  private readonly prototypes: (object | null | undefined)[];
  private readonly builders: Builder[];
  private readonly eagerNodes: number;
  private lazyLeft: { owner: object; key: string; node: number }[] = [];
  private finished = false;
  /** A large container read part way by the last step. */
  private partial?: PartialNode;

  constructor(bytes: Buffer, rules: GraphRules) {
    let at = COLUMNAR_MAGIC.length;
    if (bytes.length < at + 8) throw new Error('image truncated');
    const headLength = bytes.readUInt32LE(at);
    const count = bytes.readUInt32LE(at + 4);
    at += 8;
    const valuesAt = at + headLength + ((4 - ((at + headLength) % 4)) % 4);
    const end = valuesAt + count * 5;
    // Layout 3 ends with a checksum of the rest, checked before anything is read from it.
    const checked = bytes.length === end + 4;
    if (checked && crc32(bytes.subarray(0, end)) !== bytes.readUInt32LE(end)) throw new DamagedImageError();
    if (!checked && bytes.length !== end) throw new Error(bytes.length < end + 4 ? 'image truncated' : 'image sizes disagree');
    const t = deserialize(bytes.subarray(at, at + headLength)) as Tables;
    if (!KNOWN_LAYOUTS.has(t.layout)) throw new Error(`image layout ${t.layout} is not known to this ec2net`);
    if (t.count !== count) throw new Error('image sizes disagree');
    if (checked !== t.layout >= 3) throw new Error(`image of layout ${t.layout} ${checked ? 'with' : 'without'} a checksum`);
    at = valuesAt;
    const numBytes = bytes.subarray(at, at + count * 4);
    // A Uint32Array view needs 4-byte alignment in its buffer: copied when the bytes are not.
    const nums =
      numBytes.byteOffset % 4 === 0 ? new Uint32Array(numBytes.buffer, numBytes.byteOffset, count) : new Uint32Array(Uint8Array.from(numBytes).buffer);
    const tags = new Uint8Array(bytes.buffer, bytes.byteOffset + at + count * 4, count);
    this.t = t;
    this.count = count;
    this.prototypes = t.shapes.map((s) => {
      if (s.cls === undefined) return undefined;
      if (s.cls === null) return null;
      const proto = rules.classPrototype(s.cls);
      if (proto === undefined) throw new Error(`the snapshot holds a ${s.cls}, which this ec2net does not know`);
      return proto;
    });
    this.builders = t.shapes.map(builderOf);
    const r = new Reader(tags, nums, t, rules.root);
    r.randomObjs = t.randoms.map((s) => rules.makeRandom(s));
    const chunks = t.lazyStringChunks ?? (t.lazyStrings ? [t.lazyStrings] : []);
    let nextChunk = 0;
    r.moreStrings = (x) => {
      while (x >= r.stringsRead && nextChunk < chunks.length) {
        for (const str of deserialize(chunks[nextChunk++]!) as string[]) t.strings.push(str);
        r.stringsRead = t.strings.length;
      }
      if (x >= r.stringsRead) throw new Error(`string ${x} is not in the image`);
      return t.strings[x]!;
    };
    this.r = r;
    this.nodes(t.eagerValues ?? count);
    this.eagerNodes = r.objs.length;
    this.patch(true);
    this.state = r.objs[t.rootNode ?? r.objs.length - 1] as Record<string, unknown>;
    const lazyNodes = t.lazyNodes ?? [];
    const fields = t.lazyFields ?? [];
    for (let i = 0; i < fields.length; i += 3) {
      const owner = r.objs[fields[i] as number] as Record<string, unknown>;
      const key = fields[i + 1] as string;
      const node = lazyNodes[fields[i + 2] as number]!;
      if (node < this.eagerNodes) owner[key] = r.objs[node];
      else {
        this.lazyLeft.push({ owner, key, node });
        this.makeLazy(owner, key);
      }
    }
    if (this.lazyLeft.length === 0) this.complete();
  }

  /** Whether everything is decoded. */
  get done(): boolean {
    return this.finished;
  }

  /** Whether `owner[key]` is a lazy field not decoded yet. */
  isLazy(owner: object, key: string): boolean {
    return this.lazyLeft.some((f) => f.owner === owner && f.key === key);
  }

  /** Moves a lazy field to another object (which gets the accessor; `from` loses the field). */
  moveLazy(from: object, key: string, to: object): void {
    const field = this.lazyLeft.find((f) => f.owner === from && f.key === key);
    if (!field) throw new Error(`${key} is not a lazy field`);
    field.owner = to;
    delete (from as Record<string, unknown>)[key];
    this.makeLazy(to as Record<string, unknown>, key);
  }

  private makeLazy(owner: Record<string, unknown>, key: string): void {
    Object.defineProperty(owner, key, {
      configurable: true,
      enumerable: true,
      get: () => {
        this.finish();
        return owner[key];
      },
      set: (v: unknown) => {
        this.finish();
        owner[key] = v;
      },
    });
  }

  /** Decodes about `values` more values of the lazy section; true once everything is decoded. */
  step(values: number): boolean {
    if (this.finished) return true;
    this.nodes(Math.min(this.count, this.r.pos + values));
    if (this.r.pos >= this.count) this.complete();
    return this.finished;
  }

  /** Decodes the rest at once. */
  finish(): void {
    if (this.finished) return;
    this.nodes(this.count);
    this.complete();
  }

  private complete(): void {
    if (this.finished) return;
    this.finished = true;
    this.patch(false);
    for (const { owner, key, node } of this.lazyLeft) {
      Object.defineProperty(owner, key, { value: this.r.objs[node], writable: true, enumerable: true, configurable: true });
    }
    this.lazyLeft = [];
  }

  /** Cycles patched: those within the first section (`eager`), or the rest. */
  private patch(eager: boolean): void {
    const { patches } = this.t;
    const objs = this.r.objs;
    for (let i = 0; i < patches.length; i += 4) {
      const nodeId = patches[i] as number;
      const targetId = patches[i + 3] as number;
      if (Math.max(nodeId, targetId) < this.eagerNodes !== eager) continue;
      const node = objs[nodeId];
      const key = patches[i + 2];
      const target = objs[targetId];
      if (patches[i + 1] === 1) (node as Map<unknown, unknown>).set(key, target);
      else (node as Record<string, unknown>)[key as string] = target;
    }
  }

  /**
   * Decodes nodes until the value position reaches `until`. A large Map, Set or array may stop
   * part way (`partial`) and go on at the next call: no step is longer than its values. Nothing
   * refers to it before it is whole (references only point back at earlier nodes).
   */
  private nodes(until: number): void {
    const { r, t, builders, prototypes } = this;
    const { tags, nums, objs } = r;
    if (this.partial && !this.fill(this.partial, until)) return;
    while (r.pos < until) {
      const p = r.pos++;
      const x = nums[p]!;
      switch (tags[p]) {
        case N_OBJECT: {
          const o = builders[x]!(r);
          const proto = prototypes[x];
          if (proto !== undefined) Object.setPrototypeOf(o, proto);
          objs.push(o);
          break;
        }
        case N_ARRAY: {
          if (x < SMALL_ARRAY) {
            objs.push((smallArrays[x] ??= smallArrayBuilder(x))(r));
            break;
          }
          if (!this.fill({ tag: N_ARRAY, container: [], left: x }, until)) return;
          break;
        }
        case N_MAP:
          if (!this.fill({ tag: N_MAP, container: new Map(), left: x }, until)) return;
          break;
        case N_SET:
          if (!this.fill({ tag: N_SET, container: new Set(), left: x }, until)) return;
          break;
        case N_DATE:
          objs.push(new Date(t.doubles[x]!));
          break;
        case N_BINARY:
          objs.push(t.binaries[x]);
          break;
        default:
          throw new Error(`bad node tag ${tags[p]} at ${p}`);
      }
    }
  }

  /** Reads a container's entries until it is whole (pushed as the next node: true) or `until` is reached (kept as `partial`). */
  private fill(c: PartialNode, until: number): boolean {
    const r = this.r;
    let left = c.left;
    if (c.tag === N_MAP) {
      const m = c.container as Map<unknown, unknown>;
      for (; left > 0 && r.pos < until; left--) {
        const k = r.v();
        m.set(k, r.v());
      }
    } else if (c.tag === N_SET) {
      const s = c.container as Set<unknown>;
      for (; left > 0 && r.pos < until; left--) s.add(r.v());
    } else {
      const a = c.container as unknown[];
      for (; left > 0 && r.pos < until; left--) a.push(r.v());
    }
    c.left = left;
    if (left > 0) {
      this.partial = c;
      return false;
    }
    this.partial = undefined;
    r.objs.push(c.container);
    return true;
  }
}

/** A Map, Set or array node being read across steps. */
interface PartialNode {
  readonly tag: number;
  readonly container: Map<unknown, unknown> | Set<unknown> | unknown[];
  /** Entries still to read. */
  left: number;
}
