import { randomUUID } from 'node:crypto';
import { PC_TEXT, pcError, pcUnauthorized } from './errors';
import { canCreateUsers, canReadUsers } from './gdap';
import { BAD_BODY, GUID, header, type Router, type SandboxRequest, type SandboxResponse } from './http';
import { checkNewUser, createUserBody } from './rules';
import type { SandboxCustomer, SandboxUser } from './seed';
import type { SandboxState } from './state';
import { PARTNER_CENTER_RESOURCE, type SandboxClaims, type TokenIssuer } from './tokens';

type Authed = (req: SandboxRequest, params: Record<string, string>, caller: SandboxClaims) => Promise<SandboxResponse> | SandboxResponse;

const page = <T>(items: T[], offset: number, size: number, objectType: string) => {
  const slice = items.slice(offset, offset + size);
  const next = offset + size < items.length ? Buffer.from(String(offset + size)).toString('base64url') : undefined;
  return {
    totalCount: items.length,
    items: slice,
    links: next ? { next: { uri: '?seekOperation=Next', method: 'GET', headers: [{ key: 'MS-ContinuationToken', value: next }] } } : {},
    attributes: { objectType: 'Collection' },
    ...(objectType ? {} : {}),
  };
};

function pageRequest(req: SandboxRequest, defaultSize: number): { offset: number; size: number } {
  const size = Math.min(Math.max(Number(req.query.get('size') ?? defaultSize) || defaultSize, 1), 500);
  const token = header(req, 'ms-continuationtoken');
  const offset = token ? Number(Buffer.from(token, 'base64url').toString('utf8')) || 0 : 0;
  return { offset, size };
}

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

/** Partner Center's user-management routes, enforcing what the real service enforces (see docs/sandbox-api.md). */
export function partnerCenterRoutes(router: Router, state: SandboxState, tokens: TokenIssuer): void {
  const authed =
    (handler: Authed, opts: { idempotent?: boolean } = {}) =>
    async (req: SandboxRequest, params: Record<string, string>): Promise<SandboxResponse> => {
      const bearer = /^Bearer\s+(.+)$/i.exec(header(req, 'authorization') ?? '')?.[1];
      let caller: SandboxClaims;
      try {
        if (!bearer) throw new Error('no token');
        caller = await tokens.verify(bearer, PARTNER_CENTER_RESOURCE);
      } catch {
        return pcUnauthorized(PC_TEXT.tokenInvalid);
      }
      if (caller.idtyp === 'app' || !caller.scp) return pcUnauthorized(PC_TEXT.appOnly);
      if (caller.tid !== state.world.partnerTenant.id || !caller.scp.split(' ').includes('user_impersonation')) return pcUnauthorized(PC_TEXT.tokenInvalid);
      if (!(caller.amr ?? []).includes('mfa')) return pcUnauthorized(PC_TEXT.noMfa, '900419');
      for (const name of ['MS-RequestId', 'MS-CorrelationId']) {
        const v = header(req, name);
        if (!v || !GUID.test(v)) return pcError(400, '400', PC_TEXT.missingHeader(name));
      }
      if (header(req, 'ms-contract-version') !== 'v1') return pcError(400, '400', PC_TEXT.missingHeader('MS-Contract-Version'));
      if (!opts.idempotent) return handler(req, params, caller);
      // A repeated MS-RequestId returns the first answer: retries after a lost response never act twice.
      const key = `${req.method} ${req.path.toLowerCase()} ${header(req, 'ms-requestid')!.toLowerCase()}`;
      const first = state.answered.get(key);
      if (first) return first;
      const answer = await handler(req, params, caller);
      if (answer.status < 500 && answer.status !== 429) state.answered.set(key, answer);
      return answer;
    };

  /** The customer, if it exists, the partner has a relationship with it, and the caller may touch its users. */
  const customerFor = (id: string, caller: SandboxClaims, access: 'none' | 'read' | 'write'): SandboxCustomer | SandboxResponse => {
    const customer = state.customer(id);
    if (!customer) return pcError(404, '60003', PC_TEXT.tenantNotFound);
    if (customer.relationshipToPartner === 'none') return pcError(403, '20002', PC_TEXT.noRelationship);
    if (access === 'read' && !canReadUsers(state.world, caller.oid!, customer)) return pcError(403, '900150', PC_TEXT.noRole);
    if (access === 'write' && !canCreateUsers(state.world, caller.oid!, customer)) return pcError(403, '900150', PC_TEXT.noRole);
    return customer;
  };
  const isResponse = (v: unknown): v is SandboxResponse => typeof v === 'object' && v !== null && 'status' in v && !('companyName' in v);

  router.add('GET', '/v1/customers', authed((req) => {
    const { offset, size } = pageRequest(req, 100);
    const all = [...state.world.customers].sort((a, b) => a.companyName.localeCompare(b.companyName)).map(customerJson);
    return { status: 200, body: page(all, offset, size, 'Customer') };
  }));

  router.add('GET', '/v1/customers/:id', authed((_req, { id }, caller) => {
    const c = customerFor(id, caller, 'none');
    return isResponse(c) ? c : { status: 200, body: customerJson(c) };
  }));

  router.add('GET', '/v1/customers/:id/users', authed((req, { id }, caller) => {
    const c = customerFor(id, caller, 'read');
    if (isResponse(c)) return c;
    const filterRaw = req.query.get('filter');
    let deleted = false;
    if (filterRaw) {
      try {
        const f = JSON.parse(filterRaw) as { Field?: string; Value?: string; Operator?: string };
        deleted = f.Field === 'UserState' && String(f.Value).toLowerCase() === 'inactive';
      } catch {
        return pcError(400, '400', 'The filter is not valid JSON.');
      }
    }
    const { offset, size } = pageRequest(req, 100);
    const users = c.users.filter((u) => (deleted ? u.state === 'inactive' : u.state === 'active')).map((u) => userJson(u, c));
    return { status: 200, body: page(users, offset, size, 'CustomerUser') };
  }));

  router.add('POST', '/v1/customers/:id/users', authed((req, { id }, caller) => {
    const c = customerFor(id, caller, 'write');
    if (isResponse(c)) return c;
    if (req.body === BAD_BODY) return pcError(400, '400', PC_TEXT.badJson);
    const parsed = createUserBody.safeParse(req.body ?? {});
    if (!parsed.success) return pcError(400, '2000', PC_TEXT.invalidField('body'));
    const problem = checkNewUser(parsed.data, c);
    if (problem) return problem;
    const b = parsed.data;
    const user: SandboxUser = {
      id: randomUUID(),
      userPrincipalName: String(b.userPrincipalName),
      firstName: String(b.firstName),
      lastName: String(b.lastName),
      displayName: String(b.displayName),
      usageLocation: String(b.usageLocation),
      immutableId: typeof b.immutableId === 'string' ? b.immutableId : undefined,
      state: 'active',
      createdAt: new Date().toISOString(),
      licenses: [],
    };
    c.users.push(user);
    // Like the real service, the answer echoes the password profile; the production client must drop it.
    return { status: 201, body: { ...userJson(user, c), passwordProfile: { password: b.passwordProfile?.password, forceChangePassword: b.passwordProfile?.forceChangePassword ?? true } } };
  }, { idempotent: true }));

  const userOf = (c: SandboxCustomer, userId: string) => c.users.find((u) => u.id === userId);

  router.add('GET', '/v1/customers/:id/users/:userId', authed((_req, { id, userId }, caller) => {
    const c = customerFor(id, caller, 'read');
    if (isResponse(c)) return c;
    const u = userOf(c, userId);
    return u ? { status: 200, body: userJson(u, c) } : pcError(404, '60002', PC_TEXT.userNotFound);
  }));

  router.add('DELETE', '/v1/customers/:id/users/:userId', authed((_req, { id, userId }, caller) => {
    const c = customerFor(id, caller, 'write');
    if (isResponse(c)) return c;
    const u = userOf(c, userId);
    if (!u || u.state === 'inactive') return pcError(404, '60002', PC_TEXT.userNotFound);
    u.state = 'inactive';
    u.softDeletionTime = new Date().toISOString();
    return { status: 204 };
  }, { idempotent: true }));

  router.add('PATCH', '/v1/customers/:id/users/:userId', authed((req, { id, userId }, caller) => {
    const c = customerFor(id, caller, 'write');
    if (isResponse(c)) return c;
    if (req.body === BAD_BODY) return pcError(400, '400', PC_TEXT.badJson);
    const u = userOf(c, userId);
    if (!u) return pcError(404, '60002', PC_TEXT.userNotFound);
    const body = (req.body ?? {}) as { State?: unknown; state?: unknown };
    const wanted = String(body.State ?? body.state ?? '').toLowerCase();
    if (wanted !== 'active') return pcError(400, '2000', PC_TEXT.invalidField('State'));
    if (u.state === 'inactive' && c.users.some((x) => x !== u && x.state === 'active' && x.userPrincipalName.toLowerCase() === u.userPrincipalName.toLowerCase())) {
      return pcError(400, '2000', PC_TEXT.duplicateUpn);
    }
    u.state = 'active';
    u.softDeletionTime = undefined;
    return { status: 200, body: userJson(u, c) };
  }, { idempotent: true }));

  router.add('GET', '/v1/customers/:id/subscribedskus', authed((_req, { id }, caller) => {
    const c = customerFor(id, caller, 'read');
    if (isResponse(c)) return c;
    const items = c.skus.map((s) => ({
      availableUnits: s.total - s.consumed,
      activeUnits: s.total,
      consumedUnits: s.consumed,
      suspendedUnits: 0,
      totalUnits: s.total,
      warningUnits: 0,
      productSku: { id: s.id, name: s.name, skuPartNumber: s.skuPartNumber, targetType: 'User' },
      servicePlans: [],
      capabilityStatus: 'Enabled',
      attributes: { objectType: 'SubscribedSku' },
    }));
    return { status: 200, body: { totalCount: items.length, items, attributes: { objectType: 'Collection' } } };
  }));

  router.add('POST', '/v1/customers/:id/users/:userId/licenseupdates', authed((req, { id, userId }, caller) => {
    const c = customerFor(id, caller, 'write');
    if (isResponse(c)) return c;
    if (req.body === BAD_BODY) return pcError(400, '400', PC_TEXT.badJson);
    const u = userOf(c, userId);
    if (!u) return pcError(404, '60002', PC_TEXT.userNotFound);
    if (!u.usageLocation) return pcError(400, '2000', PC_TEXT.invalidField('usageLocation'));
    const body = (req.body ?? {}) as { LicensesToAssign?: Array<{ SkuId?: string }> };
    const wanted = (body.LicensesToAssign ?? []).map((l) => l.SkuId);
    for (const skuId of wanted) {
      const sku = c.skus.find((s) => s.id === skuId);
      if (!sku) return pcError(400, '2000', `License ${String(skuId)} is not available for this customer.`);
      if (sku.consumed >= sku.total) return pcError(400, '2000', `No licenses of ${sku.skuPartNumber} are available.`);
    }
    for (const skuId of wanted) {
      const sku = c.skus.find((s) => s.id === skuId)!;
      if (!u.licenses.includes(sku.id)) {
        u.licenses.push(sku.id);
        sku.consumed += 1;
      }
    }
    return { status: 201, body: { licensesToAssign: body.LicensesToAssign ?? [], licenseWarnings: [], attributes: { objectType: 'LicenseUpdate' } } };
  }, { idempotent: true }));
}
