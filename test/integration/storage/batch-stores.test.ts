import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Batch } from '../../../src/core/bulk/batch';
import { KeyValueBatchStore } from '../../../src/storage/batch-store';
import { createStores, type Stores } from '../../../src/storage/create-stores';
import { startAzurite, type Azurite } from '../../support/azurite';
import { codeOf } from './fixtures';

/**
 * Bulk batches (issue 14) on every backend: memory, SQLite and Blob (Azurite). The batch store is one class over
 * each backend's key/value store; these are the semantics the batch runner relies on, checked on all three.
 */
const root = mkdtempSync(join(tmpdir(), 'batch-stores-'));
let azurite: Azurite | undefined;
beforeAll(async () => {
  azurite = await startAzurite();
}, 60_000);
afterAll(async () => {
  await azurite?.stop();
  rmSync(root, { recursive: true, force: true });
});

const batch = (id: string): Batch => ({
  id,
  mode: 'personal',
  createdAt: '2026-11-30T09:00:00.000Z',
  updatedAt: '2026-11-30T09:00:00.000Z',
  requester: { oid: 'ada', name: 'Ada', teamsId: '29:ada' },
  customer: { id: 'c1', companyName: 'Fabrikam', defaultDomain: 'fabrikam.example' },
  correlationId: 'corr',
  state: { kind: 'checked', at: '2026-11-30T09:00:00.000Z' },
  rows: [
    {
      line: 2,
      values: { firstName: 'Ann', lastName: 'Lee' },
      userPrincipalName: 'ann@fabrikam.example',
      problems: [],
      requestId: 'r1',
      user: { firstName: 'Ann', lastName: 'Lee', displayName: 'Ann Lee', userName: 'ann', domain: 'fabrikam.example', userPrincipalName: 'ann@fabrikam.example', usageLocation: 'US', forceChangePassword: true, passwordGenerated: true },
      onboarding: { licences: [{ skuId: 's1', name: 'E3' }], groups: [{ id: 'g1', name: 'All Staff' }], profile: { jobTitle: 'Clerk' } },
    },
    { line: 3, values: { firstName: 'Bad' }, userPrincipalName: '', problems: [{ code: 'BULK_DUPLICATE_USER', column: 'userName', text: 'twice' }] },
  ],
});

const backends: Array<[string, () => Promise<() => Promise<Stores>>]> = [
  [
    'memory',
    async () => {
      const stores = await createStores({ kind: 'memory' });
      return async () => stores;
    },
  ],
  [
    'sqlite',
    async () => {
      const dataDir = mkdtempSync(join(root, 'case-'));
      return () => createStores({ kind: 'sqlite', dataDir });
    },
  ],
  [
    'blob',
    async () => {
      const container = `batch-${randomBytes(6).toString('hex')}`;
      return () => createStores({ kind: 'blob', connectionString: azurite!.connectionString, container });
    },
  ],
];

describe.each(backends)('%s: bulk batches', (name, location) => {
  const opened: Stores[] = [];
  const open = async (at: () => Promise<Stores>) => {
    const s = await at();
    opened.push(s);
    return { stores: s, batches: new KeyValueBatchStore(s.keyValues) };
  };
  afterEach(async () => {
    await Promise.all([...new Set(opened.splice(0))].map((s) => s.close()));
  });

  it('round trip, put-if-absent create, compare-and-swap update', async () => {
    const at = await location();
    const { batches } = await open(at);
    const created = await batches.create(batch('b1'));
    expect(created.value).toEqual(batch('b1'));
    // Another batch under the same id (identical bytes count as a retried write of this one on Blob).
    expect(await codeOf(batches.create({ ...batch('b1'), correlationId: 'other' }))).toBe('CONCURRENT_UPDATE');
    const running = await batches.update({ ...created.value, state: { kind: 'running', at: 'x', by: { oid: 'ada', name: 'Ada' } } }, created.etag);
    expect(await codeOf(batches.update({ ...created.value, state: { kind: 'cancelled', at: 'y' } }, created.etag))).toBe('CONCURRENT_UPDATE');
    const read = await batches.get('b1');
    expect(read).toEqual(running);
    expect(await batches.get('nope')).toBeUndefined();
  });

  it('two instances confirming from the same read: exactly one wins', async () => {
    const at = await location();
    const a = await open(at);
    const b = await open(at);
    const created = await a.batches.create(batch('b2'));
    const results = await Promise.allSettled([
      a.batches.update({ ...created.value, state: { kind: 'running', at: '1', by: { oid: 'ada', name: 'Ada' } } }, created.etag),
      b.batches.update({ ...created.value, state: { kind: 'running', at: '2', by: { oid: 'ada', name: 'Ada' } } }, created.etag),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('a stored batch that does not match its schema is refused, not guessed at', async () => {
    const at = await location();
    const { stores, batches } = await open(at);
    await stores.keyValues.write({ 'bulk-batch:b3': { value: { ...batch('b3'), schemaVersion: 1, extra: 'field' } } });
    expect(await codeOf(batches.get('b3'))).toBe('STORED_REQUEST_INVALID');
  });

  if (name !== 'memory') {
    it('survives a restart', async () => {
      const at = await location();
      const first = await open(at);
      await first.batches.create(batch('b4'));
      await first.stores.close();
      opened.splice(opened.indexOf(first.stores), 1);
      const again = await open(at);
      expect((await again.batches.get('b4'))?.value).toEqual(batch('b4'));
    });
  }
});
