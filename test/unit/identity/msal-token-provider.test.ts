import { AppError } from '../../../src/core/errors';
import type { UserCredential } from '../../../src/core/ports';
import { createLoopbackNetworkClient } from '../../../src/identity/loopback-network-client';
import { SCP_MISSING } from '../../../src/identity/granted-scopes';
import { createMsalTokenProvider, CUSTOMER_CREDENTIAL_SCOPES, CUSTOMER_GRAPH_DEFAULT, CUSTOMER_GRAPH_SCOPES, CUSTOMER_ONBOARDING_SCOPES, GRAPH_SCOPE, PARTNER_CENTER_SCOPE } from '../../../src/identity/msal-token-provider';
import { RecordingLogger } from '../../support/recording-logger';
import { FakeUpstream, type RecordedRequest, type Reply } from '../http/fake-upstream';
import { fakeJwt } from './jwt';

const ISSUER_HOST = 'login.idp.test';
const PARTNER = '11111111-1111-4111-8111-111111111111';
const CUSTOMER = '22222222-0000-4000-8000-000000000001';
const CLIENT_ID = '00000000-0000-4000-8000-00000000b07d';

let idp: FakeUpstream;
let logger: RecordingLogger;
/** What the fake identity provider answers on a token request (after the discovery routes). */
let tokenReply: (req: RecordedRequest, tenant: string) => Reply;

/** An identity provider shaped like Entra's v2 endpoints, enough for MSAL's on-behalf-of. */
function idpRoute(req: RecordedRequest): Reply | undefined {
  const path = new URL(req.url, 'http://x').pathname;
  const discovery = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(path);
  if (discovery) {
    const t = discovery[1];
    return {
      status: 200,
      json: {
        issuer: `https://${ISSUER_HOST}/${t}/v2.0`,
        token_endpoint: `https://${ISSUER_HOST}/${t}/oauth2/v2.0/token`,
        authorization_endpoint: `https://${ISSUER_HOST}/${t}/oauth2/v2.0/authorize`,
        end_session_endpoint: `https://${ISSUER_HOST}/${t}/oauth2/v2.0/logout`,
        jwks_uri: `https://${ISSUER_HOST}/${t}/discovery/v2.0/keys`,
      },
    };
  }
  const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
  if (token) return tokenReply(req, token[1]);
  return undefined;
}

/** The delegated permissions the fake tenant consented for the app: a `.default` token carries them in `scp`. */
const EVERY_CUSTOMER_PERMISSION = [...CUSTOMER_GRAPH_SCOPES, ...CUSTOMER_ONBOARDING_SCOPES, ...CUSTOMER_CREDENTIAL_SCOPES].map((s) => s.replace(/^.*\//, ''));
let consented: string[] = EVERY_CUSTOMER_PERMISSION;

/** `scp` as Entra writes it: permission names without the resource, space-separated; `.default` = every consented one. */
function scpFor(scope: string): string {
  const names = scope.split(' ').map((s) => s.replace(/^.*\//, ''));
  return names.includes('.default') ? consented.join(' ') : names.join(' ');
}

const accessToken = (tid: string, amr: string[], scope = PARTNER_CENTER_SCOPE) =>
  fakeJwt({ aud: scope.replace(/\/[^/]*$/, ''), tid, oid: 'oid-ada', amr, scp: scpFor(scope), exp: Math.floor(Date.now() / 1000) + 3600 });

/** Entra echoes the granted scopes in full (MSAL's cache is keyed by them), without the OIDC ones. */
function grantedScopes(req: RecordedRequest): string {
  const oidc = new Set(['openid', 'profile', 'offline_access']);
  return (new URLSearchParams(req.body).get('scope') ?? '').split(' ').filter((s) => s && !oidc.has(s)).join(' ');
}

function okToken(tid: string, amr = ['pwd', 'mfa'], scope = PARTNER_CENTER_SCOPE): Reply {
  return {
    status: 200,
    json: {
      token_type: 'Bearer',
      scope,
      expires_in: 3600,
      ext_expires_in: 3600,
      access_token: accessToken(tid, amr, scope),
      // The user's home tenant, whichever tenant the token is for.
      client_info: Buffer.from(JSON.stringify({ uid: 'oid-ada', utid: PARTNER })).toString('base64url'),
    },
  };
}

/** An app-only answer as Entra gives it: no user, so no client_info (nor id token). */
function withoutClientInfo(reply: Reply): Reply {
  if (!('json' in reply)) return reply;
  const { client_info: _none, ...json } = reply.json as Record<string, unknown>;
  return { ...reply, json };
}

function aadError(status: number, error: string, aadsts: number, text: string, suberror?: string): Reply {
  return {
    status,
    json: { error, error_description: `AADSTS${aadsts}: ${text}`, error_codes: [aadsts], timestamp: '2026-01-01 00:00:00Z', trace_id: 't', correlation_id: 'c', ...(suberror ? { suberror } : {}) },
  };
}

const assertion = fakeJwt({ aud: `api://botid-${CLIENT_ID}`, oid: 'oid-ada', tid: PARTNER, upn: 'ada@contoso-partner.example', amr: ['pwd', 'mfa'], exp: Math.floor(Date.now() / 1000) + 3600 });
const cred: UserCredential = { user: { oid: 'oid-ada', tenantId: PARTNER, upn: 'ada@contoso-partner.example', mfa: true }, assertion };

function provider(baseUrl = idp.url) {
  return createMsalTokenProvider({
    clientId: CLIENT_ID,
    clientSecret: 'the-client-secret',
    authorityHost: `https://${ISSUER_HOST}`,
    partnerTenantId: PARTNER,
    loopbackRewrite: { host: ISSUER_HOST, baseUrl },
    logger,
  });
}

const pathOf = (r: RecordedRequest) => new URL(r.url, 'http://x').pathname;
const tokenRequests = () => idp.requests.filter((r) => pathOf(r).endsWith('/oauth2/v2.0/token'));
const form = (r: RecordedRequest) => new URLSearchParams(r.body);

async function caught(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  idp = await FakeUpstream.start();
});
afterAll(() => idp.close());
beforeEach(() => {
  idp.reset();
  idp.route = idpRoute;
  logger = new RecordingLogger();
  consented = EVERY_CUSTOMER_PERMISSION;
  tokenReply = (req, tenant) => {
    const reply = okToken(tenant, ['pwd', 'mfa'], grantedScopes(req));
    return form(req).get('grant_type') === 'client_credentials' ? withoutClientInfo(reply) : reply;
  };
});

describe('MSAL token provider', () => {
  it('exchanges the SSO token on behalf of the user for Partner Center, in the partner tenant', async () => {
    const token = await provider().partnerCenter(cred);
    expect(token.mfa).toBe(true);
    expect(token.token.split('.')).toHaveLength(3);
    expect(token.expiresOn.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    const [req] = tokenRequests();
    expect(pathOf(req)).toBe(`/${PARTNER}/oauth2/v2.0/token`);
    const body = form(req);
    expect(body.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(body.get('requested_token_use')).toBe('on_behalf_of');
    expect(body.get('assertion')).toBe(assertion);
    expect(body.get('scope')?.split(' ')).toContain(PARTNER_CENTER_SCOPE);
    expect(body.get('client_id')).toBe(CLIENT_ID);
  });

  it('serves a repeat from its cache', async () => {
    const p = provider();
    await p.partnerCenter(cred);
    await p.partnerCenter(cred);
    expect(tokenRequests()).toHaveLength(1);
  });

  it('asks the partner tenant for partner Graph and the customer tenant for customer Graph', async () => {
    const p = provider();
    await p.partnerGraph(cred);
    await p.customerGraph(cred, CUSTOMER);
    const [partner, customer] = tokenRequests();
    expect(pathOf(partner)).toBe(`/${PARTNER}/oauth2/v2.0/token`);
    expect(form(partner).get('scope')?.split(' ')).toContain(GRAPH_SCOPE);
    expect(pathOf(customer)).toBe(`/${CUSTOMER}/oauth2/v2.0/token`);
    // `.default` in a customer tenant: one token carrying every permission consented there (issue 16).
    expect(form(customer).get('scope')?.split(' ')).toContain(CUSTOMER_GRAPH_DEFAULT);
  });

  it('asks a customer tenant once per engineer for the reads, the onboarding and the Temporary Access Pass: one .default exchange', async () => {
    const p = provider();
    const [read, onboarding, credentials] = await Promise.all([p.customerGraph(cred, CUSTOMER), p.customerGraphForOnboarding(cred, CUSTOMER), p.customerGraphForCredentials(cred, CUSTOMER)]);
    expect(await p.customerGraph(cred, CUSTOMER)).toBe(read);
    expect(onboarding).toBe(read);
    expect(credentials).toBe(read);
    expect(tokenRequests().map((r) => [pathOf(r), form(r).get('scope')?.split(' ').filter((s) => s.startsWith('https://'))])).toEqual([[`/${CUSTOMER}/oauth2/v2.0/token`, [CUSTOMER_GRAPH_DEFAULT]]]);
  });

  it.each([
    ['consented for the reads only (connected before the onboarding permissions existed)', ['Domain.Read.All', 'User.Read.All'], { read: true, onboarding: false, credentials: false }],
    ['consented for the reads and the onboarding, not the Temporary Access Pass', ['Domain.Read.All', 'User.Read.All', 'User.ReadWrite.All', 'GroupMember.ReadWrite.All'], { read: true, onboarding: true, credentials: false }],
    ['consented for Domain.Read.All only', ['Domain.Read.All'], { read: false, onboarding: false, credentials: false }],
    ['consented for the onboarding only, without one TAP permission', ['user.readwrite.all', 'GroupMember.ReadWrite.All', 'UserAuthenticationMethod.ReadWrite.All'], { read: false, onboarding: true, credentials: false }],
  ])('a tenant %s: each use gets the token or CUSTOMER_CONSENT_MISSING by its own permissions in scp', async (_what, granted, expected) => {
    consented = granted;
    const p = provider();
    const outcome = async (asked: Promise<unknown>) => {
      try {
        await asked;
        return true;
      } catch (e) {
        expect(e).toBeInstanceOf(AppError);
        expect([(e as AppError).code, (e as AppError).upstreamCode]).toEqual(['CUSTOMER_CONSENT_MISSING', SCP_MISSING]);
        return false;
      }
    };
    expect({
      read: await outcome(p.customerGraph(cred, CUSTOMER)),
      onboarding: await outcome(p.customerGraphForOnboarding(cred, CUSTOMER)),
      credentials: await outcome(p.customerGraphForCredentials(cred, CUSTOMER)),
    }).toEqual(expected);
  });

  it('names the missing permissions in the error, never the token; a held token without them is exchanged anew, so connecting again works at once', async () => {
    consented = ['Domain.Read.All', 'User.Read.All'];
    const p = provider();
    const read = await p.customerGraph(cred, CUSTOMER);
    expect(tokenRequests()).toHaveLength(1);
    const e = await caught(p.customerGraphForOnboarding(cred, CUSTOMER));
    expect(e.message).toContain('User.ReadWrite.All, GroupMember.ReadWrite.All');
    expect(e.message).not.toContain(read.token.split('.')[1]);
    // The held read token lacked them: one fresh exchange, which lacked them too.
    expect(tokenRequests()).toHaveLength(2);
    consented = EVERY_CUSTOMER_PERMISSION; // the customer is connected again
    await expect(p.customerGraphForOnboarding(cred, CUSTOMER)).resolves.toMatchObject({ token: expect.any(String) });
    expect(tokenRequests()).toHaveLength(3);
    // And the fresh token now serves every use without another exchange.
    await p.customerGraphForCredentials(cred, CUSTOMER);
    await p.customerGraph(cred, CUSTOMER);
    expect(tokenRequests()).toHaveLength(3);
    expect(logger.withMessage('customer tenant token lacks permissions')).toEqual([expect.objectContaining({ level: 'warn', obj: expect.objectContaining({ use: 'onboarding', tenantId: CUSTOMER, missing: ['User.ReadWrite.All', 'GroupMember.ReadWrite.All'] }) })]);
    expect(logger.text()).not.toContain(read.token.split('.')[1]);
  });

  it('gets the app-only partner Graph token with client credentials in the partner tenant', async () => {
    await provider().partnerGraphApp();
    const [req] = tokenRequests();
    expect(pathOf(req)).toBe(`/${PARTNER}/oauth2/v2.0/token`);
    expect(form(req).get('grant_type')).toBe('client_credentials');
    expect(form(req).get('scope')?.split(' ')).toContain(GRAPH_SCOPE);
    expect(form(req).get('assertion')).toBeNull();
  });

  it('holds the app-only token: repeats and concurrent asks share one client-credentials request; a failure is not kept', async () => {
    const p = provider();
    const [a, b] = await Promise.all([p.partnerGraphApp(), p.partnerGraphApp()]);
    expect(await p.partnerGraphApp()).toBe(a);
    expect(b).toBe(a);
    expect(tokenRequests()).toHaveLength(1);

    idp.reset();
    idp.route = idpRoute;
    tokenReply = () => aadError(400, 'invalid_client', 7000215, 'Invalid client secret provided.');
    const failing = provider();
    await expect(failing.partnerGraphApp()).rejects.toBeDefined();
    tokenReply = (req, tenant) => okToken(tenant, ['pwd', 'mfa'], grantedScopes(req));
    await expect(failing.partnerGraphApp()).resolves.toBeDefined();
    expect(tokenRequests()).toHaveLength(2);
  });

  it("logs msal-node's 'No client info in response' at debug for the app-only token, at warn for a user's token", async () => {
    await provider().partnerGraphApp();
    const noClientInfo = () => logger.entries.filter((e) => /No client info in response/.test(e.msg ?? ''));
    expect(noClientInfo().map((e) => e.level)).toEqual(['debug']);
    expect(logger.entries.filter((e) => e.level === 'warn')).toEqual([]);

    // An on-behalf-of answer without client_info is not what Entra sends for a user: it stays a warning.
    logger = new RecordingLogger();
    tokenReply = (req, tenant) => withoutClientInfo(okToken(tenant, ['pwd', 'mfa'], grantedScopes(req)));
    await provider().partnerCenter(cred);
    expect(noClientInfo().map((e) => e.level)).toEqual(['warn']);
  });

  it.each([
    ['the app has no service principal there (AADSTS700016)', aadError(400, 'unauthorized_client', 700016, "Application with identifier 'x' was not found in the directory 'Adatum'."), 'CUSTOMER_NOT_CONNECTED'],
    ['a permission was not consented there (AADSTS65001)', aadError(400, 'invalid_grant', 65001, 'The user or administrator has not consented to use the application.', 'consent_required'), 'CUSTOMER_CONSENT_MISSING'],
  ])('maps a customer tenant where %s', async (_what, reply, code) => {
    tokenReply = (r, tenant) => (tenant === CUSTOMER ? reply : okToken(tenant, ['pwd', 'mfa'], grantedScopes(r)));
    const e = await caught(provider().customerGraph(cred, CUSTOMER));
    expect(e.code).toBe(code);
    expect(e.upstreamCode).toMatch(/^AADSTS(700016|65001)$/);
  });

  it('reads MFA from the access token it got', async () => {
    tokenReply = (r, t) => okToken(t, ['pwd'], grantedScopes(r));
    expect((await provider().partnerCenter(cred)).mfa).toBe(false);
  });

  it.each([
    ['consent', aadError(400, 'invalid_grant', 65001, 'The user or administrator has not consented to use the application.', 'consent_required'), 'CONSENT_REQUIRED'],
    ['an expired assertion', aadError(400, 'invalid_grant', 500133, 'Assertion is not within its valid time range.'), 'TOKEN_EXCHANGE_FAILED'],
    ['a bad signature', aadError(400, 'invalid_grant', 50013, 'Assertion failed signature validation.'), 'TOKEN_EXCHANGE_FAILED'],
    ['a bad client secret', aadError(401, 'invalid_client', 7000215, 'Invalid client secret provided.'), 'TOKEN_EXCHANGE_FAILED'],
  ])('maps %s', async (_what, reply, code) => {
    tokenReply = () => reply;
    const e = await caught(provider().partnerCenter(cred));
    expect(e.code).toBe(code);
    expect(e.upstreamCode).toMatch(/^AADSTS\d+$/);
  });

  it('maps a customer tenant without the engineer to GDAP_ROLE_MISSING', async () => {
    tokenReply = (r, tenant) => (tenant === CUSTOMER ? aadError(400, 'invalid_grant', 50020, 'User account from identity provider does not exist in tenant.') : okToken(tenant, ['pwd', 'mfa'], grantedScopes(r)));
    expect((await caught(provider().customerGraph(cred, CUSTOMER))).code).toBe('GDAP_ROLE_MISSING');
  });

  it('maps an unreachable identity provider to IDENTITY_UNAVAILABLE', async () => {
    const e = await caught(provider('http://127.0.0.1:1').partnerCenter(cred));
    expect(e.code).toBe('IDENTITY_UNAVAILABLE');
    expect(e.retryable).toBe(true);
  });

  it('refuses a customer tenant id that is not a GUID', async () => {
    expect((await caught(provider().customerGraph(cred, 'common/../evil'))).code).toBe('VALIDATION_FAILED');
    expect(idp.requests).toHaveLength(0);
  });

  it('logs neither the assertion, the token nor the secret', async () => {
    const p = provider();
    const token = await p.partnerCenter(cred);
    tokenReply = () => aadError(400, 'invalid_grant', 50013, 'Assertion failed signature validation.');
    await caught(p.partnerGraph(cred));
    expect(logger.withMessage('token exchange failed')).toEqual([expect.objectContaining({ level: 'warn', obj: expect.objectContaining({ code: 'TOKEN_EXCHANGE_FAILED', upstreamCode: 'AADSTS50013' }) })]);
    const text = logger.text();
    for (const secret of [assertion, assertion.split('.')[1], token.token.split('.')[1], 'the-client-secret']) expect(text).not.toContain(secret);
  });
});

describe('loopback network client', () => {
  it('sends requests for the rewritten host to the loopback base URL, keeping path and query', async () => {
    idp.reply({ status: 200, json: { ok: true }, headers: { 'x-ms-request-id': 'r1' } });
    const client = createLoopbackNetworkClient({ host: ISSUER_HOST, baseUrl: `${idp.url}/` });
    const res = await client.sendGetRequestAsync<{ ok: boolean }>(`https://${ISSUER_HOST}/t/v2.0/.well-known/openid-configuration?x=1`);
    expect(res).toEqual({ status: 200, headers: expect.objectContaining({ 'x-ms-request-id': 'r1' }), body: { ok: true } });
    expect(idp.requests[0].url).toBe('/t/v2.0/.well-known/openid-configuration?x=1');
  });

  it('posts the form body', async () => {
    idp.reply({ status: 400, text: 'not json' });
    const client = createLoopbackNetworkClient({ host: ISSUER_HOST, baseUrl: idp.url });
    const res = await client.sendPostRequestAsync<{ error: string }>(`https://${ISSUER_HOST}/t/oauth2/v2.0/token`, { headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'a=1&b=2' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('client_error');
    expect(idp.requests[0]).toEqual(expect.objectContaining({ method: 'POST', body: 'a=1&b=2' }));
  });

  it('refuses every other host, so nothing reaches a real Microsoft endpoint', async () => {
    const client = createLoopbackNetworkClient({ host: ISSUER_HOST, baseUrl: idp.url });
    await expect(client.sendGetRequestAsync('https://login.microsoftonline.com/common/discovery/instance')).rejects.toThrow(/refusing/);
    await expect(client.sendGetRequestAsync(`http://${ISSUER_HOST}/x`)).rejects.toThrow(/refusing/);
    expect(idp.requests).toHaveLength(0);
  });
});

describe('MSAL token provider: bounded per-tenant applications (issue 12, point 14)', () => {
  const customers = ['22222222-0000-4000-8000-000000000001', '22222222-0000-4000-8000-000000000002', '22222222-0000-4000-8000-000000000003'];
  const bounded = (over: { maxTenantApps?: number; maxAppAgeMs?: number; now?: () => number }) =>
    createMsalTokenProvider({ clientId: CLIENT_ID, clientSecret: 'the-client-secret', authorityHost: `https://${ISSUER_HOST}`, partnerTenantId: PARTNER, loopbackRewrite: { host: ISSUER_HOST, baseUrl: idp.url }, logger, ...over });

  it('keeps at most maxTenantApps customer applications: the least recently used one (and its cache) is dropped', async () => {
    const p = bounded({ maxTenantApps: 2 });
    for (const c of customers) await p.customerGraph(cred, c);
    expect(tokenRequests()).toHaveLength(3);
    await p.customerGraph(cred, customers[2]); // still cached
    expect(tokenRequests()).toHaveLength(3);
    await p.customerGraph(cred, customers[0]); // dropped: asked again
    expect(tokenRequests()).toHaveLength(4);
  });

  it('rebuilds an application (and so empties its token cache) once it is older than maxAppAgeMs', async () => {
    let now = 1_000_000;
    const p = bounded({ maxAppAgeMs: 60_000, now: () => now });
    await p.partnerCenter(cred);
    await p.partnerCenter(cred);
    expect(tokenRequests()).toHaveLength(1);
    now += 61_000;
    await p.partnerCenter(cred);
    expect(tokenRequests()).toHaveLength(2);
  });
});
