import type { Activity } from 'botbuilder';
import type { Actor } from '../core/approval/request-state';
import type { CardLocation, UserRequest } from '../core/approval/user-request';
import { AppError } from '../core/errors';

/**
 * Where a click came from: the conversation (channel thread suffixes dropped) and whether it is a 1:1 chat.
 * Taken from the activity Teams delivered, never from card data.
 */
export interface ClickScope {
  conversationId: string;
  personal: boolean;
}

/** A channel message's conversation id carries `;messageid=…` for its thread; the channel is what counts. */
function baseConversationId(id: unknown): string | undefined {
  return typeof id === 'string' && id !== '' ? id.split(';')[0] : undefined;
}

export function scopeOfActivity(activity: Pick<Activity, 'conversation'>): ClickScope {
  return { conversationId: baseConversationId(activity.conversation?.id) ?? '', personal: activity.conversation?.conversationType === 'personal' };
}

/** The scope of a stored card location (a conversation reference): the sign-in resume acts from there. */
export function scopeOfLocation(location: CardLocation): ClickScope {
  const conversation = location.conversation.conversation as { id?: unknown; conversationType?: unknown } | undefined;
  return { conversationId: baseConversationId(conversation?.id) ?? '', personal: conversation?.conversationType === 'personal' };
}

/**
 * May a click from `scope` by `actor` touch `request` at all? Yes when the request's card lives in that same
 * conversation (the channel or group chat it was raised in), or when it is the person's own request and they
 * click in their 1:1 chat with the bot. Anything else is answered exactly like an id that does not exist
 * (REQUEST_NOT_FOUND, same card): a request id copied from another conversation must reveal nothing, not even
 * that it exists.
 */
export function assertInScope(request: UserRequest, scope: ClickScope, actor: Pick<Actor, 'oid'>): void {
  if (scope.personal && request.requester.oid === actor.oid) return;
  const home = request.card ? scopeOfLocation(request.card) : undefined;
  if (!scope.personal && home && !home.personal && home.conversationId !== '' && home.conversationId === scope.conversationId) return;
  throw new AppError('REQUEST_NOT_FOUND', `request ${request.id} is not visible from this conversation`);
}
