import { z } from 'zod/v4';
import { AppError } from '../../core/errors';
import { cancelRequest } from '../../core/use-cases/create-user';
import { assertRequester } from '../../core/use-cases/request-access';
import { findRestorableUser, restoreInsteadOfCreate } from '../../core/use-cases/restore-user';
import { reviewReadyRequest } from '../../core/use-cases/ready-notice';
import { requiredRequestId } from '../card-data';
import { defineVerb } from './verb';

const namesRequest = z.object({ requestId: requiredRequestId });

/** Create on the confirmation (1:1 chat). */
export const create = defineVerb({
  data: namesRequest,
  passing: true,
  handle: (t, s) => s.personal.claimAndCreate(t, 'create'),
});

/**
 * "Review and create" on a ready card (a request with a first day, 1:1): every check runs again, uncached, with
 * the clicker's own sign-in now, and the confirmation card answers; its Create creates under the same identity.
 */
export const reviewReady = defineVerb({
  data: namesRequest,
  handle: async (t, s) => {
    const { request, review } = await reviewReadyRequest(s.deps, t.cred, t.actor, t.request.id);
    return review ? s.views.confirm(request, review.customer, review.checklist) : s.views.current(request);
  },
});

/** "Try again": the requester's own (1:1) or, for an approval request, an approver's with their identity. */
export const retry = defineVerb({
  data: namesRequest,
  passing: true,
  handle: (t, s) => (t.request.mode === 'approval' ? s.approvals.retry(t) : s.personal.claimAndCreate(t, 'retry')),
});

/** Cancel: the requester withdraws the request (an approval request's card changes for everyone). */
export const cancel = defineVerb({
  data: namesRequest,
  handle: async (t, s) => (t.request.mode === 'approval' ? s.approvals.cancel(t) : s.views.current(await cancelRequest(s.deps, t.actor, t.request.id))),
});

/** "Restore the deleted user instead": the deleted user that holds the user name, to confirm. */
export const restoreUser = defineVerb({
  data: namesRequest,
  handle: async (t, s) => {
    assertRequester(t.request, t.actor);
    if (t.request.state.kind !== 'draft') return s.views.current(t.request);
    const deleted = await findRestorableUser(s.deps, t.cred, t.request);
    if (!deleted) throw new AppError('USER_NOT_FOUND', 'no deleted user holds this user name');
    return s.views.confirmRestore(t.request, deleted);
  },
});

/** Restore, confirmed (a button of the notice restoreUser answers with). */
export const confirmRestore = defineVerb({
  data: namesRequest,
  handle: async (t, s) => {
    const { request, restored } = await restoreInsteadOfCreate(s.deps, t.cred, t.actor, t.request.id);
    return restored ? s.views.restored(request, restored) : s.views.current(request);
  },
});
