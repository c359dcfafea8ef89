import { createLocalJWKSet, jwtVerify } from 'jose';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox/server';
import { BOT_ID, claimsOf, CLIENT_SECRET, CUSTOMERS, ENGINEERS, GRAPH_SCOPE, PARTNER_TENANT, PC_SCOPE, sandboxClient, type SandboxClient } from '../../support/sandbox-network';

let sandbox: RunningSandbox;
let client: SandboxClient;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, quiet: true });
  client = sandboxClient(sandbox.url);
});
afterAll(() => sandbox.close());

const ISSUER = `https://login.sandbox.test/${PARTNER_TENANT}/v2.0`;
const aadsts = (body: { error_codes?: number[] }) => body.error_codes?.[0];

describe('discovery and keys', () => {
  it('publishes the discovery document under the https authority name, never the loopback address', async () => {
    const r = await fetch(`${sandbox.url}/${PARTNER_TENANT}/v2.0/.well-known/openid-configuration`);
    expect(r.status).toBe(200);
    const doc = (await r.json()) as Record<string, string>;
    expect(doc).toEqual(
      expect.objectContaining({
        issuer: ISSUER,
        token_endpoint: `https://login.sandbox.test/${PARTNER_TENANT}/oauth2/v2.0/token`,
        jwks_uri: `https://login.sandbox.test/${PARTNER_TENANT}/discovery/v2.0/keys`,
        authorization_endpoint: `https://login.sandbox.test/${PARTNER_TENANT}/oauth2/v2.0/authorize`,
        end_session_endpoint: `https://login.sandbox.test/${PARTNER_TENANT}/oauth2/v2.0/logout`,
      }),
    );
    expect(JSON.stringify(doc)).not.toContain('127.0.0.1');
  });

  it('answers instance discovery, and refuses a tenant name it does not know', async () => {
    const r = await fetch(`${sandbox.url}/common/discovery/instance?api-version=1.1&authorization_endpoint=x`);
    expect(r.status).toBe(200);
    expect(((await r.json()) as { metadata: Array<{ aliases: string[] }> }).metadata[0].aliases).toContain('login.sandbox.test');
    const unknown = await fetch(`${sandbox.url}/not-a-tenant/v2.0/.well-known/openid-configuration`);
    expect(unknown.status).toBe(400);
    expect(aadsts((await unknown.json()) as { error_codes: number[] })).toBe(90002);
  });

  it('publishes an RS256 key with a kid that verifies the tokens it issues', async () => {
    const jwks = (await (await fetch(`${sandbox.url}/${PARTNER_TENANT}/discovery/v2.0/keys`)).json()) as { keys: Array<Record<string, string>> };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toEqual(expect.objectContaining({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String) }));
    expect(jwks.keys[0].d).toBeUndefined();
    const sso = await client.ssoToken(ENGINEERS.ada);
    const { payload, protectedHeader } = await jwtVerify(sso, createLocalJWKSet(jwks as never), { issuer: ISSUER, audience: `api://botid-${BOT_ID}` });
    expect(protectedHeader).toEqual(expect.objectContaining({ alg: 'RS256', kid: jwks.keys[0].kid }));
    expect(payload.sub).toBeDefined();
  });
});

describe('POST /_sandbox/sso-token', () => {
  it('issues the SSO token Teams would hand the bot', async () => {
    const r = await client.control('POST', '/_sandbox/sso-token', { userPrincipalName: ENGINEERS.ada, mfa: true });
    expect(r.status).toBe(200);
    expect(new Date(r.body.expiresOn).getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(claimsOf(r.body.token)).toEqual(
      expect.objectContaining({
        aud: `api://botid-${BOT_ID}`,
        iss: ISSUER,
        scp: 'access_as_user',
        azp: '1fec8e78-bce4-4aaf-ab1b-5451cc387264',
        oid: '55555555-0000-4000-8000-00000000000a',
        tid: PARTNER_TENANT,
        upn: ENGINEERS.ada,
        preferred_username: ENGINEERS.ada,
        name: 'Ada Lovelace',
        ver: '2.0',
      }),
    );
    // Like Entra's v2 tokens: no amr (it is a v1.0-only claim).
    expect(claimsOf(r.body.token).amr).toBeUndefined();
  });

  it('issues one without MFA when asked, and honours expiresInSeconds and audience', async () => {
    const claims = claimsOf(await client.ssoToken(ENGINEERS.ben, { mfa: false, expiresInSeconds: 120, audience: 'api://elsewhere' }));
    expect(claims.amr).toBeUndefined();
    expect(claims.aud).toBe('api://elsewhere');
    expect(claims.exp - claims.iat).toBe(120);
  });

  it('answers 404 JSON for an unknown user and 400 for a malformed request', async () => {
    const unknown = await client.control('POST', '/_sandbox/sso-token', { userPrincipalName: 'nobody@contoso-partner.example' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('unknown_user');
    expect((await client.control('POST', '/_sandbox/sso-token', { mfa: true })).status).toBe(400);
    expect((await client.control('POST', '/_sandbox/sso-token', { userPrincipalName: ENGINEERS.ada, expiresInSeconds: 'soon' })).status).toBe(400);
  });
});

describe('the token endpoint: on-behalf-of', () => {
  it('answers with everything MSAL parses, the access token for the requested resource', async () => {
    const r = await client.obo(await client.ssoToken(ENGINEERS.ada), PC_SCOPE);
    expect(r.status).toBe(200);
    expect(r.body).toEqual(
      expect.objectContaining({ token_type: 'Bearer', scope: PC_SCOPE, expires_in: expect.any(Number), ext_expires_in: expect.any(Number), access_token: expect.any(String), refresh_token: expect.any(String), id_token: expect.any(String), client_info: expect.any(String) }),
    );
    expect(JSON.parse(Buffer.from(r.body.client_info, 'base64url').toString())).toEqual({ uid: '55555555-0000-4000-8000-00000000000a', utid: PARTNER_TENANT });
    const access = claimsOf(r.body.access_token);
    expect(access).toEqual(
      // Partner Center's token is shaped like Entra's v1.0 token for that resource, the only version with amr.
      expect.objectContaining({ ver: '1.0', aud: 'https://api.partnercenter.microsoft.com', iss: `https://sts.windows.net/${PARTNER_TENANT}/`, scp: 'user_impersonation', oid: '55555555-0000-4000-8000-00000000000a', tid: PARTNER_TENANT, upn: ENGINEERS.ada, unique_name: ENGINEERS.ada, name: 'Ada Lovelace', amr: ['pwd', 'mfa'], appid: BOT_ID, appidacr: '1' }),
    );
    expect(access.azp).toBeUndefined();
    expect(access.preferred_username).toBeUndefined();
    expect(access.exp - access.iat).toBe(3600);
    expect(access.nbf).toBeLessThanOrEqual(access.iat);
    expect(claimsOf(r.body.id_token)).toEqual(expect.objectContaining({ aud: BOT_ID, oid: access.oid, tid: PARTNER_TENANT, preferred_username: ENGINEERS.ada, name: 'Ada Lovelace' }));
  });

  it('adds client_info (uid = the user, utid = the HOME tenant) only when asked with client_info=1, as Entra does', async () => {
    const sso = await client.ssoToken(ENGINEERS.ada);
    const ada = '55555555-0000-4000-8000-00000000000a';
    const decode = (ci: string) => JSON.parse(Buffer.from(ci, 'base64url').toString('utf8'));
    // Not asked (ADAL and plain OAuth clients do not ask): none.
    const plain = await client.obo(sso, PC_SCOPE, PARTNER_TENANT, CLIENT_SECRET, { clientInfo: false });
    expect(plain.status).toBe(200);
    expect(plain.body.client_info).toBeUndefined();
    // A token for a customer tenant reached through GDAP: the tid is the customer's, the user's home stays the partner tenant.
    const customer = await client.obo(sso, GRAPH_SCOPE, CUSTOMERS.fabrikam);
    expect(customer.status).toBe(200);
    expect(claimsOf(customer.body.access_token).tid).toBe(CUSTOMERS.fabrikam);
    expect(decode(customer.body.client_info)).toEqual({ uid: ada, utid: PARTNER_TENANT });
  });

  it('keeps the missing MFA of the sign-in behind the assertion in the Partner Center token', async () => {
    const r = await client.obo(await client.ssoToken(ENGINEERS.ada, { mfa: false }), PC_SCOPE);
    expect(claimsOf(r.body.access_token).amr).toEqual(['pwd']);
  });

  it('gives Graph tokens every consented Graph permission for .default or a consented scope', async () => {
    const sso = await client.ssoToken(ENGINEERS.ada);
    for (const scope of [GRAPH_SCOPE, 'https://graph.microsoft.com/Domain.Read.All https://graph.microsoft.com/User.Read.All']) {
      const r = await client.obo(sso, scope);
      expect(r.status).toBe(200);
      expect(claimsOf(r.body.access_token).scp.split(' ')).toEqual(expect.arrayContaining(['DelegatedAdminRelationship.Read.All', 'GroupMember.Read.All', 'Domain.Read.All', 'User.Read.All']));
    }
  });

  it.each([
    ['a wrong client secret', { secret: 'wrong' }, 401, 'invalid_client', 7000215],
    ['an expired assertion', { sso: { expiresInSeconds: -60 } }, 400, 'invalid_grant', 500133],
    ['an assertion for another audience', { sso: { audience: 'api://botid-someone-else' } }, 400, 'invalid_grant', 50013],
    ['a scope that was never consented', { scope: 'https://graph.microsoft.com/Directory.ReadWrite.All' }, 400, 'invalid_grant', 65001],
    ['an unknown resource', { scope: 'https://vault.azure.net/user_impersonation' }, 400, 'invalid_resource', 500011],
    ['scopes of two resources', { scope: `${PC_SCOPE} ${GRAPH_SCOPE}` }, 400, 'invalid_scope', 28000],
    ['no scope at all', { scope: 'openid' }, 400, 'invalid_scope', 70011],
  ])('refuses %s', async (_what, c: { secret?: string; sso?: { expiresInSeconds?: number; audience?: string }; scope?: string }, status, error, code) => {
    const r = await client.obo(await client.ssoToken(ENGINEERS.ada, c.sso), c.scope ?? PC_SCOPE, PARTNER_TENANT, c.secret ?? CLIENT_SECRET);
    expect(r.status).toBe(status);
    expect(r.body).toEqual(expect.objectContaining({ error, error_codes: [code], timestamp: expect.any(String), trace_id: expect.any(String), correlation_id: expect.any(String) }));
    expect(r.body.error_description).toMatch(new RegExp(`^AADSTS${code}: `));
  });

  it('refuses an assertion that is not a token of this identity provider', async () => {
    const sso = await client.ssoToken(ENGINEERS.ada);
    const [h, p] = sso.split('.');
    const forged = `${h}.${p}.${Buffer.from('not the signature').toString('base64url')}`;
    for (const assertion of [forged, 'not-a-jwt', '']) {
      const r = await client.obo(assertion, PC_SCOPE);
      expect(r.status).toBe(400);
      expect(aadsts(r.body)).toBe(50013);
    }
  });

  it('refuses the unconsented dan with AADSTS65001 (consent_required)', async () => {
    const r = await client.obo(await client.ssoToken(ENGINEERS.dan), PC_SCOPE);
    expect(r.status).toBe(400);
    expect(r.body).toEqual(expect.objectContaining({ error: 'invalid_grant', suberror: 'consent_required', error_codes: [65001] }));
  });

  it('issues customer-tenant tokens through GDAP only', async () => {
    const cases: Array<[string, string, number | 'ok']> = [
      [ENGINEERS.ada, CUSTOMERS.fabrikam, 'ok'],
      [ENGINEERS.cleo, CUSTOMERS.fabrikam, 'ok'], // through the nested group
      [ENGINEERS.erin, CUSTOMERS.woodgrove, 'ok'],
      [ENGINEERS.ben, CUSTOMERS.fabrikam, 'ok'], // a reading role is enough to read the directory
      [ENGINEERS.ada, CUSTOMERS.tailspin, 50020], // relationship expired
      [ENGINEERS.ada, CUSTOMERS.wideWorld, 700016], // no relationship, and the app was never consented there
      [ENGINEERS.ada, CUSTOMERS.notACustomer, 90002],
    ];
    for (const [upn, tenant, expected] of cases) {
      const r = await client.obo(await client.ssoToken(upn), GRAPH_SCOPE, tenant);
      if (expected === 'ok') {
        expect({ upn, tenant, status: r.status }).toEqual({ upn, tenant, status: 200 });
        expect(claimsOf(r.body.access_token)).toEqual(expect.objectContaining({ tid: tenant, iss: `https://login.sandbox.test/${tenant}/v2.0` }));
      } else {
        expect({ upn, tenant, code: aadsts(r.body) }).toEqual({ upn, tenant, code: expected });
      }
    }
  });

  it('answers AADSTS700016 as Entra does where the app has no service principal (Adatum: never consented)', async () => {
    const forms: Array<Record<string, string>> = [
      { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', requested_token_use: 'on_behalf_of', assertion: await client.ssoToken(ENGINEERS.ada), scope: GRAPH_SCOPE },
      { grant_type: 'client_credentials', scope: GRAPH_SCOPE },
    ];
    for (const form of forms) {
      const r = await client.tokenEndpoint(CUSTOMERS.adatum, { client_id: BOT_ID, client_secret: CLIENT_SECRET, ...form });
      expect(r.status).toBe(400);
      expect(r.body).toEqual(expect.objectContaining({ error: 'unauthorized_client', error_codes: [700016], trace_id: expect.any(String), correlation_id: expect.any(String), timestamp: expect.any(String) }));
      expect(r.body.error_description).toMatch(
        new RegExp(`^AADSTS700016: Application with identifier '${BOT_ID}' was not found in the directory 'Adatum Corporation'\\. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant\\. You may have sent your authentication request to the wrong tenant\\. Trace ID: `),
      );
      expect(r.body.suberror).toBeUndefined();
    }
  });

  it('answers AADSTS65001 (consent_required) for a scope the customer tenant did not consent (Litware: Domain.Read.All only)', async () => {
    const sso = await client.ssoToken(ENGINEERS.ada);
    const named = await client.obo(sso, 'https://graph.microsoft.com/Domain.Read.All https://graph.microsoft.com/User.Read.All', CUSTOMERS.litware);
    expect(named.status).toBe(400);
    expect(named.body).toEqual(expect.objectContaining({ error: 'invalid_grant', suberror: 'consent_required', error_codes: [65001] }));
    // `.default` is every consented permission: the token then lacks User.Read.All, as Entra's would.
    const dflt = await client.obo(sso, GRAPH_SCOPE, CUSTOMERS.litware);
    expect(dflt.status).toBe(200);
    expect(claimsOf(dflt.body.access_token).scp).toBe('Domain.Read.All');
  });

  it('answers `.default` in a customer tenant with every permission consented there for the app, and only those, in scp (Woodgrove: the reads; Fabrikam: reads, onboarding and Temporary Access Pass)', async () => {
    const sso = await client.ssoToken(ENGINEERS.ada);
    const woodgrove = await client.obo(sso, GRAPH_SCOPE, CUSTOMERS.woodgrove);
    expect(woodgrove.status).toBe(200);
    expect(claimsOf(woodgrove.body.access_token)).toEqual(expect.objectContaining({ scp: 'Domain.Read.All User.Read.All', tid: CUSTOMERS.woodgrove, aud: 'https://graph.microsoft.com', idtyp: 'user' }));
    const fabrikam = await client.obo(sso, GRAPH_SCOPE, CUSTOMERS.fabrikam);
    expect(String(claimsOf(fabrikam.body.access_token).scp).split(' ').sort()).toEqual(['Domain.Read.All', 'GroupMember.ReadWrite.All', 'Policy.Read.AuthenticationMethod', 'User.Read.All', 'User.ReadWrite.All', 'UserAuthenticationMethod.ReadWrite.All']);
    // A permission not consented there is not in the token however it is asked for: named, it is AADSTS65001.
    const named = await client.obo(sso, 'https://graph.microsoft.com/User.ReadWrite.All', CUSTOMERS.woodgrove);
    expect(named.body).toEqual(expect.objectContaining({ error: 'invalid_grant', suberror: 'consent_required', error_codes: [65001] }));
  });

  it('refuses an unknown client, an unsupported grant and a body that is not a form', async () => {
    const unknownClient = await client.tokenEndpoint(PARTNER_TENANT, { grant_type: 'client_credentials', client_id: '99999999-0000-4000-8000-000000000000', client_secret: CLIENT_SECRET, scope: 'https://graph.microsoft.com/.default' });
    expect(unknownClient.status).toBe(400);
    expect(aadsts(unknownClient.body)).toBe(700016);
    const password = await client.tokenEndpoint(PARTNER_TENANT, { grant_type: 'password', client_id: BOT_ID, client_secret: CLIENT_SECRET, username: 'ada', password: 'x' });
    expect(password.body.error).toBe('unsupported_grant_type');
    const json = await fetch(`${sandbox.url}/${PARTNER_TENANT}/oauth2/v2.0/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"grant_type":' });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: string }).error).toBe('invalid_request');
  });

  it('accepts the client secret as HTTP Basic too', async () => {
    const r = await fetch(`${sandbox.url}/${PARTNER_TENANT}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${BOT_ID}:${CLIENT_SECRET}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default' }).toString(),
    });
    expect(r.status).toBe(200);
  });
});

describe('the token endpoint: client credentials', () => {
  it('issues an app-only token (idtyp app, roles, no scp) that Partner Center refuses as App+User required', async () => {
    const r = await client.tokenEndpoint(PARTNER_TENANT, { grant_type: 'client_credentials', client_id: BOT_ID, client_secret: CLIENT_SECRET, scope: 'https://api.partnercenter.microsoft.com/.default' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual(expect.objectContaining({ token_type: 'Bearer', expires_in: expect.any(Number), access_token: expect.any(String) }));
    const claims = claimsOf(r.body.access_token);
    expect(claims).toEqual(expect.objectContaining({ idtyp: 'app', roles: [], aud: 'https://api.partnercenter.microsoft.com', tid: PARTNER_TENANT, appid: BOT_ID }));
    expect(claims.scp).toBeUndefined();

    const pc = await client.pc(r.body.access_token, 'GET', '/v1/customers');
    expect(pc.status).toBe(401);
    expect(pc.body).toEqual({ code: '400', description: 'Access denied: App+User authentication is required for this operation.', data: [], source: 'PartnerFD' });
    expect(pc.headers.get('www-authenticate')).toBe(`OAuth realm=urn:cpsvc:cpid:${PARTNER_TENANT}`);
  });

  it('carries no client_info even when asked (no user behind an app-only token)', async () => {
    const r = await client.tokenEndpoint(PARTNER_TENANT, { grant_type: 'client_credentials', client_id: BOT_ID, client_secret: CLIENT_SECRET, scope: GRAPH_SCOPE, client_info: '1' });
    expect(r.status).toBe(200);
    expect(r.body.client_info).toBeUndefined();
    expect(r.body.id_token).toBeUndefined();
  });

  it('refuses a client-credentials scope without /.default', async () => {
    const r = await client.tokenEndpoint(PARTNER_TENANT, { grant_type: 'client_credentials', client_id: BOT_ID, client_secret: CLIENT_SECRET, scope: PC_SCOPE });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('invalid_scope');
  });

  it('issues app-only Graph tokens that the delegated Graph routes refuse', async () => {
    const r = await client.tokenEndpoint(PARTNER_TENANT, { grant_type: 'client_credentials', client_id: BOT_ID, client_secret: CLIENT_SECRET, scope: GRAPH_SCOPE });
    const g = await client.graph(r.body.access_token, 'POST', '/v1.0/me/checkMemberGroups', { groupIds: ['44444444-0000-4000-8000-000000000001'] });
    expect(g.status).toBe(403);
    expect(g.body.error.code).toBe('Authorization_RequestDenied');
  });
});

describe('options', () => {
  it('issues under another issuerHost, bot app id and client secret when told', async () => {
    const other = await startSandbox({ port: 0, quiet: true, issuerHost: 'https://login.elsewhere.test/', botAppId: 'aaaaaaaa-0000-4000-8000-000000000001', clientSecret: 'other-secret' });
    try {
      const c = sandboxClient(other.url);
      const doc = (await (await fetch(`${other.url}/${PARTNER_TENANT}/v2.0/.well-known/openid-configuration`)).json()) as { issuer: string };
      expect(doc.issuer).toBe(`https://login.elsewhere.test/${PARTNER_TENANT}/v2.0`);
      const sso = await c.ssoToken(ENGINEERS.ada);
      expect(claimsOf(sso)).toEqual(expect.objectContaining({ aud: 'api://botid-aaaaaaaa-0000-4000-8000-000000000001', iss: `https://login.elsewhere.test/${PARTNER_TENANT}/v2.0` }));
      // The default client is unknown there; the configured one with its secret is served.
      expect((await c.obo(sso, PC_SCOPE)).status).toBe(400);
      const r = await c.tokenEndpoint(PARTNER_TENANT, { grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', requested_token_use: 'on_behalf_of', client_id: 'aaaaaaaa-0000-4000-8000-000000000001', client_secret: 'other-secret', assertion: sso, scope: PC_SCOPE });
      expect(r.status).toBe(200);
      // A token of this sandbox is foreign to the other one.
      expect((await client.pc(r.body.access_token, 'GET', '/v1/customers')).status).toBe(401);
    } finally {
      await other.close();
    }
  });
});

describe('SANDBOX_APP_REGISTRATION=single-tenant (the AzureADMyOrg app of docs/deploy.md)', () => {
  it('has a service principal in the partner tenant only: every customer tenant answers AADSTS700016, consented or not', async () => {
    const single = await startSandbox({ port: 0, quiet: true, appRegistration: 'single-tenant' });
    try {
      const c = sandboxClient(single.url);
      const sso = await c.ssoToken(ENGINEERS.ada);
      expect((await c.obo(sso, GRAPH_SCOPE)).status).toBe(200);
      for (const tenant of [CUSTOMERS.fabrikam, CUSTOMERS.adatum]) {
        const r = await c.obo(sso, GRAPH_SCOPE, tenant);
        expect({ tenant, status: r.status, error: r.body.error, codes: r.body.error_codes }).toEqual({ tenant, status: 400, error: 'unauthorized_client', codes: [700016] });
      }
      const app = await c.tokenEndpoint(PARTNER_TENANT, { grant_type: 'client_credentials', client_id: BOT_ID, client_secret: CLIENT_SECRET, scope: GRAPH_SCOPE });
      expect(claimsOf(app.body.access_token).roles).toEqual(['DelegatedAdminRelationship.Read.All', 'GroupMember.Read.All']);
    } finally {
      await single.close();
    }
  });
});
