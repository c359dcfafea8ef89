import type { UserRequest } from '../../core/approval/user-request';
import type { AppError } from '../../core/errors';
import type { CustomerChoice } from '../../core/use-cases/customers';
import type { CustomerConnection } from '../../core/use-cases/connection-state';
import type { Customer } from '../../core/ports';
import type { Checklist } from '../../core/preflight/checks';
import { upnText } from '../../core/text/people-text';
import type { AdaptiveCardJson, CardName, CardTemplates } from './card-templates';
import { approvalCardData, type ApprovalView } from './approval-view';
import { confirmData } from './confirm-view';
import { customersData, pickCustomerData } from './customer-views';
import { formData, type FormInput, type FormSettings } from './form-view';
import { historyData, historyPromptData } from './history-views';
import { errorNotice, type Notice, noticeData, requestStateNotice, restoredNotice, restoreQuestion } from './notice-views';
import { createdData, creatingData, failedData } from './request-result-views';

// Re-exported so that callers keep importing the card views from one place.
export { approvalCardData, type ApprovalView } from './approval-view';
export { buttonName, errorTitleId } from './card-values';
export { COUNTRY_CHOICES } from './form-view';
export type { NoticeButton } from './notice-views';

/**
 * Every card the bot draws, by what it shows: each method renders one template with data from the module that
 * builds it (form-view.ts, confirm-view.ts, request-result-views.ts, approval-view.ts, notice-views.ts,
 * history-views.ts, customer-views.ts). Every binding a template uses gets a value there (an unbound `${x}` would
 * be shown literally), and only display values go in: card data carries a verb and a request id, nothing else the
 * server trusts.
 */
export class CardViews {
  constructor(
    private readonly templates: CardTemplates,
    private readonly settings: FormSettings,
  ) {}

  /** Any card template with data already made safe for it (src/teams/templates/template-views.ts). */
  render(name: CardName, data: object): AdaptiveCardJson {
    return this.templates.render(name, data);
  }

  welcome(signedInAs?: string): AdaptiveCardJson {
    return this.templates.render('welcome', { signedInAs: signedInAs ? upnText(signedInAs) : null });
  }

  pickCustomer(choices: CustomerChoice[], total: number, opts: { selected?: string; error?: string } = {}): AdaptiveCardJson {
    return this.templates.render('pick-customer', pickCustomerData(choices, total, opts));
  }

  form(input: FormInput): AdaptiveCardJson {
    return this.templates.render('new-user-form', formData(input, this.settings));
  }

  confirm(request: UserRequest, customer: Customer, checklist: Checklist): AdaptiveCardJson {
    return this.templates.render('confirm', confirmData(request, customer, checklist));
  }

  creating(request: UserRequest): AdaptiveCardJson {
    return this.templates.render('creating', creatingData(request));
  }

  /** `password` is given only while it may be shown; the later edit renders the same card without it. */
  created(request: UserRequest, password?: string): AdaptiveCardJson {
    return this.templates.render('created', createdData(request, password));
  }

  failed(request: UserRequest): AdaptiveCardJson {
    return this.templates.render('failed', failedData(request));
  }

  /** The card for any request, from its stored state: what a repeated or stale action is shown. */
  current(request: UserRequest): AdaptiveCardJson {
    switch (request.state.kind) {
      case 'draft':
        // A scheduled request that became ready: the confirmation card, whose Create runs every check again,
        // uncached, under the clicker's own identity before anything is sent (the bot has no token before that).
        if (request.startAt) {
          const c = request.customer;
          return this.confirm(request, { id: c.id, tenantId: c.id, companyName: c.companyName, defaultDomain: c.defaultDomain ?? '', relationshipToPartner: '' }, { checks: [], blocked: false });
        }
        return this.notice(requestStateNotice(request));
      case 'creating':
        return this.creating(request);
      case 'created':
        return this.created(request);
      case 'failed':
        return this.failed(request);
      default:
        return this.notice(requestStateNotice(request));
    }
  }

  /** `reference`: the turn's correlation id, shown when the error carries none (every error card shows one). */
  error(error: AppError, reference: string): AdaptiveCardJson {
    return this.notice(errorNotice(error, reference));
  }

  /** `code`: set on error notices only; it becomes the title's element id (see errorTitleId), never text. */
  notice(n: Notice): AdaptiveCardJson {
    return this.templates.render('notice', noticeData(n));
  }

  approvalRequest(request: UserRequest, view: ApprovalView, refreshUserIds: string[]): AdaptiveCardJson {
    return this.templates.render('approval-request', approvalCardData(request, view, refreshUserIds));
  }

  /**
   * Where `history` cannot sign the person in by itself (a channel or group chat: no OAuth card there), a button
   * whose Action.Execute signs them in through Universal Actions and answers with the history; `command` is
   * parsed again on the click (the scope never comes from the card).
   */
  historyPrompt(title: string, subtitle: string, command: string): AdaptiveCardJson {
    return this.templates.render('history', historyPromptData(title, subtitle, command));
  }

  history(title: string, subtitle: string, requests: UserRequest[]): AdaptiveCardJson {
    return this.templates.render('history', historyData(title, subtitle, requests));
  }

  /** The `customers` command: each customer with its connection state, and Connect where it may help. */
  customers(title: string, subtitle: string, rows: CustomerConnection[]): AdaptiveCardJson {
    return this.templates.render('customers', customersData(title, subtitle, rows));
  }

  confirmRestore(request: UserRequest, deleted: { id: string; displayName: string; softDeletionTime?: string }): AdaptiveCardJson {
    return this.notice(restoreQuestion(request, deleted));
  }

  restored(request: UserRequest, restored: { id: string; userPrincipalName: string; displayName: string }): AdaptiveCardJson {
    return this.notice(restoredNotice(request, restored));
  }
}
