import type { RequestedUser } from '../approval/user-request';
import { DISPLAY_NAME_MAX, NAME_MAX, domainProblem, immutableIdProblem, isCountryCode, nameProblem, passwordProblem, upnLengthProblem, userNameProblem } from '../new-user';
import type { CheckResult } from './checks';

/** The Entra rules once more, on the stored request (and its password), in case anything changed since the form. */
export function checkInputRules(user: RequestedUser, password?: string): CheckResult {
  const problems = [
    nameProblem('first name', user.firstName, NAME_MAX, true),
    nameProblem('last name', user.lastName, NAME_MAX, true),
    nameProblem('display name', user.displayName, DISPLAY_NAME_MAX, true),
    userNameProblem(user.userName),
    domainProblem(user.domain),
    upnLengthProblem(user.userPrincipalName),
    isCountryCode(user.usageLocation) ? undefined : 'The usage location is not a country code.',
    user.immutableId ? immutableIdProblem(user.immutableId) : undefined,
    password !== undefined ? passwordProblem(password) : undefined,
  ].filter((p): p is string => Boolean(p));
  if (problems.length === 0) return { id: 'input-rules', status: 'ok', text: 'Names, user name, usage location and password meet the Entra rules.' };
  return { id: 'input-rules', status: 'blocked', code: 'VALIDATION_FAILED', text: problems.join(' '), todo: 'Edit the request.' };
}
