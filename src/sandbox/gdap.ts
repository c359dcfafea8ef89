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
