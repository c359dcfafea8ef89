import { randomBytes } from 'node:crypto';
import { aadError } from './errors';
import { canReadUsers } from './gdap';
import { GUID, type Router, type SandboxRequest, type SandboxResponse } from './http';
import type { SandboxState } from './state';
import { GRAPH_RESOURCE, PARTNER_CENTER_RESOURCE, TEAMS_CLIENT_ID, type SandboxClaims, type TokenIssuer } from './tokens';

export interface IdentityOptions {
  botAppId: string;
  clientSecret: string;
}

/** What a delegated scope grants: the resource it is for, and the `scp` the token carries. */
function resolveScopes(scope: string): { resource: string; scp: string } | undefined {
  const requested = scope.split(/\s+/).filter((s) => s && !['openid', 'profile', 'offline_access'].includes(s));
  if (requested.length === 0) return undefined;
  const resource = requested[0].replace(/\/[^/]*$/, '');
  if (!requested.every((s) => s.startsWith(`${resource}/`))) return undefined;
  if (resource === PARTNER_CENTER_RESOURCE) return { resource, scp: 'user_impersonation' };
  if (resource === GRAPH_RESOURCE) return { resource, scp: 'DelegatedAdminRelationship.Read.All GroupMember.Read.All Domain.Read.All User.Read.All User.Read' };
  return undefined;
}

const b64url = (s: string) => Buffer.from(s).toString('base64url');

/** The Entra-shaped identity provider: discovery, keys, and the token endpoint (OBO and client credentials). */
export function identityRoutes(router: Router, state: SandboxState, tokens: TokenIssuer, opts: IdentityOptions): void {
  router.add('GET', '/:tenant/v2.0/.well-known/openid-configuration', (_req, { tenant }) => {
    const base = `${tokens.issuerHost}/${tenant}`;
    return {
      status: 200,
      body: {
        issuer: tokens.issuer(tenant),
        token_endpoint: `${base}/oauth2/v2.0/token`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_types_supported: ['code', 'id_token', 'token'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        tenant_region_scope: 'EU',
      },
    };
  });
  router.add('GET', '/:tenant/discovery/v2.0/keys', () => ({ status: 200, body: { keys: [tokens.jwk] } }));
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
    const form = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, string>;
    const { clientId, clientSecret } = clientCredentialsOf(req, form);
    if (clientId !== opts.botAppId || clientSecret !== opts.clientSecret) {
      return aadError(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.');
    }
    if (!GUID.test(tenant) && tenant !== 'organizations') return aadError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found.`);
    if (form.grant_type === 'client_credentials') return clientCredentialsGrant(tokens, tenant, form.scope ?? '', clientId);
    if (form.grant_type === 'urn:ietf:params:oauth:grant-type:jwt-bearer' && form.requested_token_use === 'on_behalf_of') {
      return onBehalfOfGrant(state, tokens, opts, tenant, form);
    }
    return aadError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
  });
}

function clientCredentialsOf(req: SandboxRequest, form: Record<string, string>): { clientId?: string; clientSecret?: string } {
  const basic = /^Basic\s+(.+)$/i.exec(String(req.headers.authorization ?? ''));
  if (basic) {
    const [id, secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
    return { clientId: decodeURIComponent(id ?? ''), clientSecret: decodeURIComponent(secret ?? '') };
  }
  return { clientId: form.client_id, clientSecret: form.client_secret };
}

async function clientCredentialsGrant(tokens: TokenIssuer, tenant: string, scope: string, clientId: string): Promise<SandboxResponse> {
  const resource = scope.replace(/\/\.default$/, '');
  if (![PARTNER_CENTER_RESOURCE, GRAPH_RESOURCE].includes(resource)) return aadError(400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid.`);
  const access = await tokens.sign({ idtyp: 'app', roles: [], oid: clientId, appid: clientId, azp: clientId }, { tenantId: tenant, audience: resource, expiresInSeconds: 3600 });
  return { status: 200, body: { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: access } };
}

async function onBehalfOfGrant(state: SandboxState, tokens: TokenIssuer, opts: IdentityOptions, tenant: string, form: Record<string, string>): Promise<SandboxResponse> {
  const partnerTenant = state.world.partnerTenant.id;
  let claims: SandboxClaims;
  try {
    claims = await tokens.verify(form.assertion ?? '', `api://botid-${opts.botAppId}`);
    if (claims.iss !== tokens.issuer(partnerTenant)) throw new Error('issuer');
  } catch (e) {
    const expired = e instanceof Error && /exp/i.test(`${(e as { code?: string }).code ?? ''} ${e.message}`);
    return expired
      ? aadError(400, 'invalid_grant', 500133, 'Assertion is not within its valid time range.')
      : aadError(400, 'invalid_grant', 50013, 'Assertion failed signature validation, or its audience or issuer is not this application.');
  }
  const user = state.partnerUser(claims.oid);
  if (!user) return aadError(400, 'invalid_grant', 50034, 'The user account does not exist in the directory.');
  if (!user.consented) {
    return aadError(400, 'invalid_grant', 65001, `The user or administrator has not consented to use the application with ID '${opts.botAppId}'. Send an interactive authorization request for this user and resource.`);
  }
  const scopes = resolveScopes(form.scope ?? '');
  if (!scopes) return aadError(400, 'invalid_scope', 70011, `The provided value for the input parameter 'scope' is not valid.`);
  if (tenant !== partnerTenant) {
    // A token for a customer tenant is issued through GDAP only: the engineer needs an active role there.
    const customer = state.customer(tenant);
    if (!customer || !canReadUsers(state.world, user.oid, customer)) {
      return aadError(400, 'invalid_grant', 50020, `User account '${user.upn}' from identity provider does not exist in tenant '${tenant}' and cannot access the application in that tenant.`);
    }
  }
  const common: SandboxClaims = { oid: user.oid, upn: user.upn, preferred_username: user.upn, name: user.name, amr: claims.amr ?? ['pwd'], idtyp: 'user', azp: opts.botAppId, appid: opts.botAppId, tid: tenant };
  const access = await tokens.sign({ ...common, scp: scopes.scp }, { tenantId: tenant, audience: scopes.resource, expiresInSeconds: 3600 });
  const idToken = await tokens.sign({ oid: user.oid, sub: user.oid, preferred_username: user.upn, name: user.name, tid: tenant }, { tenantId: tenant, audience: opts.botAppId, expiresInSeconds: 3600 });
  return {
    status: 200,
    body: {
      token_type: 'Bearer',
      scope: (form.scope ?? '').split(/\s+/).filter((s) => !['openid', 'profile', 'offline_access'].includes(s)).join(' '),
      expires_in: 3599,
      ext_expires_in: 3599,
      access_token: access,
      refresh_token: randomBytes(32).toString('base64url'),
      id_token: idToken,
      client_info: b64url(JSON.stringify({ uid: user.oid, utid: tenant })),
    },
  };
}

/** POST /_sandbox/sso-token: the SSO token Teams would hand the bot for a seeded partner engineer. */
export async function issueSsoToken(state: SandboxState, tokens: TokenIssuer, botAppId: string, body: unknown): Promise<SandboxResponse> {
  const b = (body && typeof body === 'object' ? body : {}) as { userPrincipalName?: unknown; oid?: unknown; mfa?: unknown; expiresInSeconds?: unknown; audience?: unknown };
  const byOid = typeof b.oid === 'string' ? state.partnerUser(b.oid) : undefined;
  const user = byOid ?? state.world.partnerUsers.find((u) => typeof b.userPrincipalName === 'string' && u.upn.toLowerCase() === b.userPrincipalName.toLowerCase());
  if (!user) return { status: 404, body: { error: 'unknown_user', error_description: 'No seeded partner user with that userPrincipalName or oid.' } };
  const expiresInSeconds = typeof b.expiresInSeconds === 'number' ? b.expiresInSeconds : 3600;
  const audience = typeof b.audience === 'string' ? b.audience : `api://botid-${botAppId}`;
  const token = await tokens.sign(
    { oid: user.oid, upn: user.upn, preferred_username: user.upn, name: user.name, scp: 'access_as_user', azp: TEAMS_CLIENT_ID, amr: b.mfa === false ? ['pwd'] : ['pwd', 'mfa'], idtyp: 'user' },
    { tenantId: state.world.partnerTenant.id, audience, expiresInSeconds },
  );
  return { status: 200, body: { token, expiresOn: new Date(Date.now() + expiresInSeconds * 1000).toISOString() } };
}
