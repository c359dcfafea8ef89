import { AuthError, ConfidentialClientApplication, InteractionRequiredAuthError, LogLevel } from '@azure/msal-node';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox/server';
import { BOT_ID, claimsOf, CLIENT_SECRET, CUSTOMERS, ENGINEERS, GRAPH_SCOPE, PARTNER_TENANT, PC_SCOPE, sandboxClient, sandboxNetworkClient, type SandboxClient } from '../../support/sandbox-network';

/** The real msal-node 3.8.1, as the bot uses it, against the sandbox's identity provider. */

let sandbox: RunningSandbox;
let client: SandboxClient;
const msalLogs: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, quiet: true });
  client = sandboxClient(sandbox.url);
});
afterAll(() => sandbox.close());

function cca(tenant: string = PARTNER_TENANT, secret: string = CLIENT_SECRET): ConfidentialClientApplication {
  return new ConfidentialClientApplication({
    auth: { clientId: BOT_ID, clientSecret: secret, authority: `https://login.sandbox.test/${tenant}`, knownAuthorities: ['login.sandbox.test'] },
    system: {
      networkClient: sandboxNetworkClient(sandbox.url),
      loggerOptions: { logLevel: LogLevel.Warning, piiLoggingEnabled: false, loggerCallback: (_l, message) => msalLogs.push(message) },
    },
  });
}

async function msalFailure(p: Promise<unknown>): Promise<AuthError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AuthError) return e;
    throw e;
  }
  throw new Error('expected MSAL to fail');
}

/** MSAL keeps the AADSTS number as `errorNo`, and the description (which starts with it) in its message. */
function expectAadsts(e: AuthError, code: string): void {
  expect(String((e as AuthError & { errorNo?: unknown }).errorNo)).toBe(code);
  expect(e.errorMessage).toMatch(new RegExp(`(^|Description: )AADSTS${code}:`));
}

describe('msal-node on-behalf-of against the sandbox', () => {
  it('exchanges an SSO token for a Partner Center token MSAL accepts, with the MFA of the sign-in', async () => {
    const sso = await client.ssoToken(ENGINEERS.ada);
    const result = await cca().acquireTokenOnBehalfOf({ oboAssertion: sso, scopes: [PC_SCOPE] });
    expect(result).not.toBeNull();
    expect(result!.tokenType).toBe('Bearer');
    expect(result!.scopes).toEqual([PC_SCOPE]);
    expect(result!.expiresOn!.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(result!.account).toEqual(expect.objectContaining({ username: ENGINEERS.ada, tenantId: PARTNER_TENANT, name: 'Ada Lovelace' }));
    expect(result!.idTokenClaims).toEqual(expect.objectContaining({ aud: BOT_ID, tid: PARTNER_TENANT, preferred_username: ENGINEERS.ada }));
    const access = claimsOf(result!.accessToken);
    expect(access).toEqual(expect.objectContaining({ ver: '1.0', aud: 'https://api.partnercenter.microsoft.com', scp: 'user_impersonation', tid: PARTNER_TENANT, upn: ENGINEERS.ada, amr: ['pwd', 'mfa'], iss: `https://sts.windows.net/${PARTNER_TENANT}/` }));

    // The token works on Partner Center.
    const customers = await client.pc(result!.accessToken, 'GET', '/v1/customers?size=5');
    expect(customers.status).toBe(200);
  });

  it('serves a repeat of the same exchange from its cache (no second token request)', async () => {
    const app = cca();
    const sso = await client.ssoToken(ENGINEERS.erin);
    const before = (await client.state()).requests.filter((r: { path: string }) => r.path.endsWith('/oauth2/v2.0/token')).length;
    const first = await app.acquireTokenOnBehalfOf({ oboAssertion: sso, scopes: [PC_SCOPE] });
    const second = await app.acquireTokenOnBehalfOf({ oboAssertion: sso, scopes: [PC_SCOPE] });
    expect(second!.accessToken).toBe(first!.accessToken);
    expect(second!.fromCache).toBe(true);
    const after = (await client.state()).requests.filter((r: { path: string }) => r.path.endsWith('/oauth2/v2.0/token')).length;
    expect(after - before).toBe(1);
  });

  it('gets a Graph token for the partner tenant and, through GDAP, for a customer tenant', async () => {
    const sso = await client.ssoToken(ENGINEERS.ada);
    const partner = await cca().acquireTokenOnBehalfOf({ oboAssertion: sso, scopes: [GRAPH_SCOPE] });
    expect(claimsOf(partner!.accessToken)).toEqual(expect.objectContaining({ aud: 'https://graph.microsoft.com', tid: PARTNER_TENANT }));
    const customer = await cca(CUSTOMERS.fabrikam).acquireTokenOnBehalfOf({ oboAssertion: sso, scopes: [GRAPH_SCOPE] });
    expect(claimsOf(customer!.accessToken)).toEqual(expect.objectContaining({ aud: 'https://graph.microsoft.com', tid: CUSTOMERS.fabrikam, iss: `https://login.sandbox.test/${CUSTOMERS.fabrikam}/v2.0` }));
    const domains = await client.graph(customer!.accessToken, 'GET', '/v1.0/domains');
    expect(domains.status).toBe(200);
  });

  it("keys the account by client_info (uid.utid: the user's home tenant, in a customer tenant too) and finds its cached tokens by it, without MSAL's 'No client info' warning", async () => {
    const logs: string[] = [];
    const logged = (tenant: string) =>
      new ConfidentialClientApplication({
        auth: { clientId: BOT_ID, clientSecret: CLIENT_SECRET, authority: `https://login.sandbox.test/${tenant}`, knownAuthorities: ['login.sandbox.test'] },
        system: { networkClient: sandboxNetworkClient(sandbox.url), loggerOptions: { logLevel: LogLevel.Warning, piiLoggingEnabled: false, loggerCallback: (_l, message) => logs.push(message) } },
      });
    const sso = await client.ssoToken(ENGINEERS.ada);
    const oid = claimsOf(sso).oid as string;
    for (const [tenant, scope] of [[PARTNER_TENANT, PC_SCOPE], [CUSTOMERS.fabrikam, GRAPH_SCOPE]] as const) {
      const app = logged(tenant);
      const first = await app.acquireTokenOnBehalfOf({ oboAssertion: sso, scopes: [scope] });
      expect(first!.fromCache).toBe(false);
      expect(first!.account).toEqual(expect.objectContaining({ homeAccountId: `${oid}.${PARTNER_TENANT}`, tenantId: tenant, localAccountId: oid }));
      // MSAL finds an on-behalf-of token by the assertion's hash, whatever the account key: the repeat is a hit.
      // (msal-node 3.8.1 returns no account on an OBO cache hit at all: readIdTokenFromCacheForOBO takes
      // Object.values of the Map getIdTokensByFilter now returns. The bot reads only the token and its expiry.)
      const again = await app.acquireTokenOnBehalfOf({ oboAssertion: sso, scopes: [scope] });
      expect(again!.fromCache).toBe(true);
      expect(again!.accessToken).toBe(first!.accessToken);
      // Every cache entry of the exchange sits under the one home account, the user's in the partner tenant: the
      // account's realm is that home tenant (utid), the tokens' realm the tenant they are for, and a customer
      // tenant is a tenant profile of the account that is not its home.
      type Entry = { home_account_id: string; realm: string; tenantProfiles?: string[] };
      const cache = JSON.parse(app.getTokenCache().serialize()) as Record<'Account' | 'IdToken' | 'AccessToken', Record<string, Entry>>;
      const entries = (kind: 'Account' | 'IdToken' | 'AccessToken') => Object.values(cache[kind]).map((e) => [e.home_account_id, e.realm]);
      expect(entries('Account')).toEqual([[`${oid}.${PARTNER_TENANT}`, PARTNER_TENANT]]);
      expect(entries('IdToken')).toEqual([[`${oid}.${PARTNER_TENANT}`, tenant]]);
      expect(entries('AccessToken')).toEqual([[`${oid}.${PARTNER_TENANT}`, tenant]]);
      const profiles = Object.values(cache.Account)[0].tenantProfiles!.map((p) => JSON.parse(p) as { tenantId: string; isHomeTenant: boolean });
      expect(profiles).toEqual([expect.objectContaining({ tenantId: tenant, isHomeTenant: tenant === PARTNER_TENANT })]);
    }
    expect(logs.filter((m) => /No client info in response/.test(m))).toEqual([]);
  });

  it('fails clearly for a wrong client secret (AADSTS7000215)', async () => {
    const e = await msalFailure(cca(PARTNER_TENANT, 'not-the-secret').acquireTokenOnBehalfOf({ oboAssertion: await client.ssoToken(ENGINEERS.ada), scopes: [PC_SCOPE] }));
    expect(e.errorCode).toBe('invalid_client');
    expectAadsts(e, '7000215');
  });

  it('fails clearly for an expired assertion (AADSTS500133)', async () => {
    const expired = await client.ssoToken(ENGINEERS.ada, { expiresInSeconds: -120 });
    const e = await msalFailure(cca().acquireTokenOnBehalfOf({ oboAssertion: expired, scopes: [PC_SCOPE] }));
    expect(e.errorCode).toBe('invalid_grant');
    expectAadsts(e, '500133');
  });

  it('fails clearly for an assertion meant for another app (AADSTS50013)', async () => {
    const other = await client.ssoToken(ENGINEERS.ada, { audience: 'api://botid-00000000-0000-4000-8000-000000000bad' });
    const e = await msalFailure(cca().acquireTokenOnBehalfOf({ oboAssertion: other, scopes: [PC_SCOPE] }));
    expect(e.errorCode).toBe('invalid_grant');
    expectAadsts(e, '50013');
  });

  it('fails clearly for a user who has not consented (AADSTS65001, interaction required)', async () => {
    const e = await msalFailure(cca().acquireTokenOnBehalfOf({ oboAssertion: await client.ssoToken(ENGINEERS.dan), scopes: [PC_SCOPE] }));
    expect(e).toBeInstanceOf(InteractionRequiredAuthError);
    expect(e.errorCode).toBe('invalid_grant');
    expect(e.subError).toBe('consent_required');
    expectAadsts(e, '65001');
  });

  it('fails clearly for a customer tenant where the engineer holds no GDAP role (AADSTS50020)', async () => {
    // Tailspin: the app is consented there, the relationship has expired.
    const e = await msalFailure(cca(CUSTOMERS.tailspin).acquireTokenOnBehalfOf({ oboAssertion: await client.ssoToken(ENGINEERS.ada), scopes: [GRAPH_SCOPE] }));
    expect(e.errorCode).toBe('invalid_grant');
    expectAadsts(e, '50020');
  });

  it('never let MSAL log a token', () => {
    expect(msalLogs.join('\n')).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
  });
});
