import type { UseCaseDeps } from '../use-cases/deps';
import { onboardingStep } from './onboarding-step';
import type { CreationStep } from './steps';

export const ADD_TO_GROUPS = 'add-to-groups';

/** `POST /groups/{id}/members/$ref` for each group in order; an existing membership counts as done (a retry). */
export function addToGroupsStep(deps: UseCaseDeps): CreationStep {
  return onboardingStep(deps, ADD_TO_GROUPS, 'groups', async ({ ob, cred, request, userId, plan, opts }) => {
    const token = (await ob.tokens.customerGraphForOnboarding(cred, request.customer.id)).token;
    for (const group of plan.groups) await ob.customerDirectory.addMember(token, group.id, userId, opts);
  });
}
