/**
 * The HTTP front's own outcomes: parameters from body and query string, the body limit, the 500 of
 * last resort, and answers that wait for the journal's commit (src/store/journal.ts, group commit).
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { createApp, MAX_BODY_BYTES } from '../../src/server/app.js';
import type { AdminRoutes } from '../../src/server/admin.js';
import type { CallerScope, QueryApi, QueryResult } from '../../src/server/query-api.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('HTTP front', () => {
  const seen: { params: string; caller: CallerScope }[] = [];
  let refuse: Error | undefined;
  /** While set, answers wait here for the (simulated) journal commit. */
  let commit: ((error?: unknown) => void)[] | undefined;
  const api = {
    handle(params: URLSearchParams, caller: CallerScope): QueryResult {
      seen.push({ params: params.toString(), caller });
      return { status: 200, body: '<ok/>', requestId: 'rid', action: params.get('Action') ?? '' };
    },
    whenCommitted(done: (error?: unknown) => void) {
      if (commit) commit.push(done);
      else done();
    },
  } as unknown as QueryApi;
  const server = createApp({
    api,
    admin: {} as AdminRoutes,
    logger: pino({ level: 'silent' }),
    authenticate: (req) => {
      if (refuse) throw refuse;
      return { accessKeyId: 'AKID', region: String(req.headers['x-region'] ?? 'us-east-1') };
    },
  });
  let url = '';
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('reads the form body, adds query-string parameters the body lacks, and answers with the result', async () => {
    const res = await fetch(`${url}/?Version=x&Extra=1`, { method: 'POST', body: 'Action=DescribeVpcs&Version=2016-11-15' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-amzn-requestid'), 'rid');
    assert.equal(await res.text(), '<ok/>');
    assert.equal(seen.at(-1)!.params, 'Action=DescribeVpcs&Version=2016-11-15&Extra=1');
    assert.deepEqual(seen.at(-1)!.caller, { accessKeyId: 'AKID', region: 'us-east-1' });
    await (await fetch(`${url}/?Action=DescribeRegions`)).text();
    assert.equal(seen.at(-1)!.params, 'Action=DescribeRegions');
  });

  it('refuses a body over the limit with 413 and a request id', async () => {
    const res = await fetch(url, { method: 'POST', body: 'A'.repeat(MAX_BODY_BYTES + 1) });
    assert.equal(res.status, 413);
    assert.match(await res.text(), /<Code>RequestEntityTooLarge<\/Code>/);
    assert.match(res.headers.get('x-amzn-requestid')!, UUID_V4);
  });

  it('answers 500 InternalError when something unexpected throws before the API runs', async () => {
    refuse = new Error('boom');
    try {
      const res = await fetch(url, { method: 'POST', body: 'Action=DescribeVpcs' });
      assert.equal(res.status, 500);
      assert.match(await res.text(), /<Code>InternalError<\/Code>/);
      assert.match(res.headers.get('x-amzn-requestid')!, UUID_V4);
    } finally {
      refuse = undefined;
    }
  });

  it('sends an answer only once the journal has committed its change, and 500 InternalError when the commit failed', async () => {
    commit = [];
    try {
      let answered = false;
      const first = fetch(url, { method: 'POST', body: 'Action=CreateVpc' }).then(async (res) => {
        answered = true;
        return { status: res.status, text: await res.text() };
      });
      while (commit.length === 0) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(answered, false, 'no answer before the commit');
      commit.shift()!();
      assert.deepEqual(await first, { status: 200, text: '<ok/>' });

      const second = fetch(url, { method: 'POST', body: 'Action=CreateVpc' });
      while (commit.length === 0) await new Promise((r) => setTimeout(r, 5));
      commit.shift()!(new Error('disk full'));
      const res = await second;
      assert.equal(res.status, 500);
      assert.match(await res.text(), /<Code>InternalError<\/Code>/);
    } finally {
      commit = undefined;
    }
  });
});
