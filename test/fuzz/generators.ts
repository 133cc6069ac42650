/**
 * Request generators for the fuzz tests: a seeded PRNG, pools of real resource ids read from the
 * cloud's state export, a model-driven generator that builds a Query request for any operation
 * from its input shape (ids, CIDRs and addresses drawn from the pools so requests reach the real
 * code paths), hand templates for the operations whose valid inputs a shape walk rarely hits, and
 * mutations (dropped required members, wrong types, huge and negative numbers, unknown and
 * `__proto__` parameters, garbage and foreign ids, long and unicode strings, odd list indexes).
 */
import { formatIpv4, formatIpv6, nthSubCidr4, parseIpv4Cidr, parseIpv6Cidr } from '../../src/engine/cidr.js';
import type { exportState } from '../../src/engine/snapshot.js';
import { findRegion } from '../../src/engine/regions.js';
import { inputWireName, type ServiceModel, type Shape } from '../../src/protocol/model.js';

export type StateExport = ReturnType<typeof exportState>;
export type WorldExport = StateExport['worlds'][number];
export type Params = [string, string][];

// ---- PRNG ---------------------------------------------------------------------------------------

/** sfc32 seeded from a string: small, fast, and the same sequence on every platform. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(readonly seed: string) {
    let h = 1779033703 ^ seed.length;
    const hash = () => {
      for (let i = 0; i < seed.length; i++) {
        h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
        h = (h << 13) | (h >>> 19);
      }
      h = Math.imul(h ^ (h >>> 16), 2246822507);
      h = Math.imul(h ^ (h >>> 13), 3266489909);
      return (h ^= h >>> 16) >>> 0;
    };
    this.a = hash();
    this.b = hash();
    this.c = hash();
    this.d = hash();
    for (let i = 0; i < 15; i++) this.next();
  }

  /** A float in [0, 1). */
  next(): number {
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    let t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    t = (t + this.d) | 0;
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  maybe<T>(items: readonly T[]): T | undefined {
    return items.length === 0 ? undefined : this.pick(items);
  }

  hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[this.int(0, 15)];
    return s;
  }

  word(min = 1, max = 12): string {
    const n = this.int(min, max);
    let s = '';
    for (let i = 0; i < n; i++) s += 'abcdefghijklmnopqrstuvwxyz0123456789-_'[this.int(0, 37)];
    return s;
  }
}

// ---- callers --------------------------------------------------------------------------------------

export interface Caller {
  readonly accessKeyId: string;
  /** undefined: no credential scope at all (anonymous, default region). */
  readonly region?: string;
}

export const FUZZ_ACCOUNTS = ['AKIAEXAMPLE', '111111111111', '222222222222'] as const;
export const FUZZ_REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'] as const;

export function pickCaller(rng: Rng): Caller {
  const r = rng.next();
  if (r < 0.01) return { accessKeyId: 'AKIAEXAMPLE', region: rng.pick(['xx-fake-1', 'US-EAST-1', '', 'us-east-1/../x']) };
  if (r < 0.03) return { accessKeyId: 'anonymous' };
  // Most traffic in one world, so its state grows deep; the rest spread across accounts and regions.
  if (r < 0.7) return { accessKeyId: 'AKIAEXAMPLE', region: 'us-east-1' };
  return { accessKeyId: rng.pick(FUZZ_ACCOUNTS), region: rng.pick(FUZZ_REGIONS) };
}

/** The Authorization header an SDK would send for this caller (the signature is not checked). */
export function authorizationFor(caller: Caller): string | undefined {
  if (caller.region === undefined) return undefined;
  return `AWS4-HMAC-SHA256 Credential=${caller.accessKeyId}/20250301/${caller.region}/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`;
}

// ---- pools ------------------------------------------------------------------------------------------

/** Ids and addresses of one world, and every id of every world (for cross-world garbage). */
export interface Pools {
  readonly world?: WorldExport;
  readonly region: string;
  readonly allIds: string[];
  /** Ids seen in recent responses, for resources the state export does not show (interface permissions). */
  readonly seen?: readonly string[];
}

/** Collects resource ids from a response body into `into` (most recent last, at most `max`). */
export function harvestIds(body: string, into: string[], max = 200): void {
  for (const m of body.matchAll(/<\w*[iI]d>([a-z]+(?:-[a-z]+)*-[0-9a-f]{8,17})<\//g)) {
    if (!into.includes(m[1]!)) into.push(m[1]!);
  }
  if (into.length > max) into.splice(0, into.length - max);
}

/** Every resource id of every world: material for foreign-id mutations. */
export function allIdsOf(state: StateExport): string[] {
  const allIds: string[] = [];
  for (const w of state.worlds) {
    allIds.push(...w.vpcs.map((v) => v.id), ...w.subnets.map((s) => s.id), ...w.networkInterfaces.map((e) => e.id));
    allIds.push(...w.instances.map((i) => i.id), ...w.elasticIps.map((e) => e.allocationId), ...w.securityGroups.map((g) => g.id));
    allIds.push(...w.internetGateways.map((g) => g.id));
  }
  return allIds;
}

// ---- value helpers --------------------------------------------------------------------------------

const TAG_KEYS = ['Name', 'env', 'owner', 'k1', 'k2', 'aws:reserved', 'Key With Spaces', 'ключ', ''];
const INSTANCE_TYPES = ['t3.micro', 't2.nano', 'm5.large', 'c5n.18xlarge', 't3.large', 'm1.small', 'p4d.24xlarge', 'x9.huge', 't4g.nano'];
const IMAGES = ['ami-0abcdef1234567890', 'ami-12345678', 'ami-0123456789abcdef0', 'ami-xyz', 'ami-'];
const PROTOCOLS = ['tcp', 'udp', 'icmp', '-1', '6', '17', '58', 'icmpv6', 'all', '999'];
const FILTER_NAMES = [
  'vpc-id',
  'subnet-id',
  'network-interface-id',
  'instance-id',
  'private-ip-address',
  'addresses.private-ip-address',
  'group-id',
  'group-name',
  'tag:Name',
  'tag-key',
  'tag:env',
  'availability-zone',
  'cidr-block',
  'cidr',
  'state',
  'status',
  'attachment.instance-id',
  'attachment.status',
  'instance-state-name',
  'allocation-id',
  'public-ip',
  'association-id',
  'is-default',
  'owner-id',
  'description',
  'mac-address',
  'instance-type',
  'resource-type',
  'resource-id',
  'key',
  'value',
  'ip-permission.from-port',
  'default-for-az',
  'region-name',
  'zone-name',
  'image-id',
  'attachment.state',
  'attachment.vpc-id',
  'internet-gateway-id',
  'no-such-filter',
  '',
];
const GARBAGE = [
  '',
  ' ',
  'abc',
  '-1',
  '0',
  '2147483648',
  '-2147483649',
  '99999999999999999999',
  '1e3',
  '0x10',
  'true',
  'null',
  'NaN',
  ' 1',
  '1.5',
  '%00',
  '\u0000',
  '💥ü\u202eאב',
  '<x>&amp;</x>',
  '../../etc/passwd',
  '${jndi:x}',
  "'; DROP TABLE ops; --",
  '\uD800',
  '*',
  '?',
  '10.0.0.0/33',
  '256.1.1.1',
  '::ffff:10.0.0.1',
  'fe80::1%eth0',
];

function randomPrivateCidr(rng: Rng, minPrefix = 16, maxPrefix = 28): string {
  const prefix = rng.int(minPrefix, maxPrefix);
  const base =
    rng.pick([
      () => (10 << 24) + rng.int(0, 0xffffff),
      () => ((172 << 24) | (16 << 16)) + rng.int(0, 0xfffff),
      () => ((192 << 24) | (168 << 16)) + rng.int(0, 0xffff),
      () => ((100 << 24) | (64 << 16)) + rng.int(0, 0x3fffff),
    ])() >>> 0;
  const cidr = parseIpv4Cidr(`${formatIpv4(base)}/${prefix}`)!;
  return cidr.toString();
}

function randomSubCidr(rng: Rng, parent: string, extraMin = 1, extraMax = 8): string {
  const p = parseIpv4Cidr(parent);
  if (!p) return randomPrivateCidr(rng);
  const prefix = Math.min(28, p.prefix + rng.int(extraMin, extraMax));
  if (prefix < p.prefix) return parent;
  const count = 2 ** (prefix - p.prefix);
  return nthSubCidr4(p, prefix, rng.int(0, count - 1)).toString();
}

function randomIpIn(rng: Rng, cidr: string): string {
  const p = parseIpv4Cidr(cidr);
  if (!p) return formatIpv4(rng.int(0, 0xffffffff) >>> 0);
  // Mostly usable host addresses; sometimes the reserved first four and the broadcast address.
  const offset = rng.chance(0.08) ? rng.pick([0, 1, 2, 3, p.size - 1]) : rng.int(4, Math.max(4, p.size - 2));
  return formatIpv4(p.base + Math.min(offset, p.size - 1));
}

function random28In(rng: Rng, cidr: string): string {
  const p = parseIpv4Cidr(cidr);
  if (!p || p.prefix > 28) return randomPrivateCidr(rng, 28, 28);
  return nthSubCidr4(p, 28, rng.int(0, 2 ** (28 - p.prefix) - 1)).toString();
}

function randomIpv6In(rng: Rng, cidr: string | undefined): string {
  const p = cidr ? parseIpv6Cidr(cidr) : undefined;
  if (!p) return rng.pick(['2600:1f00::1', '::1', 'fe80::1', '2001:db8::5']);
  const span = p.size > 1n << 32n ? 1n << 32n : p.size;
  return formatIpv6(p.base + BigInt(rng.int(0, Number(span) - 1)));
}

/** A /80 in the block: usually aligned (one of its first 256), sometimes with host bits set. */
function random80In(rng: Rng, cidr: string | undefined): string {
  const p = cidr ? parseIpv6Cidr(cidr) : undefined;
  if (!p || p.prefix > 80) return '2600:1f00:1234:5600:1::/80';
  const base = p.base + (BigInt(rng.int(0, 255)) << 48n) + (rng.chance(0.1) ? 1n : 0n);
  return `${formatIpv6(base)}/80`;
}

function random64In(rng: Rng, cidr: string | undefined): string {
  const p = cidr ? parseIpv6Cidr(cidr) : undefined;
  if (!p || p.prefix > 64) return '2600:1f00:1234:5600::/64';
  const count = 1 << Math.min(8, 64 - p.prefix);
  const base = p.base + (BigInt(rng.int(0, count - 1)) << BigInt(128 - 64));
  return `${formatIpv6(base)}/64`;
}

// ---- the generator -----------------------------------------------------------------------------------

/** What the request is about so far: later members pick addresses inside the chosen subnet. */
interface Focus {
  vpcId?: string;
  subnetId?: string;
  eniId?: string;
}

export class RequestGenerator {
  constructor(
    private readonly model: ServiceModel,
    private readonly rng: Rng,
  ) {}

  /** A request for `op` in the world described by `pools`: a template sometimes, else the shape walk; then perhaps mutated. */
  generate(op: string, pools: Pools): Params {
    const rng = this.rng;
    const template = Object.hasOwn(TEMPLATES, op) ? TEMPLATES[op] : undefined;
    let params: Params;
    if (template && rng.chance(0.6)) {
      params = template(new TemplateKit(rng, pools));
    } else if (op.startsWith('Describe') && rng.chance(0.25)) {
      params = []; // everything, unfiltered
    } else {
      params = [];
      const input = Object.hasOwn(this.model.operations, op) ? this.model.operations[op]!.input : undefined;
      if (input) this.structure(input, '', params, { op, pools, focus: {}, depth: 0 });
    }
    if (rng.chance(0.3)) params = this.mutate(params, pools);
    return [['Action', op], ['Version', '2016-11-15'], ...params];
  }

  // -- shape walk

  private structure(shapeName: string, prefix: string, out: Params, g: GenState): void {
    const shape = this.model.shapes[shapeName]!;
    const required = new Set(shape.required ?? []);
    const members = Object.entries(shape.members ?? {});
    // Ids first, so addresses and CIDRs can be drawn from the chosen VPC, subnet or interface.
    members.sort(([a], [b]) => Number(!/Id$/.test(a)) - Number(!/Id$/.test(b)));
    const p = g.depth === 0 ? 0.35 : g.depth < 3 ? 0.25 : 0.08;
    for (const [name, ref] of members) {
      if (name === 'DryRun' && !this.rng.chance(0.03)) continue;
      if (!required.has(name) && !this.rng.chance(p)) continue;
      if (required.has(name) && this.rng.chance(0.02)) continue;
      const wire = inputWireName(name, ref);
      this.value(ref.shape, name, prefix ? `${prefix}.${wire}` : wire, out, { ...g, depth: g.depth + 1 });
    }
  }

  private value(shapeName: string, member: string, key: string, out: Params, g: GenState): void {
    const shape = this.model.shapes[shapeName]!;
    switch (shape.type) {
      case 'structure':
        if (g.depth > 6) return;
        if (member === 'Filter' || member === 'Filters') return; // lists handle filters
        this.structure(shapeName, key, out, g);
        return;
      case 'list': {
        if (member === 'Filters' || member === 'Filter') return this.filters(key, out, g);
        const n = this.rng.chance(0.05) ? this.rng.int(5, 25) : this.rng.int(member.endsWith('s') ? 1 : 0, 3);
        const memberShape = shape.member!.shape;
        for (let i = 1; i <= n; i++) this.value(memberShape, singular(member), `${key}.${i}`, out, g);
        return;
      }
      case 'map':
        out.push([`${key}.1`, 'x']);
        return;
      default:
        out.push([key, this.scalar(shape, member, g)]);
    }
  }

  private filters(key: string, out: Params, g: GenState): void {
    const rng = this.rng;
    const n = rng.int(0, 3);
    for (let i = 1; i <= n; i++) {
      out.push([`${key}.${i}.Name`, rng.pick(FILTER_NAMES)]);
      const values = rng.int(rng.chance(0.05) ? 0 : 1, 3);
      for (let j = 1; j <= values; j++) {
        const v = rng.chance(0.5)
          ? (rng.maybe(idsOf(g.pools)) ?? rng.word())
          : rng.pick(['*', '?', 'true', 'false', '10.*', 'available', 'in-use', 'running', '*a*', rng.word()]);
        out.push([`${key}.${i}.Value.${j}`, v]);
      }
    }
  }

  private scalar(shape: Shape, member: string, g: GenState): string {
    const rng = this.rng;
    switch (shape.type) {
      case 'boolean':
        return rng.chance(0.5) ? 'true' : 'false';
      case 'integer':
      case 'long':
        return String(integerFor(rng, member));
      case 'double':
      case 'float':
        return String(rng.int(0, 1000) / 10);
      case 'timestamp':
        return rng.pick(['2025-03-01T00:00:00Z', '1740787200', '2030-01-01', '2025-03-01T00:00:00.123456Z']);
      case 'blob':
        return Buffer.from(rng.word(0, 40)).toString('base64');
      case 'string':
        if (shape.enum) return rng.chance(0.97) ? rng.pick(shape.enum) : rng.word();
        return stringFor(rng, member, g);
      default:
        return rng.word();
    }
  }

  // -- mutations

  mutate(params: Params, pools: Pools): Params {
    const rng = this.rng;
    const out = params.map(([k, v]) => [k, v] as [string, string]);
    const n = rng.int(1, 3);
    for (let m = 0; m < n; m++) {
      const i = out.length > 0 ? rng.int(0, out.length - 1) : -1;
      switch (rng.int(0, 10)) {
        case 0: // drop a member (perhaps a required one)
          if (i >= 0) out.splice(i, 1);
          break;
        case 1: // wrong type or hostile text
          if (i >= 0) out[i]![1] = rng.pick(GARBAGE);
          break;
        case 2: // numbers at and past every bound
          if (i >= 0)
            out[i]![1] = rng.pick(['-1', '0', '71', '1000000', '2147483647', '2147483648', '-2147483648', '9007199254740993', '1'.repeat(17), '00001', '+5']);
          break;
        case 3: // unknown and prototype-polluting parameter names
          out.push([
            rng.pick([
              'Foo',
              '__proto__',
              '__proto__.polluted',
              'constructor',
              'constructor.prototype.polluted',
              'toString',
              'hasOwnProperty',
              'Filter.1.__proto__',
              'TagSpecification.1.Tag.1.__proto__',
              'PrivateIpAddress.0',
              'PrivateIpAddress.10001',
              'PrivateIpAddress.01',
              'Filter.1.Value.-1',
              'X.1.Y.2.Z.3',
              '',
              '.',
              '..',
              'Action.1',
              `${out[i]?.[0] ?? 'A'}.extra`,
              `${out[i]?.[0] ?? 'A'}..x`,
            ]),
            rng.chance(0.5) ? '1' : rng.word(),
          ]);
          break;
        case 4: // garbage, foreign and near-miss ids
          if (i >= 0) out[i]![1] = garbageId(rng, out[i]![1], pools);
          break;
        case 5: // long strings
          if (i >= 0) out[i]![1] = rng.pick(['A', 'é', '💥', '\u202e']).repeat(rng.pick([256, 257, 1000, 5000, 70000]));
          break;
        case 6: // duplicated parameter with another value
          if (i >= 0) out.push([out[i]![0], rng.chance(0.5) ? out[i]![1] : rng.word()]);
          break;
        case 7: // list renumbered: gaps, big indexes
          if (i >= 0) out[i]![0] = out[i]![0].replace(/\.(\d+)(\.|$)/, (_, _n, tail) => `.${rng.pick(['2', '3', '9', '100', '10000', '10001', '0'])}${tail}`);
          break;
        case 8: // a long list of one member
          if (i >= 0) {
            const [k, v] = out[i]!;
            const base = /\.\d+(\.[^.]*)?$/.test(k) ? k.replace(/\.\d+((\.[^.]*)?)$/, '') : k;
            const tail = /\.\d+(\.[^.]*)$/.exec(k)?.[1] ?? '';
            const count = rng.int(20, 300);
            for (let j = 1; j <= count; j++) out.push([`${base}.${j}${tail}`, v.length > 100 ? `${j}` : rng.chance(0.5) ? v : `${v}${j}`]);
          }
          break;
        case 9: // a structure given a value, a scalar given members
          if (i >= 0) out.push([`${out[i]![0]}.1`, 'x']);
          else out.push(['TagSpecification', 'x']);
          break;
        default: // empty values
          if (i >= 0) out[i]![1] = '';
      }
    }
    return out;
  }
}

/** The name of one element of a list member: `PrivateIpAddresses` → `PrivateIpAddress`, `Ipv4Prefixes` → `Ipv4Prefix`. */
function singular(member: string): string {
  if (/(Address|Prefix)es$/.test(member)) return member.slice(0, -2);
  if (member.endsWith('ies')) return `${member.slice(0, -3)}y`;
  return member.endsWith('s') ? member.slice(0, -1) : member;
}

interface GenState {
  readonly op: string;
  readonly pools: Pools;
  readonly focus: Focus;
  readonly depth: number;
}

function integerFor(rng: Rng, member: string): number {
  if (/Count$/.test(member) && member !== 'MinCount' && member !== 'MaxCount') {
    const r = rng.next();
    return r < 0.6 ? rng.int(0, 3) : r < 0.95 ? rng.int(0, 70) : rng.pick([-1, 100, 5000, 2147483647]);
  }
  switch (member) {
    case 'MinCount':
    case 'MaxCount':
      return rng.chance(0.9) ? rng.int(1, 3) : rng.int(0, 70);
    case 'DeviceIndex':
      return rng.int(0, 4);
    case 'NetworkCardIndex':
      return rng.int(0, 1);
    case 'MaxResults':
      return rng.pick([5, 6, 10, 100, 1000, 1, 0, 4, 1001]);
    case 'FromPort':
    case 'ToPort':
      return rng.pick([-1, 0, 22, 80, 443, 65535, 65536, rng.int(0, 65535)]);
    case 'Ipv4NetmaskLength':
    case 'Ipv6NetmaskLength':
      return rng.int(16, 64);
    case 'HttpPutResponseHopLimit':
      return rng.int(0, 70);
    default:
      return rng.chance(0.9) ? rng.int(0, 100) : rng.pick([-1, 2147483647]);
  }
}

function idsOf(pools: Pools): string[] {
  const w = pools.world;
  if (!w) return pools.allIds;
  return [
    ...w.vpcs.map((v) => v.id),
    ...w.subnets.map((s) => s.id),
    ...w.networkInterfaces.map((e) => e.id),
    ...w.instances.map((i) => i.id),
    ...w.elasticIps.map((e) => e.allocationId),
    ...w.securityGroups.map((g) => g.id),
    ...w.internetGateways.map((g) => g.id),
  ];
}

function garbageId(rng: Rng, value: string, pools: Pools): string {
  const m = /^([a-z]+(?:-[a-z]+)*)-([0-9a-f]+)$/.exec(value);
  const prefix = m?.[1] ?? rng.pick(['eni', 'vpc', 'subnet', 'i', 'eipalloc', 'sg']);
  return rng.pick([
    `${prefix}-${rng.hex(17)}`,
    `${prefix}-${rng.hex(8)}`,
    `${prefix}-`,
    `${prefix}-zzzz`,
    `${prefix}-0`,
    value.toUpperCase(),
    value.slice(0, -1),
    `${value}0`,
    ` ${value}`,
    `${value}\u0000`,
    rng.maybe(pools.allIds) ?? 'vpc-1',
    rng.maybe(pools.allIds) ?? 'eni-1',
    `sgr-${rng.hex(17)}`,
    `eni-attach-${rng.hex(17)}`,
    `eipassoc-${rng.hex(17)}`,
    `vpc-cidr-assoc-${rng.hex(17)}`,
  ]);
}

/** A string for a member, by the member's name: real ids and addresses from the pools where the name says what it is. */
function stringFor(rng: Rng, member: string, g: GenState): string {
  const w = g.pools.world;
  const f = g.focus;
  const fromPool = <T>(items: readonly T[] | undefined, get: (t: T) => string | undefined, fallback: () => string): string => {
    if (items && items.length > 0 && rng.chance(0.9)) return get(rng.pick(items)) ?? fallback();
    return fallback();
  };
  const vpc = () => w?.vpcs.find((v) => v.id === f.vpcId) ?? rng.maybe(w?.vpcs ?? []);
  const subnet = () => w?.subnets.find((s) => s.id === f.subnetId) ?? rng.maybe(w?.subnets.filter((s) => !f.vpcId || s.vpcId === f.vpcId) ?? []);
  const eni = () => w?.networkInterfaces.find((e) => e.id === f.eniId);
  switch (member) {
    case 'VpcId': {
      const id = fromPool(
        w?.vpcs,
        (v) => v.id,
        () => `vpc-${rng.hex(17)}`,
      );
      f.vpcId = id;
      return id;
    }
    case 'SubnetId': {
      const id = fromPool(
        w?.subnets.filter((s) => !f.vpcId || s.vpcId === f.vpcId),
        (s) => s.id,
        () => `subnet-${rng.hex(17)}`,
      );
      f.subnetId = id;
      return id;
    }
    case 'NetworkInterfaceId': {
      const id = fromPool(
        w?.networkInterfaces,
        (e) => e.id,
        () => `eni-${rng.hex(17)}`,
      );
      f.eniId = id;
      const e = eni();
      if (e) {
        f.subnetId = e.subnetId;
        f.vpcId = e.vpcId;
      }
      return id;
    }
    case 'InstanceId':
      return fromPool(
        w?.instances,
        (i) => i.id,
        () => `i-${rng.hex(17)}`,
      );
    case 'InternetGatewayId':
      return fromPool(
        w?.internetGateways,
        (x) => x.id,
        () => `igw-${rng.hex(17)}`,
      );
    case 'AllocationId':
      return fromPool(
        w?.elasticIps,
        (e) => e.allocationId,
        () => `eipalloc-${rng.hex(17)}`,
      );
    case 'AttachmentId':
      return fromPool(
        w?.networkInterfaces.filter((e) => e.attachment),
        (e) => e.attachment!.attachmentId,
        () => `eni-attach-${rng.hex(17)}`,
      );
    case 'AssociationId': {
      if (/Vpc/.test(g.op))
        return fromPool(
          w?.vpcs.flatMap((v) => [...v.cidrs, ...v.ipv6Cidrs]),
          (c) => c.associationId,
          () => `vpc-cidr-assoc-${rng.hex(17)}`,
        );
      if (/Subnet/.test(g.op))
        return fromPool(
          w?.subnets.flatMap((s) => s.ipv6),
          (c) => c.associationId,
          () => `subnet-cidr-assoc-${rng.hex(17)}`,
        );
      return fromPool(
        w?.elasticIps.filter((e) => e.association),
        (e) => e.association!.associationId,
        () => `eipassoc-${rng.hex(17)}`,
      );
    }
    case 'GroupId':
    case 'Group':
    case 'SecurityGroupId':
    case 'ReferencedGroupId':
      return fromPool(
        w?.securityGroups.filter((s) => !f.vpcId || s.vpcId === f.vpcId),
        (s) => s.id,
        () => `sg-${rng.hex(17)}`,
      );
    case 'GroupName':
    case 'SecurityGroup':
      return g.op === 'CreateSecurityGroup'
        ? rng.word()
        : fromPool(
            w?.securityGroups,
            (s) => s.name,
            () => rng.word(),
          );
    case 'SecurityGroupRuleId':
      return fromPool(
        w?.securityGroups.flatMap((s) => s.rules as { id: string }[]),
        (r) => r.id,
        () => `sgr-${rng.hex(17)}`,
      );
    case 'PrivateIpAddress': {
      const e = eni();
      const s = subnet();
      const r = rng.next();
      if (e && r < 0.4) return rng.pick(e.privateIps).address;
      const neighbours = w?.networkInterfaces.filter((x) => x.subnetId === s?.id && x.id !== e?.id) ?? [];
      if (neighbours.length > 0 && r < 0.7) return rng.pick(rng.pick(neighbours).privateIps).address;
      return randomIpIn(rng, s?.cidr ?? randomPrivateCidr(rng));
    }
    case 'CidrBlock': {
      if (g.op === 'CreateSubnet') return randomSubCidr(rng, rng.maybe(vpc()?.cidrs ?? [])?.cidr ?? '10.0.0.0/16');
      return rng.chance(0.8) ? randomPrivateCidr(rng) : rng.pick(['10.0.0.0/16', '172.31.0.0/16', '8.8.8.0/24', '0.0.0.0/0', '10.0.0.0/8']);
    }
    case 'Ipv6CidrBlock':
      return random64In(rng, rng.maybe(vpc()?.ipv6Cidrs ?? [])?.cidr);
    case 'Ipv6Address': {
      const e = eni();
      if (e && e.ipv6Addresses.length > 0 && rng.chance(0.5)) return rng.pick(e.ipv6Addresses);
      return randomIpv6In(rng, rng.maybe(subnet()?.ipv6 ?? [])?.cidr);
    }
    case 'Ipv4Prefix': {
      const e = eni();
      if (e && e.ipv4Prefixes.length > 0 && rng.chance(0.5)) return rng.pick(e.ipv4Prefixes);
      return random28In(rng, subnet()?.cidr ?? '10.0.0.0/16');
    }
    case 'CidrIp':
    case 'CidrIpv4':
      return rng.pick(['0.0.0.0/0', '10.0.0.0/8', randomPrivateCidr(rng, 8, 32), '1.2.3.4/32']);
    case 'CidrIpv6':
      return rng.pick(['::/0', '2001:db8::/32', '2600:1f00::/40']);
    case 'IpProtocol':
      return rng.pick(PROTOCOLS);
    case 'PublicIp':
    case 'Address':
      return fromPool(
        w?.elasticIps,
        (e) => e.publicIp,
        () => formatIpv4(rng.int(0, 0xffffffff) >>> 0),
      );
    case 'ImageId':
      return rng.pick(IMAGES);
    case 'InstanceType':
      return rng.pick(INSTANCE_TYPES);
    case 'AvailabilityZone':
    case 'ZoneName':
    case 'AvailabilityZoneId': {
      const zones = findRegion(g.pools.region)?.zones ?? [];
      return rng.chance(0.9) && zones.length > 0 ? (member === 'AvailabilityZoneId' ? rng.pick(zones).zoneId : rng.pick(zones).zoneName) : `${g.pools.region}z`;
    }
    case 'RegionName':
      return rng.pick(['us-east-1', 'eu-west-1', 'ap-southeast-2', 'me-south-1', 'xx-fake-1']);
    case 'NetworkBorderGroup':
      return rng.chance(0.8) ? g.pools.region : rng.word();
    case 'Key':
      return rng.chance(0.9) ? rng.pick(TAG_KEYS) : rng.word(1, 200);
    case 'Value':
      return rng.chance(0.9) ? rng.word(0, 10) : rng.word(250, 300);
    case 'Resource':
    case 'ResourceId':
      return rng.maybe(idsOf(g.pools)) ?? `vpc-${rng.hex(8)}`;
    case 'ClientToken':
      return rng.chance(0.5) ? `tok-${rng.int(0, 5)}` : rng.word(1, 70);
    case 'NextToken':
      return rng.pick(['', 'x', 'eyJ4IjoxfQ==', rng.word()]);
    case 'Description':
      return rng.chance(0.9) ? rng.word(0, 30) : rng.pick(GARBAGE);
    case 'UserId':
    case 'SourceSecurityGroupOwnerId':
    case 'Owner':
      return rng.pick(['123456789012', '111111111111', 'amazon', 'self', rng.word()]);
    default:
      return rng.chance(0.9) ? rng.word() : rng.pick(GARBAGE);
  }
}

// ---- templates: valid-ish requests for the operations that change the most ------------------------

class TemplateKit {
  constructor(
    readonly rng: Rng,
    readonly pools: Pools,
  ) {}

  get w(): WorldExport | undefined {
    return this.pools.world;
  }

  vpc() {
    return this.rng.maybe(this.w?.vpcs ?? []);
  }

  subnet(vpcId?: string) {
    return this.rng.maybe(this.w?.subnets.filter((s) => !vpcId || s.vpcId === vpcId) ?? []);
  }

  eni(pred: (e: WorldExport['networkInterfaces'][number]) => boolean = () => true) {
    return this.rng.maybe(this.w?.networkInterfaces.filter(pred) ?? []);
  }

  instance(pred: (i: WorldExport['instances'][number]) => boolean = () => true) {
    return this.rng.maybe(this.w?.instances.filter(pred) ?? []);
  }

  volume(pred: (v: WorldExport['volumes'][number]) => boolean = () => true) {
    return this.rng.maybe(this.w?.volumes.filter(pred) ?? []);
  }

  eip(pred: (e: WorldExport['elasticIps'][number]) => boolean = () => true) {
    return this.rng.maybe(this.w?.elasticIps.filter(pred) ?? []);
  }

  gateway(pred: (g: WorldExport['internetGateways'][number]) => boolean = () => true) {
    return this.rng.maybe(this.w?.internetGateways.filter(pred) ?? []);
  }

  group(vpcId?: string) {
    return this.rng.maybe(this.w?.securityGroups.filter((g) => !vpcId || g.vpcId === vpcId) ?? []);
  }

  tags(prefix: string, resourceType: string): Params {
    if (!this.rng.chance(0.4)) return [];
    const out: Params = [[`${prefix}.1.ResourceType`, resourceType]];
    const n = this.rng.int(1, 3);
    for (let i = 1; i <= n; i++)
      out.push([`${prefix}.1.Tag.${i}.Key`, this.rng.pick(TAG_KEYS.slice(0, 5))], [`${prefix}.1.Tag.${i}.Value`, this.rng.word(0, 8)]);
    return out;
  }

  /** An address of the subnet: often one some interface already holds (reassignment, in-use paths). */
  ipIn(subnetId: string | undefined): string {
    const s = this.w?.subnets.find((x) => x.id === subnetId);
    const held = this.w?.networkInterfaces.filter((e) => e.subnetId === subnetId).flatMap((e) => e.privateIps.map((p) => p.address)) ?? [];
    if (held.length > 0 && this.rng.chance(0.5)) return this.rng.pick(held);
    return randomIpIn(this.rng, s?.cidr ?? '10.0.0.0/24');
  }

  count(): string {
    return String(this.rng.chance(0.8) ? this.rng.int(1, 4) : this.rng.int(0, 70));
  }
}

type Template = (k: TemplateKit) => Params;

const list = (name: string, values: readonly string[]): Params => values.map((v, i) => [`${name}.${i + 1}`, v]);

const TEMPLATES: Record<string, Template> = {
  CreateVpc: (k) => [
    ['CidrBlock', randomPrivateCidr(k.rng, 16, 24)],
    ...(k.rng.chance(0.5) ? [['AmazonProvidedIpv6CidrBlock', 'true'] as [string, string]] : []),
    ...k.tags('TagSpecification', 'vpc'),
  ],
  CreateSubnet: (k) => {
    const vpc = k.vpc();
    const az = k.rng.maybe(findRegion(k.pools.region)?.zones ?? []);
    const out: Params = [
      ['VpcId', vpc?.id ?? 'vpc-1'],
      ['CidrBlock', randomSubCidr(k.rng, k.rng.maybe(vpc?.cidrs ?? [])?.cidr ?? '10.0.0.0/16', 2, 10)],
    ];
    if (az && k.rng.chance(0.7)) out.push(['AvailabilityZone', az.zoneName]);
    if (vpc?.ipv6Cidrs.length && k.rng.chance(0.5)) out.push(['Ipv6CidrBlock', random64In(k.rng, vpc.ipv6Cidrs[0]!.cidr)]);
    return [...out, ...k.tags('TagSpecification', 'subnet')];
  },
  AssociateVpcCidrBlock: (k) => {
    const vpc = k.vpc();
    return [['VpcId', vpc?.id ?? 'vpc-1'], k.rng.chance(0.5) ? ['AmazonProvidedIpv6CidrBlock', 'true'] : ['CidrBlock', randomPrivateCidr(k.rng, 16, 28)]];
  },
  AssociateSubnetCidrBlock: (k) => {
    const s = k.subnet();
    const vpc = k.w?.vpcs.find((v) => v.id === s?.vpcId);
    return [
      ['SubnetId', s?.id ?? 'subnet-1'],
      ['Ipv6CidrBlock', random64In(k.rng, vpc?.ipv6Cidrs[0]?.cidr)],
    ];
  },
  ModifySubnetAttribute: (k) => [
    ['SubnetId', k.subnet()?.id ?? 'subnet-1'],
    [k.rng.pick(['MapPublicIpOnLaunch.Value', 'AssignIpv6AddressOnCreation.Value']), k.rng.chance(0.5) ? 'true' : 'false'],
  ],
  CreateNetworkInterface: (k) => {
    const s = k.subnet();
    const out: Params = [['SubnetId', s?.id ?? 'subnet-1']];
    const r = k.rng.next();
    if (r < 0.3) out.push(['PrivateIpAddress', k.ipIn(s?.id)]);
    if (r > 0.5 && r < 0.7) out.push(['SecondaryPrivateIpAddressCount', k.count()]);
    if (r > 0.7 && r < 0.8)
      out.push(...list('PrivateIpAddresses', [k.ipIn(s?.id), k.ipIn(s?.id)]).map(([key, v]) => [`${key}.PrivateIpAddress`, v] as [string, string]));
    if (r > 0.8 && r < 0.85) out.push(['Ipv4PrefixCount', String(k.rng.int(1, 3))]);
    if (s?.ipv6.length && k.rng.chance(0.3)) out.push([k.rng.chance(0.75) ? 'Ipv6AddressCount' : 'Ipv6PrefixCount', String(k.rng.int(1, 3))]);
    const g = k.group(s?.vpcId);
    if (g && k.rng.chance(0.3)) out.push(['SecurityGroupId.1', g.id]);
    if (k.rng.chance(0.3)) out.push(['Description', k.rng.word()]);
    if (k.rng.chance(0.2)) out.push(['ClientToken', `cni-${k.rng.int(0, 20)}`]);
    return [...out, ...k.tags('TagSpecification', 'network-interface')];
  },
  DeleteNetworkInterface: (k) => [['NetworkInterfaceId', k.eni((e) => !e.attachment)?.id ?? k.eni()?.id ?? 'eni-1']],
  AssignPrivateIpAddresses: (k) => {
    const e = k.eni();
    const out: Params = [['NetworkInterfaceId', e?.id ?? 'eni-1']];
    const r = k.rng.next();
    if (r < 0.45) {
      out.push(
        ...list(
          'PrivateIpAddress',
          Array.from({ length: k.rng.int(1, 3) }, () => k.ipIn(e?.subnetId)),
        ),
      );
      if (k.rng.chance(0.7)) out.push(['AllowReassignment', 'true']);
    } else if (r < 0.85) {
      out.push(['SecondaryPrivateIpAddressCount', k.count()]);
    } else if (r < 0.95) {
      out.push(['Ipv4PrefixCount', String(k.rng.int(0, 3))]);
    } else {
      out.push(['Ipv4Prefix.1', random28In(k.rng, k.w?.subnets.find((s) => s.id === e?.subnetId)?.cidr ?? '10.0.0.0/24')]);
    }
    return out;
  },
  UnassignPrivateIpAddresses: (k) => {
    const e = k.eni((x) => x.privateIps.length > 1 || x.ipv4Prefixes.length > 0);
    if (e?.ipv4Prefixes.length && k.rng.chance(0.3))
      return [
        ['NetworkInterfaceId', e.id],
        ['Ipv4Prefix.1', k.rng.pick(e.ipv4Prefixes)],
      ];
    const ips = (e?.privateIps ?? []).filter((p) => !p.primary || k.rng.chance(0.1)).map((p) => p.address);
    const chosen = ips.filter(() => k.rng.chance(0.6));
    return [['NetworkInterfaceId', e?.id ?? 'eni-1'], ...list('PrivateIpAddress', chosen.length ? chosen : ips.slice(0, 1))];
  },
  AssignIpv6Addresses: (k) => {
    const e = k.eni();
    const s = k.w?.subnets.find((x) => x.id === e?.subnetId);
    const r = k.rng.next();
    return [
      ['NetworkInterfaceId', e?.id ?? 'eni-1'],
      r < 0.5
        ? ['Ipv6AddressCount', String(k.rng.int(1, 3))]
        : r < 0.8
          ? ['Ipv6Addresses.1', randomIpv6In(k.rng, s?.ipv6[0]?.cidr)]
          : r < 0.9
            ? ['Ipv6PrefixCount', String(k.rng.int(0, 2))]
            : ['Ipv6Prefix.1', random80In(k.rng, s?.ipv6[0]?.cidr)],
    ];
  },
  UnassignIpv6Addresses: (k) => {
    const e = k.eni((x) => x.ipv6Addresses.length > 0 || x.ipv6Prefixes.length > 0);
    if (e?.ipv6Prefixes.length && (e.ipv6Addresses.length === 0 || k.rng.chance(0.4))) {
      return [
        ['NetworkInterfaceId', e.id],
        ['Ipv6Prefix.1', k.rng.pick(e.ipv6Prefixes)],
      ];
    }
    return [['NetworkInterfaceId', e?.id ?? 'eni-1'], ...list('Ipv6Addresses', e ? [k.rng.pick(e.ipv6Addresses)] : ['2600::1'])];
  },
  AllocateAddress: (k) => [['Domain', 'vpc'], ...k.tags('TagSpecification', 'elastic-ip')],
  AssociateAddress: (k) => {
    const eip = k.eip();
    const out: Params = [['AllocationId', eip?.allocationId ?? 'eipalloc-1']];
    if (k.rng.chance(0.8)) {
      const e = k.eni();
      out.push(['NetworkInterfaceId', e?.id ?? 'eni-1']);
      if (e && k.rng.chance(0.7)) out.push(['PrivateIpAddress', k.rng.pick(e.privateIps).address]);
    } else {
      out.push(['InstanceId', k.instance()?.id ?? 'i-1']);
    }
    if (k.rng.chance(0.3)) out.push(['AllowReassociation', k.rng.chance(0.5) ? 'true' : 'false']);
    return out;
  },
  DisassociateAddress: (k) => [['AssociationId', k.eip((e) => !!e.association)?.association?.associationId ?? 'eipassoc-1']],
  ReleaseAddress: (k) => [['AllocationId', k.eip()?.allocationId ?? 'eipalloc-1']],
  RunInstances: (k) => {
    const s = k.subnet();
    const out: Params = [
      ['ImageId', 'ami-0abcdef1234567890'],
      ['MinCount', '1'],
      ['MaxCount', String(k.rng.int(1, 3))],
      ['InstanceType', k.rng.pick(['t3.micro', 't3.large', 'm5.large', 'c5n.18xlarge'])],
    ];
    const free = k.eni((e) => !e.attachment && e.subnetId === s?.id);
    if (free && k.rng.chance(0.3)) {
      out[2] = ['MaxCount', '1'];
      out.push(['NetworkInterface.1.DeviceIndex', '0'], ['NetworkInterface.1.NetworkInterfaceId', free.id]);
    } else if (s && k.rng.chance(0.8)) {
      out.push(['SubnetId', s.id]);
      if (k.rng.chance(0.2)) {
        out[2] = ['MaxCount', '1'];
        out.push(['PrivateIpAddress', k.ipIn(s.id)]);
      }
    }
    return [...out, ...k.tags('TagSpecification', 'instance')];
  },
  AttachNetworkInterface: (k) => {
    const i = k.instance((x) => x.state !== 'terminated');
    const e = k.eni((x) => !x.attachment && x.availabilityZone === i?.availabilityZone) ?? k.eni();
    return [
      ['NetworkInterfaceId', e?.id ?? 'eni-1'],
      ['InstanceId', i?.id ?? 'i-1'],
      ['DeviceIndex', String(k.rng.int(0, 3))],
    ];
  },
  DetachNetworkInterface: (k) => {
    const e = k.eni((x) => !!x.attachment && x.attachment.deviceIndex !== 0) ?? k.eni((x) => !!x.attachment);
    const out: Params = [['AttachmentId', e?.attachment?.attachmentId ?? 'eni-attach-1']];
    if (k.rng.chance(0.3)) out.push(['Force', 'true']);
    return out;
  },
  TerminateInstances: (k) => list('InstanceId', [k.instance()?.id ?? 'i-1']),
  StopInstances: (k) => list('InstanceId', [k.instance()?.id ?? 'i-1']),
  StartInstances: (k) => list('InstanceId', [k.instance()?.id ?? 'i-1']),
  RebootInstances: (k) => list('InstanceId', [k.instance()?.id ?? 'i-1']),
  CreateTags: (k) => {
    const ids = idsOf(k.pools)
      .filter(() => k.rng.chance(0.2))
      .slice(0, 5);
    return [
      ...list('ResourceId', ids.length ? ids : [k.rng.maybe(idsOf(k.pools)) ?? 'vpc-1']),
      ['Tag.1.Key', k.rng.pick(TAG_KEYS)],
      ['Tag.1.Value', k.rng.word(0, 10)],
    ];
  },
  DeleteTags: (k) => [...list('ResourceId', [k.rng.maybe(idsOf(k.pools)) ?? 'vpc-1']), ['Tag.1.Key', k.rng.pick(TAG_KEYS)]],
  CreateSecurityGroup: (k) => [
    ['GroupName', k.rng.word()],
    ['GroupDescription', k.rng.word()],
    ['VpcId', k.vpc()?.id ?? 'vpc-1'],
  ],
  DeleteSecurityGroup: (k) => [['GroupId', k.group()?.id ?? 'sg-1']],
  AuthorizeSecurityGroupIngress: (k) => [
    ['GroupId', k.group()?.id ?? 'sg-1'],
    ['IpPermissions.1.IpProtocol', k.rng.pick(PROTOCOLS)],
    ['IpPermissions.1.FromPort', String(k.rng.int(0, 1000))],
    ['IpPermissions.1.ToPort', String(k.rng.int(0, 2000))],
    ['IpPermissions.1.IpRanges.1.CidrIp', randomPrivateCidr(k.rng, 8, 32)],
  ],
  ModifyNetworkInterfaceAttribute: (k) => {
    const e = k.eni();
    const out: Params = [['NetworkInterfaceId', e?.id ?? 'eni-1']];
    const r = k.rng.next();
    if (r < 0.4) out.push(['SecurityGroupId.1', k.group(e?.vpcId)?.id ?? 'sg-1']);
    else if (r < 0.7) out.push(['Description.Value', k.rng.word()]);
    else if (r < 0.85) out.push(['SourceDestCheck.Value', k.rng.chance(0.5) ? 'true' : 'false']);
    else out.push(['Attachment.AttachmentId', e?.attachment?.attachmentId ?? 'eni-attach-1'], ['Attachment.DeleteOnTermination', 'true']);
    return out;
  },
  AuthorizeSecurityGroupEgress: (k) => [
    ['GroupId', k.group()?.id ?? 'sg-1'],
    ['IpPermissions.1.IpProtocol', k.rng.pick(PROTOCOLS)],
    ['IpPermissions.1.FromPort', String(k.rng.int(0, 1000))],
    ['IpPermissions.1.ToPort', String(k.rng.int(0, 2000))],
    ['IpPermissions.1.IpRanges.1.CidrIp', randomPrivateCidr(k.rng, 8, 32)],
  ],
  RevokeSecurityGroupIngress: (k) => revokeTemplate(k),
  RevokeSecurityGroupEgress: (k) => revokeTemplate(k),
  ModifySecurityGroupRules: (k) => {
    const g = k.rng.maybe(k.w?.securityGroups.filter((x) => x.rules.length > 0) ?? []);
    const rule = g ? (k.rng.pick(g.rules) as { id: string }) : undefined;
    return [
      ['GroupId', g?.id ?? 'sg-1'],
      ['SecurityGroupRule.1.SecurityGroupRuleId', rule?.id ?? 'sgr-1'],
      ['SecurityGroupRule.1.SecurityGroupRule.IpProtocol', k.rng.pick(PROTOCOLS)],
      ['SecurityGroupRule.1.SecurityGroupRule.FromPort', String(k.rng.int(0, 100))],
      ['SecurityGroupRule.1.SecurityGroupRule.ToPort', String(k.rng.int(0, 200))],
      ['SecurityGroupRule.1.SecurityGroupRule.CidrIpv4', randomPrivateCidr(k.rng, 8, 32)],
    ];
  },
  UpdateSecurityGroupRuleDescriptionsIngress: (k) => describeRuleTemplate(k),
  UpdateSecurityGroupRuleDescriptionsEgress: (k) => describeRuleTemplate(k),
  ModifyInstanceAttribute: (k) => {
    const i = k.instance();
    const out: Params = [['InstanceId', i?.id ?? 'i-1']];
    const r = k.rng.next();
    if (r < 0.3) out.push(['SourceDestCheck.Value', k.rng.chance(0.5) ? 'true' : 'false']);
    else if (r < 0.6) out.push(['InstanceType.Value', k.rng.pick(INSTANCE_TYPES)]);
    else if (r < 0.8) out.push(['GroupId.1', k.group(i?.vpcId)?.id ?? 'sg-1']);
    else
      out.push(
        ['Attribute', k.rng.pick(['sourceDestCheck', 'instanceType', 'groupSet', 'disableApiTermination'])],
        ['Value', k.rng.pick(['true', 'false', 't3.large'])],
      );
    return out;
  },
  CreateNetworkInterfacePermission: (k) => [
    ['NetworkInterfaceId', k.eni()?.id ?? 'eni-1'],
    k.rng.chance(0.8) ? ['AwsAccountId', k.rng.pick(['111111111111', '222222222222', '123456789012'])] : ['AwsService', 'ec2.amazonaws.com'],
    ['Permission', k.rng.pick(['INSTANCE-ATTACH', 'EIP-ASSOCIATE'])],
  ],
  DeleteNetworkInterfacePermission: (k) => [
    ['NetworkInterfacePermissionId', k.rng.maybe((k.pools.seen ?? []).filter((id) => id.startsWith('eni-perm-'))) ?? `eni-perm-${k.rng.hex(17)}`],
  ],
  DeleteSubnet: (k) => [['SubnetId', k.subnet()?.id ?? 'subnet-1']],
  DeleteVpc: (k) => [['VpcId', k.vpc()?.id ?? 'vpc-1']],
  CreateInternetGateway: (k) => k.tags('TagSpecification', 'internet-gateway'),
  CreateCustomerGateway: (k) => [
    ['Type', 'ipsec.1'],
    ['IpAddress', `198.51.100.${k.rng.int(1, 20)}`],
    ['BgpAsn', String(k.rng.chance(0.8) ? k.rng.int(64512, 64520) : k.rng.int(0, 70000))],
    ...k.tags('TagSpecification', 'customer-gateway'),
  ],
  CreateVpnConnection: (k) => [
    ['Type', 'ipsec.1'],
    ['CustomerGatewayId', k.rng.maybe(k.w?.customerGateways ?? [])?.id ?? 'cgw-1'],
    ['VpnGatewayId', k.rng.maybe(k.w?.vpnGateways ?? [])?.id ?? 'vgw-1'],
    ['Options.StaticRoutesOnly', String(k.rng.chance(0.5))],
    ...k.tags('TagSpecification', 'vpn-connection'),
  ],
  CreateVpnConnectionRoute: (k) => [
    ['VpnConnectionId', k.rng.maybe(k.w?.vpnConnections ?? [])?.id ?? 'vpn-1'],
    ['DestinationCidrBlock', `192.168.${k.rng.int(0, 5)}.0/24`],
  ],
  // Mostly a loose gateway onto a VPC without one (so custom VPCs can take Elastic IPs); sometimes the refused cases.
  AttachInternetGateway: (k) => {
    const taken = new Set(k.w?.internetGateways.map((g) => g.vpcId) ?? []);
    const igw = (k.rng.chance(0.8) ? k.gateway((g) => !g.vpcId) : undefined) ?? k.gateway();
    const vpc = (k.rng.chance(0.8) ? k.rng.maybe(k.w?.vpcs.filter((v) => !taken.has(v.id)) ?? []) : undefined) ?? k.vpc();
    return [
      ['InternetGatewayId', igw?.id ?? 'igw-1'],
      ['VpcId', vpc?.id ?? 'vpc-1'],
    ];
  },
  DetachInternetGateway: (k) => {
    const igw = k.gateway((g) => !!g.vpcId) ?? k.gateway();
    return [
      ['InternetGatewayId', igw?.id ?? 'igw-1'],
      ['VpcId', (k.rng.chance(0.9) ? igw?.vpcId : undefined) ?? k.vpc()?.id ?? 'vpc-1'],
    ];
  },
  // EBS volumes: mostly valid requests against volumes and instances of the world, sometimes the refused cases.
  CreateVolume: (k) => {
    const zone = k.instance()?.availabilityZone ?? k.subnet()?.availabilityZone ?? 'us-east-1a';
    const out: Params = [
      ['AvailabilityZone', zone],
      ['Size', String(k.rng.chance(0.9) ? k.rng.int(1, 200) : k.rng.int(0, 70000))],
    ];
    if (k.rng.chance(0.3)) out.push(['VolumeType', k.rng.pick(['gp2', 'gp3', 'io1', 'io2', 'st1', 'sc1', 'standard'])]);
    if (k.rng.chance(0.2)) out.push(['Iops', String(k.rng.int(100, 20000))]);
    if (k.rng.chance(0.1)) out.push(['Encrypted', 'true']);
    return [...out, ...k.tags('TagSpecification', 'volume')];
  },
  AttachVolume: (k) => {
    const v = k.volume((x) => x.state === 'available') ?? k.volume();
    const i = k.instance((x) => x.availabilityZone === v?.availabilityZone && x.state !== 'terminated') ?? k.instance();
    return [
      ['VolumeId', v?.id ?? 'vol-1'],
      ['InstanceId', i?.id ?? 'i-1'],
      ['Device', k.rng.pick(['/dev/sdf', '/dev/sdg', '/dev/xvdh', '/dev/xvda', '/dev/sdz9', 'bad'])],
    ];
  },
  DetachVolume: (k) => {
    const v = k.volume((x) => x.attachments.length > 0) ?? k.volume();
    const out: Params = [['VolumeId', v?.id ?? 'vol-1']];
    if (k.rng.chance(0.3)) out.push(['Force', 'true']);
    return out;
  },
  DeleteVolume: (k) => [['VolumeId', (k.volume((x) => x.attachments.length === 0) ?? k.volume())?.id ?? 'vol-1']],
  ModifyVolume: (k) => {
    const v = k.volume();
    const out: Params = [['VolumeId', v?.id ?? 'vol-1']];
    if (k.rng.chance(0.7)) out.push(['Size', String((v?.size ?? 1) + k.rng.int(-2, 50))]);
    if (k.rng.chance(0.4)) out.push(['VolumeType', k.rng.pick(['gp2', 'gp3', 'io1', 'st1'])]);
    return out;
  },
  CreateSnapshot: (k) => [['VolumeId', k.volume()?.id ?? 'vol-1'], ...k.tags('TagSpecification', 'snapshot')],
  DeleteInternetGateway: (k) => [['InternetGatewayId', (k.rng.chance(0.8) ? k.gateway((g) => !g.vpcId) : undefined)?.id ?? k.gateway()?.id ?? 'igw-1']],
};

function revokeTemplate(k: TemplateKit): Params {
  const g = k.rng.maybe(k.w?.securityGroups.filter((x) => x.rules.length > 0) ?? []) ?? k.group();
  const rule = g && g.rules.length > 0 ? (k.rng.pick(g.rules) as { id: string }) : undefined;
  if (rule && k.rng.chance(0.6))
    return [
      ['GroupId', g!.id],
      ['SecurityGroupRuleId.1', rule.id],
    ];
  return [
    ['GroupId', g?.id ?? 'sg-1'],
    ['IpPermissions.1.IpProtocol', '-1'],
    ['IpPermissions.1.IpRanges.1.CidrIp', '0.0.0.0/0'],
  ];
}

function describeRuleTemplate(k: TemplateKit): Params {
  const g = k.rng.maybe(k.w?.securityGroups.filter((x) => x.rules.length > 0) ?? []) ?? k.group();
  const rule = g && g.rules.length > 0 ? (k.rng.pick(g.rules) as { id: string }) : undefined;
  return [
    ['GroupId', g?.id ?? 'sg-1'],
    ['SecurityGroupRuleDescription.1.SecurityGroupRuleId', rule?.id ?? 'sgr-1'],
    ['SecurityGroupRuleDescription.1.Description', k.rng.word()],
  ];
}

/** Every operation name a template exists for (reported by the tests). */
export const TEMPLATED_OPERATIONS = Object.keys(TEMPLATES);

/** One compact line for a failure report. */
export function describeRequest(params: Params, caller: Caller): string {
  const text = new URLSearchParams(params).toString();
  return `${caller.accessKeyId}@${caller.region ?? '-'} ${text.length > 2000 ? `${text.slice(0, 2000)}…(${text.length} chars)` : text}`;
}
