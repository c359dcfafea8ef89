import type { CustomerUser, NewCustomerUser, UserCredential } from '../../../src/core/ports';
import { call, CUSTOMERS, failure, startHarness, USERS, type Harness } from './harness';

jest.setTimeout(60_000);

let h: Harness;
let ada: UserCredential;
let token: string;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.reset();
  ada = await h.signIn(USERS.ada);
  token = (await h.tokens.partnerCenter(ada)).token;
});

const newUser = (local: string, domain = 'fabrikam.example'): NewCustomerUser => ({
  usageLocation: 'US',
  userPrincipalName: `${local}@${domain}`,
  firstName: 'Grace',
  lastName: 'Hopper',
  displayName: 'Grace Hopper',
  password: 'Str0ng!Passw0rd',
  forceChangePassword: true,
});

async function allUsers(customerId: string, query: { deleted?: boolean; size?: number } = {}): Promise<{ users: CustomerUser[]; pages: number }> {
  const users: CustomerUser[] = [];
  let continuationToken: string | undefined;
  let pages = 0;
  do {
    const page = await h.partnerCenter.listUsers(token, customerId, { ...query, continuationToken }, call());
    users.push(...page.items);
    continuationToken = page.continuationToken;
    pages += 1;
  } while (continuationToken && pages < 50);
  return { users, pages };
}

describe('Partner Center contract (production client ↔ sandbox)', () => {
  it('gives an MFA-carrying App+User token for ada', async () => {
    const t = await h.tokens.partnerCenter(ada);
    expect(t.mfa).toBe(true);
    expect(t.expiresOn.getTime()).toBeGreaterThan(Date.now());
  });

  it('lists every customer across pages', async () => {
    const seen = new Map<string, string>();
    let continuationToken: string | undefined;
    let pages = 0;
    do {
      const page = await h.partnerCenter.listCustomers(token, { size: 10, continuationToken }, call());
      expect(page.items.length).toBeLessThanOrEqual(10);
      for (const c of page.items) seen.set(c.id, c.companyName);
      continuationToken = page.continuationToken;
      pages += 1;
    } while (continuationToken && pages < 20);
    expect(pages).toBeGreaterThan(1);
    expect(continuationToken).toBeUndefined();
    expect(seen.size).toBeGreaterThanOrEqual(32);
    expect(seen.get(CUSTOMERS.fabrikam)).toBe('Fabrikam, Inc.');
    expect(seen.get(CUSTOMERS.woodgrove)).toBe('Woodgrove Bank');
    expect(seen.has(CUSTOMERS.notACustomer)).toBe(false);
  });

  it('gets one customer', async () => {
    const c = await h.partnerCenter.getCustomer(token, CUSTOMERS.fabrikam, call());
    expect(c).toEqual(expect.objectContaining({ id: CUSTOMERS.fabrikam, tenantId: CUSTOMERS.fabrikam, companyName: 'Fabrikam, Inc.', defaultDomain: 'fabrikam.example' }));
    expect(typeof c.relationshipToPartner).toBe('string');
  });

  it('refuses an unknown tenant as TENANT_NOT_FOUND', async () => {
    const e = await failure(h.partnerCenter.getCustomer(token, CUSTOMERS.notACustomer, call()));
    expect(e.code).toBe('TENANT_NOT_FOUND');
    expect(e.httpStatus).toBe(404);
    expect(e.upstreamCode).toBe('60003');
  });

  it("lists Woodgrove's 150 users across pages, each once", async () => {
    const { users, pages } = await allUsers(CUSTOMERS.woodgrove);
    expect(pages).toBeGreaterThan(1);
    expect(users.filter((u) => u.state === 'active')).toHaveLength(150);
    expect(new Set(users.map((u) => u.id)).size).toBe(users.length);
  });

  it('lists only soft-deleted users with the deleted filter', async () => {
    const { users: deleted } = await allUsers(CUSTOMERS.fabrikam, { deleted: true });
    expect(deleted.map((u) => u.userPrincipalName)).toContain('bob.jones@fabrikam.example');
    expect(deleted.every((u) => u.state === 'inactive')).toBe(true);
    const { users: all } = await allUsers(CUSTOMERS.fabrikam);
    expect(all.map((u) => u.userPrincipalName)).toContain('alice.smith@fabrikam.example');
  });

  it('gets a user, and refuses an unknown one as USER_NOT_FOUND', async () => {
    const { users } = await allUsers(CUSTOMERS.fabrikam);
    const alice = users.find((u) => u.userPrincipalName === 'alice.smith@fabrikam.example')!;
    const got = await h.partnerCenter.getUser(token, CUSTOMERS.fabrikam, alice.id, call());
    expect(got).toEqual(expect.objectContaining({ id: alice.id, userPrincipalName: 'alice.smith@fabrikam.example', state: 'active' }));
    const e = await failure(h.partnerCenter.getUser(token, CUSTOMERS.fabrikam, '99999999-9999-4999-8999-999999999999', call()));
    expect(e.code).toBe('USER_NOT_FOUND');
    expect(e.upstreamCode).toBe('60002');
  });

  it('creates a user (the echoed password is dropped), deletes it and restores it', async () => {
    const user = newUser('grace.hopper');
    const opts = call();
    const created = await h.partnerCenter.createUser(token, CUSTOMERS.fabrikam, user, opts);
    expect(created).toEqual(expect.objectContaining({ userPrincipalName: user.userPrincipalName, displayName: 'Grace Hopper', state: 'active' }));
    expect(JSON.stringify(created)).not.toContain(user.password);

    const state = await h.state();
    expect(state.users[CUSTOMERS.fabrikam].filter((u) => u.userPrincipalName === user.userPrincipalName)).toHaveLength(1);
    const post = state.requests.find((r) => r.method === 'POST' && r.path === `/v1/customers/${CUSTOMERS.fabrikam}/users`)!;
    expect(post.headers['ms-correlationid']).toBe(opts.correlationId);
    expect(post.headers['ms-contract-version']).toBe('v1');
    expect(post.auth).toEqual(expect.objectContaining({ upn: USERS.ada, amr: ['pwd', 'mfa'] }));

    await h.partnerCenter.deleteUser(token, CUSTOMERS.fabrikam, created.id, call());
    const { users: deleted } = await allUsers(CUSTOMERS.fabrikam, { deleted: true });
    expect(deleted.find((u) => u.id === created.id)?.state).toBe('inactive');

    const restored = await h.partnerCenter.restoreUser(token, CUSTOMERS.fabrikam, created.id, call());
    expect(restored).toEqual(expect.objectContaining({ id: created.id, state: 'active' }));
    expect((await h.partnerCenter.getUser(token, CUSTOMERS.fabrikam, created.id, call())).state).toBe('active');
    expect(h.logger.text()).not.toContain(user.password);
  });

  it('refuses deleting the same user twice (two logical calls) as USER_NOT_FOUND', async () => {
    const created = await h.partnerCenter.createUser(token, CUSTOMERS.fabrikam, newUser('short.lived'), call());
    await h.partnerCenter.deleteUser(token, CUSTOMERS.fabrikam, created.id, call());
    const e = await failure(h.partnerCenter.deleteUser(token, CUSTOMERS.fabrikam, created.id, call()));
    expect(e.code).toBe('USER_NOT_FOUND');
    expect(e.upstreamCode).toBe('60002');
  });

  it('restores the seeded soft-deleted bob', async () => {
    const { users } = await allUsers(CUSTOMERS.fabrikam, { deleted: true });
    const bob = users.find((u) => u.userPrincipalName === 'bob.jones@fabrikam.example')!;
    expect((await h.partnerCenter.restoreUser(token, CUSTOMERS.fabrikam, bob.id, call())).state).toBe('active');
  });

  it('lists subscribed skus and assigns a licence to a new user', async () => {
    const skus = await h.partnerCenter.listSubscribedSkus(token, CUSTOMERS.fabrikam, call());
    expect(skus.length).toBeGreaterThan(0);
    for (const s of skus) {
      expect(s.skuId).toBeTruthy();
      expect(typeof s.availableUnits).toBe('number');
    }
    const sku = skus.find((s) => s.availableUnits > 0) ?? skus[0];
    const created = await h.partnerCenter.createUser(token, CUSTOMERS.fabrikam, newUser('licensed.person'), call());
    await h.partnerCenter.assignLicenses(token, CUSTOMERS.fabrikam, created.id, [sku.skuId], call());
    const req = (await h.state()).requests.find((r) => r.method === 'POST' && r.path.endsWith(`/users/${created.id}/licenseupdates`))!;
    expect(req.status).toBeLessThan(300);
    expect(req.body).toEqual({ LicensesToAssign: [{ SkuId: sku.skuId, ExcludedPlans: [] }], Attributes: { ObjectType: 'LicenseUpdate' } });
  });

  it('refuses a licence that is used up (NO_FREE_SEAT, Microsoft\'s 60012) or unknown (LICENCE_UNKNOWN)', async () => {
    const skus = await h.partnerCenter.listSubscribedSkus(token, CUSTOMERS.fabrikam, call());
    const usedUp = skus.find((s) => s.availableUnits === 0)!;
    expect(usedUp).toBeDefined();
    const created = await h.partnerCenter.createUser(token, CUSTOMERS.fabrikam, newUser('unlicensed.person'), call());
    const none = await failure(h.partnerCenter.assignLicenses(token, CUSTOMERS.fabrikam, created.id, [usedUp.skuId], call()));
    expect(none.code).toBe('NO_FREE_SEAT');
    expect(none.upstreamCode).toBe('60012');
    const unknown = await failure(h.partnerCenter.assignLicenses(token, CUSTOMERS.fabrikam, created.id, ['00000000-0000-4000-8000-000000000000'], call()));
    expect(unknown.code).toBe('LICENCE_UNKNOWN');
  });

  it('never logs the token or the password', async () => {
    await h.partnerCenter.createUser(token, CUSTOMERS.fabrikam, newUser('quiet.person'), call());
    const text = h.logger.text();
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.split('.')[1]);
    expect(text).not.toContain(ada.assertion.split('.')[1]);
    expect(text).not.toContain('Str0ng!Passw0rd');
  });
});
