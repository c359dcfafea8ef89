import type { ActionTurn } from './action-turn';
import type { BackgroundWork } from './background';
import type { AdaptiveCardJson } from './cards/card-templates';
import type { CardUpdater } from './card-updater';

/**
 * In a 1:1 chat, the card an `Action.Execute` returns replaces the card on the clicking client only: the person's
 * other devices, and this one after a reload, keep showing the message as it was (documented Teams behaviour of
 * Universal Actions). So each step (form, confirmation, "Creating…", cancel, edit) is also written into the message
 * itself, once the invoke is answered, as the channel flow does for its shared card. A verb whose answer is the
 * person's own view (refresh, history: `ownView` in its verb entry) is not a step and is not mirrored.
 *
 * Ordering with the outcome: the update is queued in the card updater synchronously when the turn's after-response
 * work starts, before any creation started by the same click can write its result to the same message, and the
 * updater writes one message's versions in order, dropping a stale one still waiting: "Creating…" never lands
 * after the result, and the password card is only ever written (and then hidden) by the outcome delivery.
 */
export function mirrorPersonalStep(t: Pick<ActionTurn, 'ctx' | 'location' | 'afterResponse'>, verb: string, card: AdaptiveCardJson, updater: CardUpdater, background: BackgroundWork): void {
  const location = t.location;
  if (t.ctx.activity.conversation?.conversationType !== 'personal' || !location) return;
  t.afterResponse(() => background.run('mirror-personal-card', { verb }, () => updater.update(location, card)));
}
