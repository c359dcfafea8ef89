import type { AccessAssignment, Directory, TokenProvider, UserCredential } from '../ports';
import { isUsableRelationship } from '../preflight/gdap-role';

/**
 * The Entra role template ids a person holds for a customer through GDAP: roles of active access assignments of
 * usable relationships, to groups the person is a transitive member of (the same resolution as the creation's
 * role check; relationships and assignments read as the app, membership asked with the person's own token).
 * Always uncached: it decides which steps may run.
 */
export async function rolesHeld(deps: { directory: Directory; tokens: TokenProvider }, cred: UserCredential, customerId: string, opts: { correlationId: string }): Promise<Set<string>> {
  const app = (await deps.tokens.partnerGraphApp()).token;
  const relationships = (await deps.directory.listRelationships(app, customerId, opts)).filter(isUsableRelationship);
  const assignments: AccessAssignment[] = (await Promise.all(relationships.map((r) => deps.directory.listAccessAssignments(app, r.id, opts)))).flat().filter((a) => a.status === 'active');
  const groups = [...new Set(assignments.map((a) => a.groupId))];
  if (groups.length === 0) return new Set();
  const memberOf = new Set((await deps.directory.checkMemberGroups((await deps.tokens.partnerGraph(cred)).token, groups, opts)).map((g) => g.toLowerCase()));
  return new Set(assignments.filter((a) => memberOf.has(a.groupId.toLowerCase())).flatMap((a) => a.roleDefinitionIds.map((r) => r.toLowerCase())));
}
