import type { RequestQuery, RequestStore, UserRequest } from '../../../../src/core/approval/user-request';
import { historyScope, inScope, scopeQueries, type HistoryScope } from '../../../../src/core/audit/history-scope';
import { AppError } from '../../../../src/core/errors';
import type { Directory, TokenProvider, UserCredential } from '../../../../src/core/ports';
import type { UseCaseDeps } from '../../../../src/core/use-cases/deps';
import { authorizeHistory, listHistory, type HistoryLimits } from '../../../../src/core/use-cases/history';
import { MemoryRequestStore } from '../../../../src/storage/memory-request-store';

const CHANNEL = '19:helpdesk@thread.tacv2';
const GROUP_CHAT = '19:group-chat@thread.v2';
const AUDITORS = 'grp-auditors';

const channelCard = (id: string, conversationType = 'channel') => ({ conversation: { conversation: { id, conversationType } }, activityId: 'card' });

let seq = 0;
/** A stored request: who raised it, where its card lives, who decided it. */
function req(o: { requester: string; customer?: string; company?: string; card?: UserRequest['card']; decidedBy?: string; at?: string }): UserRequest {
  seq += 1;
  const at = o.at ?? new Date(Date.UTC(2026, 10, 1) + seq * 60_000).toISOString();
  const customer = o.customer ?? 'c-fabrikam';
  return {
    id: `r${String(seq).padStart(5, '0')}`,
    mode: o.card ? 'approval' : 'personal',
    createdAt: at,
    updatedAt: at,
    requester: { oid: o.requester, name: o.requester },
    customer: { id: customer, companyName: o.company ?? `${customer} Ltd` },
    user: { firstName: 'A', lastName: 'B', displayName: 'A B', userName: `u${seq}`, domain: 'x.example', userPrincipalName: `u${seq}@x.example`, usageLocation: 'US', forceChangePassword: true, passwordGenerated: true },
    msRequestId: `m${seq}`,
    correlationId: `c${seq}`,
    state: { kind: 'draft' },
    card: o.card,
    history: [
      { at, event: 'drafted', actor: { oid: o.requester, name: o.requester } },
      ...(o.decidedBy ? [{ at, event: 'approved', actor: { oid: o.decidedBy, name: o.decidedBy } }] : []),
    ],
  };
}

/** The real memory store, counting what it hands out (the reads a Blob store would make). */
class CountingStore implements RequestStore {
  readonly inner = new MemoryRequestStore();
  reads = 0;
  queries: RequestQuery[] = [];
  get = (id: string) => this.inner.get(id);
  create = (r: UserRequest) => this.inner.create(r);
  update = (r: UserRequest, etag: string) => this.inner.update(r, etag);
  inState = (kind: UserRequest['state']['kind']) => this.inner.inState(kind);
  async list(q: RequestQuery) {
    this.queries.push(q);
    const found = await this.inner.list(q);
    this.reads += found.length;
    return found;
  }
}

function depsWith(store: RequestStore, directory: Partial<Directory> = {}): UseCaseDeps {
  const token = async () => ({ token: 'partner-graph-token', expiresOn: new Date(), mfa: true });
  return { requests: store, directory, tokens: { partnerGraph: token } as unknown as TokenProvider, ids: { newId: () => 'corr' } } as unknown as UseCaseDeps;
}

const cred = (oid: string): UserCredential => ({ user: { oid, tenantId: 't', upn: `${oid}@p.example`, displayName: oid, mfa: true }, assertion: 'sso' });
const ids = (rs: UserRequest[]) => rs.map((r) => r.id);

describe('historyScope: decided by where it is asked, never by what is typed', () => {
  it('a 1:1 chat is the person; a channel or group chat is that conversation, whatever thread', () => {
    expect(historyScope({ personal: true, conversationId: 'a:1' }, 'ada', false)).toEqual({ kind: 'mine', oid: 'ada' });
    expect(historyScope({ personal: false, conversationId: `${CHANNEL};messageid=42` }, 'ben', false)).toEqual({ kind: 'conversation', conversationId: CHANNEL });
    expect(historyScope({ personal: false, conversationId: GROUP_CHAT }, 'ben', false)).toEqual({ kind: 'conversation', conversationId: GROUP_CHAT });
  });

  it('everything only in a 1:1 chat; a conversation without an id never becomes "no filter"', () => {
    expect(historyScope({ personal: true, conversationId: 'a:1' }, 'ada', true)).toEqual({ kind: 'everything' });
    expect(() => historyScope({ personal: false, conversationId: CHANNEL }, 'ada', true)).toThrow(expect.objectContaining({ code: 'PERSONAL_CHAT_ONLY' }));
    expect(() => historyScope({ personal: false, conversationId: '' }, 'ada', false)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(() => historyScope({ personal: false, conversationId: ';messageid=1' }, 'ada', false)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(() => historyScope({ personal: true, conversationId: 'a:1' }, '', false)).toThrow(expect.objectContaining({ code: 'SIGN_IN_REQUIRED' }));
  });

  it('every scope query names an index, and no non-auditor query is unfiltered', () => {
    expect(scopeQueries({ kind: 'mine', oid: 'ada' })).toEqual([{ requesterOid: 'ada' }, { deciderOid: 'ada' }]);
    expect(scopeQueries({ kind: 'conversation', conversationId: CHANNEL })).toEqual([{ conversationId: CHANNEL }]);
    expect(scopeQueries({ kind: 'everything' })).toEqual([{}]);
  });
});

describe('listHistory', () => {
  const store = new CountingStore();
  const deps = depsWith(store);
  const adaOwn = req({ requester: 'ada' });
  const adaInChannel = req({ requester: 'ada', card: channelCard(`${CHANNEL};messageid=7`), decidedBy: 'cleo' });
  const benInGroup = req({ requester: 'ben', card: channelCard(GROUP_CHAT, 'groupChat') });
  const benOwn = req({ requester: 'ben', decidedBy: 'ada' });
  const cleoOwn = req({ requester: 'cleo' });
  const personalCard = req({ requester: 'dan', card: channelCard('a:dan', 'personal') });
  beforeAll(async () => {
    for (const r of [adaOwn, adaInChannel, benInGroup, benOwn, cleoOwn, personalCard]) await store.create(r);
  });

  it('mine: what I raised and what I decided, newest first, nobody else\'s', async () => {
    const { requests } = await listHistory(deps, { kind: 'mine', oid: 'ada' }, { customer: '' }, 20);
    expect(ids(requests)).toEqual(ids([benOwn, adaInChannel, adaOwn]));
    expect(ids((await listHistory(deps, { kind: 'mine', oid: 'cleo' }, { customer: '' }, 20)).requests)).toEqual(ids([cleoOwn, adaInChannel]));
  });

  it('a conversation: only requests whose card lives there; a personal card is in no conversation', async () => {
    expect(ids((await listHistory(deps, { kind: 'conversation', conversationId: CHANNEL }, { customer: '' }, 20)).requests)).toEqual([adaInChannel.id]);
    expect(ids((await listHistory(deps, { kind: 'conversation', conversationId: GROUP_CHAT }, { customer: '' }, 20)).requests)).toEqual([benInGroup.id]);
    expect((await listHistory(deps, { kind: 'conversation', conversationId: 'a:dan' }, { customer: '' }, 20)).requests).toEqual([]);
  });

  it('everything: all of them; rows bound the answer', async () => {
    expect((await listHistory(deps, { kind: 'everything' }, { customer: '' }, 20)).requests).toHaveLength(6);
    expect(ids((await listHistory(deps, { kind: 'everything' }, { customer: '' }, 2)).requests)).toEqual(ids([personalCard, cleoOwn]));
  });

  it('the scope is checked again on what a store returns', () => {
    const scope: HistoryScope = { kind: 'conversation', conversationId: CHANNEL };
    expect(inScope(scope, adaInChannel)).toBe(true);
    expect(inScope(scope, { ...adaInChannel, card: channelCard('19:other@thread.tacv2') })).toBe(false);
    expect(inScope({ kind: 'mine', oid: 'ada' }, benOwn)).toBe(true);
    expect(inScope({ kind: 'mine', oid: 'ben' }, adaOwn)).toBe(false);
  });
});

describe('listHistory with a customer name: bounded fan-out', () => {
  const limits: HistoryLimits = { discoveryReads: 100, matchedCustomers: 3, reads: 160 };

  it('matches by name or id among recent requests, lists each customer through its index, within the read bound', async () => {
    const store = new CountingStore();
    // 8 customers named "Contoso n", 30 requests each, interleaved in time; and 10 of "Fabrikam".
    for (let i = 0; i < 240; i++) await store.create(req({ requester: 'ada', customer: `c-contoso-${i % 8}`, company: `Contoso ${i % 8}` }));
    for (let i = 0; i < 10; i++) await store.create(req({ requester: 'ada', customer: 'c-fab', company: 'Fabrikam, Inc.' }));
    const result = await listHistory(depsWith(store), { kind: 'everything' }, { customer: 'contoso' }, 1000, limits);

    expect(result.customers).toEqual({ matched: 8, searched: 3 });
    expect(result.discoveryCut).toBe(true);
    expect(result.readsCut).toBe(true);
    expect(result.reads).toBeLessThanOrEqual(limits.reads);
    expect(store.reads).toBe(result.reads);
    expect(result.requests.every((r) => r.customer.companyName.startsWith('Contoso'))).toBe(true);
    // Discovery (100 read), then the most recently seen customers through their own index: 30 more, then the
    // last 30 the bound allows, where it stops.
    expect(store.queries.map((q) => `${q.customerId ?? '*'}:${q.limit}`)).toEqual(['*:100', 'c-contoso-7:60', 'c-contoso-6:30']);
  });

  it('a narrow name is answered in full, with no bound reached', async () => {
    const store = new CountingStore();
    for (let i = 0; i < 40; i++) await store.create(req({ requester: i % 2 ? 'ada' : 'ben', customer: i % 4 ? 'c-x' : 'c-fab', company: i % 4 ? 'Xylo' : 'Fabrikam, Inc.' }));
    const result = await listHistory(depsWith(store), { kind: 'mine', oid: 'ada' }, { customer: 'FABRIKAM' }, 1000, limits);
    expect(result.requests).toEqual([]); // Ada raised only the odd ones, none of them Fabrikam's
    const ben = await listHistory(depsWith(store), { kind: 'mine', oid: 'ben' }, { customer: 'c-fab' }, 1000, limits);
    expect(ben.requests).toHaveLength(10);
    expect(ben).toMatchObject({ customers: { matched: 1, searched: 1 }, discoveryCut: false, readsCut: false });
  });

  it('with the default bounds a one-letter name over 300 customers reads at most 2,500 requests', async () => {
    const store = new CountingStore();
    for (let i = 0; i < 3000; i++) await store.create(req({ requester: 'ada', customer: `c${i % 300}`, company: `Company ${i % 300}` }));
    const result = await listHistory(depsWith(store), { kind: 'everything' }, { customer: 'a' }, 1000);
    expect(store.reads).toBeLessThanOrEqual(2500);
    expect(result.customers?.searched).toBe(10);
    expect(result.customers?.matched).toBeGreaterThan(10);
  });
});

describe('authorizeHistory: everything is for the auditor group', () => {
  const directory = (member: boolean, calls: string[]) => ({
    checkMemberGroups: async (token: string, groupIds: string[]) => {
      calls.push(`${token} ${groupIds.join(',')}`);
      return member ? groupIds : [];
    },
  });

  it('members pass, others and an unconfigured group get NOT_AUDITOR; other scopes ask nothing', async () => {
    const calls: string[] = [];
    const store = new MemoryRequestStore();
    await expect(authorizeHistory(depsWith(store, directory(true, calls)), cred('fay'), { kind: 'everything' }, AUDITORS)).resolves.toBeUndefined();
    expect(calls).toEqual([`partner-graph-token ${AUDITORS}`]);
    const refused = await authorizeHistory(depsWith(store, directory(false, calls)), cred('ben'), { kind: 'everything' }, AUDITORS).catch((e: AppError) => e.code);
    expect(refused).toBe('NOT_AUDITOR');
    const unconfigured = await authorizeHistory(depsWith(store, directory(true, calls)), cred('ada'), { kind: 'everything' }, undefined).catch((e: AppError) => e.code);
    expect(unconfigured).toBe('NOT_AUDITOR');
    await authorizeHistory(depsWith(store, directory(false, calls)), cred('ben'), { kind: 'mine', oid: 'ben' }, AUDITORS);
    await authorizeHistory(depsWith(store, directory(false, calls)), cred('ben'), { kind: 'conversation', conversationId: CHANNEL }, AUDITORS);
    expect(calls).toHaveLength(2);
  });
});
