import { TurnContext } from 'botbuilder';
import type { Verb } from './action-invoke';
import type { BackgroundWork } from './background';
import type { AdaptiveCardJson } from './cards/card-templates';
import type { CardUpdater } from './card-updater';
import type { ActionTurn } from './personal-flow';

/**
 * Verbs whose answer is not the next step of the message: a refresh is one person's view, and the history route
 * keeps its own message (history-route.ts).
 */
const NOT_A_STEP: ReadonlySet<Verb> = new Set<Verb>(['refreshRequest', 'showHistory']);

/**
 * In a 1:1 chat, the card an `Action.Execute` returns replaces the card on the clicking client only: the person's
 * other devices, and this one after a reload, keep showing the message as it was (documented Teams behaviour of
 * Universal Actions). So each step (form, confirmation, "Creating…", cancel, edit) is also written into the message
 * itself, once the invoke is answered, as the channel flow does for its shared card.
 *
 * Ordering with the outcome: the update is queued in the card updater synchronously when the turn's after-response
 * work starts, before any creation started by the same click can write its result to the same message, and the
 * updater writes one message's versions in order, dropping a stale one still waiting: "Creating…" never lands
 * after the result, and the password card is only ever written (and then hidden) by the outcome delivery.
 */
export function mirrorPersonalStep(t: ActionTurn, verb: Verb, card: AdaptiveCardJson, updater: CardUpdater, background: BackgroundWork): void {
  const activity = t.ctx.activity;
  if (activity.conversation?.conversationType !== 'personal' || !activity.replyToId || NOT_A_STEP.has(verb)) return;
  const location = { conversation: { ...TurnContext.getConversationReference(activity) }, activityId: activity.replyToId };
  t.afterResponse(() => background.run('mirror-personal-card', { verb }, () => updater.update(location, card)));
}
