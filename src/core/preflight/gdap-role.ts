import type { AccessAssignment, DelegatedAdminRelationship } from '../ports';
import type { CheckResult } from './checks';

/** The Entra role templates that allow creating users, in order of preference for the card. */
export const USER_CREATION_ROLES: Record<string, string> = {
  'fe930be7-5e62-47db-91af-98c3a49a38b1': 'User Administrator',
  '9360feb5-f418-4baa-8175-e2a00bac4301': 'Directory Writers',
};

/** Relationships in these states grant their roles (an `expiring` one is still active until its end date). */
const USABLE_STATUSES = new Set(['active', 'expiring']);

export const isUsableRelationship = (r: DelegatedAdminRelationship): boolean => USABLE_STATUSES.has(r.status);
const WARN_WITHIN_DAYS = 14;

export interface GdapEvidence {
  relationships: DelegatedAdminRelationship[];
  /** Access assignments per relationship id (only for usable relationships). */
  assignments: Map<string, AccessAssignment[]>;
  /** The groups (of those granting a suitable role) the engineer is a transitive member of. */
  memberOf: Set<string>;
}

/**
 * The groups that hold one of `roles` through an active assignment of a usable relationship, each with the name of
 * the (first) such role it holds: the one resolution behind "may create users" and "may connect the customer".
 */
export function roleGrants(relationships: DelegatedAdminRelationship[], assignments: Map<string, AccessAssignment[]>, roles: Readonly<Record<string, string>>): Map<string, string> {
  const grants = new Map<string, string>();
  for (const rel of relationships.filter(isUsableRelationship)) {
    for (const a of assignments.get(rel.id) ?? []) {
      const role = a.status === 'active' ? a.roleDefinitionIds.find((id) => id in roles) : undefined;
      if (role && !grants.has(a.groupId)) grants.set(a.groupId, roles[role]);
    }
  }
  return grants;
}

/** Groups that grant a user-creation role through an active assignment of a usable relationship. */
export function candidateGroups(relationships: DelegatedAdminRelationship[], assignments: Map<string, AccessAssignment[]>): string[] {
  return [...roleGrants(relationships, assignments, USER_CREATION_ROLES).keys()];
}

/**
 * Does the engineer hold User Administrator or Directory Writers for this customer: an active relationship whose
 * active access assignment grants one of them to a group the engineer is in. When not, say which link is missing.
 */
export function judgeGdapRole(e: GdapEvidence, now: Date): CheckResult {
  const base = { id: 'gdap-role' as const };
  if (e.relationships.length === 0) {
    return { ...base, status: 'blocked', code: 'NO_RELATIONSHIP', text: 'There is no GDAP relationship with this customer.', todo: 'A Partner Center administrator must request a GDAP relationship including User Administrator or Directory Writers, and the customer must approve it.' };
  }
  const usable = e.relationships.filter((r) => USABLE_STATUSES.has(r.status));
  if (usable.length === 0) {
    const expired = e.relationships.find((r) => r.status === 'expired' || r.status === 'terminated');
    return {
      ...base,
      status: 'blocked',
      code: expired ? 'RELATIONSHIP_EXPIRED' : 'NO_RELATIONSHIP',
      text: expired ? `The GDAP relationship "${expired.displayName}" has ${expired.status === 'terminated' ? 'been terminated' : 'expired'}.` : `The GDAP relationship is not active yet (${e.relationships.map((r) => r.status).join(', ')}).`,
      evidence: e.relationships.map((r) => `${r.displayName}: ${r.status}${r.endDateTime ? `, ended ${r.endDateTime.slice(0, 10)}` : ''}`).join('; '),
      todo: 'A Partner Center administrator must request a new GDAP relationship and the customer must approve it.',
    };
  }
  for (const rel of usable) {
    for (const a of e.assignments.get(rel.id) ?? []) {
      if (a.status !== 'active' || !e.memberOf.has(a.groupId)) continue;
      const roleId = a.roleDefinitionIds.find((id) => id in USER_CREATION_ROLES);
      if (!roleId) continue;
      const end = rel.endDateTime ? new Date(rel.endDateTime) : undefined;
      const daysLeft = end ? Math.floor((end.getTime() - now.getTime()) / 86_400_000) : undefined;
      const evidence = `${rel.displayName} · ${USER_CREATION_ROLES[roleId]}${end ? ` · ends ${rel.endDateTime!.slice(0, 10)}` : ''}`;
      if (daysLeft !== undefined && daysLeft < WARN_WITHIN_DAYS) {
        return { ...base, status: 'warning', text: `You hold ${USER_CREATION_ROLES[roleId]}, but the relationship ends in ${Math.max(daysLeft, 0)} day(s).`, evidence, todo: 'Ask a Partner Center administrator to extend or renew the relationship.' };
      }
      return { ...base, status: 'ok', text: `You hold ${USER_CREATION_ROLES[roleId]} for this customer.`, evidence };
    }
  }
  const groups = candidateGroups(usable, e.assignments);
  if (groups.length === 0) {
    const roles = [...new Set(usable.flatMap((r) => [...(e.assignments.get(r.id) ?? [])].filter((a) => a.status === 'active').flatMap((a) => a.roleDefinitionIds)))];
    return {
      ...base,
      status: 'blocked',
      code: 'GDAP_ROLE_MISSING',
      text: 'No active access assignment of the relationship grants User Administrator or Directory Writers.',
      evidence: `${usable.map((r) => r.displayName).join(', ')} · ${roles.length} other role(s) assigned`,
      todo: 'A Partner Center administrator must assign User Administrator (or Directory Writers) to a security group of your helpdesk in this relationship.',
    };
  }
  return {
    ...base,
    status: 'blocked',
    code: 'GDAP_ROLE_MISSING',
    text: 'You are not a member of any security group that holds User Administrator or Directory Writers for this customer.',
    evidence: `${groups.length} group(s) hold the role in ${usable.map((r) => r.displayName).join(', ')}`,
    todo: 'Ask your administrator to add you to the helpdesk security group that holds the role.',
  };
}
