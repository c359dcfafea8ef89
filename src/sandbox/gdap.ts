import type { SandboxCustomer, SandboxWorld } from './seed';

export const USER_ADMINISTRATOR = 'fe930be7-5e62-47db-91af-98c3a49a38b1';
export const DIRECTORY_WRITERS = '9360feb5-f418-4baa-8175-e2a00bac4301';
const USABLE = new Set(['active', 'expiring']);

/** Every group a partner user is in, through nesting too (what checkMemberGroups answers: transitive). */
export function groupsOf(world: SandboxWorld, oid: string): Set<string> {
  const user = world.partnerUsers.find((u) => u.oid === oid);
  const result = new Set<string>(user?.groups ?? []);
  let grew = true;
  while (grew) {
    grew = false;
    for (const g of world.groups) {
      if (result.has(g.id)) {
        for (const parent of g.memberOfGroups) {
          if (!result.has(parent)) {
            result.add(parent);
            grew = true;
          }
        }
      }
    }
  }
  return result;
}

/** The roles a partner user holds in a customer tenant: active relationship, active assignment, their group. */
export function rolesIn(world: SandboxWorld, oid: string, customer: SandboxCustomer): Set<string> {
  const groups = groupsOf(world, oid);
  const roles = new Set<string>();
  for (const rel of customer.relationships.filter((r) => USABLE.has(r.status) && new Date(r.endDateTime).getTime() > Date.now())) {
    for (const a of rel.assignments) if (a.status === 'active' && groups.has(a.groupId)) a.roleDefinitionIds.forEach((r) => roles.add(r));
  }
  return roles;
}

export function canCreateUsers(world: SandboxWorld, oid: string, customer: SandboxCustomer): boolean {
  const roles = rolesIn(world, oid, customer);
  return roles.has(USER_ADMINISTRATOR) || roles.has(DIRECTORY_WRITERS);
}

export function canReadUsers(world: SandboxWorld, oid: string, customer: SandboxCustomer): boolean {
  return rolesIn(world, oid, customer).size > 0;
}
