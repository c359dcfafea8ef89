import type { UserRequest } from '../core/approval/user-request';
import { AppError, toAppError, type FieldIssue } from '../core/errors';
import { prefillFromUser } from '../core/onboarding/copy-from-user';
import { searchOnboardingChoices, type TypeAheadDataset } from '../core/onboarding/type-ahead';
import type { UserCredential } from '../core/ports';
import { TtlCache } from '../core/ttl-cache';
import { startCreate } from '../core/use-cases/create-user';
import { listCustomers, loadCustomerForForm, searchCustomers, type CustomerChoice, type CustomerForForm } from '../core/use-cases/customers';
import type { UseCaseDeps } from '../core/use-cases/deps';
import type { ActionTurn } from './action-turn';
import type { BackgroundWork } from './background';
import { requestIdSchema } from './card-data';
import type { AdaptiveCardJson } from './cards/card-templates';
import type { CardViews } from './cards/views';
import type { OutcomeDelivery } from './outcome-delivery';
import { onboardingFormValues, prefillFromTemplate, typedFormValues } from '../core/templates/template-prefill';
import { localDateTime } from '../core/new-user/start-date';
import { firstCredentialFormValues } from '../core/new-user/first-credential';

const startInputs = (iso: string, zone: string) => {
  const { date, time } = localDateTime(iso, zone);
  return { startDate: date, startTime: time };
};

/**
 * The steps of a request in a 1:1 chat: pick a customer, fill the form, create. The verb handlers
 * (src/teams/verbs/) call these; look-ups behind the picker and the form are cached per person for a while.
 */
export class PersonalFlow {
  private readonly customerCache: TtlCache<CustomerChoice[]>;
  private readonly formCache: TtlCache<CustomerForForm>;

  constructor(
    private readonly deps: UseCaseDeps,
    private readonly views: CardViews,
    private readonly delivery: OutcomeDelivery,
    private readonly background: BackgroundWork,
    cacheTtlMs: number,
    /** Whether the form offers "send to the approvers' channel" (a channel is configured). */
    private readonly offerApproval: boolean,
  ) {
    this.customerCache = new TtlCache(deps.clock, cacheTtlMs);
    this.formCache = new TtlCache(deps.clock, cacheTtlMs);
  }

  /** The first card of a new request (from text, after sign-in, or `openForm` without a customer). */
  async customerPicker(cred: UserCredential, correlationId: string, error?: string): Promise<AdaptiveCardJson> {
    const all = await this.customers(cred, correlationId);
    return this.views.pickCustomer(all.slice(0, this.deps.settings.customerChoiceLimit), all.length, error ? { error } : {});
  }

  /** Type-ahead for the customer list (`application/search`, dataset `customers`). */
  async searchCustomers(cred: UserCredential, query: string, limit: number, correlationId: string): Promise<CustomerChoice[]> {
    return searchCustomers(await this.customers(cred, correlationId), query, limit);
  }

  /**
   * Type-ahead for the form's groups / people (`application/search`, datasets `groups:<customer id>` and
   * `people:<customer id>`). The customer id comes from the card, so it is untrusted: it must be one of this
   * person's customers (the same list the customer picker and its search use), else CUSTOMER_NOT_FOUND.
   */
  async searchDirectory(cred: UserCredential, customerId: string, dataset: TypeAheadDataset, query: string, limit: number, correlationId: string): Promise<Array<{ value: string; title: string }>> {
    const id = customerId.trim().toLowerCase();
    if (!requestIdSchema.safeParse(id).success || !(await this.customers(cred, correlationId)).some((c) => c.id.toLowerCase() === id)) {
      throw new AppError('CUSTOMER_NOT_FOUND', 'type-ahead for a customer that is not one of this person\'s');
    }
    return searchOnboardingChoices(this.deps, cred, id, dataset, query, limit, correlationId);
  }

  /**
   * The form for a customer: empty, or with `values` (an edit) and `issues` (a submission refused). It offers the
   * customer's templates and the partner-wide ones, read from the store each time (an edit shows at once).
   */
  async form(
    t: Pick<ActionTurn, 'cred' | 'correlationId'>,
    customerId: string,
    filled: { values?: Record<string, string>; issues?: FieldIssue[]; requestId?: string; templateNotes?: string[]; copyNotes?: string[] } = {},
  ): Promise<AdaptiveCardJson> {
    const form = await this.formContext(t.cred, customerId, t.correlationId);
    const templates = await this.deps.templates.list({ customerId: form.customer.id });
    return this.views.form({ customer: form.customer, domains: form.domains, domainsUnavailable: Boolean(form.domainsUnavailable), offerApproval: this.offerApproval, templates, onboarding: form.onboarding, ...filled });
  }

  /**
   * "Apply template" on the form: the chosen template is re-read from the store (the card names it, nothing more)
   * and fills the form; what the person typed is kept where the template sets nothing (never the password).
   */
  async applyTemplate(t: Pick<ActionTurn, 'cred' | 'correlationId'>, customerId: string, raw: unknown, requestId: string | undefined): Promise<AdaptiveCardJson> {
    const form = await this.formContext(t.cred, customerId, t.correlationId);
    const typed = typedFormValues(raw);
    const chosenId = typed.templateId?.trim().toLowerCase() ?? '';
    if (!chosenId) return this.form(t, customerId, { values: typed, requestId, templateNotes: ['Choose a template first.'] });
    const chosen = (await this.deps.templates.list({ customerId: form.customer.id })).find((x) => x.id === chosenId);
    if (!chosen) {
      return this.form(t, customerId, { values: { ...typed, templateId: '' }, requestId, issues: [{ field: 'templateId', code: 'TEMPLATE_NOT_FOUND', message: 'This template no longer exists or is not for this customer.' }] });
    }
    const { values, notes } = prefillFromTemplate(chosen, typed, form.domains.map((d) => d.name));
    return this.form(t, customerId, { values, requestId, templateNotes: notes });
  }

  /**
   * "Copy" on the form: the chosen user of this customer (the card names an id, nothing more) is read from the
   * customer's tenant under the engineer's identity and GDAP roles, and fills the form. A read that fails says why
   * on the form, which keeps what was typed.
   */
  async copyFromUser(t: Pick<ActionTurn, 'cred' | 'correlationId'>, customerId: string, raw: unknown, requestId: string | undefined): Promise<AdaptiveCardJson> {
    const form = await this.formContext(t.cred, customerId, t.correlationId);
    const typed = typedFormValues(raw);
    const chosen = typed.copyFrom?.trim().toLowerCase() ?? '';
    if (!chosen) return this.form(t, customerId, { values: typed, requestId, copyNotes: ['Choose a user to copy from first.'] });
    try {
      const { values, notes } = await prefillFromUser(this.deps, t.cred, form.customer.id, chosen, typed, t.correlationId);
      return this.form(t, customerId, { values, requestId, copyNotes: notes });
    } catch (e) {
      const error = toAppError(e);
      return this.form(t, customerId, { values: typed, requestId, issues: [{ field: 'copyFrom', code: error.code, message: `Could not copy from this user (${error.code}).` }] });
    }
  }

  /** The form again, filled with a stored request's values (Edit). */
  editForm(t: Pick<ActionTurn, 'cred' | 'correlationId'>, request: UserRequest): Promise<AdaptiveCardJson> {
    const u = request.user;
    const values = {
      firstName: u.firstName,
      lastName: u.lastName,
      displayName: u.displayName,
      userName: u.userName,
      domain: u.domain,
      usageLocation: u.usageLocation,
      immutableId: u.immutableId ?? '',
      forceChangePassword: String(u.forceChangePassword),
      ticket: request.ticket ?? '',
      // The first day as it was entered: its date and time in its zone.
      ...(request.startAt ? { ...startInputs(request.startAt, request.startTimeZone ?? 'UTC'), startTimeZone: request.startTimeZone ?? 'UTC' } : {}),
      ...firstCredentialFormValues(u.firstCredential),
      ...onboardingFormValues(request),
    };
    return this.form(t, request.customer.id, { values, requestId: request.id });
  }

  /** Create (or Try again): claims the creation, answers "Creating…", and creates once the invoke is answered. */
  async claimAndCreate(t: ActionTurn<{ requestId: string }>, kind: 'create' | 'retry'): Promise<AdaptiveCardJson> {
    const requestId = t.request.id;
    const outcome = await startCreate(this.deps, t.actor, requestId, kind, t.cred, t.location);
    if (!outcome.started) return this.views.current(outcome.request);
    const cred = t.cred;
    t.afterResponse(() =>
      this.background.run('create-user', { requestId }, async () => {
        await this.delivery.createAndShow(cred, requestId);
      }),
    );
    return this.views.creating(outcome.request);
  }

  private customers(cred: UserCredential, correlationId: string): Promise<CustomerChoice[]> {
    return this.customerCache.getOrLoad(cred.user.oid, () => listCustomers(this.deps, cred, correlationId));
  }

  private formContext(cred: UserCredential, customerId: string, correlationId: string): Promise<CustomerForForm> {
    if (!requestIdSchema.safeParse(customerId).success) throw new AppError('CUSTOMER_NOT_FOUND', 'no customer id on the form');
    return this.formCache.getOrLoad(`${cred.user.oid}:${customerId}`, () => loadCustomerForForm(this.deps, cred, customerId, correlationId));
  }
}
