import type { UseCaseDeps } from '../use-cases/deps';
import { onboardingStep } from './onboarding-step';
import type { CreationStep } from './steps';

export const SET_MANAGER = 'set-manager';

/** `PUT /users/{id}/manager/$ref` (setting the same manager again is no change). */
export function setManagerStep(deps: UseCaseDeps): CreationStep {
  return onboardingStep(deps, SET_MANAGER, 'manager', async ({ ob, cred, request, userId, plan, opts }) => {
    const token = (await ob.tokens.customerGraphForOnboarding(cred, request.customer.id)).token;
    await ob.customerDirectory.setManager(token, userId, plan.manager!.id, opts);
  });
}
