/**
 * The model's constraints on a decoded input (required members, length and value bounds, patterns),
 * checked all at once and reported as the plain-query services (STS) report them: one
 * `ValidationError` listing every violation, e.g.
 *   "2 validation errors detected: Value '' at 'roleArn' failed to satisfy constraint: Member must
 *    satisfy regular expression pattern: […]; Value '' at 'roleArn' failed to satisfy constraint:
 *    Member must have length greater than or equal to 20"
 * (wording as STS answers, e.g. mmmorris1975/aws-runas#80, getmoto/moto#9218,
 * zalando-incubator/kube-aws-iam-controller#16). Member paths are lower camel case, list items
 * `name.N.member`.
 */
import { Ec2Error } from '../engine/errors.js';
import type { ServiceModel, Shape } from './model.js';

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** The model's patterns are Java regular expressions; the few constructs JS writes otherwise are translated. */
const patternCache = new Map<string, RegExp | null>();
function compiledPattern(pattern: string): RegExp | null {
  let re = patternCache.get(pattern);
  if (re === undefined) {
    try {
      // \u10000-\u10FFFF (supplementary planes) is \u{…} in JS; \p{L} needs the u flag.
      re = new RegExp(`^(?:${pattern.replace(/\\u([0-9A-Fa-f]{5,6})/g, '\\u{$1}')})$`, 'u');
    } catch {
      re = null;
    }
    patternCache.set(pattern, re);
  }
  return re;
}

const quote = (v: unknown) => (v === null ? 'null' : `'${String(v)}'`);

export function checkConstraints(model: ServiceModel, shapeName: string | undefined, input: Record<string, unknown>): void {
  if (!shapeName) return;
  const errors: string[] = [];
  const fail = (value: unknown, path: string, rule: string) =>
    errors.push(`Value ${quote(value)} at '${path}' failed to satisfy constraint: Member must ${rule}`);
  const visit = (name: string, value: unknown, path: string): void => {
    const shape: Shape | undefined = model.shapes[name];
    if (!shape) return;
    const pattern = (shape as { pattern?: string }).pattern;
    switch (shape.type) {
      case 'structure': {
        const v = value as Record<string, unknown>;
        for (const req of shape.required ?? []) if (v[req] === undefined) fail(null, join(path, lowerFirst(req)), 'not be null');
        for (const [member, ref] of Object.entries(shape.members ?? {})) {
          if (v[member] !== undefined) visit(ref.shape, v[member], join(path, lowerFirst(member)));
        }
        return;
      }
      case 'list': {
        const items = value as unknown[];
        if (shape.min !== undefined && items.length < shape.min) fail(`[${items.join(', ')}]`, path, `have length greater than or equal to ${shape.min}`);
        if (shape.max !== undefined && items.length > shape.max) fail(`[${items.join(', ')}]`, path, `have length less than or equal to ${shape.max}`);
        items.forEach((item, i) => visit(shape.member!.shape, item, `${path}.${i + 1}.member`));
        return;
      }
      case 'string': {
        const s = value as string;
        const re = pattern !== undefined ? compiledPattern(pattern) : null;
        if (re && !re.test(s)) fail(s, path, `satisfy regular expression pattern: ${pattern}`);
        const length = [...s].length;
        if (shape.min !== undefined && length < shape.min) fail(s, path, `have length greater than or equal to ${shape.min}`);
        if (shape.max !== undefined && length > shape.max) fail(s, path, `have length less than or equal to ${shape.max}`);
        return;
      }
      case 'integer':
      case 'long': {
        const n = value as number;
        if (shape.min !== undefined && n < shape.min) fail(n, path, `have value greater than or equal to ${shape.min}`);
        if (shape.max !== undefined && n > shape.max) fail(n, path, `have value less than or equal to ${shape.max}`);
        return;
      }
      default:
        return;
    }
  };
  visit(shapeName, input, '');
  if (errors.length === 0) return;
  throw new Ec2Error('ValidationError', `${errors.length} validation error${errors.length === 1 ? '' : 's'} detected: ${errors.join('; ')}`, 400);
}

const join = (parent: string, key: string) => (parent ? `${parent}.${key}` : key);
