import { randomBytes, randomUUID } from 'node:crypto';
import { GRAPH_TEXT } from './customer-graph-routes';
import { graphError } from './errors';
import { holdsAny, ONBOARDING_ROLES } from './gdap';
import { graphGuard, insufficient } from './graph-routes';
import { BAD_BODY, type Router } from './http';
import type { SandboxState } from './state';
import type { TokenIssuer } from './tokens';
import type { SandboxCustomer, SandboxTemporaryAccessPass } from './world';

/**
 * Microsoft Graph's Temporary Access Pass in a customer's tenant, through GDAP (docs/sandbox-api.md, rows 18–20):
 * - `GET /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass` ("Get
 *   temporaryAccessPassAuthenticationMethodConfiguration"): delegated Policy.Read.AuthenticationMethod (least),
 *   Policy.ReadWrite.AuthenticationMethod, or Policy.Read.All (listed by the page's earlier versions); roles Global
 *   Reader or Authentication Policy Administrator. An Authentication Administrator cannot read it.
 * - `POST /users/{id}/authentication/temporaryAccessPassMethods` ("Create temporaryAccessPassMethod"): delegated
 *   UserAuthenticationMethod.ReadWrite.All (or the newer UserAuthMethod-TAP.ReadWrite.All); roles Authentication
 *   Administrator or Privileged Authentication Administrator. 201 with the pass, shown only in this answer; a new
 *   pass replaces the user's previous one.
 */

const READ_POLICY = ['Policy.Read.AuthenticationMethod', 'Policy.ReadWrite.AuthenticationMethod', 'Policy.Read.All'];
const WRITE_TAP = ['UserAuthenticationMethod.ReadWrite.All', 'UserAuthMethod-TAP.ReadWrite.All'];

export const TAP_TEXT = {
  /** Seen in a Graph thread (microsoftgraph/microsoft-graph-docs#12187), code `badRequest`, with the tenant's bounds. */
  badLifetime: (min: number, max: number) => `Invalid LifetimeInMinutes specified. The valid range between ${min} and ${max}.`,
  /** The Entra admin centre's words for a method the policy does not allow (MicrosoftDocs/azure-docs#111778); the HTTP status is UNCONFIRMED. */
  disabledByPolicy: 'Converged UserCredentialPolicy does not allow creating or updating this authentication method. AuthMethodType [TemporaryAccessPass].',
  /** UNCONFIRMED wording: a multi-use pass in a tenant whose policy allows one-time passes only. */
  onlyUsableOnce: 'The Temporary Access Pass policy only allows one-time use passes (isUsableOnce must be true).',
  badStart: "Invalid value specified for property 'startDateTime' of resource 'TemporaryAccessPassAuthenticationMethod'.",
  unknownConfiguration: (id: string) => `Authentication method configuration '${id}' was not found.`,
};

/** Characters of a generated pass (Graph's passes mix letters, digits and symbols, e.g. `+drkzqAD`). */
const PASS_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789+#%&*!?';

function generatePass(length: number): string {
  const bytes = randomBytes(length);
  return Array.from(bytes, (b) => PASS_CHARS[b % PASS_CHARS.length]).join('');
}

export function tapPolicyJson(c: SandboxCustomer, origin: string): Record<string, unknown> {
  const p = c.tapPolicy;
  return {
    '@odata.context': `${origin}/v1.0/$metadata#authenticationMethodConfigurations/$entity`,
    '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration',
    id: 'TemporaryAccessPass',
    state: p.state,
    defaultLifetimeInMinutes: p.defaultLifetimeInMinutes,
    defaultLength: p.defaultLength,
    minimumLifetimeInMinutes: p.minimumLifetimeInMinutes,
    maximumLifetimeInMinutes: p.maximumLifetimeInMinutes,
    isUsableOnce: p.isUsableOnce,
    includeTargets: [{ targetType: 'group', id: 'all_users', isRegistrationRequired: false }],
    excludeTargets: [],
  };
}

export function authenticationMethodRoutes(router: Router, state: SandboxState, tokens: TokenIssuer): void {
  const guarded = graphGuard(state, tokens);

  router.add(
    'GET',
    '/v1.0/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/:id',
    guarded({ tenant: 'customer', anyOf: READ_POLICY }, (req, { id }, caller) => {
      const c = state.customer(caller.tid)!;
      if (!holdsAny(state.world, caller.oid, c, ONBOARDING_ROLES.readTapPolicy)) return insufficient();
      // Graph's configuration ids are case-insensitive (its pages write both `TemporaryAccessPass` and `temporaryAccessPass`).
      if (id.toLowerCase() !== 'temporaryaccesspass') return graphError(404, 'NotFound', TAP_TEXT.unknownConfiguration(id));
      return { status: 200, body: tapPolicyJson(c, req.origin) };
    }),
  );

  router.add(
    'POST',
    '/v1.0/users/:id/authentication/temporaryAccessPassMethods',
    guarded({ tenant: 'customer', anyOf: WRITE_TAP }, (req, { id }, caller) => {
      const c = state.customer(caller.tid)!;
      if (!holdsAny(state.world, caller.oid, c, ONBOARDING_ROLES.temporaryAccessPass)) return insufficient();
      const user = c.users.find((u) => u.state === 'active' && (u.id === id.toLowerCase() || u.userPrincipalName.toLowerCase() === id.toLowerCase()));
      if (!user) return graphError(404, 'Request_ResourceNotFound', GRAPH_TEXT.notFound(id));
      if (req.body === BAD_BODY || (req.body !== undefined && (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)))) return graphError(400, 'BadRequest', GRAPH_TEXT.badBody);
      const body = (req.body ?? {}) as { lifetimeInMinutes?: unknown; isUsableOnce?: unknown; startDateTime?: unknown };
      const p = c.tapPolicy;
      if (p.state !== 'enabled') return graphError(400, 'badRequest', TAP_TEXT.disabledByPolicy);
      const lifetime = body.lifetimeInMinutes ?? p.defaultLifetimeInMinutes;
      if (typeof lifetime !== 'number' || !Number.isInteger(lifetime) || lifetime < p.minimumLifetimeInMinutes || lifetime > p.maximumLifetimeInMinutes) {
        return graphError(400, 'badRequest', TAP_TEXT.badLifetime(p.minimumLifetimeInMinutes, p.maximumLifetimeInMinutes));
      }
      if (body.isUsableOnce !== undefined && typeof body.isUsableOnce !== 'boolean') return graphError(400, 'BadRequest', GRAPH_TEXT.badBody);
      // Not given: the policy's setting ("Create temporaryAccessPassMethod": optional).
      const once = (body.isUsableOnce as boolean | undefined) ?? p.isUsableOnce;
      if (p.isUsableOnce && !once) return graphError(400, 'badRequest', TAP_TEXT.onlyUsableOnce);
      const now = new Date();
      let start = now;
      if (body.startDateTime !== undefined) {
        const parsed = typeof body.startDateTime === 'string' ? new Date(body.startDateTime) : new Date(NaN);
        if (Number.isNaN(parsed.getTime())) return graphError(400, 'BadRequest', TAP_TEXT.badStart);
        start = parsed;
      }
      const tap: SandboxTemporaryAccessPass = { id: randomUUID(), createdDateTime: now.toISOString(), startDateTime: start.toISOString(), lifetimeInMinutes: lifetime, isUsableOnce: once };
      // One pass per user: the new one replaces the previous ("Create temporaryAccessPassMethod").
      c.temporaryAccessPasses.set(user.id, tap);
      const notYet = start.getTime() > now.getTime();
      return {
        status: 201,
        body: {
          '@odata.context': `${req.origin}/v1.0/$metadata#users('${user.id}')/authentication/temporaryAccessPassMethods/$entity`,
          '@odata.type': '#microsoft.graph.temporaryAccessPassAuthenticationMethod',
          ...tap,
          temporaryAccessPass: generatePass(p.defaultLength),
          isUsable: !notYet,
          methodUsabilityReason: notYet ? 'NotYetValid' : 'EnabledByPolicy',
        },
      };
    }),
  );
}
