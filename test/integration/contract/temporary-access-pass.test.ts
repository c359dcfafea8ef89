import type { NewCustomerUser, UserCredential } from '../../../src/core/ports';
import { call, CUSTOMERS, failure, startHarness, USERS, type Harness } from './harness';

/**
 * The TemporaryAccessPasses port (production Graph client, customer tenant) and CredentialTokens against the
 * sandbox over HTTP: the policy, the pass shown once, a new pass replacing the previous one, the policy's bounds,
 * the roles, the consent, and the faults.
 */

jest.setTimeout(60_000);

let h: Harness;
let ada: UserCredential;
let token: string;
let newUserId: string;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.reset();
  ada = await h.signIn(USERS.ada);
  token = (await h.tokens.customerGraphForCredentials(ada, CUSTOMERS.fabrikam)).token;
  const pc = (await h.tokens.partnerCenter(ada)).token;
  const u: NewCustomerUser = { usageLocation: 'US', userPrincipalName: 'first.day@fabrikam.example', firstName: 'First', lastName: 'Day', displayName: 'First Day', password: 'Str0ng!Passw0rd', forceChangePassword: true };
  newUserId = (await h.partnerCenter.createUser(pc, CUSTOMERS.fabrikam, u, call())).id;
});

type Customer = { id: string; temporaryAccessPasses: Record<string, { id: string; startDateTime: string; lifetimeInMinutes: number; isUsableOnce: boolean }> };
const passesOf = async (customerId: string) => ((await h.state()).customers as unknown as Customer[]).find((c) => c.id === customerId)!.temporaryAccessPasses;
const tapPosts = async () => (await h.state()).requests.filter((r) => r.method === 'POST' && r.path.endsWith('/authentication/temporaryAccessPassMethods'));

describe('the Temporary Access Pass policy', () => {
  it('reads Fabrikam’s policy (enabled, its lifetimes and one-time setting) with Policy.Read.AuthenticationMethod', async () => {
    expect(await h.temporaryAccessPasses.readPolicy(token, call())).toEqual({ enabled: true, defaultLifetimeInMinutes: 480, minimumLifetimeInMinutes: 60, maximumLifetimeInMinutes: 10080, isUsableOnce: false });
    const read = (await h.state()).requests.find((r) => r.path === '/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass')!;
    expect(read.status).toBe(200);
    expect(read.auth?.scp?.split(' ')).toEqual(expect.arrayContaining(['UserAuthenticationMethod.ReadWrite.All', 'Policy.Read.AuthenticationMethod']));
  });

  it('reads a disabled policy in a connected tenant (Northwind) as enabled: false', async () => {
    const northwind = (await h.tokens.customerGraphForCredentials(ada, CUSTOMERS.northwind)).token;
    expect((await h.temporaryAccessPasses.readPolicy(northwind, call())).enabled).toBe(false);
  });

  it('an engineer without Global Reader / Authentication Policy Administrator cannot read it (GDAP_ROLE_MISSING)', async () => {
    const erin = (await h.tokens.customerGraphForCredentials(await h.signIn(USERS.erin), CUSTOMERS.fabrikam)).token;
    expect((await failure(h.temporaryAccessPasses.readPolicy(erin, call()))).code).toBe('GDAP_ROLE_MISSING');
  });
});

describe('creating a Temporary Access Pass', () => {
  it('answers 201 with the pass once; the sandbox keeps its times but not the pass, and the log never shows it', async () => {
    const start = new Date(Date.now() + 24 * 3_600_000);
    const tap = await h.temporaryAccessPasses.create(token, newUserId, { lifetimeInMinutes: 120, isUsableOnce: true, startDateTime: start }, call());
    expect(tap.pass.length).toBe(12); // Fabrikam's policy: defaultLength 12
    expect(tap.validFrom.toISOString()).toBe(start.toISOString());
    expect(tap.expiresAt.getTime() - tap.validFrom.getTime()).toBe(120 * 60_000);
    expect(tap.isUsableOnce).toBe(true);
    const stored = (await passesOf(CUSTOMERS.fabrikam))[newUserId];
    expect(stored).toMatchObject({ id: tap.methodId, lifetimeInMinutes: 120, isUsableOnce: true, startDateTime: start.toISOString() });
    const state = JSON.stringify(await h.state());
    expect(state).not.toContain(tap.pass);
    expect(h.logger.text()).not.toContain(tap.pass);
    const [post] = await tapPosts();
    expect(post).toMatchObject({ status: 201, body: { lifetimeInMinutes: 120, isUsableOnce: true, startDateTime: start.toISOString() } });
  });

  it('takes the policy’s defaults when the form leaves lifetime and use open, usable at once', async () => {
    const before = Date.now();
    const tap = await h.temporaryAccessPasses.create(token, newUserId, {}, call());
    expect(tap.lifetimeInMinutes).toBe(480);
    expect(tap.isUsableOnce).toBe(false);
    expect(tap.validFrom.getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it('a second pass replaces the first (one per user)', async () => {
    const first = await h.temporaryAccessPasses.create(token, newUserId, { lifetimeInMinutes: 60 }, call());
    const second = await h.temporaryAccessPasses.create(token, newUserId, { lifetimeInMinutes: 90 }, call());
    expect(second.methodId).not.toBe(first.methodId);
    expect(second.pass).not.toBe(first.pass);
    const passes = await passesOf(CUSTOMERS.fabrikam);
    expect(Object.keys(passes)).toEqual([newUserId]);
    expect(passes[newUserId]).toMatchObject({ id: second.methodId, lifetimeInMinutes: 90 });
  });

  it('refuses a lifetime outside the policy’s bounds (TAP_LIFETIME_OUT_OF_POLICY, 400 with Graph’s text) and keeps nothing', async () => {
    const e = await failure(h.temporaryAccessPasses.create(token, newUserId, { lifetimeInMinutes: 30 }, call()));
    expect(e.code).toBe('TAP_LIFETIME_OUT_OF_POLICY');
    expect(e.httpStatus).toBe(400);
    expect((await failure(h.temporaryAccessPasses.create(token, newUserId, { lifetimeInMinutes: 10081 }, call()))).code).toBe('TAP_LIFETIME_OUT_OF_POLICY');
    expect(await passesOf(CUSTOMERS.fabrikam)).toEqual({});
  });

  it('refuses in a tenant whose policy is disabled (TAP_POLICY_DISABLED)', async () => {
    const northwind = (await h.tokens.customerGraphForCredentials(ada, CUSTOMERS.northwind)).token;
    const nancy = (await h.state()).users[CUSTOMERS.northwind].find((u) => u.userPrincipalName.startsWith('nancy.davolio@'))!;
    expect((await failure(h.temporaryAccessPasses.create(northwind, nancy.id, {}, call()))).code).toBe('TAP_POLICY_DISABLED');
    expect(await passesOf(CUSTOMERS.northwind)).toEqual({});
  });

  it('refuses an engineer without Authentication Administrator (TAP_ROLE_MISSING), and an unknown user (USER_NOT_FOUND)', async () => {
    const erin = (await h.tokens.customerGraphForCredentials(await h.signIn(USERS.erin), CUSTOMERS.fabrikam)).token;
    expect((await failure(h.temporaryAccessPasses.create(erin, newUserId, {}, call()))).code).toBe('TAP_ROLE_MISSING');
    expect((await failure(h.temporaryAccessPasses.create(token, '00000000-0000-4000-8000-000000000000', {}, call()))).code).toBe('USER_NOT_FOUND');
    expect(await passesOf(CUSTOMERS.fabrikam)).toEqual({});
  });

  it('throttling (429 + Retry-After) is waited out: one pass, the last answer’s', async () => {
    await h.fault({ method: 'POST', path: '/v1.0/users/*/authentication/temporaryAccessPassMethods', kind: 'status', status: 429, retryAfterSeconds: 1 });
    const tap = await h.temporaryAccessPasses.create(token, newUserId, {}, call());
    const posts = await tapPosts();
    expect(posts.map((p) => p.status)).toEqual([429, 201]);
    expect((await passesOf(CUSTOMERS.fabrikam))[newUserId].id).toBe(tap.methodId);
  });
});

describe('the credential token (CredentialTokens)', () => {
  it('a tenant consented without the pass’s permissions answers CUSTOMER_CONSENT_MISSING; a tenant without the app CUSTOMER_NOT_CONNECTED', async () => {
    expect((await failure(h.tokens.customerGraphForCredentials(ada, CUSTOMERS.woodgrove))).code).toBe('CUSTOMER_CONSENT_MISSING');
    expect((await failure(h.tokens.customerGraphForCredentials(ada, CUSTOMERS.adatum))).code).toBe('CUSTOMER_NOT_CONNECTED');
  });
});
