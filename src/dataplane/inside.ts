/**
 * Metadata and API from inside the instances: in every instance namespace 169.254.169.254:80
 * (and fd00:ec2::254:80 from an instance with an IPv6 address)
 * answers as that instance (the IMDS service ec2net runs for --imds-port, bound to the instance
 * that asked) and 169.254.169.254:4566 is ec2net's API. Each router namespace gets the address on
 * its loopback (instances reach it through their default route) and a relay process
 * (relay.ts) that forwards requests here over a Unix socket only root can open; the instance is
 * found from the router namespace and the source address, by the data plane's picture.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Logger } from 'pino';
import { ImdsService, sendReply } from '../imds/server.js';
import { ipBatch } from './ip.js';
import { DEFAULT_REGISTRY_DIR } from './ownership.js';
import type { Picture } from './picture.js';
import { INSIDE_ADDRESS, INSIDE_ADDRESS6, INSIDE_API_PORT, INSIDE_DROP_HEADER, INSIDE_HEADER, INSIDE_IMDS_PORT, RELAY_PROGRAM } from './relay.js';

export interface InsideOptions {
  readonly imds: ImdsService;
  /** ec2net's API server: requests from inside are handed to it as they are. */
  readonly api: Server;
  readonly log: Logger;
  readonly registryDir?: string;
}

/** How long a relay may take to listen before it is given up (and tried again at the next reconcile). */
const READY_MS = 10_000;

const SOCKET = /^inside-(\d+)\.sock$/;

/** Removes the sockets of ec2net processes that are gone (their relays exited with them). */
export function removeLeftoverSockets(dir: string): void {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return;
  }
  for (const f of files) {
    const pid = SOCKET.exec(f)?.[1];
    if (pid && Number(pid) !== process.pid && !existsSync(`/proc/${pid}`)) rmSync(join(dir, f), { force: true });
  }
}

/** The instance whose interface in router namespace `routerNs` holds `address` now (and is up). */
export function instanceFrom(p: Picture, routerNs: string, address: string): string | undefined {
  for (const i of p.interfaces.values())
    if (i.up && i.routerNs === routerNs && (i.addresses.includes(address) || i.ipv6.includes(address))) return i.instanceNs;
  return undefined;
}

export class Inside {
  private readonly socketPath: string;
  private readonly server: Server;
  private listening?: Promise<void>;
  private readonly relays = new Map<string, ChildProcess>();
  private picture?: Picture;
  private closed = false;

  constructor(private readonly opts: InsideOptions) {
    const dir = opts.registryDir ?? DEFAULT_REGISTRY_DIR;
    this.socketPath = join(dir, `inside-${process.pid}.sock`);
    this.server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => this.serve(req, res));
  }

  private serve(req: IncomingMessage, res: ServerResponse): void {
    const [kind, routerNs, address] = String(req.headers[INSIDE_HEADER] ?? '').split(' ');
    delete req.headers[INSIDE_HEADER];
    if (kind === 'api') {
      this.opts.api.emit('request', req, res);
      return;
    }
    const source = address?.replace(/^::ffff:/, '');
    const instanceId = this.picture && routerNs && source ? instanceFrom(this.picture, routerNs, source) : undefined;
    // The IPv6 endpoint answers only when the instance has it on; otherwise there is nothing there.
    if (source?.includes(':') && !(instanceId && this.opts.imds.ipv6Endpoint(instanceId))) {
      res.writeHead(421, { [INSIDE_DROP_HEADER]: '1' }).end();
      return;
    }
    // An address no running interface holds has no metadata (the service answers 404 for it).
    const reply = this.opts.imds.handle(req, instanceId ?? 'i-0');
    sendReply(res, req.method === 'HEAD', reply);
    this.opts.log.debug({ imds: 'inside', instance: instanceId, method: req.method, path: req.url, status: reply.status }, 'imds request from inside');
  }

  private listen(): Promise<void> {
    this.listening ??= new Promise<void>((resolve, reject) => {
      const dir = this.opts.registryDir ?? DEFAULT_REGISTRY_DIR;
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      removeLeftoverSockets(dir);
      rmSync(this.socketPath, { force: true });
      this.server.once('error', reject);
      this.server.listen(this.socketPath, () => {
        // Only root may ask: whoever opens the socket is believed about who is asking.
        chmodSync(this.socketPath, 0o600);
        resolve();
      });
    });
    return this.listening;
  }

  /** Follows the data plane as applied: a relay in each router namespace, none in those that are gone. */
  async applied(p: Picture): Promise<void> {
    this.picture = p;
    if (this.closed) return;
    for (const [ns, relay] of this.relays) {
      if (p.routers.has(ns)) continue;
      relay.kill('SIGKILL');
      this.relays.delete(ns);
    }
    const missing = [...p.routers.keys()].filter((ns) => !this.relays.has(ns));
    if (missing.length === 0) return;
    try {
      await this.listen();
    } catch (e) {
      this.opts.log.warn({ err: e }, `data plane: metadata from inside is off (cannot listen on ${this.socketPath})`);
      return;
    }
    await Promise.all(missing.map((ns) => this.startRelay(ns)));
  }

  private async startRelay(ns: string): Promise<void> {
    const added = await ipBatch([`addr replace ${INSIDE_ADDRESS}/32 dev lo`, `addr replace ${INSIDE_ADDRESS6}/128 dev lo nodad`], ns);
    if (added.errors) this.opts.log.warn({ ns }, `data plane: ip said: ${added.errors}`);
    const relay = spawn(
      'ip',
      [
        'netns',
        'exec',
        ns,
        process.execPath,
        '-e',
        RELAY_PROGRAM,
        this.socketPath,
        ns,
        `${INSIDE_ADDRESS},${INSIDE_ADDRESS6}`,
        `imds=${INSIDE_IMDS_PORT}`,
        `api=${INSIDE_API_PORT}`,
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    this.relays.set(ns, relay);
    let stderr = '';
    relay.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-500)));
    relay.on('exit', (code) => {
      if (this.relays.get(ns) === relay) this.relays.delete(ns);
      if (!this.closed && code !== null) this.opts.log.warn({ ns, code }, `data plane: the relay in ${ns} exited: ${stderr.trim()}`);
    });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.opts.log.warn({ ns }, `data plane: the relay in ${ns} did not start in ${READY_MS} ms`);
        relay.kill('SIGKILL');
        resolve();
      }, READY_MS);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      createInterface({ input: relay.stdout! }).once('line', done);
      relay.once('exit', done);
    });
  }

  /** Stops the relays and the socket. */
  async close(): Promise<void> {
    this.closed = true;
    const exits = [...this.relays.values()].map((r) => new Promise((resolve) => (r.exitCode !== null ? resolve(undefined) : r.once('exit', resolve))));
    for (const r of this.relays.values()) r.kill('SIGKILL');
    this.relays.clear();
    await Promise.all(exits);
    if (this.listening) {
      await new Promise<void>((resolve) => {
        this.server.closeAllConnections();
        this.server.close(() => resolve());
      });
      rmSync(this.socketPath, { force: true });
    }
  }
}
