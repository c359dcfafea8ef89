import { SANDBOX_IDENTITY } from '../../../src/config';
import type { ApplicationConsent, UserCredential } from '../../../src/core/ports';
import { call, CUSTOMERS, failure, startHarness, USERS, type Harness } from './harness';

jest.setTimeout(60_000);

const GRAPH = '00000003-0000-0000-c000-000000000000';
/** The seed's team lead: Admin agent with Cloud Application Administrator on the healthy customers. */
const GRACE = 'grace@contoso-partner.example';
const consent: ApplicationConsent = { applicationId: SANDBOX_IDENTITY.botId, displayName: 'Partner User Desk', grants: [{ enterpriseApplicationId: GRAPH, scopes: ['Domain.Read.All', 'User.Read.All'] }] };

/**
 * The production Partner Center client's application consents against the sandbox: the request it sends, what the
 * sandbox then lets Entra do (a token in the customer tenant), and each documented refusal as a stable code.
 */
describe('application consents (multi-tenant app registration)', () => {
  let h: Harness;
  const pcToken = async (upn: string) => (await h.tokens.partnerCenter(await h.signIn(upn))).token;
  const appConsents = async (customerId: string) => ((await h.state()).customers.find((c) => c.id === customerId)?.appConsents ?? {}) as Record<string, string[]>;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());
  beforeEach(() => h.reset());

  it('Grace (Admin agent, Cloud Application Administrator) connects Adatum: the consent is sent as documented, and Entra then issues a token there', async () => {
    const ada: UserCredential = await h.signIn(GRACE);
    const before = await failure(h.tokens.customerGraph(ada, CUSTOMERS.adatum));
    expect(before.upstreamCode).toBe('AADSTS700016');
    expect(await appConsents(CUSTOMERS.adatum)).toEqual({});

    await h.partnerCenter.createApplicationConsent((await h.tokens.partnerCenter(ada)).token, CUSTOMERS.adatum, consent, call());

    expect(await appConsents(CUSTOMERS.adatum)).toEqual({ [SANDBOX_IDENTITY.botId]: ['Domain.Read.All', 'User.Read.All'] });
    const sent = (await h.state()).requests.find((r) => r.method === 'POST' && r.path === `/v1/customers/${CUSTOMERS.adatum}/applicationconsents`)!;
    expect(sent.status).toBe(201);
    expect(sent.body).toEqual({ applicationId: SANDBOX_IDENTITY.botId, applicationGrants: [{ enterpriseApplicationId: GRAPH, scope: 'Domain.Read.All,User.Read.All' }], displayName: 'Partner User Desk' });
    expect(sent.headers['ms-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent.auth?.upn).toBe(GRACE);
    await expect(h.tokens.customerGraph(ada, CUSTOMERS.adatum)).resolves.toMatchObject({ token: expect.any(String) });
  });

  it('a second consent of the same app is ALREADY_CONNECTED; after DELETE it can be made again', async () => {
    const token = await pcToken(GRACE);
    expect((await failure(h.partnerCenter.createApplicationConsent(token, CUSTOMERS.fabrikam, consent, call()))).code).toBe('ALREADY_CONNECTED');
    await h.partnerCenter.deleteApplicationConsent(token, CUSTOMERS.fabrikam, SANDBOX_IDENTITY.botId, call());
    expect(await appConsents(CUSTOMERS.fabrikam)).toEqual({});
    const ada = await h.signIn(GRACE);
    expect((await failure(h.tokens.customerGraph(ada, CUSTOMERS.fabrikam))).upstreamCode).toBe('AADSTS700016');
    await h.partnerCenter.createApplicationConsent(token, CUSTOMERS.fabrikam, consent, call());
    expect(Object.keys(await appConsents(CUSTOMERS.fabrikam))).toEqual([SANDBOX_IDENTITY.botId]);
  });

  it.each([
    ['Grace on Litware: Admin agent, but no role there that may consent apps (only Directory Readers)', GRACE, CUSTOMERS.litware, 'CONNECT_ROLE_MISSING', '900150'],
    ['Ada: User Administrator, but not an Admin agent', USERS.ada, CUSTOMERS.adatum, 'ADMIN_AGENT_REQUIRED', '2032'],
    ['Ben: not an Admin agent, no GDAP role', USERS.ben, CUSTOMERS.adatum, 'ADMIN_AGENT_REQUIRED', '2032'],
    ['Grace on Wide World (no relationship at all)', GRACE, CUSTOMERS.wideWorld, 'NO_RELATIONSHIP', '20002'],
    ['Grace on Tailspin (relationship expired)', GRACE, CUSTOMERS.tailspin, 'CONNECT_ROLE_MISSING', '900150'],
    ['Grace on a tenant that is no customer', GRACE, CUSTOMERS.notACustomer, 'TENANT_NOT_FOUND', '60003'],
  ])('refuses %s', async (_what, upn, customerId, code, upstreamCode) => {
    const before = await appConsents(customerId);
    const error = await failure(h.partnerCenter.createApplicationConsent(await pcToken(upn), customerId, consent, call()));
    expect(error.code).toBe(code);
    expect(error.upstreamCode).toBe(upstreamCode);
    expect(await appConsents(customerId)).toEqual(before);
  });

  it('refuses a body without grants with 400', async () => {
    const error = await failure(h.partnerCenter.createApplicationConsent(await pcToken(GRACE), CUSTOMERS.adatum, { ...consent, grants: [] }, call()));
    expect(error.httpStatus).toBe(400);
    expect(await appConsents(CUSTOMERS.adatum)).toEqual({});
  });

  it('deleting a consent that does not exist is a 404', async () => {
    const error = await failure(h.partnerCenter.deleteApplicationConsent(await pcToken(GRACE), CUSTOMERS.adatum, SANDBOX_IDENTITY.botId, call()));
    expect(error.httpStatus).toBe(404);
  });
});

describe('application consents (single-tenant app registration, as docs/deploy.md sets up)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ appRegistration: 'single-tenant' });
  });
  afterAll(() => h.close());

  it('a single-tenant app cannot be consented in a customer tenant: APP_NOT_MULTI_TENANT, nothing changes', async () => {
    const ada = await h.signIn(GRACE);
    const error = await failure(h.partnerCenter.createApplicationConsent((await h.tokens.partnerCenter(ada)).token, CUSTOMERS.adatum, consent, call()));
    expect(error.code).toBe('APP_NOT_MULTI_TENANT');
    expect(error.httpStatus).toBe(400);
    const adatum = (await h.state()).customers.find((c) => c.id === CUSTOMERS.adatum)!;
    expect(adatum.appConsents).toEqual({});
  });
});
