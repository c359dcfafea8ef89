import { CUSTOMERS, PARTNER_TENANT, startHarness, USERS, type Harness } from './harness';

/**
 * What the real MSAL token provider logs against the sandbox's Entra-shaped identity provider on a normal run: the
 * delegated exchanges (partner and customer tenant) and the app-only token. None of it is a warning.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('MSAL token provider logs', () => {
  it("keeps msal-node's 'No client info in response' for the app-only token at debug, and logs no MSAL warning on a normal run", async () => {
    const ada = await h.signIn(USERS.ada); // the Partner Center exchange
    await h.tokens.partnerGraph(ada);
    await h.tokens.customerGraph(ada, CUSTOMERS.fabrikam);
    await h.tokens.partnerGraphApp();

    const msal = h.logger.entries.filter((e) => e.obj.component === 'msal');
    expect(msal.filter((e) => e.level === 'warn' || e.level === 'error')).toEqual([]);
    // The app-only answer (no user, so no client_info, as Entra's) did make MSAL say it: at debug.
    expect(msal.filter((e) => e.level === 'debug' && /No client info in response/.test(e.msg ?? ''))).toHaveLength(1);

    // What the sandbox was asked and answered: client_info=1 on each on-behalf-of request (msal-node sends it),
    // none on the client-credentials one.
    const tokenRequests = (await h.state()).requests.filter((r) => r.path.endsWith('/oauth2/v2.0/token'));
    const form = (r: (typeof tokenRequests)[number]) => r.body as Record<string, string>;
    const obo = tokenRequests.filter((r) => form(r).grant_type === 'urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(obo.map((r) => r.path)).toEqual([`/${PARTNER_TENANT}/oauth2/v2.0/token`, `/${PARTNER_TENANT}/oauth2/v2.0/token`, `/${CUSTOMERS.fabrikam}/oauth2/v2.0/token`]);
    expect(obo.map((r) => form(r).client_info)).toEqual(['1', '1', '1']);
    const appOnly = tokenRequests.filter((r) => form(r).grant_type === 'client_credentials');
    expect(appOnly.map((r) => form(r).client_info)).toEqual([undefined]);
  });
});
