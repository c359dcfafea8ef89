import type { UserRequest } from '../core/approval/user-request';
import { connectionAuditCsv } from '../core/audit/connection-audit';
import type { UserCredential } from '../core/ports';
import { connectCustomer } from '../core/use-cases/connect-customer';
import { connectionStates } from '../core/use-cases/connection-state';
import { listCustomers, searchCustomers } from '../core/use-cases/customers';
import type { UseCaseDeps } from '../core/use-cases/deps';
import { assertRequester, loadRequest } from '../core/use-cases/request-access';
import type { ActionTurn } from './action-turn';
import type { AdaptiveCardJson } from './cards/card-templates';
import type { CardViews } from './cards/views';

/** The `customers` card lists this many at most; a filter narrows a long list. */
const CUSTOMERS_SHOWN = 25;

/**
 * "Connect <customer>": the `connectCustomer` verb (on the checklist's notice and on the `customers` card) and the
 * `customers` command. Connecting consents the bot's app in the customer's tenant so the pre-flight can read it;
 * the engineer's GDAP roles still decide what the bot may do there for them.
 */
export class ConnectFlow {
  constructor(
    private readonly deps: UseCaseDeps,
    private readonly views: CardViews,
  ) {}

  /**
   * Connects, then shows what the click was about again: the confirmation of the engineer's draft for that customer
   * (its checklist re-run, now full), or a plain "connected" notice from the `customers` card.
   */
  async connect(t: ActionTurn<{ customerId: string }>): Promise<AdaptiveCardJson> {
    const { customerId } = t.data;
    // A request named on the card is checked before anything is consented: it must be this person's.
    const named = t.request;
    if (named) assertRequester(named, t.actor);
    const { customer, record } = await connectCustomer(this.deps, t.cred, t.actor, customerId, t.correlationId);
    const draft = await this.draftFor(t, customer.id, named);
    if (draft) {
      // Card data is untrusted: the stored request is re-read and must be this person's draft for this customer.
      const password = await this.deps.vault.get(draft.id);
      const { checklist, customer: fresh } = await this.deps.preflight.run({ cred: t.cred, customerId: customer.id, user: draft.user, password, useCache: false, correlationId: draft.correlationId, onboarding: draft.onboarding });
      return this.views.confirm(draft, fresh ?? customer, checklist);
    }
    return this.views.notice({
      title: `${customer.companyName} connected`,
      text: `The bot's app is ${record.outcome === 'reconnected' ? 'consented again' : 'now consented'} in ${customer.companyName}'s tenant, so the domain and user-name checks can be made there. Your GDAP roles still decide what you may do for this customer.`,
      reference: `correlation id ${record.correlationId}`,
      color: 'Good',
      offerNewUser: true,
    });
  }

  /** The customers (filtered by `filter`), each with its connection state. */
  async customersCard(cred: UserCredential, filter: string, correlationId: string): Promise<AdaptiveCardJson> {
    const all = await listCustomers(this.deps, cred, correlationId);
    const shown = searchCustomers(all, filter, CUSTOMERS_SHOWN);
    const rows = await connectionStates(this.deps, cred, shown);
    const title = filter ? `Customers matching "${filter}"` : 'Customers';
    const more = all.length > shown.length && !filter ? ` The first ${shown.length} of ${all.length}; add a name to narrow the list.` : '';
    return this.views.customers(title, `Connected: the bot's app is consented in the customer's tenant, so every check can be made there.${more}`, rows);
  }

  /** The connection audit (`customers log`), newest first, as CSV text. */
  async auditText(limit: number): Promise<string> {
    const records = await this.deps.connections.list(limit);
    return `Customer connections, newest first (${records.length} rows):\n\n\`\`\`\n${connectionAuditCsv(records)}\n\`\`\``;
  }

  /**
   * The draft the click belongs to: the one named on the card, or (a notice that carries only the customer) the
   * engineer's newest draft for that customer. Someone else's request, another customer's, or one that moved on is
   * never re-shown as a confirmation.
   */
  private async draftFor(t: Pick<ActionTurn, 'actor'>, customerId: string, named: UserRequest | undefined): Promise<UserRequest | undefined> {
    if (named) {
      // Re-read after the consent: it may have moved on meanwhile.
      const request = (await loadRequest(this.deps, named.id)).value;
      return request.state.kind === 'draft' && request.customer.id === customerId ? request : undefined;
    }
    const mine = await this.deps.requests.list({ customerId, requesterOid: t.actor.oid, limit: 5 });
    return mine.find((r) => r.state.kind === 'draft' && r.mode === 'personal');
  }
}
