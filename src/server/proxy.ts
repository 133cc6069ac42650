/**
 * ec2net as the proxy of clients sent to AWS's own host names (`HTTPS_PROXY=http://127.0.0.1:4566`
 * with the endpoint https://ec2.us-east-1.amazonaws.com): a CONNECT to an endpoint name ec2net
 * serves, port 443, is answered "200 Connection Established" and the tunnel's TLS is ended here,
 * with a certificate for that name from the local CA; the request inside is served like any other.
 * ec2net never opens a connection anywhere: a CONNECT to any other host or port is refused with a
 * plain-text reason. Plain-HTTP requests in absolute form (`POST http://ec2.us-east-1.amazonaws.com/`,
 * what a client sends to an HTTP_PROXY) are served when they name ec2net or an endpoint it serves.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { isAwsEndpointName, isLoopbackName, normalHost, splitAuthority } from './tls/endpoint-names.js';
import type { TlsTerminator } from './tls/terminator.js';

/** Who the listener is: its port and --host, to know a request that names it. */
export interface ListenerIdentity {
  readonly host: string;
  port(): number;
}

export type Verdict = { readonly ok: true } | { readonly ok: false; readonly status: number; readonly reason: string };

const NOT_A_PROXY =
  'ec2net answers only for itself and the AWS endpoints it serves (ec2.<region>.amazonaws.com, sts.amazonaws.com, sts.<region>.amazonaws.com, iam.amazonaws.com) and never connects anywhere else';

function namesListener(host: string, port: number | undefined, self: ListenerIdentity): boolean {
  return port === self.port() && (isLoopbackName(host) || host === normalHost(self.host));
}

/** Whether a CONNECT to `authority` (`host:port`) is tunnelled to ec2net itself. */
export function connectVerdict(authority: string, self: ListenerIdentity, tlsOn: boolean): Verdict {
  const { host, port } = splitAuthority(authority);
  if (!(port === 443 && isAwsEndpointName(host)) && !namesListener(host, port, self)) {
    return { ok: false, status: 403, reason: `CONNECT ${authority} refused: ${NOT_A_PROXY}.` };
  }
  if (!tlsOn) return { ok: false, status: 403, reason: `CONNECT ${authority} refused: HTTPS is off (--tls off), so ec2net cannot answer inside a tunnel.` };
  return { ok: true };
}

/**
 * The origin-form target (`/path?query`) of a request target: itself when it is already origin
 * form, its path and query when it is absolute form naming ec2net or an endpoint it serves; a
 * refusal otherwise.
 */
export function originForm(target: string, self: ListenerIdentity): { readonly target: string } | Extract<Verdict, { ok: false }> {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/.exec(target);
  if (!m) return { target };
  const scheme = m[1]!.toLowerCase();
  const { host, port } = splitAuthority(m[2]!.replace(/^[^@]*@/, ''));
  const rest = m[3]!.startsWith('/') ? m[3]! : `/${m[3]!}`;
  const effectivePort = port ?? (scheme === 'https' ? 443 : 80);
  if ((scheme === 'http' || scheme === 'https') && (isAwsEndpointName(host) || namesListener(host, effectivePort, self))) return { target: rest };
  return { ok: false, status: 403, reason: `${m[1]}://${m[2]} refused: ${NOT_A_PROXY}.` };
}

/** Answers a CONNECT: tunnels it into the TLS terminator, or refuses it and closes. */
export function handleConnect(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  self: ListenerIdentity,
  tls: TlsTerminator | undefined,
  logger: Logger,
): void {
  socket.on('error', () => socket.destroy());
  const authority = req.url ?? '';
  const verdict = connectVerdict(authority, self, tls !== undefined);
  if (!verdict.ok) {
    logger.warn({ target: authority, remote: req.socket.remoteAddress }, verdict.reason);
    return void socket.end(plainResponse(verdict.status, verdict.reason));
  }
  logger.debug({ target: authority }, 'CONNECT: TLS ends here');
  // Paused until TLS takes it: the ClientHello may come while the certificate is being made.
  socket.pause();
  socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
  if (head.length > 0) socket.unshift(head);
  tls!.accept(socket);
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden' };

/** A whole HTTP/1.1 response with a plain-text body, for a socket no longer owned by the HTTP server. */
export function plainResponse(status: number, reason: string): string {
  const body = `${reason}\n`;
  return `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}
