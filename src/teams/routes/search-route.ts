import { randomUUID } from 'node:crypto';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { Logger } from '../../core/ports';
import { cleanText } from '../../core/text/people-text';
import { searchInvokeSchema } from '../action-invoke';
import type { AdaptiveCardJson } from '../cards/card-templates';
import { sendInvokeResponse } from '../invoke-response';
import type { PersonalFlow } from '../personal-flow';
import type { SignIn } from '../sign-in';

/** Type-ahead for the customer list (Data.Query, dataset `customers`). */
export function registerCustomerSearch(app: Application<TurnState>, d: { signIn: SignIn; personal: PersonalFlow; logger: Logger; reportError: (e: unknown, correlationId: string, fields: object) => AdaptiveCardJson }): void {
  app.adaptiveCards.search('customers', async (ctx) => {
    // teams-ai passes the raw value on (a numeric queryText or a text `top` crashed the search): parsed here.
    const parsed = searchInvokeSchema.safeParse(ctx.activity.value);
    if (!parsed.success) {
      d.logger.warn({ dataset: 'customers' }, 'malformed search invoke answered 400');
      await sendInvokeResponse(ctx, 400, { statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'BadRequest', message: 'malformed search request' } });
      return [];
    }
    const cred = await d.signIn.credentialFor(ctx).catch(() => undefined);
    if (!cred) return [];
    const correlationId = randomUUID();
    try {
      const found = await d.personal.searchCustomers(cred, parsed.data.queryText, Math.min(parsed.data.queryOptions?.top || 25, 50), correlationId);
      // Choice titles are not markdown, but upstream names still lose control characters and get a bound.
      return found.map((c) => ({ title: cleanText(`${c.name} (${c.domain})`), value: c.id }));
    } catch (e) {
      // The list behind the type-ahead could not be read: no choices this time (the form also offers the list).
      d.reportError(e, correlationId, { turn: 'customer search' });
      return [];
    }
  });
}
