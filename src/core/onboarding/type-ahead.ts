import { AppError } from '../errors';
import type { UserCredential } from '../ports';
import type { UseCaseDeps } from '../use-cases/deps';
import { groupRefusal } from './onboarding-checks';
import { rolesHeld } from './roles-held';
import { allows, mayAddToGroup } from './step-roles';

export type TypeAheadDataset = 'groups' | 'people';

/**
 * The type-ahead behind the form's groups, manager and copy-from inputs (Data.Query): the customer's groups or
 * people matching what was typed, read with the engineer's own identity after checking their GDAP roles allow
 * reading the directory. Only groups the engineer can really add a member to are offered (no role-assignable
 * ones, none of Exchange's, none beyond their roles). The caller has checked the customer is one of theirs.
 */
export async function searchOnboardingChoices(
  deps: UseCaseDeps,
  cred: UserCredential,
  customerId: string,
  dataset: TypeAheadDataset,
  text: string,
  limit: number,
  correlationId: string,
): Promise<Array<{ value: string; title: string }>> {
  const ob = deps.onboarding;
  if (!ob) throw new AppError('GRAPH_UNAVAILABLE', 'onboarding is not configured');
  const opts = { correlationId };
  const roles = await rolesHeld(deps, cred, customerId, opts);
  if (!allows(roles, 'read-directory')) throw new AppError('GDAP_ROLE_MISSING', 'type-ahead needs a role that reads the directory');
  const token = (await ob.tokens.customerGraphForOnboarding(cred, customerId)).token;
  if (dataset === 'groups') {
    const groups = await ob.customerDirectory.searchGroups(token, text, opts);
    return groups
      .filter((g) => !groupRefusal(g) && mayAddToGroup(roles, g))
      .slice(0, limit)
      .map((g) => ({ value: g.id, title: `${g.displayName} (${g.kind === 'microsoft365' ? 'Microsoft 365' : 'security'})` }));
  }
  const people = await ob.customerDirectory.searchUsers(token, text, opts);
  return people.slice(0, limit).map((p) => ({ value: p.id, title: `${p.displayName} (${p.userPrincipalName})` }));
}
