/**
 * The API port's listener: plain HTTP and TLS on one port, told apart by the first byte, and
 * robust to clients that go away before saying anything.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createFront, type Front } from '../../src/server/front.js';

describe('front listener', () => {
  let front: Front;
  let port: number;
  before(async () => {
    const app = createServer((req, res) => res.end(`${req.method} ${req.url}`));
    front = createFront(app, undefined);
    await new Promise<void>((resolve) => front.server.listen(0, '127.0.0.1', () => resolve()));
    port = (front.server.address() as { port: number }).port;
  });
  after(() => front.close());

  it('passes plain HTTP through whole: the first bytes read are put back', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/a?b=c`, { method: 'POST', body: 'x'.repeat(200_000) });
    assert.equal(await res.text(), 'POST /a?b=c');
  });

  it('a client that resets before its first byte, or closes silently, leaves the server answering', async () => {
    for (let i = 0; i < 5; i++) {
      await new Promise<void>((resolve) => {
        const s = connect(port, '127.0.0.1', () => {
          s.resetAndDestroy();
          resolve();
        });
      });
      await new Promise<void>((resolve) => {
        const s = connect(port, '127.0.0.1', () => s.end(resolve));
      });
    }
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(await (await fetch(`http://127.0.0.1:${port}/still`)).text(), 'GET /still');
  });

  it('close() ends every connection, even one that never spoke', async () => {
    const other = createFront(createServer(), undefined);
    await new Promise<void>((resolve) => other.server.listen(0, '127.0.0.1', () => resolve()));
    const silent = connect((other.server.address() as { port: number }).port, '127.0.0.1');
    await new Promise((r) => silent.once('connect', r));
    const closed = new Promise((r) => silent.once('close', r));
    await other.close();
    await closed;
  });
});
