import type { Actor } from '../approval/request-state';
import type { UserRequest } from '../approval/user-request';
import { AppError } from '../errors';
import type { Customer, UserCredential } from '../ports';
import type { Checklist } from '../preflight/checks';
import type { UseCaseDeps } from '../use-cases/deps';
import { assertRequester, loadRequest, updateRequest } from '../use-cases/request-access';
import { planAsks } from './plan';
import type { OnboardingStep } from './step-roles';

export const LEAVABLE_STEPS = ['licences', 'groups', 'manager', 'profile'] as const;

/**
 * "Continue without X" on the confirmation card: the requester leaves one onboarding step out of their draft, so a
 * step that cannot be done (no free seat, a group Exchange manages, a tenant not connected) never stops the
 * creation and is never discovered as a failure after the user exists. Re-read from the store, the requester's
 * own draft only; recorded in the history; the checks run again (the left-out step is no longer checked).
 */
export async function leaveOutStep(deps: UseCaseDeps, cred: UserCredential, actor: Actor, requestId: string, step: OnboardingStep): Promise<{ request: UserRequest; customer: Customer; checklist: Checklist }> {
  const stored = (await loadRequest(deps, requestId)).value;
  assertRequester(stored, actor);
  if (stored.state.kind !== 'draft') throw new AppError('ILLEGAL_TRANSITION', `request ${requestId} is ${stored.state.kind}, not a draft`);
  if (!stored.onboarding || !planAsks(stored.onboarding, step)) throw new AppError('VALIDATION_FAILED', `the request does not ask for ${step}`);
  const at = deps.clock.now().toISOString();
  const { request } = await updateRequest(deps, requestId, (current) =>
    current.state.kind !== 'draft' || !current.onboarding
      ? undefined
      : {
          ...current,
          onboarding: { ...current.onboarding, leaveOut: [...new Set([...(current.onboarding.leaveOut ?? []), step])] },
          history: [...current.history, { at, event: 'step-left-out', actor: { oid: actor.oid, name: actor.name }, detail: step }],
        },
  );
  const password = await deps.vault.get(requestId);
  const { checklist, customer } = await deps.preflight.run({ cred, customerId: request.customer.id, user: request.user, password, useCache: true, correlationId: request.correlationId, onboarding: request.onboarding });
  if (!customer) throw new AppError(checklist.blockingCode ?? 'CUSTOMER_NOT_FOUND', 'the customer could not be confirmed');
  return { request, customer, checklist };
}
