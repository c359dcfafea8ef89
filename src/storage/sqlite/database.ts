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

  /** Idempotent: the composition root and a test may both close it. */
  close(): void {
    if (this.db.open) this.db.close();
  }
}
