import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod/v4';
import { integer, zod3Issues, zod3Messages } from '../core/zod3-compat';
import { aadError, controlError } from './errors';
import { userAccess } from './gdap';
import { GUID, type Router, type SandboxRequest, type SandboxResponse } from './http';
import type { SandboxState } from './state';
import { appConsentIn } from './world';
import {
  GRAPH_RESOURCE,
  PARTNER_CENTER_RESOURCE,
  TEAMS_CLIENT_ID,
  TokenRejected,
  type SandboxClaims,
  type TokenIssuer,
} from './tokens';

export interface IdentityOptions {
  botAppId: string;
  clientSecret: string;
}

const ACCESS_TOKEN_SECONDS = 3600;
const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

/**
 * The delegated permissions the bot's Entra app has been consented for (aad.manifest.json). A v2 access token
 * carries every consented scope of its resource, whichever of them were asked for, as Entra's do.
 */
const CONSENTED: Record<string, readonly string[]> = {
  [PARTNER_CENTER_RESOURCE]: ['user_impersonation'],
  [GRAPH_RESOURCE]: ['DelegatedAdminRelationship.Read.All', 'GroupMember.Read.All', 'Domain.Read.All', 'User.Read.All', 'User.Read'],
};

/**
 * The application permissions (app roles) admin-consented for the bot's app in the partner tenant
 * (aad.manifest.json, type `Role`): an app-only token carries them in `roles`. The GDAP metadata read, and the
 * members of the groups that may approve (who to mention on a request).
 */
const APP_ROLES: Record<string, readonly string[]> = {
  [GRAPH_RESOURCE]: ['DelegatedAdminRelationship.Read.All', 'GroupMember.Read.All'],
};

/** Entra's answer when the app has no service principal in the tenant asked for (not installed, never consented). */
const appNotInTenant = (clientId: string, directory: string) =>
  aadError(
    400,
    'unauthorized_client',
    700016,
    `Application with identifier '${clientId}' was not found in the directory '${directory}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
  );

type ScopeResolution = { ok: true; resource: string; scp: string; echoed: string } | { ok: false; answer: SandboxResponse };

/**
 * What the requested scopes grant: one resource, consented scopes only (`.default` = all consented ones). In a
 * customer tenant the consented ones are that tenant's own grant to the app (`consentedIn`); none at all, or a
 * named scope outside it, is AADSTS65001 as Entra answers an OBO request it cannot satisfy without consent.
 */
function resolveScopes(scope: string, tenant: string, botAppId: string, consentedIn: (resource: string) => readonly string[] | undefined = (r) => CONSENTED[r]): ScopeResolution {
  const requested = scope.split(/\s+/).filter((s) => s && !OIDC_SCOPES.has(s));
  if (requested.length === 0) return { ok: false, answer: aadError(400, 'invalid_scope', 70011, "The provided value for the input parameter 'scope' is not valid.") };
  const resources = new Set(requested.map((s) => s.replace(/\/[^/]*$/, '')));
  if (resources.size > 1) return { ok: false, answer: aadError(400, 'invalid_scope', 28000, "Provided value for the input parameter scope is not valid because it contains more than one resource.") };
  const [resource] = [...resources];
  if (!CONSENTED[resource]) return { ok: false, answer: aadError(400, 'invalid_resource', 500011, `The resource principal named ${resource} was not found in the tenant named ${tenant}.`) };
  const consented = consentedIn(resource) ?? [];
  const names = requested.map((s) => s.slice(resource.length + 1));
  if (consented.length === 0 || names.some((n) => n !== '.default' && !consented.includes(n))) {
    return { ok: false, answer: consentRequired(botAppId) };
  }
  return { ok: true, resource, scp: consented.join(' '), echoed: requested.join(' ') };
}

const consentRequired = (botAppId: string) =>
  aadError(400, 'invalid_grant', 65001, `The user or administrator has not consented to use the application with ID '${botAppId}'. Send an interactive authorization request for this user and resource.`, undefined, 'consent_required');

const b64url = (s: string) => Buffer.from(s).toString('base64url');

/**
 * `client_info` as Entra adds it to a user-bearing token answer when the request asks with `client_info=1` (MSAL
 * always does): base64url JSON of the user's object id (`uid`) and HOME tenant (`utid`), whichever tenant the token
 * is for. MSAL makes the account's `homeAccountId` (`uid.utid`, "uniquely identifies the user across tenants") of it;
 * without it MSAL falls back to the id token's `sub` and warns "No client info in response". Client credentials
 * carry none (no user): MSAL warns there against Entra too (AzureAD/microsoft-authentication-library-for-js#7917).
 */
function clientInfo(form: Record<string, string>, uid: string, homeTenant: string): { client_info?: string } {
  return form.client_info === '1' ? { client_info: b64url(JSON.stringify({ uid, utid: homeTenant })) } : {};
}

const isTenant = (t: string) => GUID.test(t) || t === 'common' || t === 'organizations';

/** The Entra-shaped identity provider: discovery, keys, and the token endpoint (OBO and client credentials). */
export function identityRoutes(router: Router, state: SandboxState, tokens: TokenIssuer, opts: IdentityOptions): void {
  const tenantNotFound = (tenant: string) => aadError(400, 'invalid_tenant', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);

  router.add('GET', '/:tenant/v2.0/.well-known/openid-configuration', (_req, { tenant }) => {
    if (!isTenant(tenant)) return tenantNotFound(tenant);
    const base = `${tokens.issuerHost}/${tenant}`;
    return {
      status: 200,
      body: {
        issuer: tokens.issuer(tenant),
        token_endpoint: `${base}/oauth2/v2.0/token`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'name', 'oid', 'tid', 'preferred_username', 'upn', 'amr'],
        tenant_region_scope: 'EU',
        cloud_instance_name: new URL(tokens.issuerHost).host,
      },
    };
  });
  router.add('GET', '/:tenant/discovery/v2.0/keys', (_req, { tenant }) => (isTenant(tenant) ? { status: 200, body: { keys: [tokens.jwk] } } : tenantNotFound(tenant)));
  router.add('GET', '/common/discovery/instance', () => {
    const host = new URL(tokens.issuerHost).host;
    return {
      status: 200,
      body: {
        tenant_discovery_endpoint: `${tokens.issuerHost}/common/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
      },
    };
  });

  router.add('POST', '/:tenant/oauth2/v2.0/token', async (req, { tenant }) => {
    const form = formOf(req);
    if (!form) return aadError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.");
    const { clientId, clientSecret } = clientCredentialsOf(req, form);
    if (!clientId) return aadError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.");
    if (clientId !== opts.botAppId) return appNotInTenant(clientId, tenant);
    if (clientSecret !== opts.clientSecret) {
      return aadError(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.');
    }
    if (!isTenant(tenant)) return tenantNotFound(tenant);
    const resolvedTenant = tenant === 'common' || tenant === 'organizations' ? state.world.partnerTenant.id : tenant;
    if (resolvedTenant !== state.world.partnerTenant.id) {
      // Entra looks the client up in the tenant asked for before anything else: an app without a service
      // principal there (single-tenant, or multi-tenant never consented) is refused whatever the grant.
      const customer = state.customer(resolvedTenant);
      if (!customer) return tenantNotFound(resolvedTenant);
      if (!appConsentIn(state.world, customer, clientId)) return appNotInTenant(clientId, customer.companyName);
    }
    if (form.grant_type === 'client_credentials') {
      return clientCredentialsGrant(tokens, resolvedTenant, form.scope ?? '', clientId, resolvedTenant === state.world.partnerTenant.id);
    }
    if (form.grant_type === 'urn:ietf:params:oauth:grant-type:jwt-bearer' && form.requested_token_use === 'on_behalf_of') {
      return onBehalfOfGrant(state, tokens, opts, resolvedTenant, form);
    }
    return aadError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
  });
}

/** The token endpoint takes form-encoded parameters only; anything else (JSON, nothing) is no form. */
function formOf(req: SandboxRequest): Record<string, string> | undefined {
  const body = req.body;
  if (!body || typeof body !== 'object' || !(req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) return undefined;
  return body as Record<string, string>;
}

function clientCredentialsOf(req: SandboxRequest, form: Record<string, string>): { clientId?: string; clientSecret?: string } {
  const basic = /^Basic\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''));
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const part = (s: string) => {
      try {
        return decodeURIComponent(s.replace(/\+/g, ' '));
      } catch {
        return s;
      }
    };
    return colon < 0 ? { clientId: part(decoded) } : { clientId: part(decoded.slice(0, colon)), clientSecret: part(decoded.slice(colon + 1)) };
  }
  return { clientId: form.client_id, clientSecret: form.client_secret };
}

async function clientCredentialsGrant(tokens: TokenIssuer, tenant: string, scope: string, clientId: string, home: boolean): Promise<SandboxResponse> {
  const resource = scope.trim().replace(/\/\.default$/, '');
  if (!scope.trim().endsWith('/.default') || ![PARTNER_CENTER_RESOURCE, GRAPH_RESOURCE].includes(resource)) {
    return aadError(400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
  }
  // App-only: `idtyp` app, `roles` instead of `scp`, and the app itself as the subject. Application permissions
  // are consented in the partner tenant only; in a customer tenant the app holds none.
  const roles = home ? [...(APP_ROLES[resource] ?? [])] : [];
  const access = await tokens.sign({ idtyp: 'app', roles, oid: clientId, sub: clientId, appid: clientId, azp: clientId, tid: tenant }, { tenantId: tenant, audience: resource, expiresInSeconds: ACCESS_TOKEN_SECONDS });
  return { status: 200, body: { token_type: 'Bearer', expires_in: ACCESS_TOKEN_SECONDS - 1, ext_expires_in: ACCESS_TOKEN_SECONDS - 1, access_token: access } };
}

async function onBehalfOfGrant(state: SandboxState, tokens: TokenIssuer, opts: IdentityOptions, tenant: string, form: Record<string, string>): Promise<SandboxResponse> {
  const partnerTenant = state.world.partnerTenant.id;
  let assertion: SandboxClaims;
  try {
    assertion = await tokens.verify(form.assertion, [`api://botid-${opts.botAppId}`, opts.botAppId]);
    if (assertion.iss !== tokens.issuer(partnerTenant) || assertion.idtyp === 'app' || !assertion.scp) throw new TokenRejected('invalid');
  } catch (e) {
    return e instanceof TokenRejected && e.reason === 'expired'
      ? aadError(400, 'invalid_grant', 500133, 'Assertion is not within its valid time range. Ensure that the access token is not expired before using it for user assertion, or request a new token.')
      : aadError(400, 'invalid_grant', 50013, 'Assertion failed signature validation, or its audience or issuer is not this application.');
  }
  const user = state.partnerUser(assertion.oid);
  if (!user) return aadError(400, 'invalid_grant', 50034, `The user account does not exist in the ${partnerTenant} directory.`);
  if (!user.consented) {
    return consentRequired(opts.botAppId);
  }
  const customer = tenant === partnerTenant ? undefined : state.customer(tenant);
  const consentedIn = customer ? (resource: string) => (resource === GRAPH_RESOURCE ? appConsentIn(state.world, customer, opts.botAppId) : undefined) : undefined;
  const scopes = resolveScopes(form.scope ?? '', tenant, opts.botAppId, consentedIn);
  if (!scopes.ok) return scopes.answer;
  if (tenant !== partnerTenant) {
    if (!customer) return aadError(400, 'invalid_tenant', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
    // A partner engineer reaches a customer tenant through GDAP only: any usable role there will do.
    const access = userAccess(state.world, user.oid, customer);
    if (access !== 'read' && access !== 'write') {
      return aadError(400, 'invalid_grant', 50020, `User account '${user.upn}' from identity provider '${tokens.issuer(partnerTenant)}' does not exist in tenant '${customer.companyName}' and cannot access the application '${opts.botAppId}' in that tenant.`);
    }
  }
  // Partner Center's resource takes v1.0 tokens, and Entra writes `amr` only into v1.0 tokens: the token for it
  // looks like Entra's v1 token (ver 1.0, iss sts.windows.net, appid, unique_name, amr), carrying the MFA of the
  // sign-in behind the assertion. Graph's stay v2 (no amr). Access-token claims reference:
  // https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference
  const v1 = scopes.resource === PARTNER_CENTER_RESOURCE;
  const claims: SandboxClaims = v1
    ? {
        oid: user.oid,
        sub: user.oid,
        upn: user.upn,
        unique_name: user.upn,
        name: user.name,
        amr: tokens.signedInWithMfa(assertion.jti) ? ['pwd', 'mfa'] : ['pwd'],
        appid: opts.botAppId,
        appidacr: '1',
        tid: tenant,
      }
    : { oid: user.oid, sub: user.oid, upn: user.upn, preferred_username: user.upn, name: user.name, idtyp: 'user', azp: opts.botAppId, tid: tenant };
  const access = await tokens.sign({ ...claims, scp: scopes.scp }, { tenantId: tenant, audience: scopes.resource, expiresInSeconds: ACCESS_TOKEN_SECONDS, version: v1 ? '1.0' : '2.0' });
  const idToken = await tokens.sign({ oid: user.oid, sub: user.oid, preferred_username: user.upn, name: user.name, tid: tenant }, { tenantId: tenant, audience: opts.botAppId, expiresInSeconds: ACCESS_TOKEN_SECONDS });
  return {
    status: 200,
    body: {
      token_type: 'Bearer',
      scope: scopes.echoed,
      expires_in: ACCESS_TOKEN_SECONDS - 1,
      ext_expires_in: ACCESS_TOKEN_SECONDS - 1,
      access_token: access,
      refresh_token: randomBytes(32).toString('base64url'),
      id_token: idToken,
      ...clientInfo(form, user.oid, partnerTenant),
    },
  };
}

const ssoRequest = z
  .object({
    userPrincipalName: z.string().min(1).optional(),
    oid: z.string().optional(),
    mfa: z.boolean().default(true),
    // Negative values make an already expired token (for the AADSTS500133 case).
    expiresInSeconds: integer(z.number()).min(-86_400).max(86_400).default(ACCESS_TOKEN_SECONDS),
    audience: z.string().min(1).optional(),
  })
  .refine((b) => b.userPrincipalName !== undefined || b.oid !== undefined, { message: 'userPrincipalName or oid is required' });

/** POST /_sandbox/sso-token: the SSO token Teams would hand the bot for a seeded partner engineer. */
export async function issueSsoToken(state: SandboxState, tokens: TokenIssuer, botAppId: string, body: unknown): Promise<SandboxResponse> {
  const parsed = ssoRequest.safeParse(body, { error: zod3Messages });
  if (!parsed.success) return controlError(400, 'invalid_request', { issues: zod3Issues(parsed.error).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`) });
  const b = parsed.data;
  const user = (b.oid ? state.partnerUser(b.oid) : undefined) ?? (b.userPrincipalName ? state.partnerUserByUpn(b.userPrincipalName) : undefined);
  if (!user) return controlError(404, 'unknown_user', { error_description: 'No seeded partner user with that userPrincipalName or oid.' });
  // Like Entra's v2 token for the bot's API: no `amr` (v1.0 only). How the person signed in is remembered by jti
  // and written into the v1 Partner Center token exchanged for it (the `mfa` switch tests the no-MFA case).
  const jti = randomUUID();
  tokens.rememberSignIn(jti, b.mfa);
  const token = await tokens.sign(
    { oid: user.oid, sub: user.oid, upn: user.upn, preferred_username: user.upn, name: user.name, scp: 'access_as_user', azp: TEAMS_CLIENT_ID, azpacr: '0', idtyp: 'user', jti },
    { tenantId: state.world.partnerTenant.id, audience: b.audience ?? `api://botid-${botAppId}`, expiresInSeconds: b.expiresInSeconds },
  );
  return { status: 200, body: { token, expiresOn: new Date(Date.now() + b.expiresInSeconds * 1000).toISOString() } };
}
