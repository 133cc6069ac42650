import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileFilters, compileWildcard, exactValues, matchesWildcard, type Filter, type FilterSpec } from '../../src/engine/filters.js';
import { Ec2Error } from '../../src/engine/errors.js';

interface Eni {
  id: string;
  vpcId: string;
  description?: string;
  sourceDestCheck: boolean;
  deviceIndex?: number;
  privateIps: string[];
  tags: Map<string, string>;
}

const spec: FilterSpec<Eni> = {
  resourceName: 'network-interface',
  getters: {
    'network-interface-id': (e) => e.id,
    'vpc-id': (e) => e.vpcId,
    description: (e) => e.description,
    'source-dest-check': (e) => e.sourceDestCheck,
    'attachment.device-index': (e) => e.deviceIndex,
    'addresses.private-ip-address': (e) => e.privateIps,
  },
  tags: (e) => e.tags,
};

const enis: Eni[] = [
  {
    id: 'eni-1',
    vpcId: 'vpc-a',
    description: 'web server',
    sourceDestCheck: true,
    deviceIndex: 0,
    privateIps: ['10.0.0.5', '10.0.0.6'],
    tags: new Map([
      ['Name', 'web'],
      ['env', 'prod'],
    ]),
  },
  {
    id: 'eni-2',
    vpcId: 'vpc-a',
    description: 'db*primary?',
    sourceDestCheck: false,
    deviceIndex: 1,
    privateIps: ['10.0.1.5'],
    tags: new Map([
      ['Name', 'db'],
      ['env', 'dev'],
    ]),
  },
  { id: 'eni-3', vpcId: 'vpc-b', sourceDestCheck: true, privateIps: [], tags: new Map() },
  { id: 'eni-10', vpcId: 'vpc-b', description: 'back\\slash', sourceDestCheck: true, privateIps: ['192.168.0.1'], tags: new Map([['team', 'web']]) },
];

const ids = (filters: Filter[] | undefined) => enis.filter(compileFilters(spec, filters)).map((e) => e.id);

const assertInvalid = (fn: () => unknown, message: string) =>
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof Ec2Error);
    assert.equal(e.code, 'InvalidParameterValue');
    assert.equal(e.status, 400);
    assert.equal(e.message, message);
    return true;
  });

describe('matchesWildcard', () => {
  it('matches exact strings, case-sensitively and against the whole value', () => {
    assert.ok(matchesWildcard('vpc-a', 'vpc-a'));
    assert.ok(!matchesWildcard('vpc-a', 'VPC-A'));
    assert.ok(!matchesWildcard('vpc', 'vpc-a'));
    assert.ok(!matchesWildcard('pc-a', 'vpc-a'));
    assert.ok(matchesWildcard('', ''));
    assert.ok(!matchesWildcard('', 'x'));
  });

  it('supports * (any run) and ? (one character)', () => {
    assert.ok(matchesWildcard('*', ''));
    assert.ok(matchesWildcard('*', 'anything'));
    assert.ok(matchesWildcard('vpc-*', 'vpc-'));
    assert.ok(matchesWildcard('vpc-*', 'vpc-123'));
    assert.ok(!matchesWildcard('vpc-*', 'xvpc-123'));
    assert.ok(matchesWildcard('*-123', 'vpc-123'));
    assert.ok(matchesWildcard('*web*', 'my web server'));
    assert.ok(!matchesWildcard('*web*', 'my Web server'));
    assert.ok(matchesWildcard('eni-?', 'eni-1'));
    assert.ok(!matchesWildcard('eni-?', 'eni-10'));
    assert.ok(!matchesWildcard('eni-?', 'eni-'));
    assert.ok(matchesWildcard('a*b?c', 'aXXbYc'));
    assert.ok(matchesWildcard('a*b?c', 'abYc'));
    assert.ok(!matchesWildcard('a*b?c', 'abc'));
    assert.ok(matchesWildcard('a**b', 'ab'));
    assert.ok(matchesWildcard('*', 'multi\nline'));
    assert.ok(matchesWildcard('?', '😀'));
  });

  it('treats regex metacharacters literally', () => {
    assert.ok(matchesWildcard('10.0.0.5', '10.0.0.5'));
    assert.ok(!matchesWildcard('10.0.0.5', '10a0b0c5'));
    assert.ok(matchesWildcard('10.0.*', '10.0.3.4'));
    assert.ok(!matchesWildcard('10.0.*', '10x0.3.4'));
    assert.ok(matchesWildcard('(a|b)+[c]{1}^$/*', '(a|b)+[c]{1}^$/zz'));
    assert.ok(!matchesWildcard('a|b*', 'a'));
  });

  it('honours backslash escapes', () => {
    assert.ok(matchesWildcard('\\*amazon\\?\\\\', '*amazon?\\'));
    assert.ok(!matchesWildcard('\\*amazon\\?\\\\', 'Xamazon!\\'));
    assert.ok(matchesWildcard('db\\*primary\\?', 'db*primary?'));
    assert.ok(!matchesWildcard('db\\*primary\\?', 'dbXprimary!'));
    assert.ok(matchesWildcard('db\\**', 'db*anything'));
    assert.ok(!matchesWildcard('db\\**', 'dbanything'));
    assert.ok(matchesWildcard('\\a', 'a'));
    assert.ok(matchesWildcard('trailing\\', 'trailing\\'));
    assert.ok(compileWildcard('x\\?y*')('x?yzz'));
  });
});

describe('compileFilters', () => {
  it('accepts everything without filters', () => {
    assert.deepEqual(ids(undefined), ['eni-1', 'eni-2', 'eni-3', 'eni-10']);
    assert.deepEqual(ids([]), ['eni-1', 'eni-2', 'eni-3', 'eni-10']);
  });

  it('ORs values within a filter and ANDs filters', () => {
    assert.deepEqual(ids([{ Name: 'network-interface-id', Values: ['eni-1', 'eni-3', 'eni-404'] }]), ['eni-1', 'eni-3']);
    assert.deepEqual(
      ids([
        { Name: 'vpc-id', Values: ['vpc-a'] },
        { Name: 'network-interface-id', Values: ['eni-2', 'eni-3'] },
      ]),
      ['eni-2'],
    );
    assert.deepEqual(
      ids([
        { Name: 'vpc-id', Values: ['vpc-b'] },
        { Name: 'vpc-id', Values: ['vpc-a'] },
      ]),
      [],
    );
    assert.deepEqual(ids([{ Name: 'network-interface-id', Values: ['eni-?', 'eni-1*'] }]), ['eni-1', 'eni-2', 'eni-3', 'eni-10']);
    assert.deepEqual(ids([{ Name: 'network-interface-id', Values: ['eni-?', 'eni-10'] }]), ['eni-1', 'eni-2', 'eni-3', 'eni-10']);
    assert.deepEqual(ids([{ Name: 'network-interface-id', Values: ['eni-1?'] }]), ['eni-10']);
  });

  it('applies wildcards and escapes to attribute values', () => {
    assert.deepEqual(ids([{ Name: 'description', Values: ['*server'] }]), ['eni-1']);
    assert.deepEqual(ids([{ Name: 'description', Values: ['db\\*primary\\?'] }]), ['eni-2']);
    assert.deepEqual(ids([{ Name: 'description', Values: ['back\\\\slash'] }]), ['eni-10']);
    assert.deepEqual(ids([{ Name: 'description', Values: ['Web*'] }]), []);
  });

  it('never matches an absent attribute, even with *', () => {
    assert.deepEqual(ids([{ Name: 'description', Values: ['*'] }]), ['eni-1', 'eni-2', 'eni-10']);
    assert.deepEqual(ids([{ Name: 'attachment.device-index', Values: ['*'] }]), ['eni-1', 'eni-2']);
  });

  it('matches booleans as true/false and numbers as decimal strings', () => {
    assert.deepEqual(ids([{ Name: 'source-dest-check', Values: ['false'] }]), ['eni-2']);
    assert.deepEqual(ids([{ Name: 'source-dest-check', Values: ['true'] }]), ['eni-1', 'eni-3', 'eni-10']);
    assert.deepEqual(ids([{ Name: 'source-dest-check', Values: ['True'] }]), []);
    assert.deepEqual(ids([{ Name: 'attachment.device-index', Values: ['0'] }]), ['eni-1']);
    assert.deepEqual(ids([{ Name: 'attachment.device-index', Values: ['1', '2'] }]), ['eni-2']);
    assert.deepEqual(ids([{ Name: 'attachment.device-index', Values: ['01'] }]), []);
  });

  it('matches array getters when any element matches', () => {
    assert.deepEqual(ids([{ Name: 'addresses.private-ip-address', Values: ['10.0.0.6'] }]), ['eni-1']);
    assert.deepEqual(ids([{ Name: 'addresses.private-ip-address', Values: ['10.0.*'] }]), ['eni-1', 'eni-2']);
    assert.deepEqual(ids([{ Name: 'addresses.private-ip-address', Values: ['*'] }]), ['eni-1', 'eni-2', 'eni-10']);
    const mixed = compileFilters<{ v: (string | number | null | undefined)[] }>({ resourceName: 'x', getters: { v: (r) => r.v } }, [
      { Name: 'v', Values: ['7'] },
    ]);
    assert.ok(mixed({ v: [null, undefined, 7] }));
    assert.ok(!mixed({ v: [null, 8] }));
  });

  it('supports tag:<Key>', () => {
    assert.deepEqual(ids([{ Name: 'tag:Name', Values: ['web'] }]), ['eni-1']);
    assert.deepEqual(ids([{ Name: 'tag:Name', Values: ['*'] }]), ['eni-1', 'eni-2']);
    assert.deepEqual(
      ids([
        { Name: 'tag:env', Values: ['prod', 'dev'] },
        { Name: 'tag:Name', Values: ['d?'] },
      ]),
      ['eni-2'],
    );
    assert.deepEqual(ids([{ Name: 'tag:name', Values: ['web'] }]), []);
    assert.deepEqual(ids([{ Name: 'tag:Missing', Values: ['*'] }]), []);
  });

  it('supports tag-key and tag-value independently', () => {
    assert.deepEqual(ids([{ Name: 'tag-key', Values: ['env'] }]), ['eni-1', 'eni-2']);
    assert.deepEqual(ids([{ Name: 'tag-key', Values: ['te*', 'Name'] }]), ['eni-1', 'eni-2', 'eni-10']);
    assert.deepEqual(ids([{ Name: 'tag-value', Values: ['web'] }]), ['eni-1', 'eni-10']);
    assert.deepEqual(ids([{ Name: 'tag-value', Values: ['d*'] }]), ['eni-2']);
    // Not paired: eni-10 has key "team" and value "web" on the same tag, eni-1 has them on different tags.
    assert.deepEqual(
      ids([
        { Name: 'tag-key', Values: ['env'] },
        { Name: 'tag-value', Values: ['web'] },
      ]),
      ['eni-1'],
    );
  });

  it('rejects tag filters when the resource has no tags', () => {
    const noTags: FilterSpec<Eni> = { resourceName: 'x', getters: { 'vpc-id': (e) => e.vpcId } };
    assertInvalid(() => compileFilters(noTags, [{ Name: 'tag:Name', Values: ['x'] }]), "The filter 'tag:Name' is invalid");
    assertInvalid(() => compileFilters(noTags, [{ Name: 'tag-key', Values: ['x'] }]), "The filter 'tag-key' is invalid");
  });

  it('rejects unknown and missing filter names', () => {
    assertInvalid(() => compileFilters(spec, [{ Name: 'public-ip', Values: ['1.2.3.4'] }]), "The filter 'public-ip' is invalid");
    assertInvalid(() => compileFilters(spec, [{ Name: 'VPC-ID', Values: ['vpc-a'] }]), "The filter 'VPC-ID' is invalid");
    assertInvalid(() => compileFilters(spec, [{ Name: 'constructor', Values: ['x'] }]), "The filter 'constructor' is invalid");
    assertInvalid(() => compileFilters(spec, [{ Values: ['x'] }]), "The filter 'null' is invalid");
    assertInvalid(() => compileFilters(spec, [{ Name: '', Values: ['x'] }]), "The filter '' is invalid");
    // Validation covers every filter, even after one that can never match.
    assertInvalid(
      () =>
        compileFilters(spec, [
          { Name: 'vpc-id', Values: [] },
          { Name: 'bogus', Values: ['x'] },
        ]),
      "The filter 'bogus' is invalid",
    );
  });

  it('matches nothing for a known filter without values', () => {
    assert.deepEqual(ids([{ Name: 'vpc-id' }]), []);
    assert.deepEqual(ids([{ Name: 'vpc-id', Values: [] }]), []);
    assert.deepEqual(ids([{ Name: 'tag-key', Values: [] }]), []);
  });
});

describe('exactValues', () => {
  it('returns the literal values of a wildcard-free filter', () => {
    assert.deepEqual(exactValues([{ Name: 'vpc-id', Values: ['vpc-a', 'vpc-b', 'vpc-a'] }], 'vpc-id'), ['vpc-a', 'vpc-b']);
    assert.deepEqual(exactValues([{ Name: 'description', Values: ['db\\*primary\\?'] }], 'description'), ['db*primary?']);
  });

  it('returns undefined when absent or wildcarded', () => {
    assert.equal(exactValues(undefined, 'vpc-id'), undefined);
    assert.equal(exactValues([{ Name: 'subnet-id', Values: ['s-1'] }], 'vpc-id'), undefined);
    assert.equal(exactValues([{ Name: 'vpc-id', Values: ['vpc-a', 'vpc-*'] }], 'vpc-id'), undefined);
    assert.equal(exactValues([{ Name: 'vpc-id', Values: ['vpc-?'] }], 'vpc-id'), undefined);
  });

  it('returns [] for a filter without values', () => {
    assert.deepEqual(exactValues([{ Name: 'vpc-id' }], 'vpc-id'), []);
  });

  it('intersects repeated filters and ignores wildcarded ones', () => {
    const f: Filter[] = [
      { Name: 'vpc-id', Values: ['vpc-a', 'vpc-b'] },
      { Name: 'vpc-id', Values: ['vpc-*'] },
      { Name: 'vpc-id', Values: ['vpc-b', 'vpc-c'] },
    ];
    assert.deepEqual(exactValues(f, 'vpc-id'), ['vpc-b']);
  });

  it('is a superset of what compileFilters accepts', () => {
    const f: Filter[] = [
      { Name: 'network-interface-id', Values: ['eni-1', 'eni-3'] },
      { Name: 'vpc-id', Values: ['vpc-b'] },
    ];
    const candidates = exactValues(f, 'network-interface-id')!;
    const accepted = ids(f);
    assert.ok(accepted.every((id) => candidates.includes(id)));
    assert.deepEqual(accepted, ['eni-3']);
  });
});
