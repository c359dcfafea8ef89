import { randomUUID } from 'node:crypto';
import { AppError } from '../core/errors';
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
      .filter((r) => (!query.customerId || r.customer.id === query.customerId) && (!query.requesterOid || r.requester.oid === query.requesterOid))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, query.limit)
      .map((r) => structuredClone(r));
  }

  async inState(kind: UserRequest['state']['kind']): Promise<UserRequest[]> {
    return [...this.items.values()].filter((i) => i.value.state.kind === kind).map((i) => structuredClone(i.value));
  }

  private write(request: UserRequest): Versioned<UserRequest> {
    const stored = { value: structuredClone(request), etag: randomUUID() };
    this.items.set(request.id, stored);
    return { value: structuredClone(request), etag: stored.etag };
  }
}
