import { transition } from '../approval/request-state';
import type { UserRequest } from '../approval/user-request';
import type { UseCaseDeps } from './deps';
import { dueKeys } from '../approval/due-work';
import { updateRequest } from './request-access';

/**
 * A creation whose outcome is unknown and that cannot be finished now (no identity to finish it with) becomes
 * `failed` with CREATION_INTERRUPTED, retryable: "Retry" repeats the call with the same MS-RequestId, which
 * Partner Center answers with the first result instead of creating a second user.
 */
export async function markInterrupted(deps: UseCaseDeps, requestId: string, detail: string): Promise<UserRequest> {
  const { request, changed } = await updateRequest(deps, requestId, (current) =>
    current.state.kind !== 'creating'
      ? undefined
      : {
          ...current,
          state: transition(current.state, { type: 'fail', failure: { code: 'CREATION_INTERRUPTED', correlationId: current.correlationId, retryable: true } }, deps.clock.now()),
          history: [...current.history, { at: deps.clock.now().toISOString(), event: 'interrupted', correlationId: current.correlationId, detail }],
        },
  );
  if (changed) deps.logger.warn({ requestId, correlationId: request.correlationId }, 'creation interrupted; marked for retry');
  return request;
}

/** The password has been removed from its message: nothing is due any more. */
export async function passwordHidden(deps: UseCaseDeps, requestId: string): Promise<void> {
  await updateRequest(deps, requestId, (current) => (current.passwordRevealUntil ? { ...current, passwordRevealUntil: undefined } : undefined));
}

/** The password reached the people entitled to it: the stored copy has no further use. */
export async function passwordDelivered(deps: UseCaseDeps, requestId: string): Promise<void> {
  await deps.vault.erase(requestId);
  await deps.dueWork.cancel(dueKeys.erasePassword(requestId));
}
