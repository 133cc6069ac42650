/**
 * The official EC2 service model (botocore's, trimmed by scripts/trim-model.mjs), loaded once.
 * Everything the decoder and encoder know about names and types comes from here.
 */
import { readFileSync } from 'node:fs';

export interface MemberRef {
  readonly shape: string;
  readonly locationName?: string;
  readonly queryName?: string;
  readonly idempotencyToken?: boolean;
}

export interface Shape {
  readonly type: 'structure' | 'list' | 'map' | 'string' | 'integer' | 'long' | 'double' | 'float' | 'boolean' | 'timestamp' | 'blob';
  readonly required?: readonly string[];
  readonly members?: Readonly<Record<string, MemberRef>>;
  readonly member?: MemberRef;
  readonly enum?: readonly string[];
  readonly min?: number;
  readonly max?: number;
}

export interface OperationDef {
  readonly input?: string;
  readonly output?: string;
  /** awsquery protocol: the element that wraps the output (`AssumeRoleResult`). */
  readonly resultWrapper?: string;
}

export interface ServiceModel {
  /** protocol: `ec2` (EC2) or `query` (STS); signingName/endpointPrefix: the SigV4 service name. */
  readonly metadata: { readonly apiVersion: string; readonly xmlNamespace: string; readonly protocol?: string; readonly endpointPrefix?: string };
  readonly operations: Readonly<Record<string, OperationDef>>;
  readonly shapes: Readonly<Record<string, Shape>>;
}

let cached: ServiceModel | undefined;

export function loadModel(): ServiceModel {
  if (!cached) {
    const url = new URL('../../../spec/ec2-model.json', import.meta.url);
    cached = JSON.parse(readFileSync(url, 'utf8')) as ServiceModel;
  }
  return cached;
}

let cachedSts: ServiceModel | undefined;

/** The official STS service model (botocore's, trimmed by scripts/trim-model.mjs): 8 operations, 72 shapes. */
export function loadStsModel(): ServiceModel {
  if (!cachedSts) cachedSts = JSON.parse(readFileSync(new URL('../../../spec/sts-model.json', import.meta.url), 'utf8')) as ServiceModel;
  return cachedSts;
}

/** A model cut down for a server whose handlers implement `implemented` (see serverModel). */
export interface ServerModel extends ServiceModel {
  /** The operations whose shapes are all here. */
  readonly implemented: readonly string[];
}

/**
 * What a server needs of the model: every operation (unimplemented ones still answer
 * UnsupportedOperation, unknown ones InvalidAction), but only the shapes reachable from the
 * implemented operations' input and output (a sixth of the shapes, a quarter of the bytes: it
 * parses that much faster at start-up). Written to dist/ec2-model.server.jsonl by scripts/bundle.mjs.
 */
export function serverModel(model: ServiceModel, implemented: Iterable<string>): ServerModel {
  const names = [...implemented].filter((op) => Object.prototype.hasOwnProperty.call(model.operations, op)).sort();
  const shapes: Record<string, Shape> = {};
  const visit = (name: string | undefined): void => {
    if (name === undefined || Object.prototype.hasOwnProperty.call(shapes, name)) return;
    const shape = shapeOf(model, name);
    shapes[name] = shape;
    const refs = shape as Shape & { readonly key?: MemberRef; readonly value?: MemberRef };
    for (const ref of Object.values(refs.members ?? {})) visit(ref.shape);
    for (const ref of [refs.member, refs.key, refs.value]) visit(ref?.shape);
  };
  for (const op of names) {
    visit(model.operations[op]!.input);
    visit(model.operations[op]!.output);
  }
  return { metadata: model.metadata, operations: model.operations, shapes, implemented: names };
}

/**
 * The server model as text: a first line with everything but the shapes (JSON), then one line per
 * shape, `["Name",{…}]`. Shapes are parsed on first use: a request needs a handful of them, and
 * not parsing the other six hundred brings the first answer some 5 ms sooner.
 */
export function serverModelText(model: ServerModel): string {
  const { shapes, ...rest } = model;
  return [JSON.stringify(rest), ...Object.entries(shapes).map((entry) => JSON.stringify(entry))].join('\n');
}

/** The inverse of serverModelText: a ServerModel whose shapes are parsed as they are read. */
export function parseServerModelText(text: string): ServerModel {
  const lines = text.split('\n');
  const rest = JSON.parse(lines[0]!) as Omit<ServerModel, 'shapes'>;
  const raw = new Map<string, string>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    raw.set(line.slice(2, line.indexOf('"', 2)), line);
  }
  const parsed = new Map<string, Shape>();
  const shape = (name: string): Shape | undefined => {
    let s = parsed.get(name);
    if (s === undefined) {
      const line = raw.get(name);
      if (line === undefined) return undefined;
      s = (JSON.parse(line) as [string, Shape])[1];
      parsed.set(name, s);
    }
    return s;
  };
  // Reads like a plain record (get, in, keys, entries); only what is read gets parsed.
  const shapes = new Proxy({} as Record<string, Shape>, {
    get: (_, key) => (typeof key === 'string' ? shape(key) : undefined),
    has: (_, key) => typeof key === 'string' && raw.has(key),
    ownKeys: () => [...raw.keys()],
    getOwnPropertyDescriptor: (_, key) =>
      typeof key === 'string' && raw.has(key) ? { value: shape(key), writable: false, enumerable: true, configurable: true } : undefined,
  });
  return { ...rest, shapes };
}

let cachedServer: ServerModel | null | undefined;

/**
 * The model for a server with handlers for `implemented`: dist/ec2-model.server.jsonl when the build
 * wrote one that covers them all, else the whole model (a handler added since the last build, or
 * a build that ran tsc alone).
 */
export function loadServerModel(implemented: Iterable<string>): ServiceModel {
  if (cachedServer === undefined) {
    try {
      cachedServer = parseServerModelText(readFileSync(new URL('../../ec2-model.server.jsonl', import.meta.url), 'utf8'));
    } catch {
      cachedServer = null;
    }
  }
  const trimmed = cachedServer;
  if (trimmed === null) return loadModel();
  const covered = new Set(trimmed.implemented);
  const has = (op: string) => Object.prototype.hasOwnProperty.call(trimmed.operations, op);
  for (const op of implemented) if (has(op) && !covered.has(op)) return loadModel();
  return trimmed;
}

export function shapeOf(model: ServiceModel, name: string): Shape {
  const s = model.shapes[name];
  if (!s) throw new Error(`model has no shape ${name}`);
  return s;
}

/** The wire name of an input member under the ec2 protocol: queryName, else capitalised locationName, else the member name. */
export function inputWireName(memberName: string, ref: MemberRef): string {
  if (ref.queryName) return ref.queryName;
  if (ref.locationName) return ref.locationName[0]!.toUpperCase() + ref.locationName.slice(1);
  return memberName;
}

/** The XML element name of an output member: locationName, else the member name. */
export function outputElementName(memberName: string, ref: MemberRef): string {
  return ref.locationName ?? memberName;
}

export function hasOperation(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(loadModel().operations, name);
}
