import { randomUUID } from 'node:crypto';
import { isConditional, keyValueConflict, toJson, type KeyValueChange, type KeyValueItem, type KeyValueStore } from '../key-value-store';
import type { SqliteStore } from './database';

const READ_WIDTH = 8;

type Row = { key: string; value: string; etag: string };

/** Generic JSON values with per-key eTags; a batch of writes is one transaction (all or nothing). */
export class SqliteKeyValueStore implements KeyValueStore {
  constructor(readonly store: SqliteStore) {}

  /**
   * One statement for all the keys: teams-ai reads a turn's three state keys together on every turn (issue 16:
   * three SELECTs a turn before). A statement is prepared once per number of keys, up to READ_WIDTH keys a
   * statement, so the prepared statements stay few whatever a caller asks for.
   */
  async read(keys: string[]): Promise<Record<string, KeyValueItem>> {
    const out: Record<string, KeyValueItem> = {};
    const unique = [...new Set(keys)];
    for (let i = 0; i < unique.length; i += READ_WIDTH) {
      const some = unique.slice(i, i + READ_WIDTH);
      const rows = this.store.statement(`SELECT key, value, etag FROM kv WHERE key IN (${some.map(() => '?').join(', ')})`).all(...some) as Row[];
      for (const row of rows) out[row.key] = { value: JSON.parse(row.value), eTag: row.etag };
    }
    return out;
  }

  async write(changes: Record<string, KeyValueChange>): Promise<Record<string, string>> {
    const db = this.store.db;
    const upsert = this.store.statement('INSERT INTO kv (key, etag, value) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET etag = excluded.etag, value = excluded.value');
    const swap = this.store.statement('UPDATE kv SET etag = ?, value = ? WHERE key = ? AND etag = ?');
    const create = this.store.statement('INSERT INTO kv (key, etag, value) VALUES (?, ?, ?) ON CONFLICT(key) DO NOTHING');
    const writeAll = db.transaction(() => {
      const eTags: Record<string, string> = {};
      for (const [key, change] of Object.entries(changes)) {
        const eTag = randomUUID();
        const json = toJson(change.value);
        if (change.ifAbsent) {
          if (create.run(key, eTag, json).changes === 0) throw keyValueConflict(key);
        } else if (isConditional(change)) {
          // Throwing inside the transaction rolls back the keys already written in this batch.
          if (swap.run(eTag, json, key, change.eTag).changes === 0) throw keyValueConflict(key);
        } else upsert.run(key, eTag, json);
        eTags[key] = eTag;
      }
      return eTags;
    });
    return writeAll.immediate();
  }

  async delete(keys: string[]): Promise<void> {
    const del = this.store.statement('DELETE FROM kv WHERE key = ?');
    this.store.db.transaction(() => keys.forEach((k) => del.run(k)))();
  }
}
