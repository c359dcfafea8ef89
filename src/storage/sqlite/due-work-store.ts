import type { DueItem, DueWork, DueWorkKind, DueWorkStore } from '../../core/approval/due-work';
import { epochMs } from '../time';
import type { SqliteStore } from './database';

interface Row {
  key: string;
  kind: DueWorkKind;
  request_id: string;
  due_at: string;
  payload: string | null;
  owner: string;
  lease_until_ms: number;
}

const SCHEDULE = `INSERT INTO due_work (key, kind, request_id, due_at, due_ms, payload, owner, lease_until_ms)
  VALUES (@key, @kind, @requestId, @dueAt, @dueMs, @payload, NULL, NULL)
  ON CONFLICT(key) DO UPDATE SET kind = excluded.kind, request_id = excluded.request_id, due_at = excluded.due_at,
    due_ms = excluded.due_ms, payload = excluded.payload, owner = NULL, lease_until_ms = NULL`;

const CLAIM = `UPDATE due_work SET owner = @owner, lease_until_ms = @leaseUntil
  WHERE key IN (
    SELECT key FROM due_work
    WHERE due_ms <= @now AND (owner IS NULL OR lease_until_ms <= @now)
    ORDER BY due_ms, key LIMIT @limit)
  RETURNING key, kind, request_id, due_at, due_ms, payload, owner, lease_until_ms`;

/**
 * The due-work queue in the shared file. A claim is one UPDATE … RETURNING: SQLite runs it under the file's
 * write lock, so two instances on the same file never claim the same item.
 */
export class SqliteDueWorkStore implements DueWorkStore {
  constructor(readonly store: SqliteStore) {}

  async schedule(item: DueWork): Promise<void> {
    this.store.statement(SCHEDULE).run({
      key: item.key,
      kind: item.kind,
      requestId: item.requestId,
      dueAt: item.dueAt,
      dueMs: epochMs(item.dueAt, `due work ${item.key} dueAt`),
      payload: item.payload === undefined ? null : JSON.stringify(item.payload),
    });
  }

  async claimDue(now: Date, owner: string, leaseMs: number, limit: number): Promise<DueItem[]> {
    const nowMs = now.getTime();
    const rows = this.store
      .statement(CLAIM)
      .all({ owner, leaseUntil: nowMs + leaseMs, now: nowMs, limit: Math.max(0, limit) }) as Array<Row & { due_ms: number }>;
    // RETURNING gives no order guarantee; hand the items out earliest first.
    return rows.sort((a, b) => a.due_ms - b.due_ms || (a.key < b.key ? -1 : 1)).map(toItem);
  }

  async complete(key: string, owner?: string): Promise<void> {
    if (owner === undefined) this.store.statement('DELETE FROM due_work WHERE key = ?').run(key);
    else this.store.statement('DELETE FROM due_work WHERE key = ? AND owner = ?').run(key, owner);
  }

  async cancel(key: string): Promise<void> {
    this.store.statement('DELETE FROM due_work WHERE key = ?').run(key);
  }
}

function toItem(row: Row): DueItem {
  return {
    key: row.key,
    kind: row.kind,
    requestId: row.request_id,
    dueAt: row.due_at,
    ...(row.payload === null ? {} : { payload: JSON.parse(row.payload) as Record<string, string> }),
    owner: row.owner,
    leaseUntil: new Date(row.lease_until_ms).toISOString(),
  };
}
