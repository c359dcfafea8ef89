import { transition, type Actor } from '../approval/request-state';
import type { UserRequest } from '../approval/user-request';
import { AppError, toAppError } from '../errors';
import type { CustomerUser, UserCredential } from '../ports';
import { deletedUserWithUpn } from '../preflight/deleted-users';
import type { UseCaseDeps } from './deps';
import { assertRequester, loadRequest, updateRequest } from './request-access';

/** The soft-deleted user holding the request's user name, read fresh from Partner Center (never from a card). */
export async function findRestorableUser(deps: UseCaseDeps, cred: UserCredential, request: UserRequest): Promise<CustomerUser | undefined> {
  const token = (await deps.tokens.partnerCenter(cred)).token;
  return deletedUserWithUpn(deps, token, request.customer.id, request.user.userPrincipalName.toLowerCase(), { correlationId: request.correlationId });
}

/**
 * Restores the deleted user that holds the request's user name, instead of creating a new one; the request then
 * ends (nothing is created) and its history says what happened. Like a creation, the request is won first
 * (compare-and-swap `draft → cancelled`) and only the winner sends the restore: a double click, or two
 * instances answering one click, restore once. A restore that then fails leaves the request ended with the
 * failure in its history; the person sees the error and can start again (the deleted user is still there).
 */
export async function restoreInsteadOfCreate(deps: UseCaseDeps, cred: UserCredential, actor: Actor, requestId: string): Promise<{ request: UserRequest; restored?: CustomerUser }> {
  const { value: request } = await loadRequest(deps, requestId);
  assertRequester(request, actor);
  if (request.state.kind !== 'draft') return { request };
  const deleted = await findRestorableUser(deps, cred, request);
  if (!deleted) throw new AppError('USER_NOT_FOUND', 'no deleted user holds this user name any more');
  const token = await deps.tokens.partnerCenter(cred);
  if (!token.mfa) throw new AppError('MFA_REQUIRED', 'the Partner Center token carries no MFA claim');
  const now = () => deps.clock.now().toISOString();
  const won = await updateRequest(deps, requestId, (current) =>
    current.state.kind !== 'draft'
      ? undefined
      : {
          ...current,
          state: transition(current.state, { type: 'cancel', by: actor }, deps.clock.now()),
          history: [...current.history, { at: now(), event: 'restore-started', actor: { oid: actor.oid, name: actor.name }, correlationId: current.correlationId, detail: `deleted user ${deleted.id}` }],
        },
  );
  if (!won.changed) return { request: won.request };
  // Nothing is created for this request any more: its password has no use.
  await deps.vault.erase(requestId);
  let restored: CustomerUser;
  try {
    restored = await deps.partnerCenter.restoreUser(token.token, request.customer.id, deleted.id, { correlationId: request.correlationId });
  } catch (e) {
    const error = toAppError(e).withCorrelationId(request.correlationId);
    await updateRequest(deps, requestId, (current) => ({
      ...current,
      history: [...current.history, { at: now(), event: 'restore-failed', correlationId: current.correlationId, detail: [error.code, error.upstreamCode].filter(Boolean).join(' ') }],
    }));
    throw error;
  }
  const { request: saved } = await updateRequest(deps, requestId, (current) => ({
    ...current,
    history: [
      ...current.history,
      { at: now(), event: 'restored-instead', actor: { oid: actor.oid, name: actor.name }, correlationId: current.correlationId, detail: `restored deleted user ${restored.id}` },
    ],
  }));
  deps.logger.info({ requestId, customerId: request.customer.id, correlationId: request.correlationId, userObjectId: restored.id }, 'deleted user restored instead of a creation');
  return { request: saved, restored };
}
