/**
 * Model-driven decoder for the EC2 Query protocol: flat `Name.N.Member=value` pairs become
 * a structured input keyed by the model's member names (the same names the SDKs use), with
 * every value checked against its shape. Errors are AWS's: MissingParameter,
 * InvalidParameterValue, UnknownParameter.
 *
 * Services of the plain `query` protocol (STS) differ on the wire: a member's name is its
 * locationName or its own name (never capitalised), and list members sit under `.member.`
 * (`PolicyArns.member.1.arn`). Their bounds and required members are checked afterwards, all
 * together, by src/protocol/constraints.ts, which words them as those services do.
 */
import { Ec2Error, invalidValue, missingParam } from '../engine/errors.js';
import { inputWireName, type MemberRef, type ServiceModel, type Shape } from './model.js';

/** A parsed parameter tree. Maps, never plain objects, so `__proto__` and friends are inert keys. */
interface ParamNode {
  value?: string;
  children?: Map<string, ParamNode>;
}

/** Request parameters that belong to the protocol or to query-string signing, not to the operation. */
const PROTOCOL_PARAMS = new Set([
  'Action',
  'Version',
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
  'X-Amz-Security-Token',
  'X-Amz-Expires',
  'AWSAccessKeyId',
  'SignatureVersion',
  'SignatureMethod',
  'Timestamp',
  'Signature',
  'Expires',
  'SecurityToken',
]);

/** Most parameters any one request may carry; EC2's real bound is in this range. */
export const MAX_PARAMS = 10_000;
/**
 * Enums the decoder does not enforce. `InstanceType` grows with every instance launch (1,200+ values),
 * so a newer SDK knows values our pinned model does not; and AWS answers an unknown type per
 * operation (DescribeInstanceTypes: InvalidInstanceType "The following supplied instance types do
 * not exist: […]"; RunInstances: InvalidParameterValue "Invalid value '…' for InstanceType."), which
 * the handlers do. `AccountAttributeName` lists two of the six names DescribeAccountAttributes takes
 * (its API reference lists all six); the handler checks them.
 */
const OPEN_ENUMS = new Set(['InstanceType', 'AccountAttributeName']);
/** Largest list index accepted, so `Filter.999999999.Name` cannot make us allocate a huge array. */
const MAX_LIST_INDEX = 10_000;

/**
 * Members the model marks required that AWS accepts absent in some requests, so the handler checks
 * them: an empty structure is no parameter at all on the wire, and CreateLaunchTemplateVersion
 * with a SourceVersion takes an empty LaunchTemplateData (engine/launch-template.ts).
 */
const CHECKED_BY_HANDLER = new Set(['CreateLaunchTemplateRequest.LaunchTemplateData', 'CreateLaunchTemplateVersionRequest.LaunchTemplateData']);

export function buildParamTree(params: Iterable<[string, string]>): ParamNode {
  const root: ParamNode = { children: new Map() };
  let count = 0;
  const add = (value: string, key: string) => {
    if (PROTOCOL_PARAMS.has(key)) return;
    if (++count > MAX_PARAMS) throw invalidValue(`The request has more than ${MAX_PARAMS} parameters.`);
    // Most keys are top-level (`NetworkInterfaceId`): no split, no array.
    let node: ParamNode;
    if (key.indexOf('.') < 0) node = child(root, key);
    else {
      node = root;
      for (const part of key.split('.')) node = child(node, part);
    }
    node.value = value;
  };
  // URLSearchParams.forEach hands over each pair without the [key, value] array its iterator makes.
  if (params instanceof URLSearchParams) params.forEach(add);
  else for (const [key, value] of params) add(value, key);
  return root;
}

function child(node: ParamNode, part: string): ParamNode {
  const children = (node.children ??= new Map());
  let next = children.get(part);
  if (!next) {
    next = {};
    children.set(part, next);
  }
  return next;
}

/** A structure member as the decoder needs it, worked out once per shape instead of per request. */
interface MemberPlan {
  readonly name: string;
  readonly wire: string;
  readonly shape: string;
  /** Position in the model's member order: values are decoded (and checked) in that order. */
  readonly index: number;
}

interface StructurePlan {
  readonly byWire: ReadonlyMap<string, MemberPlan>;
  readonly required: readonly MemberPlan[];
}

const byIndex = (a: MemberPlan, b: MemberPlan) => a.index - b.index;

export class Decoder {
  /** Shapes read so far: the model's shapes may sit behind a parsing proxy, this is a plain map. */
  private readonly shapes = new Map<string, Shape>();
  private readonly plans = new Map<string, StructurePlan>();

  /** The plain `query` protocol (see the header) rather than `ec2`. */
  private readonly query: boolean;

  constructor(private readonly model: ServiceModel) {
    this.query = model.metadata.protocol === 'query';
  }

  private wireName(memberName: string, ref: MemberRef): string {
    return this.query ? (ref.locationName ?? memberName) : inputWireName(memberName, ref);
  }

  /** Decode the input of `shapeName` from a parameter tree. */
  decode(shapeName: string | undefined, tree: ParamNode): Record<string, unknown> {
    if (!shapeName) {
      this.rejectUnknown(tree, new Set(), '');
      return {};
    }
    return this.structure(shapeName, tree, '') as Record<string, unknown>;
  }

  private shape(name: string): Shape {
    let s = this.shapes.get(name);
    if (s === undefined) {
      s = this.model.shapes[name];
      if (!s) throw new Error(`model has no shape ${name}`);
      this.shapes.set(name, s);
    }
    return s;
  }

  private plan(shapeName: string): StructurePlan {
    let plan = this.plans.get(shapeName);
    if (plan === undefined) {
      const shape = this.shape(shapeName);
      const byWire = new Map<string, MemberPlan>();
      let index = 0;
      for (const [name, ref] of Object.entries(shape.members ?? {})) {
        const wire = this.wireName(name, ref);
        if (byWire.has(wire)) throw new Error(`shape ${shapeName} has two members named ${wire} on the wire`);
        byWire.set(wire, { name, wire, shape: ref.shape, index: index++ });
      }
      const required = this.query
        ? []
        : (shape.required ?? [])
            .filter((name) => !CHECKED_BY_HANDLER.has(`${shapeName}.${name}`))
            .map((name) => {
              const ref = shape.members![name]!;
              return { name, wire: this.wireName(name, ref), shape: ref.shape, index: -1 };
            });
      plan = { byWire, required };
      this.plans.set(shapeName, plan);
    }
    return plan;
  }

  /**
   * The value at `parent`.`key`. The path is joined only where an error needs it or a structure or
   * list passes it down: most values are leaves, and most leaves are valid.
   */
  private value(shapeName: string, node: ParamNode, parent: string, key: string): unknown {
    const shape = this.shape(shapeName);
    switch (shape.type) {
      case 'structure':
        return this.structure(shapeName, node, join(parent, key));
      case 'list':
        return this.list(shape, node, join(parent, key));
      case 'map':
        throw invalidValue(`Parameter ${join(parent, key)} of map type is not supported.`);
      default:
        if (node.children?.size) throw unknownParameter(`${join(parent, key)}.${node.children.keys().next().value}`);
        return this.scalar(shapeName, shape, node.value ?? '', parent, key);
    }
  }

  /**
   * Walks the parameters given (a handful) rather than the shape's members (dozens for some
   * requests), with the same outcome: values decoded in member order, then the first unknown
   * parameter refused, then missing required ones.
   */
  private structure(shapeName: string, node: ParamNode, path: string): Record<string, unknown> {
    const plan = this.plan(shapeName);
    const out: Record<string, unknown> = {};
    const children = node.children;
    if (node.value !== undefined && node.value !== '' && !children) {
      throw invalidValue(`Parameter ${path} must be a structure, not a value.`);
    }
    if (children) {
      const present: MemberPlan[] = [];
      let unknown: string | undefined;
      let ordered = true;
      for (const key of children.keys()) {
        const member = plan.byWire.get(key);
        if (member === undefined) unknown ??= key;
        else {
          if (present.length > 0 && present[present.length - 1]!.index > member.index) ordered = false;
          present.push(member);
        }
      }
      if (!ordered) present.sort(byIndex);
      for (const m of present) out[m.name] = this.value(m.shape, children.get(m.wire)!, path, m.wire);
      if (unknown !== undefined) throw unknownParameter(join(path, unknown));
    }
    for (const req of plan.required) {
      if (out[req.name] === undefined) throw missingParam(join(path, req.wire));
    }
    return out;
  }

  private rejectUnknown(node: ParamNode, known: Set<string>, path: string): void {
    for (const key of node.children?.keys() ?? []) {
      if (!known.has(key)) throw unknownParameter(join(path, key));
    }
  }

  private list(shape: Shape, node: ParamNode, path: string): unknown[] {
    const out: unknown[] = [];
    let children = node.children;
    if (this.query && children && !(shape as { flattened?: boolean }).flattened) {
      // `Name.member.N`: anything beside `member` is not a parameter of the list.
      for (const key of children.keys()) if (key !== 'member') throw unknownParameter(`${path}.${key}`);
      path = `${path}.member`;
      children = children.get('member')!.children;
      if (!children) return out;
    }
    if (!children) {
      // `Name=` with no members is how some clients send an empty list.
      if (node.value === undefined || node.value === '') return out;
      throw invalidValue(`Parameter ${path} must be a list (${path}.1, ${path}.2, …).`);
    }
    // Members in index order; clients send them in order, so sorting is rarely needed.
    const keys: string[] = [];
    let last = 0;
    let ordered = true;
    for (const key of children.keys()) {
      const index = listIndex(key);
      if (index === undefined) throw unknownParameter(`${path}.${key}`);
      if (index < last) ordered = false;
      last = index;
      keys.push(key);
    }
    if (!ordered) keys.sort((a, b) => Number(a) - Number(b));
    const member = shape.member!.shape;
    for (const key of keys) out.push(this.value(member, children.get(key)!, path, key));
    if (shape.max !== undefined && out.length > shape.max) {
      throw invalidValue(`The parameter ${path} has ${out.length} members; at most ${shape.max} are allowed.`);
    }
    return out;
  }

  private scalar(shapeName: string, shape: Shape, raw: string, parent: string, key: string): unknown {
    switch (shape.type) {
      case 'string':
        if (shape.enum && !shape.enum.includes(raw) && !OPEN_ENUMS.has(shapeName)) throw badValue(raw, join(parent, key));
        if (!this.query && (shape.max !== undefined || shape.min !== undefined)) {
          const length = characterCount(raw);
          if (shape.max !== undefined && length > shape.max) throw badValue(raw, join(parent, key), `It must be at most ${shape.max} characters long.`);
          if (shape.min !== undefined && length < shape.min) throw badValue(raw, join(parent, key), `It must be at least ${shape.min} characters long.`);
        }
        return raw;
      case 'boolean':
        if (raw === 'true') return true;
        if (raw === 'false') return false;
        throw badValue(raw, join(parent, key), 'Expected true or false.');
      case 'integer':
      case 'long': {
        if (!/^-?[0-9]{1,16}$/.test(raw)) throw badValue(raw, join(parent, key), 'Expected an integer.');
        const n = Number(raw);
        if (shape.type === 'integer' && (n > 2147483647 || n < -2147483648)) throw badValue(raw, join(parent, key));
        if (this.query) return n;
        if (shape.min !== undefined && n < shape.min) throw badValue(raw, join(parent, key), `Expecting a value greater than or equal to ${shape.min}.`);
        if (shape.max !== undefined && n > shape.max) throw badValue(raw, join(parent, key), `Expecting a value less than or equal to ${shape.max}.`);
        return n;
      }
      case 'double':
      case 'float': {
        const n = Number(raw);
        if (raw.trim() === '' || !Number.isFinite(n)) throw badValue(raw, join(parent, key), 'Expected a number.');
        return n;
      }
      case 'timestamp': {
        const d = parseTimestamp(raw);
        if (!d) throw badValue(raw, join(parent, key), 'Expected an ISO 8601 timestamp.');
        return d;
      }
      case 'blob':
        return raw;
      default:
        throw badValue(raw, join(parent, key));
    }
  }
}

/** `parent.key`, or `key` at the top level. */
const join = (parent: string, key: string) => (parent ? `${parent}.${key}` : key);

/** The index of a list member key (`1` … `10000`, no leading zero), or undefined. */
function listIndex(key: string): number | undefined {
  if (key.length === 0 || key.length > 5) return undefined;
  let n = 0;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9 || (i === 0 && c === 0)) return undefined;
    n = n * 10 + c;
  }
  return n <= MAX_LIST_INDEX ? n : undefined;
}

/** Length in Unicode characters (code points), as the model's length bounds count them. */
function characterCount(s: string): number {
  return /[\uD800-\uDFFF]/.test(s) ? [...s].length : s.length;
}

// YYYY-MM-DD, optionally Thh:mm[:ss[.fraction]] and a zone (Z, ±hh:mm, ±hhmm); the SDKs send
// `2024-01-02T03:04:05Z`, botocore adds microseconds when there are any.
const ISO_8601 = /^([0-9]{4}-[0-9]{2}-[0-9]{2})(?:T([0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)(Z|[+-][0-9]{2}:?[0-9]{2})?)?$/;

/**
 * An ISO 8601 timestamp or epoch seconds. Anything else `Date` would guess at (`March 7`,
 * RFC 822 dates) is refused, and a time without a zone is UTC, never the server's local time.
 */
function parseTimestamp(raw: string): Date | undefined {
  let ms: number;
  if (/^[0-9]{1,12}(\.[0-9]+)?$/.test(raw)) {
    ms = Number(raw) * 1000;
  } else {
    const m = ISO_8601.exec(raw);
    if (!m) return undefined;
    const [, date, time, zone] = m;
    const offset = zone === undefined ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
    ms = Date.parse(time === undefined ? `${date}T00:00:00Z` : `${date}T${time}${offset}`);
  }
  return Number.isFinite(ms) ? new Date(ms) : undefined;
}

const badValue = (raw: string, path: string, why?: string) => invalidValue(`Value (${raw}) for parameter ${path} is invalid.${why ? ` ${why}` : ''}`);

const unknownParameter = (name: string) => new Ec2Error('UnknownParameter', `The parameter ${name} is not recognized`);
