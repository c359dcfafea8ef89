import { randomUUID } from 'node:crypto';
import type { TurnContext } from 'botbuilder';
import { AppError } from '../../core/errors';
import type { AdaptiveCardJson } from '../cards/card-templates';
import type { CardViews } from '../cards/views';
import { sendCard } from '../invoke-response';
import type { PersonalFlow } from '../personal-flow';
import { SignIn } from '../sign-in';
import type { PendingSignIns } from './pending-sign-ins';

export interface NewUserStartDeps {
  signIn: SignIn;
  views: CardViews;
  personal: PersonalFlow;
  pending: PendingSignIns;
  reportError: (e: unknown, correlationId: string, fields: object) => AdaptiveCardJson;
}

/**
 * `new user` (and its resume after sign-in): the customer list for a signed-in person; otherwise a sign-in card in
 * a 1:1 chat (the request resumes after the exchange), or a card whose button signs in through Universal Actions
 * in a channel or group chat, where OAuth cards do not work.
 */
export async function startNewUser(d: NewUserStartDeps, ctx: TurnContext, retried = false): Promise<void> {
  const correlationId = randomUUID();
  try {
    const cred = await d.signIn.credentialFor(ctx);
    if (!cred) {
      if (ctx.activity.conversation.conversationType !== 'personal') {
        await sendCard(ctx, d.views.notice({ title: 'New user request', text: 'Fill the form here and an approver of this team creates the user with their own identity.', buttons: [{ title: 'Open the form', verb: 'openForm', requestId: '' }] }));
        return;
      }
      await d.pending.set(SignIn.requireUserKey(ctx), { kind: 'new user' });
      await d.signIn.sendSignInCard(ctx);
      return;
    }
    if (!cred.user.mfa) throw new AppError('MFA_REQUIRED', 'sign-in without MFA');
    await sendCard(ctx, await d.personal.customerPicker(cred, correlationId));
  } catch (e) {
    // A session whose assertion is refused for good is dropped: start again, which signs the person in afresh.
    if (!retried && (await d.signIn.dropIfRefused(ctx, e))) return startNewUser(d, ctx, true);
    await sendCard(ctx, d.reportError(e, correlationId, { turn: 'new user' }));
  }
}
