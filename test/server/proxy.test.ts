/**
 * Which proxy requests ec2net answers: a CONNECT (RFC 9110 9.3.6) only to an AWS endpoint name it
 * serves on 443, or to itself; an absolute-form request (RFC 9112 3.2.2, what a client sends to an
 * HTTP proxy) only when it names ec2net or such an endpoint. Everything else is refused: ec2net
 * never connects anywhere.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectVerdict, originForm } from '../../src/server/proxy.js';
import { startsTls } from '../../src/server/front.js';

const self = { host: '127.0.0.1', port: () => 4566 };

describe('CONNECT', () => {
  it('tunnels AWS endpoint names on 443 and the listener itself', () => {
    for (const t of [
      'ec2.us-east-1.amazonaws.com:443',
      'sts.amazonaws.com:443',
      'sts.eu-west-3.amazonaws.com:443',
      'localhost:4566',
      '127.0.0.1:4566',
      '[::1]:4566',
    ])
      assert.deepEqual(connectVerdict(t, self, true), { ok: true }, t);
  });

  it('refuses every other host or port with 403 and a reason naming the target', () => {
    for (const t of [
      'example.com:443',
      'ec2.us-east-1.amazonaws.com:80',
      'ec2.us-east-1.amazonaws.com',
      '127.0.0.1:22',
      's3.amazonaws.com:443',
      '10.0.0.1:4566',
      '',
    ]) {
      const v = connectVerdict(t, self, true);
      assert.equal(v.ok, false, t);
      if (!v.ok) {
        assert.equal(v.status, 403);
        assert.ok(v.reason.startsWith(`CONNECT ${t} refused: `), v.reason);
        assert.match(v.reason, /never connects anywhere else/);
      }
    }
  });

  it('with HTTPS off, refuses even its own names and says why', () => {
    const v = connectVerdict('ec2.us-east-1.amazonaws.com:443', self, false);
    assert.equal(v.ok, false);
    if (!v.ok) assert.match(v.reason, /HTTPS is off \(--tls off\)/);
  });
});

describe('absolute-form targets', () => {
  it('origin-form targets pass unchanged', () => {
    assert.deepEqual(originForm('/?Action=DescribeVpcs', self), { target: '/?Action=DescribeVpcs' });
  });

  it('an AWS endpoint name or the listener itself: served as its path and query', () => {
    assert.deepEqual(originForm('http://ec2.us-east-1.amazonaws.com/?Action=DescribeVpcs', self), { target: '/?Action=DescribeVpcs' });
    assert.deepEqual(originForm('http://sts.amazonaws.com', self), { target: '/' });
    assert.deepEqual(originForm('http://127.0.0.1:4566/_ec2net/health', self), { target: '/_ec2net/health' });
    assert.deepEqual(originForm('HTTP://LOCALHOST:4566/x', self), { target: '/x' });
  });

  it('anything else: 403 with the reason', () => {
    for (const t of ['http://example.com/', 'http://127.0.0.1:9999/', 'http://[x/?Action=DescribeVpcs', 'ftp://ec2.us-east-1.amazonaws.com/']) {
      const v = originForm(t, self);
      assert.ok('ok' in v && v.status === 403, t);
    }
  });
});

describe('sniffing', () => {
  it('a TLS handshake record (0x16) is TLS; an HTTP method is not', () => {
    // RFC 8446 5.1: ContentType handshake(22); a ClientHello record starts 16 03 01.
    assert.equal(startsTls(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00])), true);
    for (const m of ['GET / HTTP/1.1', 'POST / HTTP/1.1', 'CONNECT a:443 HTTP/1.1', 'PUT /', 'DELETE /']) assert.equal(startsTls(Buffer.from(m)), false, m);
    assert.equal(startsTls(Buffer.alloc(0)), false);
  });
});
