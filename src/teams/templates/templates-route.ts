import { randomUUID } from 'node:crypto';
import type { Application, TurnState } from '@microsoft/teams-ai';
import { AppError } from '../../core/errors';
import type { AdaptiveCardJson } from '../cards/card-templates';
import { sendCard } from '../invoke-response';
import type { SignIn } from '../sign-in';
import type { TemplatesFlow } from './templates-flow';

export interface TemplatesRouteDeps {
  templates: TemplatesFlow;
  signIn: SignIn;
  /** The app's one way of turning an error into a logged line and a card. */
  reportError: (e: unknown, correlationId: string, fields: object) => AdaptiveCardJson;
}

/**
 * `templates [customer name]` (the list, with the cards to manage them) and `templates log` (the audit of changes),
 * in a 1:1 chat only: template administration is one person's business, not a channel's. The cards' verbs are in
 * src/teams/verbs/template-verbs.ts.
 */
export function registerTemplatesRoute(app: Application<TurnState>, d: TemplatesRouteDeps): void {
  app.message(/^\s*templates\b/i, async (ctx) => {
    const correlationId = randomUUID();
    try {
      if (ctx.activity.conversation.conversationType !== 'personal') throw new AppError('PERSONAL_CHAT_ONLY', 'templates outside a 1:1 chat');
      const cred = await d.signIn.credentialFor(ctx);
      if (!cred) {
        await d.signIn.sendSignInCard(ctx);
        return;
      }
      if (!cred.user.mfa) throw new AppError('MFA_REQUIRED', 'sign-in without MFA');
      const rest = (ctx.activity.text ?? '').trim().replace(/^templates\b\s*/i, '');
      if (/^log\b/i.test(rest)) await ctx.sendActivity({ text: await d.templates.auditText(), textFormat: 'markdown' });
      else await sendCard(ctx, await d.templates.listCard(cred, correlationId, { filter: rest }));
    } catch (e) {
      await sendCard(ctx, d.reportError(e, correlationId, { turn: 'templates' }));
    }
  });
}
