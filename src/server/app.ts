/**
 * The HTTP front: one node:http listener for the EC2 Query API (POST form bodies and GET query
 * strings), the admin routes under /_ec2net/ and the web console under /console/. Bodies are
 * capped; every Query request is logged once.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { callerScope } from '../protocol/credentials.js';
import { bodyBytes, errorDocument, type ResponseBody } from '../protocol/encode.js';
import { isEc2Error } from '../engine/errors.js';
import type { CallerScope, QueryApi } from './query-api.js';
import { serviceOf, type ServiceName } from './services.js';
import { requestIds } from './request-ids.js';
import type { AdminRoutes } from './admin.js';
import type { ConsoleRoutes } from '../console/routes.js';
import { originForm, type ListenerIdentity } from './proxy.js';

export const MAX_BODY_BYTES = 1024 * 1024;

export interface AppOptions {
  readonly api: QueryApi;
  readonly admin: AdminRoutes;
  readonly logger: Logger;
  /** The web console under /console/ (absent: those paths are Query requests like any other). */
  readonly console?: ConsoleRoutes;
  /**
   * Signature checking (`--auth sigv4`, src/server/auth.ts): runs on the raw request before any
   * parameter is decoded, returns the caller or throws the Ec2Error to answer; absent, the caller
   * is read from the credential scope and signatures are not checked.
   */
  readonly authenticate?: (req: IncomingMessage, body: Buffer, service: ServiceName) => CallerScope;
  /**
   * The listener's own host and port: a request in absolute form (sent to ec2net as an HTTP proxy)
   * is served when it names ec2net or an AWS endpoint it serves, refused otherwise (src/server/proxy.ts).
   * Absent: absolute-form targets are served whatever they name.
   */
  readonly self?: ListenerIdentity;
}

export function createApp(opts: AppOptions): Server {
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    // Timed only when the request log is on (a bigint per request otherwise for nothing).
    const started = opts.logger.isLevelEnabled('info') ? process.hrtime.bigint() : 0n;
    let url = req.url ?? '/';
    if (opts.self && url.charCodeAt(0) !== 0x2f /* '/' */) {
      const origin = originForm(url, opts.self);
      if ('ok' in origin) {
        opts.logger.warn({ target: url, remote: req.socket.remoteAddress }, origin.reason);
        return sendPlain(res, origin.status, origin.reason);
      }
      url = origin.target;
    }
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    if (path.startsWith('/_ec2net/')) {
      opts.admin.handle(req, res, path).catch((e: unknown) => {
        opts.logger.error({ err: e }, 'admin route failed');
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      });
      return;
    }
    if (opts.console && (path === '/console' || path.startsWith('/console/'))) {
      opts.console.handle(req, res, path).catch((e: unknown) => {
        opts.logger.error({ err: e }, 'console route failed');
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
        else res.destroy();
      });
      return;
    }
    // Callbacks, not a promise chain: three promises and two microtask turns per request saved.
    readBody(
      req,
      MAX_BODY_BYTES,
      (raw) => {
        try {
          answerQuery(opts, req, res, url, query, started, raw);
        } catch (e) {
          // Last line of defence: a bug answers 500 instead of leaving the request hanging.
          opts.logger.error({ err: e }, 'request failed');
          try {
            if (res.headersSent) return void res.destroy();
            sendInternalError(res, requestIds.next());
          } catch {
            res.destroy();
          }
        }
      },
      (e) => {
        opts.logger.warn({ err: e }, 'request body could not be read');
        if (!res.headersSent) res.destroy();
      },
    );
  });
  return server;
}

/** A Query request whose body has been read (undefined: over the limit); `query` is where `?` is in `url`, or -1. */
function answerQuery(opts: AppOptions, req: IncomingMessage, res: ServerResponse, url: string, query: number, started: bigint, raw: Buffer | undefined): void {
  if (raw === undefined) {
    const requestId = requestIds.next();
    send(res, 413, errorDocument('RequestEntityTooLarge', `The request body exceeds the limit of ${MAX_BODY_BYTES} bytes.`, requestId), requestId);
    log(opts.logger, started, '', 413, requestId, 'RequestEntityTooLarge');
    return;
  }
  // The query string is taken from the raw request target, never through `new URL`: an
  // absolute-form target such as `POST http://[x/` would make it throw.
  const body = raw.toString('utf8');
  const params = new URLSearchParams(body.length > 0 ? body : queryString(url));
  // Parameters in the query string too (rare with a body): the body's win.
  if (body.length > 0 && query >= 0) for (const [k, v] of new URLSearchParams(queryString(url))) if (!params.has(k)) params.append(k, v);
  const scope = callerScope(header(req, 'authorization'), params.get('X-Amz-Credential'));
  // EC2 or STS (or IAM): the credential scope's service, else Action and Version.
  const service = serviceOf(scope.service, params);
  let verified: CallerScope | undefined;
  try {
    verified = opts.authenticate?.(req, raw, service);
  } catch (e) {
    if (!isEc2Error(e)) throw e;
    // Refused before decoding: nothing is run or journaled.
    const requestId = requestIds.next();
    send(res, e.status, opts.api.errorDocument(service, e.code, e.message, requestId, e.status), requestId);
    log(opts.logger, started, '', e.status, requestId, e.code);
    return;
  }
  const caller = verified ?? scope;
  const result = opts.api.handle(params, caller);
  if (result.fault) opts.logger.error({ err: result.fault, action: result.action, requestId: result.requestId }, 'unexpected failure');
  opts.api.whenCommitted((error) => {
    try {
      if (error === undefined) {
        send(res, result.status, result.body, result.requestId);
        log(opts.logger, started, result.action, result.status, result.requestId, result.errorCode);
        return;
      }
      // The change is in memory but not on disk: the client must not take it as done.
      opts.logger.error({ err: error, action: result.action, requestId: result.requestId }, 'journal commit failed');
      sendInternalError(res, result.requestId);
      log(opts.logger, started, result.action, 500, result.requestId, 'InternalError');
    } catch (e) {
      // Called from the journal's commit: a failure here must not keep the other waiting answers from going out.
      opts.logger.error({ err: e }, 'request failed');
      res.destroy();
    }
  });
}

/** The part of a request target between the first `?` and any `#` (undecoded), or '' when there is none. */
function queryString(target: string | undefined): string {
  const at = target?.indexOf('?') ?? -1;
  if (at < 0) return '';
  const query = target!.slice(at + 1);
  const hash = query.indexOf('#');
  return hash < 0 ? query : query.slice(0, hash);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function log(logger: Logger, started: bigint, action: string, status: number, requestId: string, errorCode?: string): void {
  if (!logger.isLevelEnabled('info')) return;
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  logger.info({ action, status, ms: Math.round(ms * 100) / 100, requestId, ...(errorCode ? { errorCode } : {}) }, 'request');
}

/**
 * Reads the whole body as bytes (signatures cover them), then calls `done` once: with the bytes, or
 * with undefined once it passes `limit` bytes (the rest is discarded). `fail` instead if the request
 * errs first.
 */
function readBody(req: IncomingMessage, limit: number, done: (body: Buffer | undefined) => void, fail: (e: unknown) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  let settled = false;
  req.on('data', (chunk: Buffer) => {
    if (over) return;
    size += chunk.length;
    if (size > limit) {
      over = true;
      chunks.length = 0;
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (settled) return;
    settled = true;
    // A small form body is one chunk: no copy then.
    done(over ? undefined : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
  });
  req.on('error', (e) => {
    if (settled) return;
    settled = true;
    fail(e);
  });
}

function send(res: ServerResponse, status: number, body: ResponseBody, requestId: string): void {
  res.writeHead(status, {
    'content-type': 'text/xml;charset=UTF-8',
    'content-length': bodyBytes(body),
    'x-amzn-requestid': requestId,
    server: 'ec2net',
  });
  if (typeof body === 'string') return void res.end(body);
  // A large answer goes out chunk by chunk, never joined into one copy.
  for (const chunk of body) res.write(chunk);
  res.end();
}

/** The 500 of last resort: something failed that is not the request's fault. */
function sendInternalError(res: ServerResponse, requestId: string): void {
  send(res, 500, errorDocument('InternalError', 'An internal error has occurred', requestId), requestId);
}

/** A refusal that is not EC2's (the request never reached the API): plain text, and the connection closes. */
function sendPlain(res: ServerResponse, status: number, reason: string): void {
  const body = `${reason}\n`;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close', server: 'ec2net' });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value, null, 2);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
