import { randomUUID } from 'node:crypto';
import { AppError } from '../../core/errors';
import type { RequestQuery, RequestStore, RequestWriteOptions, UserRequest, Versioned } from '../../core/approval/user-request';
import { decidersOf, homeConversationOf } from '../../core/approval/request-index';
import type { Logger } from '../../core/ports';
import { RequestCodec } from '../request-codec';
import { canonicalIso } from '../time';
import type { SqliteStore } from './database';
import { KnownRows } from './known-rows';

type Row = { body: string; etag: string };

const DURABLE_STATES: ReadonlySet<UserRequest['state']['kind']> = new Set(['creating', 'created', 'failed']);

const INSERT = `INSERT INTO requests (id, etag, created_at, customer_id, requester_oid, state_kind, conversation_id, body)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`;
const SWAP = `UPDATE requests SET etag = ?, created_at = ?, customer_id = ?, requester_oid = ?, state_kind = ?, conversation_id = ?, body = ?
  WHERE id = ? AND etag = ?`;
/**
 * The same write when the listing columns are known to hold these values already: SQLite rewrites the entries of
 * every index on a column the SET names, equal values or not, so the full SWAP rewrote seven index entries a write
 * (≈ 0.2 ms, against ≈ 0.07 ms for this one; issue 16). Only the state's index is touched here.
 */
const SWAP_BODY = 'UPDATE requests SET etag = ?, state_kind = ?, body = ? WHERE id = ? AND etag = ?';
const CLEAR_DECIDERS = 'DELETE FROM request_deciders WHERE request_id = ?';
const ADD_DECIDER = 'INSERT OR IGNORE INTO request_deciders (request_id, decider_oid, created_at) VALUES (?, ?, ?)';

/**
 * Requests as JSON (the stored-request schema, read and written through RequestCodec) with the columns the
 * queries need beside them. Every write is one statement guarded by the eTag, so compare-and-swap holds across
 * processes sharing the file.
 */
export class SqliteRequestStore implements RequestStore {
  private readonly codec: RequestCodec;
  /** Recently read and written versions (known-rows.ts): reads served without a decode, writes without refiling deciders. */
  private readonly known = new KnownRows();

  constructor(
    readonly store: SqliteStore,
    log?: Logger,
  ) {
    this.codec = new RequestCodec(log);
  }

  async get(id: string): Promise<Versioned<UserRequest> | undefined> {
    const row = this.store.statement('SELECT body, etag FROM requests WHERE id = ?').get(id) as Row | undefined;
    if (!row) return undefined;
    const known = this.known.read(id, row);
    if (known) return { value: known, etag: row.etag };
    const value = this.codec.decode(id, row.body);
    this.known.decoded(id, row, value);
    return { value, etag: row.etag };
  }

  async create(request: UserRequest): Promise<Versioned<UserRequest>> {
    const etag = randomUUID();
    const body = this.codec.encode(request);
    const filed = filingOf(request);
    const insert = () =>
      this.store.statement(INSERT).run(request.id, etag, filed.createdAt, filed.customerId, filed.requesterOid, request.state.kind, filed.conversationId, body).changes;
    // A new request has no deciders (nobody decided yet): the INSERT alone, no transaction and no filing.
    const changes = filed.deciders.length === 0 ? insert() : this.fileDeciders(request.id, filed, insert);
    if (changes === 0) throw new AppError('CONCURRENT_UPDATE', `request ${request.id} exists`);
    const value = this.known.wrote(request.id, etag, body, filed);
    await this.durable(request);
    return { value, etag };
  }

  async update(request: UserRequest, etag: string, opts?: RequestWriteOptions): Promise<Versioned<UserRequest>> {
    const next = randomUUID();
    const body = this.codec.encode(request);
    const filed = filingOf(request);
    // The eTag guards the write: when the version at `etag` is one this store wrote with these listing columns,
    // the row on disk holds them, and only the body, its state and its eTag change.
    const swap = this.known.sameListing(request.id, etag, filed)
      ? () => this.store.statement(SWAP_BODY).run(next, request.state.kind, body, request.id, etag).changes
      : () => this.store.statement(SWAP).run(next, filed.createdAt, filed.customerId, filed.requesterOid, request.state.kind, filed.conversationId, body, request.id, etag).changes;
    // Most writes (a card placed, a step done, the outcome) decide nothing: when this store filed exactly these
    // deciders with the version being replaced, the guarded UPDATE alone is the write (one statement is its own
    // transaction). Otherwise the deciders are refiled with it, in one transaction.
    const changes = this.known.sameFiling(request.id, etag, filed) ? swap() : this.fileDeciders(request.id, filed, swap);
    if (changes === 0) {
      const exists = this.store.statement('SELECT 1 FROM requests WHERE id = ?').get(request.id);
      if (!exists) throw new AppError('REQUEST_NOT_FOUND', `request ${request.id} not found`);
      throw new AppError('CONCURRENT_UPDATE', `request ${request.id} changed since it was read`);
    }
    const value = this.known.wrote(request.id, next, body, filed);
    if (!opts?.durableWithNextSecret) await this.durable(request);
    return { value, etag: next };
  }

  /**
   * Newest first (ties by id). Each filter combination has an index in exactly this order, so SQLite walks the
   * index and stops after `limit` rows: listing the last 50 reads 50 rows, whatever the table holds. A decider
   * is looked up in its own table, walked in the same order.
   */
  async list(query: RequestQuery): Promise<UserRequest[]> {
    // An empty filter value means no filter, as in the memory store.
    const where: string[] = [];
    const args: unknown[] = [];
    const filter = (sql: string, value: string | undefined) => {
      if (!value) return;
      where.push(sql);
      args.push(value);
    };
    const decider = Boolean(query.deciderOid);
    filter('d.decider_oid = ?', query.deciderOid);
    filter('customer_id = ?', query.customerId);
    filter('requester_oid = ?', query.requesterOid);
    filter('conversation_id = ?', query.conversationId);
    // created_at holds canonical ISO text, so a time range is a range on the same index.
    const time = decider ? 'd.created_at' : 'created_at';
    filter(`${time} >= ?`, query.since && canonicalIso(query.since, 'since'));
    filter(`${time} < ?`, query.before && canonicalIso(query.before, 'before'));
    const rows = this.store.statement(listSql(where, { decider })).all(...args, Math.max(0, query.limit)) as Array<{ id: string; body: string }>;
    return this.codec.decodeAll(rows.map((r) => ({ id: r.id, text: r.body })));
  }

  /**
   * The move that precedes a Partner Center call and the outcome of one are on disk before the caller goes on:
   * exactly-once rests on them, and the WAL sync covers every earlier commit too (the draft, its password, the
   * finish item). database.ts, syncWal.
   */
  private async durable(request: UserRequest): Promise<void> {
    if (DURABLE_STATES.has(request.state.kind)) await this.store.syncWal();
  }

  /**
   * One guarded write and the request's deciders, in one transaction: the deciders are replaced only when the
   * write landed, so a lost compare-and-swap leaves nothing behind.
   */
  private fileDeciders(id: string, filed: Filing, guarded: () => number): number {
    const transaction = this.store.db.transaction(() => {
      const changes = guarded();
      if (changes === 0) return 0;
      this.store.statement(CLEAR_DECIDERS).run(id);
      for (const oid of filed.deciders) this.store.statement(ADD_DECIDER).run(id, oid, filed.createdAt);
      return changes;
    });
    return transaction.immediate();
  }

  /** Every request in one state, oldest first (through the state index). */
  async inState(kind: UserRequest['state']['kind']): Promise<UserRequest[]> {
    const rows = this.store.statement('SELECT id, body FROM requests WHERE state_kind = ? ORDER BY created_at, id').all(kind) as Array<{ id: string; body: string }>;
    return this.codec.decodeAll(rows.map((r) => ({ id: r.id, text: r.body })));
  }
}

/** Exported for the test that reads the query plan. `decider`: walk one person's decisions (`d.` columns). */
export function listSql(where: string[], opts: { decider?: boolean } = {}): string {
  const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
  if (opts.decider) {
    return `SELECT requests.id AS id, body FROM request_deciders d JOIN requests ON requests.id = d.request_id ${filter} ORDER BY d.created_at DESC, d.request_id LIMIT ?`;
  }
  return `SELECT id, body FROM requests ${filter} ORDER BY created_at DESC, id LIMIT ?`;
}

/**
 * What a request is filed under: in request_deciders its deciders, at its creation time; in its own row the listing
 * columns (the creation time, customer, requester and home conversation).
 */
type Filing = Readonly<{ deciders: readonly string[]; createdAt: string; customerId: string; requesterOid: string; conversationId: string | null }>;

function filingOf(request: UserRequest): Filing {
  return {
    deciders: decidersOf(request),
    createdAt: canonicalIso(request.createdAt, `request ${request.id} createdAt`),
    customerId: request.customer.id,
    requesterOid: request.requester.oid,
    conversationId: homeConversationOf(request) ?? null,
  };
}
