import { randomUUID } from 'node:crypto';
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { SANDBOX_IDENTITY } from '../../src/config';

/**
 * Test helpers for the sandbox. `sandboxNetworkClient` is the smallest INetworkModule that lets a real
 * msal-node talk to the sandbox: MSAL is given `https://login.sandbox.test/<tenant>` and this module sends
 * those requests to the sandbox over loopback http; any other host is refused, so a test can never reach a
 * real Microsoft endpoint. The rest are thin fetch wrappers for the sandbox's own tests.
 */

export const SANDBOX_HOST = 'login.sandbox.test';
export const PARTNER_TENANT = SANDBOX_IDENTITY.partnerTenantId;
export const BOT_ID = SANDBOX_IDENTITY.botId;
export const CLIENT_SECRET = SANDBOX_IDENTITY.clientSecret;
export const PC_SCOPE = 'https://api.partnercenter.microsoft.com/user_impersonation';
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

export const CUSTOMERS = {
  fabrikam: '22222222-0000-4000-8000-000000000001',
  northwind: '22222222-0000-4000-8000-000000000002',
  tailspin: '22222222-0000-4000-8000-000000000003',
  wideWorld: '22222222-0000-4000-8000-000000000004',
  woodgrove: '22222222-0000-4000-8000-000000000005',
  adatum: '22222222-0000-4000-8000-000000000006',
  litware: '22222222-0000-4000-8000-000000000007',
  firstFiller: '22222222-0000-4000-8000-000000000100',
  notACustomer: '22222222-0000-4000-8000-0000000000ff',
} as const;

export const ENGINEERS = {
  ada: 'ada@contoso-partner.example',
  ben: 'ben@contoso-partner.example',
  cleo: 'cleo@contoso-partner.example',
  dan: 'dan@contoso-partner.example',
  erin: 'erin@contoso-partner.example',
  grace: 'grace@contoso-partner.example',
  hana: 'hana@contoso-partner.example',
} as const;

export function sandboxNetworkClient(sandboxUrl: string, host = SANDBOX_HOST): INetworkModule {
  const send = async <T>(method: 'GET' | 'POST', url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> => {
    const target = new URL(url);
    if (target.protocol !== 'https:' || target.host !== host) throw new Error(`sandbox network client: refusing ${target.origin}`);
    const res = await fetch(`${sandboxUrl}${target.pathname}${target.search}`, { method, headers: options?.headers, body: method === 'POST' ? options?.body : undefined });
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => (headers[k] = v));
    const text = await res.text();
    return { status: res.status, headers, body: (text ? JSON.parse(text) : {}) as T };
  };
  return {
    sendGetRequestAsync: (url, options) => send('GET', url, options),
    sendPostRequestAsync: (url, options) => send('POST', url, options),
  };
}

export interface JsonAnswer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

async function answer(res: Response): Promise<JsonAnswer> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // left as text: the test asserts on it
  }
  return { status: res.status, headers: res.headers, body };
}

/** A client for one running sandbox. */
export function sandboxClient(url: string) {
  const control = async (method: string, path: string, body?: unknown) =>
    answer(await fetch(`${url}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) }));

  /** The SSO token Teams would hand the bot for this seeded engineer. */
  const ssoToken = async (upn: string, opts: { mfa?: boolean; expiresInSeconds?: number; audience?: string } = {}): Promise<string> => {
    const r = await control('POST', '/_sandbox/sso-token', { userPrincipalName: upn, mfa: opts.mfa ?? true, ...opts });
    if (r.status !== 200) throw new Error(`sso-token for ${upn}: ${r.status}`);
    return r.body.token as string;
  };

  /** The token endpoint, form-encoded, as MSAL calls it. */
  const tokenEndpoint = async (tenant: string, form: Record<string, string>) =>
    answer(await fetch(`${url}/${tenant}/oauth2/v2.0/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() }));

  /** An on-behalf-of request as msal-node sends it (`client_info=1` included; `clientInfo: false` leaves it out). */
  const obo = (assertion: string, scope: string, tenant: string = PARTNER_TENANT, secret: string = CLIENT_SECRET, opts: { clientInfo?: boolean } = {}) =>
    tokenEndpoint(tenant, {
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      requested_token_use: 'on_behalf_of',
      client_id: BOT_ID,
      client_secret: secret,
      assertion,
      scope: `${scope} openid profile offline_access`,
      ...(opts.clientInfo === false ? {} : { client_info: '1' }),
    });

  /** An access token for `upn` through SSO + OBO; throws when the sandbox refuses. */
  const accessToken = async (upn: string, scope = PC_SCOPE, opts: { tenant?: string; mfa?: boolean } = {}): Promise<string> => {
    const r = await obo(await ssoToken(upn, { mfa: opts.mfa }), scope, opts.tenant);
    if (r.status !== 200) throw new Error(`obo for ${upn}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.access_token as string;
  };

  /** A Partner Center call with every required header; `headers` overrides or (with undefined) removes one. */
  const pc = async (token: string | undefined, method: string, path: string, opts: { body?: unknown; rawBody?: string; headers?: Record<string, string | undefined> } = {}) => {
    const headers: Record<string, string | undefined> = {
      Authorization: token === undefined ? undefined : `Bearer ${token}`,
      Accept: 'application/json',
      'MS-Contract-Version': 'v1',
      'MS-RequestId': randomUUID(),
      'MS-CorrelationId': randomUUID(),
      ...(opts.body !== undefined || opts.rawBody !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...opts.headers,
    };
    const clean = Object.fromEntries(Object.entries(headers).filter((e): e is [string, string] => e[1] !== undefined));
    return answer(await fetch(`${url}${path}`, { method, headers: clean, body: opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)) }));
  };

  const graph = async (token: string | undefined, method: string, pathOrUrl: string, body?: unknown) =>
    answer(
      await fetch(pathOrUrl.startsWith('http') ? pathOrUrl : `${url}${pathOrUrl}`, {
        method,
        headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );

  return { url, control, ssoToken, tokenEndpoint, obo, accessToken, pc, graph, state: async () => (await control('GET', '/_sandbox/state')).body, reset: () => control('POST', '/_sandbox/reset') };
}

export type SandboxClient = ReturnType<typeof sandboxClient>;

/** The claims of a JWT, unverified (the tests check what the sandbox put in). */
export function claimsOf(jwt: string): Record<string, any> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}

/** A valid create-user body; override any field. */
export function newUser(overrides: Record<string, unknown> = {}) {
  return {
    usageLocation: 'US',
    userPrincipalName: `grace.hopper.${randomUUID().slice(0, 8)}@fabrikam.example`,
    firstName: 'Grace',
    lastName: 'Hopper',
    displayName: 'Grace Hopper',
    passwordProfile: { password: 'Str0ng!Passw0rd', forceChangePassword: true },
    attributes: { objectType: 'CustomerUser' },
    ...overrides,
  };
}
