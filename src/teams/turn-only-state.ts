import type { TurnContext } from 'botbuilder';
import { TurnState } from '@microsoft/teams-ai/lib/TurnState';

/**
 * teams-ai's turn state, held for one turn only (issue 16). Every turn used to read the `conversation` and `user`
 * scopes from the bot's store (two SQLite or Blob reads, plus a JSON hash of each) to hand them to handlers that
 * never use them: what must outlive a turn or be seen by another instance lives in the bot's own store (requests,
 * sign-in sessions, sign-ins waiting to resume, channel references, passwords waiting for hand-over), and teams-ai
 * itself only looks at `state.user` for its own sign-in, which this bot does not use. So nothing is read or
 * written. Code that puts something in those scopes would lose it at the end of the turn: the turn fails loudly
 * instead (the error card, an error log line), so that cannot happen silently.
 */
export class TurnOnlyState extends TurnState {
  override load(context: TurnContext): Promise<boolean> {
    return super.load(context, undefined);
  }

  override save(): Promise<void> {
    for (const scope of ['conversation', 'user']) {
      if (this.getScope(scope)?.hasChanged) return Promise.reject(new Error(`teams-ai ${scope} state is not kept between turns; keep it in the bot's store`));
    }
    return Promise.resolve();
  }
}
