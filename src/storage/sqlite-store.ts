import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { AppError } from '../core/errors';
import type { RequestQuery, RequestStore, UserRequest, Versioned } from '../core/approval/user-request';
import type { CiphertextStore } from './encrypted-password-vault';

/**
 * The embedded store: one SQLite file (WAL) holding requests with eTag compare-and-swap, and the password vault's
 * ciphertexts. The schema is versioned; each migration runs once, in order, in a transaction.
 */
const MIGRATIONS: string[] = [
  `CREATE TABLE requests (
     id TEXT PRIMARY KEY,
     etag TEXT NOT NULL,
     created_at TEXT NOT NULL,
     customer_id TEXT NOT NULL,
     requester_oid TEXT NOT NULL,
     state_kind TEXT NOT NULL,
     body TEXT NOT NULL
   );
   CREATE INDEX requests_by_time ON requests (created_at DESC);
   CREATE INDEX requests_by_customer ON requests (customer_id, created_at DESC);
   CREATE INDEX requests_by_requester ON requests (requester_oid, created_at DESC);
   CREATE INDEX requests_by_state ON requests (state_kind);
   CREATE TABLE secrets (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
];

export class SqliteStore {
  readonly db: Database.Database;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
  }

  /** The schema version now in the file (the number of migrations applied). */
  get schemaVersion(): number {
    return (this.db.prepare('SELECT version FROM schema_version').get() as { version: number }).version;
  }

  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    if (!this.db.prepare('SELECT version FROM schema_version').get()) this.db.prepare('INSERT INTO schema_version (version) VALUES (0)').run();
    const apply = this.db.transaction((from: number) => {
      for (let v = from; v < MIGRATIONS.length; v++) this.db.exec(MIGRATIONS[v]);
      this.db.prepare('UPDATE schema_version SET version = ?').run(MIGRATIONS.length);
    });
    if (this.schemaVersion < MIGRATIONS.length) apply(this.schemaVersion);
  }

  close(): void {
    this.db.close();
  }
}

export class SqliteRequestStore implements RequestStore {
  constructor(private readonly store: SqliteStore) {}

  async get(id: string): Promise<Versioned<UserRequest> | undefined> {
    const row = this.store.db.prepare('SELECT body, etag FROM requests WHERE id = ?').get(id) as { body: string; etag: string } | undefined;
    return row && { value: JSON.parse(row.body) as UserRequest, etag: row.etag };
  }

  async create(request: UserRequest): Promise<Versioned<UserRequest>> {
    const etag = randomUUID();
    const r = this.store.db
      .prepare('INSERT OR IGNORE INTO requests (id, etag, created_at, customer_id, requester_oid, state_kind, body) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(request.id, etag, request.createdAt, request.customer.id, request.requester.oid, request.state.kind, JSON.stringify(request));
    if (r.changes === 0) throw new AppError('CONCURRENT_UPDATE', `request ${request.id} exists`);
    return { value: structuredClone(request), etag };
  }

  async update(request: UserRequest, etag: string): Promise<Versioned<UserRequest>> {
    const next = randomUUID();
    const r = this.store.db
      .prepare('UPDATE requests SET etag = ?, customer_id = ?, requester_oid = ?, state_kind = ?, body = ? WHERE id = ? AND etag = ?')
      .run(next, request.customer.id, request.requester.oid, request.state.kind, JSON.stringify(request), request.id, etag);
    if (r.changes === 0) {
      const exists = this.store.db.prepare('SELECT 1 FROM requests WHERE id = ?').get(request.id);
      throw exists ? new AppError('CONCURRENT_UPDATE', `request ${request.id} changed since it was read`) : new AppError('REQUEST_NOT_FOUND', `request ${request.id} not found`);
    }
    return { value: structuredClone(request), etag: next };
  }

  /** Newest first, by index: listing the last 50 reads 50 rows, never the whole table. */
  async list(query: RequestQuery): Promise<UserRequest[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    if (query.customerId) {
      where.push('customer_id = ?');
      args.push(query.customerId);
    }
    if (query.requesterOid) {
      where.push('requester_oid = ?');
      args.push(query.requesterOid);
    }
    const sql = `SELECT body FROM requests ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC LIMIT ?`;
    return (this.store.db.prepare(sql).all(...args, query.limit) as Array<{ body: string }>).map((r) => JSON.parse(r.body) as UserRequest);
  }

  /** Requests in a given state (recovery after a restart looks for interrupted creations). */
  async inState(kind: UserRequest['state']['kind']): Promise<UserRequest[]> {
    return (this.store.db.prepare('SELECT body FROM requests WHERE state_kind = ?').all(kind) as Array<{ body: string }>).map((r) => JSON.parse(r.body) as UserRequest);
  }
}

export class SqliteCiphertextStore implements CiphertextStore {
  constructor(private readonly store: SqliteStore) {}

  async put(key: string, value: string): Promise<void> {
    this.store.db.prepare('INSERT INTO secrets (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  async get(key: string): Promise<string | undefined> {
    return (this.store.db.prepare('SELECT value FROM secrets WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  async delete(key: string): Promise<void> {
    this.store.db.prepare('DELETE FROM secrets WHERE key = ?').run(key);
  }
}
