import { graphError } from './errors';
import { groupsOf } from './gdap';
import { BAD_BODY, header, type Router, type SandboxRequest, type SandboxResponse } from './http';
import type { SandboxState } from './state';
import { GRAPH_RESOURCE, type SandboxClaims, type TokenIssuer } from './tokens';

type Authed = (req: SandboxRequest, params: Record<string, string>, caller: SandboxClaims) => Promise<SandboxResponse> | SandboxResponse;

/** Microsoft Graph: GDAP relationships and group membership in the partner tenant, domains and users in a customer's. */
export function graphRoutes(router: Router, state: SandboxState, tokens: TokenIssuer): void {
  const authed =
    (scope: 'partner' | 'customer', handler: Authed) =>
    async (req: SandboxRequest, params: Record<string, string>): Promise<SandboxResponse> => {
      const bearer = /^Bearer\s+(.+)$/i.exec(header(req, 'authorization') ?? '')?.[1];
      let caller: SandboxClaims;
      try {
        if (!bearer) throw new Error('no token');
        caller = await tokens.verify(bearer, [GRAPH_RESOURCE, '00000003-0000-0000-c000-000000000000']);
      } catch {
        return graphError(401, 'InvalidAuthenticationToken', 'Access token is empty, expired or not valid for Microsoft Graph.');
      }
      if (caller.idtyp === 'app') return graphError(403, 'Authorization_RequestDenied', 'This operation needs a delegated (user) token.');
      const isPartner = caller.tid === state.world.partnerTenant.id;
      if (scope === 'partner' && !isPartner) return graphError(403, 'Authorization_RequestDenied', 'This operation is only available in the partner tenant.');
      if (scope === 'customer' && (isPartner || !state.customer(caller.tid ?? ''))) return graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
      return handler(req, params, caller);
    };

  router.add('GET', '/v1.0/tenantRelationships/delegatedAdminRelationships', authed('partner', (req) => {
    const filter = req.query.get('$filter') ?? '';
    const wanted = /customer\/tenantId\s+eq\s+'([^']+)'/i.exec(filter)?.[1];
    if (filter && !wanted) return graphError(400, 'BadRequest', `Invalid filter clause: ${filter}`);
    const top = Math.min(Math.max(Number(req.query.get('$top') ?? 300) || 300, 1), 300);
    const skip = Number(req.query.get('$skiptoken') ?? 0) || 0;
    const all = state.world.customers.filter((c) => !wanted || c.id.toLowerCase() === wanted.toLowerCase()).flatMap((c) => c.relationships);
    const value = all.slice(skip, skip + top).map((r) => ({
      id: r.id,
      displayName: r.displayName,
      status: r.status,
      endDateTime: r.endDateTime,
      customer: { tenantId: r.customerTenantId, displayName: r.customerDisplayName },
      accessDetails: { unifiedRoles: r.roleDefinitionIds.map((roleDefinitionId) => ({ roleDefinitionId })) },
    }));
    const next = skip + top < all.length ? new URL(`${req.origin}${req.path}`) : undefined;
    if (next) {
      if (filter) next.searchParams.set('$filter', filter);
      next.searchParams.set('$top', String(top));
      next.searchParams.set('$skiptoken', String(skip + top));
    }
    return { status: 200, body: { '@odata.context': `${req.origin}/v1.0/$metadata#tenantRelationships/delegatedAdminRelationships`, value, ...(next ? { '@odata.nextLink': next.toString() } : {}) } };
  }));

  router.add('GET', '/v1.0/tenantRelationships/delegatedAdminRelationships/:id/accessAssignments', authed('partner', (_req, { id }) => {
    const rel = state.world.customers.flatMap((c) => c.relationships).find((r) => r.id === id);
    if (!rel) return graphError(404, 'Request_ResourceNotFound', `Relationship '${id}' does not exist.`);
    return {
      status: 200,
      body: {
        value: rel.assignments.map((a) => ({
          id: a.id,
          status: a.status,
          accessContainer: { accessContainerId: a.groupId, accessContainerType: 'securityGroup' },
          accessDetails: { unifiedRoles: a.roleDefinitionIds.map((roleDefinitionId) => ({ roleDefinitionId })) },
        })),
      },
    };
  }));

  router.add('POST', '/v1.0/me/checkMemberGroups', authed('partner', (req, _p, caller) => {
    if (req.body === BAD_BODY) return graphError(400, 'BadRequest', 'Unable to read JSON request payload.');
    const ids = (req.body as { groupIds?: unknown } | undefined)?.groupIds;
    if (!Array.isArray(ids) || ids.some((x) => typeof x !== 'string')) return graphError(400, 'BadRequest', 'groupIds must be an array of strings.');
    if (ids.length > 20) return graphError(400, 'Request_BadRequest', 'The number of groupIds must not exceed 20.');
    const mine = groupsOf(state.world, caller.oid ?? '');
    return { status: 200, body: { value: (ids as string[]).filter((g) => mine.has(g)) } };
  }));

  router.add('GET', '/v1.0/domains', authed('customer', (_req, _p, caller) => {
    const c = state.customer(caller.tid!)!;
    return { status: 200, body: { value: c.domains.map((d) => ({ id: d.name, authenticationType: d.authenticationType, isVerified: d.isVerified, isDefault: d.isDefault, isInitial: d.isInitial, isRoot: true })) } };
  }));

  router.add('GET', '/v1.0/users/:upn', authed('customer', (_req, { upn }, caller) => {
    const c = state.customer(caller.tid!)!;
    const u = c.users.find((x) => x.state === 'active' && (x.userPrincipalName.toLowerCase() === upn.toLowerCase() || x.id === upn));
    if (!u) return graphError(404, 'Request_ResourceNotFound', `Resource '${upn}' does not exist or one of its queried reference-property objects are not present.`);
    return { status: 200, body: { id: u.id, userPrincipalName: u.userPrincipalName, displayName: u.displayName, givenName: u.firstName, surname: u.lastName, usageLocation: u.usageLocation } };
  }));
}
