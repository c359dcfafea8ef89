import type { UserRequest } from '../../../src/core/approval/user-request';
import type { DueWork } from '../../../src/core/approval/due-work';
import { EncryptedPasswordVault } from '../../../src/storage/encrypted-password-vault';
import type { Stores } from '../../../src/storage/stores';
import { codeOf, inBatches, request, shuffled } from './fixtures';

/** One storage location (a folder, a container, a memory object) that stores can be opened on, repeatedly. */
export interface StoreLocation {
  /** Opens stores on this location. Two opens at once behave like two instances of the bot sharing it. */
  open(): Promise<Stores>;
}

export interface ContractOptions {
  /** Whether what one open wrote is still there after it is closed and the location opened again (not memory). */
  durable: boolean;
}

/**
 * The storage contract every backend keeps; the use cases rely on exactly these semantics. `factory` returns
 * a new, empty location on every call.
 */
export function describeStoreContract(name: string, factory: () => Promise<StoreLocation>, options: ContractOptions): void {
  describe(`${name} stores: the storage contract`, () => {
    const opened: Stores[] = [];
    const open = async (location: StoreLocation): Promise<Stores> => {
      const stores = await location.open();
      opened.push(stores);
      return stores;
    };
    const fresh = async (): Promise<{ location: StoreLocation; stores: Stores }> => {
      const location = await factory();
      return { location, stores: await open(location) };
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });

    describe('requests', () => {
      it('compare-and-swap: the write with a stale eTag loses and the winner stays stored', async () => {
        const { stores } = await fresh();
        const first = await stores.requests.create(request('r1', '2026-01-01T00:00:00.000Z'));
        const a = await stores.requests.update({ ...first.value, ticket: 'A' }, first.etag);
        expect(a.etag).not.toBe(first.etag);
        expect(await codeOf(stores.requests.update({ ...first.value, ticket: 'B' }, first.etag))).toBe('CONCURRENT_UPDATE');
        const stored = await stores.requests.get('r1');
        expect(stored?.value.ticket).toBe('A');
        expect(stored?.etag).toBe(a.etag);
        const b = await stores.requests.update({ ...stored!.value, ticket: 'C' }, stored!.etag);
        expect((await stores.requests.get('r1'))?.etag).toBe(b.etag);
      });

      it('two instances updating from the same read: exactly one wins', async () => {
        const { location, stores } = await fresh();
        const other = await open(location);
        const created = await stores.requests.create(request('r1', '2026-01-01T00:00:00.000Z'));
        const results = await Promise.allSettled([
          stores.requests.update({ ...created.value, ticket: 'one' }, created.etag),
          other.requests.update({ ...created.value, ticket: 'two' }, created.etag),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        expect(lost.reason.code).toBe('CONCURRENT_UPDATE');
        const winner = (results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ value: UserRequest }>).value.value.ticket;
        expect((await other.requests.get('r1'))?.value.ticket).toBe(winner);
      });

      it('refuses to create an id twice (keeping the first), to update a missing id; a missing id reads as undefined', async () => {
        const { stores } = await fresh();
        await stores.requests.create(request('r1', '2026-01-01T00:00:00.000Z', 'c1'));
        expect(await codeOf(stores.requests.create(request('r1', '2026-02-01T00:00:00.000Z', 'c2')))).toBe('CONCURRENT_UPDATE');
        expect((await stores.requests.get('r1'))?.value.customer.id).toBe('c1');
        // The refused create left nothing behind that a listing would show.
        expect((await stores.requests.list({ customerId: 'c2', limit: 10 })).map((r) => r.id)).toEqual([]);
        expect((await stores.requests.list({ limit: 10 })).map((r) => r.id)).toEqual(['r1']);
        expect(await codeOf(stores.requests.update(request('nope', '2026-01-01T00:00:00.000Z'), 'x'))).toBe('REQUEST_NOT_FOUND');
        expect(await stores.requests.get('nope')).toBeUndefined();
      });

      it('hands out copies: changing what was written or read changes nothing stored', async () => {
        const { stores } = await fresh();
        const input = request('r1', '2026-01-01T00:00:00.000Z');
        const created = await stores.requests.create(input);
        input.customer.companyName = 'changed input';
        created.value.customer.companyName = 'changed result';
        (await stores.requests.get('r1'))!.value.history.push({ at: 'x', event: 'changed read' });
        (await stores.requests.list({ limit: 1 }))[0].user.firstName = 'changed list';
        const stored = (await stores.requests.get('r1'))!.value;
        expect(stored.customer.companyName).toBe('Company c1');
        expect(stored.history).toHaveLength(1);
        expect(stored.user.firstName).toBe('Kath');
        expect(stored).toEqual(request('r1', '2026-01-01T00:00:00.000Z'));
      });

      it('lists newest first, filtered by customer and/or requester, limited, over many rows written out of order', async () => {
        const { stores } = await fresh();
        const base = Date.UTC(2026, 0, 1);
        const all = Array.from({ length: 120 }, (_, i) =>
          request(`r${String(i).padStart(3, '0')}`, new Date(base + i * 61_001).toISOString(), `c${i % 3}`, ['ada', 'ben', 'cleo', 'dan'][i % 4]),
        );
        await inBatches(shuffled(all), 16, (r) => stores.requests.create(r));
        const newestFirst = [...all].reverse();
        const ids = (rs: UserRequest[]) => rs.map((r) => r.id);

        expect(ids(await stores.requests.list({ limit: 50 }))).toEqual(ids(newestFirst.slice(0, 50)));
        expect(ids(await stores.requests.list({ limit: 1000 }))).toEqual(ids(newestFirst));
        expect(ids(await stores.requests.list({ customerId: 'c1', limit: 15 }))).toEqual(ids(newestFirst.filter((r) => r.customer.id === 'c1').slice(0, 15)));
        expect(ids(await stores.requests.list({ requesterOid: 'ben', limit: 1000 }))).toEqual(ids(newestFirst.filter((r) => r.requester.oid === 'ben')));
        expect(ids(await stores.requests.list({ customerId: 'c2', requesterOid: 'cleo', limit: 4 }))).toEqual(
          ids(newestFirst.filter((r) => r.customer.id === 'c2' && r.requester.oid === 'cleo').slice(0, 4)),
        );
        expect(await stores.requests.list({ customerId: 'c9', limit: 10 })).toEqual([]);
        expect(await stores.requests.list({ limit: 0 })).toEqual([]);

        // By time: [since, before), alone or with the other filters, still newest first and limited.
        const at = (i: number) => new Date(base + i * 61_001).toISOString();
        const inRange = (r: UserRequest, from: number, to: number) => Date.parse(r.createdAt) >= Date.parse(at(from)) && Date.parse(r.createdAt) < Date.parse(at(to));
        expect(ids(await stores.requests.list({ since: at(30), before: at(60), limit: 1000 }))).toEqual(ids(newestFirst.filter((r) => inRange(r, 30, 60))));
        expect(ids(await stores.requests.list({ since: at(100), limit: 1000 }))).toEqual(ids(newestFirst.slice(0, 20)));
        expect(ids(await stores.requests.list({ before: at(10), limit: 3 }))).toEqual(['r009', 'r008', 'r007']);
        expect(ids(await stores.requests.list({ customerId: 'c1', since: at(30), before: at(60), limit: 5 }))).toEqual(
          ids(newestFirst.filter((r) => r.customer.id === 'c1' && inRange(r, 30, 60)).slice(0, 5)),
        );
        expect(ids(await stores.requests.list({ requesterOid: 'dan', since: '2026-01-01T00:30:00+00:00', before: at(60), limit: 1000 }))).toEqual(
          ids(newestFirst.filter((r) => r.requester.oid === 'dan' && Date.parse(r.createdAt) >= Date.parse('2026-01-01T00:30:00Z') && inRange(r, 0, 60))),
        );
        expect(await stores.requests.list({ since: at(200), limit: 10 })).toEqual([]);
      });

      it('orders by time, not by text: mixed ISO precision, and ties broken by id', async () => {
        const { stores } = await fresh();
        await stores.requests.create(request('b', '2026-02-01T10:00:00Z'));
        await stores.requests.create(request('a', '2026-02-01T10:00:00.500Z'));
        await stores.requests.create(request('d', '2026-02-01T09:00:00.000Z'));
        await stores.requests.create(request('c', '2026-02-01T09:00:00.000Z'));
        expect((await stores.requests.list({ limit: 10 })).map((r) => r.id)).toEqual(['a', 'b', 'c', 'd']);
        expect((await stores.requests.get('b'))?.value.createdAt).toBe('2026-02-01T10:00:00Z');
      });

      it('an update is listed once, under its current customer, and found by its current state', async () => {
        const { stores } = await fresh();
        const r1 = await stores.requests.create(request('r1', '2026-01-01T00:00:00.000Z', 'c1'));
        await stores.requests.create(request('r2', '2026-01-02T00:00:00.000Z', 'c1'));
        const moved = await stores.requests.update({ ...r1.value, customer: { id: 'c2', companyName: 'Company c2' } }, r1.etag);
        const creating = { kind: 'creating' as const, by: { oid: 'ada', name: 'Ada' }, startedAt: '2026-01-03T00:00:00.000Z', attempt: 1 };
        await stores.requests.update({ ...moved.value, state: creating }, moved.etag);

        expect((await stores.requests.list({ limit: 10 })).map((r) => r.id)).toEqual(['r2', 'r1']);
        expect((await stores.requests.list({ customerId: 'c1', limit: 10 })).map((r) => r.id)).toEqual(['r2']);
        expect((await stores.requests.list({ customerId: 'c2', limit: 10 })).map((r) => r.id)).toEqual(['r1']);
        expect((await stores.requests.inState('creating')).map((r) => r.id)).toEqual(['r1']);
        expect((await stores.requests.inState('pending-approval')).map((r) => r.id)).toEqual(['r2']);
        expect(await stores.requests.inState('created')).toEqual([]);
      });

      it('lists the requests a person decided and those of one conversation, alone and under a customer, as updates add them', async () => {
        const { stores } = await fresh();
        const ids = (rs: UserRequest[]) => rs.map((r) => r.id);
        const card = (id: string, conversationType: string) => ({ conversation: { conversation: { id, conversationType }, serviceUrl: 'https://smba.example/' }, activityId: 'act-1' });
        const decided = (event: string, oid: string) => ({ at: '2026-01-09T00:00:00.000Z', event, actor: { oid, name: oid } });
        // r1..r5 one day apart; each is written plain first, then updated the way the flows do (card placed, decided).
        const plan: Array<{ id: string; customer: string; card?: ReturnType<typeof card>; events: Array<[string, string]> }> = [
          { id: 'r1', customer: 'c1', card: card('19:alpha@thread.tacv2;messageid=111', 'channel'), events: [['approved', 'cleo']] },
          { id: 'r2', customer: 'c2', card: card('19:alpha@thread.tacv2', 'channel'), events: [['approved', 'cleo'], ['retry-started', 'erin']] },
          { id: 'r3', customer: 'c1', card: card('19:beta@thread.v2', 'groupChat'), events: [['rejected', 'erin']] },
          { id: 'r4', customer: 'c1', card: card('a:personal-ada', 'personal'), events: [['created', 'ada']] },
          { id: 'r5', customer: 'c1', events: [['submitted-for-approval', 'cleo']] },
        ];
        for (const [i, p] of shuffled(plan).entries()) {
          const created = await stores.requests.create(request(p.id, `2026-01-0${Number(p.id.slice(1))}T00:00:00.000Z`, p.customer, 'ada'));
          const withCard = p.card ? await stores.requests.update({ ...created.value, card: p.card }, created.etag) : created;
          await stores.requests.update({ ...withCard.value, ticket: `T${i}`, history: [...withCard.value.history, ...p.events.map(([e, oid]) => decided(e, oid))] }, withCard.etag);
        }

        expect(ids(await stores.requests.list({ deciderOid: 'cleo', limit: 10 }))).toEqual(['r2', 'r1']);
        expect(ids(await stores.requests.list({ deciderOid: 'erin', limit: 10 }))).toEqual(['r3', 'r2']);
        expect(ids(await stores.requests.list({ deciderOid: 'erin', limit: 1 }))).toEqual(['r3']);
        expect(ids(await stores.requests.list({ deciderOid: 'erin', customerId: 'c2', limit: 10 }))).toEqual(['r2']);
        expect(ids(await stores.requests.list({ deciderOid: 'erin', since: '2026-01-03T00:00:00.000Z', limit: 10 }))).toEqual(['r3']);
        expect(ids(await stores.requests.list({ deciderOid: 'erin', before: '2026-01-03T00:00:00.000Z', limit: 10 }))).toEqual(['r2']);
        // Creating a user, or merely being named in the history, is no decision.
        expect(await stores.requests.list({ deciderOid: 'ada', limit: 10 })).toEqual([]);
        expect(await stores.requests.list({ deciderOid: 'zoe', limit: 10 })).toEqual([]);

        // A channel counts as one conversation whatever thread the card is in; a personal chat is never one.
        expect(ids(await stores.requests.list({ conversationId: '19:alpha@thread.tacv2', limit: 10 }))).toEqual(['r2', 'r1']);
        expect(ids(await stores.requests.list({ conversationId: '19:alpha@thread.tacv2', customerId: 'c1', limit: 10 }))).toEqual(['r1']);
        expect(ids(await stores.requests.list({ conversationId: '19:beta@thread.v2', since: '2026-01-02T00:00:00.000Z', limit: 10 }))).toEqual(['r3']);
        expect(await stores.requests.list({ conversationId: '19:alpha@thread.tacv2;messageid=111', limit: 10 })).toEqual([]);
        expect(await stores.requests.list({ conversationId: 'a:personal-ada', limit: 10 })).toEqual([]);
        // Empty values filter nothing, as for the other filters.
        expect(ids(await stores.requests.list({ deciderOid: '', conversationId: '', limit: 10 }))).toEqual(['r5', 'r4', 'r3', 'r2', 'r1']);
      });

      it('finds every request in one state, oldest first; an empty filter value filters nothing', async () => {
        const { stores } = await fresh();
        for (const [id, day] of [['r3', 3], ['r1', 1], ['r4', 4], ['r2', 2]] as const) {
          await stores.requests.create(request(id, `2026-01-0${day}T00:00:00.000Z`, 'c1', 'ada'));
        }
        const r3 = (await stores.requests.get('r3'))!;
        await stores.requests.update({ ...r3.value, state: { kind: 'cancelled', by: { oid: 'ada', name: 'Ada' }, at: '2026-01-05T00:00:00.000Z' } }, r3.etag);
        expect((await stores.requests.inState('pending-approval')).map((r) => r.id)).toEqual(['r1', 'r2', 'r4']);
        expect((await stores.requests.inState('cancelled')).map((r) => r.id)).toEqual(['r3']);
        expect((await stores.requests.list({ customerId: '', requesterOid: '', limit: 2 })).map((r) => r.id)).toEqual(['r4', 'r3']);
      });
    });

    describe('ciphertexts', () => {
      it('put, get, overwrite, delete; a missing key reads as undefined and deletes quietly', async () => {
        const { stores } = await fresh();
        await stores.ciphertexts.put('req-1', 'v1.first');
        await stores.ciphertexts.put('req-1', 'v1.second');
        await stores.ciphertexts.put('req-2', 'v1.other');
        expect(await stores.ciphertexts.get('req-1')).toBe('v1.second');
        await stores.ciphertexts.delete('req-1');
        expect(await stores.ciphertexts.get('req-1')).toBeUndefined();
        expect(await stores.ciphertexts.get('req-2')).toBe('v1.other');
        await stores.ciphertexts.delete('never-there');
      });

      it('behind the vault: the password round-trips and only a ciphertext is stored', async () => {
        const { stores } = await fresh();
        const vault = new EncryptedPasswordVault(Buffer.alloc(32, 7), stores.ciphertexts);
        await vault.put('req-1', 'Tr0ub4dor&3 päss');
        expect(await vault.get('req-1')).toBe('Tr0ub4dor&3 päss');
        const stored = await stores.ciphertexts.get('req-1');
        expect(stored).toMatch(/^v1\./);
        expect(stored).not.toContain('Tr0ub4dor');
        await vault.erase('req-1');
        expect(await stores.ciphertexts.get('req-1')).toBeUndefined();
      });
    });

    describe('due work', () => {
      const now = new Date('2026-03-01T12:00:00.000Z');
      const at = (offsetMs: number) => new Date(now.getTime() + offsetMs).toISOString();
      const work = (key: string, offsetMs: number, extra: Partial<DueWork> = {}): DueWork => ({
        key,
        kind: 'expire-request',
        requestId: `req-${key}`,
        dueAt: at(offsetMs),
        ...extra,
      });

      it('claims only what is due, earliest first, up to the limit, with its payload and lease', async () => {
        const { stores } = await fresh();
        await stores.dueWork.schedule(work('later', 60_000));
        await stores.dueWork.schedule(work('second', -1_000, { kind: 'hide-password', payload: { activityId: 'act-1', conversation: 'a:1' } }));
        await stores.dueWork.schedule(work('first', -5_000));
        await stores.dueWork.schedule(work('now', 0));

        const claimed = await stores.dueWork.claimDue(now, 'instance-a', 30_000, 2);
        expect(claimed).toEqual([
          { ...work('first', -5_000), owner: 'instance-a', leaseUntil: at(30_000) },
          { ...work('second', -1_000, { kind: 'hide-password', payload: { activityId: 'act-1', conversation: 'a:1' } }), owner: 'instance-a', leaseUntil: at(30_000) },
        ]);
        expect((await stores.dueWork.claimDue(now, 'instance-a', 30_000, 10)).map((i) => i.key)).toEqual(['now']);
        // Claimed items stay with their owner while the lease runs; 'later' is not due.
        expect(await stores.dueWork.claimDue(now, 'instance-b', 30_000, 10)).toEqual([]);
        expect((await stores.dueWork.claimDue(new Date(now.getTime() + 60_000), 'instance-b', 1_000, 10)).map((i) => i.key)).toEqual([
          'first',
          'second',
          'now',
          'later',
        ]);
      });

      it('two instances claiming at once: each item is claimed exactly once', async () => {
        const { location, stores } = await fresh();
        const other = await open(location);
        const keys = Array.from({ length: 24 }, (_, i) => `k${String(i).padStart(2, '0')}`);
        await inBatches(keys, 12, (k) => stores.dueWork.schedule(work(k, -1_000)));

        const rounds = await Promise.all(
          [stores, other, stores, other].map((s, i) => s.dueWork.claimDue(now, `instance-${i}`, 60_000, 12)),
        );
        const claimed = rounds.flat().map((i) => i.key);
        expect(new Set(claimed).size).toBe(claimed.length);
        expect([...claimed].sort()).toEqual(keys);
        expect(await other.dueWork.claimDue(now, 'late', 60_000, 100)).toEqual([]);
      });

      it('an expired lease can be claimed again; the first owner can then no longer complete it', async () => {
        const { stores } = await fresh();
        await stores.dueWork.schedule(work('k', -1_000));
        const [a] = await stores.dueWork.claimDue(now, 'instance-a', 10_000, 1);
        expect(a.owner).toBe('instance-a');
        expect(await stores.dueWork.claimDue(new Date(now.getTime() + 9_999), 'instance-b', 10_000, 1)).toEqual([]);
        const [b] = await stores.dueWork.claimDue(new Date(now.getTime() + 10_000), 'instance-b', 10_000, 1);
        expect(b).toMatchObject({ key: 'k', owner: 'instance-b', leaseUntil: at(20_000) });

        await stores.dueWork.complete('k', 'instance-a');
        expect((await stores.dueWork.claimDue(new Date(now.getTime() + 20_000), 'instance-c', 10_000, 1)).map((i) => i.key)).toEqual(['k']);
        await stores.dueWork.complete('k', 'instance-c');
        expect(await stores.dueWork.claimDue(new Date(now.getTime() + 99_000), 'instance-d', 10_000, 1)).toEqual([]);
      });

      it('complete removes; cancel removes claimed or not; rescheduling replaces the time and drops the claim', async () => {
        const { stores } = await fresh();
        await stores.dueWork.schedule(work('done', -3_000));
        await stores.dueWork.schedule(work('cancelled', -2_000));
        await stores.dueWork.schedule(work('claimed-then-cancelled', -1_000));
        await stores.dueWork.schedule(work('moved', -500));
        expect(await stores.dueWork.claimDue(now, 'a', 60_000, 10)).toHaveLength(4);
        await stores.dueWork.complete('done');
        await stores.dueWork.cancel('claimed-then-cancelled');
        await stores.dueWork.schedule(work('moved', 5_000));
        await stores.dueWork.cancel('cancelled');
        await stores.dueWork.cancel('never-there');
        await stores.dueWork.complete('never-there');

        const later = new Date(now.getTime() + 61_000);
        expect(await stores.dueWork.claimDue(later, 'b', 60_000, 10)).toEqual([{ ...work('moved', 5_000), owner: 'b', leaseUntil: new Date(later.getTime() + 60_000).toISOString() }]);
      });
    });

    describe('key/value', () => {
      it('reads what exists, writes with and without an eTag, refuses a stale or dangling eTag, deletes', async () => {
        const { stores } = await fresh();
        const kv = stores.keyValues;
        const first = await kv.write({ a: { value: { n: 1, list: ['x'] } }, b: { value: 'text' } });
        expect(await kv.read(['a', 'b', 'missing'])).toEqual({ a: { value: { n: 1, list: ['x'] }, eTag: first.a }, b: { value: 'text', eTag: first.b } });

        const second = await kv.write({ a: { value: { n: 2 }, eTag: first.a } });
        expect(second.a).not.toBe(first.a);
        expect(await codeOf(kv.write({ a: { value: { n: 3 }, eTag: first.a } }))).toBe('CONCURRENT_UPDATE');
        expect(await codeOf(kv.write({ missing: { value: 1, eTag: 'some-etag' } }))).toBe('CONCURRENT_UPDATE');
        expect((await kv.read(['a'])).a.value).toEqual({ n: 2 });

        await kv.write({ a: { value: { n: 4 }, eTag: '*' } });
        expect((await kv.read(['a'])).a.value).toEqual({ n: 4 });
        await kv.delete(['a', 'never-there']);
        expect(await kv.read(['a', 'b'])).toEqual({ b: { value: 'text', eTag: first.b } });
      });

      it('reads many keys at once, repeated ones once, missing ones left out', async () => {
        const { stores } = await fresh();
        const kv = stores.keyValues;
        const keys = Array.from({ length: 19 }, (_, i) => `k${i}`);
        const written = await kv.write(Object.fromEntries(keys.filter((_, i) => i % 3 !== 0).map((k) => [k, { value: { k } }])));
        const asked = [...keys, 'k1', 'k2', 'k1'];
        expect(await kv.read(asked)).toEqual(Object.fromEntries(Object.entries(written).map(([k, eTag]) => [k, { value: { k }, eTag }])));
        expect(await kv.read([])).toEqual({});
      });

      it('put-if-absent: exactly one of several racing creations wins, and an existing item refuses it', async () => {
        const { stores } = await fresh();
        const kv = stores.keyValues;
        const results = await Promise.allSettled([1, 2, 3, 4].map((n) => kv.write({ claim: { value: { n }, ifAbsent: true } })));
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) expect((r.reason as { code?: string }).code).toBe('CONCURRENT_UPDATE');
        const stored = (await kv.read(['claim'])).claim;
        expect(await codeOf(kv.write({ claim: { value: { n: 9 }, ifAbsent: true } }))).toBe('CONCURRENT_UPDATE');
        expect((await kv.read(['claim'])).claim).toEqual(stored);
      });

      it('hands out copies', async () => {
        const { stores } = await fresh();
        const value = { nested: { n: 1 } };
        await stores.keyValues.write({ k: { value } });
        value.nested.n = 2;
        const read = await stores.keyValues.read(['k']);
        (read.k.value as typeof value).nested.n = 3;
        expect((await stores.keyValues.read(['k'])).k.value).toEqual({ nested: { n: 1 } });
      });
    });

    // Memory keeps nothing across a close, by design: the test is not registered for it.
    if (!options.durable) return;
    it('what was written is there after closing and opening the location again', async () => {
      const location = await factory();
      const before = await location.open();
      const created = await before.requests.create(request('r1', '2026-01-01T00:00:00.000Z'));
      await before.ciphertexts.put('r1', 'v1.sealed');
      await before.dueWork.schedule({ key: 'expire:r1', kind: 'expire-request', requestId: 'r1', dueAt: '2026-01-02T00:00:00.000Z' });
      const kv = await before.keyValues.write({ session: { value: { who: 'ada' } } });
      await before.close();

      const after = await open(location);
      const stored = await after.requests.get('r1');
      expect(stored).toEqual(created);
      await after.requests.update({ ...stored!.value, ticket: 'T-1' }, stored!.etag);
      expect((await after.requests.list({ limit: 5 })).map((r) => r.id)).toEqual(['r1']);
      expect(await after.ciphertexts.get('r1')).toBe('v1.sealed');
      expect((await after.dueWork.claimDue(new Date('2026-01-02T00:00:00.000Z'), 'a', 1_000, 5)).map((i) => i.key)).toEqual(['expire:r1']);
      expect(await after.keyValues.read(['session'])).toEqual({ session: { value: { who: 'ada' }, eTag: kv.session } });
    });
  });
}
