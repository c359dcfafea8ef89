import { randomBytes } from 'node:crypto';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { openBlobStores, BlobRequestStore, openContainer } from '../../../src/storage/blob-store';
import { createStores } from '../../../src/storage/create-stores';
import { startAzurite, type Azurite } from '../../support/azurite';
import { codeOf, inBatches, request } from './fixtures';
import { describeStoreContract } from './store-contract';

/** One Azurite for the whole file; every location is a new container in it (names ≥ 3 characters). */
let azurite: Azurite | undefined;
beforeAll(async () => {
  azurite = await startAzurite();
  console.log(`Azurite started in ${azurite.startMs} ms on port ${azurite.port}`);
});
afterAll(async () => {
  await azurite?.stop();
});

const connectionString = () => {
  if (!azurite) throw new Error('Azurite is not running');
  return azurite.connectionString;
};
const newContainer = () => `test-${randomBytes(6).toString('hex')}`;

describeStoreContract(
  'blob',
  async () => {
    const container = newContainer();
    return { open: () => createStores({ kind: 'blob', connectionString: connectionString(), container }) };
  },
  { durable: true },
);

/** What the store asked of the container: blob names per operation, and listings. */
function recording(container: ContainerClient): { container: ContainerClient; calls: string[] } {
  const calls: string[] = [];
  const proxy = new Proxy(container, {
    get(target, prop, receiver) {
      if (prop === 'getBlockBlobClient') {
        return (name: string) =>
          new Proxy(target.getBlockBlobClient(name), {
            get(blob, op, r) {
              const value = Reflect.get(blob, op, r);
              return typeof value === 'function' ? (...args: unknown[]) => (calls.push(`${String(op)} ${name}`), value.apply(blob, args)) : value;
            },
          });
      }
      if (prop === 'listBlobsFlat') {
        return (options: { prefix?: string }) => (calls.push(`list ${options?.prefix}`), target.listBlobsFlat(options));
      }
      return Reflect.get(target, prop, receiver);
    },
  });
  return { container: proxy, calls };
}

describe('blob store: layout and cost', () => {
  it('creates a missing container and refuses an invalid container name', async () => {
    const name = newContainer();
    const service = BlobServiceClient.fromConnectionString(connectionString());
    expect(await service.getContainerClient(name).exists()).toBe(false);
    await openBlobStores({ connectionString: connectionString(), container: name });
    expect(await service.getContainerClient(name).exists()).toBe(true);
    await expect(openBlobStores({ connectionString: connectionString(), container: 'ab' })).rejects.toThrow(/container name/);
    await expect(openBlobStores({ connectionString: connectionString(), container: 'Has_Upper' })).rejects.toThrow(/container name/);
  });

  it('lists the last 10 of 300 requests reading about 10 requests, not 300', async () => {
    const { container, calls } = recording(await openContainer(connectionString(), newContainer()));
    const store = new BlobRequestStore(container);
    const base = Date.UTC(2026, 0, 1);
    const all = Array.from({ length: 300 }, (_, i) => request(`r${String(i).padStart(3, '0')}`, new Date(base + i * 60_000).toISOString(), `c${i % 3}`, `u${i % 5}`));
    await inBatches(all, 25, (r) => store.create(r));
    calls.length = 0;

    expect((await store.list({ limit: 10 })).map((r) => r.id)).toEqual(all.slice(-10).reverse().map((r) => r.id));
    expect(calls.filter((c) => c.startsWith('download requests/'))).toHaveLength(10);
    expect(calls.filter((c) => c.startsWith('list '))).toEqual(['list index/all/']);

    calls.length = 0;
    const c1u2 = all.filter((r) => r.customer.id === 'c1' && r.requester.oid === 'u2');
    expect((await store.list({ customerId: 'c1', requesterOid: 'u2', limit: 5 })).map((r) => r.id)).toEqual(c1u2.slice(-5).reverse().map((r) => r.id));
    expect(calls.filter((c) => c.startsWith('download requests/'))).toHaveLength(5);
    expect(calls.filter((c) => c.startsWith('list '))).toEqual(['list index/customer-requester/c1/u2/']);
  });

  it('keeps the blob layout it documents', async () => {
    const name = newContainer();
    const stores = await openBlobStores({ connectionString: connectionString(), container: name });
    await stores.requests.create(request('r1', '2026-01-01T00:00:00.000Z', 'cust-1', 'oid-1'));
    await stores.ciphertexts.put('r1', 'v1.sealed');
    await stores.dueWork.schedule({ key: 'expire:r1', kind: 'expire-request', requestId: 'r1', dueAt: '2026-01-02T00:00:00.000Z' });
    await stores.keyValues.write({ 'session/ada': { value: 1 } });
    const names: string[] = [];
    for await (const b of BlobServiceClient.fromConnectionString(connectionString()).getContainerClient(name).listBlobsFlat()) names.push(b.name);
    const inverted = String(253402300799999 - Date.UTC(2026, 0, 1)).padStart(15, '0');
    expect(names.sort()).toEqual(
      [
        'due/expire~3Ar1',
        `index/all/${inverted}_r1`,
        `index/customer-requester/cust-1/oid-1/${inverted}_r1`,
        `index/customer/cust-1/${inverted}_r1`,
        `index/requester/oid-1/${inverted}_r1`,
        'index/state/pending-approval/r1',
        'kv/session~2Fada',
        'requests/r1',
        'secrets/r1',
      ].sort(),
    );
  });

  it('files a decided channel request under its decider and its channel too', async () => {
    const name = newContainer();
    const stores = await openBlobStores({ connectionString: connectionString(), container: name });
    const created = await stores.requests.create(request('r1', '2026-01-01T00:00:00.000Z', 'cust-1', 'oid-1'));
    const card = { conversation: { conversation: { id: '19:ch@thread.tacv2;messageid=5', conversationType: 'channel' } }, activityId: 'a1' };
    await stores.requests.update({ ...created.value, card, history: [...created.value.history, { at: '2026-01-01T01:00:00.000Z', event: 'approved', actor: { oid: 'oid-2', name: 'Cleo' } }] }, created.etag);
    const names: string[] = [];
    for await (const b of BlobServiceClient.fromConnectionString(connectionString()).getContainerClient(name).listBlobsFlat({ prefix: 'index/' })) names.push(b.name);
    const inverted = String(253402300799999 - Date.UTC(2026, 0, 1)).padStart(15, '0');
    expect(names.filter((n) => /decider|conversation/.test(n)).sort()).toEqual(
      [
        `index/conversation/19~3Ach~40thread~2Etacv2/${inverted}_r1`,
        `index/customer-conversation/cust-1/19~3Ach~40thread~2Etacv2/${inverted}_r1`,
        `index/customer-decider/cust-1/oid-2/${inverted}_r1`,
        `index/decider/oid-2/${inverted}_r1`,
      ].sort(),
    );
  });

  it('ids with slashes, percent signs, dots and non-ASCII stay inside their own names', async () => {
    const stores = await openBlobStores({ connectionString: connectionString(), container: newContainer() });
    const odd = ['a/b', 'a%2Fb', '..', 'é ü', ''];
    for (const [i, id] of odd.entries()) await stores.requests.create(request(id, new Date(Date.UTC(2026, 0, 1 + i)).toISOString(), id, id));
    for (const id of odd) expect((await stores.requests.get(id))?.value.id).toBe(id);
    expect((await stores.requests.list({ customerId: 'a', limit: 10 })).map((r) => r.id)).toEqual([]);
    expect((await stores.requests.list({ customerId: 'a/b', limit: 10 })).map((r) => r.id)).toEqual(['a/b']);
    expect((await stores.requests.list({ requesterOid: 'a%2Fb', limit: 10 })).map((r) => r.id)).toEqual(['a%2Fb']);
    expect((await stores.requests.list({ limit: 10 })).map((r) => r.id)).toEqual([...odd].reverse());
    await stores.ciphertexts.put('../x', 'v1.a');
    expect(await stores.ciphertexts.get('../x')).toBe('v1.a');
    expect(await stores.ciphertexts.get('x')).toBeUndefined();
  });

  it('a stale state marker is skipped at once and swept once it is old', async () => {
    const container = await openContainer(connectionString(), newContainer());
    let now = new Date('2026-01-01T00:00:00.000Z');
    const store = new BlobRequestStore(container, () => now);
    const created = await store.create(request('r1', '2026-01-01T00:00:00.000Z'));
    await store.update({ ...created.value, state: { kind: 'expired', at: '2026-01-02T00:00:00.000Z' } }, created.etag);
    const marker = container.getBlockBlobClient('index/state/pending-approval/r1');

    expect(await store.inState('pending-approval')).toEqual([]);
    expect(await marker.exists()).toBe(true); // too young to tell from a write still in flight
    now = new Date(Date.now() + 10 * 60_000);
    expect(await store.inState('pending-approval')).toEqual([]);
    expect(await marker.exists()).toBe(false);
    expect((await store.inState('expired')).map((r) => r.id)).toEqual(['r1']);
  });

  it('an update of a request deleted behind its back is REQUEST_NOT_FOUND', async () => {
    const container = await openContainer(connectionString(), newContainer());
    const store = new BlobRequestStore(container);
    const created = await store.create(request('r1', '2026-01-01T00:00:00.000Z'));
    await container.getBlockBlobClient('requests/r1').delete();
    expect(await codeOf(store.update(created.value, created.etag))).toBe('REQUEST_NOT_FOUND');
  });
});
