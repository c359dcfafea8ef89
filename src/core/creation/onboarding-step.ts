import type { UserRequest } from '../approval/user-request';
import { AppError, toAppError } from '../errors';
import type { OnboardingDeps } from '../onboarding/onboarding-deps';
import { planWants, type OnboardingPlan } from '../onboarding/plan';
import type { OnboardingStep } from '../onboarding/step-roles';
import type { UserCredential } from '../ports';
import type { UseCaseDeps } from '../use-cases/deps';
import { updateRequest } from '../use-cases/request-access';
import { withStep, type CreationStep, type StepOutcome } from './steps';

/** What an onboarding step's effect gets: the created user's id, the acting identity, the stored plan. */
export interface OnboardingEffect {
  deps: UseCaseDeps;
  ob: OnboardingDeps;
  cred: UserCredential;
  request: UserRequest;
  userId: string;
  plan: OnboardingPlan;
  opts: { correlationId: string };
}

/**
 * One onboarding step after the user exists, run by the same identity that created it (the engineer, or the
 * approver in a channel). Applicable only to a created user whose plan asks for it and did not leave it out.
 * Every effect is idempotent (a licence already held, an existing membership, the same manager, the same
 * attributes are all success), so the finish job may run it again after a crash. A refusal that will not pass
 * by itself is `failed` with its code (shown on the card, retried from there); a transient one (throttling, an
 * outage, a timeout: `retryable` after the clients' own retries) is thrown, which leaves the step pending for
 * the finish job.
 */
export function onboardingStep(deps: UseCaseDeps, name: string, step: OnboardingStep, effect: (e: OnboardingEffect) => Promise<void>): CreationStep {
  return {
    name,
    isApplicable: (r) => r.state.kind === 'created' && planWants(r.onboarding, step),
    async run(ctx) {
      const request = ctx.request;
      if (request.state.kind !== 'created') throw new AppError('ILLEGAL_TRANSITION', `request ${request.id} is ${request.state.kind}`);
      const cred = await ctx.credential();
      if (!cred) return { status: 'failed', code: 'CREATION_INTERRUPTED', request };
      if (!deps.onboarding) return { status: 'failed', code: 'ACTION_NOT_ALLOWED', request };
      const log = deps.logger.child({ requestId: request.id, correlationId: request.correlationId, step: name });
      try {
        await effect({ deps, ob: deps.onboarding, cred, request, userId: request.state.user.id, plan: request.onboarding!, opts: { correlationId: request.correlationId } });
        log.info({ outcome: 'done' }, 'onboarding step done');
        return await settle(deps, request.id, name, 'done', undefined);
      } catch (e) {
        const error = toAppError(e);
        if (error.retryable) throw error;
        log.warn({ outcome: 'failed', code: error.code, upstreamCode: error.upstreamCode }, 'onboarding step failed');
        return await settle(deps, request.id, name, 'failed', error);
      }
    },
  };
}

/** The step's progress and its line in the audit trail, stored in one write (the history and CSV show each step). */
async function settle(deps: UseCaseDeps, requestId: string, name: string, status: 'done' | 'failed', error: ReturnType<typeof toAppError> | undefined): Promise<StepOutcome> {
  const at = deps.clock.now().toISOString();
  const { request } = await updateRequest(deps, requestId, (current) => ({
    ...current,
    steps: withStep(current.steps, { name, status, code: error?.code, at }),
    history: [...current.history, { at, event: `${name} ${status}`, correlationId: current.correlationId, detail: error ? [error.code, error.upstreamCode].filter(Boolean).join(' ') : undefined }],
  }));
  return { status, code: error?.code, request };
}
