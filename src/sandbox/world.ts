import { createHash } from 'node:crypto';
import { SANDBOX_IDENTITY } from '../config';
import type { CustomerSeed, SeedData, UserSeed } from './seed';

/** The world the seed describes, as the sandbox serves and changes it (one copy per start or reset). */

export interface SandboxDomain {
  name: string;
  authenticationType: 'Managed' | 'Federated';
  isVerified: boolean;
  isDefault: boolean;
  isInitial: boolean;
}

export interface SandboxUser {
  id: string;
  userPrincipalName: string;
  firstName: string;
  lastName: string;
  displayName: string;
  usageLocation: string;
  immutableId?: string;
  state: 'active' | 'inactive';
  softDeletionTime?: string;
  createdAt: string;
  /** Sku ids assigned. There is deliberately no password field: the sandbox never keeps one. */
  licenses: string[];
}

export interface SandboxAssignment {
  id: string;
  status: string;
  groupId: string;
  roleDefinitionIds: string[];
}

export interface SandboxRelationship {
  id: string;
  displayName: string;
  status: string;
  endDateTime: string;
  customerTenantId: string;
  customerDisplayName: string;
  roleDefinitionIds: string[];
  assignments: SandboxAssignment[];
}

export interface SandboxSku {
  id: string;
  skuPartNumber: string;
  name: string;
  total: number;
  consumed: number;
}

export interface SandboxCustomer {
  id: string;
  companyName: string;
  situation: string;
  relationshipToPartner: string;
  domains: SandboxDomain[];
  relationships: SandboxRelationship[];
  users: SandboxUser[];
  skus: SandboxSku[];
  /**
   * Which apps have a service principal in this customer's tenant, by app id, with the delegated Microsoft Graph
   * permissions consented there (plain names such as `Domain.Read.All`; see docs/sandbox-api.md). No entry for an
   * app: Entra answers AADSTS700016 for any token of that app in this tenant. Seeded from `appConsent`; Partner
   * Center's application-consent endpoint adds to it.
   */
  appConsents: Map<string, string[]>;
}

/**
 * How the bot's Entra app is registered. `single-tenant` (AzureADMyOrg, what docs/deploy.md's first path sets up):
 * the app has a service principal in the partner tenant only, whatever the consents say.
 */
export type AppRegistration = 'multi-tenant' | 'single-tenant';

export interface SandboxWorld {
  /** The bot's app id, as the identity provider knows it. */
  botAppId: string;
  appRegistration: AppRegistration;
  partnerTenant: SeedData['partnerTenant'];
  groups: SeedData['groups'];
  partnerUsers: SeedData['partnerUsers'];
  customers: SandboxCustomer[];
  missingTenantId: string;
}

/**
 * The delegated Graph permissions the bot's app holds in a customer tenant, or undefined when the app has no
 * service principal there (single-tenant registration, or never consented): Entra's AADSTS700016.
 */
export function appConsentIn(world: SandboxWorld, customer: SandboxCustomer, appId: string): string[] | undefined {
  if (world.appRegistration === 'single-tenant' && appId === world.botAppId) return undefined;
  return customer.appConsents.get(appId);
}

/** A stable GUID from a name, so generated ids are the same on every start. */
export function stableGuid(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('|')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const DAY_MS = 86_400_000;
const days = (now: Date, n: number) => new Date(now.getTime() + n * DAY_MS).toISOString();
const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '').slice(0, 20);

/** `first.last` users from the name parts: first names vary fastest, so the first page already looks varied. */
function generatedUsers(g: NonNullable<CustomerSeed['generatedUsers']>): UserSeed[] {
  return Array.from({ length: g.count }, (_, i) => {
    const firstName = g.firstNames[i % g.firstNames.length];
    const lastName = g.lastNames[Math.floor(i / g.firstNames.length)];
    return { userName: `${firstName}.${lastName}`.toLowerCase(), firstName, lastName, usageLocation: g.usageLocations[i % g.usageLocations.length] };
  });
}

export function buildWorld(seed: SeedData, now: Date, app: { botAppId: string; appRegistration: AppRegistration } = { botAppId: SANDBOX_IDENTITY.botId, appRegistration: 'multi-tenant' }): SandboxWorld {
  const relationshipFor = (customerId: string, companyName: string, rel: NonNullable<CustomerSeed['relationship']>): SandboxRelationship => {
    const assignments = (rel.assignments === 'healthy' ? seed.healthyAssignments : rel.assignments).map((a, i) => ({
      id: stableGuid(customerId, 'assignment', String(i)),
      status: 'active',
      groupId: a.groupId,
      roleDefinitionIds: a.roles.map((r) => seed.roles[r]),
    }));
    return {
      // Real GDAP relationship ids are two GUIDs joined by a hyphen.
      id: `${stableGuid(customerId, 'relationship')}-${stableGuid(customerId, 'relationship', 'suffix')}`,
      displayName: `${companyName} helpdesk`.slice(0, 50),
      status: rel.status,
      endDateTime: days(now, rel.endInDays),
      customerTenantId: customerId,
      customerDisplayName: companyName,
      roleDefinitionIds: [...new Set(assignments.flatMap((a) => a.roleDefinitionIds))],
      assignments,
    };
  };
  const user = (customerId: string, defaultDomain: string, u: UserSeed): SandboxUser => ({
    id: stableGuid(customerId, 'user', u.userName, u.domain ?? defaultDomain),
    userPrincipalName: `${u.userName}@${u.domain ?? defaultDomain}`,
    firstName: u.firstName,
    lastName: u.lastName,
    displayName: `${u.firstName} ${u.lastName}`,
    usageLocation: u.usageLocation,
    state: u.deletedDaysAgo === undefined ? 'active' : 'inactive',
    softDeletionTime: u.deletedDaysAgo === undefined ? undefined : days(now, -u.deletedDaysAgo),
    createdAt: days(now, -400),
    licenses: [],
  });
  const customer = (c: CustomerSeed): SandboxCustomer => {
    const defaultDomain = c.domains.find((d) => d.isDefault)!.name;
    const users = [...c.users, ...(c.generatedUsers ? generatedUsers(c.generatedUsers) : [])];
    return {
      id: c.id,
      companyName: c.companyName,
      situation: c.situation,
      relationshipToPartner: 'reseller',
      domains: c.domains.map((d) => ({ ...d })),
      relationships: c.relationship ? [relationshipFor(c.id, c.companyName, c.relationship)] : [],
      users: users.map((u) => user(c.id, defaultDomain, u)),
      skus: c.skus.map((s) => ({ id: stableGuid(c.id, 'sku', s.skuPartNumber), skuPartNumber: s.skuPartNumber, name: s.name, total: s.total, consumed: s.consumed })),
      appConsents: new Map(c.appConsent ? [[app.botAppId, [...c.appConsent]]] : []),
    };
  };
  const filler = (name: string, i: number): CustomerSeed => ({
    id: `${seed.fillerCustomers.idPrefix}${String(i).padStart(2, '0')}`,
    companyName: name,
    situation: 'plain healthy customer',
    domains: [
      { name: `${slug(name)}.example`, authenticationType: 'Managed', isVerified: true, isDefault: true, isInitial: false },
      { name: `${slug(name)}.onmicrosoft.com`, authenticationType: 'Managed', isVerified: true, isDefault: false, isInitial: true },
    ],
    relationship: { status: 'active', endInDays: 365, assignments: 'healthy' },
    users: [],
    skus: [],
    appConsent: ['Domain.Read.All', 'User.Read.All'],
  });
  return {
    botAppId: app.botAppId,
    appRegistration: app.appRegistration,
    partnerTenant: seed.partnerTenant,
    groups: seed.groups,
    partnerUsers: seed.partnerUsers,
    customers: [...seed.customers, ...seed.fillerCustomers.names.map(filler)].map(customer),
    missingTenantId: seed.missingTenantId,
  };
}
