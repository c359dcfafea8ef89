import { AppError } from '../errors';
import type { AccessAssignment, Directory, TokenProvider, UserCredential } from '../ports';
import { isUsableRelationship, roleGrants, USER_CREATION_ROLES } from '../preflight/gdap-role';
import type { TemplateScope } from './user-template';

export interface TemplatePermissionDeps {
  directory: Directory;
  tokens: TokenProvider;
}

export interface TemplateAdminSettings {
  /** TEMPLATE_ADMIN_GROUP_ID: its members manage every template. */
  templateAdminGroupId?: string;
  /** ADMIN_AGENTS_GROUP_ID: without a template group, its members manage the partner-wide templates. */
  adminAgentsGroupId?: string;
}

/**
 * Who may create, change or delete a template of `scope`:
 * - TEMPLATE_ADMIN_GROUP_ID set: its (transitive) members, for every scope;
 * - unset, a customer's template: whoever may create that customer's users, i.e. holds User Administrator or
 *   Directory Writers through an active GDAP assignment (the pre-flight's resolution, gdap-role.ts);
 * - unset, a partner-wide template (it applies to every customer, so no one customer's role can decide): members
 *   of the AdminAgents group; without that group either, nobody.
 * Membership is asked as the engineer (checkMemberGroups), relationships with the app's own token, as the
 * pre-flight does. Returns whether they may; never throws for a plain "no".
 */
export async function mayManageTemplates(
  deps: TemplatePermissionDeps,
  cred: UserCredential,
  scope: TemplateScope,
  settings: TemplateAdminSettings,
  correlationId: string,
): Promise<boolean> {
  const opts = { correlationId };
  const memberOf = async (groups: string[]): Promise<string[]> => (groups.length ? deps.directory.checkMemberGroups((await deps.tokens.partnerGraph(cred)).token, groups, opts) : []);
  if (settings.templateAdminGroupId) return (await memberOf([settings.templateAdminGroupId])).includes(settings.templateAdminGroupId);
  if (scope.kind === 'partner') return settings.adminAgentsGroupId ? (await memberOf([settings.adminAgentsGroupId])).includes(settings.adminAgentsGroupId) : false;
  const appToken = (await deps.tokens.partnerGraphApp()).token;
  const usable = (await deps.directory.listRelationships(appToken, scope.customerId, opts)).filter(isUsableRelationship);
  const assignments = new Map<string, AccessAssignment[]>();
  for (const rel of usable) assignments.set(rel.id, await deps.directory.listAccessAssignments(appToken, rel.id, opts));
  const grants = roleGrants(usable, assignments, USER_CREATION_ROLES);
  return (await memberOf([...grants.keys()])).some((g) => grants.has(g));
}

/** Throws NOT_TEMPLATE_ADMIN unless the engineer may manage templates of `scope`. */
export async function assertTemplateAdmin(deps: TemplatePermissionDeps, cred: UserCredential, scope: TemplateScope, settings: TemplateAdminSettings, correlationId: string): Promise<void> {
  if (!(await mayManageTemplates(deps, cred, scope, settings, correlationId))) {
    throw new AppError('NOT_TEMPLATE_ADMIN', `${cred.user.oid} may not manage ${scope.kind === 'partner' ? 'partner-wide templates' : `templates of ${scope.customerId}`}`, { correlationId });
  }
}
