import { randomUUID } from 'node:crypto';
import { AppError } from '../../core/errors';
import type { RequestQuery, RequestStore, UserRequest, Versioned } from '../../core/approval/user-request';
import { canonicalIso } from '../time';
import type { SqliteStore } from './database';

type Row = { body: string; etag: string };

const INSERT = `INSERT INTO requests (id, etag, created_at, customer_id, requester_oid, state_kind, body)
  VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`;
const SWAP = `UPDATE requests SET etag = ?, created_at = ?, customer_id = ?, requester_oid = ?, state_kind = ?, body = ?
  WHERE id = ? AND etag = ?`;

/**
 * Requests as JSON with the columns the queries need beside them. Every write is one statement guarded by the
 * eTag, so compare-and-swap holds across processes sharing the file.
 */
export class SqliteRequestStore implements RequestStore {
  constructor(readonly store: SqliteStore) {}

  async get(id: string): Promise<Versioned<UserRequest> | undefined> {
    const row = this.store.statement('SELECT body, etag FROM requests WHERE id = ?').get(id) as Row | undefined;
    return row && { value: JSON.parse(row.body) as UserRequest, etag: row.etag };
  }

  async create(request: UserRequest): Promise<Versioned<UserRequest>> {
    const etag = randomUUID();
    const r = this.store.statement(INSERT).run(request.id, etag, createdAt(request), request.customer.id, request.requester.oid, request.state.kind, JSON.stringify(request));
    if (r.changes === 0) throw new AppError('CONCURRENT_UPDATE', `request ${request.id} exists`);
    return { value: structuredClone(request), etag };
  }

  async update(request: UserRequest, etag: string): Promise<Versioned<UserRequest>> {
    const next = randomUUID();
    const r = this.store.statement(SWAP).run(next, createdAt(request), request.customer.id, request.requester.oid, request.state.kind, JSON.stringify(request), request.id, etag);
    if (r.changes === 0) {
      const exists = this.store.statement('SELECT 1 FROM requests WHERE id = ?').get(request.id);
      if (!exists) throw new AppError('REQUEST_NOT_FOUND', `request ${request.id} not found`);
      throw new AppError('CONCURRENT_UPDATE', `request ${request.id} changed since it was read`);
    }
    return { value: structuredClone(request), etag: next };
  }

  /**
   * Newest first (ties by id). Each filter combination has an index in exactly this order, so SQLite walks the
   * index and stops after `limit` rows: listing the last 50 reads 50 rows, whatever the table holds.
   */
  async list(query: RequestQuery): Promise<UserRequest[]> {
    // An empty filter value means no filter, as in the memory store.
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
    // created_at holds canonical ISO text, so a time range is a range on the same index.
    if (query.since) {
      where.push('created_at >= ?');
      args.push(canonicalIso(query.since, 'since'));
    }
    if (query.before) {
      where.push('created_at < ?');
      args.push(canonicalIso(query.before, 'before'));
    }
    const rows = this.store.statement(listSql(where)).all(...args, Math.max(0, query.limit)) as Array<{ body: string }>;
    return rows.map((r) => JSON.parse(r.body) as UserRequest);
  }

  /** Every request in one state, oldest first (through the state index). */
  async inState(kind: UserRequest['state']['kind']): Promise<UserRequest[]> {
    const rows = this.store.statement('SELECT body FROM requests WHERE state_kind = ? ORDER BY created_at, id').all(kind) as Array<{ body: string }>;
    return rows.map((r) => JSON.parse(r.body) as UserRequest);
  }
}

/** Exported for the test that reads the query plan. */
export function listSql(where: string[]): string {
  return `SELECT body FROM requests ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id LIMIT ?`;
}

function createdAt(request: UserRequest): string {
  return canonicalIso(request.createdAt, `request ${request.id} createdAt`);
}
