import { randomUUID } from 'node:crypto';
import { ActivityTypes, type TurnContext } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { AdaptiveCardJson } from '../cards/card-templates';
import type { CardViews } from '../cards/views';
import type { ConnectFlow } from '../connect-flow';
import { sendCard } from '../invoke-response';
import type { SignIn } from '../sign-in';

export interface MessageRoutesDeps {
  signIn: SignIn;
  views: CardViews;
  connect: ConnectFlow;
  startNewUser: (ctx: TurnContext) => Promise<void>;
  reportError: (e: unknown, correlationId: string, fields: object) => AdaptiveCardJson;
}

/**
 * The text commands (commands.ts lists them for the manifest) and the welcome. `history` has its own room
 * (history-route.ts); anything not understood is answered by `registerFallbackMessage`, registered last.
 */
export function registerMessageRoutes(app: Application<TurnState>, d: MessageRoutesDeps): void {
  const { signIn, views } = d;
  // Welcome: when the bot is added to a conversation (installing the app adds it). Teams also sends an
  // installationUpdate for the same install; answering both would post the welcome twice.
  app.conversationUpdate('membersAdded', async (ctx) => {
    const added = ctx.activity.membersAdded ?? [];
    if (added.some((m) => m.id === ctx.activity.recipient.id)) await sendCard(ctx, views.welcome());
  });

  app.message(/^\s*new\s*user\s*$/i, async (ctx) => d.startNewUser(ctx));
  app.message(/^\s*help\s*$/i, async (ctx) => {
    const cred = await signIn.credentialFor(ctx).catch(() => undefined);
    await sendCard(ctx, views.welcome(cred?.user.upn));
  });
  // `customers [name]`: connection state of each customer, with Connect; `customers log`: who connected what.
  app.message(/^\s*customers\b/i, async (ctx) => {
    const correlationId = randomUUID();
    try {
      const cred = await signIn.credentialFor(ctx);
      if (!cred) {
        await signIn.sendSignInCard(ctx);
        return;
      }
      const rest = (ctx.activity.text ?? '').trim().replace(/^customers\b\s*/i, '');
      if (/^log\b/i.test(rest)) await ctx.sendActivity({ text: await d.connect.auditText(1000), textFormat: 'markdown' });
      else await sendCard(ctx, await d.connect.customersCard(cred, rest, correlationId));
    } catch (e) {
      await sendCard(ctx, d.reportError(e, correlationId, { turn: 'customers' }));
    }
  });
}

/** Any other message: a hint, registered after every text route. */
export function registerFallbackMessage(app: Application<TurnState>, views: CardViews): void {
  app.activity(ActivityTypes.Message, async (ctx) => {
    if (ctx.activity.value !== undefined && !ctx.activity.text) return; // a stray Action.Submit: nothing to say
    await sendCard(ctx, views.notice({ title: "I didn't catch that", text: 'Send **new user** to create a user in a customer tenant, or **help** to see what I can do.', offerNewUser: true }));
  });
}
