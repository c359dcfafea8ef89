import { z } from 'zod/v4';
import { LEAVABLE_STEPS, leaveOutStep } from '../../core/onboarding/leave-out';
import { retryFailedSteps } from '../../core/onboarding/retry-steps';
import { requiredRequestId } from '../card-data';
import { defineVerb } from './verb';

/**
 * "Retry the failed steps" on a result card: runs the failed onboarding steps again with the clicker's identity
 * (the core re-reads the request and re-checks who acts and their roles); never creates the user again. The steps
 * are a few short calls, so they run before the invoke is answered and the answer is the updated result.
 */
export const retrySteps = defineVerb({
  data: z.object({ requestId: requiredRequestId }),
  handle: async (t, s) => s.views.current(await retryFailedSteps(s.deps, t.cred, t.actor, t.request.id)),
});

/** "Continue without X" on the confirmation: the step is left out of the draft and the checks are shown again. */
export const leaveOut = defineVerb({
  data: z.object({ requestId: requiredRequestId, step: z.enum(LEAVABLE_STEPS) }),
  handle: async (t, s) => {
    const { request, customer, checklist } = await leaveOutStep(s.deps, t.cred, t.actor, t.request.id, t.data.step);
    return s.views.confirm(request, customer, checklist);
  },
});
