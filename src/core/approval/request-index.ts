import type { RequestQuery, UserRequest } from './user-request';

/**
 * The values the stores index a request by, besides its customer and requester, derived from the request itself
 * so that no write can forget them and every store derives them the same way.
 */

/** History events that are a decision on someone's request (an approval, a rejection, an approver's retry). */
const DECISION_EVENTS: ReadonlySet<string> = new Set(['approved', 'rejected', 'retry-started']);

/**
 * The conversation a request's card lives in when that is a team channel or a group chat: the conversation whose
 * members were shown the request, so `history` there may list it. A channel message carries its thread as
 * `;messageid=…`, dropped here: the channel is what counts. Personal chats give undefined (a 1:1 request is
 * listed for its requester, never for a conversation).
 *
 * This is the one place the core looks into a card location's conversation reference: the id Bot Framework
 * references carry at `conversation.id`, and the Teams `conversationType`.
 */
export function homeConversationOf(request: Pick<UserRequest, 'card'>): string | undefined {
  const conversation = request.card?.conversation?.conversation as { id?: unknown; conversationType?: unknown } | undefined;
  if (!conversation || conversation.conversationType === 'personal') return undefined;
  return typeof conversation.id === 'string' ? baseConversationId(conversation.id) : undefined;
}

/** A conversation id without its channel-thread suffix; undefined for an empty id. */
export function baseConversationId(id: string): string | undefined {
  const base = id.split(';')[0];
  return base === '' ? undefined : base;
}

/** The object ids of everyone who decided on the request (approved, rejected, or retried it), in first-seen order. */
export function decidersOf(request: Pick<UserRequest, 'history'>): string[] {
  const out: string[] = [];
  for (const entry of request.history) {
    const oid = entry.actor?.oid;
    if (oid && DECISION_EVENTS.has(entry.event) && !out.includes(oid)) out.push(oid);
  }
  return out;
}

/** Whether a request passes a query's filters (not its time range): what every store's listing means. */
export function matchesFilters(request: UserRequest, query: Pick<RequestQuery, 'customerId' | 'requesterOid' | 'deciderOid' | 'conversationId'>): boolean {
  return (
    (!query.customerId || request.customer.id === query.customerId) &&
    (!query.requesterOid || request.requester.oid === query.requesterOid) &&
    (!query.deciderOid || decidersOf(request).includes(query.deciderOid)) &&
    (!query.conversationId || homeConversationOf(request) === query.conversationId)
  );
}
