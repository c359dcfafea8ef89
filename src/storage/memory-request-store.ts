import { randomUUID } from 'node:crypto';
import { AppError } from '../core/errors';
import { matchesFilters } from '../core/approval/request-index';
import type { RequestQuery, RequestStore, UserRequest, Versioned } from '../core/approval/user-request';

/**
 * The in-process request store: eTag compare-and-swap semantics identical to the durable stores, so the use
 * cases and their tests behave the same on every store. Values are deep-copied in and out so nobody can mutate
 * stored state behind the store's back.
 */
export class MemoryRequestStore implements RequestStore {
  private readonly items = new Map<string, Versioned<UserRequest>>();

  async get(id: string): Promise<Versioned<UserRequest> | undefined> {
    const item = this.items.get(id);
    return item && { value: structuredClone(item.value), etag: item.etag };
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
    return [...this.items.values()]
      .map((i) => i.value)
      .filter((r) => matchesFilters(r, query))
      .filter((r) => (!query.since || Date.parse(r.createdAt) >= Date.parse(query.since)) && (!query.before || Date.parse(r.createdAt) < Date.parse(query.before)))
      // Newest first by time (not by text: ISO strings of different precision sort wrongly), then by id.
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || compareIds(a.id, b.id))
      .slice(0, Math.max(0, query.limit))
      .map((r) => structuredClone(r));
  }

  /** Oldest first, like the durable stores. */
  async inState(kind: UserRequest['state']['kind']): Promise<UserRequest[]> {
    return [...this.items.values()]
      .map((i) => i.value)
      .filter((r) => r.state.kind === kind)
      .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || compareIds(a.id, b.id))
      .map((r) => structuredClone(r));
  }

  private write(request: UserRequest): Versioned<UserRequest> {
    const stored = { value: structuredClone(request), etag: randomUUID() };
    this.items.set(request.id, stored);
    return { value: structuredClone(request), etag: stored.etag };
  }
}

/** Code-unit order, the order SQLite and blob names use (localeCompare would not match them). */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
