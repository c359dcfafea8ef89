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
 *
 * A passing step ("Creating…", `passing` in its verb entry) waits up to PASSING_STEP_MS before it is written, and
 * is dropped when the outcome is queued for the same message meanwhile: a creation that ends within that time
 * costs one message update, not two (issue 16: one Bot Connector call, ≈ 0.8 ms of CPU, less a request), and
 * the person's other devices go from the confirmation straight to the result. A slower creation shows
 * "Creating…" there after that time, as before. The clicking device has "Creating…" from the invoke answer at once.
 */
export function mirrorPersonalStep(
  t: Pick<ActionTurn, 'ctx' | 'location' | 'afterResponse'>,
  verb: string,
  card: AdaptiveCardJson,
  updater: CardUpdater,
  background: BackgroundWork,
  passing = false,
): void {
  const location = t.location;
  if (t.ctx.activity.conversation?.conversationType !== 'personal' || !location) return;
  t.afterResponse(() => background.run('mirror-personal-card', { verb }, () => updater.update(location, card, passing ? { unlessReplacedWithinMs: PASSING_STEP_MS } : undefined)));
}

/** How long a passing step waits for the outcome that would replace it before it is written into the message. */
export const PASSING_STEP_MS = 2_000;
