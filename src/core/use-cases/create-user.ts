import { transition, type Actor, type RequestStateKind } from '../approval/request-state';
import { cardAfterClick, type CardLocation, type UserRequest } from '../approval/user-request';
import { AppError } from '../errors';
import type { UserCredential } from '../ports';
import type { UseCaseDeps } from './deps';
import { dueKeys } from '../approval/due-work';
import { guardCreation } from '../creation/in-flight';
import { freshProgress } from '../creation/sequence';
import { loadRequest, updateRequest, assertRequester } from './request-access';
import { scheduleIfAhead } from './schedule';

export type StartOutcome =
  /** This call moved the request to `creating`: the caller runs the creation (`Creation.run`) after answering the invoke. */
  | { started: true; request: UserRequest }
  /** Someone (a double click, a repeated invoke) already did: show the current state, do nothing. */
  | { started: false; request: UserRequest };

/**
 * Claims the creation with compare-and-swap. Only one of any number of concurrent clicks gets `started: true`;
 * the others see the state that click produced.
 */
export async function startCreate(
  deps: UseCaseDeps,
  actor: Actor,
  requestId: string,
  kind: 'create' | 'retry',
  cred: UserCredential,
  card?: CardLocation,
): Promise<StartOutcome> {
  const { value } = await loadRequest(deps, requestId);
  if (value.mode === 'personal') assertRequester(value, actor);
  // An approval request is only ever created after an approval: a draft of one (an edited failed request) must
  // go back to its approvers, never be created by whoever clicks Create.
  const claimable: RequestStateKind[] = kind === 'retry' ? ['failed'] : value.mode === 'approval' ? [] : ['draft'];
  if (!claimable.includes(value.state.kind)) return { started: false, request: value };
  // A first day further ahead than the lead time: the request waits as scheduled, nothing is created now.
  if (kind === 'create' && value.mode === 'personal' && value.startAt) {
    const scheduled = await scheduleIfAhead(deps, actor, value, card);
    if (scheduled.scheduled) return { started: false, request: scheduled.request };
  }
  await guardCreation(deps, requestId);
  // The identity kept right after the swap makes the swap durable with it: one sync before the answer, not two.
  const { request, changed } = await updateRequest(deps, requestId, (current) => {
    if (!claimable.includes(current.state.kind)) return undefined;
    if (kind === 'retry' && current.state.kind === 'failed' && !current.state.failure.retryable) {
      throw new AppError('ILLEGAL_TRANSITION', 'this failure cannot be fixed by trying again');
    }
    const event = kind === 'create' ? ({ type: 'start-create', by: actor } as const) : ({ type: 'retry', by: actor } as const);
    const at = deps.clock.now().toISOString();
    return {
      ...current,
      card: cardAfterClick(current.card, card),
      state: transition(current.state, event, deps.clock.now()),
      steps: freshProgress(current.onboarding),
      history: [...current.history, { at, event: kind === 'create' ? 'create-started' : 'retry-started', actor: { oid: actor.oid, name: actor.name } }],
    };
  }, { durableWithNextSecret: true });
  if (changed) await deps.credentials.keep(requestId, cred);
  return { started: changed, request };
}

/** Cancels a draft or failed request and erases its password. */
export async function cancelRequest(deps: UseCaseDeps, actor: Actor, requestId: string): Promise<UserRequest> {
  const { value } = await loadRequest(deps, requestId);
  assertRequester(value, actor);
  const { request } = await updateRequest(deps, requestId, (current) => {
    if (current.state.kind === 'cancelled') return undefined;
    return {
      ...current,
      state: transition(current.state, { type: 'cancel', by: actor }, deps.clock.now()),
      history: [...current.history, { at: deps.clock.now().toISOString(), event: 'cancelled', actor: { oid: actor.oid, name: actor.name } }],
    };
  });
  await deps.vault.erase(requestId);
  await deps.dueWork.cancel(dueKeys.expire(requestId));
  // A scheduled or ready request's first-day work has nothing left to do (it would re-read and stop anyway).
  await deps.dueWork.cancel(dueKeys.ready(requestId));
  await deps.dueWork.cancel(dueKeys.remind(requestId));
  return request;
}
