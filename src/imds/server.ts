/**
 * The instance metadata service (IMDS): a second node:http listener beside the Query API.
 *
 * Choosing the instance. On EC2 every instance reaches "its own" 169.254.169.254; here every
 * instance shares one address, so a request names its instance in one of two ways:
 *
 *   1. a path prefix:  GET /i-0123456789abcdef0/latest/meta-data/local-ipv4
 *                      PUT /i-0123456789abcdef0/latest/api/token
 *   2. a header on the plain EC2 path:
 *                      GET /latest/meta-data/local-ipv4   with  X-ec2net-Instance-Id: i-0123456789abcdef0
 *
 * The prefix wins when both are given. The instance is looked up in every account and region
 * of the cloud. An unknown instance, a request that names none, and an instance that is
 * `stopped` or `terminated` (no guest is running to ask) answer 404. `pending`, `running`,
 * `stopping` and `shutting-down` instances are served (the guest is booting or shutting down).
 *
 * Everything else follows EC2 (aws-behaviour.md §7; EC2 User Guide "Retrieve instance
 * metadata", "How Instance Metadata Service Version 2 works"):
 *   - PUT /latest/api/token with X-aws-ec2-metadata-token-ttl-seconds: 1..21600 → the token
 *     (text/plain); a missing or invalid TTL → 400; a PUT carrying X-Forwarded-For → 403; a PUT
 *     to a versioned path such as /2021-03-23/api/token → 403; other methods on the token path → 405.
 *   - GET/HEAD with X-aws-ec2-metadata-token: an invalid, expired or other-instance token → 401.
 *     Tokens expire on the cloud's clock and are forgotten when the cloud is reset.
 *     Without a token: IMDSv1, allowed unless the instance's HttpTokens is `required` (→ 401).
 *   - HttpEndpoint `disabled` → 403 for every request ("the instance metadata service is turned off").
 *   - Responses are text/plain; a directory lists one entry a line, sub-directories with a
 *     trailing `/`; a missing key → 404. `/` lists the versions; every version serves the same tree.
 *   - The tree is rebuilt from the engine at each request (after the world settles its timers),
 *     so changes show at once: no staleness is emulated.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Cloud, RegionState } from '../engine/cloud.js';
import type { Instance } from '../engine/model.js';
import { TokenStore, parseTtl } from './tokens.js';
import { lookup, METADATA_VERSIONS, versionTree } from './tree.js';

export const INSTANCE_HEADER = 'x-ec2net-instance-id';
export const TOKEN_HEADER = 'x-aws-ec2-metadata-token';
export const TTL_HEADER = 'x-aws-ec2-metadata-token-ttl-seconds';

const INSTANCE_ID = /^i-[0-9a-f]{1,17}$/;
const VERSIONS = new Set<string>(METADATA_VERSIONS);

export interface ImdsOptions {
  readonly getCloud: () => Cloud;
  readonly logger?: Logger;
  /** Clock for token expiry (ms since epoch); defaults to the cloud's clock. */
  readonly now?: () => number;
}

/** What the service reads from a request (an http.IncomingMessage is one). */
export interface ImdsRequest {
  readonly method?: string;
  /** The raw request target. */
  readonly url?: string;
  readonly headers: IncomingHttpHeaders;
}

export interface Reply {
  readonly status: number;
  readonly body: string;
  readonly headers?: Record<string, string>;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  500: 'Internal Server Error',
};

/** Error pages look like EC2's (the HTML page the AWS metadata mock reproduces), with an optional hint. */
function error(status: number, hint?: string, headers?: Record<string, string>): Reply {
  const title = `${status} - ${STATUS_TEXT[status] ?? 'Error'}`;
  const body = [
    '<?xml version="1.0" encoding="iso-8859-1"?>',
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"',
    '\t"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">',
    '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">',
    ' <head>',
    `  <title>${title}</title>`,
    ' </head>',
    ' <body>',
    `  <h1>${title}</h1>`,
    ...(hint ? [`  <p>${hint}</p>`] : []),
    ' </body>',
    '</html>',
    '',
  ].join('\n');
  return { status, body, headers: { 'content-type': 'text/html', ...headers } };
}

const ok = (body: string, headers?: Record<string, string>): Reply => ({ status: 200, body, headers: { 'content-type': 'text/plain', ...headers } });

/** Finds an instance in any account and region, with its world settled so timed transitions apply. */
export function findInstance(cloud: Cloud, instanceId: string): { region: RegionState; instance: Instance } | undefined {
  for (const region of cloud.allRegions()) {
    if (!region.instances.has(instanceId)) continue;
    region.settle();
    const instance = region.instances.get(instanceId);
    return instance ? { region, instance } : undefined;
  }
  return undefined;
}

const SERVED_STATES = new Set(['pending', 'running', 'stopping', 'shutting-down']);

/** The request path's segments (percent-decoded), or undefined when it cannot be decoded. */
function pathSegments(target: string): string[] | undefined {
  let path = target.split('?', 1)[0]!.split('#', 1)[0]!;
  // An absolute-form target (`GET http://169.254.169.254/latest/…`) names the path after the authority.
  const abs = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(path);
  if (abs) path = path.slice(abs[0].length);
  try {
    return path
      .split('/')
      .filter((s) => s !== '')
      .map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

function header(req: ImdsRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export class ImdsService {
  /** Tokens belong to one cloud: a reset (a new Cloud) forgets them all. */
  private store?: { readonly cloud: Cloud; readonly tokens: TokenStore };

  constructor(private readonly opts: ImdsOptions) {}

  private tokensOf(cloud: Cloud): TokenStore {
    if (this.store?.cloud !== cloud) this.store = { cloud, tokens: new TokenStore(this.opts.now ?? (() => cloud.now().getTime())) };
    return this.store.tokens;
  }

  /**
   * Whether the instance's IPv6 metadata endpoint is on (MetadataOptions.HttpProtocolIpv6, off by
   * default: EC2 User Guide, "Configure the Instance Metadata Service options").
   */
  ipv6Endpoint(instanceId: string): boolean {
    return findInstance(this.opts.getCloud(), instanceId)?.instance.metadata.httpProtocolIpv6 === 'enabled';
  }

  /**
   * Answers one request: method, raw request target and headers in, status/body/headers out.
   * `bound` is the instance that asked when the caller knows it (the data plane's 169.254.169.254
   * inside a namespace): then only EC2's own paths are served, and neither the path prefix nor the
   * header can name another instance.
   */
  handle(req: ImdsRequest, bound?: string): Reply {
    const method = req.method ?? 'GET';
    const segments = pathSegments(req.url ?? '/');
    if (!segments) return error(404);
    const named = () => (segments[0] !== undefined && INSTANCE_ID.test(segments[0]) ? segments.shift()! : header(req, INSTANCE_HEADER)?.trim());
    const instanceId = bound ?? named();
    if (!instanceId) {
      return error(404, 'ec2net: name the instance with a path prefix (/i-…/latest/meta-data/) or an X-ec2net-Instance-Id header.');
    }
    const cloud = this.opts.getCloud();
    const tokens = this.tokensOf(cloud);
    const found = findInstance(cloud, instanceId);
    if (!found || !SERVED_STATES.has(found.instance.state)) return error(404);
    const { region, instance } = found;
    if (instance.metadata.httpEndpoint === 'disabled') return error(403);

    const isTokenPath = segments.length === 3 && segments[1] === 'api' && segments[2] === 'token';
    if (isTokenPath) {
      if (method !== 'PUT') return error(405, undefined, { allow: 'PUT' });
      if (segments[0] !== 'latest') return error(403);
      if (req.headers['x-forwarded-for'] !== undefined) return error(403);
      const ttl = parseTtl(header(req, TTL_HEADER));
      if (ttl === undefined) return error(400);
      return ok(tokens.issue(instance.id, ttl), { [TTL_HEADER]: String(ttl) });
    }
    if (method !== 'GET' && method !== 'HEAD') return error(405, undefined, { allow: 'GET, HEAD' });

    const token = header(req, TOKEN_HEADER);
    if (token !== undefined) {
      if (!tokens.valid(token, instance.id)) return error(401);
    } else if (instance.metadata.httpTokens === 'required') {
      return error(401);
    }

    if (segments.length === 0) return ok(METADATA_VERSIONS.join('\n'));
    const [version, ...rest] = segments;
    if (!VERSIONS.has(version!)) return error(404);
    const hit = lookup(versionTree(region, instance), rest);
    return hit ? ok(hit.text) : error(404);
  }
}

/** The IMDS HTTP listener (not yet listening). */
export function createImdsServer(opts: ImdsOptions): Server {
  const service = new ImdsService(opts);
  return createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    const started = process.hrtime.bigint();
    let reply: Reply;
    try {
      reply = service.handle(req);
    } catch (e) {
      opts.logger?.error({ err: e }, 'imds request failed');
      reply = error(500);
    }
    sendReply(res, req.method === 'HEAD', reply);
    if (opts.logger?.isLevelEnabled('info')) {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      opts.logger.info({ imds: true, method: req.method, path: req.url, status: reply.status, ms: Math.round(ms * 100) / 100 }, 'imds request');
    }
  });
}

export function sendReply(res: ServerResponse, head: boolean, reply: Reply): void {
  res.writeHead(reply.status, { ...reply.headers, 'content-length': Buffer.byteLength(reply.body), server: 'EC2ws' });
  res.end(head ? undefined : reply.body);
}

export interface RunningImds {
  readonly server: Server;
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Starts the IMDS listener on `host`:`port` (0 picks a free port). */
export async function startImds(opts: ImdsOptions, port: number, host: string): Promise<RunningImds> {
  const server = createImdsServer(opts);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  const h = host.includes(':') ? `[${host}]` : host;
  return {
    server,
    url: `http://${h}:${actual}`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
