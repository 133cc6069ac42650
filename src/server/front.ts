/**
 * The API's listener: one port for plain HTTP and HTTPS. A connection's first byte says which it
 * is (0x16 opens every TLS handshake, RFC 8446 5.1: a handshake record; no HTTP request starts
 * with it): TLS connections go to the TLS terminator, the others straight to the HTTP application.
 * Both end at the same application, so every route answers the same over either.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import type { TlsTerminator } from './tls/terminator.js';

/** The record type of a TLS handshake record. */
export const TLS_HANDSHAKE = 0x16;

/** How long a new connection may stay silent before it is closed. */
const FIRST_BYTE_TIMEOUT_MS = 60_000;

/** Whether a connection that starts with `first` speaks TLS. */
export function startsTls(first: Buffer): boolean {
  return first.length > 0 && first[0] === TLS_HANDSHAKE;
}

export interface Front {
  readonly server: Server;
  /** Closes the listener and every connection it accepted, whatever protocol it went on to speak. */
  close(): Promise<void>;
}

export function createFront(app: HttpServer, tls: TlsTerminator | undefined): Front {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    // A reset before the first byte (nobody else listens yet) must not take the process down.
    socket.on('error', () => socket.destroy());
    socket.setTimeout(FIRST_BYTE_TIMEOUT_MS, () => socket.destroy());
    socket.once('data', (first: Buffer) => {
      socket.setTimeout(0);
      // Put back what was read: whoever takes the connection reads it from the start.
      socket.pause();
      socket.unshift(first);
      if (tls && startsTls(first)) return tls.accept(socket);
      app.emit('connection', socket);
      socket.resume();
    });
  });
  // The application never listens itself; 'listening' starts its tracking of connections (which
  // enforces its headers and request timeouts and lets closeAllConnections find them).
  server.once('listening', () => app.emit('listening'));
  return {
    server,
    close: () =>
      new Promise<void>((resolve) => {
        tls?.close();
        app.closeAllConnections();
        app.close(() => undefined);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
