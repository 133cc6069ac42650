import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_REGION, REGIONS, findRegion, findZone } from '../../src/engine/regions.js';

const zoneMap = (region: string) => {
  const r = findRegion(region);
  assert.ok(r, region);
  return Object.fromEntries(r.zones.map((z) => [z.zoneName.slice(region.length), z.zoneId]));
};

describe('regions', () => {
  it('has the default region', () => {
    assert.equal(DEFAULT_REGION, 'us-east-1');
    assert.ok(findRegion(DEFAULT_REGION));
  });

  it('lists the commercial regions only, once each', () => {
    const names = REGIONS.map((r) => r.name);
    assert.equal(new Set(names).size, names.length);
    for (const n of ['us-east-1', 'eu-west-1', 'ap-southeast-7', 'mx-central-1', 'ap-east-2', 'ap-southeast-6', 'ca-west-1']) {
      assert.ok(names.includes(n), n);
    }
    assert.ok(names.every((n) => !n.startsWith('cn-') && !n.startsWith('us-gov-')));
    assert.equal(REGIONS.length, 34);
  });

  it('reports endpoint and opt-in status', () => {
    for (const r of REGIONS) assert.equal(r.endpoint, `ec2.${r.name}.amazonaws.com`);
    const optIn = REGIONS.filter((r) => r.optInStatus === 'opted-in')
      .map((r) => r.name)
      .sort();
    assert.deepEqual(optIn, [
      'af-south-1',
      'ap-east-1',
      'ap-east-2',
      'ap-south-2',
      'ap-southeast-3',
      'ap-southeast-4',
      'ap-southeast-5',
      'ap-southeast-6',
      'ap-southeast-7',
      'ca-west-1',
      'eu-central-2',
      'eu-south-1',
      'eu-south-2',
      'il-central-1',
      'me-central-1',
      'me-south-1',
      'mx-central-1',
    ]);
    assert.ok(REGIONS.every((r) => r.optInStatus === 'opted-in' || r.optInStatus === 'opt-in-not-required'));
    assert.equal(findRegion('us-east-1')!.optInStatus, 'opt-in-not-required');
    assert.equal(findRegion('ap-northeast-3')!.optInStatus, 'opt-in-not-required');
  });

  it('gives every region at least two well-formed zones with unique IDs', () => {
    for (const r of REGIONS) {
      assert.ok(r.zones.length >= 2, r.name);
      const ids = r.zones.map((z) => z.zoneId);
      assert.equal(new Set(ids).size, ids.length, `${r.name} zone ids unique`);
      for (const z of r.zones) {
        assert.match(z.zoneName, new RegExp(`^${r.name}[a-z]$`));
        assert.match(z.zoneId, /^[a-z]{3,5}\d+-az\d+$/);
        assert.equal(z.regionName, r.name);
        assert.equal(z.groupName, `${r.name}-zg-1`);
        assert.equal(z.networkBorderGroup, r.name);
        assert.equal(z.optInStatus, 'opt-in-not-required');
        assert.equal(z.zoneType, 'availability-zone');
        assert.equal(z.state, 'available');
      }
    }
  });

  it('has the real zone counts for a sample of regions', () => {
    const counts: Record<string, number> = {
      'us-east-1': 6,
      'us-east-2': 3,
      'us-west-1': 2,
      'us-west-2': 4,
      'ap-northeast-1': 3,
      'ap-northeast-2': 4,
      'ca-central-1': 3,
      'eu-central-1': 3,
      'sa-east-1': 3,
      'mx-central-1': 3,
    };
    for (const [name, n] of Object.entries(counts)) assert.equal(findRegion(name)!.zones.length, n, name);
  });

  it('uses the fixed name → ID snapshot', () => {
    assert.deepEqual(zoneMap('us-east-1'), { a: 'use1-az6', b: 'use1-az1', c: 'use1-az2', d: 'use1-az4', e: 'use1-az3', f: 'use1-az5' });
    assert.deepEqual(zoneMap('us-west-1'), { a: 'usw1-az3', b: 'usw1-az1' });
    assert.deepEqual(zoneMap('us-west-2'), { a: 'usw2-az2', b: 'usw2-az1', c: 'usw2-az3', d: 'usw2-az4' });
    assert.deepEqual(zoneMap('eu-west-1'), { a: 'euw1-az3', b: 'euw1-az1', c: 'euw1-az2' });
    assert.deepEqual(zoneMap('eu-west-2'), { a: 'euw2-az2', b: 'euw2-az3', c: 'euw2-az1' });
    assert.deepEqual(zoneMap('ap-southeast-2'), { a: 'apse2-az1', b: 'apse2-az3', c: 'apse2-az2' });
    assert.deepEqual(zoneMap('ap-northeast-1'), { a: 'apne1-az4', c: 'apne1-az1', d: 'apne1-az2' });
    assert.deepEqual(zoneMap('ap-south-1'), { a: 'aps1-az1', b: 'aps1-az3', c: 'aps1-az2' });
    assert.deepEqual(zoneMap('ca-central-1'), { a: 'cac1-az1', b: 'cac1-az2', d: 'cac1-az4' });
  });

  it('derives AWS zone-id prefixes for uniformly mapped regions', () => {
    assert.deepEqual(zoneMap('us-east-2'), { a: 'use2-az1', b: 'use2-az2', c: 'use2-az3' });
    assert.deepEqual(zoneMap('ap-northeast-2'), { a: 'apne2-az1', b: 'apne2-az2', c: 'apne2-az3', d: 'apne2-az4' });
    const prefix = (r: string) => findRegion(r)!.zones[0]!.zoneId.split('-')[0];
    const expected: Record<string, string> = {
      'eu-central-1': 'euc1',
      'eu-north-1': 'eun1',
      'ap-south-2': 'aps2',
      'ap-southeast-1': 'apse1',
      'ap-northeast-3': 'apne3',
      'sa-east-1': 'sae1',
      'me-south-1': 'mes1',
      'af-south-1': 'afs1',
      'ap-east-1': 'ape1',
      'il-central-1': 'ilc1',
      'eu-west-3': 'euw3',
      'eu-south-1': 'eus1',
      'eu-south-2': 'eus2',
      'eu-central-2': 'euc2',
      'ap-southeast-3': 'apse3',
      'ap-southeast-4': 'apse4',
      'ap-southeast-5': 'apse5',
      'ap-southeast-7': 'apse7',
      'me-central-1': 'mec1',
      'ca-west-1': 'caw1',
      'mx-central-1': 'mxc1',
      'ap-east-2': 'ape2',
      'ap-southeast-6': 'apse6',
    };
    for (const [r, p] of Object.entries(expected)) assert.equal(prefix(r), p, r);
  });

  it('finds regions and zones by exact name or id', () => {
    assert.equal(findRegion('nowhere-1'), undefined);
    assert.equal(findRegion('US-EAST-1'), undefined);
    const r = findRegion('us-east-1')!;
    assert.equal(findZone(r, 'us-east-1a')?.zoneId, 'use1-az6');
    assert.equal(findZone(r, 'use1-az6')?.zoneName, 'us-east-1a');
    assert.equal(findZone(r, 'us-east-1g'), undefined);
    assert.equal(findZone(r, 'usw2-az1'), undefined);
    assert.equal(findZone(findRegion('us-west-2')!, 'us-east-1a'), undefined);
  });

  it('is immutable', () => {
    assert.ok(Object.isFrozen(REGIONS));
    assert.ok(Object.isFrozen(REGIONS[0]));
    assert.ok(Object.isFrozen(REGIONS[0]!.zones));
    assert.ok(Object.isFrozen(REGIONS[0]!.zones[0]));
  });
});
