import { AppError, toAppError } from '../errors';
import type { UserCredential } from '../ports';
import type { UseCaseDeps } from '../use-cases/deps';
import { groupRefusal } from './onboarding-checks';

/** What the form offers for the onboarding: the customer's skus with seats, its groups, its people (manager). */
export interface OnboardingChoices {
  licences: Array<{ value: string; title: string }>;
  groups: Array<{ value: string; title: string }>;
  people: Array<{ value: string; title: string }>;
  /** Partner Center's licence list could not be read (no role for it, an outage): no licence is offered. */
  licencesUnavailable?: AppError;
  /** The customer's tenant could not be read (not connected, no consent for the onboarding): groups and manager are not offered. */
  graphUnavailable?: AppError;
}

/** How many groups and people the form lists at most; more are found by typing (the type-ahead). */
const LIST_LIMIT = 100;

/**
 * The onboarding choices for the new-user form, read with the engineer's own identity. Never fails the form: a
 * list that cannot be read is left out with its reason (the checks on the next card say it again, with the Connect
 * action when the customer's tenant is not connected). Groups that cannot take members through Graph are listed
 * with their reason, so nobody picks them unknowingly; the checks refuse them anyway.
 */
export async function loadOnboardingChoices(deps: UseCaseDeps, cred: UserCredential, customerId: string, correlationId: string): Promise<OnboardingChoices | undefined> {
  const ob = deps.onboarding;
  if (!ob) return undefined;
  const opts = { correlationId };
  const choices: OnboardingChoices = { licences: [], groups: [], people: [] };
  const licences = (async () => {
    try {
      const skus = await ob.licences.listSkuAvailability((await deps.tokens.partnerCenter(cred)).token, customerId, opts);
      choices.licences = skus.map((s) => ({ value: s.skuId, title: `${s.productName} — ${s.availableUnits} of ${s.activeUnits} free` }));
    } catch (e) {
      choices.licencesUnavailable = toAppError(e);
    }
  })();
  const graph = (async () => {
    try {
      const token = (await ob.tokens.customerGraphForOnboarding(cred, customerId)).token;
      const [groups, people] = await Promise.all([ob.customerDirectory.searchGroups(token, '', opts), ob.customerDirectory.searchUsers(token, '', opts)]);
      choices.groups = groups.slice(0, LIST_LIMIT).map((g) => {
        const refusal = groupRefusal(g);
        const kind = g.kind === 'microsoft365' ? 'Microsoft 365' : g.kind === 'security' ? 'security' : g.kind === 'distribution' ? 'distribution list' : 'mail-enabled security';
        return { value: g.id, title: `${g.displayName} (${kind})${refusal === 'GROUP_ROLE_ASSIGNABLE' ? ' — role-assignable: not here' : refusal ? ' — needs Exchange: not here' : ''}` };
      });
      choices.people = people.slice(0, LIST_LIMIT).map((p) => ({ value: p.id, title: `${p.displayName} (${p.userPrincipalName})` }));
    } catch (e) {
      choices.graphUnavailable = toAppError(e);
    }
  })();
  await Promise.all([licences, graph]);
  return choices;
}
