/**
 * The durable journal: an embedded SQLite database holding the cloud's seed and every request
 * that changed state, in order. A change is committed here before its response is sent, so a
 * process killed at any moment loses nothing a client saw succeed; replaying the journal from
 * the seed rebuilds the exact same state (IDs, addresses, MACs, tokens, timers).
 *
 * Group commit: the changes made in one turn of the event loop (every request read from the
 * sockets in that turn) are committed together, in one transaction, just after it
 * (`setImmediate`); responses wait for it through `whenCommitted`. One WAL write for many
 * requests instead of one each: a commit costs about as much as a whole request otherwise.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export interface JournalEntry {
  /** Clock time of the request, ms since epoch: replay runs the request at this time. */
  readonly at: number;
  /** Position of the cloud's random stream when the request began (see engine/random.ts). */
  readonly rng: string;
  /** The account the request acted in (a 12-digit id, which selects itself on replay). */
  readonly account: string;
  readonly region: string;
  /** The request's form parameters, URL-encoded. */
  readonly params: string;
}

/** Schema migrations, applied in order; the index + 1 is the schema version they produce. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE ops (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, rng TEXT NOT NULL, account TEXT NOT NULL, region TEXT NOT NULL, params TEXT NOT NULL);`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export class Journal {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly insertAll: (entries: readonly JournalEntry[]) => void;
  /** Appended, not yet committed. */
  private pending: JournalEntry[] = [];
  /** Called once `pending` is committed (with the error if it could not be). */
  private waiting: ((error?: unknown) => void)[] = [];
  private flushScheduled = false;

  private constructor(path: string) {
    this.db = new Database(path);
    // WAL + NORMAL: a commit reaches the OS before we answer, which survives a killed process.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.migrate();
    this.insert = this.db.prepare('INSERT INTO ops (at, rng, account, region, params) VALUES (?, ?, ?, ?, ?)');
    this.insertAll = this.db.transaction((entries: readonly JournalEntry[]) => {
      for (const e of entries) this.insert.run(e.at, e.rng, e.account, e.region, e.params);
    });
  }

  static open(dataDir: string): Journal {
    mkdirSync(dataDir, { recursive: true });
    return new Journal(join(dataDir, 'ec2net.sqlite'));
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new Error(`the data directory was written by a newer ec2net (schema ${version}; this one knows ${SCHEMA_VERSION})`);
    }
    for (let v = version; v < SCHEMA_VERSION; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]!);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  get(key: string): string | undefined {
    this.flush();
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  set(key: string, value: string): void {
    this.flush();
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  /** Queues a change; it is committed with the rest of this turn's changes, right after the turn. */
  append(e: JournalEntry): void {
    this.pending.push(e);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Calls `done` once every change appended so far is committed: at once when none waits. */
  whenCommitted(done: (error?: unknown) => void): void {
    if (this.pending.length === 0) done();
    else this.waiting.push(done);
  }

  /**
   * Commits what is pending now, then calls the waiting callbacks (with the error if the commit
   * failed). Every other method flushes first, so the journal is always read and changed in order.
   */
  flush(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    const waiting = this.waiting;
    this.pending = [];
    this.waiting = [];
    let error: unknown;
    try {
      this.insertAll(batch);
    } catch (e) {
      error = e;
    }
    for (const done of waiting) done(error);
  }

  *entries(): IterableIterator<JournalEntry> {
    this.flush();
    const rows = this.db.prepare('SELECT at, rng, account, region, params FROM ops ORDER BY seq').iterate();
    for (const row of rows) yield row as JournalEntry;
  }

  count(): number {
    this.flush();
    return (this.db.prepare('SELECT COUNT(*) AS n FROM ops').get() as { n: number }).n;
  }

  /** Replaces the whole journal (reset, import) in one transaction. */
  replace(meta: Record<string, string>, entries: readonly JournalEntry[]): void {
    this.flush();
    this.db.transaction(() => {
      this.db.exec('DELETE FROM ops; DELETE FROM meta;');
      for (const [k, v] of Object.entries(meta)) this.set(k, v);
      this.insertAll(entries);
    })();
  }

  close(): void {
    this.flush();
    this.db.close();
  }
}
