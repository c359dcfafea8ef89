import { ActivityTypes, CardFactory, TurnContext, type Activity, type CloudAdapter, type ConversationReference } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../core/ports';
import { zod3Issues } from '../../core/zod3-compat';
import { markdownText, TEXT_LIMITS } from '../../core/text/people-text';
import type { BackgroundWork } from '../background';
import type { AdaptiveCardJson } from '../cards/card-templates';
import type { CardViews } from '../cards/views';
import { fileConsentSchema, fileInfoCard, type FileOffers, uploadFile, type UploadPolicy } from '../file-consent';
import { sendCard, sendInvokeResponse } from '../invoke-response';
import { SignIn } from '../sign-in';

export interface FileConsentRouteDeps {
  views: CardViews;
  logger: Logger;
  adapter: CloudAdapter;
  botId: string;
  background: BackgroundWork;
  offers: FileOffers;
  reportError: (e: unknown, correlationId: string, fields: object) => AdaptiveCardJson;
  afterResponse: (ctx: TurnContext, work: () => void) => void;
  settings: { uploads: UploadPolicy };
}

/**
 * The person answered a file offer of the `history csv` export (1:1 chat): answered at once; the upload to their
 * OneDrive runs after the answer, and its outcome is a new message.
 */
export function registerFileConsentRoute(app: Application<TurnState>, deps: FileConsentRouteDeps): void {
  const { views } = deps;
  app.addRoute(
    async (ctx) => ctx.activity.type === ActivityTypes.Invoke && ctx.activity.name === 'fileConsent/invoke',
    async (ctx) => {
      const parsed = fileConsentSchema.safeParse(ctx.activity.value);
      if (!parsed.success) {
        deps.logger.warn({ issues: zod3Issues(parsed.error).length }, 'malformed fileConsent/invoke');
        await sendInvokeResponse(ctx, 400);
        return;
      }
      const consent = parsed.data;
      const userKey = SignIn.userKey(ctx);
      if (!userKey) {
        // An offer is only ever made to an Entra user: an answer naming nobody answers no offer.
        deps.logger.warn({}, 'fileConsent/invoke without an Entra user');
        await sendInvokeResponse(ctx, 400);
        return;
      }
      const offer = await deps.offers.take(consent.context.offerId, userKey);
      await sendInvokeResponse(ctx, 200);
      if (!offer) {
        await sendCard(ctx, views.notice({ title: 'File offer expired', text: 'This file offer is no longer available.', todo: 'Send "history csv" again for a new one.' }));
        return;
      }
      if (consent.action === 'decline' || !consent.uploadInfo) {
        await sendCard(ctx, views.notice({ title: 'No file saved', text: 'You declined the file; nothing was saved to your OneDrive.' }));
        return;
      }
      const upload = consent.uploadInfo;
      const reference = TurnContext.getConversationReference(ctx.activity);
      deps.afterResponse(ctx, () =>
        deps.background.run('upload-history-csv', { file: offer.name }, async () => {
          let reply: Partial<Activity>;
          try {
            await uploadFile(upload.uploadUrl, offer.text, deps.settings.uploads);
            reply = { text: `Saved **${markdownText(upload.name, TEXT_LIMITS.name)}** to your OneDrive. ${offer.summary}`, attachments: [fileInfoCard(upload)] };
          } catch (e) {
            reply = { attachments: [CardFactory.adaptiveCard(deps.reportError(e, randomUUID(), { turn: 'history file upload' }))] };
          }
          await deps.adapter.continueConversationAsync(deps.botId, reference as Partial<ConversationReference>, async (c) => {
            await c.sendActivity(reply);
          });
        }),
      );
    },
    true,
  );
}
