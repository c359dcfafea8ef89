import type { UseCaseDeps } from '../use-cases/deps';
import { onboardingStep } from './onboarding-step';
import type { CreationStep } from './steps';

export const ASSIGN_LICENCES = 'assign-licences';

/**
 * Partner Center `licenseupdates` with the acting person's Partner Center token (App+User). A licence the user
 * already holds is left out of the call (a retry after a crash assigns nothing twice and uses no second seat).
 */
export function assignLicencesStep(deps: UseCaseDeps): CreationStep {
  return onboardingStep(deps, ASSIGN_LICENCES, 'licences', async ({ ob, cred, request, userId, plan, opts }) => {
    const token = (await deps.tokens.partnerCenter(cred)).token;
    const held = new Set((await ob.licences.listUserLicences(token, request.customer.id, userId, opts)).map((l) => l.skuId.toLowerCase()));
    const missing = plan.licences.map((l) => l.skuId).filter((id) => !held.has(id.toLowerCase()));
    if (missing.length > 0) await ob.licences.assignLicences(token, request.customer.id, userId, missing, opts);
  });
}
