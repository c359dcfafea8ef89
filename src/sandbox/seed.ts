import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod/v4';
import { integer, zod3Issues, zod3Messages } from '../core/zod3-compat';

/**
 * The sandbox's seed: a partner tenant, its engineers and security groups, and customers covering the cases a
 * helpdesk meets (healthy, federated domain, expired relationship, no relationship, many users, relationship
 * about to end, no suitable role). Dates are relative (days from now), so the data never goes stale; the world
 * built from it lives in ./world.ts.
 */

// Any 8-4-4-4-12 hex, as zod 3's uuid() took it (zod 4's wants RFC 9562 version and variant digits).
const guid = z.guid();
export const roleNameSchema = z.enum([
  'userAdministrator',
  'directoryWriters',
  'directoryReaders',
  'helpdeskAdministrator',
  'cloudApplicationAdministrator',
  'licenseAdministrator',
  'authenticationAdministrator',
  'privilegedAuthenticationAdministrator',
  'globalReader',
  'authenticationPolicyAdministrator',
]);
const assignmentSeed = z.object({ groupId: guid, roles: z.array(roleNameSchema).min(1) });
const country = z.string().regex(/^[A-Z]{2}$/);

const userSeed = z.object({
  userName: z.string().min(1),
  /** Defaults to the customer's default domain. */
  domain: z.string().optional(),
  firstName: z.string().min(1),
  lastName: z.string().min(1),
  /** Absent: a user with no usage location (one created outside Partner Center), who cannot be licensed. */
  usageLocation: country.optional(),
  /** Soft-deleted that many days ago (restorable for 30 days). */
  deletedDaysAgo: z.number().min(0).max(30).optional(),
  /** Profile attributes, as Graph's user resource names them. */
  jobTitle: z.string().optional(),
  department: z.string().optional(),
  officeLocation: z.string().optional(),
  companyName: z.string().optional(),
  employeeId: z.string().optional(),
  mobilePhone: z.string().optional(),
  /** The manager's `userName` (same customer). */
  manager: z.string().optional(),
  /** Display names of the customer's groups this user is a direct member of. */
  memberOf: z.array(z.string()).optional(),
  /** Part numbers of the customer's skus assigned to this user (counted in the sku's `consumed`). */
  licenses: z.array(z.string()).optional(),
});

/**
 * A group in the customer's tenant, by kind (Graph's flags follow from it, see world.ts): `security`,
 * `microsoft365` (Unified), `role-assignable` (security, isAssignableToRole), `distribution` (mail-enabled, not
 * security) and `mail-enabled-security` (both); the last two are Exchange's to change, not Graph's.
 */
const customerGroupSeed = z.object({
  displayName: z.string().min(1),
  kind: z.enum(['security', 'microsoft365', 'role-assignable', 'distribution', 'mail-enabled-security']),
  description: z.string().optional(),
  /** The mail nickname of a mail-enabled group (the address is on the default domain). */
  mailNickname: z.string().optional(),
});

/** Many users from a few name parts: `first.last`, each combination once. */
const generatedUsersSeed = z
  .object({ count: integer(z.number()).min(1), firstNames: z.array(z.string().min(1)).min(1), lastNames: z.array(z.string().min(1)).min(1), usageLocations: z.array(country).min(1) })
  .refine((g) => g.count <= g.firstNames.length * g.lastNames.length, { message: 'count exceeds the distinct first × last name combinations' });

const domainSeed = z.object({
  name: z.string().min(3),
  authenticationType: z.enum(['Managed', 'Federated']),
  isVerified: z.boolean(),
  isDefault: z.boolean(),
  isInitial: z.boolean(),
});

/**
 * The tenant's Temporary Access Pass policy (Graph `temporaryAccessPassAuthenticationMethodConfiguration`). Absent:
 * Microsoft's defaults for a tenant that never changed it (disabled; 60 / 60 / 480 minutes; multi-use allowed;
 * 8 characters). Lifetimes are 10–43200 minutes ("temporaryAccessPassAuthenticationMethodConfiguration resource type").
 */
const lifetime = integer(z.number()).min(10).max(43_200);
export const tapPolicySeed = z
  .object({
    state: z.enum(['enabled', 'disabled']),
    defaultLifetimeInMinutes: lifetime.default(60),
    minimumLifetimeInMinutes: lifetime.default(60),
    maximumLifetimeInMinutes: lifetime.default(480),
    isUsableOnce: z.boolean().default(false),
    defaultLength: integer(z.number()).min(8).max(48).default(8),
  })
  .refine((p) => p.minimumLifetimeInMinutes <= p.defaultLifetimeInMinutes && p.defaultLifetimeInMinutes <= p.maximumLifetimeInMinutes, { message: 'minimum ≤ default ≤ maximum lifetime' });
export type TapPolicySeed = z.infer<typeof tapPolicySeed>;

const customerSeed = z.object({
  id: guid,
  companyName: z.string().min(1),
  situation: z.string(),
  domains: z.array(domainSeed).min(1).refine((ds) => ds.filter((d) => d.isDefault).length === 1, { message: 'exactly one default domain' }),
  /** The delegated-admin relationship with the partner; `null`: none at all. */
  relationship: z.object({ status: z.string(), endInDays: z.number(), assignments: z.union([z.literal('healthy'), z.array(assignmentSeed)]) }).nullable(),
  users: z.array(userSeed),
  generatedUsers: generatedUsersSeed.optional(),
  /**
   * `consumed` counts every seat in use, the seeded users' `licenses` included. `licenseGroupId`: Partner Center's
   * licence group (`group1` Entra-managed products, the default; `group2` Minecraft).
   */
  skus: z.array(z.object({ skuPartNumber: z.string(), name: z.string(), total: integer(z.number()).min(0), consumed: integer(z.number()).min(0), licenseGroupId: z.enum(['group1', 'group2']).default('group1') })),
  groups: z.array(customerGroupSeed).optional(),
  /**
   * The delegated Microsoft Graph permissions (plain names, e.g. `Domain.Read.All`) consented in this customer's
   * tenant for the bot's app, which gives the app a service principal there. Absent: the app is not in the tenant
   * (not connected), so Entra answers AADSTS700016 for any token in it.
   */
  appConsent: z.array(z.string().min(1)).optional(),
  tapPolicy: tapPolicySeed.optional(),
});

export const seedSchema = z.object({
  partnerTenant: z.object({ id: guid, domain: z.string(), name: z.string() }),
  roles: z.object(Object.fromEntries(roleNameSchema.options.map((r) => [r, guid])) as Record<z.infer<typeof roleNameSchema>, typeof guid>),
  /** A group named `AdminAgents` is Partner Center's Admin agent group (see graph-routes: delegated GDAP reads). */
  groups: z.array(z.object({ id: guid, name: z.string(), memberOfGroups: z.array(guid) })),
  partnerUsers: z.array(z.object({ oid: guid, upn: z.email(), name: z.string(), groups: z.array(guid), consented: z.boolean(), situation: z.string() })),
  /** The assignments of every healthy relationship (`"assignments": "healthy"`). */
  healthyAssignments: z.array(assignmentSeed),
  customers: z.array(customerSeed),
  /** Plain healthy customers for a long list: ids are `idPrefix` + two digits. */
  fillerCustomers: z.object({ idPrefix: z.string().length(34), names: z.array(z.string().min(1)).max(99) }),
  /** A well-formed tenant id that is no customer at all. */
  missingTenantId: guid,
});

export type SeedData = z.infer<typeof seedSchema>;
export type CustomerSeed = z.infer<typeof customerSeed>;
export type UserSeed = z.infer<typeof userSeed>;
export type CustomerGroupSeed = z.infer<typeof customerGroupSeed>;

/** Next to this file; when running the compiled dist/, the JSON stays in src/ (tsc does not copy it). */
export const DEFAULT_SEED_PATH = [join(__dirname, 'seed-data.json'), join(__dirname, '..', '..', '..', 'src', 'sandbox', 'seed-data.json')].find((p) => existsSync(p)) ?? join(__dirname, 'seed-data.json');

/** Reads and parses a seed file; a malformed one fails here, naming the path of the bad value. */
export function loadSeed(path = DEFAULT_SEED_PATH): SeedData {
  return parseSeed(JSON.parse(readFileSync(path, 'utf8')));
}

export function parseSeed(raw: unknown): SeedData {
  const parsed = seedSchema.safeParse(raw, { error: zod3Messages });
  if (!parsed.success) {
    throw new Error(`invalid sandbox seed: ${zod3Issues(parsed.error).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/**
 * The Playground's configuration schema (0.1.1) takes at most five users besides the current one: a longer list
 * makes it exit at start ("/users must NOT have more than 5 items"), which broke `npm start` once the seed grew.
 */
export const PLAYGROUND_MAX_OTHER_USERS = 5;

/** The partner engineers as the Agents Playground's users, `first` (SANDBOX_USER) first, as many as it accepts. */
export function partnerUsersForPlayground(first: string, seed: SeedData = loadSeed()): Array<{ oid: string; name: string; upn: string }> {
  const users = seed.partnerUsers.map((u) => ({ oid: u.oid, name: u.name, upn: u.upn }));
  const i = users.findIndex((u) => u.upn.toLowerCase() === first.toLowerCase());
  if (i > 0) users.unshift(...users.splice(i, 1));
  return users.slice(0, 1 + PLAYGROUND_MAX_OTHER_USERS);
}
