import { randomUUID } from 'node:crypto';
import { PC_TEXT, pcError } from './errors';
import { mayListUsers, userAccess } from './gdap';
import { BAD_BODY, type Router, type SandboxRequest, type SandboxResponse } from './http';
import { collectionPage, pageRequest } from './paging';
import { partnerCenterGuard } from './partner-center-guard';
import { licenceRoutes } from './licence-routes';
import { checkNewUser, newUserBody } from './rules';
import type { SandboxState } from './state';
import type { TokenIssuer } from './tokens';
import type { SandboxCustomer, SandboxUser } from './world';

const USERS_PAGE_SIZE = 100;
const CUSTOMERS_PAGE_SIZE = 100;

function customerJson(c: SandboxCustomer) {
  const domain = c.domains.find((d) => d.isDefault)?.name ?? c.domains[0]?.name;
  return {
    id: c.id,
    companyProfile: { tenantId: c.id, domain, companyName: c.companyName, attributes: { objectType: 'CustomerCompanyProfile' } },
    relationshipToPartner: c.relationshipToPartner,
    allowDelegatedAccess: c.relationships.length > 0,
    attributes: { objectType: 'Customer' },
  };
}

function userJson(u: SandboxUser, customer: SandboxCustomer) {
  const domain = customer.domains.find((d) => u.userPrincipalName.toLowerCase().endsWith(`@${d.name.toLowerCase()}`));
  return {
    id: u.id,
    userPrincipalName: u.userPrincipalName,
    firstName: u.firstName,
    lastName: u.lastName,
    displayName: u.displayName,
    usageLocation: u.usageLocation,
    immutableId: u.immutableId ?? null,
    userDomainType: domain ? domain.authenticationType.toLowerCase() : 'none',
    state: u.state,
    softDeletionTime: u.softDeletionTime ?? null,
    lastDirectorySyncTime: null,
    attributes: { objectType: 'CustomerUser' },
  };
}

/** The documented deleted-users filter (`{"Field":"UserState","Value":"Inactive","Operator":"equals"}`), or 400. */
function deletedFilter(raw: string | null): boolean | SandboxResponse {
  if (raw === null) return false;
  try {
    const f = JSON.parse(raw) as { Field?: unknown; Value?: unknown; Operator?: unknown };
    if (String(f.Field).toLowerCase() !== 'userstate' || String(f.Operator).toLowerCase() !== 'equals') return pcError(400, '400', PC_TEXT.badFilter);
    const value = String(f.Value).toLowerCase();
    if (value !== 'inactive' && value !== 'active') return pcError(400, '400', PC_TEXT.badFilter);
    return value === 'inactive';
  } catch {
    return pcError(400, '400', PC_TEXT.badFilter);
  }
}

const isAnswer = (v: unknown): v is SandboxResponse => typeof v === 'object' && v !== null && 'status' in v && typeof (v as { status: unknown }).status === 'number';

/** Partner Center's customer and user-management routes, enforcing what the real service enforces. */
export function partnerCenterRoutes(router: Router, state: SandboxState, tokens: TokenIssuer): void {
  const guarded = partnerCenterGuard(state, tokens);

  /**
   * The customer, when it exists and the caller's GDAP roles allow `need` on its users: `list` is listing users or
   * reading one (only the documented reading roles, see USER_LIST_ROLES), `read` any other read.
   */
  const customerFor = (id: string, oid: string, need: 'profile' | 'read' | 'list' | 'write'): SandboxCustomer | SandboxResponse => {
    const customer = state.customer(id);
    if (!customer) return pcError(404, '60003', PC_TEXT.tenantNotFound);
    if (need === 'profile') return customer;
    const access = userAccess(state.world, oid, customer);
    if (access === 'no-relationship') return pcError(403, '20002', PC_TEXT.noRelationship);
    if (access === 'none' || (need === 'write' && access !== 'write')) return pcError(403, '900150', PC_TEXT.noRole);
    if (need === 'list' && !mayListUsers(state.world, oid, customer)) return pcError(403, '900150', PC_TEXT.noRole);
    return customer;
  };
  const userOf = (c: SandboxCustomer, userId: string) => c.users.find((u) => u.id.toLowerCase() === userId.toLowerCase());
  const jsonBody = (req: SandboxRequest): Record<string, unknown> | SandboxResponse => {
    if (req.body === BAD_BODY) return pcError(400, '400', PC_TEXT.badJson);
    return req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {};
  };

  router.add('GET', '/v1/customers', guarded((req) => {
    const p = pageRequest(req, 'customers', CUSTOMERS_PAGE_SIZE);
    if (isAnswer(p)) return p;
    const all = [...state.world.customers].sort((a, b) => a.companyName.localeCompare(b.companyName)).map(customerJson);
    return { status: 200, body: collectionPage(all, p, 'customers', '/customers') };
  }));

  router.add('GET', '/v1/customers/:id', guarded((_req, { id }, caller) => {
    const c = customerFor(id, caller.oid, 'profile');
    return isAnswer(c) ? c : { status: 200, body: customerJson(c) };
  }));

  router.add('GET', '/v1/customers/:id/users', guarded((req, { id }, caller) => {
    const c = customerFor(id, caller.oid, 'list');
    if (isAnswer(c)) return c;
    const deleted = deletedFilter(req.query.get('filter'));
    if (isAnswer(deleted)) return deleted;
    const collection = `users:${c.id}:${deleted ? 'inactive' : 'active'}`;
    const p = pageRequest(req, collection, USERS_PAGE_SIZE);
    if (isAnswer(p)) return p;
    const users = c.users.filter((u) => u.state === (deleted ? 'inactive' : 'active')).map((u) => userJson(u, c));
    return { status: 200, body: collectionPage(users, p, collection, `/customers/${c.id}/users`) };
  }));

  router.add('POST', '/v1/customers/:id/users', guarded((req, { id }, caller) => {
    const c = customerFor(id, caller.oid, 'write');
    if (isAnswer(c)) return c;
    const raw = jsonBody(req);
    if (isAnswer(raw)) return raw;
    const parsed = newUserBody.safeParse(raw);
    if (!parsed.success) return pcError(400, '2000', PC_TEXT.invalidField(String(parsed.error.issues[0]?.path[0] ?? 'body')));
    const problem = checkNewUser(parsed.data, c);
    if (problem) return problem;
    const b = parsed.data;
    const user: SandboxUser = {
      id: randomUUID(),
      userPrincipalName: b.userPrincipalName,
      firstName: b.firstName,
      lastName: b.lastName,
      displayName: b.displayName,
      usageLocation: b.usageLocation,
      immutableId: b.immutableId ?? undefined,
      state: 'active',
      createdAt: new Date().toISOString(),
      licenses: [],
      profile: {},
    };
    c.users.push(user);
    // Like the real service, the answer echoes the password profile (the production client must drop it). It
    // lives only in this answer and in the idempotency memory, never in the world, the state or the log.
    return { status: 200, body: { ...userJson(user, c), passwordProfile: { password: b.passwordProfile.password, forceChangePassword: b.passwordProfile.forceChangePassword ?? true } } };
  }, { idempotent: true }));

  router.add('GET', '/v1/customers/:id/users/:userId', guarded((_req, { id, userId }, caller) => {
    const c = customerFor(id, caller.oid, 'list');
    if (isAnswer(c)) return c;
    const u = userOf(c, userId);
    return u ? { status: 200, body: userJson(u, c) } : pcError(404, '60002', PC_TEXT.userNotFound);
  }));

  router.add('DELETE', '/v1/customers/:id/users/:userId', guarded((_req, { id, userId }, caller) => {
    const c = customerFor(id, caller.oid, 'write');
    if (isAnswer(c)) return c;
    const u = userOf(c, userId);
    if (!u || u.state === 'inactive') return pcError(404, '60002', PC_TEXT.userNotFound);
    u.state = 'inactive';
    u.softDeletionTime = new Date().toISOString();
    return { status: 204 };
  }, { idempotent: true }));

  router.add('PATCH', '/v1/customers/:id/users/:userId', guarded((req, { id, userId }, caller) => {
    const c = customerFor(id, caller.oid, 'write');
    if (isAnswer(c)) return c;
    const body = jsonBody(req);
    if (isAnswer(body)) return body;
    const u = userOf(c, userId);
    if (!u) return pcError(404, '60002', PC_TEXT.userNotFound);
    // Restoring is the only update this sandbox models: `{"State":"active","Attributes":{"ObjectType":"CustomerUser"}}`.
    if (String(body.State ?? body.state ?? '').toLowerCase() !== 'active') return pcError(400, '2000', PC_TEXT.invalidField('State'));
    if (u.state === 'inactive' && c.users.some((x) => x !== u && x.state === 'active' && x.userPrincipalName.toLowerCase() === u.userPrincipalName.toLowerCase())) {
      return pcError(400, '2000', PC_TEXT.duplicateUpn);
    }
    u.state = 'active';
    u.softDeletionTime = undefined;
    return { status: 200, body: userJson(u, c) };
  }, { idempotent: true }));

  licenceRoutes(router, state, guarded, { userOf, jsonBody });
}
