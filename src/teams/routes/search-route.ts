import { randomUUID } from 'node:crypto';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { Logger } from '../../core/ports';
import { toAppError } from '../../core/errors';
import { cleanText } from '../../core/text/people-text';
import { searchInvokeSchema } from '../action-invoke';
import type { AdaptiveCardJson } from '../cards/card-templates';
import { sendInvokeResponse } from '../invoke-response';
import type { PersonalFlow } from '../personal-flow';
import type { SignIn } from '../sign-in';

/** A search invoke whose value does not parse: 400 with Teams' error shape, and no choices. */
async function refuseMalformed(ctx: Parameters<typeof sendInvokeResponse>[0], logger: Logger, dataset: string): Promise<[]> {
  logger.warn({ dataset }, 'malformed search invoke answered 400');
  await sendInvokeResponse(ctx, 400, { statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'BadRequest', message: 'malformed search request' } });
  return [];
}

/** How many choices a search returns: what the client asked for (25 when it did not say), at most 50. */
const pageSize = (top: number | undefined) => Math.min(top || 25, 50);

/** Type-ahead for the customer list (Data.Query, dataset `customers`). */
export function registerCustomerSearch(app: Application<TurnState>, d: { signIn: SignIn; personal: PersonalFlow; logger: Logger; reportError: (e: unknown, correlationId: string, fields: object) => AdaptiveCardJson }): void {
  app.adaptiveCards.search('customers', async (ctx) => {
    // teams-ai passes the raw value on (a numeric queryText or a text `top` crashed the search): parsed here.
    const parsed = searchInvokeSchema.safeParse(ctx.activity.value);
    if (!parsed.success) {
      return refuseMalformed(ctx, d.logger, 'customers');
    }
    const cred = await d.signIn.credentialFor(ctx).catch(() => undefined);
    if (!cred) return [];
    const correlationId = randomUUID();
    try {
      const found = await d.personal.searchCustomers(cred, parsed.data.queryText, pageSize(parsed.data.queryOptions?.top), correlationId);
      // Choice titles are not markdown, but upstream names still lose control characters and get a bound.
      return found.map((c) => ({ title: cleanText(`${c.name} (${c.domain})`), value: c.id }));
    } catch (e) {
      // The list behind the type-ahead could not be read: no choices this time (the form also offers the list).
      d.reportError(e, correlationId, { turn: 'customer search' });
      return [];
    }
  });
}

/**
 * Type-ahead for the new-user form's groups, manager and copy-from inputs: datasets `groups:<customer id>` and
 * `people:<customer id>` (the card's customer rides in the dataset name, the one field Teams sends back). That id
 * is untrusted: PersonalFlow.searchDirectory checks it is one of the person's customers. A refusal is answered as
 * an error with its stable code, never as an empty list that looks like "no match".
 */
export function registerDirectorySearch(app: Application<TurnState>, d: { signIn: SignIn; personal: PersonalFlow; logger: Logger; reportError: (e: unknown, correlationId: string, fields: object) => AdaptiveCardJson }): void {
  const datasetPattern = /^(groups|people):(.*)$/;
  app.adaptiveCards.search(datasetPattern, async (ctx) => {
    const parsed = searchInvokeSchema.safeParse(ctx.activity.value);
    const match = parsed.success ? datasetPattern.exec(parsed.data.dataset) : null;
    if (!parsed.success || !match) {
      return refuseMalformed(ctx, d.logger, 'directory');
    }
    const cred = await d.signIn.credentialFor(ctx).catch(() => undefined);
    if (!cred) return [];
    const correlationId = randomUUID();
    try {
      const found = await d.personal.searchDirectory(cred, match[2], match[1] as 'groups' | 'people', parsed.data.queryText, pageSize(parsed.data.queryOptions?.top), correlationId);
      return found.map((x) => ({ title: cleanText(x.title), value: x.value }));
    } catch (e) {
      const error = toAppError(e);
      if (error.code === 'CUSTOMER_NOT_FOUND' || error.code === 'GDAP_ROLE_MISSING') {
        d.logger.warn({ dataset: match[1], code: error.code, correlationId }, 'directory search refused');
        await sendInvokeResponse(ctx, 200, { statusCode: 403, type: 'application/vnd.microsoft.error', value: { code: error.code, message: 'not allowed for this customer' } });
        return [];
      }
      // The tenant could not be read (not connected, an outage): no choices this time; the static list stays.
      d.reportError(e, correlationId, { turn: 'directory search' });
      return [];
    }
  });
}
