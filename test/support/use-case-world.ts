import type { Actor } from '../../src/core/approval/request-state';
import { AppError } from '../../src/core/errors';
import type {
  AccessAssignment,
  ApplicationConsent,
  Clock,
  Customer,
  CustomerDomain,
  CustomerUser,
  DelegatedAdminRelationship,
  Directory,
  PartnerCenter,
  TokenProvider,
  UserCredential,
} from '../../src/core/ports';
import { Preflight } from '../../src/core/preflight/run-preflight';
import type { UseCaseDeps, UseCaseSettings } from '../../src/core/use-cases/deps';
import { KeyValueConnectionLog } from '../../src/storage/connection-log';
import { EncryptedCredentialVault } from '../../src/storage/encrypted-credential-vault';
import { EncryptedPasswordVault, MemoryCiphertextStore } from '../../src/storage/encrypted-password-vault';
import { MemoryKeyValueStore } from '../../src/storage/key-value-store';
import { MemoryDueWorkStore } from '../../src/storage/memory-due-work-store';
import { MemoryRequestStore } from '../../src/storage/memory-request-store';
import { MemoryTemplateStore } from '../../src/storage/memory-template-store';
import { RecordingLogger } from './recording-logger';

/**
 * Unit tests of the core use cases: the real core over the real memory stores and vaults, with fakes only for the
 * ports to Microsoft's services (Partner Center, Graph, Entra token issuance). The fakes answer from one plain
 * "world" that a test edits, record every call with the kind of token it carried, and refuse a token of the
 * wrong kind, so a use case that asks the wrong API with the wrong identity fails here as it would upstream.
 * Errors are the AppErrors our real adapters map Microsoft's answers to (codes and upstream codes alike).
 */

export const ROLE = {
  userAdministrator: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  cloudApplicationAdministrator: '158c047a-c907-4556-b7ef-446551a6b5f7',
} as const;

export const FABRIKAM = '22222222-0000-4000-8000-000000000001';
export const ADATUM = '22222222-0000-4000-8000-000000000002';

/** A frozen clock that tests move by hand. */
export class FakeClock implements Clock {
  constructor(private t = Date.parse('2026-11-28T09:00:00Z')) {}
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export interface UpstreamCall {
  api: string;
  /** The token the call carried, e.g. `pc:oid-ada`, `graph:oid-ada`, `app`, `customer:<tenant>:oid-ada`. */
  token: string;
  args: unknown[];
}

/** What Microsoft's services hold, for one test. */
export interface World {
  customers: Customer[];
  /** Users per customer id; `state: 'inactive'` with a softDeletionTime is a soft-deleted user. */
  users: Record<string, CustomerUser[]>;
  domains: Record<string, CustomerDomain[]>;
  relationships: DelegatedAdminRelationship[];
  assignments: Record<string, AccessAssignment[]>;
  /** Partner-tenant groups each engineer (by oid) is a transitive member of. */
  groupsOf: Record<string, string[]>;
  /** Application consents per customer id. */
  consents: Record<string, ApplicationConsent[]>;
  /** Engineers whose sign-in carries no MFA claim. */
  withoutMfa: Set<string>;
  /** What Entra answers when a customer-tenant Graph token is asked for (the app not there, no role, …). */
  customerTokenErrors: Record<string, AppError>;
  /** One-shot failures by API name: the next call of that API throws it (an AppError, as our adapters map, or not). */
  failNext: Record<string, Error>;
  /** Customers per page of Partner Center's customer list. */
  customerPageSize: number;
  calls: UpstreamCall[];
}

export function defaultWorld(): World {
  return {
    customers: [
      { id: FABRIKAM, tenantId: FABRIKAM, companyName: 'Fabrikam, Inc.', defaultDomain: 'fabrikam.example', relationshipToPartner: 'reseller' },
      { id: ADATUM, tenantId: ADATUM, companyName: 'Adatum Corporation', defaultDomain: 'adatum.example', relationshipToPartner: 'reseller' },
    ],
    users: {
      [FABRIKAM]: [
        { id: 'u-alice', userPrincipalName: 'alice.smith@fabrikam.example', displayName: 'Alice Smith', state: 'active' },
        { id: 'u-bob', userPrincipalName: 'bob.jones@fabrikam.example', displayName: 'Bob Jones', state: 'inactive', softDeletionTime: '2026-11-20T10:00:00Z' },
      ],
      [ADATUM]: [],
    },
    domains: {
      [FABRIKAM]: [
        { id: 'fabrikam.example', authenticationType: 'Managed', isVerified: true, isDefault: true, isInitial: false },
        { id: 'fabrikamcorp.onmicrosoft.com', authenticationType: 'Managed', isVerified: true, isDefault: false, isInitial: true },
        { id: 'fed.fabrikam.example', authenticationType: 'Federated', isVerified: true, isDefault: false, isInitial: false },
        { id: 'pending.fabrikam.example', authenticationType: 'Managed', isVerified: false, isDefault: false, isInitial: false },
      ],
      [ADATUM]: [{ id: 'adatum.example', authenticationType: 'Managed', isVerified: true, isDefault: true, isInitial: true }],
    },
    relationships: [
      { id: 'rel-fab', displayName: 'Fabrikam helpdesk', status: 'active', endDateTime: '2027-06-01T00:00:00Z', customerTenantId: FABRIKAM, roleDefinitionIds: [ROLE.userAdministrator, ROLE.cloudApplicationAdministrator] },
      { id: 'rel-ada', displayName: 'Adatum helpdesk', status: 'active', endDateTime: '2027-06-01T00:00:00Z', customerTenantId: ADATUM, roleDefinitionIds: [ROLE.userAdministrator, ROLE.cloudApplicationAdministrator] },
    ],
    assignments: {
      'rel-fab': [
        { id: 'as-1', status: 'active', groupId: 'grp-user-admins', roleDefinitionIds: [ROLE.userAdministrator] },
        { id: 'as-2', status: 'active', groupId: 'grp-app-admins', roleDefinitionIds: [ROLE.cloudApplicationAdministrator] },
      ],
      'rel-ada': [
        { id: 'as-3', status: 'active', groupId: 'grp-user-admins', roleDefinitionIds: [ROLE.userAdministrator] },
        { id: 'as-4', status: 'active', groupId: 'grp-app-admins', roleDefinitionIds: [ROLE.cloudApplicationAdministrator] },
      ],
    },
    groupsOf: { 'oid-ada': ['grp-user-admins', 'grp-admin-agents', 'grp-app-admins', 'grp-auditors'], 'oid-ben': [] },
    consents: {},
    withoutMfa: new Set(),
    customerTokenErrors: {},
    failNext: {},
    customerPageSize: 500,
    calls: [],
  };
}

const clone = <T>(v: T): T => structuredClone(v);

function identityOf(token: string, kind: 'pc' | 'graph'): string {
  const [prefix, oid] = token.split(':');
  // Partner Center and Graph both refuse a token issued for another audience (401 upstream).
  if (prefix !== kind || !oid) throw new AppError('UNAUTHENTICATED', `a ${kind} call carried the token ${token}`, { httpStatus: 401 });
  return oid;
}

/** The fake ports over `world`. */
export function fakeUpstream(world: World): { partnerCenter: PartnerCenter; directory: Directory; tokens: TokenProvider } {
  const call = (api: string, token: string, ...args: unknown[]) => {
    world.calls.push({ api, token, args: clone(args) });
    const failure = world.failNext[api];
    if (failure) {
      delete world.failNext[api];
      throw failure;
    }
  };
  const customer = (id: string): Customer => {
    const found = world.customers.find((c) => c.id === id);
    // Partner Center answers 404 with its code 60003 ("Tenant not found"), which the client maps so.
    if (!found) throw new AppError('TENANT_NOT_FOUND', `customer ${id}`, { httpStatus: 404, upstreamCode: '60003' });
    return clone(found);
  };
  const appOnly = (token: string) => {
    if (token !== 'app') throw new AppError('UNAUTHENTICATED', `an app-only call carried the token ${token}`, { httpStatus: 401 });
  };
  const expiresOn = new Date('2099-01-01T00:00:00Z');

  const tokens: TokenProvider = {
    partnerCenter: async (cred) => ({ token: `pc:${cred.user.oid}`, expiresOn, mfa: !world.withoutMfa.has(cred.user.oid) }),
    partnerGraph: async (cred) => ({ token: `graph:${cred.user.oid}`, expiresOn, mfa: !world.withoutMfa.has(cred.user.oid) }),
    partnerGraphApp: async () => ({ token: 'app', expiresOn, mfa: false }),
    customerGraph: async (cred, tenantId) => {
      world.calls.push({ api: 'token:customerGraph', token: '', args: [tenantId] });
      const refused = world.customerTokenErrors[tenantId];
      if (refused) throw refused;
      return { token: `customer:${tenantId}:${cred.user.oid}`, expiresOn, mfa: true };
    },
  };

  const partnerCenter: PartnerCenter = {
    async listCustomers(token, page) {
      identityOf(token, 'pc');
      call('listCustomers', token, page.continuationToken);
      const start = Number(page.continuationToken ?? 0);
      const end = start + world.customerPageSize;
      return { items: clone(world.customers.slice(start, end)), continuationToken: end < world.customers.length ? String(end) : undefined };
    },
    async getCustomer(token, id) {
      identityOf(token, 'pc');
      call('getCustomer', token, id);
      return customer(id);
    },
    async listUsers(token, customerId, query) {
      identityOf(token, 'pc');
      call('listUsers', token, customerId, query);
      customer(customerId);
      const all = (world.users[customerId] ?? []).filter((u) => (query.deleted ? u.state === 'inactive' : u.state === 'active'));
      // Two users a page, so paging is exercised.
      const start = Number(query.continuationToken ?? 0);
      return { items: clone(all.slice(start, start + 2)), continuationToken: start + 2 < all.length ? String(start + 2) : undefined };
    },
    async getUser(token, customerId, userId) {
      identityOf(token, 'pc');
      call('getUser', token, customerId, userId);
      const found = (world.users[customerId] ?? []).find((u) => u.id === userId);
      if (!found) throw new AppError('USER_NOT_FOUND', userId, { httpStatus: 404, upstreamCode: '60002' });
      return clone(found);
    },
    async createUser() {
      throw new Error('createUser is not faked here: the creation use cases have their own tests');
    },
    async deleteUser() {
      throw new Error('deleteUser is not used by these use cases');
    },
    async restoreUser(token, customerId, userId) {
      identityOf(token, 'pc');
      call('restoreUser', token, customerId, userId);
      const found = (world.users[customerId] ?? []).find((u) => u.id === userId && u.state === 'inactive');
      if (!found) throw new AppError('USER_NOT_FOUND', userId, { httpStatus: 404, upstreamCode: '60002' });
      found.state = 'active';
      delete found.softDeletionTime;
      return clone(found);
    },
    async listSubscribedSkus() {
      throw new Error('listSubscribedSkus is not used by these use cases');
    },
    async assignLicenses() {
      throw new Error('assignLicenses is not used by these use cases');
    },
    async createApplicationConsent(token, customerId, consent) {
      identityOf(token, 'pc');
      call('createApplicationConsent', token, customerId, consent);
      customer(customerId);
      const existing = world.consents[customerId] ?? [];
      if (existing.some((c) => c.applicationId === consent.applicationId)) {
        throw new AppError('ALREADY_CONNECTED', 'consent exists', { httpStatus: 409, upstreamCode: '600041' });
      }
      world.consents[customerId] = [...existing, clone(consent)];
    },
    async deleteApplicationConsent(token, customerId, applicationId) {
      identityOf(token, 'pc');
      call('deleteApplicationConsent', token, customerId, applicationId);
      world.consents[customerId] = (world.consents[customerId] ?? []).filter((c) => c.applicationId !== applicationId);
    },
  };

  const directory: Directory = {
    async listRelationships(token, customerTenantId) {
      appOnly(token);
      call('listRelationships', token, customerTenantId);
      return clone(world.relationships.filter((r) => r.customerTenantId === customerTenantId));
    },
    async listAccessAssignments(token, relationshipId) {
      appOnly(token);
      call('listAccessAssignments', token, relationshipId);
      return clone(world.assignments[relationshipId] ?? []);
    },
    async checkMemberGroups(token, groupIds) {
      const oid = identityOf(token, 'graph');
      call('checkMemberGroups', token, groupIds);
      return groupIds.filter((g) => (world.groupsOf[oid] ?? []).includes(g));
    },
    async listGroupUsers(token, groupId) {
      appOnly(token);
      call('listGroupUsers', token, groupId);
      return Object.entries(world.groupsOf)
        .filter(([, groups]) => groups.includes(groupId))
        .map(([id]) => ({ id, displayName: id }));
    },
    async listDomains(token) {
      const [kind, tenantId] = token.split(':');
      if (kind !== 'customer') throw new AppError('UNAUTHENTICATED', `listDomains carried ${token}`, { httpStatus: 401 });
      call('listDomains', token);
      return clone(world.domains[tenantId] ?? []);
    },
    async findUserByUpn(token, upn) {
      const [kind, tenantId] = token.split(':');
      if (kind !== 'customer') throw new AppError('UNAUTHENTICATED', `findUserByUpn carried ${token}`, { httpStatus: 401 });
      call('findUserByUpn', token, upn);
      const found = (world.users[tenantId] ?? []).find((u) => u.state === 'active' && u.userPrincipalName.toLowerCase() === upn.toLowerCase());
      return found ? { id: found.id, userPrincipalName: found.userPrincipalName } : null;
    },
  };

  return { partnerCenter, directory, tokens };
}

/** A signed-in engineer as the core sees them, and the same person as an actor on a request. */
export function engineer(name: 'ada' | 'ben' | 'cleo'): { cred: UserCredential; actor: Actor } {
  const oid = `oid-${name}`;
  const upn = `${name}@contoso-partner.example`;
  const display = name[0].toUpperCase() + name.slice(1);
  return {
    cred: { user: { oid, tenantId: 'partner-tenant', upn, displayName: display, mfa: true }, assertion: `sso-assertion-of-${name}` },
    actor: { oid, name: display, upn, teamsId: `29:${name}` },
  };
}

export const TEST_SETTINGS: UseCaseSettings = {
  ticketRequired: false,
  defaultUsageLocation: 'US',
  passwordRevealMinutes: 10,
  passwordRetentionMs: 24 * 3_600_000,
  customerChoiceLimit: 100,
  creationLeaseMs: 120_000,
  app: { id: 'bot-app-id', displayName: 'Partner User Desk' },
  adminAgentsGroupId: 'grp-admin-agents',
};

export interface UseCaseWorld {
  deps: UseCaseDeps;
  world: World;
  clock: FakeClock;
  logger: RecordingLogger;
  /** The vault's backing store: only ciphertexts, never a password. */
  ciphertexts: MemoryCiphertextStore;
  requests: MemoryRequestStore;
  dueWork: MemoryDueWorkStore;
  /** Upstream calls of one API, in order. */
  callsTo(api: string): UpstreamCall[];
}

/** The real use-case dependencies over memory stores, a fake clock, counting ids and the fake upstream. */
export function useCaseWorld(opts: { world?: World; settings?: Partial<UseCaseSettings> } = {}): UseCaseWorld {
  const world = opts.world ?? defaultWorld();
  const clock = new FakeClock();
  const logger = new RecordingLogger();
  const key = Buffer.alloc(32, 7);
  const ciphertexts = new MemoryCiphertextStore();
  const requests = new MemoryRequestStore();
  const dueWork = new MemoryDueWorkStore();
  let n = 0;
  const upstream = fakeUpstream(world);
  const deps: UseCaseDeps = {
    ...upstream,
    preflight: new Preflight({ ...upstream, clock, logger }, 60_000),
    requests,
    vault: new EncryptedPasswordVault(key, ciphertexts),
    credentials: new EncryptedCredentialVault(key, ciphertexts),
    dueWork,
    connections: new KeyValueConnectionLog(new MemoryKeyValueStore()),
    templates: new MemoryTemplateStore(),
    clock,
    ids: { newId: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}` },
    logger,
    settings: { ...TEST_SETTINGS, ...opts.settings },
  };
  return { deps, world, clock, logger, ciphertexts, requests, dueWork, callsTo: (api) => world.calls.filter((c) => c.api === api) };
}

/** Runs `fn` and returns the AppError it throws; fails the test when it throws anything else or nothing. */
export async function errorOf(fn: () => Promise<unknown>): Promise<AppError> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError, but nothing was thrown');
}

/** The code of the AppError `fn` throws (see errorOf). */
export async function codeOf(fn: () => Promise<unknown>): Promise<string> {
  return (await errorOf(fn)).code;
}
