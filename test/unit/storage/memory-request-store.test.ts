import { AppError } from '../../../src/core/errors';
import type { UserRequest } from '../../../src/core/approval/user-request';
import { MemoryRequestStore } from '../../../src/storage/memory-request-store';

function request(id: string, createdAt: string, customerId = 'c1', requesterOid = 'ada'): UserRequest {
  return {
    id,
    mode: 'personal',
    createdAt,
    updatedAt: createdAt,
    requester: { oid: requesterOid, name: requesterOid },
    customer: { id: customerId, companyName: 'Fabrikam' },
    user: { firstName: 'A', lastName: 'B', displayName: 'A B', userName: 'ab', domain: 'f.example', userPrincipalName: 'ab@f.example', usageLocation: 'US', forceChangePassword: true, passwordGenerated: true },
    msRequestId: `ms-${id}`,
    correlationId: `corr-${id}`,
    state: { kind: 'draft' },
    history: [],
  };
}

async function code(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return (e as AppError).code;
  }
}

describe('MemoryRequestStore', () => {
  it('compare-and-swap: a stale eTag loses', async () => {
    const store = new MemoryRequestStore();
    const first = await store.create(request('r1', '2026-01-01T00:00:00Z'));
    const a = await store.update({ ...first.value, ticket: 'A' }, first.etag);
    expect(await code(store.update({ ...first.value, ticket: 'B' }, first.etag))).toBe('CONCURRENT_UPDATE');
    expect((await store.get('r1'))!.value.ticket).toBe('A');
    expect(a.etag).not.toBe(first.etag);
  });

  it('refuses to create an id twice and to update a missing one', async () => {
    const store = new MemoryRequestStore();
    await store.create(request('r1', '2026-01-01T00:00:00Z'));
    expect(await code(store.create(request('r1', '2026-01-01T00:00:00Z')))).toBe('CONCURRENT_UPDATE');
    expect(await code(store.update(request('nope', '2026-01-01T00:00:00Z'), 'x'))).toBe('REQUEST_NOT_FOUND');
  });

  it('lists newest first, filtered by customer and requester', async () => {
    const store = new MemoryRequestStore();
    await store.create(request('r1', '2026-01-01T00:00:00Z', 'c1', 'ada'));
    await store.create(request('r2', '2026-01-02T00:00:00Z', 'c2', 'ada'));
    await store.create(request('r3', '2026-01-03T00:00:00Z', 'c1', 'ben'));
    expect((await store.list({ limit: 10 })).map((r) => r.id)).toEqual(['r3', 'r2', 'r1']);
    expect((await store.list({ customerId: 'c1', limit: 10 })).map((r) => r.id)).toEqual(['r3', 'r1']);
    expect((await store.list({ requesterOid: 'ada', limit: 1 })).map((r) => r.id)).toEqual(['r2']);
  });

  it('hands out copies: mutating a read value changes nothing stored', async () => {
    const store = new MemoryRequestStore();
    await store.create(request('r1', '2026-01-01T00:00:00Z'));
    const read = await store.get('r1');
    read!.value.customer.companyName = 'changed';
    expect((await store.get('r1'))!.value.customer.companyName).toBe('Fabrikam');
  });
});
