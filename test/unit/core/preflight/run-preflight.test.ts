import type { RequestedUser } from '../../../../src/core/approval/user-request';
import { AppError } from '../../../../src/core/errors';
import type { AccessAssignment, CustomerDomain, CustomerUser, DelegatedAdminRelationship, Directory, PartnerCenter, TokenProvider, UserCredential } from '../../../../src/core/ports';
import { Preflight } from '../../../../src/core/preflight/run-preflight';

const UA = 'fe930be7-5e62-47db-91af-98c3a49a38b1';
const DW = '9360feb5-f418-4baa-8175-e2a00bac4301';
const READERS = '88d8e3e3-8f55-4a1e-953a-9b9898b8876b';
const CUSTOMER = '22222222-0000-4000-8000-000000000001';
const now = new Date('2026-11-28T12:00:00Z');
const days = (n: number) => new Date(now.getTime() + n * 86_400_000).toISOString();

/** A world the fake ports answer from; each test changes one thing in it. */
interface World {
  relationships: DelegatedAdminRelationship[];
  assignments: Record<string, AccessAssignment[]>;
  myGroups: string[];
  domains: CustomerDomain[];
  activeUsers: string[];
  deletedUsers: CustomerUser[];
  mfa: boolean;
  customerError?: AppError;
  /** What the customer-tenant Graph token request throws (the app not connected there), if anything. */
  customerTenantError?: AppError;
  /** Pages Partner Center's active-user list has (each with none of the looked-for users) before the last. */
  extraUserPages?: number;
  /** What Partner Center's user list (active and deleted) throws, if anything (a role that may not list users). */
  listUsersError?: AppError;
  calls: string[];
}

function healthy(): World {
  return {
    relationships: [{ id: 'rel-1', displayName: 'Fabrikam helpdesk', status: 'active', endDateTime: days(300), customerTenantId: CUSTOMER, roleDefinitionIds: [UA] }],
    assignments: { 'rel-1': [{ id: 'as-1', status: 'active', groupId: 'grp-admins', roleDefinitionIds: [UA] }] },
    myGroups: ['grp-admins'],
    domains: [
      { id: 'fabrikam.example', authenticationType: 'Managed', isVerified: true, isDefault: true, isInitial: false },
      { id: 'fabrikamcorp.onmicrosoft.com', authenticationType: 'Managed', isVerified: true, isDefault: false, isInitial: true },
      { id: 'fed.fabrikam.example', authenticationType: 'Federated', isVerified: true, isDefault: false, isInitial: false },
    ],
    activeUsers: ['alice.smith@fabrikam.example'],
    deletedUsers: [{ id: 'del-1', userPrincipalName: 'bob.jones@fabrikam.example', displayName: 'Bob', state: 'inactive', softDeletionTime: days(-3) }],
    mfa: true,
    calls: [],
  };
}

function ports(w: World): { partnerCenter: PartnerCenter; directory: Directory; tokens: TokenProvider } {
  const token = async () => ({ token: 't', expiresOn: now, mfa: w.mfa });
  const unused = async (): Promise<never> => {
    throw new Error('not used by pre-flight');
  };
  return {
    tokens: {
      partnerCenter: token,
      partnerGraph: async () => ({ ...(await token()), token: 'delegated' }),
      partnerGraphApp: async () => ({ ...(await token()), token: 'app-only' }),
      customerGraph: async () => {
        if (w.customerTenantError) throw w.customerTenantError;
        return token();
      },
    },
    partnerCenter: {
      getCustomer: async (_t, id) => {
        w.calls.push('getCustomer');
        if (w.customerError) throw w.customerError;
        return { id, tenantId: id, companyName: 'Fabrikam, Inc.', defaultDomain: 'fabrikam.example', relationshipToPartner: 'reseller' };
      },
      listUsers: async (_t, _c, q) => {
        w.calls.push(q.deleted ? 'listUsers' : 'listActiveUsers');
        if (w.listUsersError) throw w.listUsersError;
        if (q.deleted) return { items: w.deletedUsers };
        const page = Number(q.continuationToken ?? '0');
        const last = page >= (w.extraUserPages ?? 0);
        const items = last ? w.activeUsers.map((upn) => ({ id: `id-${upn}`, userPrincipalName: upn, displayName: upn, state: 'active' as const })) : [];
        return { items, continuationToken: last ? undefined : String(page + 1) };
      },
      listCustomers: unused,
      createApplicationConsent: unused,
      deleteApplicationConsent: unused,
      getUser: unused,
      createUser: unused,
      deleteUser: unused,
      restoreUser: unused,
      listSubscribedSkus: unused,
      assignLicenses: unused,
    },
    directory: {
      listGroupUsers: unused,
      listRelationships: async (t) => {
        w.calls.push(`listRelationships:${t}`);
        return w.relationships;
      },
      listAccessAssignments: async (_t, id) => {
        w.calls.push('listAccessAssignments');
        return w.assignments[id] ?? [];
      },
      checkMemberGroups: async (t, ids) => {
        w.calls.push(`checkMemberGroups:${t}`);
        return ids.filter((id) => w.myGroups.includes(id));
      },
      listDomains: async () => {
        w.calls.push('listDomains');
        return w.domains;
      },
      findUserByUpn: async (_t, upn) => {
        w.calls.push('findUserByUpn');
        return w.activeUsers.includes(upn) ? { id: 'u-1', userPrincipalName: upn } : null;
      },
    },
  };
}

const silent = { debug() {}, info() {}, warn() {}, error() {}, child() { return silent; } };
const cred: UserCredential = { user: { oid: 'oid-ada', tenantId: 'partner', upn: 'ada@contoso-partner.example', mfa: true }, assertion: 'sso' };

function user(userName = 'grace.hopper', domain = 'fabrikam.example'): RequestedUser {
  return { firstName: 'Grace', lastName: 'Hopper', displayName: 'Grace Hopper', userName, domain, userPrincipalName: `${userName}@${domain}`, usageLocation: 'US', forceChangePassword: true, passwordGenerated: true };
}

async function run(w: World, opts: { user?: RequestedUser; useCache?: boolean; cred?: UserCredential; clock?: () => Date; pre?: Preflight } = {}) {
  const pre = opts.pre ?? new Preflight({ ...ports(w), clock: { now: opts.clock ?? (() => now) }, logger: silent }, 60_000);
  const result = await pre.run({ cred: opts.cred ?? cred, customerId: CUSTOMER, user: opts.user ?? user(), useCache: opts.useCache ?? true, correlationId: 'corr' });
  const byId = Object.fromEntries(result.checklist.checks.map((c) => [c.id, c]));
  return { ...result, byId, pre };
}

describe('pre-flight checks', () => {
  it('healthy customer: every check ok, nothing blocked, the role named with its relationship and end date', async () => {
    const { checklist, byId } = await run(healthy());
    expect(checklist.blocked).toBe(false);
    expect(checklist.checks.map((c) => c.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
    expect(byId['gdap-role'].evidence).toContain('Fabrikam helpdesk');
    expect(byId['gdap-role'].evidence).toContain('User Administrator');
    expect(byId['gdap-role'].evidence).toContain(days(300).slice(0, 10));
  });

  it('Directory Writers is enough', async () => {
    const w = healthy();
    w.assignments['rel-1'][0].roleDefinitionIds = [DW];
    const { byId } = await run(w);
    expect(byId['gdap-role'].status).toBe('ok');
    expect(byId['gdap-role'].text).toContain('Directory Writers');
  });

  it('no relationship', async () => {
    const w = healthy();
    w.relationships = [];
    const { checklist, byId } = await run(w);
    expect(checklist.blocked).toBe(true);
    expect(byId['gdap-role'].code).toBe('NO_RELATIONSHIP');
  });

  it('expired relationship', async () => {
    const w = healthy();
    w.relationships[0].status = 'expired';
    const { byId } = await run(w);
    expect(byId['gdap-role']).toMatchObject({ status: 'blocked', code: 'RELATIONSHIP_EXPIRED' });
  });

  it('relationship ending within 14 days is a warning, not a block', async () => {
    const w = healthy();
    w.relationships[0].endDateTime = days(7);
    const { checklist, byId } = await run(w);
    expect(byId['gdap-role'].status).toBe('warning');
    expect(checklist.blocked).toBe(false);
  });

  it('no assignment with a suitable role', async () => {
    const w = healthy();
    w.assignments['rel-1'][0].roleDefinitionIds = [READERS];
    const { byId } = await run(w);
    expect(byId['gdap-role']).toMatchObject({ status: 'blocked', code: 'GDAP_ROLE_MISSING' });
    expect(byId['gdap-role'].text).toContain('No active access assignment');
  });

  it('an assignment that is not active yet does not count', async () => {
    const w = healthy();
    w.assignments['rel-1'][0].status = 'pending';
    const { byId } = await run(w);
    expect(byId['gdap-role'].code).toBe('GDAP_ROLE_MISSING');
  });

  it('not in the group', async () => {
    const w = healthy();
    w.myGroups = ['grp-other'];
    const { byId } = await run(w);
    expect(byId['gdap-role']).toMatchObject({ status: 'blocked', code: 'GDAP_ROLE_MISSING' });
    expect(byId['gdap-role'].text).toContain('not a member');
  });

  it('federated domain is refused with an explanation', async () => {
    const { byId } = await run(healthy(), { user: user('x', 'fed.fabrikam.example') });
    expect(byId.domain).toMatchObject({ status: 'blocked', code: 'DOMAIN_FEDERATED' });
  });

  it('a domain that is not the customer’s is refused', async () => {
    const { byId } = await run(healthy(), { user: user('x', 'contoso.example') });
    expect(byId.domain).toMatchObject({ status: 'blocked', code: 'DOMAIN_NOT_VERIFIED' });
  });

  it('UPN taken by an active user', async () => {
    const { byId } = await run(healthy(), { user: user('alice.smith') });
    expect(byId['upn-free']).toMatchObject({ status: 'blocked', code: 'UPN_TAKEN' });
  });

  it('UPN held by a soft-deleted user: blocked, and the user can be restored', async () => {
    const { byId } = await run(healthy(), { user: user('bob.jones') });
    expect(byId['upn-free']).toMatchObject({ status: 'blocked', code: 'UPN_SOFT_DELETED', restorableUserId: 'del-1' });
  });

  it('a token without MFA is blocked', async () => {
    const w = healthy();
    w.mfa = false;
    const { byId } = await run(w, { cred: { ...cred, user: { ...cred.user, mfa: false } } });
    expect(byId.mfa).toMatchObject({ status: 'blocked', code: 'MFA_REQUIRED' });
  });

  it('input rules are re-checked on the stored request', async () => {
    const { byId } = await run(healthy(), { user: { ...user('bad..name'), firstName: '' } });
    expect(byId['input-rules'].status).toBe('blocked');
    expect(byId['input-rules'].code).toBe('VALIDATION_FAILED');
  });

  it('a check that cannot be made is blocked with the upstream reason, never passed', async () => {
    const w = healthy();
    w.customerError = new AppError('TENANT_NOT_FOUND', 'x', { upstreamCode: '60003' });
    const { checklist, byId } = await run(w);
    expect(byId.customer).toMatchObject({ status: 'blocked', code: 'TENANT_NOT_FOUND' });
    expect(checklist.blockingCode).toBe('TENANT_NOT_FOUND');
  });

  it('caches look-ups for the confirmation card, and the final check bypasses the cache', async () => {
    const w = healthy();
    const first = await run(w);
    const callsAfterFirst = w.calls.filter((c) => c === 'listRelationships').length;
    await run(w, { pre: first.pre });
    expect(w.calls.filter((c) => c === 'listRelationships').length).toBe(callsAfterFirst);

    // The role is revoked: a cached run would still say ok, the final (uncached) one must not.
    w.myGroups = [];
    const final = await run(w, { pre: first.pre, useCache: false });
    expect(final.byId['gdap-role'].status).toBe('blocked');
  });
});

describe('pre-flight where the bot\'s app is not in the customer\'s tenant', () => {
  const notConnected = () => new AppError('CUSTOMER_NOT_CONNECTED', 'token exchange (customer-graph) failed', { upstreamCode: 'AADSTS700016' });

  it('GDAP metadata is read with the app-only token, membership with the engineer\'s', async () => {
    const w = healthy();
    await run(w);
    expect(w.calls).toEqual(expect.arrayContaining(['listRelationships:app-only', 'checkMemberGroups:delegated']));
  });

  it('the domain check is a connectable notice, the user name is answered from Partner Center, nothing blocks', async () => {
    const w = healthy();
    w.customerTenantError = notConnected();
    const { checklist, byId } = await run(w);
    expect(checklist.blocked).toBe(false);
    expect(byId.domain).toMatchObject({ status: 'not-checked', code: 'CUSTOMER_NOT_CONNECTED', connectable: true, evidence: 'CUSTOMER_NOT_CONNECTED · upstream AADSTS700016' });
    expect(byId['upn-free'].status).toBe('ok');
    expect(byId['upn-free'].text).toContain("Partner Center's user list");
    expect(w.calls).toContain('listActiveUsers');
    expect(w.calls).not.toContain('findUserByUpn');
    expect(byId['gdap-role'].status).toBe('ok');
    expect(byId.mfa.status).toBe('ok');
  });

  it('a taken user name is still blocked, found in Partner Center\'s list', async () => {
    const w = healthy();
    w.customerTenantError = new AppError('CUSTOMER_CONSENT_MISSING', 'x', { upstreamCode: 'AADSTS65001' });
    const { byId } = await run(w, { user: user('alice.smith') });
    expect(byId['upn-free']).toMatchObject({ status: 'blocked', code: 'UPN_TAKEN' });
    expect(byId.domain).toMatchObject({ status: 'not-checked', code: 'CUSTOMER_CONSENT_MISSING' });
  });

  it('past 50 pages of users the user-name check is a notice too, unless a deleted user holds the name', async () => {
    const w = healthy();
    w.customerTenantError = notConnected();
    w.extraUserPages = 60;
    const { checklist, byId } = await run(w);
    expect(checklist.blocked).toBe(false);
    expect(byId['upn-free']).toMatchObject({ status: 'not-checked', connectable: true });
    expect(w.calls.filter((c) => c === 'listActiveUsers')).toHaveLength(50);
    const deleted = await run({ ...healthy(), customerTenantError: notConnected(), extraUserPages: 60 }, { user: user('bob.jones') });
    expect(deleted.byId['upn-free']).toMatchObject({ status: 'blocked', code: 'UPN_SOFT_DELETED' });
  });

  it('any other failure of the customer tenant still blocks', async () => {
    const w = healthy();
    w.customerTenantError = new AppError('IDENTITY_UNAVAILABLE', 'down', { retryable: true });
    const { checklist, byId } = await run(w);
    expect(checklist.blocked).toBe(true);
    expect(byId.domain).toMatchObject({ status: 'blocked', code: 'IDENTITY_UNAVAILABLE' });
  });
});

describe('pre-flight when Partner Center refuses to list the customer\'s users (Directory Writers only)', () => {
  const noListRole = () => new AppError('GDAP_ROLE_MISSING', 'Partner Center 403', { httpStatus: 403, upstreamCode: '900150' });
  const writerOnly = (): World => {
    const w = healthy();
    w.relationships[0].roleDefinitionIds = [DW];
    w.assignments['rel-1'] = [{ id: 'as-1', status: 'active', groupId: 'grp-admins', roleDefinitionIds: [DW] }];
    w.listUsersError = noListRole();
    return w;
  };

  it('keeps Graph\'s answer on active users and turns the deleted-users half into a notice without a restore offer', async () => {
    const w = writerOnly();
    const { checklist, byId } = await run(w);
    expect(checklist.blocked).toBe(false);
    expect(byId['gdap-role'].status).toBe('ok');
    expect(byId['upn-free']).toMatchObject({ status: 'not-checked', code: 'GDAP_ROLE_MISSING', evidence: 'Partner Center user list: GDAP_ROLE_MISSING · upstream 900150' });
    expect(byId['upn-free'].text).toMatch(/not taken by an active user/);
    expect(byId['upn-free'].text).toMatch(/Directory Readers, Global Reader or User Administrator/);
    expect(byId['upn-free'].todo).toMatch(/restoring one instead is not offered/);
    expect(byId['upn-free'].restorableUserId).toBeUndefined();
    expect(byId['upn-free'].connectable).toBeFalsy();
    expect(w.calls).toContain('findUserByUpn');
  });

  it('a name Graph finds taken is still blocked', async () => {
    const { byId } = await run(writerOnly(), { user: user('alice.smith') });
    expect(byId['upn-free']).toMatchObject({ status: 'blocked', code: 'UPN_TAKEN' });
  });

  it('a name held by a deleted user is a notice, not a restore offer, since the list cannot be read', async () => {
    const { checklist, byId } = await run(writerOnly(), { user: user('bob.jones') });
    expect(checklist.blocked).toBe(false);
    expect(byId['upn-free']).toMatchObject({ status: 'not-checked', code: 'GDAP_ROLE_MISSING' });
    expect(byId['upn-free'].restorableUserId).toBeUndefined();
  });

  it('with the app not connected either, neither half is checked: a connectable notice, nothing blocks', async () => {
    const w = writerOnly();
    w.customerTenantError = new AppError('CUSTOMER_NOT_CONNECTED', 'x', { upstreamCode: 'AADSTS700016' });
    const { checklist, byId } = await run(w, { user: user('alice.smith') });
    expect(checklist.blocked).toBe(false);
    expect(byId['upn-free']).toMatchObject({ status: 'not-checked', code: 'GDAP_ROLE_MISSING', connectable: true });
    expect(byId['upn-free'].text).toMatch(/^Not checked: .*Directory Readers, Global Reader or User Administrator.*not connected/);
    expect(byId['upn-free'].evidence).toBe('Partner Center user list: GDAP_ROLE_MISSING · upstream 900150; CUSTOMER_NOT_CONNECTED · upstream AADSTS700016');
  });

  it('ACCESS_DENIED from the list is the same notice; any other failure of the list still blocks', async () => {
    const denied = writerOnly();
    denied.listUsersError = new AppError('ACCESS_DENIED', 'x', { httpStatus: 403, upstreamCode: '2032' });
    expect((await run(denied)).byId['upn-free']).toMatchObject({ status: 'not-checked', code: 'ACCESS_DENIED' });
    const down = writerOnly();
    down.listUsersError = new AppError('PARTNER_CENTER_UNAVAILABLE', 'x', { retryable: true });
    const { checklist, byId } = await run(down);
    expect(checklist.blocked).toBe(true);
    expect(byId['upn-free']).toMatchObject({ status: 'blocked', code: 'PARTNER_CENTER_UNAVAILABLE' });
  });
});
