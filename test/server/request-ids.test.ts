/** Request ids: lowercase UUID v4 shape (what the SDKs and AWS show), unique within a process. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RequestIds, requestIds } from '../../src/server/request-ids.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('request ids', () => {
  it('are shaped like a v4 UUID, whatever the random prefix', () => {
    for (const fill of [0x00, 0xff, 0x5a, 0xa5]) {
      const ids = new RequestIds(Buffer.alloc(10, fill));
      for (let i = 0; i < 20; i++) assert.match(ids.next(), UUID_V4);
    }
    assert.match(requestIds.next(), UUID_V4);
  });

  it('never repeat within a generator', () => {
    const ids = new RequestIds();
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) seen.add(ids.next());
    assert.equal(seen.size, 100_000);
  });

  it('count in the last group, after a prefix fixed per generator', () => {
    const ids = new RequestIds(Buffer.from('00112233445566778899', 'hex'));
    assert.equal(ids.next(), '00112233-4455-4667-b889-000000000000');
    assert.equal(ids.next(), '00112233-4455-4667-b889-000000000001');
    for (let i = 2; i < 0x100; i++) ids.next();
    assert.equal(ids.next(), '00112233-4455-4667-b889-000000000100');
  });

  it('differ between generators (a random prefix each)', () => {
    assert.notEqual(new RequestIds().next(), new RequestIds().next());
  });
});
