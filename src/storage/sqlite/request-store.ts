import { randomUUID } from 'node:crypto';
import { BoundedMap } from '../../core/bounded-map';
import { AppError } from '../../core/errors';
import type { RequestQuery, RequestStore, UserRequest, Versioned } from '../../core/approval/user-request';
import { decidersOf, homeConversationOf } from '../../core/approval/request-index';
import type { Logger } from '../../core/ports';
import { RequestCodec } from '../request-codec';
import { canonicalIso } from '../time';
import type { SqliteStore } from './database';

type Row = { body: string; etag: string };

const DURABLE_STATES: ReadonlySet<UserRequest['state']['kind']> = new Set(['creating', 'created', 'failed']);

const INSERT = `INSERT INTO requests (id, etag, created_at, customer_id, requester_oid, state_kind, conversation_id, body)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`;
const SWAP = `UPDATE requests SET etag = ?, created_at = ?, customer_id = ?, requester_oid = ?, state_kind = ?, conversation_id = ?, body = ?
  WHERE id = ? AND etag = ?`;
const CLEAR_DECIDERS = 'DELETE FROM request_deciders WHERE request_id = ?';
const ADD_DECIDER = 'INSERT OR IGNORE INTO request_deciders (request_id, decider_oid, created_at) VALUES (?, ?, ?)';

/**
 * Requests as JSON (the stored-request schema, read and written through RequestCodec) with the columns the
 * queries need beside them. Every write is one statement guarded by the eTag, so compare-and-swap holds across
 * processes sharing the file.
 */
export class SqliteRequestStore implements RequestStore {
  private readonly codec: RequestCodec;
  /**
   * The last decoded version of recently used requests, by id, with its eTag. A turn and a creation read the same
   * request many times (a create reads it 7 times), and each read was a JSON parse and a full schema parse (issue
   * 16); a row whose eTag and text both still match is served as a copy instead. The text is compared too (a
   * string compare, far cheaper than the decode): a row changed behind the store's back without a new eTag (an
   * operator's repair, an older version's write) must be decoded, and refused, afresh. Bounded; a miss only
   * costs the decode.
   */
  private readonly decoded = new BoundedMap<string, { etag: string; body: string; value: UserRequest }>(256);

  constructor(
    readonly store: SqliteStore,
    log?: Logger,
  ) {
    this.codec = new RequestCodec(log);
  }

  async get(id: string): Promise<Versioned<UserRequest> | undefined> {
    const row = this.store.statement('SELECT body, etag FROM requests WHERE id = ?').get(id) as Row | undefined;
    if (!row) return undefined;
    const known = this.decoded.get(id);
    if (known?.etag === row.etag && known.body === row.body) return { value: structuredClone(known.value), etag: row.etag };
    const value = this.codec.decode(id, row.body);
    this.decoded.set(id, { etag: row.etag, body: row.body, value: structuredClone(value) });
    return { value, etag: row.etag };
  }

  async create(request: UserRequest): Promise<Versioned<UserRequest>> {
    const etag = randomUUID();
    const body = this.codec.encode(request);
    const changes = this.write(request, () =>
      this.store.statement(INSERT).run(request.id, etag, createdAt(request), request.customer.id, request.requester.oid, request.state.kind, homeConversationOf(request) ?? null, body).changes,
    );
    if (changes === 0) throw new AppError('CONCURRENT_UPDATE', `request ${request.id} exists`);
    this.remember(request.id, etag, body);
    await this.durable(request);
    return { value: structuredClone(request), etag };
  }

  async update(request: UserRequest, etag: string): Promise<Versioned<UserRequest>> {
    const next = randomUUID();
    const body = this.codec.encode(request);
    const changes = this.write(request, () =>
      this.store
        .statement(SWAP)
        .run(next, createdAt(request), request.customer.id, request.requester.oid, request.state.kind, homeConversationOf(request) ?? null, body, request.id, etag).changes,
    );
    if (changes === 0) {
      const exists = this.store.statement('SELECT 1 FROM requests WHERE id = ?').get(request.id);
      if (!exists) throw new AppError('REQUEST_NOT_FOUND', `request ${request.id} not found`);
      throw new AppError('CONCURRENT_UPDATE', `request ${request.id} changed since it was read`);
    }
    this.remember(request.id, next, body);
    await this.durable(request);
    return { value: structuredClone(request), etag: next };
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

  /** What a read of the row just written would decode to: its text (checked against the schema by encode) parsed. */
  private remember(id: string, etag: string, body: string): void {
    const { schemaVersion: _version, ...value } = JSON.parse(body) as UserRequest & { schemaVersion?: number };
    this.decoded.set(id, { etag, body, value });
  }

  /**
   * One guarded write and the request's deciders, in one transaction: the deciders are replaced only when the
   * write landed, so a lost compare-and-swap leaves nothing behind.
   */
  /**
   * The move that precedes a Partner Center call and the outcome of one are on disk before the caller goes on:
   * exactly-once rests on them, and the WAL sync covers every earlier commit too (the draft, its password, the
   * finish item). database.ts, syncWal.
   */
  private async durable(request: UserRequest): Promise<void> {
    if (DURABLE_STATES.has(request.state.kind)) await this.store.syncWal();
  }

  private write(request: UserRequest, guarded: () => number): number {
    const transaction = this.store.db.transaction(() => {
      const changes = guarded();
      if (changes === 0) return 0;
      this.store.statement(CLEAR_DECIDERS).run(request.id);
      for (const oid of decidersOf(request)) this.store.statement(ADD_DECIDER).run(request.id, oid, createdAt(request));
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

function createdAt(request: UserRequest): string {
  return canonicalIso(request.createdAt, `request ${request.id} createdAt`);
}
