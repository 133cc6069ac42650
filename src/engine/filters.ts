/**
 * The one filter mechanism behind every Describe* call (`Filter.N.Name` + `Filter.N.Value.M`).
 *
 * AWS semantics (EC2 API reference "Filter"; EC2 User Guide "List and filter your resources"):
 * - Filter names and values are case-sensitive.
 * - Values of one filter are ORed; separate filters are ANDed (two filters with the same name are
 *   both applied).
 * - Values may use wildcards: `*` matches zero or more characters, `?` exactly one. A backslash makes
 *   the next character literal, so `\*amazon\?\\` matches the literal string `*amazon?\`. A value is
 *   matched against the whole attribute string (not a substring).
 * - Booleans are matched as `true` / `false`, numbers as their decimal string.
 * - `tag:<Key>` matches resources having tag <Key> with a matching value; `tag-key` matches any tag
 *   key; `tag-value` matches any tag value (the two are independent, not paired).
 *
 * Validation choices:
 * - A filter without a Name is rejected as AWS does: `InvalidParameterValue`,
 *   "The filter 'null' is invalid" (the message real EC2 returns, e.g. for an SDK sending `Filters: []`).
 * - An unknown name is `InvalidParameterValue`, "The filter '<name>' is invalid".
 * - A known filter with no values is accepted and matches nothing: real EC2 answers
 *   `describe-subnets --filters Name=vpc-id` (and `Values: []`) with an empty list.
 * - An attribute that is absent on a resource (getter returns undefined/null) matches no value, not
 *   even `*`.
 *
 * Each value is compiled once (exact strings go into a Set; simple prefix/suffix/contains patterns use
 * string methods; everything else becomes one anchored RegExp), so evaluating a resource is cheap.
 */
import { invalidValue } from './errors.js';

export type FilterValue = string | number | boolean | undefined | null;
/** How to read a filter's value(s) from a resource; arrays mean "any element may match". */
export type FilterGetter<T> = (resource: T) => FilterValue | readonly FilterValue[];

export interface FilterSpec<T> {
  /** Resource kind, for messages and documentation (e.g. `network-interface`). */
  readonly resourceName: string;
  /** Supported filter names (exact, case-sensitive) → how to read the value(s). */
  readonly getters: Readonly<Record<string, FilterGetter<T>>>;
  /** The resource's tags; when present, `tag:<Key>`, `tag-key` and `tag-value` are supported. */
  readonly tags?: (resource: T) => ReadonlyMap<string, string> | undefined;
}

/** One `Filter.N` entry as decoded from the request (same shape as the SDK's `Filter`). */
export interface Filter {
  readonly Name?: string;
  readonly Values?: readonly string[];
}

export type StringMatcher = (value: string) => boolean;

// ---------------------------------------------------------------------------------------------
// Wildcard patterns

const ANY = 0; // `*`
const ONE = 1; // `?`
type Token = string | typeof ANY | typeof ONE;

/** Splits a filter value into literal runs and wildcards, resolving backslash escapes. */
function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  let lit = '';
  const flush = () => {
    if (lit !== '') tokens.push(lit);
    lit = '';
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      // `\x` is a literal x; a trailing lone backslash is a literal backslash.
      lit += i + 1 < pattern.length ? pattern[++i]! : '\\';
    } else if (c === '*') {
      flush();
      if (tokens[tokens.length - 1] !== ANY) tokens.push(ANY); // `**` ≡ `*`
    } else if (c === '?') {
      flush();
      tokens.push(ONE);
    } else {
      lit += c;
    }
  }
  flush();
  return tokens;
}

/** The literal a pattern denotes when it has no (unescaped) wildcard, else undefined. */
function literalOf(tokens: readonly Token[]): string | undefined {
  if (tokens.length === 0) return '';
  if (tokens.length === 1 && typeof tokens[0] === 'string') return tokens[0];
  return undefined;
}

const escapeRegExp = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');

function matcherOf(tokens: readonly Token[]): StringMatcher {
  const lit = literalOf(tokens);
  if (lit !== undefined) return (v) => v === lit;
  const [t0, t1, t2] = tokens;
  if (tokens.length === 1 && t0 === ANY) return () => true;
  if (tokens.length === 2 && typeof t0 === 'string' && t1 === ANY) return (v) => v.startsWith(t0);
  if (tokens.length === 2 && t0 === ANY && typeof t1 === 'string') return (v) => v.endsWith(t1);
  if (tokens.length === 3 && t0 === ANY && typeof t1 === 'string' && t2 === ANY) return (v) => v.includes(t1);
  const source = tokens.map((t) => (t === ANY ? '.*' : t === ONE ? '.' : escapeRegExp(t))).join('');
  // `s`: wildcards also match line breaks; `u`: `?` is one code point, not half a surrogate pair.
  const re = new RegExp(`^${source}$`, 'su');
  return (v) => re.test(v);
}

/** Compiles one filter value (with `*`, `?` and `\` escapes) into a whole-string matcher. */
export function compileWildcard(pattern: string): StringMatcher {
  return matcherOf(tokenize(pattern));
}

/** Whether `value` matches the filter value `pattern` (AWS wildcard rules, case-sensitive). */
export function matchesWildcard(pattern: string, value: string): boolean {
  return compileWildcard(pattern)(value);
}

/** One matcher for a filter's value list (OR): exact values via a Set, the rest tested in turn. */
function compileValues(values: readonly string[]): StringMatcher {
  const exact = new Set<string>();
  const others: StringMatcher[] = [];
  for (const pattern of values) {
    const tokens = tokenize(pattern);
    const lit = literalOf(tokens);
    if (lit !== undefined) exact.add(lit);
    else if (tokens.length === 1)
      return () => true; // a bare `*` (or `**`) accepts every value
    else others.push(matcherOf(tokens));
  }
  if (others.length === 0) {
    if (exact.size === 1) {
      const [only] = exact;
      return (v) => v === only;
    }
    return (v) => exact.has(v);
  }
  if (exact.size === 0 && others.length === 1) return others[0]!;
  return (v) => exact.has(v) || others.some((m) => m(v));
}

// ---------------------------------------------------------------------------------------------
// Filters

function asString(v: FilterValue): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return String(v);
}

const isList = (v: FilterValue | readonly FilterValue[]): v is readonly FilterValue[] => Array.isArray(v);

const invalidFilter = (name: string | undefined | null) => invalidValue(`The filter '${name ?? 'null'}' is invalid`);

const NEVER = () => false;
const ALWAYS = () => true;

function compileOne<T>(spec: FilterSpec<T>, filter: Filter): (resource: T) => boolean {
  const name = filter.Name;
  if (name === undefined || name === null) throw invalidFilter(name);

  let kind: { getter: FilterGetter<T> } | { tagKey: string } | 'tag-key' | 'tag-value';
  if (Object.hasOwn(spec.getters, name)) kind = { getter: spec.getters[name]! };
  else if (spec.tags && name.startsWith('tag:')) kind = { tagKey: name.slice(4) };
  else if (spec.tags && (name === 'tag-key' || name === 'tag-value')) kind = name;
  else throw invalidFilter(name);

  const values = filter.Values ?? [];
  if (values.length === 0) return NEVER;
  const match = compileValues(values);

  if (typeof kind === 'object' && 'getter' in kind) {
    const get = kind.getter;
    return (r) => {
      const v = get(r);
      if (isList(v)) {
        for (const item of v) {
          const s = asString(item);
          if (s !== undefined && match(s)) return true;
        }
        return false;
      }
      const s = asString(v);
      return s !== undefined && match(s);
    };
  }

  const tagsOf = spec.tags!;
  if (typeof kind === 'object') {
    const key = kind.tagKey;
    return (r) => {
      const v = tagsOf(r)?.get(key);
      return v !== undefined && match(v);
    };
  }
  const useKeys = kind === 'tag-key';
  return (r) => {
    const tags = tagsOf(r);
    if (!tags) return false;
    for (const s of useKeys ? tags.keys() : tags.values()) if (match(s)) return true;
    return false;
  };
}

/**
 * Validates `filters` against `spec` (throwing `Ec2Error` InvalidParameterValue on a missing or
 * unknown name) and returns a predicate that is true for resources matching every filter.
 */
export function compileFilters<T>(spec: FilterSpec<T>, filters: readonly Filter[] | undefined): (resource: T) => boolean {
  if (!filters || filters.length === 0) return ALWAYS;
  const compiled = filters.map((f) => compileOne(spec, f));
  if (compiled.includes(NEVER)) return NEVER;
  if (compiled.length === 1) return compiled[0]!;
  return (r) => {
    for (const p of compiled) if (!p(r)) return false;
    return true;
  };
}

/**
 * The literal values a resource must have for filter `name`, for index lookups: when at least one
 * filter named `name` has only wildcard-free values, returns those values (escapes resolved,
 * deduplicated; intersected across several such filters, since filters are ANDed). Otherwise
 * undefined (no such filter, or every one uses a wildcard). A filter with no values yields [].
 * The result is a candidate set only: callers still apply `compileFilters` to what they look up.
 */
export function exactValues(filters: readonly Filter[] | undefined, name: string): string[] | undefined {
  let result: string[] | undefined;
  for (const f of filters ?? []) {
    if (f.Name !== name) continue;
    const literals: string[] = [];
    let wildcard = false;
    for (const v of f.Values ?? []) {
      const lit = literalOf(tokenize(v));
      if (lit === undefined) {
        wildcard = true;
        break;
      }
      literals.push(lit);
    }
    if (wildcard) continue;
    if (result === undefined) result = [...new Set(literals)];
    else {
      const keep = new Set(literals);
      result = result.filter((v) => keep.has(v));
    }
  }
  return result;
}

/**
 * A filter spec built once per world and kept: its getters close over the world only, and a
 * describe that builds dozens of closures per call pays for them on every request.
 */
export function perWorld<W extends object, T>(build: (world: W) => FilterSpec<T>): (world: W) => FilterSpec<T> {
  const built = new WeakMap<W, FilterSpec<T>>();
  return (world) => {
    let spec = built.get(world);
    if (!spec) built.set(world, (spec = build(world)));
    return spec;
  };
}
