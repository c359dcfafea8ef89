import { randomUUID } from 'node:crypto';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import type { AdaptiveCardJson } from '../cards/card-templates';
import type { CardViews } from '../cards/views';
import { sendCard } from '../invoke-response';
import type { SignIn } from '../sign-in';
import type { BulkFlow } from './bulk-flow';
import { ActivityTypes } from 'botbuilder';
import { FILE_DOWNLOAD_INFO } from './bulk-files';

export interface BulkRouteDeps {
  signIn: SignIn;
  views: CardViews;
  bulk: BulkFlow;
  reportError: (e: unknown, correlationId: string, fields: object) => AdaptiveCardJson;
}

/** `bulk` (1:1 chat): the bulk card, to paste a CSV into. Registered before the fallback message. */
export function registerBulkRoute(app: Application<TurnState>, d: BulkRouteDeps): void {
  app.message(/^\s*bulk\s*$/i, async (ctx: TurnContext) => {
    const correlationId = randomUUID();
    try {
      const cred = await d.signIn.credentialFor(ctx);
      if (!cred && ctx.activity.conversation.conversationType !== 'personal') {
        // OAuth cards do not work in channels: the button signs in through Universal Actions.
        await sendCard(ctx, d.views.notice({ title: 'Bulk creation', text: 'Paste a CSV of users here; the whole batch becomes one request, and an approver of this team creates the users with their own identity.', buttons: [{ title: 'Open the bulk card', verb: 'bulkOpen', requestId: '' }] }));
        return;
      }
      if (!cred) {
        await d.signIn.sendSignInCard(ctx);
        return;
      }
      await sendCard(ctx, await d.bulk.inputCard(cred, correlationId));
    } catch (e) {
      await sendCard(ctx, d.reportError(e, correlationId, { turn: 'bulk' }));
    }
  });

  // A file sent to the bot in the 1:1 chat (Teams attaches its download info): a CSV for a batch.
  app.addRoute(
    async (ctx) => ctx.activity.type === ActivityTypes.Message && (ctx.activity.attachments ?? []).some((a) => a.contentType === FILE_DOWNLOAD_INFO),
    async (ctx) => {
      const correlationId = randomUUID();
      try {
        const cred = await d.signIn.credentialFor(ctx);
        if (!cred) {
          await d.signIn.sendSignInCard(ctx);
          return;
        }
        await sendCard(ctx, await d.bulk.attached(ctx, cred, correlationId));
      } catch (e) {
        await sendCard(ctx, d.reportError(e, correlationId, { turn: 'bulk file' }));
      }
    },
  );
}
