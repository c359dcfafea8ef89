import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/**
 * The sandbox's seed: a partner tenant, its engineers and security groups, and customers covering the cases a
 * helpdesk meets (healthy, federated domain, expired relationship, no relationship, many users, relationship
 * about to end, no suitable role). Dates are relative (days from now), so the data never goes stale.
 */

const roleName = z.enum(['userAdministrator', 'directoryWriters', 'directoryReaders', 'helpdeskAdministrator']);
const assignmentSeed = z.object({ groupId: z.string().uuid(), roles: z.array(roleName).min(1) });

const seedSchema = z.object({
  partnerTenant: z.object({ id: z.string().uuid(), domain: z.string(), name: z.string() }),
  roles: z.record(roleName, z.string().uuid()),
  groups: z.array(z.object({ id: z.string().uuid(), name: z.string(), memberOfGroups: z.array(z.string().uuid()) })),
  partnerUsers: z.array(
    z.object({ oid: z.string().uuid(), upn: z.string().email(), name: z.string(), groups: z.array(z.string().uuid()), consented: z.boolean(), situation: z.string() }),
  ),
  healthyAssignments: z.array(assignmentSeed),
  customers: z.array(
    z.object({
      id: z.string().uuid(),
      companyName: z.string(),
      situation: z.string(),
      domains: z.array(z.object({ name: z.string(), authenticationType: z.enum(['Managed', 'Federated']), isVerified: z.boolean(), isDefault: z.boolean(), isInitial: z.boolean() })),
      relationship: z.object({ status: z.string(), endInDays: z.number(), assignments: z.union([z.literal('healthy'), z.array(assignmentSeed)]) }).nullable(),
      users: z.array(
        z.object({ userName: z.string(), domain: z.string().optional(), firstName: z.string(), lastName: z.string(), usageLocation: z.string().length(2), deletedDaysAgo: z.number().optional() }),
      ),
      generatedUsers: z.number().int().min(0).optional(),
      skus: z.array(z.object({ skuPartNumber: z.string(), name: z.string(), total: z.number().int(), consumed: z.number().int() })),
    }),
  ),
  fillerCustomers: z.object({ idPrefix: z.string().length(34), names: z.array(z.string()).max(99) }),
  missingTenantId: z.string().uuid(),
});

export type SeedData = z.infer<typeof seedSchema>;

export const DEFAULT_SEED_PATH = join(__dirname, 'seed-data.json');

export function loadSeed(path = DEFAULT_SEED_PATH): SeedData {
  return seedSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

// ---------------------------------------------------------------------------------------------------------------
// The world the seed describes, as the sandbox serves it.

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

export interface SandboxCustomer {
  id: string;
  companyName: string;
  situation: string;
  relationshipToPartner: string;
  domains: SandboxDomain[];
  relationships: SandboxRelationship[];
  users: SandboxUser[];
  skus: Array<{ id: string; skuPartNumber: string; name: string; total: number; consumed: number }>;
}

export interface SandboxWorld {
  partnerTenant: SeedData['partnerTenant'];
  groups: SeedData['groups'];
  partnerUsers: SeedData['partnerUsers'];
  customers: SandboxCustomer[];
  missingTenantId: string;
}

/** A stable GUID from a name, so generated ids are the same on every start. */
export function stableGuid(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('|')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const days = (now: Date, n: number) => new Date(now.getTime() + n * 86_400_000).toISOString();
const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '').slice(0, 20);

export function buildWorld(seed: SeedData, now: Date): SandboxWorld {
  const role = (r: z.infer<typeof roleName>): string => {
    const id = seed.roles[r];
    if (!id) throw new Error(`seed: role ${r} has no id`);
    return id;
  };
  const relationshipFor = (customerId: string, companyName: string, rel: NonNullable<SeedData['customers'][number]['relationship']>): SandboxRelationship => {
    const assignments = (rel.assignments === 'healthy' ? seed.healthyAssignments : rel.assignments).map((a, i) => ({
      id: stableGuid(customerId, 'assignment', String(i)),
      status: 'active',
      groupId: a.groupId,
      roleDefinitionIds: a.roles.map(role),
    }));
    return {
      id: `${stableGuid(customerId, 'relationship')}-${customerId}`,
      displayName: `${companyName} helpdesk`,
      status: rel.status,
      endDateTime: days(now, rel.endInDays),
      customerTenantId: customerId,
      customerDisplayName: companyName,
      roleDefinitionIds: [...new Set(assignments.flatMap((a) => a.roleDefinitionIds))],
      assignments,
    };
  };
  const user = (customerId: string, domain: string, u: { userName: string; domain?: string; firstName: string; lastName: string; usageLocation: string; deletedDaysAgo?: number }): SandboxUser => ({
    id: stableGuid(customerId, 'user', u.userName),
    userPrincipalName: `${u.userName}@${u.domain ?? domain}`,
    firstName: u.firstName,
    lastName: u.lastName,
    displayName: `${u.firstName} ${u.lastName}`,
    usageLocation: u.usageLocation,
    state: u.deletedDaysAgo === undefined ? 'active' : 'inactive',
    softDeletionTime: u.deletedDaysAgo === undefined ? undefined : days(now, -u.deletedDaysAgo),
    createdAt: days(now, -90),
    licenses: [],
  });

  const customers: SandboxCustomer[] = seed.customers.map((c) => {
    const domain = c.domains.find((d) => d.isDefault)?.name ?? c.domains[0].name;
    const users = c.users.map((u) => user(c.id, domain, u));
    for (let i = 1; i <= (c.generatedUsers ?? 0); i++) {
      users.push(user(c.id, domain, { userName: `user${String(i).padStart(3, '0')}`, firstName: 'User', lastName: String(i).padStart(3, '0'), usageLocation: 'US' }));
    }
    return {
      id: c.id,
      companyName: c.companyName,
      situation: c.situation,
      relationshipToPartner: 'reseller',
      domains: c.domains,
      relationships: c.relationship ? [relationshipFor(c.id, c.companyName, c.relationship)] : [],
      users,
      skus: c.skus.map((s) => ({ id: stableGuid(c.id, 'sku', s.skuPartNumber), skuPartNumber: s.skuPartNumber, name: s.name, total: s.total, consumed: s.consumed })),
    };
  });
  seed.fillerCustomers.names.forEach((name, i) => {
    const id = `${seed.fillerCustomers.idPrefix}${String(i).padStart(2, '0')}`;
    const domain = `${slug(name)}.example`;
    customers.push({
      id,
      companyName: name,
      situation: 'plain customer',
      relationshipToPartner: 'reseller',
      domains: [
        { name: domain, authenticationType: 'Managed', isVerified: true, isDefault: true, isInitial: false },
        { name: `${slug(name)}.onmicrosoft.com`, authenticationType: 'Managed', isVerified: true, isDefault: false, isInitial: true },
      ],
      relationships: [relationshipFor(id, name, { status: 'active', endInDays: 365, assignments: 'healthy' })],
      users: [],
      skus: [],
    });
  });
  return { partnerTenant: seed.partnerTenant, groups: seed.groups, partnerUsers: seed.partnerUsers, customers, missingTenantId: seed.missingTenantId };
}

/** The partner engineers as the Agents Playground's users, `first` (SANDBOX_USER) first. */
export function partnerUsersForPlayground(first: string, seed: SeedData = loadSeed()): Array<{ oid: string; name: string; upn: string }> {
  const users = seed.partnerUsers.map((u) => ({ oid: u.oid, name: u.name, upn: u.upn }));
  const i = users.findIndex((u) => u.upn.toLowerCase() === first.toLowerCase());
  if (i > 0) users.unshift(...users.splice(i, 1));
  return users;
}
