/** IDs and MACs: AWS formats (resource-ids doc: prefix + 17 hex) and the Malformed/NotFound split (aws-behaviour.md §1). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkId, ID_KINDS, IdGenerator, notFound } from '../../src/engine/ids.js';
import { SeededRandom } from '../../src/engine/random.js';

describe('ids', () => {
  it('makes prefix + 17 lowercase hex ids, never the same twice', () => {
    const ids = new IdGenerator();
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const id = ids.next(ID_KINDS.networkInterface);
      assert.match(id, /^eni-[0-9a-f]{17}$/);
      assert.ok(!seen.has(id));
      seen.add(id);
    }
    assert.match(ids.next(ID_KINDS.attachment), /^eni-attach-[0-9a-f]{17}$/);
  });

  it('never repeats an id even when the random source does', () => {
    let calls = 0;
    const stuck = (n: number) => Buffer.alloc(n, calls++ < 3 ? 0xab : 0xcd);
    const ids = new IdGenerator(stuck);
    const a = ids.next(ID_KINDS.vpc);
    const b = ids.next(ID_KINDS.vpc);
    assert.notEqual(a, b);
  });

  it('makes unique locally administered MACs starting 02:', () => {
    const ids = new IdGenerator();
    const macs = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const mac = ids.nextMac();
      assert.match(mac, /^02(:[0-9a-f]{2}){5}$/);
      macs.add(mac);
    }
    assert.equal(macs.size, 2000);
  });

  it('remembers restored ids and MACs so they are not handed out again', () => {
    const r1 = new SeededRandom('seed');
    const first = new IdGenerator((n) => r1.bytes(n)).next(ID_KINDS.vpc);
    const r2 = new SeededRandom('seed');
    const again = new IdGenerator((n) => r2.bytes(n));
    again.remember([first]);
    assert.notEqual(again.next(ID_KINDS.vpc), first);
  });

  it('the same seed gives the same ids (replayable worlds)', () => {
    const a = new SeededRandom('s1');
    const b = new SeededRandom('s1');
    assert.equal(new IdGenerator((n) => a.bytes(n)).next(ID_KINDS.subnet), new IdGenerator((n) => b.bytes(n)).next(ID_KINDS.subnet));
  });

  it('derive() makes the same id from the same material, draws nothing from the random stream, never repeats', () => {
    const r = new SeededRandom('seed');
    const ids = new IdGenerator((n) => r.bytes(n));
    const a = ids.derive(ID_KINDS.internetGateway, 'm');
    assert.match(a, /^igw-[0-9a-f]{17}$/);
    assert.equal(new IdGenerator().derive(ID_KINDS.internetGateway, 'm'), a);
    assert.notEqual(ids.derive(ID_KINDS.internetGateway, 'm'), a);
    assert.equal(r.position(), '0:0');
  });

  it('Malformed for a wrong prefix or non-hex, NotFound wording for unknown ids', () => {
    assert.throws(() => checkId(ID_KINDS.vpc, 'subnet-12345678'), {
      code: 'InvalidVpcID.Malformed',
      message: 'Invalid id: "subnet-12345678" (expecting "vpc-...")',
    });
    assert.throws(() => checkId(ID_KINDS.networkInterface, 'eni-xyz'), { code: 'InvalidNetworkInterfaceId.Malformed' });
    assert.doesNotThrow(() => checkId(ID_KINDS.networkInterface, 'eni-0'));
    const e = notFound(ID_KINDS.networkInterface, 'eni-0123456789abcdef0');
    assert.equal(e.code, 'InvalidNetworkInterfaceID.NotFound');
    assert.equal(e.message, "The networkInterface ID 'eni-0123456789abcdef0' does not exist");
  });
});
