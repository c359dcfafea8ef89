import { AppError } from '../../../src/core/errors';
import type { UserRequest } from '../../../src/core/approval/user-request';
import { MemoryRequestStore } from '../../../src/storage/memory-request-store';
import { SqliteRequestStore, SqliteStore } from '../../../src/storage/sqlite-store';
import type { RequestStore } from '../../../src/core/approval/user-request';

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

/** The same contract for every store: the use cases rely on exactly these semantics. */
describe.each([
  ['memory', () => new MemoryRequestStore() as RequestStore],
  ['sqlite', () => new SqliteRequestStore(new SqliteStore(':memory:')) as RequestStore],
])('%s request store', (_name, make) => {
  it('compare-and-swap: a stale eTag loses', async () => {
    const store = make();
    const first = await store.create(request('r1', '2026-01-01T00:00:00Z'));
    const a = await store.update({ ...first.value, ticket: 'A' }, first.etag);
    expect(await code(store.update({ ...first.value, ticket: 'B' }, first.etag))).toBe('CONCURRENT_UPDATE');
    expect((await store.get('r1'))!.value.ticket).toBe('A');
    expect(a.etag).not.toBe(first.etag);
  });

  it('refuses to create an id twice and to update a missing one', async () => {
    const store = make();
    await store.create(request('r1', '2026-01-01T00:00:00Z'));
    expect(await code(store.create(request('r1', '2026-01-01T00:00:00Z')))).toBe('CONCURRENT_UPDATE');
    expect(await code(store.update(request('nope', '2026-01-01T00:00:00Z'), 'x'))).toBe('REQUEST_NOT_FOUND');
  });

  it('lists newest first, filtered by customer and requester', async () => {
    const store = make();
    await store.create(request('r1', '2026-01-01T00:00:00Z', 'c1', 'ada'));
    await store.create(request('r2', '2026-01-02T00:00:00Z', 'c2', 'ada'));
    await store.create(request('r3', '2026-01-03T00:00:00Z', 'c1', 'ben'));
    expect((await store.list({ limit: 10 })).map((r) => r.id)).toEqual(['r3', 'r2', 'r1']);
    expect((await store.list({ customerId: 'c1', limit: 10 })).map((r) => r.id)).toEqual(['r3', 'r1']);
    expect((await store.list({ requesterOid: 'ada', limit: 1 })).map((r) => r.id)).toEqual(['r2']);
  });

  it('hands out copies: mutating a read value changes nothing stored', async () => {
    const store = make();
    await store.create(request('r1', '2026-01-01T00:00:00Z'));
    const read = await store.get('r1');
    read!.value.customer.companyName = 'changed';
    expect((await store.get('r1'))!.value.customer.companyName).toBe('Fabrikam');
  });
});

describe('request stores: recovery query and durability', () => {
  it.each([
    ['memory', () => new MemoryRequestStore() as RequestStore],
    ['sqlite', () => new SqliteRequestStore(new SqliteStore(':memory:')) as RequestStore],
  ])('%s lists the requests in one state', async (_n, make) => {
    const store = make();
    const a = await store.create(request('r1', '2026-01-01T00:00:00Z'));
    await store.create(request('r2', '2026-01-02T00:00:00Z'));
    await store.update({ ...a.value, state: { kind: 'creating', by: { oid: 'ada', name: 'Ada' }, startedAt: '2026-01-01T00:00:01Z', attempt: 1 } }, a.etag);
    expect((await store.inState('creating')).map((r) => r.id)).toEqual(['r1']);
  });

  it('sqlite keeps requests across a close and a re-open, and applies its migrations once', async () => {
    const dir = require('node:fs').mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'store-'));
    const file = require('node:path').join(dir, 'bot.db');
    const first = new SqliteStore(file);
    await new SqliteRequestStore(first).create(request('r1', '2026-01-01T00:00:00Z'));
    const version = first.schemaVersion;
    first.close();
    const again = new SqliteStore(file);
    expect(again.schemaVersion).toBe(version);
    expect((await new SqliteRequestStore(again).get('r1'))?.value.id).toBe('r1');
    again.close();
  });

  it('sqlite lists the newest requests through an index, not a scan of every request', () => {
    const store = new SqliteStore(':memory:');
    for (const sql of [
      'SELECT body FROM requests ORDER BY created_at DESC LIMIT 50',
      'SELECT body FROM requests WHERE customer_id = ? ORDER BY created_at DESC LIMIT 50',
      'SELECT body FROM requests WHERE requester_oid = ? ORDER BY created_at DESC LIMIT 50',
    ]) {
      const plan = (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(sql.includes('?') ? ['x'] : [])) as Array<{ detail: string }>).map((r) => r.detail).join(' | ');
      expect(plan).toMatch(/USING INDEX/);
      expect(plan).not.toMatch(/USE TEMP B-TREE/);
    }
  });
});
