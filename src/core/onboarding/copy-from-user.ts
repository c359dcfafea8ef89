import { AppError, toAppError } from '../errors';
import type { UserCredential } from '../ports';
import type { UseCaseDeps } from '../use-cases/deps';
import { groupRefusal } from './onboarding-checks';
import { rolesHeld } from './roles-held';
import { allows, mayAddToGroup } from './step-roles';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * "Copy from an existing user" on the new-user form: the form's values with the licences, groups, department,
 * job title, office, manager and usage location of one of the customer's users; everything else the person typed
 * is kept, and all of it stays editable (the checks on the next card judge the result like any other choice).
 * Read under the engineer's own identity, after checking their GDAP roles allow reading the directory. Groups that
 * cannot be managed here (role-assignable, Exchange's, or beyond the engineer's roles) are left out with a note,
 * so the copy does not carry a step that is bound to be blocked. The template choice is cleared: a template's
 * lists and copied ones do not mix.
 */
export async function prefillFromUser(
  deps: UseCaseDeps,
  cred: UserCredential,
  customerId: string,
  userId: string,
  current: Record<string, string>,
  correlationId: string,
): Promise<{ values: Record<string, string>; notes: string[] }> {
  const ob = deps.onboarding;
  if (!ob) throw new AppError('GRAPH_UNAVAILABLE', 'onboarding is not configured');
  if (!GUID.test(userId)) throw new AppError('USER_NOT_FOUND', 'no user chosen to copy from');
  const opts = { correlationId };
  const roles = await rolesHeld(deps, cred, customerId, opts);
  if (!allows(roles, 'read-directory')) throw new AppError('GDAP_ROLE_MISSING', 'copy from user needs a role that reads the directory');
  const token = (await ob.tokens.customerGraphForOnboarding(cred, customerId)).token;
  const source = await ob.customerDirectory.getUserToCopy(token, userId, opts);
  const notes: string[] = [];
  let licences = source.licenceSkuIds;
  if (allows(roles, 'user-licences')) {
    try {
      // Partner Center's view of the user's licences: the same sku ids the licences step assigns.
      licences = (await ob.licences.listUserLicences((await deps.tokens.partnerCenter(cred)).token, customerId, source.id, opts)).map((l) => l.skuId);
    } catch (e) {
      notes.push(`Licences taken from the directory: Partner Center's list could not be read (${toAppError(e).code}).`);
    }
  }
  const manageable = source.groups.filter((g) => !groupRefusal(g) && mayAddToGroup(roles, g));
  const left = source.groups.filter((g) => !manageable.includes(g));
  if (left.length) notes.push(`Not copied (cannot be managed here): ${left.map((g) => g.displayName).join(', ')}.`);
  const values: Record<string, string> = {
    ...current,
    templateId: '',
    copyFrom: source.id,
    licences: [...new Set(licences.map((l) => l.toLowerCase()))].join(','),
    groups: manageable.map((g) => g.id).join(','),
    department: source.department ?? '',
    jobTitle: source.jobTitle ?? '',
    officeLocation: source.officeLocation ?? '',
    manager: source.manager?.id ?? '',
  };
  if (source.usageLocation) values.usageLocation = source.usageLocation;
  notes.unshift(`Copied from ${source.displayName} (${source.userPrincipalName}); everything stays editable.`);
  return { values, notes };
}
