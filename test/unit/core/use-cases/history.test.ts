import type { Actor } from '../../../../src/core/approval/request-state';
import type { RequestStore, UserRequest } from '../../../../src/core/approval/user-request';
import type { HistoryScope } from '../../../../src/core/audit/history-scope';
import { authorizeHistory, listHistory } from '../../../../src/core/use-cases/history';
import { ADATUM, FABRIKAM, codeOf, engineer, useCaseWorld, type UseCaseWorld } from '../../../support/use-case-world';

const ada = engineer('ada');
const ben = engineer('ben');
const cleo = engineer('cleo');
const CHANNEL = '19:helpdesk@thread.tacv2';
const mine = (who: { actor: Actor }): HistoryScope => ({ kind: 'mine', oid: who.actor.oid });

let seq = 0;
/** Stores a request through the real memory store, created at `w.clock` now (which then moves on a minute). */
async function stored(w: UseCaseWorld, by: Actor, upn: string, extra: Partial<UserRequest> = {}): Promise<UserRequest> {
  const at = w.clock.now().toISOString();
  w.clock.advance(60_000);
  const id = `00000000-0000-4000-9000-${String(++seq).padStart(12, '0')}`;
  const [userName, domain] = upn.split('@');
  const request: UserRequest = {
    id,
    mode: 'personal',
    createdAt: at,
    updatedAt: at,
    requester: by,
    customer: { id: FABRIKAM, companyName: 'Fabrikam, Inc.' },
    user: { firstName: 'A', lastName: 'B', displayName: 'A B', userName, domain, userPrincipalName: upn, usageLocation: 'US', forceChangePassword: true, passwordGenerated: true },
    msRequestId: `ms-${id}`,
    correlationId: `corr-${id}`,
    state: { kind: 'draft' },
    history: [{ at, event: 'drafted', actor: { oid: by.oid, name: by.name } }],
    ...extra,
  };
  return (await w.requests.create(request)).value;
}

const inChannel = { mode: 'approval' as const, state: { kind: 'pending-approval' as const, submittedAt: '2026-11-28T09:00:00Z', expiresAt: '2026-11-29T09:00:00Z' }, card: { activityId: 'act-1', conversation: { conversation: { id: `${CHANNEL};messageid=42`, conversationType: 'channel' } } } };
const upns = (rs: UserRequest[]) => rs.map((r) => r.user.userPrincipalName);

describe('authorizeHistory', () => {
  it('anything but "everything" needs no check and asks Graph nothing', async () => {
    const w = useCaseWorld();
    await authorizeHistory(w.deps, ben.cred, mine(ben), undefined);
    await authorizeHistory(w.deps, ben.cred, { kind: 'conversation', conversationId: CHANNEL }, 'grp-auditors');
    expect(w.world.calls).toEqual([]);
  });

  it('"everything" is NOT_AUDITOR without an auditor group, and for someone outside it; members pass, asked with their own token', async () => {
    const w = useCaseWorld();
    expect(await codeOf(() => authorizeHistory(w.deps, ada.cred, { kind: 'everything' }, undefined))).toBe('NOT_AUDITOR');
    expect(w.world.calls).toEqual([]);
    expect(await codeOf(() => authorizeHistory(w.deps, ben.cred, { kind: 'everything' }, 'grp-auditors'))).toBe('NOT_AUDITOR');
    await expect(authorizeHistory(w.deps, ada.cred, { kind: 'everything' }, 'grp-auditors')).resolves.toBeUndefined();
    expect(w.callsTo('checkMemberGroups').map((c) => [c.token, c.args[0]])).toEqual([
      ['graph:oid-ben', ['grp-auditors']],
      ['graph:oid-ada', ['grp-auditors']],
    ]);
  });
});

describe('listHistory', () => {
  it('"mine": my requests and the ones I decided, newest first, within the rows asked for; never someone else\'s', async () => {
    const w = useCaseWorld();
    await stored(w, ada.actor, 'one@fabrikam.example');
    await stored(w, ben.actor, 'bens@fabrikam.example');
    await stored(w, ben.actor, 'decided.by.ada@fabrikam.example', { history: [{ at: 'x', event: 'drafted', actor: { oid: ben.actor.oid, name: 'Ben' } }, { at: 'y', event: 'rejected', actor: { oid: ada.actor.oid, name: 'Ada' } }] });
    await stored(w, ada.actor, 'two@fabrikam.example');

    const all = await listHistory(w.deps, mine(ada), { customer: '' }, 20);
    expect(upns(all.requests)).toEqual(['two@fabrikam.example', 'decided.by.ada@fabrikam.example', 'one@fabrikam.example']);
    expect(all).toMatchObject({ discoveryCut: false, readsCut: false });
    expect(upns((await listHistory(w.deps, mine(ada), { customer: '' }, 2)).requests)).toEqual(['two@fabrikam.example', 'decided.by.ada@fabrikam.example']);
    expect(upns((await listHistory(w.deps, mine(ben), { customer: '' }, 20)).requests)).toEqual(['decided.by.ada@fabrikam.example', 'bens@fabrikam.example']);
    expect((await listHistory(w.deps, mine(cleo), { customer: '' }, 20)).requests).toEqual([]);
  });

  it('whatever a store\'s index returns, only requests in the scope are shown (an index that lists too much leaks nothing)', async () => {
    const w = useCaseWorld();
    await stored(w, ada.actor, 'adas@fabrikam.example');
    await stored(w, ben.actor, 'bens@fabrikam.example', inChannel);
    // An index gone wrong: every listing answers with every request, whatever it asked for.
    const store = w.requests;
    const requests: RequestStore = {
      get: (id) => store.get(id),
      create: (r) => store.create(r),
      update: (r, etag) => store.update(r, etag),
      inState: (k) => store.inState(k),
      list: (q) => store.list({ limit: q.limit }),
    };
    const leaky = { ...w.deps, requests };
    expect(upns((await listHistory(leaky, mine(ada), { customer: '' }, 20)).requests)).toEqual(['adas@fabrikam.example']);
    expect(upns((await listHistory(leaky, { kind: 'conversation', conversationId: CHANNEL }, { customer: '' }, 20)).requests)).toEqual(['bens@fabrikam.example']);
    expect(upns((await listHistory(leaky, mine(ben), { customer: 'fabrikam' }, 20)).requests)).toEqual(['bens@fabrikam.example']);
  });

  it('"conversation": the requests whose card lives there, from any thread; not a 1:1 request of the same people', async () => {
    const w = useCaseWorld();
    await stored(w, ben.actor, 'in.channel@fabrikam.example', inChannel);
    await stored(w, ben.actor, 'personal@fabrikam.example');
    const result = await listHistory(w.deps, { kind: 'conversation', conversationId: CHANNEL }, { customer: '' }, 20);
    expect(upns(result.requests)).toEqual(['in.channel@fabrikam.example']);
  });

  it('a time range: since is inclusive, before exclusive', async () => {
    const w = useCaseWorld();
    const first = await stored(w, ada.actor, 'first@fabrikam.example');
    const second = await stored(w, ada.actor, 'second@fabrikam.example');
    await stored(w, ada.actor, 'third@fabrikam.example');
    const result = await listHistory(w.deps, { kind: 'everything' }, { customer: '', since: first.createdAt, before: new Date(Date.parse(second.createdAt) + 1).toISOString() }, 20);
    expect(upns(result.requests)).toEqual(['second@fabrikam.example', 'first@fabrikam.example']);
  });

  it('a customer filter matches a part of the name or the exact id, and says how many customers matched', async () => {
    const w = useCaseWorld();
    await stored(w, ada.actor, 'fab@fabrikam.example');
    await stored(w, ada.actor, 'ada@adatum.example', { customer: { id: ADATUM, companyName: 'Adatum Corporation' } });
    const byName = await listHistory(w.deps, { kind: 'everything' }, { customer: 'ADATUM' }, 20);
    expect(upns(byName.requests)).toEqual(['ada@adatum.example']);
    expect(byName.customers).toEqual({ matched: 1, searched: 1 });
    expect(upns((await listHistory(w.deps, { kind: 'everything' }, { customer: FABRIKAM }, 20)).requests)).toEqual(['fab@fabrikam.example']);
    const none = await listHistory(w.deps, { kind: 'everything' }, { customer: 'contoso' }, 20);
    expect(none.requests).toEqual([]);
    expect(none.customers).toEqual({ matched: 0, searched: 0 });
  });

  it('the bounds: discovery cut, customers searched, and the read budget, each reported', async () => {
    const w = useCaseWorld();
    const companies = ['Alpha One', 'Alpha Two', 'Alpha Three'];
    for (const [i, companyName] of companies.entries()) {
      for (let k = 0; k < 3; k++) await stored(w, ada.actor, `u${k}@c${i}.example`, { customer: { id: `33333333-0000-4000-8000-00000000000${i}`, companyName } });
    }
    // 9 requests; discovery reads at most 4, so not every customer may be seen, and says so.
    const limits = { discoveryReads: 4, matchedCustomers: 1, reads: 6 };
    const result = await listHistory(w.deps, { kind: 'everything' }, { customer: 'alpha' }, 5, limits);
    expect(result.discoveryCut).toBe(true);
    expect(result.customers).toEqual({ matched: 2, searched: 1 }); // the 4 newest span Alpha Three and Alpha Two
    // The newest matching customer first: Alpha Three, with only the 2 reads left of the budget of 6.
    expect(upns(result.requests)).toEqual(['u2@c2.example', 'u1@c2.example']);
    expect(result.reads).toBe(6);
    expect(result.readsCut).toBe(true);
  });
});
