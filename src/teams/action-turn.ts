import { type Activity, TurnContext } from 'botbuilder';
import type { Actor } from '../core/approval/request-state';
import type { CardLocation, UserRequest } from '../core/approval/user-request';
import type { UserCredential } from '../core/ports';

/**
 * One card click (`Action.Execute`) before anyone is signed in: where it came from and what its card carried,
 * parsed by the verb's own schema. A verb's sign-in fallback sees this much (verbs/verb.ts).
 */
export interface CardClick<D> {
  ctx: TurnContext;
  /** `action.data`, parsed by the verb's schema. */
  data: D;
  /** The clicked card's message, when Teams says which one it was (`replyToId`). */
  location?: CardLocation;
  correlationId: string;
}

/**
 * One card action after sign-in: who acts, with which credential, on what data. When the data names a request,
 * `request` is that request as stored, re-read for this click and visible from where the click came
 * (request-scope.ts); a verb whose data must name one gets it for certain.
 */
export interface ActionTurn<D = unknown> extends CardClick<D> {
  cred: UserCredential;
  actor: Actor;
  request: D extends { requestId: string } ? UserRequest : UserRequest | undefined;
  /** Work to run once the invoke has been answered (so the answer's card never overwrites a later update). */
  afterResponse: (work: () => void) => void;
}

/** Where the card a person clicked lives (the one place a card location is built from an activity). */
export function cardLocationOf(activity: Activity): CardLocation | undefined {
  const activityId = activity.replyToId;
  return activityId ? { conversation: { ...TurnContext.getConversationReference(activity) }, activityId } : undefined;
}

/** The person acting in this turn, as the core records them. */
export function actorOf(ctx: TurnContext, user: { oid: string; upn: string; displayName?: string }): Actor {
  return { oid: user.oid, upn: user.upn, name: user.displayName ?? ctx.activity.from.name ?? user.upn, teamsId: ctx.activity.from.id };
}
