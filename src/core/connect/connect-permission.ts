import { AppError } from '../errors';
import type { AccessAssignment, Directory, TokenProvider, UserCredential } from '../ports';
import { isUsableRelationship, roleGrants } from '../preflight/gdap-role';

/**
 * Who may connect a customer, i.e. consent the bot's app in the customer's tenant through Partner Center's
 * applicationconsents API. Microsoft documents (learn.microsoft.com/powershell/partnercenter/exchange-online-gdap-app,
 * "Prerequisites"): a member of the partner's AdminAgents group who is also in a group holding, through an approved
 * GDAP relationship with that customer, one of the roles below. Application Administrator is not on Microsoft's
 * list; whether Partner Center accepts it is UNCONFIRMED, so it is not accepted here.
 */
export const CONNECT_ROLES: Readonly<Record<string, string>> = {
  '158c047a-c907-4556-b7ef-446551a6b5f7': 'Cloud Application Administrator',
  'e8611ab8-c189-46e8-94e1-60213ab1f814': 'Privileged Role Administrator',
  '62e90394-69f5-4237-9190-012177145e10': 'Global Administrator',
};

export interface ConnectPermissionDeps {
  directory: Directory;
  tokens: TokenProvider;
}

/**
 * Checks, before anything is sent to Partner Center, that the engineer may connect this customer; throws the
 * precise refusal (ADMIN_AGENT_REQUIRED, CONNECT_ROLE_MISSING, RELATIONSHIP_EXPIRED) otherwise. Relationships and
 * access assignments are read with the app's own token (as the pre-flight does), membership as the engineer. With
 * no relationship at all, Partner Center's own answer (20002) decides. Returns the role that allows it, when seen.
 */
export async function checkConnectPermission(
  deps: ConnectPermissionDeps,
  cred: UserCredential,
  customerId: string,
  adminAgentsGroupId: string | undefined,
  correlationId: string,
): Promise<string | undefined> {
  const opts = { correlationId };
  const token = (await deps.tokens.partnerGraph(cred)).token;
  if (adminAgentsGroupId) {
    const member = await deps.directory.checkMemberGroups(token, [adminAgentsGroupId], opts);
    if (!member.includes(adminAgentsGroupId)) throw new AppError('ADMIN_AGENT_REQUIRED', 'the engineer is not in the AdminAgents group', { correlationId });
  }
  const appToken = (await deps.tokens.partnerGraphApp()).token;
  const relationships = await deps.directory.listRelationships(appToken, customerId, opts);
  if (relationships.length === 0) return undefined;
  const usable = relationships.filter(isUsableRelationship);
  if (usable.length === 0) throw new AppError('RELATIONSHIP_EXPIRED', 'no active GDAP relationship with the customer', { correlationId });
  const assignments = new Map<string, AccessAssignment[]>();
  for (const rel of usable) assignments.set(rel.id, await deps.directory.listAccessAssignments(appToken, rel.id, opts));
  const grants = roleGrants(usable, assignments, CONNECT_ROLES);
  const memberOf = grants.size ? await deps.directory.checkMemberGroups(token, [...grants.keys()], opts) : [];
  const group = memberOf.find((g) => grants.has(g));
  if (!group) throw new AppError('CONNECT_ROLE_MISSING', 'no GDAP role that may consent apps in this customer', { correlationId });
  return grants.get(group);
}
