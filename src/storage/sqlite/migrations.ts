import type Database from 'better-sqlite3';
import { decidersOf, homeConversationOf } from '../../core/approval/request-index';
import type { UserRequest } from '../../core/approval/user-request';

/** One schema change. It runs once per database file, inside the transaction that records it. */
export type Migration = (db: Database.Database) => void;

/**
 * The schema, in order; the schema version of a file is the number of migrations applied to it. Append only:
 * never edit or reorder a migration that has shipped, files out there already carry it.
 */
export const MIGRATIONS: readonly Migration[] = [
  // 1: requests with their eTag and listing columns, the vault's ciphertexts (the first shipped schema).
  (db) =>
    db.exec(`CREATE TABLE requests (
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
     CREATE TABLE secrets (key TEXT PRIMARY KEY, value TEXT NOT NULL);`),

  // 2: created_at in one fixed-width form (so text order is time order), indexes that also serve the id
  //    tie-break and the customer+requester filter, the due-work queue and the generic key/value table.
  (db) => {
    const rows = db.prepare('SELECT id, created_at FROM requests').all() as Array<{ id: string; created_at: string }>;
    const fix = db.prepare('UPDATE requests SET created_at = ? WHERE id = ?');
    for (const row of rows) {
      const ms = Date.parse(row.created_at);
      if (!Number.isNaN(ms)) fix.run(new Date(ms).toISOString(), row.id);
    }
    db.exec(`DROP INDEX requests_by_time;
     DROP INDEX requests_by_customer;
     DROP INDEX requests_by_requester;
     CREATE INDEX requests_by_time ON requests (created_at DESC, id);
     CREATE INDEX requests_by_customer ON requests (customer_id, created_at DESC, id);
     CREATE INDEX requests_by_requester ON requests (requester_oid, created_at DESC, id);
     CREATE INDEX requests_by_customer_requester ON requests (customer_id, requester_oid, created_at DESC, id);
     CREATE TABLE due_work (
       key TEXT PRIMARY KEY,
       kind TEXT NOT NULL,
       request_id TEXT NOT NULL,
       due_at TEXT NOT NULL,
       due_ms INTEGER NOT NULL,
       payload TEXT,
       owner TEXT,
       lease_until_ms INTEGER
     );
     CREATE INDEX due_work_by_time ON due_work (due_ms);
     CREATE TABLE kv (key TEXT PRIMARY KEY, etag TEXT NOT NULL, value TEXT NOT NULL);`);
  },

  // 3: `history` scoped to where it is asked: the conversation a request's card lives in (a column), and the
  //    people who decided it (a table: a request can have several). Both filled in for the rows already there.
  (db) => {
    db.exec(`ALTER TABLE requests ADD COLUMN conversation_id TEXT;
     CREATE INDEX requests_by_conversation ON requests (conversation_id, created_at DESC, id);
     CREATE INDEX requests_by_customer_conversation ON requests (customer_id, conversation_id, created_at DESC, id);
     CREATE TABLE request_deciders (
       request_id TEXT NOT NULL,
       decider_oid TEXT NOT NULL,
       created_at TEXT NOT NULL,
       PRIMARY KEY (request_id, decider_oid)
     );
     CREATE INDEX request_deciders_by_decider ON request_deciders (decider_oid, created_at DESC, request_id);`);
    const rows = db.prepare('SELECT id, created_at, body FROM requests').all() as Array<{ id: string; created_at: string; body: string }>;
    const setConversation = db.prepare('UPDATE requests SET conversation_id = ? WHERE id = ?');
    const addDecider = db.prepare('INSERT OR IGNORE INTO request_deciders (request_id, decider_oid, created_at) VALUES (?, ?, ?)');
    for (const row of rows) {
      let request: UserRequest;
      try {
        request = JSON.parse(row.body) as UserRequest;
      } catch {
        continue; // not a request this build can read; it stays listed by the older indexes only
      }
      setConversation.run(homeConversationOf(request) ?? null, row.id);
      for (const oid of decidersOf({ history: Array.isArray(request.history) ? request.history : [] })) addDecider.run(row.id, oid, row.created_at);
    }
  },

  // 4: user templates (customer_id '' for a partner-wide default) and the audit of their changes, newest first by
  //    insertion order (seq), written in the same transaction as the change.
  (db) =>
    db.exec(`CREATE TABLE templates (
       id TEXT PRIMARY KEY,
       etag TEXT NOT NULL,
       customer_id TEXT NOT NULL,
       body TEXT NOT NULL
     );
     CREATE INDEX templates_by_customer ON templates (customer_id);
     CREATE TABLE template_audit (
       seq INTEGER PRIMARY KEY AUTOINCREMENT,
       id TEXT NOT NULL UNIQUE,
       at TEXT NOT NULL,
       template_id TEXT NOT NULL,
       body TEXT NOT NULL
     );`),
];

/**
 * Brings `db` up to `migrations.length`. The version is read and the pending migrations run inside one
 * IMMEDIATE transaction, so two processes opening the same file at once cannot both apply a migration, and a
 * failing migration leaves the file exactly as it was. A file newer than this build is refused, not guessed at.
 */
export function runMigrations(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const apply = db.transaction(() => {
    const from = readVersion(db);
    if (from > migrations.length) {
      throw new Error(`the database schema is version ${from}, newer than this build knows (${migrations.length}); refusing to open it`);
    }
    for (let v = from; v < migrations.length; v++) migrations[v](db);
    db.prepare('DELETE FROM schema_version').run();
    db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(migrations.length);
    return migrations.length;
  });
  return apply.immediate();
}

/** 0 for a new file. */
export function readVersion(db: Database.Database): number {
  const row = db.prepare('SELECT MAX(version) AS version FROM schema_version').get() as { version: number | null };
  return row.version ?? 0;
}
