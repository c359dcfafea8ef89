import { transition } from '../approval/request-state';
import type { UserRequest } from '../approval/user-request';
import type { UseCaseDeps } from './deps';
import { updateRequest } from './request-access';

/**
 * After a restart, creations that were in flight have an unknown outcome. They are never re-sent blindly: they
 * become `failed` with CREATION_INTERRUPTED (retryable), and "Try again" repeats the call with the same
 * MS-RequestId, which Partner Center answers with the first result instead of creating a second user.
 */
export async function markInterruptedCreations(deps: UseCaseDeps): Promise<UserRequest[]> {
  const interrupted: UserRequest[] = [];
  for (const r of await deps.requests.inState('creating')) {
    const { request, changed } = await updateRequest(deps, r.id, (current) =>
      current.state.kind !== 'creating'
        ? undefined
        : {
            ...current,
            state: transition(current.state, { type: 'fail', failure: { code: 'CREATION_INTERRUPTED', correlationId: current.correlationId, retryable: true } }, deps.clock.now()),
            history: [...current.history, { at: deps.clock.now().toISOString(), event: 'interrupted', correlationId: current.correlationId, detail: 'the bot restarted during the Partner Center call' }],
          },
    );
    if (changed) interrupted.push(request);
  }
  if (interrupted.length) deps.logger.warn({ count: interrupted.length, requestIds: interrupted.map((r) => r.id) }, 'creations interrupted by a restart marked for retry');
  return interrupted;
}

/** The password has been removed from its message: nothing is due any more. */
export async function passwordHidden(deps: UseCaseDeps, requestId: string): Promise<void> {
  await updateRequest(deps, requestId, (current) => (current.passwordRevealUntil ? { ...current, passwordRevealUntil: undefined } : undefined));
}
