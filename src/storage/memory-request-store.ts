import { randomUUID } from 'node:crypto';
import { AppError } from '../core/errors';
import { matchesFilters } from '../core/approval/request-index';
import type { RequestQuery, RequestStore, UserRequest, Versioned } from '../core/approval/user-request';
import type { Logger } from '../core/ports';
import { RequestCodec } from './request-codec';

/**
 * The in-process request store: eTag compare-and-swap semantics identical to the durable stores, so the use
 * cases and their tests behave the same on every store. Requests are kept as the same JSON text the durable
 * stores hold and read back through the same schema (RequestCodec), so nobody can mutate stored state behind the
 * store's back and a shape the durable stores would refuse is refused here too.
 */
export class MemoryRequestStore implements RequestStore {
  private readonly items = new Map<string, { text: string; etag: string }>();
  private readonly codec: RequestCodec;

  /**
   * `stored`: records already there, as stored JSON text by request id (what an earlier build wrote: the durable
   * stores' files and blobs outlive a release, this store's map is the only thing standing in for them).
   */
  constructor(opts: { log?: Logger; stored?: Iterable<[string, string]> } = {}) {
    this.codec = new RequestCodec(opts.log);
    for (const [id, text] of opts.stored ?? []) this.items.set(id, { text, etag: randomUUID() });
  }

  async get(id: string): Promise<Versioned<UserRequest> | undefined> {
    const item = this.items.get(id);
    return item && { value: this.codec.decode(id, item.text), etag: item.etag };
  }

  async create(request: UserRequest): Promise<Versioned<UserRequest>> {
    if (this.items.has(request.id)) throw new AppError('CONCURRENT_UPDATE', `request ${request.id} exists`);
    return this.write(request);
  }

  async update(request: UserRequest, etag: string): Promise<Versioned<UserRequest>> {
    const current = this.items.get(request.id);
    if (!current) throw new AppError('REQUEST_NOT_FOUND', `request ${request.id} not found`);
    if (current.etag !== etag) throw new AppError('CONCURRENT_UPDATE', `request ${request.id} changed since it was read`);
    return this.write(request);
  }

  async list(query: RequestQuery): Promise<UserRequest[]> {
    return this.all()
      .filter((r) => matchesFilters(r, query))
      .filter((r) => (!query.since || Date.parse(r.createdAt) >= Date.parse(query.since)) && (!query.before || Date.parse(r.createdAt) < Date.parse(query.before)))
      // Newest first by time (not by text: ISO strings of different precision sort wrongly), then by id.
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || compareIds(a.id, b.id))
      .slice(0, Math.max(0, query.limit));
  }

  /** Oldest first, like the durable stores. */
  async inState(kind: UserRequest['state']['kind']): Promise<UserRequest[]> {
    return this.all()
      .filter((r) => r.state.kind === kind)
      .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || compareIds(a.id, b.id));
  }

  /** Every readable request (an unreadable one is logged and left out, as in the durable stores' listings). */
  private all(): UserRequest[] {
    return this.codec.decodeAll([...this.items].map(([id, item]) => ({ id, text: item.text })));
  }

  private write(request: UserRequest): Versioned<UserRequest> {
    const stored = { text: this.codec.encode(request), etag: randomUUID() };
    this.items.set(request.id, stored);
    return { value: structuredClone(request), etag: stored.etag };
  }
}

/** Code-unit order, the order SQLite and blob names use (localeCompare would not match them). */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
