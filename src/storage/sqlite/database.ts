import { mkdirSync } from 'node:fs';
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
      // WAL: readers never wait for the writer. FULL: a committed write (the state saved right before Partner
      // Center is called) survives a power cut too; the bot writes a few rows per request, the fsync is cheap.
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
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

  /**
   * Copies the WAL into the database file and truncates it, so content overwritten by `secure_delete` leaves no
   * older copy in the WAL. Cheap at this bot's write rate; called after erasing secrets.
   */
  checkpoint(): void {
    if (this.db.open && this.db.memory === false) this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /** Idempotent: the composition root and a test may both close it. */
  close(): void {
    if (this.db.open) this.db.close();
  }
}
