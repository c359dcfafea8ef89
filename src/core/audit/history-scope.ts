import { baseConversationId, decidersOf, homeConversationOf } from '../approval/request-index';
import type { RequestQuery, UserRequest } from '../approval/user-request';
import { AppError } from '../errors';

/**
 * Whose requests `history` may show, decided by where it is asked and by whom, never by anything the person
 * typed: in a 1:1 chat, the person's own requests and those they decided; in a team channel or group chat, the
 * requests whose card lives there (everyone in it was shown them already); everything, only for an auditor and
 * only in a 1:1 chat (an export of every team's requests must not land in a shared conversation).
 */
export type HistoryScope = { kind: 'mine'; oid: string } | { kind: 'conversation'; conversationId: string } | { kind: 'everything' };

/** Where `history` was asked: from the activity Teams delivered. */
export interface HistoryPlace {
  personal: boolean;
  conversationId: string;
}

/**
 * The scope for a person asking in a place. `everything` is what an auditor asks for (`history all`); whether
 * they are one is checked against the auditor group before anything is listed (use-cases/history.ts).
 * Throws PERSONAL_CHAT_ONLY for `everything` outside a 1:1 chat.
 */
export function historyScope(place: HistoryPlace, oid: string, everything: boolean): HistoryScope {
  if (everything) {
    if (!place.personal) throw new AppError('PERSONAL_CHAT_ONLY', 'the export of every request is only given in a 1:1 chat');
    return { kind: 'everything' };
  }
  if (place.personal) {
    if (!oid) throw new AppError('SIGN_IN_REQUIRED', 'no object id for the person asking');
    return { kind: 'mine', oid };
  }
  const conversationId = baseConversationId(place.conversationId);
  // An empty filter means "no filter" to the stores: a conversation without an id must never list everything.
  if (!conversationId) throw new AppError('VALIDATION_FAILED', 'the conversation has no id');
  return { kind: 'conversation', conversationId };
}

/** The store queries whose union is the scope: each walks one index. */
export function scopeQueries(scope: HistoryScope): Array<Pick<RequestQuery, 'requesterOid' | 'deciderOid' | 'conversationId'>> {
  switch (scope.kind) {
    case 'mine':
      return [{ requesterOid: scope.oid }, { deciderOid: scope.oid }];
    case 'conversation':
      return [{ conversationId: scope.conversationId }];
    case 'everything':
      return [{}];
  }
}

/** Whether a request belongs to the scope: checked again on everything a store returns. */
export function inScope(scope: HistoryScope, request: UserRequest): boolean {
  switch (scope.kind) {
    case 'mine':
      return request.requester.oid === scope.oid || decidersOf(request).includes(scope.oid);
    case 'conversation':
      return homeConversationOf(request) === scope.conversationId;
    case 'everything':
      return true;
  }
}
