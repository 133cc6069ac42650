/**
 * The console's activity feed: the Query requests handled while at least one browser listens on
 * /console/api/events (server-sent events), fanned out to them and kept in a fixed ring of the
 * last few hundred for the next page that connects. With no browser listening the hub is not
 * subscribed to the Query API at all, so requests pay nothing for it. It also notices when the
 * whole state is replaced (reset or import), by the identity of the cloud object, and tells the
 * browsers to reload.
 */
import type { ServerResponse } from 'node:http';
import type { ActivityEvent } from '../server/query-api.js';
import type { ActivityEntry, ConsoleEvent } from './types.js';

const RING = 500;
const HEARTBEAT_MS = 15_000;
const RESET_POLL_MS = 500;

export class ActivityHub {
  private readonly ring: (ActivityEntry | undefined)[] = new Array(RING);
  private seq = 0;
  private readonly clients = new Set<ServerResponse>();
  private heartbeat?: NodeJS.Timeout;
  private resetPoll?: NodeJS.Timeout;
  private lastWorld: unknown;

  /**
   * `source` is the Query API's listener set, joined while someone listens; `currentWorld`
   * identifies the whole state (the cloud object): a change means reset or import.
   */
  constructor(
    private readonly source: Set<(e: ActivityEvent) => void>,
    private readonly currentWorld: () => unknown,
  ) {
    this.lastWorld = currentWorld();
  }

  /** The Query API's activity listener. */
  readonly record = (e: ActivityEvent): void => {
    const entry: ActivityEntry = { type: 'activity', seq: ++this.seq, ...e };
    this.ring[entry.seq % RING] = entry;
    if (this.clients.size > 0) {
      this.checkReset();
      this.broadcast(entry);
    }
  };

  /** The most recent entries, oldest first. */
  recent(limit = RING): ActivityEntry[] {
    const out: ActivityEntry[] = [];
    for (let s = Math.max(1, this.seq - Math.min(limit, RING) + 1); s <= this.seq; s++) {
      const e = this.ring[s % RING];
      if (e && e.seq === s) out.push(e);
    }
    return out;
  }

  /** Turns a response into an event stream until the client goes away. */
  subscribe(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 1000\n\n');
    this.clients.add(res);
    res.on('close', () => {
      this.clients.delete(res);
      if (this.clients.size === 0) this.stop();
    });
    this.start();
  }

  get listeners(): number {
    return this.clients.size;
  }

  close(): void {
    for (const res of this.clients) res.end();
    this.clients.clear();
    this.stop();
  }

  private checkReset(): void {
    const world = this.currentWorld();
    if (world === this.lastWorld) return;
    this.lastWorld = world;
    this.broadcast({ type: 'reset', seq: ++this.seq });
  }

  private broadcast(event: ConsoleEvent): void {
    const frame = `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
    for (const res of this.clients) res.write(frame);
  }

  private start(): void {
    if (this.heartbeat) return;
    this.source.add(this.record);
    this.lastWorld = this.currentWorld();
    this.heartbeat = setInterval(() => {
      for (const res of this.clients) res.write(': keep-alive\n\n');
    }, HEARTBEAT_MS).unref();
    this.resetPoll = setInterval(() => this.checkReset(), RESET_POLL_MS).unref();
  }

  private stop(): void {
    this.source.delete(this.record);
    clearInterval(this.heartbeat);
    clearInterval(this.resetPoll);
    this.heartbeat = this.resetPoll = undefined;
  }
}
