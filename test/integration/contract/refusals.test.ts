import { ConfidentialClientApplication } from '@azure/msal-node';
import { SANDBOX_AUTHORITY_HOST, SANDBOX_IDENTITY } from '../../../src/config';
import type { NewCustomerUser, UserCredential } from '../../../src/core/ports';
import { createLoopbackNetworkClient } from '../../../src/identity/loopback-network-client';
import { call, CUSTOMERS, failure, PARTNER_TENANT, startHarness, USERS, type Harness } from './harness';

jest.setTimeout(60_000);

let h: Harness;
let ada: UserCredential;
let adaToken: string;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.reset();
  ada = await h.signIn(USERS.ada);
  adaToken = (await h.tokens.partnerCenter(ada)).token;
});

const valid: NewCustomerUser = {
  usageLocation: 'US',
  userPrincipalName: 'new.person@fabrikam.example',
  firstName: 'New',
  lastName: 'Person',
  displayName: 'New Person',
  password: 'Str0ng!Passw0rd',
  forceChangePassword: true,
};

async function createAs(cred: UserCredential, customerId: string, user: Partial<NewCustomerUser> = {}) {
  const token = (await h.tokens.partnerCenter(cred)).token;
  return failure(h.partnerCenter.createUser(token, customerId, { ...valid, ...user }, call()));
}

describe('refusals (production clients ↔ sandbox)', () => {
  it('refuses an app-only token: Partner Center user operations are App+User only', async () => {
    const app = new ConfidentialClientApplication({
      auth: {
        clientId: SANDBOX_IDENTITY.botId,
        clientSecret: SANDBOX_IDENTITY.clientSecret,
        authority: `${SANDBOX_AUTHORITY_HOST}/${PARTNER_TENANT}`,
        knownAuthorities: [new URL(SANDBOX_AUTHORITY_HOST).host],
      },
      system: { networkClient: createLoopbackNetworkClient({ host: new URL(SANDBOX_AUTHORITY_HOST).host, baseUrl: h.url }) },
    });
    const result = await app.acquireTokenByClientCredential({ scopes: ['https://api.partnercenter.microsoft.com/.default'] });
    expect(result?.accessToken).toBeTruthy();
    const e = await failure(h.partnerCenter.listUsers(result!.accessToken, CUSTOMERS.fabrikam, {}, call()));
    expect(e.code).toBe('UNAUTHENTICATED');
    expect(e.httpStatus).toBe(401);
    expect(e.upstreamCode).toBe('400');
    const created = await failure(h.partnerCenter.createUser(result!.accessToken, CUSTOMERS.fabrikam, valid, call()));
    expect(created.code).toBe('UNAUTHENTICATED');
    const refused = (await h.state()).requests.filter((r) => r.path.startsWith('/v1/customers/'));
    expect(refused.map((r) => [r.status, r.auth?.idtyp])).toEqual([
      [401, 'app'],
      [401, 'app'],
    ]);
    expect((await h.state()).users[CUSTOMERS.fabrikam].some((u) => u.userPrincipalName === valid.userPrincipalName)).toBe(false);
  });

  it('refuses a sign-in without MFA', async () => {
    const noMfa = await h.signIn(USERS.ada, { mfa: false });
    expect(noMfa.user.mfa).toBe(false);
    const token = await h.tokens.partnerCenter(noMfa);
    expect(token.mfa).toBe(false);
    const e = await failure(h.partnerCenter.createUser(token.token, CUSTOMERS.fabrikam, valid, call()));
    expect(e.code).toBe('MFA_REQUIRED');
    expect(e.httpStatus).toBe(401);
    expect(e.upstreamCode).toBe('900419');
  });

  it('refuses a garbage bearer token as UNAUTHENTICATED', async () => {
    expect((await failure(h.partnerCenter.listCustomers('not-a-token', {}, call()))).code).toBe('UNAUTHENTICATED');
  });

  it('maps a user who never consented to CONSENT_REQUIRED', async () => {
    const dan = await h.signIn(USERS.dan);
    const e = await failure(h.tokens.partnerCenter(dan));
    expect(e.code).toBe('CONSENT_REQUIRED');
    expect(e.upstreamCode).toBe('AADSTS65001');
  });

  it('maps an assertion for another audience to TOKEN_EXCHANGE_FAILED', async () => {
    const res = await fetch(`${h.url}/_sandbox/sso-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userPrincipalName: USERS.ada, mfa: true, audience: 'api://someone-else' }),
    });
    const { token } = (await res.json()) as { token: string };
    const e = await failure(h.tokens.partnerCenter({ user: ada.user, assertion: token }));
    expect(e.code).toBe('TOKEN_EXCHANGE_FAILED');
  });

  it.each([
    ['ben (no suitable role anywhere)', USERS.ben, CUSTOMERS.fabrikam],
    ['ada on Litware (only Directory Readers)', USERS.ada, CUSTOMERS.litware],
    ['ada on Tailspin (relationship expired)', USERS.ada, CUSTOMERS.tailspin],
  ])('refuses a creation without a GDAP role: %s', async (_what, upn, customerId) => {
    const e = await createAs(await h.signIn(upn), customerId);
    expect(e.code).toBe('GDAP_ROLE_MISSING');
    expect(e.httpStatus).toBe(403);
    expect(e.upstreamCode).toBe('900150');
    expect(e.retryable).toBe(false);
    expect((await h.state()).users[customerId]?.some((u) => u.userPrincipalName === valid.userPrincipalName) ?? false).toBe(false);
  });

  it('refuses a customer without a relationship', async () => {
    const e = await createAs(ada, CUSTOMERS.wideWorld);
    expect(e.code).toBe('NO_RELATIONSHIP');
    expect(e.httpStatus).toBe(403);
    expect(e.upstreamCode).toBe('20002');
  });

  it.each([
    ['erin (Directory Writers)', USERS.erin],
    ['cleo (User Administrator through a nested group)', USERS.cleo],
  ])('lets %s create', async (_what, upn) => {
    const cred = await h.signIn(upn);
    const token = (await h.tokens.partnerCenter(cred)).token;
    const created = await h.partnerCenter.createUser(token, CUSTOMERS.fabrikam, { ...valid, userPrincipalName: `by.${upn.split('@')[0]}@fabrikam.example` }, call());
    expect(created.state).toBe('active');
  });

  it('refuses erin (Directory Writers only) the user list, deleted users and one user as GDAP_ROLE_MISSING 403 900150', async () => {
    const erin = await h.signIn(USERS.erin);
    const token = (await h.tokens.partnerCenter(erin)).token;
    const alice = (await h.partnerCenter.listUsers(adaToken, CUSTOMERS.fabrikam, {}, call())).items.find((u) => u.userPrincipalName === 'alice.smith@fabrikam.example')!;
    // Thunks, not promises: three calls started together would leave two rejections unhandled while the first is
    // awaited, and Node reports that as a failure of whichever test is running.
    for (const attempt of [
      () => h.partnerCenter.listUsers(token, CUSTOMERS.fabrikam, {}, call()),
      () => h.partnerCenter.listUsers(token, CUSTOMERS.fabrikam, { deleted: true }, call()),
      () => h.partnerCenter.getUser(token, CUSTOMERS.fabrikam, alice.id, call()),
    ]) {
      const e = await failure(attempt());
      expect(e.code).toBe('GDAP_ROLE_MISSING');
      expect(e.httpStatus).toBe(403);
      expect(e.upstreamCode).toBe('900150');
      expect(e.retryable).toBe(false);
    }
  });

  it('lets ben read users but not delete one', async () => {
    const ben = await h.signIn(USERS.ben);
    const token = (await h.tokens.partnerCenter(ben)).token;
    const page = await h.partnerCenter.listUsers(token, CUSTOMERS.fabrikam, {}, call());
    const alice = page.items.find((u) => u.userPrincipalName === 'alice.smith@fabrikam.example')!;
    expect(alice).toBeDefined();
    expect((await failure(h.partnerCenter.deleteUser(token, CUSTOMERS.fabrikam, alice.id, call()))).code).toBe('GDAP_ROLE_MISSING');
  });

  it('refuses a federated domain', async () => {
    const e = await createAs(ada, CUSTOMERS.northwind, { userPrincipalName: 'new.person@northwind.example' });
    expect(e.code).toBe('DOMAIN_FEDERATED');
    expect(e.httpStatus).toBe(400);
    expect(e.upstreamCode).toBe('2000');
  });

  it('creates in the managed domain of the same customer', async () => {
    const created = await h.partnerCenter.createUser(adaToken, CUSTOMERS.northwind, { ...valid, userPrincipalName: 'new.person@northwindtraders.onmicrosoft.com' }, call());
    expect(created.state).toBe('active');
  });

  it('refuses a duplicate UPN', async () => {
    const e = await createAs(ada, CUSTOMERS.fabrikam, { userPrincipalName: 'alice.smith@fabrikam.example' });
    expect(e.code).toBe('UPN_TAKEN');
    expect(e.httpStatus).toBe(400);
  });

  it.each([
    ['an unverified domain of the customer', 'new.person@fabrikam-pending.example'],
    ['a domain the customer does not own', 'new.person@contoso.example'],
  ])('refuses %s as DOMAIN_NOT_VERIFIED', async (_what, userPrincipalName) => {
    expect((await createAs(ada, CUSTOMERS.fabrikam, { userPrincipalName })).code).toBe('DOMAIN_NOT_VERIFIED');
  });

  const long = (n: number) => 'a'.repeat(n);
  it.each([
    ['7 characters', 'Ab1!xyz'],
    ['only lowercase', 'abcdefghijkl'],
    ['two classes only', 'abcdefgh1234'],
    ['257 characters', `Aa1!${long(253)}`],
    ['other Unicode', 'Pässwörd123!'],
  ])('refuses a password with %s as INVALID_PASSWORD', async (_what, password) => {
    const e = await createAs(ada, CUSTOMERS.fabrikam, { password });
    expect(e.code).toBe('INVALID_PASSWORD');
    expect(e.retryable).toBe(false);
  });

  it('accepts the password limits (8 and 256 characters, three classes)', async () => {
    await h.partnerCenter.createUser(adaToken, CUSTOMERS.fabrikam, { ...valid, userPrincipalName: 'eight@fabrikam.example', password: 'Abcdef1x' }, call());
    await h.partnerCenter.createUser(adaToken, CUSTOMERS.fabrikam, { ...valid, userPrincipalName: 'long.pw@fabrikam.example', password: `Aa1${long(253)}` }, call());
  });

  it.each([
    ['a space in the local part', { userPrincipalName: 'new person@fabrikam.example' }, 'userName'],
    ['a forbidden character', { userPrincipalName: 'new(person)@fabrikam.example' }, 'userName'],
    ['a dot before the @', { userPrincipalName: 'new.person.@fabrikam.example' }, 'userName'],
    ['a local part over 64', { userPrincipalName: `${long(65)}@fabrikam.example` }, 'userName'],
    ['a display name over 256', { displayName: long(257) }, 'displayName'],
    ['a first name over 64', { firstName: long(65) }, 'firstName'],
    ['a last name over 64', { lastName: long(65) }, 'lastName'],
    ['a usage location that is not a country code', { usageLocation: 'USA' }, 'usageLocation'],
    ['an immutable id with $', { immutableId: 'abc$def' }, 'immutableId'],
    ['an immutable id with _', { immutableId: 'abc_def' }, 'immutableId'],
  ])('refuses %s as INVALID_FIELD naming the field', async (_what, change, field) => {
    const e = await createAs(ada, CUSTOMERS.fabrikam, change);
    expect(e.code).toBe('INVALID_FIELD');
    expect(e.fields?.map((f) => f.field)).toEqual([field]);
    expect(e.httpStatus).toBe(400);
  });

  it('accepts the UPN characters Entra allows', async () => {
    const created = await h.partnerCenter.createUser(adaToken, CUSTOMERS.fabrikam, { ...valid, userPrincipalName: "o'brien.a-b_c!d#e^f~g@fabrikam.example" }, call());
    expect(created.userPrincipalName).toBe("o'brien.a-b_c!d#e^f~g@fabrikam.example");
  });

  it('refuses reads without any GDAP assignment, and a customer-tenant token for a tenant the engineer has no role in', async () => {
    const wideWorld = await failure(h.partnerCenter.listUsers(adaToken, CUSTOMERS.wideWorld, {}, call()));
    expect(wideWorld.code).toBe('NO_RELATIONSHIP');
    // Tailspin: the app is connected there, but Ada's relationship has expired (AADSTS50020).
    const e = await failure(h.tokens.customerGraph(ada, CUSTOMERS.tailspin));
    expect(e.code).toBe('GDAP_ROLE_MISSING');
    // Wide World: the app was never consented there; that is asked first (AADSTS700016).
    expect((await failure(h.tokens.customerGraph(ada, CUSTOMERS.wideWorld))).code).toBe('CUSTOMER_NOT_CONNECTED');
  });
});
