import type { SandboxCustomer, SandboxRelationship, SandboxWorld } from './world';

/**
 * GDAP role resolution as Partner Center applies it: a role counts when an ACTIVE relationship with that customer
 * has an ACTIVE access assignment granting it to a security group the caller is a member of, directly or
 * through nested groups.
 */

export const USER_ADMINISTRATOR = 'fe930be7-5e62-47db-91af-98c3a49a38b1';
export const DIRECTORY_WRITERS = '9360feb5-f418-4baa-8175-e2a00bac4301';
/** The roles that may create, delete and restore users and assign licences. */
export const WRITE_ROLES: readonly string[] = [USER_ADMINISTRATOR, DIRECTORY_WRITERS];
export const DIRECTORY_READERS = '88d8e3e3-8f55-4a1e-953a-9b9898b8876b';
export const GLOBAL_READER = 'f2ef992c-3afb-46b9-b7cf-a126ee74c451';
/**
 * The roles that may list a customer's users or read one ("Get a list of all user accounts for a customer", "Get a
 * user account by ID", learn.microsoft.com/partner-center/developer: Directory Reader, Global reader, User
 * Administrator). Directory Writers may create users but not list them.
 */
export const USER_LIST_ROLES: readonly string[] = [DIRECTORY_READERS, GLOBAL_READER, USER_ADMINISTRATOR];

// `expiring` is Graph's status for an active relationship close to its end: it still grants its roles.
const USABLE_STATUSES = new Set(['active', 'expiring']);

/** Every group a partner user is in, through nesting too (what checkMemberGroups answers: transitive). */
export function groupsOf(world: SandboxWorld, oid: string): Set<string> {
  const user = world.partnerUsers.find((u) => u.oid === oid);
  const result = new Set<string>(user?.groups ?? []);
  const pending = [...result];
  while (pending.length > 0) {
    const id = pending.pop();
    const group = world.groups.find((g) => g.id === id);
    for (const parent of group?.memberOfGroups ?? []) {
      if (!result.has(parent)) {
        result.add(parent);
        pending.push(parent);
      }
    }
  }
  return result;
}

export function isUsable(rel: SandboxRelationship, now: Date): boolean {
  return USABLE_STATUSES.has(rel.status) && new Date(rel.endDateTime).getTime() > now.getTime();
}

/** The role template ids a partner user holds in a customer tenant right now. */
export function rolesIn(world: SandboxWorld, oid: string, customer: SandboxCustomer, now = new Date()): Set<string> {
  const groups = groupsOf(world, oid);
  const roles = new Set<string>();
  for (const rel of customer.relationships) {
    if (!isUsable(rel, now)) continue;
    for (const a of rel.assignments) {
      if (a.status === 'active' && groups.has(a.groupId)) a.roleDefinitionIds.forEach((r) => roles.add(r));
    }
  }
  return roles;
}

/**
 * What a caller may do with a customer's users: `no-relationship` when the partner has no delegated-admin
 * relationship with the customer at all (in any status), `none` when there is one but it gives the caller no
 * usable role, `read` for any role, `write` for User Administrator or Directory Writers.
 */
export type UserAccess = 'no-relationship' | 'none' | 'read' | 'write';

/** Whether the caller holds one of the documented roles for listing (or reading one of) the customer's users. */
export function mayListUsers(world: SandboxWorld, oid: string, customer: SandboxCustomer, now = new Date()): boolean {
  const roles = rolesIn(world, oid, customer, now);
  return USER_LIST_ROLES.some((r) => roles.has(r));
}

export function userAccess(world: SandboxWorld, oid: string, customer: SandboxCustomer, now = new Date()): UserAccess {
  if (customer.relationships.length === 0) return 'no-relationship';
  const roles = rolesIn(world, oid, customer, now);
  if (WRITE_ROLES.some((r) => roles.has(r))) return 'write';
  return roles.size > 0 ? 'read' : 'none';
}

export const LICENSE_ADMINISTRATOR = '4d6ac14f-3453-41d0-bef9-a3e0c569773a';
export const GROUPS_ADMINISTRATOR = 'fdd7a751-b60b-444a-984c-02652fe8fa1c';
export const PRIVILEGED_ROLE_ADMINISTRATOR = 'e8611ab8-c189-46e8-94e1-60213ab1f814';
export const HELPDESK_ADMINISTRATOR = '729827e3-9c14-49f7-bb1b-9608f156bbb8';
export const IDENTITY_GOVERNANCE_ADMINISTRATOR = '45d8d3c5-c802-45c6-b32a-1d70b5e1e86e';
export const EXCHANGE_ADMINISTRATOR = '29232cdf-9323-42fd-ade2-1d097af3e4de';
export const SHAREPOINT_ADMINISTRATOR = 'f28a1f50-f6e7-4571-818b-6a12f2af6b6c';
export const TEAMS_ADMINISTRATOR = '69091246-20e8-4a56-aa4d-066075b2a7a8';
export const INTUNE_ADMINISTRATOR = '3a2c62db-5318-420d-8d74-23affee5d9d5';
export const AUTHENTICATION_ADMINISTRATOR = 'c4e39bd9-1100-46d3-8c65-fb160da0071f';
export const PRIVILEGED_AUTHENTICATION_ADMINISTRATOR = '7be44c8a-adaf-4e2a-84d6-ab2649e08a13';
export const AUTHENTICATION_POLICY_ADMINISTRATOR = '0526716b-113d-4c15-b2c8-68e3c22b9f80';

/**
 * The GDAP roles each onboarding call takes, as Microsoft documents them, written here independently of the bot's
 * own table (src/core/onboarding/step-roles.ts) so that a mistake there is caught rather than mirrored:
 * - `listSkus`: "Get a list of available licenses" (learn.microsoft.com/partner-center/developer/get-a-list-of-available-licenses);
 * - `userLicenses`: "Get licenses assigned to a user within a customer account" (…/check-which-licenses-are-assigned-to-a-user);
 * - `assignLicenses`: "Assign licenses to a user" (…/assign-licenses-to-a-user);
 * - `addMember*`: Graph "Add members" (learn.microsoft.com/graph/api/group-post-members): Directory Writers, Groups
 *   Administrator, Identity Governance Administrator, User Administrator for every group except role-assignable
 *   ones; Exchange, SharePoint and Teams Administrator only for Microsoft 365 groups; Intune Administrator only for
 *   security groups; a role-assignable group needs Privileged Role Administrator;
 * - `manager`, `updateUser`: User Administrator or Directory Writers (../shared/partner-center-contract.md;
 *   Graph's "Update user" and "Assign manager" pages name no narrower role);
 * - `temporaryAccessPass`: Graph "Create temporaryAccessPassMethod" (learn.microsoft.com/graph/api/authentication-post-temporaryaccesspassmethods,
 *   "acting on other users"): Authentication Administrator, Privileged Authentication Administrator;
 * - `readTapPolicy`: Graph "Get temporaryAccessPassAuthenticationMethodConfiguration" (…/temporaryaccesspassauthenticationmethodconfiguration-get):
 *   Global Reader, Authentication Policy Administrator. An Authentication Administrator may create a pass but NOT
 *   read the policy;
 * - `readDirectory`: reading groups and users of the customer (UNCONFIRMED: Microsoft names no list for GDAP reads;
 *   these are the built-in roles that include directory read).
 */
export const ONBOARDING_ROLES = {
  listSkus: [DIRECTORY_READERS, GLOBAL_READER, USER_ADMINISTRATOR, LICENSE_ADMINISTRATOR],
  userLicenses: [DIRECTORY_READERS, LICENSE_ADMINISTRATOR, USER_ADMINISTRATOR, DIRECTORY_WRITERS],
  assignLicenses: [LICENSE_ADMINISTRATOR, USER_ADMINISTRATOR, DIRECTORY_WRITERS],
  addMemberAnyGroup: [DIRECTORY_WRITERS, GROUPS_ADMINISTRATOR, IDENTITY_GOVERNANCE_ADMINISTRATOR, USER_ADMINISTRATOR],
  addMemberMicrosoft365Only: [EXCHANGE_ADMINISTRATOR, SHAREPOINT_ADMINISTRATOR, TEAMS_ADMINISTRATOR],
  addMemberSecurityOnly: [INTUNE_ADMINISTRATOR],
  addMemberRoleAssignable: [PRIVILEGED_ROLE_ADMINISTRATOR],
  manager: [USER_ADMINISTRATOR, DIRECTORY_WRITERS],
  updateUser: [USER_ADMINISTRATOR, DIRECTORY_WRITERS],
  temporaryAccessPass: [AUTHENTICATION_ADMINISTRATOR, PRIVILEGED_AUTHENTICATION_ADMINISTRATOR],
  readTapPolicy: [GLOBAL_READER, AUTHENTICATION_POLICY_ADMINISTRATOR],
  readDirectory: [DIRECTORY_READERS, GLOBAL_READER, DIRECTORY_WRITERS, USER_ADMINISTRATOR, GROUPS_ADMINISTRATOR, LICENSE_ADMINISTRATOR, HELPDESK_ADMINISTRATOR],
} as const satisfies Record<string, readonly string[]>;

/** Whether the caller holds, in that customer right now, one of `anyOf`. */
export function holdsAny(world: SandboxWorld, oid: string, customer: SandboxCustomer, anyOf: readonly string[], now = new Date()): boolean {
  const roles = rolesIn(world, oid, customer, now);
  return anyOf.some((r) => roles.has(r));
}
