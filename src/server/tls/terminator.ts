/**
 * Where TLS ends: a TLS server that never listens itself. The listener hands it the connections
 * that open with a TLS handshake, and the proxy the tunnels a CONNECT opened; each decrypted
 * connection goes on to the HTTP application, which answers it as any other.
 *
 * The certificate is the user's own (--tls-cert/--tls-key), served for every name, or one the
 * local CA issues: for an AWS endpoint name (the client's SNI) a leaf for that name, for anything
 * else (an address, localhost, no SNI) a leaf for the listener's own names. Leaves are issued on
 * first use and kept for the life of the process; one key serves them all.
 */
import { createSecureContext, createServer, type SecureContext, type Server as TlsServer, type TLSSocket } from 'node:tls';
import type { Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { issueLeaf, loadForge, newKeyPair, type CertificateAuthority, type KeyPair } from './certificates.js';
import { isAwsEndpointName, normalHost } from './endpoint-names.js';

export type CertificateSource =
  | { readonly kind: 'own'; readonly certPem: string; readonly keyPem: string }
  | { readonly kind: 'ca'; readonly ca: CertificateAuthority; readonly defaultNames: readonly string[] };

/** How long a client has to finish its handshake (Node's default is 120 s). */
const HANDSHAKE_TIMEOUT_MS = 30_000;

export class TlsTerminator {
  private readonly server: TlsServer;
  private readonly contexts = new Map<string, Promise<SecureContext>>();
  private leafKey?: Promise<KeyPair>;
  private defaultReady?: Promise<void>;

  constructor(
    private readonly source: CertificateSource,
    app: HttpServer,
    private readonly logger: Logger,
  ) {
    this.server = createServer({
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
      ...(source.kind === 'own'
        ? { cert: source.certPem, key: source.keyPem }
        : { SNICallback: (name: string, cb: (err: Error | null, ctx?: SecureContext) => void) => this.sni(name, cb) }),
    });
    this.server.on('secureConnection', (socket: TLSSocket) => app.emit('connection', socket));
    this.server.on('tlsClientError', (e: Error, socket: TLSSocket) => {
      this.logger.debug({ err: e, remote: socket.remoteAddress }, 'TLS handshake failed');
      socket.destroy();
    });
  }

  /**
   * Takes over a paused connection whose next bytes (some perhaps read and put back) are a TLS
   * ClientHello: the TLS socket reads what was put back, then the connection itself.
   */
  accept(socket: Duplex): void {
    this.ready().then(
      () => {
        if (!socket.destroyed) this.server.emit('connection', socket);
      },
      (e: unknown) => {
        this.logger.error({ err: e }, 'no TLS certificate could be made');
        socket.destroy();
      },
    );
  }

  /** The certificate for clients that name no AWS endpoint, made on first use. */
  ready(): Promise<void> {
    if (this.source.kind === 'own') return Promise.resolve();
    const source = this.source;
    this.defaultReady ??= this.issue(source.defaultNames).then((ctx) => {
      this.server.setSecureContext(ctx);
    });
    return this.defaultReady;
  }

  private sni(servername: string, cb: (err: Error | null, ctx?: SecureContext) => void): void {
    const name = normalHost(servername).replace(/\.$/, '');
    if (!isAwsEndpointName(name)) return cb(null, undefined); // the default certificate
    let ctx = this.contexts.get(name);
    if (!ctx) {
      ctx = this.issue([name]).then((options) => createSecureContext(options));
      this.contexts.set(name, ctx);
    }
    ctx.then(
      (c) => cb(null, c),
      (e: Error) => cb(e),
    );
  }

  private async issue(names: readonly string[]): Promise<{ cert: string; key: string }> {
    if (this.source.kind !== 'ca') throw new Error('certificates are issued only by the local CA');
    this.leafKey ??= newKeyPair();
    const [key] = await Promise.all([this.leafKey, loadForge()]);
    const leaf = await issueLeaf(this.source.ca, names, key);
    this.logger.debug({ names }, 'TLS certificate issued');
    // The chain: the leaf, then the CA (clients that trust the CA find the path either way).
    return { cert: leaf + this.source.ca.certPem, key: key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
  }

  close(): void {
    this.server.close();
  }
}
