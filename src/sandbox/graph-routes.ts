import { graphError } from './errors';
import { groupsOf } from './gdap';
import { BAD_BODY, GUID, type Router, type SandboxRequest, type SandboxResponse } from './http';
import type { SandboxState } from './state';
import { bearerOf, GRAPH_APP_ID, GRAPH_RESOURCE, TokenRejected, type SandboxClaims, type TokenIssuer } from './tokens';

export type GraphHandler = (req: SandboxRequest, params: Record<string, string>, caller: SandboxClaims & { oid: string; tid: string }) => Promise<SandboxResponse> | SandboxResponse;

const MAX_TOP = 300;
const MAX_MEMBER_GROUP_IDS = 20;

/** Where a route answers (the partner's own tenant or a customer's, reached through GDAP) and what it needs in `scp`. */
export interface GraphRouteRule {
  tenant: 'partner' | 'customer';
  /** Any one of these delegated permissions. */
  anyOf: readonly string[];
  /** Any one of these application permissions (`roles` of an app-only token); absent: delegated tokens only. */
  appRoles?: readonly string[];
}

/** Partner Center's Admin agent security group in the partner tenant has this name (Partner Center creates it). */
const ADMIN_AGENTS_GROUP = 'AdminAgents';

export const insufficient = () => graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');

/**
 * The checks every Graph route makes before it acts: a Graph token from this sandbox (else 401
 * InvalidAuthenticationToken), app-only tokens only where the rule takes them, one of the rule's delegated
 * permissions in `scp`, and the token's tenant (the partner's own, or a customer's reached through GDAP).
 */
export function graphGuard(state: SandboxState, tokens: TokenIssuer) {
  return (
    (rule: GraphRouteRule, handler: GraphHandler) =>
    async (req: SandboxRequest, params: Record<string, string>): Promise<SandboxResponse> => {
      let caller: SandboxClaims;
      try {
        caller = await tokens.verify(bearerOf(req.headers.authorization), [GRAPH_RESOURCE, GRAPH_APP_ID]);
      } catch (e) {
        if (!(e instanceof TokenRejected)) throw e;
        return e.reason === 'missing'
          ? graphError(401, 'InvalidAuthenticationToken', 'Access token is empty.')
          : graphError(401, 'InvalidAuthenticationToken', e.reason === 'expired' ? 'Lifetime validation failed, the token is expired.' : 'Access token validation failure. Invalid audience or signature.');
      }
      const isPartner = caller.tid === state.world.partnerTenant.id;
      if (caller.idtyp === 'app') {
        // App-only: only the GDAP metadata reads take it, in the partner tenant, with the application permission.
        if (!rule.appRoles || !caller.tid || !caller.oid) return graphError(403, 'Authorization_RequestDenied', 'This operation needs a delegated (user) token.');
        const roles = Array.isArray(caller.roles) ? caller.roles : [];
        if (!isPartner || !rule.appRoles.some((r) => roles.includes(r))) return insufficient();
        return handler(req, params, { ...caller, oid: caller.oid, tid: caller.tid });
      }
      // The other routes are /me-style or GDAP delegated calls: they need a user to act as.
      if (!caller.scp || !caller.oid || !caller.tid) return graphError(403, 'Authorization_RequestDenied', 'This operation needs a delegated (user) token.');
      const scopes = caller.scp.split(' ');
      if (!rule.anyOf.some((s) => scopes.includes(s))) return insufficient();
      if (rule.tenant === 'partner' ? !isPartner : isPartner || !state.customer(caller.tid)) return insufficient();
      return handler(req, params, { ...caller, oid: caller.oid, tid: caller.tid });
    }
  );
}

/** Microsoft Graph: GDAP relationships and group membership in the partner tenant, domains in a customer's. */
export function graphRoutes(router: Router, state: SandboxState, tokens: TokenIssuer): void {
  const guarded = graphGuard(state, tokens);

  /**
   * Graph answers a delegated GDAP read by a user outside the Admin agent group with 200 and an empty list, by
   * design (microsoftgraph/microsoft-graph-docs-contrib#8921): the permission is not enough, the role is needed.
   */
  const seesGdap = (caller: SandboxClaims & { oid: string }) => {
    if (caller.idtyp === 'app') return true;
    const adminAgents = state.world.groups.find((g) => g.name === ADMIN_AGENTS_GROUP);
    return adminAgents !== undefined && groupsOf(state.world, caller.oid).has(adminAgents.id);
  };
  const GDAP_READ = { tenant: 'partner', anyOf: ['DelegatedAdminRelationship.Read.All', 'DelegatedAdminRelationship.ReadWrite.All'], appRoles: ['DelegatedAdminRelationship.Read.All', 'DelegatedAdminRelationship.ReadWrite.All'] } as const;

  router.add('GET', '/v1.0/tenantRelationships/delegatedAdminRelationships', guarded(GDAP_READ, (req, _p, caller) => {
    const filter = req.query.get('$filter');
    const wanted = filter === null ? undefined : /^\s*customer\/tenantId\s+eq\s+'([0-9a-fA-F-]{36})'\s*$/i.exec(filter)?.[1];
    if (filter !== null && !wanted) return graphError(400, 'BadRequest', `Invalid filter clause: ${filter.slice(0, 200)}`);
    const rawTop = req.query.get('$top');
    const top = rawTop === null ? 100 : Number(rawTop);
    if (!Number.isInteger(top) || top < 1 || top > MAX_TOP) return graphError(400, 'BadRequest', `Invalid page size specified: '${rawTop}'. Must be between 1 and ${MAX_TOP} inclusive.`);
    const rawSkip = req.query.get('$skiptoken');
    const skip = rawSkip === null ? 0 : Number(Buffer.from(rawSkip, 'base64url').toString('utf8'));
    if (!Number.isInteger(skip) || skip < 0) return graphError(400, 'BadRequest', 'Invalid skip token.');
    const all = seesGdap(caller) ? state.world.customers.filter((c) => !wanted || c.id.toLowerCase() === wanted.toLowerCase()).flatMap((c) => c.relationships) : [];
    const value = all.slice(skip, skip + top).map((r) => ({
      '@odata.type': '#microsoft.graph.delegatedAdminRelationship',
      id: r.id,
      displayName: r.displayName,
      status: r.status,
      endDateTime: r.endDateTime,
      customer: { tenantId: r.customerTenantId, displayName: r.customerDisplayName },
      accessDetails: { unifiedRoles: r.roleDefinitionIds.map((roleDefinitionId) => ({ roleDefinitionId })) },
    }));
    let nextLink: string | undefined;
    if (skip + top < all.length) {
      // Absolute, on the origin the caller used, as Graph's are.
      const next = new URL(`${req.origin}${req.path}`);
      if (filter !== null) next.searchParams.set('$filter', filter);
      next.searchParams.set('$top', String(top));
      next.searchParams.set('$skiptoken', Buffer.from(String(skip + top)).toString('base64url'));
      nextLink = next.toString();
    }
    return { status: 200, body: { '@odata.context': `${req.origin}/v1.0/$metadata#tenantRelationships/delegatedAdminRelationships`, value, ...(nextLink ? { '@odata.nextLink': nextLink } : {}) } };
  }));

  router.add('GET', '/v1.0/tenantRelationships/delegatedAdminRelationships/:id/accessAssignments', guarded(GDAP_READ, (req, { id }, caller) => {
    const rel = state.world.customers.flatMap((c) => c.relationships).find((r) => r.id.toLowerCase() === id.toLowerCase());
    if (!rel) return graphError(404, 'Request_ResourceNotFound', `Delegated admin relationship '${id}' does not exist.`);
    // UNCONFIRMED for this sub-collection: answered like the list above (empty) for a user outside Admin agents.
    const assignments = seesGdap(caller) ? rel.assignments : [];
    return {
      status: 200,
      body: {
        '@odata.context': `${req.origin}/v1.0/$metadata#tenantRelationships/delegatedAdminRelationships('${rel.id}')/accessAssignments`,
        value: assignments.map((a) => ({
          '@odata.type': '#microsoft.graph.delegatedAdminAccessAssignment',
          id: a.id,
          status: a.status,
          accessContainer: { accessContainerId: a.groupId, accessContainerType: 'securityGroup' },
          accessDetails: { unifiedRoles: a.roleDefinitionIds.map((roleDefinitionId) => ({ roleDefinitionId })) },
        })),
      },
    };
  }));

  router.add('POST', '/v1.0/me/checkMemberGroups', guarded({ tenant: 'partner', anyOf: ['GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All', 'User.Read'] }, (req, _p, caller) => {
    if (req.body === BAD_BODY) return graphError(400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
    const ids = (req.body as { groupIds?: unknown } | undefined)?.groupIds;
    if (!Array.isArray(ids) || ids.length === 0 || ids.some((x) => typeof x !== 'string' || !GUID.test(x))) {
      return graphError(400, 'Request_BadRequest', 'Invalid value specified for property \'groupIds\': a non-empty array of group object ids is required.');
    }
    if (ids.length > MAX_MEMBER_GROUP_IDS) return graphError(400, 'Request_BadRequest', `The number of groupIds must not exceed ${MAX_MEMBER_GROUP_IDS}.`);
    const mine = groupsOf(state.world, caller.oid);
    return { status: 200, body: { '@odata.context': `${req.origin}/v1.0/$metadata#Collection(Edm.String)`, value: (ids as string[]).filter((g) => mine.has(g.toLowerCase())) } };
  }));

  /**
   * A group's users, nested groups expanded ("List group transitive members" with the `microsoft.graph.user`
   * cast): application GroupMember.Read.All (or higher) or the delegated equivalents; 100 a page unless `$top`
   * (at most 999), the rest behind an absolute `@odata.nextLink`; 404 Request_ResourceNotFound for no such group.
   */
  const GROUP_MEMBERS = ['GroupMember.Read.All', 'Group.Read.All', 'Directory.Read.All', 'GroupMember.ReadWrite.All', 'Group.ReadWrite.All'];
  router.add('GET', '/v1.0/groups/:id/transitiveMembers/microsoft.graph.user', guarded({ tenant: 'partner', anyOf: GROUP_MEMBERS, appRoles: GROUP_MEMBERS }, (req, { id }) => {
    if (!GUID.test(id)) return graphError(400, 'Request_BadRequest', `Invalid object identifier '${id.slice(0, 100)}'.`);
    const group = state.world.groups.find((g) => g.id.toLowerCase() === id.toLowerCase());
    if (!group) return graphError(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
    const rawTop = req.query.get('$top');
    const top = rawTop === null ? 100 : Number(rawTop);
    if (!Number.isInteger(top) || top < 1 || top > 999) return graphError(400, 'Request_BadRequest', `Invalid page size specified: '${rawTop}'. Must be between 1 and 999 inclusive.`);
    const rawSkip = req.query.get('$skiptoken');
    const skip = rawSkip === null ? 0 : Number(Buffer.from(rawSkip, 'base64url').toString('utf8'));
    if (!Number.isInteger(skip) || skip < 0) return graphError(400, 'Request_BadRequest', 'Invalid skip token.');
    const members = state.world.partnerUsers.filter((u) => groupsOf(state.world, u.oid).has(group.id));
    const select = req.query.get('$select');
    const value = members.slice(skip, skip + top).map((u) => {
      const full: Record<string, unknown> = { id: u.oid, displayName: u.name, userPrincipalName: u.upn };
      const fields = select ? select.split(',').map((f) => f.trim()) : Object.keys(full);
      return { '@odata.type': '#microsoft.graph.user', ...Object.fromEntries(fields.filter((f) => f in full).map((f) => [f, full[f]])) };
    });
    let nextLink: string | undefined;
    if (skip + top < members.length) {
      const next = new URL(`${req.origin}${req.path}`);
      if (select) next.searchParams.set('$select', select);
      next.searchParams.set('$top', String(top));
      next.searchParams.set('$skiptoken', Buffer.from(String(skip + top)).toString('base64url'));
      nextLink = next.toString();
    }
    return { status: 200, body: { '@odata.context': `${req.origin}/v1.0/$metadata#users(${select ?? ''})`, value, ...(nextLink ? { '@odata.nextLink': nextLink } : {}) } };
  }));

  router.add('GET', '/v1.0/domains', guarded({ tenant: 'customer', anyOf: ['Domain.Read.All', 'Directory.Read.All'] }, (_req, _p, caller) => {
    const c = state.customer(caller.tid)!;
    return { status: 200, body: { value: c.domains.map((d) => ({ id: d.name, authenticationType: d.authenticationType, isVerified: d.isVerified, isDefault: d.isDefault, isInitial: d.isInitial, isRoot: true, supportedServices: d.isVerified ? ['Email', 'OfficeCommunicationsOnline'] : [] })) } };
  }));
}
