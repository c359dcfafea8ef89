import { ActivityTypes, CardFactory, type TurnContext } from 'botbuilder';
import type { AdaptiveCardJson } from './cards/card-templates';

/** Universal Actions answers (`adaptiveCard/action`): the HTTP status is always 200, the outcome is in the body. */
export async function replyWithCard(ctx: TurnContext, card: AdaptiveCardJson): Promise<void> {
  await sendInvokeResponse(ctx, 200, { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: card });
}

/** Asks Teams for the user's SSO token: Teams repeats the invoke with `value.authentication.token`. */
export async function replyWithLoginRequest(ctx: TurnContext, oauthCard: object): Promise<void> {
  await sendInvokeResponse(ctx, 200, { statusCode: 401, type: 'application/vnd.microsoft.activity.loginRequest', value: oauthCard });
}

export async function replyPreconditionFailed(ctx: TurnContext, message: string): Promise<void> {
  await sendInvokeResponse(ctx, 200, { statusCode: 412, type: 'application/vnd.microsoft.error.preconditionFailed', value: { code: '412', message } });
}

/** The raw invoke response (`signin/*` invokes use the HTTP status itself). */
export async function sendInvokeResponse(ctx: TurnContext, status: number, body?: unknown): Promise<void> {
  await ctx.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status, body } });
}

/** A card as a new message in the turn's conversation (not an invoke answer). */
export async function sendCard(ctx: TurnContext, card: AdaptiveCardJson): Promise<void> {
  await ctx.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });
}
