import type { RequestStore, UserRequest } from '../../../../src/core/approval/user-request';
import type { UseCaseDeps } from '../../../../src/core/use-cases/deps';
import { assertRequester, loadRequest, updateRequest } from '../../../../src/core/use-cases/request-access';
import { FABRIKAM, codeOf, engineer, useCaseWorld, type UseCaseWorld } from '../../../support/use-case-world';

const ada = engineer('ada');
const ben = engineer('ben');
const ID = '00000000-0000-4000-8000-000000000abc';

async function seed(w: UseCaseWorld): Promise<UserRequest> {
  const at = w.clock.now().toISOString();
  const request: UserRequest = {
    id: ID,
    mode: 'personal',
    createdAt: at,
    updatedAt: at,
    requester: ada.actor,
    customer: { id: FABRIKAM, companyName: 'Fabrikam, Inc.' },
    user: { firstName: 'G', lastName: 'H', displayName: 'G H', userName: 'gh', domain: 'fabrikam.example', userPrincipalName: 'gh@fabrikam.example', usageLocation: 'US', forceChangePassword: true, passwordGenerated: true },
    msRequestId: 'ms-1',
    correlationId: 'corr-1',
    state: { kind: 'draft' },
    history: [],
  };
  return (await w.requests.create(request)).value;
}

/**
 * The deps with another writer (a second instance, a double click) that gets in first on the next `times` writes:
 * it writes the stored request through the same real store just before each of ours, so ours carries a stale eTag.
 */
function racing(w: UseCaseWorld, times: number): UseCaseDeps {
  let left = times;
  const store = w.requests;
  const requests: RequestStore = {
    get: (id) => store.get(id),
    create: (r) => store.create(r),
    list: (q) => store.list(q),
    inState: (k) => store.inState(k),
    update: async (request, etag) => {
      if (left-- > 0) {
        const current = (await store.get(request.id))!;
        await store.update({ ...current.value, history: [...current.value.history.filter((h) => h.event !== 'meanwhile'), { at: 'now', event: 'meanwhile' }] }, current.etag);
      }
      return store.update(request, etag);
    },
  };
  return { ...w.deps, requests };
}

const withTicket = (ticket: string) => (r: UserRequest): UserRequest => ({ ...r, ticket });

describe('loadRequest and assertRequester', () => {
  it('REQUEST_NOT_FOUND for an id the store does not have; the stored value with its eTag otherwise', async () => {
    const w = useCaseWorld();
    expect(await codeOf(() => loadRequest(w.deps, ID))).toBe('REQUEST_NOT_FOUND');
    await seed(w);
    const found = await loadRequest(w.deps, ID);
    expect(found.value.id).toBe(ID);
    expect(found.etag).toBe((await w.requests.get(ID))?.etag);
  });

  it('NOT_REQUESTER for anyone but the person who raised it, by object id (not by name)', async () => {
    const w = useCaseWorld();
    const request = await seed(w);
    expect(() => assertRequester(request, ada.actor)).not.toThrow();
    expect(await codeOf(async () => assertRequester(request, ben.actor))).toBe('NOT_REQUESTER');
    expect(await codeOf(async () => assertRequester(request, { ...ben.actor, name: 'Ada' }))).toBe('NOT_REQUESTER');
  });
});

describe('updateRequest', () => {
  it('writes the change with the clock\'s time; a change that has nothing to do writes nothing', async () => {
    const w = useCaseWorld();
    await seed(w);
    w.clock.advance(5_000);
    const done = await updateRequest(w.deps, ID, withTicket('INC-1'));
    expect(done.changed).toBe(true);
    expect(done.request).toMatchObject({ ticket: 'INC-1', updatedAt: w.clock.now().toISOString() });
    const etag = (await w.requests.get(ID))?.etag;
    const none = await updateRequest(w.deps, ID, () => undefined);
    expect(none).toEqual({ request: done.request, changed: false });
    expect((await w.requests.get(ID))?.etag).toBe(etag);
  });

  it('a write that races another re-reads and re-applies the change on top of it (nothing is lost)', async () => {
    const w = useCaseWorld();
    await seed(w);
    let calls = 0;
    const result = await updateRequest(racing(w, 1), ID, (current) => {
      calls++;
      return { ...current, ticket: 'INC-2' };
    });
    expect(calls).toBe(2);
    expect(result.request.ticket).toBe('INC-2');
    expect(result.request.history.map((h) => h.event)).toEqual(['meanwhile']);
    expect((await w.requests.get(ID))?.value).toEqual(result.request);
  });

  it('CONCURRENT_UPDATE when every attempt loses the race; REQUEST_NOT_FOUND for an unknown id', async () => {
    const w = useCaseWorld();
    await seed(w);
    let attempts = 0;
    const change = (current: UserRequest) => {
      attempts++;
      return { ...current, ticket: 'never' };
    };
    expect(await codeOf(() => updateRequest(racing(w, Infinity), ID, change, { attempts: 3 }))).toBe('CONCURRENT_UPDATE');
    expect(attempts).toBe(3);
    expect((await w.requests.get(ID))?.value.ticket).toBeUndefined();
    expect(await codeOf(() => updateRequest(w.deps, '00000000-0000-4000-8000-999999999999', withTicket('x')))).toBe('REQUEST_NOT_FOUND');
  });
});
