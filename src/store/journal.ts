/**
 * The durable journal: an embedded SQLite database holding the cloud's seed and every request
 * that changed state, in order. A change is committed here before its response is sent, so a
 * process killed at any moment loses nothing a client saw succeed; replaying the journal from
 * the seed rebuilds the exact same state (IDs, addresses, MACs, tokens, timers).
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

  private constructor(path: string) {
    this.db = new Database(path);
    // WAL + NORMAL: a commit reaches the OS before we answer, which survives a killed process.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.migrate();
    this.insert = this.db.prepare('INSERT INTO ops (at, rng, account, region, params) VALUES (?, ?, ?, ?, ?)');
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
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  set(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  append(e: JournalEntry): void {
    this.insert.run(e.at, e.rng, e.account, e.region, e.params);
  }

  *entries(): IterableIterator<JournalEntry> {
    const rows = this.db.prepare('SELECT at, rng, account, region, params FROM ops ORDER BY seq').iterate();
    for (const row of rows) yield row as JournalEntry;
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM ops').get() as { n: number }).n;
  }

  /** Replaces the whole journal (reset, import) in one transaction. */
  replace(meta: Record<string, string>, entries: readonly JournalEntry[]): void {
    this.db.transaction(() => {
      this.db.exec('DELETE FROM ops; DELETE FROM meta;');
      for (const [k, v] of Object.entries(meta)) this.set(k, v);
      for (const e of entries) this.append(e);
    })();
  }

  close(): void {
    this.db.close();
  }
}
