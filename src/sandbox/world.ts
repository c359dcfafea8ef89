import { createHash } from 'node:crypto';
import { SANDBOX_IDENTITY } from '../config';
import { tapPolicySeed, type CustomerGroupSeed, type CustomerSeed, type SeedData, type TapPolicySeed, type UserSeed } from './seed';

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
  /** Absent for a user created outside Partner Center without one: such a user cannot be licensed. */
  usageLocation?: string;
  immutableId?: string;
  state: 'active' | 'inactive';
  softDeletionTime?: string;
  createdAt: string;
  /** Sku ids assigned. There is deliberately no password field: the sandbox never keeps one. */
  licenses: string[];
  /** Profile attributes Graph's `PATCH /users/{id}` sets (absent: null in Graph's answers). */
  profile: Partial<Record<ProfileField, string>>;
  /** The manager's user id (Graph `PUT /users/{id}/manager/$ref`). */
  managerId?: string;
}

/** The user properties the onboarding writes through Graph (besides usageLocation, kept on the user itself). */
export const PROFILE_FIELDS = ['jobTitle', 'department', 'officeLocation', 'companyName', 'employeeId', 'mobilePhone'] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];

/** A group in a customer's tenant, with Graph's flags; `members` are user ids (direct members). */
export interface SandboxCustomerGroup {
  id: string;
  displayName: string;
  description: string | null;
  mail: string | null;
  mailNickname: string;
  mailEnabled: boolean;
  securityEnabled: boolean;
  groupTypes: string[];
  isAssignableToRole: boolean;
  members: string[];
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
  /** Partner Center's licence group: `group1` (Entra-managed products) or `group2` (Minecraft). */
  licenseGroupId: 'group1' | 'group2';
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
  groups: SandboxCustomerGroup[];
  /**
   * Which apps have a service principal in this customer's tenant, by app id, with the delegated Microsoft Graph
   * permissions consented there (plain names such as `Domain.Read.All`; see docs/sandbox-api.md). No entry for an
   * app: Entra answers AADSTS700016 for any token of that app in this tenant. Seeded from `appConsent`; Partner
   * Center's application-consent endpoint adds to it.
   */
  appConsents: Map<string, string[]>;
  /** The tenant's Temporary Access Pass policy (authentication methods policy). */
  tapPolicy: TapPolicySeed;
  /**
   * The one Temporary Access Pass each user may have, by user id. The pass itself is not kept: Graph shows it only
   * in the create answer, and the sandbox keeps no secret.
   */
  temporaryAccessPasses: Map<string, SandboxTemporaryAccessPass>;
}

export interface SandboxTemporaryAccessPass {
  id: string;
  createdDateTime: string;
  startDateTime: string;
  lifetimeInMinutes: number;
  isUsableOnce: boolean;
}

/** A tenant that never changed its Temporary Access Pass policy: Microsoft's defaults, disabled. */
export const DEFAULT_TAP_POLICY: TapPolicySeed = tapPolicySeed.parse({ state: 'disabled' });

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
    profile: Object.fromEntries(PROFILE_FIELDS.filter((f) => u[f] !== undefined).map((f) => [f, u[f] as string])),
  });
  const customer = (c: CustomerSeed): SandboxCustomer => {
    const defaultDomain = c.domains.find((d) => d.isDefault)!.name;
    const users = [...c.users, ...(c.generatedUsers ? generatedUsers(c.generatedUsers) : [])];
    const built: SandboxCustomer = {
      id: c.id,
      companyName: c.companyName,
      situation: c.situation,
      relationshipToPartner: 'reseller',
      domains: c.domains.map((d) => ({ ...d })),
      relationships: c.relationship ? [relationshipFor(c.id, c.companyName, c.relationship)] : [],
      users: users.map((u) => user(c.id, defaultDomain, u)),
      skus: c.skus.map((s) => ({ id: stableGuid(c.id, 'sku', s.skuPartNumber), skuPartNumber: s.skuPartNumber, name: s.name, total: s.total, consumed: s.consumed, licenseGroupId: s.licenseGroupId })),
      groups: (c.groups ?? []).map((g) => customerGroup(c.id, defaultDomain, g)),
      appConsents: new Map(c.appConsent ? [[app.botAppId, [...c.appConsent]]] : []),
      tapPolicy: { ...(c.tapPolicy ?? DEFAULT_TAP_POLICY) },
      temporaryAccessPasses: new Map(),
    };
    linkDirectory(built, c.users);
    return built;
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

/** Graph's flags for each kind of group the seed names. */
function customerGroup(customerId: string, defaultDomain: string, g: CustomerGroupSeed): SandboxCustomerGroup {
  const mailEnabled = g.kind === 'microsoft365' || g.kind === 'distribution' || g.kind === 'mail-enabled-security';
  const nickname = g.mailNickname ?? g.displayName.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return {
    id: stableGuid(customerId, 'group', g.displayName),
    displayName: g.displayName,
    description: g.description ?? null,
    mail: mailEnabled ? `${nickname}@${defaultDomain}` : null,
    mailNickname: nickname,
    mailEnabled,
    securityEnabled: g.kind === 'security' || g.kind === 'role-assignable' || g.kind === 'mail-enabled-security',
    groupTypes: g.kind === 'microsoft365' ? ['Unified'] : [],
    isAssignableToRole: g.kind === 'role-assignable',
    members: [],
  };
}

/** Managers, memberships and licences of the seeded users, by name; a name the seed does not define fails loudly. */
function linkDirectory(c: SandboxCustomer, seeds: UserSeed[]): void {
  const byName = (userName: string) => c.users.find((u) => u.userPrincipalName.toLowerCase().startsWith(`${userName.toLowerCase()}@`));
  for (const s of seeds) {
    const u = byName(s.userName)!;
    if (s.manager) {
      const m = byName(s.manager);
      if (!m) throw new Error(`seed: ${s.userName}'s manager ${s.manager} is not a user of ${c.companyName}`);
      u.managerId = m.id;
    }
    for (const name of s.memberOf ?? []) {
      const g = c.groups.find((x) => x.displayName === name);
      if (!g) throw new Error(`seed: ${s.userName} is in ${name}, which is not a group of ${c.companyName}`);
      g.members.push(u.id);
    }
    for (const part of s.licenses ?? []) {
      const sku = c.skus.find((x) => x.skuPartNumber === part);
      if (!sku) throw new Error(`seed: ${s.userName} has ${part}, which ${c.companyName} does not subscribe to`);
      u.licenses.push(sku.id);
    }
  }
}
