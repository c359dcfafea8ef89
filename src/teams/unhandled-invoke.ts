import { ActivityTypes, type TurnContext } from 'botbuilder';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { Logger } from '../core/ports';
import { sendInvokeResponse } from './invoke-response';

/**
 * The last invoke route: an invoke no other route answered (an `application/search` for a dataset the cards
 * never ask for, an invoke name this bot does not declare) gets botbuilder's own protocol answer for a bad
 * request, 400 with an `application/vnd.microsoft.error` body, instead of the adapter's 501. Teams only sends such
 * invokes when something other than our cards made them; one warn line, no error.
 */
export function answerUnhandledInvokes(app: Application<TurnState>, logger: Logger): void {
  app.addRoute(
    async (ctx: TurnContext) => ctx.activity.type === ActivityTypes.Invoke,
    async (ctx: TurnContext) => {
      const name = typeof ctx.activity.name === 'string' ? ctx.activity.name.slice(0, 64) : undefined;
      const dataset = name === 'application/search' ? String((ctx.activity.value as { dataset?: unknown } | undefined)?.dataset ?? '').slice(0, 64) : undefined;
      logger.warn({ name, dataset }, 'invoke this bot does not handle answered 400');
      const message = dataset !== undefined ? `unknown dataset "${dataset}"` : 'this invoke is not supported';
      await sendInvokeResponse(ctx, 400, { statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'BadRequest', message } });
    },
    true,
  );
}
