/**
 * The durable store: an embedded SQLite database holding the latest snapshot of the whole cloud
 * (cloud-image.ts) and the log of every state-changing request committed since, in order. A
 * change is committed here before its response is sent, so a process killed at any moment loses
 * nothing a client saw succeed; a start decodes the snapshot and replays the short log after it.
 *
 * Each run that writes opens a log segment holding the configuration it ran with (quotas,
 * timings, public pools…): the log is replayed under the flags it was written with, so changing
 * a flag never blocks a start.
 *
 * Group commit: the changes made in one turn of the event loop (every request read from the
 * sockets in that turn) are committed together, in one transaction, just after it
 * (`setImmediate`); responses wait for it through `whenCommitted`. One WAL write for many
 * requests instead of one each: a commit costs about as much as a whole request otherwise.
 *
 * A snapshot replaces the previous one and the log it covers in one transaction (a kill at any
 * moment leaves either the old snapshot and its log or the new one), then gives the freed pages
 * back to the file system, so the directory stays the size of the state, not of its history.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ConfigError } from '../config.js';

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

/** A log entry as read back: with the configuration its run was under (undefined for logs written before segments). */
export interface LoggedEntry extends JournalEntry {
  readonly config?: string;
}

export interface SnapshotInfo {
  /** When it was taken (ms since epoch, wall clock). */
  readonly takenAt: number;
  readonly bytes: number;
}

/** Schema migrations, applied in order; the index + 1 is the schema version they produce. */
const MIGRATIONS: readonly string[] = [
  // 1: the seed and every request since the beginning.
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE ops (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL, rng TEXT NOT NULL, account TEXT NOT NULL, region TEXT NOT NULL, params TEXT NOT NULL);`,
  // 2: a snapshot of the state plus the log since it; log segments carry their run's configuration.
  // A schema-1 directory has no snapshot: its whole journal is the log, replayed once and then snapshotted.
  `CREATE TABLE segments (id INTEGER PRIMARY KEY, config TEXT NOT NULL);
   ALTER TABLE ops ADD COLUMN segment INTEGER REFERENCES segments(id);
   CREATE TABLE snapshots (id INTEGER PRIMARY KEY, taken_at INTEGER NOT NULL, bytes INTEGER NOT NULL, image BLOB NOT NULL);`,
  // 3: snapshots may be columnar images of layout 2 (large collections decoded lazily), which an
  // ec2net of format 2 cannot read: no table changes, but such an ec2net refuses the directory
  // with its plain line instead of failing on the image. Format 2's images still open here.
  `SELECT 1;`,
  // 4: snapshots may be columnar images of layout 3 (the lazy section's strings in chunks, a
  // checksum at the end), which an ec2net of format 3 cannot read. No table changes.
  `SELECT 1;`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** What the write-ahead log may keep between snapshots (emptied and cut to nothing by each snapshot). */
export const WAL_LIMIT_BYTES = 4 * 1024 * 1024;

/** How much of the database file reads map into memory (beyond it, SQLite reads as usual). */
const MMAP_BYTES = 1024 * 1024 * 1024;

export class Journal {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly insertAll: (entries: readonly JournalEntry[]) => void;
  /** Appended, not yet committed. */
  private pending: JournalEntry[] = [];
  /** Called once `pending` is committed (with the error if it could not be). */
  private waiting: ((error?: unknown) => void)[] = [];
  private flushScheduled = false;
  /** The segment new entries go to (opened by `beginSegment`). */
  private segment: number | null = null;
  /** Entries in the log since the last snapshot (committed or pending). */
  private tail: number;
  /** Called (once, until the next snapshot or a new limit) when the log since the last snapshot reaches `tailLimit`. */
  onTailLimit?: () => void;
  private limit = Infinity;
  private limitSignalled = false;
  /** The schema version the directory had when opened (1: a journal to migrate). */
  readonly openedVersion: number;

  private constructor(readonly path: string) {
    this.db = new Database(path);
    // WAL + NORMAL: a commit reaches the OS before we answer, which survives a killed process.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    // The write-ahead log is emptied into the database every 1,000 pages (SQLite's default; more
    // often cost durable throughput) and cut back to 4 MiB: between snapshots it adds at most
    // that constant to the directory, and every snapshot empties it.
    this.db.pragma(`journal_size_limit = ${WAL_LIMIT_BYTES}`);
    // Reads through a memory map of the file: the snapshot (tens of MiB at scale) is copied once
    // from the OS's page cache instead of through SQLite's own, which cut a restart's read of it
    // by about a third (bench/RESULTS.md). Writes still go through the journal as before.
    this.db.pragma(`mmap_size = ${MMAP_BYTES}`);
    this.openedVersion = this.db.pragma('user_version', { simple: true }) as number;
    // Freed pages (old snapshots, compacted log) can be returned to the file system; only settable before the first table.
    if (this.openedVersion === 0) this.db.pragma('auto_vacuum = INCREMENTAL');
    this.migrate();
    this.insert = this.db.prepare('INSERT INTO ops (at, rng, account, region, params, segment) VALUES (?, ?, ?, ?, ?, ?)');
    this.insertAll = this.db.transaction((entries: readonly JournalEntry[]) => {
      for (const e of entries) this.insert.run(e.at, e.rng, e.account, e.region, e.params, this.segment);
    });
    this.tail = (this.db.prepare('SELECT COUNT(*) AS n FROM ops').get() as { n: number }).n;
  }

  static open(dataDir: string): Journal {
    mkdirSync(dataDir, { recursive: true });
    return new Journal(join(dataDir, 'ec2net.sqlite'));
  }

  private migrate(): void {
    const version = this.openedVersion;
    if (version > SCHEMA_VERSION) {
      this.db.close();
      throw new ConfigError(
        `${this.path} was written by a newer ec2net (storage format ${version}; this one reads up to ${SCHEMA_VERSION}): upgrade ec2net, or start with another --data-dir`,
      );
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

  get tailLimit(): number {
    return this.limit;
  }

  /** Sets the log length that calls `onTailLimit` (again, if it was already reached). */
  set tailLimit(n: number) {
    this.limit = n;
    this.limitSignalled = false;
  }

  /** Opens the log segment this run appends to, recording the configuration it runs with. */
  beginSegment(config: string): void {
    this.flush();
    this.segment = Number(this.db.prepare('INSERT INTO segments (config) VALUES (?)').run(config).lastInsertRowid);
  }

  /** Queues a change; it is committed with the rest of this turn's changes, right after the turn. */
  append(e: JournalEntry): void {
    this.pending.push(e);
    if (++this.tail >= this.limit && !this.limitSignalled) {
      this.limitSignalled = true;
      this.onTailLimit?.();
    }
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
      this.tail -= batch.length;
    }
    for (const done of waiting) done(error);
  }

  /** The log since the last snapshot, in order, each entry with its segment's configuration. */
  *entries(): IterableIterator<LoggedEntry> {
    this.flush();
    const rows = this.db
      .prepare('SELECT at, rng, account, region, params, config FROM ops LEFT JOIN segments ON segments.id = ops.segment ORDER BY seq')
      .iterate() as IterableIterator<LoggedEntry & { config: string | null }>;
    for (const row of rows) {
      if (row.config === null) {
        const { config: _none, ...entry } = row;
        yield entry;
      } else yield row;
    }
  }

  /** Entries in the log since the last snapshot. */
  count(): number {
    this.flush();
    return this.tail;
  }

  /** The latest snapshot's image, if any. */
  latestImage(): Buffer | undefined {
    this.flush();
    const row = this.db.prepare('SELECT image FROM snapshots ORDER BY id DESC LIMIT 1').get() as { image: Buffer } | undefined;
    return row?.image;
  }

  latestSnapshot(): SnapshotInfo | undefined {
    const row = this.db.prepare('SELECT taken_at AS takenAt, bytes FROM snapshots ORDER BY id DESC LIMIT 1').get() as SnapshotInfo | undefined;
    return row;
  }

  /**
   * Stores `image` as the state after every change appended so far, and drops the log and the
   * snapshots it replaces — all in one transaction. Then compacts the file.
   */
  saveSnapshot(image: Buffer, meta?: Record<string, string>): void {
    this.flush();
    this.db.transaction(() => {
      if (meta) {
        this.db.exec('DELETE FROM meta');
        for (const [k, v] of Object.entries(meta)) this.set(k, v);
      }
      // The old snapshot goes first: the new one is written into the pages it frees, so the
      // compaction after has no pages to move (written after, it sat at the end of the file and
      // every one of its pages was moved down: seconds at scale).
      this.db.exec('DELETE FROM snapshots; DELETE FROM ops;');
      this.db.prepare('INSERT INTO snapshots (taken_at, bytes, image) VALUES (?, ?, ?)').run(Date.now(), image.length, image);
      this.db.prepare('DELETE FROM segments WHERE id IS NOT ?').run(this.segment);
    })();
    this.tail = 0;
    this.limitSignalled = false;
    this.compact();
  }

  /** Gives freed pages back to the file system and empties the write-ahead log into the database. */
  private compact(): void {
    const autoVacuum = this.db.pragma('auto_vacuum', { simple: true }) as number;
    if (autoVacuum === 0) {
      // A directory made before snapshots (no auto-vacuum): switch it on, which takes one full VACUUM.
      this.db.pragma('auto_vacuum = INCREMENTAL');
      this.db.exec('VACUUM');
    } else {
      this.db.pragma('incremental_vacuum');
    }
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /** Replaces the whole journal (reset, import of an old export) in one transaction: no snapshot, the log is `entries`. */
  replace(meta: Record<string, string>, entries: readonly JournalEntry[]): void {
    this.flush();
    this.db.transaction(() => {
      this.db.exec('DELETE FROM ops; DELETE FROM meta; DELETE FROM snapshots;');
      for (const [k, v] of Object.entries(meta)) this.set(k, v);
      this.insertAll(entries);
    })();
    this.tail = entries.length;
  }

  close(): void {
    this.flush();
    this.db.close();
  }
}
