import { z } from 'zod/v4';
import { PC_TEXT, pcError } from './errors';
import { groupsOf, rolesIn } from './gdap';
import { BAD_BODY, GUID, type Router, type SandboxRequest, type SandboxResponse } from './http';
import { partnerCenterGuard } from './partner-center-guard';
import type { SandboxState } from './state';
import { GRAPH_APP_ID, type TokenIssuer } from './tokens';
import type { SandboxCustomer } from './world';

/**
 * Partner Center's application consents (the "secure application model", Control Panel Vendor APIs):
 * `POST /v1/customers/{id}/applicationconsents` creates the app's service principal in the customer tenant with
 * the delegated grants asked for; `DELETE …/applicationconsents/{application-id}` removes it. Microsoft documents
 * the request, the statuses (200/201, 400, 401, 403, 404, 500) and the rate limit
 * (learn.microsoft.com/partner-center/developer/control-panel-vendor-apis), but no GET, no response body and no
 * error codes: the refusals below are the sandbox's conservative reading, marked UNCONFIRMED where so.
 *
 * Who may consent (learn.microsoft.com/powershell/partnercenter/exchange-online-gdap-app, "Prerequisites"): a user
 * in the partner's AdminAgents group who also holds, through GDAP in that customer, Global Administrator,
 * Privileged Role Administrator or Cloud Application Administrator. Application Administrator is not listed, so it
 * is refused here (conservative: UNCONFIRMED whether Partner Center accepts it).
 */

/** Role template ids that may consent an app in a customer tenant through GDAP (Microsoft's documented list). */
export const CONSENT_ROLES: Readonly<Record<string, string>> = {
  '62e90394-69f5-4237-9190-012177145e10': 'Global Administrator',
  'e8611ab8-c189-46e8-94e1-60213ab1f814': 'Privileged Role Administrator',
  '158c047a-c907-4556-b7ef-446551a6b5f7': 'Cloud Application Administrator',
};

/** The sandbox's sentences (UNCONFIRMED: Microsoft publishes none); docs/sandbox-api.md lists them. */
export const CONSENT_TEXT = {
  notAdminAgent: 'The user does not have the Admin Agent role in the partner tenant, which is required to manage application consents.',
  invalidBody: (property: string) => `Invalid value specified for property '${property}' of resource 'ApplicationConsent'.`,
  // What Entra answers for an app without a service principal outside its home tenant (AADSTS700016): a
  // single-tenant (AzureADMyOrg) app can never be consented in another tenant.
  singleTenant: (appId: string, tenant: string) =>
    `AADSTS700016: Application with identifier '${appId}' was not found in the directory '${tenant}'. The application is registered as single-tenant (AzureADMyOrg) and cannot be consented in another tenant.`,
  unknownApplication: (appId: string) => `Application with identifier '${appId}' was not found in the partner tenant.`,
  exists: 'Permission entry already exists.',
  consentNotFound: 'Application consent not found.',
};

const consentBody = z.object({
  applicationId: z.string().regex(GUID),
  applicationGrants: z
    .array(z.object({ enterpriseApplicationId: z.string().regex(GUID), scope: z.string().trim().min(1) }))
    .min(1),
  displayName: z.string().max(256).optional(),
});

export interface ConsentRouteOptions {
  botAppId: string;
}

/** Partner Center's Admin agent security group in the partner tenant has this name (Partner Center creates it). */
const ADMIN_AGENTS_GROUP = 'AdminAgents';

const isAnswer = (v: unknown): v is SandboxResponse => typeof v === 'object' && v !== null && 'status' in v;

/** Scopes of a grant: Partner Center takes them comma separated (spaces tolerated, as scripts send both). */
const scopesOf = (scope: string) => scope.split(/[,\s]+/).filter(Boolean);

export function consentRoutes(router: Router, state: SandboxState, tokens: TokenIssuer, opts: ConsentRouteOptions): void {
  const guarded = partnerCenterGuard(state, tokens);

  /** The customer, when the caller may manage application consents there; otherwise the refusal. */
  const allowed = (id: string, oid: string): SandboxCustomer | SandboxResponse => {
    const customer = state.customer(id);
    if (!customer) return pcError(404, '60003', PC_TEXT.tenantNotFound);
    if (customer.relationships.length === 0) return pcError(403, '20002', PC_TEXT.noRelationship);
    const adminAgents = state.world.groups.find((g) => g.name === ADMIN_AGENTS_GROUP);
    // UNCONFIRMED status and code: Partner Center's refusal of a partner role is a 403; 2032 is its "access denied".
    if (!adminAgents || !groupsOf(state.world, oid).has(adminAgents.id)) return pcError(403, '2032', CONSENT_TEXT.notAdminAgent);
    const roles = rolesIn(state.world, oid, customer);
    if (!Object.keys(CONSENT_ROLES).some((r) => roles.has(r))) return pcError(403, '900150', PC_TEXT.noRole);
    return customer;
  };

  router.add('POST', '/v1/customers/:id/applicationconsents', guarded((req: SandboxRequest, { id }, caller) => {
    if (req.body === BAD_BODY) return pcError(400, '400', PC_TEXT.badJson);
    const customer = allowed(id, caller.oid);
    if (isAnswer(customer)) return customer;
    const parsed = consentBody.safeParse(req.body ?? {});
    if (!parsed.success) return pcError(400, '400', CONSENT_TEXT.invalidBody(String(parsed.error.issues[0]?.path[0] ?? 'body')));
    const body = parsed.data;
    // The sandbox's partner tenant has one app registration: the bot's.
    if (body.applicationId.toLowerCase() !== opts.botAppId.toLowerCase()) return pcError(404, '1000', CONSENT_TEXT.unknownApplication(body.applicationId));
    if (state.world.appRegistration === 'single-tenant') return pcError(400, '400', CONSENT_TEXT.singleTenant(body.applicationId, customer.id));
    // UNCONFIRMED status (scripts in the wild match only this sentence, and delete the consent first to update it).
    if (customer.appConsents.has(opts.botAppId)) return pcError(409, '409', CONSENT_TEXT.exists);
    const graphScopes = body.applicationGrants.filter((g) => g.enterpriseApplicationId.toLowerCase() === GRAPH_APP_ID).flatMap((g) => scopesOf(g.scope));
    customer.appConsents.set(opts.botAppId, [...new Set(graphScopes)]);
    return {
      status: 201,
      body: {
        applicationId: body.applicationId,
        applicationGrants: body.applicationGrants,
        ...(body.displayName ? { displayName: body.displayName } : {}),
        attributes: { objectType: 'ApplicationConsent' },
      },
    };
  }, { idempotent: true }));

  router.add('DELETE', '/v1/customers/:id/applicationconsents/:appId', guarded((_req, { id, appId }, caller) => {
    const customer = allowed(id, caller.oid);
    if (isAnswer(customer)) return customer;
    const key = [...customer.appConsents.keys()].find((k) => k.toLowerCase() === appId.toLowerCase());
    if (!key) return pcError(404, '1000', CONSENT_TEXT.consentNotFound);
    customer.appConsents.delete(key);
    return { status: 200 };
  }, { idempotent: true }));
}
