import type { UseCaseDeps } from '../use-cases/deps';
import { onboardingStep } from './onboarding-step';
import type { CreationStep } from './steps';

export const UPDATE_PROFILE = 'update-profile';

/** `PATCH /users/{id}` with the profile attributes (the same values again are no change). */
export function updateProfileStep(deps: UseCaseDeps): CreationStep {
  return onboardingStep(deps, UPDATE_PROFILE, 'profile', async ({ ob, cred, request, userId, plan, opts }) => {
    const token = (await ob.tokens.customerGraphForOnboarding(cred, request.customer.id)).token;
    await ob.customerDirectory.updateUser(token, userId, plan.profile!, opts);
  });
}
