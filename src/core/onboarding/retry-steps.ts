import type { Actor } from '../approval/request-state';
import type { UserRequest } from '../approval/user-request';
import { onboardingSteps } from '../creation/sequence';
import { runSteps } from '../creation/step-runner';
import { withStep } from '../creation/steps';
import { AppError } from '../errors';
import { blockedBy } from '../preflight/checks';
import type { UserCredential } from '../ports';
import type { UseCaseDeps } from '../use-cases/deps';
import { assertRequester, loadRequest, updateRequest } from '../use-cases/request-access';
import { checkOnboarding } from './onboarding-checks';
import { ONBOARDING_STEPS, failedSteps } from './step-outcome';

/**
 * "Retry the failed steps" on a result card: never creates the user again (the request must be `created`), only
 * runs its failed onboarding steps once more, with the clicker's own identity. Who acts is re-checked from the
 * stored request, never from the card: in a 1:1 request only its requester; in a channel anyone but the
 * requester (as for approving). Then the failed steps' checks run again under the clicker's GDAP roles: a step
 * that still cannot be done is refused here with its code, before any write.
 */
export async function retryFailedSteps(deps: UseCaseDeps, cred: UserCredential, actor: Actor, requestId: string): Promise<UserRequest> {
  const request = (await loadRequest(deps, requestId)).value;
  if (request.state.kind !== 'created') throw new AppError('ILLEGAL_TRANSITION', `request ${requestId} is ${request.state.kind}, not created`);
  if (request.mode === 'personal') assertRequester(request, actor);
  else if (request.requester.oid === actor.oid) throw new AppError('SELF_APPROVAL_REFUSED', 'the requester may not act as approver');
  const failed = failedSteps(request);
  if (failed.length === 0) return request;

  const plan = request.onboarding!;
  const notFailed = ONBOARDING_STEPS.filter((s) => !failed.includes(s.name)).map((s) => s.step);
  const checks = await checkOnboarding(deps, {
    cred,
    customerId: request.customer.id,
    user: request.user,
    plan: { ...plan, leaveOut: [...(plan.leaveOut ?? []), ...notFailed] },
    correlationId: request.correlationId,
  });
  const blocked = checks.find((c) => c.status === 'blocked');
  if (blocked) throw blockedBy(blocked, 'INTERNAL', `the ${blocked.id} step still cannot be done`);

  const at = deps.clock.now().toISOString();
  await updateRequest(deps, requestId, (current) => ({
    ...current,
    steps: failed.reduce((steps, name) => withStep(steps, { name, status: 'pending', at }), current.steps),
    history: [...current.history, { at, event: 'steps-retried', actor: { oid: actor.oid, name: actor.name }, correlationId: current.correlationId, detail: failed.join(', ') }],
  }));
  const steps = onboardingSteps(deps).filter((s) => failed.includes(s.name));
  return runSteps(deps, steps, requestId, { resumed: false, credential: async () => cred, memo: {} });
}
