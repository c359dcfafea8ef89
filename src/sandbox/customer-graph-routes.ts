import { graphError } from './errors';
import { holdsAny, ONBOARDING_ROLES } from './gdap';
import { graphGuard, insufficient, type GraphHandler, type GraphRouteRule } from './graph-routes';
import { odataPage, pageOf, searchFilter, selected } from './graph-query';
import { BAD_BODY, GUID, type Router, type SandboxRequest, type SandboxResponse } from './http';
import { isCountryCode } from './rules';
import type { SandboxState } from './state';
import type { TokenIssuer } from './tokens';
import { literalKey, segmentKey } from './user-key';
import { PROFILE_FIELDS, type SandboxCustomer, type SandboxCustomerGroup, type SandboxUser } from './world';

/**
 * Microsoft Graph in a customer's tenant, reached through GDAP with the bot's app consented there: users and groups
 * to read and search, group membership, manager and profile to write. Every route checks, after the token and the
 * delegated permission, that the engineer holds a documented GDAP role for that call there (ONBOARDING_ROLES), and
 * answers a refusal as Graph does: 403 Authorization_RequestDenied "Insufficient privileges to complete the
 * operation." Texts are Graph's where a public source shows them (docs/sandbox-api.md lists each and its source).
 */

export const GRAPH_TEXT = {
  /** Graph "Add members": 400 when already a member; the text is what Graph answers (seen in many public scripts). */
  alreadyMember: "One or more added object references already exist for the following modified properties: 'members'.",
  /** Distribution lists and mail-enabled security groups are Exchange's ("Overview of groups": not through Graph). */
  exchangeGroup: 'Cannot Update a mail-enabled security groups and or distribution list.',
  notFound: (id: string) => `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  badBody: 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
  invalidProperty: (p: string) => `Invalid value specified for property '${p}' of resource 'User'.`,
  /** UNCONFIRMED wording: the sandbox models only the properties the onboarding writes. */
  unknownProperty: (p: string) => `Property '${p}' is not supported by the sandbox's PATCH /users/{id}.`,
  badReference: "Invalid URL format specified in @odata.id for the referenced object (expected …/directoryObjects/{id} or …/users/{id}).",
  badExpand: (e: string) => `Parsing OData Select and Expand failed: Could not find a property named '${e.slice(0, 60)}' on type 'microsoft.graph.user'.`,
};

const READ_USERS = ['User.Read.All', 'User.ReadBasic.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];
const READ_GROUPS = ['GroupMember.Read.All', 'Group.Read.All', 'GroupMember.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];
const WRITE_MEMBERS = ['GroupMember.ReadWrite.All', 'Group.ReadWrite.All', 'Directory.ReadWrite.All'];
const WRITE_USERS = ['User.ReadWrite.All', 'Directory.ReadWrite.All'];

/** Graph's default user properties (no $select): "user resource type", "Properties". */
const USER_DEFAULTS = ['businessPhones', 'displayName', 'givenName', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName', 'id'];

export function userGraphJson(u: SandboxUser): Record<string, unknown> {
  const p = (f: (typeof PROFILE_FIELDS)[number]) => u.profile[f] ?? null;
  return {
    id: u.id,
    userPrincipalName: u.userPrincipalName,
    displayName: u.displayName,
    givenName: u.firstName,
    surname: u.lastName,
    mail: null,
    businessPhones: [],
    preferredLanguage: null,
    jobTitle: p('jobTitle'),
    department: p('department'),
    officeLocation: p('officeLocation'),
    companyName: p('companyName'),
    employeeId: p('employeeId'),
    mobilePhone: p('mobilePhone'),
    usageLocation: u.usageLocation ?? null,
    accountEnabled: true,
    assignedLicenses: u.licenses.map((skuId) => ({ skuId, disabledPlans: [] })),
  };
}

export function groupGraphJson(g: SandboxCustomerGroup): Record<string, unknown> {
  return {
    id: g.id,
    displayName: g.displayName,
    description: g.description,
    mail: g.mail,
    mailEnabled: g.mailEnabled,
    mailNickname: g.mailNickname,
    securityEnabled: g.securityEnabled,
    groupTypes: g.groupTypes,
    isAssignableToRole: g.isAssignableToRole,
  };
}

/** The id named by an `@odata.id` reference (`…/directoryObjects/{id}` or `…/users/{id}`), or undefined. */
function referencedId(body: unknown): string | undefined {
  const ref = (body as { '@odata.id'?: unknown } | undefined)?.['@odata.id'];
  if (typeof ref !== 'string') return undefined;
  const m = /\/(?:directoryObjects|users)\/([^/?#]+)$/i.exec(ref);
  return m && GUID.test(m[1]) ? m[1].toLowerCase() : undefined;
}

type CustomerHandler = (req: SandboxRequest, params: Record<string, string>, customer: SandboxCustomer, caller: { oid: string; scp?: string }) => SandboxResponse;

export function customerGraphRoutes(router: Router, state: SandboxState, tokens: TokenIssuer): void {
  const guarded = graphGuard(state, tokens);
  /** A customer-tenant route: the delegated permission (graphGuard), then one of `roles` in that customer. */
  const route = (anyOf: readonly string[], roles: readonly string[] | 'per-group', handler: CustomerHandler): ReturnType<typeof guarded> => {
    const rule: GraphRouteRule = { tenant: 'customer', anyOf };
    const inner: GraphHandler = (req, params, caller) => {
      const customer = state.customer(caller.tid)!;
      if (roles !== 'per-group' && !holdsAny(state.world, caller.oid, customer, roles)) return insufficient();
      return handler(req, params, customer, caller);
    };
    return guarded(rule, inner);
  };
  const activeUser = (c: SandboxCustomer, idOrUpn: string) =>
    c.users.find((u) => u.state === 'active' && (u.id === idOrUpn.toLowerCase() || u.userPrincipalName.toLowerCase() === idOrUpn.toLowerCase()));
  const groupOf = (c: SandboxCustomer, id: string) => c.groups.find((g) => g.id === id.toLowerCase());

  router.add('GET', '/v1.0/groups', route(READ_GROUPS, ONBOARDING_ROLES.readDirectory, (req, _p, c) => {
    const page = pageOf(req);
    if ('status' in page) return page;
    const search = searchFilter(req, ['displayName', 'description', 'mail', 'mailNickname']);
    if (search && 'status' in search) return search;
    if (req.query.get('$filter') !== null) return graphError(400, 'Request_UnsupportedQuery', 'The sandbox answers $search on groups, not $filter.');
    const all = c.groups
      .filter((g) => !search || search(g as unknown as Record<string, string | null>))
      .sort((a, b) => a.displayName.localeCompare(b.displayName))
      .map((g) => selected(groupGraphJson(g), page.select));
    return odataPage(req, 'groups', all, page);
  }));

  router.add('GET', '/v1.0/groups/:id', route(READ_GROUPS, ONBOARDING_ROLES.readDirectory, (req, { id }, c) => {
    const g = groupOf(c, id);
    if (!g) return graphError(404, 'Request_ResourceNotFound', GRAPH_TEXT.notFound(id));
    const select = req.query.get('$select')?.split(',').map((f) => f.trim());
    return { status: 200, body: { '@odata.context': `${req.origin}/v1.0/$metadata#groups/$entity`, ...selected(groupGraphJson(g), select) } };
  }));

  /**
   * Checks in Graph's order as far as public sources show it: the group, the body, the member object, the role
   * for this kind of group (role-assignable: Privileged Role Administrator and RoleManagement.ReadWrite.Directory),
   * Exchange-only groups (400), already a member (400).
   */
  router.add('POST', '/v1.0/groups/:id/members/$ref', route(WRITE_MEMBERS, 'per-group', (req, { id }, c, caller) => {
    const g = groupOf(c, id);
    if (!g) return graphError(404, 'Request_ResourceNotFound', GRAPH_TEXT.notFound(id));
    if (req.body === BAD_BODY) return graphError(400, 'BadRequest', GRAPH_TEXT.badBody);
    const memberId = referencedId(req.body);
    if (!memberId) return graphError(400, 'Request_BadRequest', GRAPH_TEXT.badReference);
    const member = activeUser(c, memberId);
    if (!member) return graphError(404, 'Request_ResourceNotFound', GRAPH_TEXT.notFound(memberId));
    const roles = g.isAssignableToRole
      ? ONBOARDING_ROLES.addMemberRoleAssignable
      : [...ONBOARDING_ROLES.addMemberAnyGroup, ...(g.groupTypes.includes('Unified') ? ONBOARDING_ROLES.addMemberMicrosoft365Only : g.securityEnabled ? ONBOARDING_ROLES.addMemberSecurityOnly : [])];
    if (!holdsAny(state.world, caller.oid, c, roles)) return insufficient();
    if (g.isAssignableToRole && !(caller.scp ?? '').split(' ').includes('RoleManagement.ReadWrite.Directory')) return insufficient();
    if (g.mailEnabled && !g.groupTypes.includes('Unified')) return graphError(400, 'Request_BadRequest', GRAPH_TEXT.exchangeGroup);
    if (g.members.includes(member.id)) return graphError(400, 'Request_BadRequest', GRAPH_TEXT.alreadyMember);
    g.members.push(member.id);
    return { status: 204 };
  }));

  router.add('PUT', '/v1.0/users/:id/manager/$ref', route(WRITE_USERS, ONBOARDING_ROLES.manager, (req, { id }, c) => {
    const u = activeUser(c, id);
    if (!u) return graphError(404, 'Request_ResourceNotFound', GRAPH_TEXT.notFound(id));
    if (req.body === BAD_BODY) return graphError(400, 'BadRequest', GRAPH_TEXT.badBody);
    const managerId = referencedId(req.body);
    if (!managerId) return graphError(400, 'Request_BadRequest', GRAPH_TEXT.badReference);
    const manager = activeUser(c, managerId);
    if (!manager) return graphError(404, 'Request_ResourceNotFound', GRAPH_TEXT.notFound(managerId));
    u.managerId = manager.id;
    return { status: 204 };
  }));

  router.add('PATCH', '/v1.0/users/:id', route(WRITE_USERS, ONBOARDING_ROLES.updateUser, (req, { id }, c) => {
    const u = activeUser(c, id);
    if (!u) return graphError(404, 'Request_ResourceNotFound', GRAPH_TEXT.notFound(id));
    if (req.body === BAD_BODY || !req.body || typeof req.body !== 'object' || Array.isArray(req.body)) return graphError(400, 'BadRequest', GRAPH_TEXT.badBody);
    const changes = Object.entries(req.body as Record<string, unknown>);
    for (const [k, v] of changes) {
      if (k !== 'usageLocation' && !(PROFILE_FIELDS as readonly string[]).includes(k)) return graphError(400, 'Request_BadRequest', GRAPH_TEXT.unknownProperty(k));
      if (v !== null && typeof v !== 'string') return graphError(400, 'Request_BadRequest', GRAPH_TEXT.invalidProperty(k));
      // usageLocation is "not nullable" and an ISO 3166-1 alpha-2 code ("user resource type").
      if (k === 'usageLocation' && (typeof v !== 'string' || !isCountryCode(v))) return graphError(400, 'Request_BadRequest', GRAPH_TEXT.invalidProperty(k));
    }
    // All or nothing: nothing is written until every property passed.
    for (const [k, v] of changes) {
      if (k === 'usageLocation') u.usageLocation = v as string;
      else if (v === null) delete u.profile[k as (typeof PROFILE_FIELDS)[number]];
      else u.profile[k as (typeof PROFILE_FIELDS)[number]] = v as string;
    }
    return { status: 204 };
  }));

  router.add('GET', '/v1.0/users', route(READ_USERS, ONBOARDING_ROLES.readDirectory, (req, _p, c) => {
    const page = pageOf(req);
    if ('status' in page) return page;
    const search = searchFilter(req, ['displayName', 'givenName', 'surname', 'mail', 'userPrincipalName']);
    if (search && 'status' in search) return search;
    if (req.query.get('$filter') !== null) return graphError(400, 'Request_UnsupportedQuery', 'The sandbox answers $search on users, not $filter.');
    const all = c.users
      .filter((u) => u.state === 'active')
      .map((u) => userGraphJson(u))
      .filter((u) => !search || search(u as Record<string, string | null>))
      .sort((a, b) => String(a.displayName).localeCompare(String(b.displayName)))
      .map((u) => selected(u, page.select, USER_DEFAULTS));
    return odataPage(req, 'users', all, page);
  }));

  /** One user; soft-deleted users are not under /users (they are in /directory/deletedItems), so they read as 404. */
  const getUser: CustomerHandler = (req, { id }, c) => {
    const u = activeUser(c, id);
    if (!u) return graphError(404, 'Request_ResourceNotFound', GRAPH_TEXT.notFound(id));
    const select = req.query.get('$select')?.split(',').map((f) => f.trim());
    const body: Record<string, unknown> = { '@odata.context': `${req.origin}/v1.0/$metadata#users/$entity`, ...selected(userGraphJson(u), select, USER_DEFAULTS) };
    const expand = req.query.get('$expand');
    if (expand !== null) {
      const m = /^manager(?:\(\$select=([A-Za-z,]+)\))?$/.exec(expand.trim());
      if (!m) return graphError(400, 'BadRequest', GRAPH_TEXT.badExpand(expand));
      const manager = u.managerId ? c.users.find((x) => x.id === u.managerId && x.state === 'active') : undefined;
      // Graph leaves `manager` out when there is none.
      if (manager) body.manager = { '@odata.type': '#microsoft.graph.user', ...selected(userGraphJson(manager), m[1]?.split(','), USER_DEFAULTS) };
    }
    return { status: 200, body };
  };
  /** `/users/{id | upn}` and `/users('{upn}')` (user-key.ts: how Graph reads each, and what it refuses). */
  const byKey = (parse: (decoded: string) => string | SandboxResponse): CustomerHandler => (req, { id }, c, caller) => {
    const key = parse(id);
    return typeof key === 'string' ? getUser(req, { id: key }, c, caller) : key;
  };
  router.add('GET', '/v1.0/users/:id', route(READ_USERS, ONBOARDING_ROLES.readDirectory, byKey(segmentKey)));
  router.add('GET', '/v1.0/users(:id)', route(READ_USERS, ONBOARDING_ROLES.readDirectory, byKey(literalKey)));

  /** The groups a user is a direct member of ("List a user's direct memberships"), optionally cast to groups. */
  const memberOf = route([...READ_USERS, ...READ_GROUPS], ONBOARDING_ROLES.readDirectory, (req, { id }, c) => {
    const u = activeUser(c, id);
    if (!u) return graphError(404, 'Request_ResourceNotFound', GRAPH_TEXT.notFound(id));
    const page = pageOf(req);
    if ('status' in page) return page;
    const all = c.groups.filter((g) => g.members.includes(u.id)).map((g) => ({ '@odata.type': '#microsoft.graph.group', ...selected(groupGraphJson(g), page.select) }));
    return odataPage(req, 'directoryObjects', all, page);
  });
  router.add('GET', '/v1.0/users/:id/memberOf', memberOf);
  router.add('GET', '/v1.0/users/:id/memberOf/microsoft.graph.group', memberOf);
}
