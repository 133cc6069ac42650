/**
 * A whole cloud as bytes and back: the generic snapshot behind durable state and exports.
 *
 * Today's images are columnar (columnar-image.ts): one walk of the graph writes every object once,
 * its records' field names once per shape and its strings once. Images of the first encoding (a V8
 * structured clone of the graph with fixups by path, described below) are still decoded: they are
 * what data directories and export files of earlier releases hold.
 *
 * The cloud is an object graph of plain records (Maps, arrays, Sets, Dates, bigints, typed
 * arrays) plus a few classes (pools, CIDRs, indexes, the world itself). V8's structured clone
 * (`v8.serialize`) carries plain data natively, shared references and cycles included, and
 * fast; what it cannot carry is found by one walk of the graph first and noted as "fixups" by
 * path:
 *
 * - an instance of a registered class (persisted-classes.ts) keeps its fields; on restore it gets
 *   its prototype back;
 * - the cloud itself, referenced from inside (a world's `cloud`), is restored as the cloud it is
 *   restored into;
 * - the random source is carried as its seed and position (a cipher cannot be cloned);
 * - functions are wiring, not state: allowed only as fields of the cloud's own helper objects
 *   (the id generator's and the public pools' draw functions), which are merged into the fresh
 *   cloud's helpers instead of replacing them.
 *
 * Anything else — an unregistered class, a function inside a record, an object used as a Map
 * key — stops the snapshot with the path where it sits: a new resource family that keeps its
 * state as plain data is carried with no code here, and one that does not is caught by the
 * round-trip test instead of being lost silently.
 *
 * The cloud's configuration (quotas, timings, the clock, strict images, the default account)
 * is not state: a restored cloud keeps the configuration it was built with (today's flags).
 */
import { deserialize, serialize } from 'node:v8';
import { Cloud, RegionState } from '../engine/cloud.js';
import type { IpAllocation } from '../engine/ipam.js';
import { SeededRandom } from '../engine/random.js';
import { ColumnarDecoding, DamagedImageError, encodeColumnar, isColumnar, type GraphRules } from './columnar-image.js';
import { PERSISTED_CLASSES } from './persisted-classes.js';

/** Cloud fields that are configuration or wiring: taken from the cloud restored into, never from the image. */
export const CLOUD_CONFIG_FIELDS: ReadonlySet<string> = new Set([
  'defaultAccountId',
  'clock',
  'realClock',
  'frozenAt',
  'quotas',
  'timings',
  'strictImages',
  'ipAllocation',
]);

/** Fields of the cloud's helper objects that are configuration (restored from the fresh cloud's helper). */
const HELPER_CONFIG_FIELDS: Readonly<Record<string, readonly string[]>> = { PublicIpPools: ['configured'] };

/** One step from a container to a value: an object property / array index, or a Map key. */
type Step = string | number | { readonly mapKey: unknown };

type Fixup =
  | { readonly path: Step[]; readonly kind: 'class'; readonly name: string }
  | { readonly path: Step[]; readonly kind: 'root' }
  | { readonly path: Step[]; readonly kind: 'random'; readonly seed: string; readonly position: string };

interface Image {
  readonly fixups: Fixup[];
  readonly state: Record<string, unknown>;
}

export class SnapshotError extends Error {}

const CLASS_NAMES = new Map<unknown, string>(Object.entries(PERSISTED_CLASSES).map(([name, ctor]) => [ctor.prototype, name]));

const isLeaf = (v: object) => v instanceof Date || ArrayBuffer.isView(v) || v instanceof ArrayBuffer;

const showPath = (path: readonly Step[]) =>
  path.map((s) => (typeof s === 'object' ? `[${String(s.mapKey)}]` : typeof s === 'number' ? `[${s}]` : `.${s}`)).join('') || '(cloud)';

/** The cloud's state: its fields but its configuration. */
function stateOf(cloud: Cloud): Record<string, unknown> {
  const source = cloud as unknown as Record<string, unknown>;
  const state: Record<string, unknown> = {};
  for (const key of Object.keys(source)) if (!CLOUD_CONFIG_FIELDS.has(key)) state[key] = source[key];
  return state;
}

/** What a cloud's graph may hold, for the columnar codec. */
function rulesFor(cloud: Cloud): GraphRules {
  return {
    root: cloud,
    className: (proto) => CLASS_NAMES.get(proto),
    classPrototype: (name) => PERSISTED_CLASSES[name as keyof typeof PERSISTED_CLASSES]?.prototype as object | undefined,
    isRandom: (v) => v instanceof SeededRandom,
    randomState: (v) => ({ seed: (v as SeededRandom).seed, position: (v as SeededRandom).position() }),
    makeRandom: ({ seed, position }) => {
      const random = new SeededRandom(seed);
      random.seek(position);
      return random;
    },
    fail: (what, path, advice) => {
      throw new SnapshotError(`${what} at ${showPath(path)}${advice ? `: ${advice}` : ''}`);
    },
  };
}

/** Serializes the cloud's state (everything but its configuration). Synchronous: nothing changes meanwhile. */
export function encodeCloud(cloud: Cloud): Buffer {
  return encodeColumnar(stateOf(cloud), rulesFor(cloud));
}

/** The first encoding (a structured clone of the graph with fixups): kept for the tests that prove old images still decode. */
export function encodeCloudAsGraphClone(cloud: Cloud): Buffer {
  const state = stateOf(cloud);
  const fixups: Fixup[] = [];
  /** Values replaced for the duration of the serialization, put back afterwards. */
  const undo: (() => void)[] = [];
  const seen = new Set<object>();
  const path: Step[] = [];

  const replace = (container: object, step: Step, value: unknown) => {
    if (container instanceof Map) {
      const key = (step as { mapKey: unknown }).mapKey;
      const original = container.get(key);
      container.set(key, value);
      undo.push(() => container.set(key, original));
    } else {
      const c = container as Record<string | number, unknown>;
      const k = step as string | number;
      const original = c[k];
      c[k] = value;
      undo.push(() => {
        c[k] = original;
      });
    }
  };

  /** `helper`: the container is one of the cloud's own helper objects, where functions are wiring. */
  const visit = (value: unknown, container: object, step: Step, helper: boolean): void => {
    if (typeof value === 'function') {
      if (!helper) throw new SnapshotError(`a function at ${showPath([...path, step])}: state must be plain data`);
      replace(container, step, undefined);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    if (value === cloud) {
      fixups.push({ path: [...path, step], kind: 'root' });
      replace(container, step, null);
      return;
    }
    if (value instanceof SeededRandom) {
      fixups.push({ path: [...path, step], kind: 'random', seed: value.seed, position: value.position() });
      replace(container, step, null);
      return;
    }
    if (seen.has(value) || isLeaf(value)) return;
    seen.add(value);
    path.push(step);
    try {
      walk(value, path.length === 1);
    } finally {
      path.pop();
    }
  };

  const walk = (value: object, topLevel: boolean): void => {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) visit(value[i], value, i, false);
      return;
    }
    if (value instanceof Map) {
      for (const [k, v] of value) {
        if (k !== null && typeof k === 'object') throw new SnapshotError(`an object used as a Map key at ${showPath(path)}`);
        visit(v, value, { mapKey: k }, false);
      }
      return;
    }
    if (value instanceof Set) {
      for (const member of value) {
        if (member !== null && (typeof member === 'object' || typeof member === 'function')) {
          throw new SnapshotError(`an object in a Set at ${showPath(path)}: use a Map keyed by id`);
        }
      }
      return;
    }
    const proto = Object.getPrototypeOf(value);
    let helper = false;
    if (proto !== Object.prototype && proto !== null) {
      const name = CLASS_NAMES.get(proto);
      if (name === undefined) {
        throw new SnapshotError(
          `an instance of unregistered class ${String(proto?.constructor?.name)} at ${showPath(path)}: register it in persisted-classes.ts`,
        );
      }
      fixups.push({ path: [...path], kind: 'class', name });
      helper = topLevel;
    }
    for (const key of Object.keys(value)) visit((value as Record<string, unknown>)[key], value, key, helper);
  };

  try {
    for (const key of Object.keys(state)) visit(state[key], state, key, false);
    return serialize({ fixups, state } satisfies Image);
  } finally {
    for (let i = undo.length - 1; i >= 0; i--) undo[i]!();
  }
}

const stepInto = (container: unknown, step: Step): unknown =>
  typeof step === 'object' ? (container as Map<unknown, unknown>).get(step.mapKey) : (container as Record<string | number, unknown>)[step];

const setAt = (container: unknown, step: Step, value: unknown) => {
  if (typeof step === 'object') (container as Map<unknown, unknown>).set(step.mapKey, value);
  else (container as Record<string | number, unknown>)[step] = value;
};

/** What is left of decoding an image: its large collections, decoded on first use or in steps. */
export interface PendingDecode {
  /** Whether everything is decoded. */
  readonly done: boolean;
  /** Decodes about `values` more of the image's values; true once everything is decoded. */
  step(values: number): boolean;
  /** Decodes the rest at once. */
  finish(): void;
}

const DECODED: PendingDecode = { done: true, step: () => true, finish: () => {} };

/**
 * Restores an image into `cloud`, a fresh cloud built with today's configuration: its state
 * fields are replaced by the image's (its helpers keep their wiring and configuration).
 */
export function decodeCloud(bytes: Buffer, cloud: Cloud): void {
  openCloud(bytes, cloud).finish();
}

/**
 * Like decodeCloud, but the image's large collections (columnar layouts 2 and 3) are left to decode on
 * first use, or in steps through what this returns: the cloud answers at once meanwhile.
 */
export function openCloud(bytes: Buffer, cloud: Cloud): PendingDecode {
  let state: Record<string, unknown>;
  let pending = DECODED;
  if (isColumnar(bytes)) {
    let decoding: ColumnarDecoding;
    try {
      decoding = new ColumnarDecoding(bytes, rulesFor(cloud));
    } catch (e) {
      if (e instanceof SnapshotError || e instanceof DamagedImageError) throw e;
      throw new SnapshotError(`the snapshot does not decode: ${(e as Error).message}`);
    }
    state = decoding.state;
    pending = decoding;
    mergeState(state, cloud, decoding);
  } else mergeState(decodeGraphClone(bytes, cloud), cloud);
  for (const world of cloud.allRegions()) addFieldsNewerThanImage(world);
  return pending;
}

/**
 * A world written by an earlier release lacks the families added since (a Map of prefix lists,
 * say): it gets them as a new world would have them, empty, so every reader can rely on them.
 */
function addFieldsNewerThanImage(world: RegionState): void {
  const fresh = new RegionState(world.cloud, world.accountId, world.info) as unknown as Record<string, unknown>;
  const restored = world as unknown as Record<string, unknown>;
  // Not today's choice but the one such a world was made with: it picked the lowest free addresses.
  if (!('ipAllocation' in restored)) restored.ipAllocation = 'lowest' satisfies IpAllocation;
  for (const key of Object.keys(fresh)) if (!(key in restored)) restored[key] = fresh[key];
}

/** Decodes an image of the first encoding (a structured clone of the graph, fixups by path). */
function decodeGraphClone(bytes: Buffer, cloud: Cloud): Record<string, unknown> {
  const image = deserialize(bytes) as Image;
  const { state } = image;
  for (const fixup of image.fixups) {
    let container: unknown = state;
    for (let i = 0; i < fixup.path.length - 1; i++) container = stepInto(container, fixup.path[i]!);
    const last = fixup.path[fixup.path.length - 1]!;
    switch (fixup.kind) {
      case 'class': {
        const ctor = PERSISTED_CLASSES[fixup.name as keyof typeof PERSISTED_CLASSES];
        if (!ctor) throw new SnapshotError(`the snapshot holds a ${fixup.name}, which this ec2net does not know`);
        Object.setPrototypeOf(stepInto(container, last), ctor.prototype);
        break;
      }
      case 'root':
        setAt(container, last, cloud);
        break;
      case 'random': {
        const random = new SeededRandom(fixup.seed);
        random.seek(fixup.position);
        setAt(container, last, random);
        break;
      }
    }
  }
  return state;
}

/** Puts a decoded state into `cloud`: its fields replaced, its helpers merged (wiring and configuration kept). */
function mergeState(state: Record<string, unknown>, cloud: Cloud, lazy?: ColumnarDecoding): void {
  const target = cloud as unknown as Record<string, unknown>;
  for (const key of Object.keys(state)) {
    const restored = state[key];
    const fresh = target[key];
    const name = restored !== null && typeof restored === 'object' ? CLASS_NAMES.get(Object.getPrototypeOf(restored)) : undefined;
    if (name !== undefined && fresh !== null && typeof fresh === 'object' && Object.getPrototypeOf(fresh) === Object.getPrototypeOf(restored)) {
      mergeHelper(fresh as Record<string, unknown>, restored as Record<string, unknown>, HELPER_CONFIG_FIELDS[name] ?? [], lazy);
    } else {
      target[key] = restored;
    }
  }
}

/** Takes a helper's state from the image, keeping its wiring (functions) and configuration from the fresh cloud. */
function mergeHelper(fresh: Record<string, unknown>, restored: Record<string, unknown>, config: readonly string[], lazy?: ColumnarDecoding): void {
  for (const key of Object.keys(restored)) {
    if (config.includes(key)) continue;
    // A large collection not decoded yet (an id generator's issued ids, say) moves over as it is.
    if (lazy?.isLazy(restored, key)) {
      lazy.moveLazy(restored, key, fresh);
      continue;
    }
    if (restored[key] === undefined && typeof fresh[key] === 'function') continue;
    fresh[key] = restored[key];
  }
  const hook = (fresh as { afterRestore?: () => void }).afterRestore;
  if (typeof hook === 'function') hook.call(fresh);
}
