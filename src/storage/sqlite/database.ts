import { closeSync, fdatasync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS, readVersion, runMigrations, type Migration } from './migrations';

/**
 * One SQLite file (or `:memory:`) shared by the request store, the vault's ciphertexts, the due-work queue and
 * the key/value store. Its folder is created on first start; the schema is brought up to date on open.
 */
export class SqliteStore {
  readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(file: string, migrations: readonly Migration[] = MIGRATIONS) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    try {
      // WAL: readers never wait for the writer. NORMAL: a commit survives the process dying (SIGKILL, the crash
      // matrix) without an fsync; what must survive a power cut too (a request's move to creating and its outcome,
      // secrets) awaits `syncWal`, which syncs the WAL off the event loop. The WAL is synced as a whole, so that
      // also makes every commit before it durable: the state saved right before Partner Center is called is on
      // disk with all it depends on. FULL's fsync in every commit blocked the event loop ≈ 2.5 ms on a quiet
      // machine (far longer on a busy disk), ~20 times a request (issue 16).
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      // Another process on the same file (a second instance, a CLI) holds the write lock only briefly.
      this.db.pragma('busy_timeout = 5000');
      this.db.pragma('foreign_keys = ON');
      // Erasing a password's ciphertext (or a sealed session) must remove its bytes, not only unlink its row:
      // deleted content is overwritten with zeros in the database file. The WAL still holds old pages until the
      // next checkpoint (automatic, every 1000 pages; and at close), which the erase path forces (see vacuumWal).
      this.db.pragma('secure_delete = ON');
      runMigrations(this.db, migrations);
    } catch (e) {
      this.db.close();
      throw e;
    }
  }

  /** The schema version in the file: the number of migrations applied to it. */
  get schemaVersion(): number {
    return readVersion(this.db);
  }

  /** A prepared statement, compiled once per connection (preparing is most of the cost of a small query). */
  statement(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  private walFd?: number;
  private syncing?: Promise<void>;
  private nextSync?: Promise<void>;

  /**
   * Makes every commit so far durable, power cut or not: an fdatasync of the WAL (what `synchronous = FULL` does
   * after each commit), run on libuv's thread pool instead of blocking the event loop, and shared by every caller
   * that asks while one is running (group commit). Callers await it before anything that relies on the write.
   */
  syncWal(): Promise<void> {
    if (this.db.memory || !this.db.open) return Promise.resolve();
    if (this.nextSync) return this.nextSync;
    if (this.syncing) {
      const next = this.syncing.catch(() => undefined).then(() => {
        this.nextSync = undefined;
        return this.runSync();
      });
      this.nextSync = next;
      return next;
    }
    return this.runSync();
  }

  private runSync(): Promise<void> {
    const run = new Promise<void>((resolve, reject) => {
      this.walFd ??= openSync(`${this.db.name}-wal`, 'r');
      fdatasync(this.walFd, (e) => (e ? reject(e) : resolve()));
    }).finally(() => {
      if (this.syncing === run) this.syncing = undefined;
    });
    this.syncing = run;
    return run;
  }

  /**
   * Copies the WAL into the database file and truncates it, so content overwritten by `secure_delete` leaves no
   * older copy in the WAL. Cheap at this bot's write rate; called after erasing secrets.
   */
  checkpoint(): void {
    if (this.db.open && this.db.memory === false) this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  private nextCheckpoint?: Promise<void>;

  /**
   * A checkpoint shared by every caller within the next quarter second: resolves once one has run after the call.
   * A checkpoint copies every page written since the last one into the database file and blocks the process for
   * its fsync (≈ 6 ms here), and every creation erases twice (its password and the creator's identity), after the
   * outcome reached people, so nobody waits for it. With a 10 ms window, 200 creations at once ran ≈ 1.8
   * checkpoints each, about half of the bot's SQLite time (issue 16); a quarter second bounds them to four a second
   * while the erased bytes leave the WAL a quarter second later at most.
   */
  checkpointSoon(windowMs = 250): Promise<void> {
    this.nextCheckpoint ??= new Promise<void>((resolve, reject) => {
      setTimeout(() => {
        this.nextCheckpoint = undefined;
        try {
          this.checkpoint();
          resolve();
        } catch (e) {
          reject(e);
        }
      }, windowMs);
    });
    return this.nextCheckpoint;
  }

  /** Idempotent: the composition root and a test may both close it. */
  close(): void {
    if (this.walFd !== undefined) closeSync(this.walFd);
    this.walFd = undefined;
    if (this.db.open) this.db.close();
  }
}
